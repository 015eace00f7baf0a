"""The reference for benchmarks/bench.py: the smallest Flask app, served the same way.

Three requests, each the least a real page or write can cost: a constant JSON answer (`GET /`),
one INSERT in its own transaction (`POST /insert`, what a door scan or a registration cannot
beat) and one indexed SELECT rendered through a Jinja template (`GET /page`, what a calendar or
event page cannot beat). The database is `MINIMAL_DATABASE_URL`, with the same SQLite settings
as coopnet (WAL, synchronous NORMAL, busy timeout); `prepare` creates its two tables.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask, jsonify, render_template_string, request

metadata = sa.MetaData()
items = sa.Table("minimal_items", metadata,
                 sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("title", sa.String(200), nullable=False),
                 sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False, index=True),
                 sa.Column("city", sa.String(120), nullable=False))
hits = sa.Table("minimal_hits", metadata,
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("code", sa.String(43), nullable=False, unique=True),
                sa.Column("at", sa.DateTime(timezone=True), nullable=False))

PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Agenda</title></head>
<body><main><h1>Agenda</h1><ul>
{% for item in rows %}<li><a href="/items/{{ item.id }}">{{ item.title }}</a>
<span>{{ item.starts_at.strftime('%d/%m/%Y %H:%M') }}</span> {{ item.city }}</li>{% endfor %}
</ul></main></body></html>"""


def engine_for(url: str) -> sa.Engine:
    """An engine with coopnet's SQLite settings (or PostgreSQL as is)."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
    return engine


def prepare(url: str) -> None:
    """Create the reference tables, empty, with 200 items to list."""
    engine = engine_for(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    start = datetime(2026, 1, 1, 18, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(items.insert(), [
            {"title": f"Item {n}", "starts_at": start + timedelta(days=n), "city": "Gent"}
            for n in range(200)])
    engine.dispose()


app = Flask(__name__)
_url = os.environ.get("MINIMAL_DATABASE_URL")
engine = engine_for(_url) if _url else None


@app.get("/")
def index():  # type: ignore[no-untyped-def]
    """A constant JSON answer: what a request costs before any application work."""
    return jsonify({"ok": True})


@app.post("/insert")
def insert():  # type: ignore[no-untyped-def]
    """One INSERT of the posted code, committed: the floor under any write."""
    assert engine is not None
    code = str((request.get_json(silent=True) or {}).get("code", ""))[:43]
    with engine.begin() as connection:
        connection.execute(hits.insert().values(code=code, at=datetime.now(UTC)))
    return jsonify({"code": code}), 201


@app.get("/page")
def page():  # type: ignore[no-untyped-def]
    """One indexed SELECT of 20 rows through a template: the floor under any page."""
    assert engine is not None
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(items).where(items.c.starts_at >= datetime(2026, 3, 1, tzinfo=UTC))
            .order_by(items.c.starts_at).limit(20)).all()
    return render_template_string(PAGE, rows=rows)
