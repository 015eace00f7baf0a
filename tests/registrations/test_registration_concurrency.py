"""Exact under load through the service: threads with sessions of their own, one event.

The same tests run on PostgreSQL when COOPNET_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from coopnet.db import utcnow
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations.models import Registration
from coopnet.registrations.services import cancel_registration, promote_waiting, register
from tests.factories import make_event

THREADS = 40


def _run_concurrently(app: Flask, jobs: list[Callable[[], object]]) -> list[BaseException]:
    """Run each job in its own thread and app context (own session), all released at once."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job: Callable[[], object]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                job()
                db.session.commit()
            except BaseException as error:  # reported by the test
                db.session.rollback()
                errors.append(error)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def _state(app: Flask, event_id: int) -> tuple[int, dict[str, int], list[int]]:
    """seats_taken, count per status, and the waiting list's registration ids in queue order."""
    with app.app_context():
        seats = db.session.get(Event, event_id).seats_taken
        counts = dict(db.session.execute(
            sa.select(Registration.status, sa.func.count(Registration.id))
            .where(Registration.event_id == event_id).group_by(Registration.status)
        ).all())
        queue = list(db.session.execute(
            sa.select(Registration.id)
            .where(Registration.event_id == event_id, Registration.status == "waitlisted")
            .order_by(Registration.waitlisted_at, Registration.id)
        ).scalars())
        return seats, counts, queue


def _event(app: Flask, capacity: int = 10) -> int:
    with app.app_context():
        return make_event(capacity=capacity, starts_at=utcnow() + timedelta(days=7)).id


def _registrar(app: Flask, event_id: int, n: int, positions: dict[int, int]) -> Callable[[], object]:
    def job() -> None:
        from coopnet.registrations.services import waitlist_position

        event = db.session.get(Event, event_id)
        registration, created = register(event, name=f"Deelnemer {n}",
                                         email=f"load{n}@example.test", consent=True)
        assert created
        position = waitlist_position(registration)
        if position is not None:
            positions[registration.id] = position
    return job


def test_forty_concurrent_registrations_fill_ten_seats_exactly(app):
    event_id = _event(app)
    positions: dict[int, int] = {}
    errors = _run_concurrently(app, [_registrar(app, event_id, n, positions)
                                     for n in range(THREADS)])
    assert errors == []
    seats, counts, queue = _state(app, event_id)
    assert counts == {"confirmed": 10, "waitlisted": THREADS - 10}
    assert seats == 10
    # the place each person was told is their place in the queue
    assert [positions[rid] for rid in queue] == list(range(1, THREADS - 10 + 1))


def test_concurrent_same_email_registrations_make_one_person_and_one_registration(app):
    event_id = _event(app)

    def job() -> None:
        event = db.session.get(Event, event_id)
        register(event, name="Zelfde Persoon", email="same@example.test", consent=True)

    errors = _run_concurrently(app, [job] * 8)
    assert errors == []
    seats, counts, _ = _state(app, event_id)
    assert counts == {"confirmed": 1}
    assert seats == 1


def test_a_new_address_registering_for_several_events_at_once_makes_one_person(app):
    from coopnet.members.models import Person

    event_ids = [_event(app) for _ in range(6)]

    def job_for(event_id: int) -> Callable[[], object]:
        def job() -> None:
            event = db.session.get(Event, event_id)
            registration, _ = register(event, name="Nieuwe Persoon",
                                       email="nieuw@example.test", consent=True)
            assert registration.status == "confirmed"
        return job

    # each event twice: the second of a pair finds the first's registration
    errors = _run_concurrently(app, [job_for(event_id) for event_id in event_ids] * 2)
    assert errors == []
    with app.app_context():
        people = db.session.execute(
            sa.select(Person.id).where(Person.email == "nieuw@example.test")).scalars().all()
        assert len(people) == 1
        assert db.session.execute(
            sa.select(Registration.event_id).where(Registration.person_id == people[0])
            .order_by(Registration.event_id)).scalars().all() == event_ids
    for event_id in event_ids:
        assert _state(app, event_id)[:2] == (1, {"confirmed": 1})


def test_concurrent_cancellations_promote_each_waiting_person_once_in_order(app):
    event_id = _event(app)
    with app.app_context():
        event = db.session.get(Event, event_id)
        regs = [register(event, name=f"P {n}", email=f"c{n}@example.test", consent=True)[0]
                for n in range(30)]
        db.session.commit()
        confirmed_ids = [r.id for r in regs[:10]]
        waiting_ids = [r.id for r in regs[10:]]

    def canceller(registration_id: int) -> Callable[[], object]:
        def job() -> None:
            cancel_registration(db.session.get(Registration, registration_id))
        return job

    # all ten seat holders cancel at once, plus three of the people waiting
    jobs = [canceller(rid) for rid in confirmed_ids + waiting_ids[-3:]]
    errors = _run_concurrently(app, jobs)
    assert errors == []
    seats, counts, queue = _state(app, event_id)
    assert counts == {"cancelled": 13, "confirmed": 10, "waitlisted": 7}
    assert seats == 10
    with app.app_context():
        confirmed = set(db.session.execute(
            sa.select(Registration.id).where(Registration.event_id == event_id,
                                             Registration.status == "confirmed")).scalars())
    assert confirmed == set(waiting_ids[:10])
    assert queue == waiting_ids[10:17]


def test_concurrent_promotions_never_exceed_capacity(app):
    event_id = _event(app, capacity=2)
    with app.app_context():
        event = db.session.get(Event, event_id)
        for n in range(20):
            register(event, name=f"P {n}", email=f"w{n}@example.test", consent=True)
        event.capacity = 12
        db.session.commit()

    def job() -> None:
        promote_waiting(db.session.get(Event, event_id), now=utcnow())

    errors = _run_concurrently(app, [job] * 10)
    assert errors == []
    seats, counts, queue = _state(app, event_id)
    assert counts == {"confirmed": 12, "waitlisted": 8}
    assert seats == 12
    assert queue == sorted(queue)
