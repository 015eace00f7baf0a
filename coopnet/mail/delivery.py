"""Deliver the outbox: claim due messages, send them, mark them sent only when accepted.

This is a worker (run by `flask mail send`), so unlike services it commits: each claim
and each outcome is its own transaction, so a crash loses nothing and repeats little.

Several senders may run at once: a message is claimed with a conditional UPDATE that
moves its next attempt a lease into the future; only the sender whose UPDATE changed
the row sends it. A sender that dies mid-send leaves the claim to expire, and the
message is tried again (at least once, never lost).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from flask import current_app

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the n-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


class Transport(Protocol):
    """Something that hands a message over, or raises."""

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """One SMTP connection per batch, opened on the first message."""

    def __init__(self, host: str, port: int, user: str = "", password: str = "",
                 starttls: bool = True, timeout: float = 30) -> None:
        self.host, self.port, self.user, self.password = host, port, user, password
        self.starttls, self.timeout = starttls, timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if self.user:
            smtp.login(self.user, self.password)
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self._smtp.close()
            self._smtp = None  # reconnect for the next message
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            finally:
                self._smtp.close()
                self._smtp = None


class FileTransport:
    """Development: write each message as an .eml file instead of sending it."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
        (self.directory / f"{name}.eml").write_bytes(bytes(message))

    def close(self) -> None:
        return None


def transport_from_config() -> Transport:
    """SMTP when COOPNET_SMTP_HOST is set, else .eml files under COOPNET_MAIL_DIR."""
    config = current_app.config
    if config["COOPNET_SMTP_HOST"]:
        return SmtpTransport(config["COOPNET_SMTP_HOST"], config["COOPNET_SMTP_PORT"],
                             config["COOPNET_SMTP_USER"], config["COOPNET_SMTP_PASSWORD"],
                             config["COOPNET_SMTP_STARTTLS"])
    return FileTransport(config["COOPNET_MAIL_DIR"])


def build_email(message: OutboxMessage) -> EmailMessage:
    """The outbox row as a MIME message (text, optional HTML, attachments)."""
    email = EmailMessage()
    email["From"] = current_app.config["COOPNET_MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain="coopnet")
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        subtype, _, params = subtype.partition(";")
        email.add_attachment(attachment.content, maintype=maintype, subtype=subtype.strip(),
                             filename=attachment.filename)
    return email


def claim(message_id: int, now: datetime) -> bool:
    """Take a due message for this sender; False when another sender was quicker."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + LEASE, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def _permanent(error: Exception) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _msg in error.recipients.values()]
        return bool(codes) and all(500 <= c < 600 for c in codes)
    return isinstance(code, int) and 500 <= code < 600


@dataclass(frozen=True)
class DeliveryReport:
    """What one run did."""

    sent: int
    retried: int
    failed: int


def send_due(*, now: datetime | None = None, limit: int = 100,
             transport: Transport | None = None) -> DeliveryReport:
    """Send every due message (up to `limit`), each at most once per claim."""
    now = now or utcnow()
    due: Sequence[int] = db.session.execute(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    ).scalars().all()
    db.session.commit()
    transport = transport or transport_from_config()
    sent = retried = failed = 0
    try:
        for message_id in due:
            if not claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            assert message is not None
            try:
                transport.send(build_email(message))
            except (smtplib.SMTPException, OSError) as error:
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                if _permanent(error) or message.attempts >= MAX_ATTEMPTS:
                    message.status = "failed"
                    failed += 1
                else:
                    message.next_attempt_at = now + retry_delay(message.attempts)
                    retried += 1
            else:
                message.status = "sent"
                message.sent_at = now
                message.last_error = None
                sent += 1
            db.session.commit()
    finally:
        transport.close()
    return DeliveryReport(sent=sent, retried=retried, failed=failed)
