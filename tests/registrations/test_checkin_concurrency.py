"""Two devices scanning the same ticket at the same moment give exactly one attendance.

Runs on SQLite by default and on PostgreSQL when COOPNET_TEST_DATABASE_URL is set.
"""

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations import checkin as checkin_service
from coopnet.registrations.models import CheckInEvent, Registration
from tests.factories import make_event, make_registration, make_user

DOOR = datetime(2022, 2, 10, 18, 2, tzinfo=UTC)
DEVICES = 4


@pytest.mark.slow
def test_simultaneous_scans_of_one_ticket_check_in_once(app, monkeypatch):
    with app.app_context():
        event = make_event(capacity=10)
        code = make_registration(event).ticket_code
        event_id = event.id
        staff_ids = [make_user("staff").id for _ in range(DEVICES)]

    # every device has read the ticket as "not checked in" before any of them writes:
    # the worst interleaving, which a read-then-write check-in would count DEVICES times
    all_have_read = threading.Barrier(DEVICES, timeout=20)
    waited = threading.local()
    original = checkin_service._refuse_unconfirmed

    def refuse_unconfirmed_then_wait(registration):
        original(registration)
        if not getattr(waited, "done", False):
            waited.done = True
            all_have_read.wait()

    monkeypatch.setattr(checkin_service, "_refuse_unconfirmed", refuse_unconfirmed_then_wait)
    results: list[str] = []
    errors: list[BaseException] = []

    def device(staff_id: int) -> None:
        try:
            with app.app_context():
                event = db.session.get(Event, event_id)
                actor = db.session.get(User, staff_id)
                result = checkin_service.check_in(event.id, code, actor=actor, now=DOOR)
                db.session.commit()
                results.append(result.status)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=device, args=(staff_id,)) for staff_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == ["already_checked_in"] * (DEVICES - 1) + ["checked_in"]
    with app.app_context():
        checked = db.session.execute(
            sa.select(sa.func.count(Registration.id))
            .where(Registration.event_id == event_id, Registration.attended)
        ).scalar()
        history = db.session.execute(
            sa.select(CheckInEvent.action, CheckInEvent.by_id)
        ).all()
        assert checked == 1
        assert len(history) == 1 and history[0].action == "check_in"
        winner = db.session.execute(sa.select(Registration.checked_in_by_id)).scalar()
        assert history[0].by_id == winner
