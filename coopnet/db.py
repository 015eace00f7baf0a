"""Declarative base, naming convention, the UTC datetime type and common mixins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    make_transient_to_detached,
    mapped_column,
    scoped_session,
)
from sqlalchemy.orm.attributes import instance_state

# Named constraints from the first migration on: Alembic's batch mode can only alter
# (drop, recreate) constraints on SQLite when they have stable names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_T = TypeVar("_T")


class Base(DeclarativeBase):
    """Base class of every model; shares one MetaData with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def exists_where(*conditions: Any) -> sa.Exists:
    """SQL: EXISTS (SELECT 1 FROM ... WHERE conditions), correlated to the enclosing query.

    `sa.exists().where(...)` selects `*`: SQLite then reads the table row behind every index
    entry it finds instead of answering from a covering index (measured: the dashboard's
    "past events without attendance" took 11 ms instead of 7 at a million registrations).
    """
    return sa.select(sa.literal_column("1")).where(*conditions).exists()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC, returned as aware UTC on every database.

    SQLite drops the offset and hands back naive values; PostgreSQL hands back aware
    ones. Refusing naive input and normalising output makes both behave the same.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"naive datetime refused: {value!r}; pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # stored as naive UTC text, so string order equals time order
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class TimestampMixin:
    """created_at / updated_at columns, set by the database session's clock."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


def as_loaded(session: Session | scoped_session[Any], obj: _T) -> _T:
    """`obj`, built with the column values a plain INSERT just wrote (its id included), made
    a persistent object of the session without reading the row back or flushing anything:
    as if a query had loaded it. Columns left unset are read when first used.

    Like an object the session flushed itself, it is new in the current transaction: if
    that (or its savepoint) rolls back, the object leaves the session instead of standing
    for a row that no longer exists (whose id the next INSERT may be given again)."""
    own: Session = session() if isinstance(session, scoped_session) else session
    make_transient_to_detached(obj)
    own.add(obj)
    transaction = own.get_nested_transaction() or own.get_transaction()
    if transaction is not None:
        # what Session._register_persistent does for the objects a flush inserted
        transaction._new[instance_state(obj)] = True  # noqa: SLF001
    return obj


def commit_keeping_values(session: Session | scoped_session[Any]) -> None:
    """Commit the request's work, its objects keeping the values they have (not expired).

    For a request that reads nothing more from the database after its commit, only what it
    wrote (an answer built from it): expiring every loaded object at the commit would be work
    for nothing, and reading one again a query. The session ends with the request."""
    own: Session = session() if isinstance(session, scoped_session) else session
    own.expire_on_commit = False
    own.commit()


def insert_unless_taken(table: sa.Table, index_elements: list[str] | None = None,
                       index_where: str | None = None) -> sa.TextualSelect:
    """The table's INSERT of every column but `id`, returning the new id, that writes nothing
    when a unique index already holds the values (only the one on `index_elements`, partial:
    `index_where`, if given): no row back means taken. `INSERT ... ON CONFLICT [(...)] DO
    NOTHING RETURNING id`, the same text on SQLite and PostgreSQL.

    Written as text because SQLAlchemy compiles its dialect INSERTs with ON CONFLICT anew on
    every execution (they have no cache key); this one is compiled once. Every column is a
    bound parameter typed as its column (no column default applies: pass each value)."""
    columns = [column for column in table.columns if column.name != "id"]
    names = ", ".join(f'"{column.name}"' for column in columns)
    values = ", ".join(f":{column.name}" for column in columns)
    target = ""
    if index_elements:
        where = f" WHERE {index_where}" if index_where else ""
        target = "(" + ", ".join(f'"{name}"' for name in index_elements) + f"){where} "
    conflict = f'ON CONFLICT {target}DO NOTHING RETURNING "id"'
    # only the model's own table and column names are written into the text
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({values}) {conflict}'  # noqa: S608
    parameters = [sa.bindparam(column.name, type_=column.type) for column in columns]
    return sa.text(sql).bindparams(*parameters).columns(table.c.id)
