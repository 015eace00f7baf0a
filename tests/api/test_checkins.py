"""Check-in API (docs/api.md, a fixed contract): scanner devices with a staff token."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from coopnet.extensions import db
from coopnet.registrations.models import CheckInEvent, Registration
from tests.factories import make_event, make_person, make_registration, make_user


@pytest.fixture
def scanner(app, runner):
    """A staff member 'An' with a token, and an event with registrations."""
    with app.app_context():
        make_user("staff", email="an@coopnet.test", display_name="An")
        event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=1)
        other = make_event("Webinar ICA-principes",
                           starts_at=datetime(2022, 3, 3, 11, 0, tzinfo=UTC))
        confirmed = make_registration(event, make_person("Lies", "Peeters"),
                                      organization_name="Zuidwind")
        waiting = make_registration(event, status="waitlisted")
        cancelled = make_registration(event, status="cancelled")
        elsewhere = make_registration(other)
        data = {"event": event.id, "confirmed": confirmed.ticket_code,
                "confirmed_id": confirmed.id, "waiting": waiting.ticket_code,
                "cancelled": cancelled.ticket_code, "elsewhere": elsewhere.ticket_code}
    token = runner.invoke(args=["token", "create", "an@coopnet.test"]).output.strip().splitlines()[-1]
    data["headers"] = {"Authorization": f"Bearer {token}"}
    return data


def test_first_check_in_answers_201_then_200_already_checked_in(client, scanner):
    url = f"/api/v1/events/{scanner['event']}/checkins"
    first = client.post(url, json={"code": scanner["confirmed"]}, headers=scanner["headers"])
    assert first.status_code == 201
    body = first.get_json()
    assert body["status"] == "checked_in"
    assert body["registration"]["id"] == scanner["confirmed_id"]
    assert body["registration"]["name"] == "Lies Peeters"
    assert body["registration"]["organization"] == "Zuidwind"
    # ISO 8601 with the Brussels offset
    assert datetime.fromisoformat(body["checked_in_at"]).utcoffset() is not None
    second = client.post(url, json={"code": scanner["confirmed"]}, headers=scanner["headers"])
    assert second.status_code == 200
    again = second.get_json()
    assert again["status"] == "already_checked_in"
    assert again["checked_in_at"] == body["checked_in_at"]
    assert again["checked_in_by"] == "An"
    assert "al ingecheckt om" in again["message"] and again["message"].endswith("door An")


@pytest.mark.parametrize("which,status,code", [
    ("unknown", 404, "unknown_ticket"),
    ("waiting", 409, "not_confirmed"),
    ("cancelled", 409, "not_confirmed"),
    ("elsewhere", 409, "wrong_event"),
])
def test_refusals_carry_the_stable_code(client, scanner, which, status, code):
    ticket = scanner.get(which, "no-such-ticket")
    response = client.post(f"/api/v1/events/{scanner['event']}/checkins", json={"code": ticket},
                           headers=scanner["headers"])
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    if code == "wrong_event":
        assert "Webinar ICA-principes" in error["message"]


@pytest.mark.parametrize("body", [None, {}, {"code": ""}, {"code": 12}, ["x"]])
def test_malformed_check_in_answers_422(client, scanner, body):
    response = client.post(f"/api/v1/events/{scanner['event']}/checkins", json=body,
                           headers=scanner["headers"])
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid"


def test_unknown_event_answers_404(client, scanner):
    # before anything is said of the ticket or the body: a real ticket of another event, a
    # made-up one, none at all
    for body in ({"code": scanner["confirmed"]}, {"code": "no-such-ticket"}, {"code": ""}, None):
        response = client.post("/api/v1/events/999999/checkins", json=body,
                               headers=scanner["headers"])
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/events/999999/counts",
                      headers=scanner["headers"]).status_code == 404


def test_undo_through_the_api_and_history_keeps_both(client, scanner, app):
    base = f"/api/v1/events/{scanner['event']}/checkins"
    client.post(base, json={"code": scanner["confirmed"]}, headers=scanner["headers"])
    response = client.delete(f"{base}/{scanner['confirmed']}", headers=scanner["headers"])
    assert response.status_code == 200
    assert response.get_json()["registration"]["checked_in_at"] is None
    again = client.delete(f"{base}/{scanner['confirmed']}", headers=scanner["headers"])
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "not_checked_in"
    with app.app_context():
        actions = db.session.execute(
            sa.select(CheckInEvent.action, CheckInEvent.channel).order_by(CheckInEvent.id)).all()
    assert actions == [("check_in", "api"), ("undo", "api")]


def test_walk_in_when_full_counts_and_the_counters_move(client, scanner):
    headers = scanner["headers"]
    counts_url = f"/api/v1/events/{scanner['event']}/counts"
    assert client.get(counts_url, headers=headers).get_json() == {
        "registered": 1, "checked_in": 0, "waitlisted": 1, "capacity": 1}
    response = client.post(f"/api/v1/events/{scanner['event']}/walkins",
                           json={"name": "Jan De Smet", "email": "jan@example.test",
                                 "organization": "Bar Tuinwijk cv"}, headers=headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["registration"]["source"] == "walkin"
    assert body["registration"]["organization"] == "Bar Tuinwijk cv"
    assert client.get(counts_url, headers=headers).get_json() == {
        "registered": 2, "checked_in": 1, "waitlisted": 1, "capacity": 1}


def test_walk_in_without_name_answers_422_with_fields(client, scanner):
    response = client.post(f"/api/v1/events/{scanner['event']}/walkins",
                           json={"email": "nope"}, headers=scanner["headers"])
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"name", "email"}


@pytest.mark.parametrize("role,status", [(None, 401), ("member", 403), ("coordinator", 201)])
def test_check_in_needs_a_staff_token(client, scanner, runner, app, role, status):
    headers = {}
    if role:
        with app.app_context():
            email = make_user(role).email
        token = runner.invoke(args=["token", "create", email]).output.strip().splitlines()[-1]
        headers = {"Authorization": f"Bearer {token}"}
    response = client.post(f"/api/v1/events/{scanner['event']}/checkins",
                           json={"code": scanner["confirmed"]}, headers=headers)
    assert response.status_code == status
    with app.app_context():
        attended = db.session.execute(
            sa.select(sa.func.count()).where(Registration.attended)).scalar()
    assert attended == (1 if status == 201 else 0)


def test_staff_session_cookie_does_not_open_the_check_in_api(client, scanner, login):
    login(client, "staff")
    response = client.post(f"/api/v1/events/{scanner['event']}/checkins",
                           json={"code": scanner["confirmed"]})
    assert response.status_code == 401
