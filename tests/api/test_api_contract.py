"""The API's contract, by hand: dates in 2000-2100, RFC 3339 answers, 404 for huge ids,
Allow on a 405, and a document that lists the statuses the server really answers."""

import re

import pytest

from coopnet.auth.tokens import create_api_token
from coopnet.extensions import db
from tests.factories import make_event, make_user

# RFC 3339 date-time with seconds and an offset (Z or ±hh:mm)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture
def token(app):
    with app.app_context():
        value = create_api_token(make_user("coordinator"))
        db.session.commit()
    return value


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _new_event(**changes):
    return {"title": "Coopborrel", "kind": "webinar", "starts_at": "2026-12-01T19:00:00+01:00",
            "ends_at": "2026-12-01T21:00:00+01:00", **changes}


@pytest.mark.parametrize("field, value", [
    ("starts_at", "1999-12-31T19:00:00+01:00"),
    ("ends_at", "2101-01-01T21:00:00+01:00"),
    ("registration_opens_at", "1999-06-01T09:00:00Z"),
])
def test_a_date_before_2000_or_after_2100_is_refused_with_the_field_named(
        client, token, field, value):
    response = client.post("/api/v1/events", json=_new_event(**{field: value}),
                           headers=_auth(token))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        field: "Gebruik een datum van 2000 tot 2100."}


def test_the_first_and_last_years_are_accepted(client, token):
    response = client.post("/api/v1/events", json=_new_event(
        starts_at="2000-01-01T00:00:00+01:00", ends_at="2100-12-31T23:59:59-05:00"),
        headers=_auth(token))
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("query, field", [
    ("/api/v1/events?from=1999-12-31", "from"),
    ("/api/v1/events?to=2101-01-01T00:00:00Z", "to"),
])
def test_a_list_bound_outside_2000_to_2100_is_refused(client, query, field):
    response = client.get(query)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {field: "Gebruik een datum van 2000 tot 2100."}


@pytest.mark.parametrize("value", [
    "2026-12-01T19:00+01:00",      # no seconds
    "2026-12-01T19:00:00",         # no offset
    "2026-12-01 19:00:00+01:00x",  # trailing text
    "2026-02-30T19:00:00Z",        # no such day
])
def test_a_time_that_is_not_rfc3339_is_refused(client, token, value):
    response = client.post("/api/v1/events", json=_new_event(starts_at=value),
                           headers=_auth(token))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"starts_at"}


def test_times_in_answers_are_rfc3339_with_an_offset(client, app):
    with app.app_context():
        event = make_event()
        event_id = event.id
    body = client.get(f"/api/v1/events/{event_id}").get_json()
    # 10 February 2022, 19:00 Brussels (winter time: UTC+1)
    assert body["starts_at"] == "2022-02-10T19:00:00+01:00"
    assert RFC3339.match(body["starts_at"]) and RFC3339.match(body["ends_at"])


def test_a_twenty_digit_id_is_a_json_404(client, token):
    for method, path in [("GET", "/api/v1/events/12345678901234567890"),
                         ("PATCH", "/api/v1/events/12345678901234567890"),
                         ("GET", "/api/v1/events/12345678901234567890/registrations"),
                         ("GET", "/api/v1/events/9223372036854775807/counts"),
                         ("GET", "/api/v1/events/2147483648/counts"),
                         ("PATCH", "/api/v1/events/0")]:
        response = client.open(path, method=method, json={}, headers=_auth(token))
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]["code"] == "not_found"


def test_the_largest_id_is_looked_up(client, token):
    # the id columns are 32-bit INTEGERs on PostgreSQL: 2**31-1 is the largest id a row can have
    response = client.get("/api/v1/events/2147483647/counts", headers=_auth(token))
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "Deze activiteit bestaat niet (meer)."


def test_a_405_names_the_methods_allowed(client):
    response = client.delete("/api/v1/events")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_the_document_lists_401_and_422_where_the_server_answers_them(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    # a dead token is 401 on every operation, public ones included
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], (method, path)
            assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    for method, path in [("post", "/api/v1/events"), ("patch", "/api/v1/events/{event_id}"),
                         ("get", "/api/v1/events"),
                         ("post", "/api/v1/events/{event_id}/registrations"),
                         ("post", "/api/v1/events/{event_id}/checkins"),
                         ("post", "/api/v1/events/{event_id}/walkins"),
                         ("get", "/api/v1/plans/{plan_id}/report"),
                         ("get", "/api/v1/indicators/{indicator_id}/records")]:
        assert "422" in paths[path][method]["responses"], (method, path)
    assert "409" in paths["/api/v1/events/{event_id}"]["patch"]["responses"]
    assert "429" in paths["/api/v1/events/{event_id}/registrations"]["post"]["responses"]


def test_the_document_states_the_limits_the_server_enforces(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    write = schemas["EventWrite"]["properties"]
    assert write["title"]["maxLength"] == 200
    assert write["capacity"]["maximum"] == 100000
    assert write["starts_at"]["format"] == "date-time"
    assert "webinar" in write["kind"]["enum"]
    assert schemas["RegistrationRequest"]["properties"]["email"]["format"] == "email"


def test_a_title_longer_than_documented_is_refused_as_sent(client, token):
    # 201 characters, of which the server would trim 2: still refused (the limit is as sent)
    response = client.post("/api/v1/events", json=_new_event(title=" " + "x" * 199 + " "),
                           headers=_auth(token))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "title": "Gebruik hoogstens 200 tekens."}
