"""`flask mail send --loop`: the sender `make run` starts beside the development server."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.mail import cli as mail_cli
from coopnet.mail.models import OutboxMessage
from coopnet.mail.services import queue_mail


def _queue(app, subject: str, due_in: float = 0) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        queue_mail(kind="registration_confirmed", to="an@example.test", subject=subject,
                   text="Dag An,\n\nhttp://coopnet.test/r/abc", now=utcnow() + timedelta(seconds=due_in))
        db.session.commit()


def _subjects_on_disk(app) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"]
                  for path in Path(app.config["COOPNET_MAIL_DIR"]).glob("*.eml"))


def test_the_loop_delivers_what_is_queued_while_it_runs(app, runner):
    _queue(app, "Nu")
    _queue(app, "Straks", due_in=0.4)  # not due in the first round: a later round sends it
    started = time.monotonic()
    result = runner.invoke(args=["mail", "send", "--loop", "--interval", "0.05", "--rounds", "20"])
    assert result.exit_code == 0, result.output
    assert result.output == "sent 1, to retry 0, failed 0\nsent 1, to retry 0, failed 0\n"
    assert time.monotonic() - started < 10
    assert _subjects_on_disk(app) == ["Nu", "Straks"]
    with app.app_context():
        assert db.session.execute(sa.select(OutboxMessage.status)).scalars().all() == ["sent", "sent"]


def test_watch_is_another_name_for_loop(app, runner):
    _queue(app, "Nu")
    result = runner.invoke(args=["mail", "send", "--watch", "--interval", "0", "--rounds", "1"])
    assert result.output == "sent 1, to retry 0, failed 0\n"
    assert _subjects_on_disk(app) == ["Nu"]


class _TestHandlerGotIt(Exception):
    pass


def _test_handler(_signum, _frame):  # type: ignore[no-untyped-def]
    raise _TestHandlerGotIt


def test_sigterm_stops_the_loop_between_rounds_and_restores_the_handler(app, runner):
    before = signal.signal(signal.SIGTERM, _test_handler)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    try:
        started = time.monotonic()
        timer.start()
        result = runner.invoke(args=["mail", "send", "--loop", "--interval", "60"])
        took = time.monotonic() - started
        # the command's own handler took the signal and ended its wait (the test's would raise)
        assert result.exception is None, repr(result.exception)
        assert result.exit_code == 0, result.output
        assert took < 10
        with pytest.raises(_TestHandlerGotIt):  # the test's handler is back after the command
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, before)


def test_a_busy_database_does_not_end_the_loop(app, runner, monkeypatch):
    real = mail_cli.send_due
    calls = []

    def flaky(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise sa.exc.OperationalError("SELECT", {}, Exception("database is locked"))
        return real(**kwargs)

    monkeypatch.setattr(mail_cli, "send_due", flaky)
    _queue(app, "Nu")
    result = runner.invoke(args=["mail", "send", "--loop", "--interval", "0", "--rounds", "2"])
    assert result.exit_code == 0, result.output
    assert "mail send: database unavailable, trying again: database is locked" in result.output
    assert result.output.endswith("sent 1, to retry 0, failed 0\n")
    assert _subjects_on_disk(app) == ["Nu"]


def test_without_loop_a_database_error_is_not_swallowed(app, runner, monkeypatch):
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise sa.exc.OperationalError("SELECT", {}, Exception("no such table"))

    monkeypatch.setattr(mail_cli, "send_due", broken)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code != 0
