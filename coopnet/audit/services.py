"""Write audit entries (in the same transaction as the change)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.db import utcnow
from coopnet.extensions import db

if TYPE_CHECKING:
    from coopnet.auth.models import User

# one statement for every entry, built once: a plain table INSERT (no ORM bulk machinery)
_INSERT_ENTRY = sa.insert(AuditEntry.__table__)


def record_audit(
    action: str,
    *,
    object_type: str,
    object_id: int | None,
    actor: User | None,
    now: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry for a change; the caller's transaction commits it with the change.

    One INSERT statement at once (no ORM object to flush: the busiest requests write one)."""
    db.session.execute(_INSERT_ENTRY, {
        "at": now or utcnow(), "actor_id": actor.id if actor is not None else None,
        "action": action, "object_type": object_type, "object_id": object_id,
        "details": details or {},
    })
