"""The database guards its rules, and times survive a round trip as aware UTC.

(That the migrations build the models' schema is tested in test_migrations.py.)
"""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from coopnet.events.models import Event
from coopnet.extensions import db
from tests.factories import make_event, make_organization, make_person


def test_migrations_seed_the_plans_event_kinds(ctx):
    slugs = set(db.session.execute(sa.text("SELECT slug FROM event_kinds")).scalars())
    assert {"webinar", "lezing", "seminarie", "debat", "coopborrel", "dag-van-de-cooperatie",
            "rondleiding", "thematische-groep", "micro-ontmoeting", "infosessie", "workshop",
            "stuurgroep", "bestuursorgaan", "algemene-vergadering"} <= slugs


def test_brussels_time_is_stored_as_utc_and_read_back_aware(ctx):
    brussels_winter = timezone(timedelta(hours=1))
    event = make_event(starts_at=datetime(2022, 2, 10, 19, 30, tzinfo=brussels_winter))
    db.session.expire_all()
    loaded = db.session.get(Event, event.id)
    assert loaded.starts_at == datetime(2022, 2, 10, 18, 30, tzinfo=UTC)
    assert loaded.starts_at.tzinfo is not None
    assert loaded.starts_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(ctx):
    with pytest.raises(sa.exc.StatementError, match="naive datetime refused"):
        make_event(starts_at=datetime(2022, 2, 10, 19, 30))
    db.session.rollback()


def test_foreign_keys_are_enforced(ctx):
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text(
            "INSERT INTO memberships (organization_id, starts_on, created_at, updated_at) "
            "VALUES (999999, '2021-01-01', '2021-01-01 00:00:00', '2021-01-01 00:00:00')"))
        db.session.flush()
    db.session.rollback()


def test_one_email_is_one_person(ctx):
    make_person(email="an@example.test")
    with pytest.raises(sa.exc.IntegrityError):
        make_person(email="an@example.test")
    db.session.rollback()


def test_membership_cannot_end_before_it_starts(ctx):
    from datetime import date

    with pytest.raises(sa.exc.IntegrityError):
        make_organization(member_since=date(2021, 5, 1), member_until=date(2021, 4, 1))
    db.session.rollback()


def test_seat_counter_cannot_go_negative(ctx):
    event = make_event(capacity=10)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Event).where(Event.id == event.id).values(seats_taken=-1))
        db.session.flush()
    db.session.rollback()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        # the log is folded back every 8,000 pages (32 MB), not every 1,000
        assert conn.execute(sa.text("PRAGMA wal_autocheckpoint")).scalar() == 8000
