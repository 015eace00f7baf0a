"""Migrations keep data and build the models' schema, on SQLite and (in CI) PostgreSQL.

Every revision is applied, filled with rows in every table that exists then, stepped down and
up again: the schema must come back as it was and no row may be lost (SQLite's batch mode
rebuilds a parent table, and with foreign keys on that empties its children). The migrated
schema is compared with one built from the models, check constraints and partial indexes
included, which Alembic's own comparison leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import downgrade, upgrade

from coopnet import create_app
from coopnet.extensions import db

# table -> aspect ("column", "index", "check constraint" …) -> name -> what the database says
Schema = dict[str, dict[str, dict[str, Any]]]


@contextmanager
def _app_on(url: str) -> Iterator[Flask]:
    """An app context on the database at `url`; its engine is disposed afterwards."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            yield app
        finally:
            db.engine.dispose()


def _squashed(text: object) -> str | None:
    """SQL text with its whitespace collapsed (None stays None)."""
    return None if text is None else " ".join(str(text).split())


def schema_of(engine: sa.Engine) -> Schema:
    """Tables, columns, keys, indexes and constraints as the database itself reports them."""
    inspector = sa.inspect(engine)
    dialect = engine.dialect
    # one query per aspect for all tables (PostgreSQL), rather than one per table and aspect
    columns, pks, fks, uqs, indexes, checks = (
        {key[1]: found for key, found in reflect().items() if key[1] != "alembic_version"}
        for reflect in (inspector.get_multi_columns, inspector.get_multi_pk_constraint,
                        inspector.get_multi_foreign_keys, inspector.get_multi_unique_constraints,
                        inspector.get_multi_indexes, inspector.get_multi_check_constraints))
    schema: Schema = {}
    for table in columns:
        table_indexes = {}
        for index in indexes[table]:
            if index.get("duplicates_constraint"):  # PostgreSQL's index behind a unique constraint
                continue
            options = index.get("dialect_options", {})
            where = options.get("postgresql_where", options.get("sqlite_where"))
            table_indexes[index["name"]] = (tuple(index["column_names"]), bool(index["unique"]),
                                            _squashed(where))
        schema[table] = {
            # the type as this database spells it (VARCHAR(200), TIMESTAMP WITH TIME ZONE …),
            # nullability and server default; column order is left out on purpose
            "column": {
                column["name"]: (column["type"].compile(dialect=dialect), column["nullable"],
                                 _squashed(column["default"]))
                for column in columns[table]
            },
            "primary key": {str(pks[table]["name"]): tuple(pks[table]["constrained_columns"])},
            "foreign key": {
                str(fk["name"]): (tuple(fk["constrained_columns"]), fk["referred_table"],
                                  tuple(fk["referred_columns"]),
                                  tuple(sorted((fk.get("options") or {}).items())))
                for fk in fks[table]
            },
            "unique constraint": {str(uq["name"]): tuple(uq["column_names"])
                                  for uq in uqs[table]},
            "index": table_indexes,
            "check constraint": {str(ck["name"]): _squashed(ck["sqltext"]) for ck in checks[table]},
        }
    return schema


def schema_differences(expected: Schema, actual: Schema) -> list[str]:
    """What `actual` lacks, has in excess or has otherwise than `expected`, one line each."""
    lines = []
    for table in sorted(expected.keys() | actual.keys()):
        if table not in actual:
            lines.append(f"{table}: table missing")
        elif table not in expected:
            lines.append(f"{table}: table not expected")
        else:
            for aspect, wanted in expected[table].items():
                found = actual[table][aspect]
                for name in sorted(wanted.keys() | found.keys()):
                    if name not in found:
                        lines.append(f"{table}: {aspect} {name} missing {wanted[name]}")
                    elif name not in wanted:
                        lines.append(f"{table}: {aspect} {name} not expected {found[name]}")
                    elif found[name] != wanted[name]:
                        lines.append(f"{table}: {aspect} {name} is {found[name]}, "
                                     f"expected {wanted[name]}")
    return lines


def _revision_chain() -> list[str]:
    """Revision ids from the first migration to the head."""
    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}; merge them"
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def sample_rows(generation: int) -> dict[str, list[dict[str, Any]]]:
    """Rows for every table of the newest schema; ids and unique values differ per generation.

    A table or a required column added by a new migration needs its rows here: the round
    trip inserts into every table that exists and fails on a table without rows.
    """
    g, i = generation, generation * 1000  # this generation's ids are i + 1, i + 2
    at = datetime(2022, 1, 10, 18, 30, tzinfo=UTC) + timedelta(days=g)
    day = at.date()
    stamps = {"created_at": at, "updated_at": at}
    return {
        "event_kinds": [dict(id=i + 1, slug=f"soort-{g}", name_nl=f"Soort {g}",
                             name_en=f"Kind {g}", is_internal=False, sort_order=1000 + g)],
        "organizations": [dict(id=i + 1, name=f"Coop {g}", enterprise_number=f"{g:010d}",
                               legal_form="cv", sector="energie", province="Oost-Vlaanderen",
                               city="Gent", website="https://coop.test", **stamps)],
        "memberships": [dict(id=i + 1, organization_id=i + 1, starts_on=date(2021, 1, 1),
                             ends_on=date(2023, 12, 31), **stamps)],
        "people": [
            dict(id=i + 1, first_name="An", last_name=f"Peeters {g}", email=f"an{g}@coop.test",
                 phone="+32 9 000 00 00", role="zaakvoerder", organization_id=i + 1, **stamps),
            dict(id=i + 2, first_name="Bert", last_name=f"Maes {g}", email=None, phone=None,
                 role=None, organization_id=None, **stamps),
        ],
        "users": [dict(id=i + 1, email=f"staff{g}@coop.test", display_name=f"Staff {g}",
                       password_hash="scrypt:x", role="staff", is_active_account=True,
                       person_id=i + 1, last_login_at=at, **stamps)],
        "event_series": [dict(id=i + 1, name=f"Reeks {g}", kind_id=i + 1, description="",
                              **stamps)],
        "events": [dict(id=i + 1, title=f"Coopborrel {g}", description="Borrel", kind_id=i + 1,
                        starts_at=at, starts_on=day, ends_at=at + timedelta(hours=2),
                        location="Zaal",
                        address="Straat 1", city="Gent", online_url="", capacity=10,
                        seats_taken=1, waitlist_enabled=True, visibility="public",
                        status="published", registration_opens_at=None,
                        registration_closes_at=at, sequence=1, created_by_id=i + 1,
                        series_id=i + 1, **stamps)],
        "registrations": [
            dict(id=i + 1, event_id=i + 1, person_id=i + 1, organization_id=i + 1,
                 organization_name=f"Coop {g}", status="confirmed", source="online",
                 ticket_code=f"ticket-{g}-1", short_code=f"AAAA{g:04d}", consent_at=at, registered_at=at,
                 waitlisted_at=None, confirmed_at=at, cancelled_at=None, checked_in_at=at,
                 checked_in_by_id=i + 1, **stamps),
            dict(id=i + 2, event_id=i + 1, person_id=i + 2, organization_id=None,
                 organization_name="", status="cancelled", source="staff",
                 ticket_code=f"ticket-{g}-2", short_code=f"BBBB{g:04d}", consent_at=None, registered_at=at,
                 waitlisted_at=at, confirmed_at=None, cancelled_at=at, checked_in_at=None,
                 checked_in_by_id=None, **stamps),
        ],
        "check_in_events": [dict(id=i + 1, registration_id=i + 1, action="check_in", at=at,
                                 by_id=i + 1, channel="door")],
        "door_actions": [dict(id=i + 1, action_id=f"device-action-{g:04d}", event_id=i + 1,
                              registration_id=i + 1, type="check_in", device_id="phone-1",
                              device_time=at, received_at=at, by_id=i + 1,
                              outcome="checked_in")],
        "outbox_messages": [dict(id=i + 1, kind="ticket", to_address=f"an{g}@coop.test",
                                 subject="Je ticket", body_text="Tot dan", body_html="<p>Tot dan",
                                 dedupe_key=f"ticket-{g}", status="sent", attempts=1,
                                 next_attempt_at=at, last_error=None, created_at=at,
                                 sent_at=at)],
        "outbox_attachments": [dict(id=i + 1, message_id=i + 1, filename="ticket.ics",
                                    content_type="text/calendar", content=b"BEGIN:VCALENDAR\r\n")],
        "api_tokens": [dict(id=i + 1, user_id=i + 1, name="scanner", token_hash=f"{g:064d}",
                            last_used_at=at, revoked_at=None, **stamps)],
        "audit_entries": [dict(id=i + 1, at=at, actor_id=i + 1, action="event.create",
                               object_type="event", object_id=i + 1,
                               details={"title": f"Coopborrel {g}"})],
        "plans": [dict(id=i + 1, name=f"Actieplan {g}", starts_on=date(2021, 1, 1),
                       ends_on=date(2022, 12, 31), **stamps)],
        "plan_goals": [
            dict(id=i + 1, plan_id=i + 1, parent_id=None, level=1, number="1",
                 title="Netwerk", position=1),
            dict(id=i + 2, plan_id=i + 1, parent_id=i + 1, level=2, number="1.1",
                 title="Ontmoeten", position=1),
        ],
        "plan_actions": [dict(id=i + 1, goal_id=i + 2, title="Coopborrels", position=1)],
        "plan_indicators": [dict(id=i + 1, action_id=i + 1, text="10 coopborrels", position=1,
                                 target=Decimal("10.50"), unit="borrels", starts_on=None,
                                 ends_on=None, measure="events_held",
                                 params={"kinds": ["coopborrel"]}, status="confirmed",
                                 **stamps)],
        "plan_manual_values": [dict(id=i + 1, indicator_id=i + 1, value=Decimal("2.25"),
                                    recorded_on=day, note="geteld", entered_by_id=i + 1,
                                    entered_at=at)],
        "plan_report_snapshots": [dict(id=i + 1, plan_id=i + 1, at=day, note="Q1", taken_at=at,
                                       taken_by_id=i + 1, data={"figures": [1, 2.5]})],
        "plan_report_comments": [dict(id=i + 1, snapshot_id=i + 1, action_id=i + 1,
                                      text="Twee borrels verschoven naar het voorjaar.",
                                      updated_by_id=i + 1, updated_at=at)],
        "event_actions": [dict(event_id=i + 1, action_id=i + 1)],
        "vacancies": [dict(id=i + 1, organization_id=i + 1, kind="job", title="Boekhouder",
                           description="Halftijds", place="Gent", hours="19/38",
                           how_to_apply="Mail ons", closes_on=day, status="published",
                           rejection_reason=None, published_at=at, submitted_by_id=i + 1,
                           **stamps)],
        "member_contacts": [dict(id=i + 1, organization_id=i + 1, person_id=i + 1,
                                 staff_user_id=i + 1, kind="visit", contacted_on=day,
                                 notes="Bezoek", follow_up_on=day, follow_up_done_on=None,
                                 **stamps)],
        "member_imports": [dict(id=i + 1, token=f"import-{g}", filename="leden.xlsx",
                                created_by_id=i + 1, created_at=at, rows=[{"name": "Coop"}],
                                rejected=[], notes=["1 rij"], applied_at=None)],
        "sign_in_links": [dict(id=i + 1, user_id=i + 1, token_hash=f"{g:064d}", created_at=at,
                               expires_at=at + timedelta(hours=1), used_at=None)],
        "meeting_profiles": [dict(id=i + 1, organization_id=i + 1, active=True,
                                  offers=["energie"], needs=["juridisch"], offer_text="Zon",
                                  need_text="Statuten", contact_person_id=i + 1, **stamps)],
        "pairings": [dict(id=i + 1, status="held", held_on=day, event_id=i + 1, reason="buren",
                          created_by_id=i + 1, **stamps)],
        "pairing_members": [dict(id=i + 1, pairing_id=i + 1, organization_id=i + 1,
                                 person_id=i + 1)],
    }


def _insert_sample_rows(engine: sa.Engine, generation: int) -> None:
    """Insert this generation's rows into every table that exists now, parents first."""
    samples = sample_rows(generation)
    metadata = sa.MetaData()
    with engine.begin() as conn:
        metadata.reflect(bind=conn)
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            assert table.name in samples, f"no sample rows for table {table.name}: add them"
            conn.execute(table.insert(), [{k: v for k, v in row.items() if k in table.c}
                                          for row in samples[table.name]])


def _rows(engine: sa.Engine, schema: Schema) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in `schema`, as stored, only the columns `schema` names."""
    rows = {}
    with engine.connect() as conn:
        for table, spec in schema.items():
            columns = ", ".join(f'"{c}"' for c in sorted(spec["column"]))
            order = ", ".join(f'"{c}"' for c in next(iter(spec["primary key"].values())))
            rows[table] = [dict(row) for row in conn.execute(sa.text(
                f'SELECT {columns} FROM "{table}" ORDER BY {order}')).mappings()]
    return rows


def _counts(engine: sa.Engine, tables: Iterable[str]) -> dict[str, int]:
    """The number of rows in each of these tables."""
    with engine.connect() as conn:
        return {table: conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                for table in tables}


def _lost_rows(before: dict[str, list[dict[str, Any]]],
               after: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Tables whose rows differ between the two reads, with the row counts."""
    return [f"{table}: {len(before[table])} rows before, {len(after[table])} after"
            + ("" if len(before[table]) != len(after[table]) else " (contents differ)")
            for table in before if before[table] != after[table]]


def test_every_migration_steps_down_and_up_again_keeping_every_row(empty_database):
    with _app_on(empty_database("roundtrip")):
        engine = db.engine
        chain = _revision_chain()
        schemas: dict[str | None, Schema] = {None: {}}  # after each revision; None is empty
        below = None
        for generation, revision in enumerate(chain, start=1):
            counts = _counts(engine, schemas[below])
            upgrade(revision=revision)
            schemas[revision] = schema_of(engine)
            # an upgrade may rewrite values (data migrations) but loses no row of a table it keeps
            counts = {table: n for table, n in counts.items() if table in schemas[revision]}
            assert _counts(engine, counts) == counts, f"upgrade to {revision} lost rows"
            _insert_sample_rows(engine, generation)
            # what must survive the step down: the tables and columns of the revision below
            kept = _rows(engine, schemas[below])

            downgrade(revision=below or "base")
            differences = schema_differences(schemas[below], schema_of(engine))
            assert not differences, f"{revision} downgraded is not {below}: {differences}"
            lost = _lost_rows(kept, _rows(engine, schemas[below]))
            assert not lost, f"downgrade of {revision} lost rows: {lost}"

            upgrade(revision=revision)
            differences = schema_differences(schemas[revision], schema_of(engine))
            assert not differences, f"{revision} upgraded again is not as before: {differences}"
            lost = _lost_rows(kept, _rows(engine, schemas[below]))
            assert not lost, f"{revision} down and up again lost rows: {lost}"
            below = revision

        newest = schemas[chain[-1]]
        unknown = {(table, column) for table, rows in sample_rows(1).items()
                   for column in rows[0] if column not in newest.get(table, {}).get("column", {})}
        assert not unknown, f"sample rows name columns no migration makes: {sorted(unknown)}"

        # and all the way down at once with rows in every table, and up again
        downgrade(revision="base")
        assert sa.inspect(engine).get_table_names() == ["alembic_version"]
        upgrade()
        differences = schema_differences(newest, schema_of(engine))
        assert not differences, f"from empty to head again is not as before: {differences}"


def test_migrated_schema_is_the_models_schema(ctx, empty_database):
    migrated = schema_of(db.engine)
    with _app_on(empty_database("models")):
        db.metadata.create_all(db.engine)
        models = schema_of(db.engine)
    differences = schema_differences(models, migrated)
    assert not differences, "the migrations build another schema than the models:\n" + "\n".join(
        differences)


def test_alembic_finds_nothing_to_migrate(ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, db.metadata) == []


def test_seat_counter_migration_names_the_events_it_cannot_take(empty_database, capsys):
    with _app_on(empty_database("negative")):
        upgrade(revision="0fcdea8a9745")
        _insert_sample_rows(db.engine, 1)
        tables_before = sorted(sa.inspect(db.engine).get_table_names())
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE events SET seats_taken = -1"))
        capsys.readouterr()

        with pytest.raises(SystemExit):  # Flask-Migrate reports the error and exits, as the CLI
            upgrade(revision="b7d1c0a5e001")

        assert "events [1001] have a negative seats_taken" in capsys.readouterr().err
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == "0fcdea8a9745"
        # no half-rebuilt table left behind (tables of later revisions do not exist yet)
        assert sorted(sa.inspect(db.engine).get_table_names()) == tables_before


def test_short_code_migration_gives_every_registration_a_code_and_marks_the_erased(
        empty_database):
    with _app_on(empty_database("shortcodes")):
        upgrade(revision="d4e8b2c61a07")
        _insert_sample_rows(db.engine, 1)
        with db.engine.begin() as conn:
            # a person erased before the column existed: "Verwijderd #<id>", no address
            erased = conn.execute(sa.text("SELECT max(id) FROM people")).scalar_one()
            conn.execute(sa.text("UPDATE people SET first_name = 'Verwijderd', email = NULL, "
                                 "last_name = :last WHERE id = :id"),
                         {"last": f"#{erased}", "id": erased})
        upgrade(revision="e5c2a9f41b30")
        with db.engine.connect() as conn:
            codes = conn.execute(sa.text(
                "SELECT event_id, short_code FROM registrations ORDER BY id")).all()
            marked = conn.execute(sa.text(
                "SELECT id FROM people WHERE erased_at IS NOT NULL")).scalars().all()
    assert marked == [erased]
    assert len(codes) == 2
    assert len({event for event, _code in codes}) == 1  # both of the same event
    assert codes[0][1] != codes[1][1]
    for _event, code in codes:
        assert len(code) == 8
        assert set(code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
