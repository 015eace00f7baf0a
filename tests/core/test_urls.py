"""Ids in URLs and methods a URL does not take: clear 404s and 405s, never a database error."""

from __future__ import annotations

import pytest

from tests.factories import make_event


@pytest.mark.parametrize("path", [
    "/events/99999999999999999999999",       # beyond 64 bits
    "/events/9223372036854775807",           # 2**63-1
    "/events/2147483648",                    # 2**31: one past the largest id (32-bit column)
    "/staff/members/2147483648",
    "/events/0",
    "/api/v1/events/99999999999999999999999",
    "/r/x/cancel",
])
def test_an_id_no_row_can_have_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_the_largest_possible_id_is_looked_up(client):
    # 2**31-1 reaches the database, which has no such event
    assert client.get("/events/2147483647").status_code == 404


def test_an_existing_event_is_found(client, ctx):
    event = make_event(title="Coopborrel Gent")
    from coopnet.extensions import db

    db.session.commit()
    assert client.get(f"/events/{event.id}").status_code == 200


def test_a_method_the_url_does_not_take_says_which_it_does(client):
    page = client.put("/events/1")
    assert page.status_code == 405
    assert set(page.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    api = client.delete("/api/v1/events")
    assert api.status_code == 405
    assert "GET" in api.headers["Allow"]
    assert api.get_json()["error"]["code"] == "method_not_allowed"
