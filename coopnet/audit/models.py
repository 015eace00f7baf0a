"""Audit log entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coopnet.db import UTCDateTime
from coopnet.extensions import db


class AuditEntry(db.Model):
    """One recorded change: actor, action, the object it touched, and what changed."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # None for anonymous visitors and system jobs
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # e.g. "registration.created", "registration.checked_in", "indicator.value_added"
    action: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    object_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    object_id: Mapped[int | None] = mapped_column(sa.Integer)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False, default=dict)

    __table_args__ = (
        sa.Index("ix_audit_entries_object", "object_type", "object_id"),
        sa.Index("ix_audit_entries_at", "at"),
        # an account's activity (GDPR export) without reading the whole log
        sa.Index("ix_audit_entries_actor_id", "actor_id"),
    )
