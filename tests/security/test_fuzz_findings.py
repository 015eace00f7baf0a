"""Bugs the fuzz test found, each pinned by a focused test (expected values written by hand).

Ids too big for the id columns reached the database from a request body (a form field or
JSON) or a URL: beyond 64 bits SQLite's driver cannot bind them, and beyond 32 bits
PostgreSQL refuses them against an INTEGER column ("integer out of range"). Both were a 500
instead of the answer an unknown id gets.
"""

from __future__ import annotations

from datetime import date, timedelta

from coopnet.db import utcnow
from coopnet.extensions import db
from tests.factories import make_event, make_organization, make_plan, make_registration

TOO_BIG = 2**31  # beyond a 32-bit integer column (PostgreSQL)


def _door_event() -> int:
    event = make_event(starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=10),
                       minutes=120)
    make_registration(event)
    return event.id


def test_door_undo_with_an_id_too_big_for_the_id_column_is_an_unknown_ticket(app, client, login):
    login(client, "staff")
    with app.app_context():
        event_id = _door_event()
    answer = client.post(f"/staff/events/{event_id}/checkin/undo",
                         json={"registration_id": TOO_BIG})
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "unknown_ticket"


def test_door_scan_with_an_id_too_big_for_the_id_column_is_an_unknown_ticket(app, client, login):
    login(client, "staff")
    with app.app_context():
        event_id = _door_event()
    answer = client.post(f"/staff/events/{event_id}/checkin/scan",
                         json={"registration_id": 10**30})
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "unknown_ticket"


def test_api_registration_naming_an_organization_id_too_big_for_the_id_column_is_refused(app, client):
    with app.app_context():
        event = make_event(starts_at=utcnow().replace(microsecond=0) + timedelta(days=30),
                           capacity=10)
        event_id = event.id
    answer = client.post(f"/api/v1/events/{event_id}/registrations", json={
        "name": "Lies Peeters", "email": "lies@example.test", "consent": True,
        "organization": TOO_BIG})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert list(error["fields"]) == ["organization"]
    with app.app_context():
        from coopnet.registrations.models import Registration

        assert db.session.query(Registration).count() == 0


def test_linking_an_event_id_too_big_for_the_id_column_to_an_action_is_not_found(app, client, login):
    login(client, "coordinator")
    with app.app_context():
        plan, action = make_plan("Plan 2022", starts_on=date(2022, 1, 1),
                                 ends_on=date(2022, 12, 31))
        plan_id, action_id = plan.id, action.id
    answer = client.post(f"/plan/{plan_id}/unlinked-events/link", data={
        "unlinked-event_ids": ["2147483648", "99999999999999999999999"], "unlinked-action_id": str(action_id)})
    assert answer.status_code == 404


def test_accepting_a_pairing_with_an_id_too_big_for_the_id_column_is_not_found(app, client, login):
    login(client, "coordinator")
    with app.app_context():
        org_id = make_organization("Zonnecoop").id
    answer = client.post("/staff/pairings/accept", data={
        "members": f"{org_id},2147483648", "day": "2031-03-01", "at": "10:00"})
    assert answer.status_code == 404
