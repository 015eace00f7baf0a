"""Online backup of the SQLite database while the app writes, and restore."""

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from coopnet.extensions import db
from tests.factories import make_organization


@pytest.fixture
def sqlite_only(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("online file backup is for the embedded SQLite database")
    return app


def test_backup_while_writing_is_consistent_and_restores(sqlite_only, runner, tmp_path):
    app = sqlite_only
    with app.app_context():
        for n in range(20):
            make_organization(f"Coop {n}")
    stop = threading.Event()

    def keep_writing():
        engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        n = 0
        while not stop.is_set() and n < 2000:
            with engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO organizations (name, created_at, updated_at) "
                    "VALUES (:n, '2022-01-01 00:00:00', '2022-01-01 00:00:00')"), {"n": f"w{n}"})
            n += 1
        engine.dispose()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    time.sleep(0.05)
    target = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    stop.set()
    writer.join()
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output

    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    backed_up = copy.execute("SELECT count(*) FROM organizations").fetchone()[0]
    copy.close()
    assert backed_up >= 20

    with app.app_context():
        make_organization("Added after the backup")
        db.engine.dispose()
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        count = db.session.execute(sa.text("SELECT count(*) FROM organizations")).scalar_one()
        after = db.session.execute(sa.text(
            "SELECT count(*) FROM organizations WHERE name = 'Added after the backup'")).scalar_one()
    assert count == backed_up
    assert after == 0


def test_backup_of_postgresql_points_to_pg_dump(runner, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://x@h/db")
    result = runner.invoke(args=["backup", str(tmp_path / "never-written.sqlite")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output
