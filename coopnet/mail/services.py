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
) -> OutboxMessage | None:
    """Add a message to the outbox; never sends. Returns None if `dedupe_key` was queued before.

    `attachments` are (filename, content type, bytes). The caller commits; the message
    exists exactly when the change that caused it does.
    """
    now = now or utcnow()
    if dedupe_key is not None:
        exists = db.session.execute(
            sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        ).first()
        if exists:
            return None
    message = OutboxMessage(
        kind=kind, to_address=to, subject=subject, body_text=text, body_html=html,
        dedupe_key=dedupe_key, status="pending", attempts=0, next_attempt_at=now, created_at=now,
    )
    message.attachments = [
        OutboxAttachment(filename=name, content_type=ctype, content=content)
        for name, ctype, content in attachments
    ]
    db.session.add(message)
    return message
