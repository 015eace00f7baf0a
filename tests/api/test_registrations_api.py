"""The events and registrations API (docs/api.md): shapes, status codes, error codes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from coopnet.db import utcnow
from coopnet.timezones import to_brussels
from tests.factories import make_event, make_organization, make_person, make_user


@pytest.fixture
def staff_token(runner, app):
    with app.app_context():
        email = make_user("staff").email
    return runner.invoke(args=["token", "create", email]).output.strip().splitlines()[-1]


def _event(app, **fields):
    with app.app_context():
        fields.setdefault("starts_at", utcnow() + timedelta(days=10))
        return make_event(fields.pop("title", "Webinar API"), **fields).id


def _post(client, event_id, **body):
    body.setdefault("name", "An Peeters")
    body.setdefault("email", "an@example.test")
    body.setdefault("consent", True)
    return client.post(f"/api/v1/events/{event_id}/registrations", json=body)


def test_event_detail_has_the_fixed_fields_in_brussels_time(client, app):
    event_id = _event(app, starts_at=datetime(2022, 2, 10, 18, 0, tzinfo=UTC), capacity=40,
                      city="Gent", location="De Koer")
    body = client.get(f"/api/v1/events/{event_id}").get_json()
    assert body["starts_at"] == "2022-02-10T19:00:00+01:00"
    assert body["ends_at"] == "2022-02-10T20:30:00+01:00"
    assert body["kind"] == "webinar"
    assert body["capacity"] == 40 and body["seats_left"] == 40
    assert body["visibility"] == "public" and body["status"] == "published"
    assert body["waitlist_enabled"] is True
    assert body["action_ids"] == []
    assert body["url"] == f"http://coopnet.test/events/{event_id}"
    assert body["ics_url"] == f"http://coopnet.test/events/{event_id}.ics"


def test_event_list_public_sees_published_public_events_staff_sees_all(client, app,
                                                                        staff_token):
    soon = utcnow() + timedelta(days=3)
    with app.app_context():
        make_event("Open webinar", starts_at=soon)
        make_event("Coopborrel Gent", kind_slug="coopborrel", starts_at=soon + timedelta(days=40))
        make_event("Concept", starts_at=soon, status="draft")
        make_event("Stuurgroep", kind_slug="stuurgroep", starts_at=soon, visibility="internal")
    public = [e["title"] for e in client.get("/api/v1/events").get_json()["events"]]
    assert public == ["Open webinar", "Coopborrel Gent"]
    staff = client.get("/api/v1/events", headers={"Authorization": f"Bearer {staff_token}"})
    assert {e["title"] for e in staff.get_json()["events"]} == {
        "Open webinar", "Coopborrel Gent", "Concept", "Stuurgroep"}
    kind = client.get("/api/v1/events?kind=coopborrel").get_json()["events"]
    assert [e["title"] for e in kind] == ["Coopborrel Gent"]
    # the API's days are Brussels days (at 23:30 UTC it is already tomorrow in Brussels)
    first_day = to_brussels(soon + timedelta(days=1)).date().isoformat()
    later = client.get(f"/api/v1/events?from={first_day}").get_json()["events"]
    assert [e["title"] for e in later] == ["Coopborrel Gent"]
    until = client.get(f"/api/v1/events?to={first_day}").get_json()["events"]
    assert [e["title"] for e in until] == ["Open webinar"]
    bad = client.get("/api/v1/events?from=morgen")
    assert bad.status_code == 422
    assert bad.get_json()["error"]["code"] == "invalid"
    assert "from" in bad.get_json()["error"]["fields"]


def test_event_list_comes_in_pages_in_start_order(client, app):
    soon = utcnow() + timedelta(days=3)
    with app.app_context():
        for n in (3, 1, 2):
            make_event(f"Webinar {n}", starts_at=soon + timedelta(days=n))
    first = client.get("/api/v1/events?per_page=2").get_json()
    assert [e["title"] for e in first["events"]] == ["Webinar 1", "Webinar 2"]
    assert (first["total"], first["page"], first["per_page"], first["pages"]) == (3, 1, 2, 2)
    second = client.get("/api/v1/events?per_page=2&page=2").get_json()
    assert [e["title"] for e in second["events"]] == ["Webinar 3"]
    beyond = client.get("/api/v1/events?per_page=2&page=3").get_json()
    assert beyond["events"] == [] and beyond["total"] == 3
    default = client.get("/api/v1/events").get_json()
    assert default["per_page"] == 100 and len(default["events"]) == 3
    for bad in ("per_page=0", "per_page=201", "page=0", "page=twee"):
        answer = client.get(f"/api/v1/events?{bad}")
        assert answer.status_code == 422, bad
        assert answer.get_json()["error"]["code"] == "invalid"


def test_hidden_event_is_404(client, app):
    event_id = _event(app, status="draft")
    response = client.get(f"/api/v1/events/{event_id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert _post(client, event_id).status_code == 404


def test_register_201_then_200_for_the_same_email_without_revealing_the_ticket(client, app):
    event_id = _event(app, capacity=1)
    first = _post(client, event_id)
    assert first.status_code == 201
    body = first.get_json()
    assert body["status"] == "confirmed"
    assert body["waitlist_position"] is None
    assert len(body["ticket_code"]) == 43
    assert body["manage_url"] == f"http://coopnet.test/r/{body['ticket_code']}"
    again = _post(client, event_id, email="AN@example.test")
    assert again.status_code == 200
    assert again.get_json()["id"] == body["id"]
    assert again.get_json()["status"] == "confirmed"
    assert again.get_json()["ticket_code"] is None
    waiting = _post(client, event_id, name="Bo", email="bo@example.test")
    assert waiting.status_code == 201
    assert waiting.get_json()["status"] == "waitlisted"
    assert waiting.get_json()["waitlist_position"] == 1


def test_register_validation_is_422_with_fields(client, app):
    event_id = _event(app)
    response = _post(client, event_id, name="", email="nope", consent="yes")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"name", "email", "consent"}
    assert client.post(f"/api/v1/events/{event_id}/registrations", data="x").status_code == 422


@pytest.mark.parametrize(("fields", "code"), [
    ({"status": "cancelled"}, "event_cancelled"),
    ({"visibility": "members"}, "members_only"),
    ({"capacity": 0, "waitlist_enabled": False}, "waitlist_closed"),
    ({"starts_at": datetime(2020, 1, 1, tzinfo=UTC)}, "registration_closed"),
])
def test_register_refusals_are_409_with_the_service_code(client, app, fields, code):
    event_id = _event(app, **fields)
    response = _post(client, event_id)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_register_links_a_member_coop_by_name_or_id(client, app):
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        former = make_organization("Vroeger", member_since=date(2010, 1, 1),
                                   member_until=date(2011, 1, 1))
        coop_id, former_id = coop.id, former.id
        make_person("Mia", email="mia@lid.test", organization=coop)
    event_id = _event(app)
    by_name = _post(client, event_id, email="mia@lid.test", organization="coop zonnewind")
    assert by_name.status_code == 201
    ticket = client.get(f"/api/v1/registrations/{by_name.get_json()['ticket_code']}").get_json()
    assert ticket["organization"] == "Coop Zonnewind"
    other = _event(app)
    by_id = _post(client, other, organization=coop_id)
    assert by_id.status_code == 201
    refused = _post(client, other, email="x@example.test", organization=former_id)
    assert refused.status_code == 422
    assert "organization" in refused.get_json()["error"]["fields"]


def test_members_only_through_the_api_needs_more_than_a_contacts_address(client, app, runner):
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        make_person("Mia", email="mia@lid.test", organization=coop)
        make_user("staff", email="balie@coopnet.test")
    token = runner.invoke(args=["token", "create", "balie@coopnet.test"]
                          ).output.strip().splitlines()[-1]
    event_id = _event(app, visibility="members")
    anonymous = _post(client, event_id, email="mia@lid.test", organization="Coop Zonnewind")
    assert anonymous.status_code == 409
    assert anonymous.get_json()["error"]["code"] == "members_only"
    by_staff = client.post(f"/api/v1/events/{event_id}/registrations",
                           json={"name": "Mia", "email": "mia@lid.test", "consent": True},
                           headers={"Authorization": f"Bearer {token}"})
    assert by_staff.status_code == 201
    stranger = client.post(f"/api/v1/events/{event_id}/registrations",
                           json={"name": "X", "email": "x@example.test", "consent": True},
                           headers={"Authorization": f"Bearer {token}"})
    assert stranger.status_code == 409


def test_view_and_cancel_by_ticket_code_promotes_the_first_waiting(client, app):
    event_id = _event(app, capacity=1)
    code = _post(client, event_id).get_json()["ticket_code"]
    waiting = _post(client, event_id, name="Bo", email="bo@example.test").get_json()["ticket_code"]
    view = client.get(f"/api/v1/registrations/{code}")
    assert view.status_code == 200
    assert view.get_json()["status"] == "confirmed"
    assert view.get_json()["name"] == "An Peeters"
    cancelled = client.post(f"/api/v1/registrations/{code}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    assert client.get(f"/api/v1/registrations/{waiting}").get_json()["status"] == "confirmed"
    assert client.get(f"/api/v1/events/{event_id}").get_json()["seats_left"] == 0
    assert client.post(f"/api/v1/registrations/{code}/cancel").status_code == 200
    unknown = client.get("/api/v1/registrations/" + "x" * 43)
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "not_found"


def test_staff_registration_list_needs_a_staff_token(client, app, staff_token, runner):
    event_id = _event(app, capacity=1)
    _post(client, event_id)
    _post(client, event_id, name="Bo", email="bo@example.test")
    _post(client, event_id, name="Cas", email="cas@example.test")
    assert client.get(f"/api/v1/events/{event_id}/registrations").status_code == 401
    with app.app_context():
        member_email = make_user("member").email
    member_token = runner.invoke(args=["token", "create", member_email]).output.split()[-1]
    assert client.get(f"/api/v1/events/{event_id}/registrations",
                      headers={"Authorization": f"Bearer {member_token}"}).status_code == 403
    body = client.get(f"/api/v1/events/{event_id}/registrations",
                      headers={"Authorization": f"Bearer {staff_token}"}).get_json()
    rows = body["registrations"]
    assert [(r["name"], r["status"], r["waitlist_position"]) for r in rows] == [
        ("An Peeters", "confirmed", None), ("Bo", "waitlisted", 1), ("Cas", "waitlisted", 2)]
    assert rows[0]["checked_in"] is False and rows[0]["checked_in_at"] is None


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_staff_create_an_event_with_defaults(client, app, staff_token):
    body = {"title": "Webinar energiecoöperaties", "kind": "webinar",
            "starts_at": "2030-02-10T19:00:00+01:00", "ends_at": "2030-02-10T20:30:00+01:00",
            "capacity": 50}
    assert client.post("/api/v1/events", json=body).status_code == 401
    response = client.post("/api/v1/events", json=body, headers=_auth(staff_token))
    assert response.status_code == 201
    event = response.get_json()
    assert event["starts_at"] == "2030-02-10T19:00:00+01:00"
    assert (event["visibility"], event["status"], event["waitlist_enabled"]) == (
        "public", "published", True)
    assert event["seats_left"] == 50
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 200


def test_create_refuses_bad_fields_with_422(client, app, staff_token):
    response = client.post("/api/v1/events", headers=_auth(staff_token), json={
        "title": "X", "kind": "geen-soort", "starts_at": "10/02/2030",
        "ends_at": "2030-02-10T20:30:00"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) >= {"starts_at", "ends_at"}
    response = client.post("/api/v1/events", headers=_auth(staff_token), json={
        "title": "X", "kind": "geen-soort", "starts_at": "2030-02-10T19:00:00+01:00",
        "ends_at": "2030-02-10T20:30:00+01:00"})
    assert response.status_code == 422
    assert "kind" in response.get_json()["error"]["fields"]


def test_patch_raising_capacity_promotes_the_waiting_and_cancel_cancels(client, app,
                                                                        staff_token):
    event_id = _event(app, capacity=1)
    _post(client, event_id)
    waiting = [_post(client, event_id, name=f"W{n}", email=f"w{n}@example.test").get_json()
               for n in range(3)]
    response = client.patch(f"/api/v1/events/{event_id}", json={"capacity": 3},
                            headers=_auth(staff_token))
    assert response.status_code == 200
    assert response.get_json()["seats_left"] == 0
    statuses = [client.get(f"/api/v1/registrations/{w['ticket_code']}").get_json()["status"]
                for w in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    cancelled = client.patch(f"/api/v1/events/{event_id}", json={"status": "cancelled"},
                             headers=_auth(staff_token))
    assert cancelled.get_json()["status"] == "cancelled"
    refused = _post(client, event_id, email="late@example.test")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "event_cancelled"
    unknown = client.patch("/api/v1/events/999999", json={"capacity": 3},
                           headers=_auth(staff_token))
    assert unknown.status_code == 404
