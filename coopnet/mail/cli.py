"""`flask --app coopnet mail send` (`mail remind` comes from coopnet/registrations/cli.py)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from coopnet.extensions import db
from coopnet.mail.delivery import DeliveryReport, send_due


@click.group("mail")
def mail_cli() -> None:
    """The e-mail outbox."""


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by Ctrl+C or SIGTERM (instead of dying mid-send); old handlers restored after."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals reach the main thread only
        return
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, lambda _signum, _frame: stop.set())
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@mail_cli.command("send")
@click.option("--loop", "--watch", "loop", is_flag=True,
              help="Keep running and poll the outbox (what `make run` does, every 2 seconds).")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds between polls.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1),
              help="Messages per round.")
@click.option("--rounds", default=None, type=click.IntRange(min=1),
              help="With --loop: stop after this many rounds (default: until stopped).")
@with_appcontext
def send_command(loop: bool, interval: float, limit: int, rounds: int | None) -> None:
    """Deliver due messages (SMTP, or .eml files in development).

    With --loop it polls until Ctrl+C or SIGTERM, which it obeys between messages: a round
    under way ends first. A database that is busy for a moment is tried again next round.
    """
    if not loop:
        _report(send_due(limit=limit), always=True)
        return
    done = 0
    with _stop_on_signals() as stop:
        while not stop.is_set():
            try:
                _report(send_due(limit=limit), always=False)
            except sa.exc.OperationalError as error:
                db.session.rollback()
                click.echo(f"mail send: database unavailable, trying again: {error.orig}", err=True)
            done += 1
            db.session.remove()
            if rounds is not None and done >= rounds:
                break
            stop.wait(interval)


def _report(report: DeliveryReport, *, always: bool) -> None:
    if always or report.sent or report.retried or report.failed:
        click.echo(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}")
