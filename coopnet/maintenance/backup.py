"""Online backup and restore of the SQLite database (PostgreSQL: use pg_dump, see README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from coopnet.errors import DomainError


def sqlite_path(database_url: str) -> Path:
    """The file behind a SQLite URL; refuses other databases with a helpful message."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise DomainError(
            "not_sqlite",
            "This database is not a SQLite file. Back up PostgreSQL with pg_dump "
            "(see the README).",
        )
    return Path(url.database)


def backup_sqlite(database_url: str, target: Path) -> int:
    """Copy the live database to `target` with SQLite's online backup API; returns its size.

    The copy is a consistent snapshot even while the app keeps writing (WAL included).
    """
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise DomainError("no_database", f"No database file at {source_path}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    dest = sqlite3.connect(partial)
    try:
        with dest:
            source.backup(dest, pages=256)
        check = dest.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise DomainError("backup_corrupt", f"The copy failed its integrity check: {check}")
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dest.close()
        source.close()
    partial.replace(target)  # only a complete, checked copy gets the final name
    return target.stat().st_size


def restore_sqlite(database_url: str, backup: Path) -> None:
    """Replace the database's contents with a backup (stop the app first)."""
    target_path = sqlite_path(database_url)
    if not backup.exists():
        raise DomainError("no_backup", f"No backup file at {backup}.")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DomainError("backup_corrupt", f"{backup} is damaged; not restored.")
        dest = sqlite3.connect(target_path, timeout=30)
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
