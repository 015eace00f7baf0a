"""SQLite connection settings: foreign keys on, WAL journal, a busy timeout."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def configure_engine(engine: Engine) -> None:
    """Apply the SQLite pragmas on every new connection; a no-op on other databases."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            # WAL lets readers go on while one process writes; many app processes share the file
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
