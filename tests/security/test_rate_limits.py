"""Rate limits: sign-in attempts are limited, across processes when Redis holds the counts."""

import socket
import uuid

import pytest

from coopnet import create_app


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _app(database_template, tmp_path, storage, prefix="coopnet"):
    import shutil

    if database_template["kind"] == "sqlite":
        path = tmp_path / "rl.sqlite"
        if not path.exists():
            shutil.copyfile(database_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = database_template["url"]
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage,
                       "RATELIMIT_KEY_PREFIX": prefix,
                       "SECRET_KEY": "x" * 32})


def _attempts(client, n):
    return [client.post("/auth/login", data={"email": "x@coopnet.test", "password": "nope"}
                        ).status_code for _ in range(n)]


def test_the_eleventh_sign_in_attempt_within_a_minute_is_refused(database_template, tmp_path):
    app = _app(database_template, tmp_path, "memory://")
    statuses = _attempts(app.test_client(), 11)
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    page = app.test_client().post("/auth/login", data={"email": "x@coopnet.test", "password": "n"})
    assert "Te veel verzoeken" in page.get_data(as_text=True)


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_two_app_processes_share_the_limit_through_redis(database_template, tmp_path):
    # a fresh key prefix per run keeps runs independent
    storage, prefix = "redis://127.0.0.1:6379/0", f"coopnet-test-{uuid.uuid4().hex}"
    first = _app(database_template, tmp_path, storage, prefix)
    second = _app(database_template, tmp_path, storage, prefix)
    assert _attempts(first.test_client(), 6) == [200] * 6
    assert _attempts(second.test_client(), 5) == [200] * 4 + [429]


def test_an_unreachable_limit_store_does_not_break_sign_in(database_template, tmp_path):
    app = _app(database_template, tmp_path, "redis://127.0.0.1:1/0")
    assert _attempts(app.test_client(), 2) == [200, 200]
