"""Outbox messages and their attachments."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopnet.db import UTCDateTime, utcnow
from coopnet.extensions import db

MAIL_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(db.Model):
    """One e-mail to one address. `pending` until an SMTP server accepted it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    # what sort of message: registration_confirmed, waitlisted, promoted, event_cancelled …
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    to_address: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # makes a message idempotent, e.g. "reminder:<registration id>": queued at most once
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        # a person's mails (GDPR export, erasure) without reading the whole outbox
        sa.Index("ix_outbox_messages_to_address", "to_address"),
    )


class OutboxAttachment(db.Model):
    """A file sent with a message (e.g. the event's .ics)."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")
