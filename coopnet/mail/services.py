"""Queue e-mails in the outbox (same transaction as the change that causes them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.mail.models import OutboxAttachment, OutboxMessage


def queue_mail(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Add a message to the outbox; never sends. Returns its id, or None if `dedupe_key` was
    queued before.

    `attachments` are (filename, content type, bytes). The caller commits; the message
    exists exactly when the change that caused it does. Plain INSERTs (no ORM objects to
    flush): every registration queues one.
    """
    now = now or utcnow()
    if dedupe_key is not None:
        exists = db.session.execute(
            sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        ).first()
        if exists:
            return None
    message_id: int = db.session.execute(_INSERT_MESSAGE, {
        "kind": kind, "to_address": to, "subject": subject, "body_text": text,
        "body_html": html, "dedupe_key": dedupe_key, "status": "pending", "attempts": 0,
        "next_attempt_at": now, "last_error": None, "created_at": now, "sent_at": None,
    }).scalar_one()
    if attachments:
        db.session.execute(_INSERT_ATTACHMENT, [
            {"message_id": message_id, "filename": name, "content_type": ctype,
             "content": content}
            for name, ctype, content in attachments
        ])
    return message_id


# built once per process
_INSERT_MESSAGE = sa.insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id)
_INSERT_ATTACHMENT = sa.insert(OutboxAttachment.__table__)
