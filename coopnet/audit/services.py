"""Write audit entries (in the same transaction as the change)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from coopnet.audit.models import AuditEntry
from coopnet.db import utcnow
from coopnet.extensions import db

if TYPE_CHECKING:
    from coopnet.auth.models import User


def record_audit(
    action: str,
    *,
    object_type: str,
    object_id: int | None,
    actor: User | None,
    now: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit entry for a change; the caller's transaction commits it with the change."""
    entry = AuditEntry(
        at=now or utcnow(), actor_id=actor.id if actor is not None else None, action=action,
        object_type=object_type, object_id=object_id, details=details or {},
    )
    db.session.add(entry)
    return entry
