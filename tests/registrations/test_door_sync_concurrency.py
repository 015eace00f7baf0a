"""Door devices syncing at the same moment: one attendance at the earliest time, and an
action sent twice at once applied once.

Runs on SQLite by default and on PostgreSQL when COOPNET_TEST_DATABASE_URL is set.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations.door_sync import apply_door_actions
from coopnet.registrations.models import CheckInEvent, DoorAction, Registration
from tests.factories import make_event, make_registration, make_user

T0 = datetime(2022, 2, 10, 18, 0, tzinfo=UTC)
DEVICES = 4


def _run_at_once(app, batches):  # type: ignore[no-untyped-def]
    """Each (staff id, actions) sent by its own device, all starting together."""
    start = threading.Barrier(len(batches), timeout=20)
    outcomes: list[list[str]] = []
    errors: list[BaseException] = []

    def device(staff_id, actions):  # type: ignore[no-untyped-def]
        try:
            with app.app_context():
                event = db.session.get(Event, actions[0]["event_id"])
                actor = db.session.get(User, staff_id)
                start.wait()
                done = apply_door_actions(event, actions, actor=actor, now=T0 + timedelta(hours=1))
                db.session.commit()
                outcomes.append([o.outcome for o in done])
        except BaseException as error:  # reported in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=device, args=batch) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return outcomes


@pytest.mark.slow
def test_devices_syncing_the_same_ticket_at_once_give_one_attendance_at_the_earliest(app):
    with app.app_context():
        event = make_event(capacity=10)
        registration = make_registration(event)
        ids = (event.id, registration.id)
        staff = [make_user("staff").id for _ in range(DEVICES)]
    batches = [(staff[n], [{"id": f"device-{n}-action", "type": "check_in", "event_id": ids[0],
                            "registration_id": ids[1],
                            "device_time": (T0 + timedelta(minutes=10 - n)).isoformat()}])
               for n in range(DEVICES)]
    outcomes = _run_at_once(app, batches)
    assert len(outcomes) == DEVICES
    with app.app_context():
        checked = db.session.execute(
            sa.select(Registration.checked_in_at, Registration.checked_in_by_id)).one()
        # the last device did it first: 19:07
        assert checked == (T0 + timedelta(minutes=10 - (DEVICES - 1)), staff[DEVICES - 1])
        assert db.session.execute(sa.select(sa.func.count(CheckInEvent.id))).scalar() == DEVICES


@pytest.mark.slow
def test_one_batch_sent_twice_at_once_is_applied_once(app):
    with app.app_context():
        event = make_event(capacity=10)
        registration = make_registration(event)
        ids = (event.id, registration.id)
        staff = make_user("staff").id
    actions = [{"id": "the-same-action", "type": "check_in", "event_id": ids[0],
                "registration_id": ids[1], "device_time": T0.isoformat()}]
    outcomes = _run_at_once(app, [(staff, actions), (staff, actions)])
    assert outcomes == [["checked_in"], ["checked_in"]]
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(DoorAction.id))).scalar() == 1
        assert db.session.execute(sa.select(sa.func.count(CheckInEvent.id))).scalar() == 1
