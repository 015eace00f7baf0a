"""Two staff members moving people in opposite directions at the same moment.

Anna moves from event A to B while Bert moves from B to A. Each move takes a seat on its
target and frees one on its source; taking the two events' locks in opposite orders would
deadlock on PostgreSQL (one move failing with a database error). Runs on SQLite by default
and on PostgreSQL when COOPNET_TEST_DATABASE_URL is set.
"""

import threading
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations import corrections
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels
from tests.factories import make_event, make_person, make_registration, make_user

NOW = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.slow
def test_opposite_moves_at_the_same_moment_both_succeed(app, monkeypatch):
    with app.app_context():
        a = make_event("Borrel A", kind_slug="coopborrel", capacity=10,
                       starts_at=brussels(date(2022, 3, 10), time(18)))
        b = make_event("Borrel B", kind_slug="coopborrel", capacity=10,
                       starts_at=brussels(date(2022, 3, 17), time(18)))
        anna = make_registration(a, make_person(email="anna@example.test"))
        bert = make_registration(b, make_person(email="bert@example.test"))
        db.session.commit()
        moves = [(anna.id, b.id), (bert.id, a.id)]
        ids = {"a": a.id, "b": b.id}
        staff_ids = [make_user("staff").id, make_user("staff").id]

    # each move waits here, holding whatever it locked for its target, until the other move
    # has come as far or 2 seconds passed: the interleaving that deadlocks a wrong order
    both_placed = threading.Barrier(2, timeout=2)
    original = corrections.cancel_registration

    def cancel_after_the_other_placed(*args, **kwargs):
        try:
            both_placed.wait()
        except threading.BrokenBarrierError:
            pass  # the other move waits for our lock: go on
        return original(*args, **kwargs)

    monkeypatch.setattr(corrections, "cancel_registration", cancel_after_the_other_placed)
    errors: list[BaseException] = []

    def move(registration_id: int, target_id: int, staff_id: int) -> None:
        try:
            with app.app_context():
                registration = db.session.get(Registration, registration_id)
                target = db.session.get(Event, target_id)
                actor = db.session.get(User, staff_id)
                corrections.move_registration(registration, target, actor=actor, now=NOW)
                db.session.commit()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=move, args=(*m, s)) for m, s in zip(moves, staff_ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        rows = db.session.execute(
            sa.select(Event.title, Registration.status, Registration.person_id)
            .join(Event, Event.id == Registration.event_id)
            .order_by(Event.title, Registration.status)).all()
        seats = dict(db.session.execute(sa.select(Event.id, Event.seats_taken)).all())
        people = dict(db.session.execute(
            sa.select(Registration.id, Registration.person_id)
            .where(Registration.id.in_([m[0] for m in moves]))).all())
    anna_person, bert_person = people[moves[0][0]], people[moves[1][0]]
    assert [tuple(r) for r in rows] == [
        ("Borrel A", "cancelled", anna_person), ("Borrel A", "confirmed", bert_person),
        ("Borrel B", "cancelled", bert_person), ("Borrel B", "confirmed", anna_person)]
    assert seats == {ids["a"]: 1, ids["b"]: 1}
