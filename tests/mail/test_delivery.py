"""Outbox delivery against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from coopnet.extensions import db
from coopnet.mail.delivery import MAX_ATTEMPTS, SmtpTransport, retry_delay, send_due
from coopnet.mail.models import OutboxMessage
from coopnet.mail.services import queue_mail

NOW = datetime(2022, 2, 1, 9, 0, tzinfo=UTC)


class Inbox:
    """An SMTP handler that refuses the first `refuse` messages with 451, then accepts."""

    def __init__(self, refuse: int = 0, permanent: bool = False) -> None:
        self.refuse, self.permanent = refuse, permanent
        self.received: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        with self.lock:
            if self.permanent:
                return "550 mailbox unavailable"
            if self.refuse > 0:
                self.refuse -= 1
                return "451 try again later"
            self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    servers = []

    def start(**kwargs):
        inbox = Inbox(**kwargs)
        controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        controller.start()
        servers.append(controller)
        return inbox, SmtpTransport("127.0.0.1", controller.port, starttls=False)

    yield start
    for controller in servers:
        controller.stop()


def _queue(n: int = 1, **fields):
    for i in range(n):
        queue_mail(kind="registration_confirmed", to=f"an{i}@example.test",
                   subject=fields.get("subject", "Je inschrijving: Coopborrel Gent"),
                   text=fields.get("text", "Dag An,\n\nTot donderdag in Gent! Coöperatief groet."),
                   attachments=fields.get("attachments", ()), now=NOW)
    db.session.commit()


def _statuses():
    return db.session.execute(sa.select(OutboxMessage.status, OutboxMessage.attempts)
                              .order_by(OutboxMessage.id)).all()


def test_delivers_with_dutch_characters_and_the_calendar_attachment(ctx, smtp):
    inbox, transport = smtp()
    _queue(attachments=[("coopkracht-1.ics", "text/calendar; method=PUBLISH", b"BEGIN:VCALENDAR")])
    report = send_due(now=NOW, transport=transport)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [message] = inbox.received
    assert message["To"] == "an0@example.test"
    assert message["Subject"] == "Je inschrijving: Coopborrel Gent"
    assert "Coöperatief" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "coopkracht-1.ics"
    assert attachment.get_content_type() == "text/calendar"
    row = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert (row.status, row.sent_at, row.attempts) == ("sent", NOW, 1)


def test_refused_first_then_accepted_is_delivered_exactly_once(ctx, smtp):
    inbox, transport = smtp(refuse=1)
    _queue()
    first = send_due(now=NOW, transport=transport)
    assert (first.sent, first.retried) == (0, 1)
    row = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert row.status == "pending" and "451" in row.last_error
    assert row.next_attempt_at == NOW + timedelta(minutes=1)
    # not due yet: nothing happens
    assert send_due(now=NOW + timedelta(seconds=30), transport=transport).sent == 0
    second = send_due(now=NOW + timedelta(minutes=1), transport=transport)
    assert second.sent == 1
    assert len(inbox.received) == 1
    assert send_due(now=NOW + timedelta(hours=1), transport=transport).sent == 0
    assert len(inbox.received) == 1


def test_back_off_doubles_and_gives_up_after_the_maximum(ctx, smtp):
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(20) == timedelta(hours=6)
    inbox, transport = smtp(refuse=10_000)
    _queue()
    moment = NOW
    for _ in range(MAX_ATTEMPTS):
        send_due(now=moment, transport=transport)
        moment += timedelta(hours=7)
    assert _statuses() == [("failed", MAX_ATTEMPTS)]
    assert inbox.received == []


def test_a_permanent_refusal_fails_at_once(ctx, smtp):
    _inbox, transport = smtp(permanent=True)
    _queue()
    assert send_due(now=NOW, transport=transport).failed == 1
    assert _statuses() == [("failed", 1)]


def test_server_down_keeps_the_message_for_later(ctx):
    _queue()
    transport = SmtpTransport("127.0.0.1", _free_port(), starttls=False, timeout=2)
    report = send_due(now=NOW, transport=transport)
    assert report.retried == 1
    assert _statuses() == [("pending", 1)]


def test_two_senders_at_once_send_each_message_once(app, smtp):
    inbox, _transport = smtp()
    with app.app_context():
        _queue(20)
    port = int(_transport.port)

    def sender():
        with app.app_context():
            send_due(now=NOW, transport=SmtpTransport("127.0.0.1", port, starttls=False))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m["To"] for m in inbox.received) == sorted(f"an{i}@example.test"
                                                             for i in range(20))
    with app.app_context():
        assert {s for s, _a in _statuses()} == {"sent"}


def test_without_smtp_settings_messages_become_eml_files(runner, app):
    with app.app_context():
        _queue(2)
    result = runner.invoke(args=["mail", "send"])
    assert "sent 2, to retry 0, failed 0" in result.output
    from pathlib import Path

    files = sorted(Path(app.config["COOPNET_MAIL_DIR"]).glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Je inschrijving: Coopborrel Gent"
