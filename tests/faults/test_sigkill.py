"""Crash safety: kill the server (SIGKILL) mid-stream; what it acknowledged must be stored.

A real gunicorn with two workers serves the app. Clients register and check people in
through the JSON API as fast as they can; the test kills the whole server process group
in the middle, restarts it, and checks every acknowledged write and every invariant.
Runs on SQLite (WAL) and, with COOPNET_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from json import dumps, loads
from pathlib import Path

import pytest
import sqlalchemy as sa

from coopnet.auth.tokens import create_api_token
from coopnet.extensions import db
from coopnet.registrations.models import Registration
from tests.factories import make_event, make_user

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(url: str, port: int, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "COOPNET_ENV": "production", "COOPNET_DATABASE_URL": url,
           "COOPNET_SECRET_KEY": "sigkill-test-secret-0123456789", "COOPNET_COOKIE_SECURE": "0",
           "COOPNET_RATELIMIT_ENABLED": "0", "COOPNET_MAIL_DIR": str(tmp_path / "mail")}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "1", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so one kill reaches every worker
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("server did not start")


def _post(url: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=dumps(body).encode(), headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}
    except (OSError, http.client.HTTPException):
        return 0, {}  # the server died mid-request: not acknowledged


def test_acknowledged_writes_survive_a_sigkill(app, tmp_path):
    with app.app_context():
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        event = make_event("Dag van de Coöperatie", kind_slug="dag-van-de-cooperatie",
                           capacity=5000, starts_at=datetime.now(UTC) + timedelta(days=2))
        event_id = event.id
        token = create_api_token(make_user("staff", display_name="An"))
        db.session.commit()
        db.engine.dispose()

    port = _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    server = _start_server(url, port, tmp_path)
    acknowledged_registrations: list[str] = []
    acknowledged_checkins: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(worker: int) -> None:
        n = 0
        while not stop.is_set() and n < 500:
            n += 1
            status, body = _post(f"{base}/events/{event_id}/registrations",
                                 {"name": f"Bezoeker {worker}-{n}", "consent": True,
                                  "email": f"v{worker}-{n}@example.test"})
            if status not in (200, 201):
                continue
            with lock:
                acknowledged_registrations.append(body["ticket_code"])
            status, _ = _post(f"{base}/events/{event_id}/checkins",
                              {"code": body["ticket_code"]}, token)
            if status in (200, 201):
                with lock:
                    acknowledged_checkins.append(body["ticket_code"])

    threads = [threading.Thread(target=client, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    # kill in the middle of the stream: once enough writes were acknowledged (bounded wait)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(acknowledged_checkins) < 25:
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged_registrations) > 10, "the stream did not get going before the kill"
    print(f"killed after {len(acknowledged_registrations)} acknowledged registrations and "
          f"{len(acknowledged_checkins)} acknowledged check-ins")

    restarted = _start_server(url, port, tmp_path)
    try:
        with app.app_context():
            db.engine.dispose()
            stored = dict(db.session.execute(
                sa.select(Registration.ticket_code, Registration.checked_in_at)
                .where(Registration.event_id == event_id)).all())
            missing = [c for c in acknowledged_registrations if c not in stored]
            lost_checkins = [c for c in acknowledged_checkins if stored.get(c) is None]
            seats = db.session.execute(sa.text(
                "SELECT seats_taken FROM events WHERE id = :id"), {"id": event_id}).scalar_one()
            confirmed = db.session.execute(sa.text(
                "SELECT count(*) FROM registrations WHERE event_id = :id AND status = 'confirmed' "
                "AND source NOT IN ('walkin', 'import')"), {"id": event_id}).scalar_one()
            orphans = db.session.execute(sa.text(
                "SELECT count(*) FROM registrations r LEFT JOIN people p ON p.id = r.person_id "
                "WHERE p.id IS NULL")).scalar_one()
            unlogged = db.session.execute(sa.text(
                "SELECT count(*) FROM registrations r WHERE r.checked_in_at IS NOT NULL AND NOT "
                "EXISTS (SELECT 1 FROM check_in_events c WHERE c.registration_id = r.id "
                "AND c.action = 'check_in')")).scalar_one()
            if db.engine.dialect.name == "sqlite":
                assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        assert missing == []
        assert lost_checkins == []
        assert seats == confirmed  # no half-written registration
        assert orphans == 0 and unlogged == 0
        # the restarted server answers for what was stored before the kill
        code = acknowledged_registrations[0]
        with urllib.request.urlopen(f"{base}/registrations/{code}", timeout=5) as response:
            assert loads(response.read())["ticket_code"] == code
    finally:
        os.killpg(restarted.pid, signal.SIGKILL)
        restarted.wait(timeout=10)
