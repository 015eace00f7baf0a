"""Alembic environment for coopnet (run through Flask-Migrate: `flask --app coopnet db ...`).

SQLite care: batch mode rebuilds tables, and with foreign keys on a
rebuilt parent table cascades deletes into its children. So on SQLite the migration
connection switches foreign keys off (committed before Alembic begins its transaction)
and checks every foreign key afterwards, failing loudly on any dangling row.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import text

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
target_metadata = target_db.metadata


def _engine():
    return target_db.engine


def run_migrations_offline() -> None:
    """Emit SQL for the configured database without connecting."""
    url = _engine().url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply migrations over one connection."""

    def process_revision_directives(context_, revision, directives):
        # never write an empty revision from `flask db migrate`
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args["render_as_batch"] = True

    with _engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.execute(text("PRAGMA foreign_keys=OFF"))
            connection.commit()  # SQLAlchemy 2 autobegins; end that before Alembic begins
        context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            connection.commit()
            problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
            connection.execute(text("PRAGMA foreign_keys=ON"))
            connection.commit()
            if problems:
                raise RuntimeError(f"foreign key check failed after migration: {problems[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
