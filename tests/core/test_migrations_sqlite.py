"""Migrations keep data: stepping down and up again loses no rows (SQLite batch-mode trap)."""

from datetime import date

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from coopnet.demo.services import load_demo
from coopnet.extensions import db


def _counts() -> dict[str, int]:
    inspector = sa.inspect(db.engine)
    with db.engine.connect() as conn:
        return {
            table: conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in inspector.get_table_names() if table != "alembic_version"
        }


def test_each_migration_step_down_and_up_keeps_every_row(ctx):
    load_demo(today=date(2022, 1, 10))
    db.session.commit()
    before = _counts()
    assert before["organizations"] == 93 and before["events"] > 30
    db.session.remove()

    config = current_app.extensions["migrate"].migrate.get_config()
    revisions = list(ScriptDirectory.from_config(config).walk_revisions())  # head first
    for _ in revisions[:-1]:  # every step but the first (which creates the tables)
        downgrade(revision="-1")
        # tables the step itself drops come back empty; every other table keeps its rows
        kept = set(sa.inspect(db.engine).get_table_names())
        upgrade()
        after = _counts()
        assert {t: after.get(t) for t in before if t in kept} == {
            t: n for t, n in before.items() if t in kept}


def test_downgrade_to_empty_and_upgrade_again(ctx):
    db.session.remove()
    downgrade(revision="base")
    assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade()
    assert {"events", "organizations", "users"} <= set(sa.inspect(db.engine).get_table_names())
