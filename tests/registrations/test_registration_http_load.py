"""Exact under load through HTTP: a real gunicorn server with several worker processes.

40 people register at once for 10 seats (half through the form on the event page, half
through the JSON API), then the 10 seat holders cancel at once. Runs on SQLite and, with
COOPNET_TEST_DATABASE_URL set, on PostgreSQL.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from coopnet.db import utcnow
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations.models import Registration
from tests.factories import make_event

PEOPLE = 40
SEATS = 10
WORKERS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(app: Flask, tmp_path: Path) -> Iterator[int]:
    """gunicorn with several workers on the test's database; stopped after the test."""
    port = _free_port()
    env = {**os.environ, "COOPNET_ENV": "testing",
           "COOPNET_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "COOPNET_SECRET_KEY": "load-test-secret-key-0123456789",
           "COOPNET_BASE_URL": f"http://127.0.0.1:{port}",
           "COOPNET_MAIL_DIR": str(tmp_path / "mail"),
           "COOPNET_RATELIMIT_ENABLED": "0"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(tmp_path / "gunicorn.log", "wb")  # closed in finally
    process = subprocess.Popen(
        [str(gunicorn), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--preload", "--timeout", "30", "--graceful-timeout", "2", "wsgi:app"],
        cwd=Path(__file__).resolve().parents[2], env=env,
        stdout=subprocess.DEVNULL, stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/api/v1/")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError((tmp_path / "gunicorn.log").read_text()[-2000:])
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def _request(port: int, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def _register_by_api(port: int, event_id: int, n: int) -> int:
    status, _, _ = _request(
        port, "POST", f"/api/v1/events/{event_id}/registrations",
        json.dumps({"name": f"Api {n}", "email": f"http{n}@example.test",
                    "consent": True}).encode(), {"Content-Type": "application/json"})
    return status


def _register_by_form(port: int, event_id: int, n: int) -> int:
    # the event page gives the CSRF token and the session cookie that holds its secret
    status, headers, html = _request(port, "GET", f"/events/{event_id}")
    assert status == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    cookie = headers["set-cookie"].split(";", 1)[0]
    form = (f"csrf_token={token}&name=Form+{n}&email=http{n}%40example.test&consent=y"
            f"&organization=").encode()
    status, headers, _ = _request(
        port, "POST", f"/events/{event_id}/register", form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    if status == 302:
        assert re.search(r"/r/[A-Za-z0-9_-]{43}$", headers["location"])
    return status


def _all_at_once(jobs: list[Callable[[], int]]) -> list[int]:
    barrier = threading.Barrier(len(jobs))
    results: list[int | BaseException] = [0] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=20)
            results[i] = jobs[i]()
        except BaseException as error:  # reported below
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    return results  # type: ignore[return-value]


def _snapshot(app: Flask, event_id: int) -> tuple[int, dict[str, int], list[str]]:
    with app.app_context():
        seats = db.session.execute(
            sa.select(Event.seats_taken).where(Event.id == event_id)).scalar_one()
        counts = dict(db.session.execute(
            sa.select(Registration.status, sa.func.count(Registration.id))
            .where(Registration.event_id == event_id).group_by(Registration.status)).all())
        queue = list(db.session.execute(
            sa.select(Registration.ticket_code)
            .where(Registration.event_id == event_id, Registration.status == "waitlisted")
            .order_by(Registration.waitlisted_at, Registration.id)).scalars())
        return seats, counts, queue


@pytest.mark.slow
def test_forty_people_at_once_over_http_get_exactly_ten_seats_then_cancel_at_once(app, server):
    with app.app_context():
        event_id = make_event("Drukke coopborrel", capacity=SEATS,
                              starts_at=utcnow() + timedelta(days=7)).id
    port = server
    jobs: list[Callable[[], int]] = [
        (lambda n=n: _register_by_form(port, event_id, n)) if n % 2 else
        (lambda n=n: _register_by_api(port, event_id, n)) for n in range(PEOPLE)]
    started = time.monotonic()
    statuses = _all_at_once(jobs)
    elapsed = time.monotonic() - started
    # no error page: every form answer redirects to a ticket, every API answer is 201
    assert sorted(statuses) == sorted(302 if n % 2 else 201 for n in range(PEOPLE)), statuses
    seats, counts, queue = _snapshot(app, event_id)
    assert counts == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}
    assert seats == SEATS
    # each person waiting was told the place they really have
    for position, code in enumerate(queue[:5], start=1):
        _, _, body = _request(port, "GET", f"/api/v1/registrations/{code}")
        assert json.loads(body)["waitlist_position"] == position

    with app.app_context():
        holders = list(db.session.execute(
            sa.select(Registration.ticket_code).where(Registration.event_id == event_id,
                                                      Registration.status == "confirmed"
                                                      )).scalars())
    cancel_jobs: list[Callable[[], int]] = [
        (lambda code=code: _request(port, "POST", f"/api/v1/registrations/{code}/cancel")[0])
        for code in holders]
    assert _all_at_once(cancel_jobs) == [200] * SEATS
    seats, counts, new_queue = _snapshot(app, event_id)
    assert counts == {"cancelled": SEATS, "confirmed": SEATS, "waitlisted": PEOPLE - 2 * SEATS}
    assert seats == SEATS
    # the ten who waited longest got the seats; the rest keep their order
    assert new_queue == queue[SEATS:]
    print(f"\n{PEOPLE} concurrent registrations over HTTP on "
          f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {elapsed:.2f}s")
