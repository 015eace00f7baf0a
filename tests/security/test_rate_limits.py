"""Rate limits: sign-in attempts are limited, across processes when Redis holds the counts."""

import json
import socket
import subprocess
import sys
import uuid

import pytest

from coopnet import create_app


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


APPS = []


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Close the database connections of the apps a test made (psycopg warns otherwise)."""
    yield
    # the limiter is one object for every app of the test process, and it remembers that a
    # store was unreachable: later apps would count in its fallback store until a recovery
    # check at a random moment moves the counting, splitting another test's counts
    from coopnet.auth.limits import limiter

    limiter._storage_dead = False
    while APPS:
        app = APPS.pop()
        with app.app_context():
            from coopnet.extensions import db

            db.session.remove()
            db.engine.dispose()


def _app(database_template, tmp_path, storage):
    import shutil

    if database_template["kind"] == "sqlite":
        path = tmp_path / "rl.sqlite"
        if not path.exists():
            shutil.copyfile(database_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = database_template["url"]
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage,
                      "SECRET_KEY": "x" * 32})
    APPS.append(app)
    return app


def _client(app, address):
    """A client with its own remote address: limits count per address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _fresh_address() -> str:
    return f"127.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def _attempts(client, n):
    return [client.post("/auth/login", data={"email": "x@coopnet.test", "password": "nope"}
                        ).status_code for _ in range(n)]


def test_the_eleventh_sign_in_attempt_within_a_minute_is_refused(database_template, tmp_path):
    app = _app(database_template, tmp_path, "memory://")
    address = _fresh_address()
    statuses = _attempts(_client(app, address), 11)
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert _attempts(_client(app, _fresh_address()), 1) == [200]  # others are not blocked
    page = _client(app, address).post("/auth/login", data={"email": "x@coopnet.test", "password": "n"})
    assert "Te veel verzoeken" in page.get_data(as_text=True)


SECOND_PROCESS = """
import json, sys
from coopnet import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                  "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "SECRET_KEY": "x" * 32})
client = app.test_client()
client.environ_base["REMOTE_ADDR"] = sys.argv[2]
print(json.dumps([client.post("/auth/login", data={"email": "x@coopnet.test", "password": "n"}
                              ).status_code for _ in range(5)]))
"""


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_two_app_processes_share_the_limit_through_redis(database_template, tmp_path):
    address = _fresh_address()
    first = _app(database_template, tmp_path, "redis://127.0.0.1:6379/0")
    assert _attempts(_client(first, address), 6) == [200] * 6
    # a second, separate process sees the same count through Redis
    result = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, first.config["SQLALCHEMY_DATABASE_URI"], address],
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [200] * 4 + [429]


def test_an_unreachable_limit_store_does_not_break_sign_in(database_template, tmp_path):
    app = _app(database_template, tmp_path, "redis://127.0.0.1:1/0")
    assert _attempts(_client(app, _fresh_address()), 2) == [200, 200]
