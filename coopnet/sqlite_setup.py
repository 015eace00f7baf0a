"""SQLite connection settings: foreign keys on, WAL journal, a busy timeout."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, event

# how long a connection waits for another process's write lock before "database is locked"
BUSY_TIMEOUT_MS = 30000
# A registration writes about twenty pages (its row and indexes, the person, the seat counter,
# the audit entry, the mail and its calendar file). At SQLite's default of 1,000 pages the log
# was copied back into the database (with an fsync) every fifty registrations; measured under
# load, registrations ran about a fifth faster with 8,000 pages (32 MB of log at most).
WAL_CHECKPOINT_PAGES = 8000


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
            # fold the log back into the file every WAL_CHECKPOINT_PAGES, not SQLite's 1,000
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()


# a writer that finds the lock taken tries again after this long, then a little longer each
# time, up to the cap (SQLite's own busy handler waits 1, 2, 5, 10 … ms: far longer than a
# registration or a door sync holds the lock)
WRITE_RETRY_FIRST, WRITE_RETRY_CAP = 0.0001, 0.001
# how long a writer waits for the lock in all before the error (the busy timeout above)
WRITE_WAIT_LIMIT = BUSY_TIMEOUT_MS / 1000


def begin_immediate(driver_connection: Any) -> None:
    """Take SQLite's write lock now (BEGIN IMMEDIATE), waiting for it in short steps.

    With several processes writing one file, the write lock is the queue every writer stands
    in. SQLite's busy handler sleeps 1, 2, 5, 10 … ms between tries, so a writer often idles
    long after the lock came free; here the wait is tried again after 0.1 ms, growing to 1 ms,
    for at most the same 30 seconds, then fails as before ("database is locked").
    """
    driver_connection.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + WRITE_WAIT_LIMIT
        pause = WRITE_RETRY_FIRST
        while True:
            try:
                driver_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 1.5, WRITE_RETRY_CAP)
    finally:
        driver_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
