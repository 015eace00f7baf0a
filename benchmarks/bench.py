"""Speed of coopnet's busiest requests, compared with a minimal Flask app in the same run.

The machines are shared and noisy, so absolute milliseconds mean little; each coopnet
request is interleaved with a request to a one-line Flask app served the same way
(gunicorn, same worker count), and the report gives both medians and their ratio.

    make bench                         # SQLite, the embedded default
    COOPNET_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench make bench

Measured, on the demo data: registering through the JSON API, checking in by ticket code
(what a door scanner does), the public calendar page, an event page and the whole plan
report of the coordinator's dashboard.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROUNDS = int(os.environ.get("COOPNET_BENCH_ROUNDS", "60"))
WORKERS = os.environ.get("COOPNET_BENCH_WORKERS", "2")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", WORKERS, "-b", f"127.0.0.1:{port}", "--log-level",
         "warning", app], cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start on port {port}")


def _request(port: int, method: str, path: str, body: dict | str | None = None,
             token: str | None = None, cookie: str | None = None,
             ) -> tuple[int, bytes, float]:
    headers = {}
    if isinstance(body, dict):
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    elif body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if method == "POST" and path == "/auth/login":
        data = (response.getheader("Set-Cookie") or "").split(";")[0].encode()
    connection.close()
    return response.status, data, elapsed


def _sign_in(port: int, email: str) -> str:
    """A session cookie for the demo account, through the sign-in form (with its CSRF token)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/auth/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    connection.close()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token is None:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None, "no CSRF token on the sign-in page"
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email,
                                   "password": "coopnet-demo"})
    status, session, _ = _request(port, "POST", "/auth/login", body=form, cookie=cookie)
    if status != 302 or not session:
        raise SystemExit(f"signing in as {email} failed ({status})")
    return session.decode()


def _flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "coopnet", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return result.stdout


def _empty_postgres(url: str) -> None:
    """Start from an empty schema: the benchmark database is its own (never `test`)."""
    import sqlalchemy as sa

    if url.rsplit("/", 1)[-1] in ("test", "postgres", "coopnet"):
        raise SystemExit("Give the benchmark a database of its own, e.g. .../bench")
    base, name = url.rsplit("/", 1)
    server = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if not connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": name}).first():
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _measure(name: str, call: Callable[[int], tuple[int, float]], reference: Callable[[], float],
             rounds: int, expect: int) -> dict[str, float | str]:
    ours, base = [], []
    for n in range(rounds):
        base.append(reference())
        status, elapsed = call(n)
        if status != expect:
            raise SystemExit(f"{name}: answered {status}, expected {expect}")
        ours.append(elapsed)
    median, reference_median = statistics.median(ours), statistics.median(base)
    return {"request": name, "median_ms": round(median, 1),
            "p90_ms": round(statistics.quantiles(ours, n=10)[-1], 1),
            "minimal_flask_ms": round(reference_median, 1),
            "ratio": round(median / reference_median, 1)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database = os.environ.get("COOPNET_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite"
        env = {**os.environ, "COOPNET_ENV": "development", "COOPNET_SECRET_KEY": "b" * 40,
               "COOPNET_DATABASE_URL": database, "COOPNET_RATELIMIT_ENABLED": "false",
               "COOPNET_MAIL_DIR": f"{tmp}/mail", "PYTHONPATH": str(ROOT)}
        if database.startswith("postgresql"):
            _empty_postgres(database)
        _flask(env, "db", "upgrade")
        _flask(env, "demo", "load")
        staff = _flask(env, "token", "create", "staff@coopnet.test").strip().splitlines()[-1]
        boss = _flask(env, "token", "create", "coordinator@coopnet.test").strip().splitlines()[-1]
        port, minimal_port = _free_port(), _free_port()
        servers = [_serve("wsgi:app", env, port),
                   _serve("benchmarks.minimal:app", env, minimal_port)]
        try:
            results = _run(port, minimal_port, staff, boss)
        finally:
            for server in servers:
                os.killpg(server.pid, 15)
                server.wait()
    width = max(len(str(r["request"])) for r in results)
    print(f"\n{'request':<{width}}  median   p90   minimal Flask  ratio   ({ROUNDS} rounds, "
          f"{WORKERS} gunicorn workers each, {'PostgreSQL' if 'postgresql' in database else 'SQLite'})")
    for r in results:
        print(f"{r['request']:<{width}}  {r['median_ms']:>5} ms {r['p90_ms']:>5} ms "
              f"{r['minimal_flask_ms']:>6} ms    x{r['ratio']}")


def _run(port: int, minimal_port: int, staff: str, boss: str) -> list[dict[str, float | str]]:
    def reference() -> float:
        return _request(minimal_port, "GET", "/")[2]

    status, data, _ = _request(port, "GET", "/api/v1/events?kind=webinar", token=staff)
    events = [e for e in json.loads(data)["events"]
              if e["status"] == "published" and e["visibility"] == "public"
              and e["starts_at"] > time.strftime("%Y-%m-%d")]
    event = events[0]
    # a fresh event with room for everyone: registrations all confirm, check-ins all count
    _, data, _ = _request(port, "POST", "/api/v1/events", token=staff, body={
        "title": "Benchmark", "kind": "webinar", "starts_at": event["starts_at"],
        "ends_at": event["ends_at"], "capacity": None})
    bench_event = json.loads(data)["id"]
    tickets: list[str] = []

    def register(n: int) -> tuple[int, float]:
        status, body, elapsed = _request(
            port, "POST", f"/api/v1/events/{bench_event}/registrations",
            body={"name": f"Bench Persoon {n}", "email": f"bench{n}@example.test",
                  "consent": True})
        tickets.append(json.loads(body).get("ticket_code"))
        return status, elapsed

    def check_in(n: int) -> tuple[int, float]:
        status, _body, elapsed = _request(port, "POST", f"/api/v1/events/{bench_event}/checkins",
                                          body={"code": tickets[n]}, token=staff)
        return status, elapsed

    _, data, _ = _request(port, "GET", "/api/v1/plans", token=boss)
    plan = json.loads(data)["plans"][0]["id"]

    def page(path: str, token: str | None = None,
             cookie: str | None = None) -> Callable[[int], tuple[int, float]]:
        def call(_n: int) -> tuple[int, float]:
            status, _body, elapsed = _request(port, "GET", path, token=token, cookie=cookie)
            return status, elapsed
        return call

    coordinator = _sign_in(port, "coordinator@coopnet.test")

    return [
        _measure("register (POST JSON API)", register, reference, ROUNDS, 201),
        _measure("check in by ticket code (POST JSON API)", check_in, reference, ROUNDS, 201),
        _measure("public calendar page /events/", page("/events/"), reference, ROUNDS, 200),
        _measure("event page", page(f"/events/{event['id']}"), reference, ROUNDS, 200),
        _measure("whole plan report (dashboard figures, JSON)",
                 page(f"/api/v1/plans/{plan}/report", boss), reference, max(ROUNDS // 3, 10), 200),
        _measure("plan dashboard page (coordinator, HTML)",
                 page(f"/plan/{plan}", cookie=coordinator), reference, max(ROUNDS // 3, 10), 200),
    ]


if __name__ == "__main__":
    main()
