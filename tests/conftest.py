"""Test fixtures: an app on a fresh, migrated database per test, clients, login, counters.

The database is SQLite by default. With COOPNET_TEST_DATABASE_URL set (CI sets it to the
local PostgreSQL), every test runs against PostgreSQL instead; each xdist worker gets a
database of its own, migrated once and emptied after each test.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from coopnet import create_app
from coopnet.extensions import db

PG_URL = os.environ.get("COOPNET_TEST_DATABASE_URL", "").strip()
# reference data the migrations seed; kept when a PostgreSQL test database is emptied
KEEP_TABLES = {"alembic_version", "event_kinds"}


def _migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


def _worker_database_url(suffix: str = "") -> str:
    """Create (anew) this worker's PostgreSQL database, or a sibling of it named with `suffix`."""
    url = make_url(PG_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # one database per checkout and worker, so parallel runs of several clones never collide
    checkout = re.sub(r"[^a-z0-9]+", "_", Path(__file__).resolve().parents[1].name.lower())
    name = f"{url.database}_{checkout}_{worker}"[:63 - len(suffix)] + suffix
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _admin_execute(*statements: str) -> None:
    admin = sa.create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    admin.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Migrate one database per worker; tests copy (SQLite) or reuse and empty it (PostgreSQL)."""
    if PG_URL:
        url = _worker_database_url()
        _migrate(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url}))
        return {"kind": "postgresql", "url": url}
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    _migrate(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}))
    return {"kind": "sqlite", "path": str(path)}


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """empty_database(name): the URL of a new empty database of the suite's kind, dropped after."""
    created: list[str] = []

    def _make(name: str) -> str:
        if not PG_URL:
            return f"sqlite:///{tmp_path / name}.sqlite"
        url = _worker_database_url(suffix=f"_{name}")
        created.append(make_url(url).database or "")
        return url

    yield _make
    for name in created:
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(app: Flask) -> None:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
        if tables:
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                ))


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context and database session.

    Without this, a request made while the test holds an app context would share the
    test's session, hiding a view that forgets to commit.
    """

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def,override]
        response = contextvars.Context().run(super().open, *args, **kwargs)
        with contextlib.suppress(RuntimeError):  # no app context in the test: nothing to expire
            db.session.expire_all()
        return response


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Config overrides for the app under test; override this fixture to change them."""
    return {}


@pytest.fixture
def app(database_template: dict[str, str], tmp_path: Path, app_config: dict[str, Any]
        ) -> Iterator[Flask]:
    """The app on a fresh migrated database (no app context pushed)."""
    if database_template["kind"] == "sqlite":
        path = tmp_path / "coopnet.sqlite"
        shutil.copyfile(database_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = database_template["url"]
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "COOPNET_MAIL_DIR": str(tmp_path / "mail"),
        "COOPNET_BASE_URL": "http://coopnet.test",
        "SERVER_NAME": None,
    }
    config.update(app_config)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    yield application
    if database_template["kind"] == "postgresql":
        _empty_postgres(application)
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context for service and query tests (requests still get their own)."""
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    """Runs `flask` CLI commands against the test app."""
    return app.test_cli_runner()


PASSWORD = "correct horse battery staple"


@pytest.fixture
def login(app: Flask) -> Callable[..., Any]:
    """login(client, role="staff") creates an account of that role and signs the client in."""
    from tests.factories import make_user

    def _login(client: FlaskClient, role: str = "staff", email: str | None = None) -> Any:
        with app.app_context():
            user = make_user(role=role, email=email, password=PASSWORD)
            user_id, user_email = user.id, user.email
        response = client.post("/auth/login", data={"email": user_email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user_id

    return _login


class QueryCounter:
    """Counts SQL statements sent while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], contextlib.AbstractContextManager[QueryCounter]]:
    """`with count_queries() as q: ...; assert q.count <= N` counts statements on the app's engine."""

    @contextlib.contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine

        def _before(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", _before)

    return _count


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need PostgreSQL; without it they skip (and say why)."""
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set COOPNET_TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# Skips that are right in one of the two runs (CI runs the suite on SQLite, then on
# PostgreSQL): a test for the other database. Any other skip means a tool is missing.
OTHER_DATABASE = re.compile(r"PostgreSQL|SQLite", re.I)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """With COOPNET_REQUIRE_TOOLS=1 (set by .ci/run) a test skipped for a missing tool
    (Chromium, LibreOffice, node, Redis ...) fails instead: a skipped test proves nothing."""
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or not os.environ.get("COOPNET_REQUIRE_TOOLS"):
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(
        report.longrepr)
    if not OTHER_DATABASE.search(reason):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every tool must be present: {reason}"
