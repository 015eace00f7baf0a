"""The plan endpoints of the API (docs/api.md): plans, the report tree, an indicator's records."""

from __future__ import annotations

from datetime import date, time

from coopnet.auth.tokens import create_api_token
from coopnet.extensions import db
from coopnet.timezones import brussels
from tests.factories import (
    link_events,
    make_event,
    make_indicator,
    make_organization,
    make_person,
    make_plan,
    make_registration,
    make_user,
)


def _token(role: str) -> dict[str, str]:
    token = create_api_token(make_user(role))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _world():
    plan, action = make_plan()
    org = make_organization("Zonnecoop")
    event = make_event("Coopborrel Gent", kind_slug="coopborrel",
                       starts_at=brussels(date(2021, 9, 16), time(18)), city="Gent")
    link_events(action, event)
    for n in range(3):
        make_registration(event, make_person(f"P{n}", organization=org),
                          organization_id=org.id,
                          checked_in_at=event.starts_at if n < 2 else None)
    came = make_indicator(action, "attendances", target=50, text="50 deelnemers",
                          params={"kinds": ["coopborrel"]})
    return plan, came


def test_report_tree_with_figures(ctx, client):
    plan, came = _world()
    headers = _token("coordinator")
    listing = client.get("/api/v1/plans", headers=headers).get_json()
    assert listing == {"plans": [{"id": plan.id, "name": "Testplan 2021",
                                  "starts_on": "2021-01-01", "ends_on": "2021-12-31"}]}
    body = client.get(f"/api/v1/plans/{plan.id}/report?at=2021-07-02", headers=headers).get_json()
    assert body["at"] == "2021-07-02"
    indicator = body["goals"][0]["goals"][0]["actions"][0]["indicators"][0]
    # the coopborrel of 16 September had not happened yet on 2 July
    assert {k: indicator[k] for k in ("id", "text", "target", "unit", "actual", "percent",
                                      "expected_by_now", "status")} == {
        "id": came.id, "text": "50 deelnemers", "target": 50, "unit": "", "actual": 0,
        "percent": 0, "expected_by_now": 25.1, "status": "behind"}  # 50 x 183/365
    assert indicator["measure"]["kind"] == "attendances"
    assert indicator["measure"]["scope"] == {"kinds": ["coopborrel"]}
    later = client.get(f"/api/v1/plans/{plan.id}/report?at=2021-12-31", headers=headers)
    assert later.get_json()["goals"][0]["goals"][0]["actions"][0]["indicators"][0]["actual"] == 2


def test_records_are_paginated_and_add_up_to_the_figure(ctx, client):
    plan, came = _world()
    headers = _token("coordinator")
    first = client.get(f"/api/v1/indicators/{came.id}/records?at=2021-12-31&per_page=1",
                       headers=headers).get_json()
    second = client.get(f"/api/v1/indicators/{came.id}/records?at=2021-12-31&per_page=1&page=2",
                        headers=headers).get_json()
    assert (first["total"], first["pages"]) == (2, 2)
    people = {first["records"][0]["person"].split()[0], second["records"][0]["person"].split()[0]}
    assert people == {"P0", "P1"}
    assert first["records"][0]["organization"] == "Zonnecoop"


def test_plan_api_refuses_staff_and_bad_input(ctx, client):
    plan, came = _world()
    assert client.get("/api/v1/plans").status_code == 401
    assert client.get("/api/v1/plans", headers=_token("staff")).status_code == 403
    headers = _token("coordinator")
    bad = client.get(f"/api/v1/plans/{plan.id}/report?at=gisteren", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid"
    assert client.get("/api/v1/plans/999/report", headers=headers).status_code == 404
    page = client.get(f"/api/v1/indicators/{came.id}/records?per_page=0", headers=headers)
    assert page.status_code == 422


def test_events_created_through_the_api_take_action_ids(ctx, client):
    plan, came = _world()
    action_id = came.action_id
    staff = _token("staff")
    body = {"title": "Coopborrel Antwerpen", "kind": "coopborrel", "city": "Antwerpen",
            "starts_at": "2021-10-14T18:00:00+02:00", "ends_at": "2021-10-14T21:00:00+02:00",
            "action_ids": [action_id]}
    created = client.post("/api/v1/events", json=body, headers=staff)
    assert created.status_code == 201
    event = created.get_json()
    assert event["action_ids"] == [action_id]
    assert client.get(f"/api/v1/events/{event['id']}").get_json()["action_ids"] == [action_id]
    # one person comes to the new coopborrel: the linked indicator counts 2 + 1
    from coopnet.events.models import Event

    antwerpen = db.session.get(Event, event["id"])
    make_registration(antwerpen, make_person("Els"), checked_in_at=antwerpen.starts_at)
    db.session.commit()
    coordinator = _token("coordinator")
    report = client.get(f"/api/v1/plans/{plan.id}/report?at=2021-12-31",
                        headers=coordinator).get_json()
    assert report["goals"][0]["goals"][0]["actions"][0]["indicators"][0]["actual"] == 3
    # unlinking takes it out again; other fields stay as they were
    patched = client.patch(f"/api/v1/events/{event['id']}", json={"action_ids": []}, headers=staff)
    assert patched.status_code == 200
    assert (patched.get_json()["action_ids"], patched.get_json()["city"]) == ([], "Antwerpen")
    report = client.get(f"/api/v1/plans/{plan.id}/report?at=2021-12-31",
                        headers=coordinator).get_json()
    assert report["goals"][0]["goals"][0]["actions"][0]["indicators"][0]["actual"] == 2


def test_unknown_or_malformed_action_ids_store_nothing(ctx, client):
    _world()
    staff = _token("staff")
    body = {"title": "Webinar", "kind": "webinar",
            "starts_at": "2021-10-14T18:00:00+02:00", "ends_at": "2021-10-14T19:00:00+02:00"}
    for action_ids, expected in ((["x"], "lijst van id"), ([999999], "Onbekende")):
        answer = client.post("/api/v1/events", json={**body, "action_ids": action_ids},
                             headers=staff)
        assert answer.status_code == 422
        assert expected in str(answer.get_json())
    listing = client.get("/api/v1/events?from=2021-01-01", headers=staff).get_json()["events"]
    assert [event["title"] for event in listing] == ["Coopborrel Gent"]
