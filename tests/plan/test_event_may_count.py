"""One rule for linking an event to a plan action, whichever way it is linked.

An event counts for an action only when it is not cancelled and its Brussels start day lies
in the action's plan period: the event form, the API, the action page and the dashboard's
bulk link all refuse the same events.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from coopnet.auth.tokens import create_api_token
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.plan import services
from coopnet.plan.queries import linked_action_ids
from coopnet.timezones import brussels
from tests.factories import make_event, make_plan, make_user


@pytest.fixture
def world(ctx):
    plan, action = make_plan()  # 1 January – 31 December 2021
    inside = make_event("Borrel mei 2021", kind_slug="coopborrel",
                        starts_at=brussels(date(2021, 5, 12), time(18)))
    after = make_event("Borrel 2027", kind_slug="coopborrel",
                       starts_at=brussels(date(2027, 5, 12), time(18)))
    # 1 January 2022 00:30 in Brussels is 31 December 2021 in UTC: outside a 2021 plan
    new_year = make_event("Nieuwjaarsborrel", kind_slug="coopborrel",
                          starts_at=brussels(date(2022, 1, 1), time(0, 30)))
    cancelled = make_event("Afgelaste borrel", kind_slug="coopborrel", status="cancelled",
                           starts_at=brussels(date(2021, 6, 1), time(18)))
    token = create_api_token(make_user("staff"))
    db.session.commit()
    return {"action": action, "inside": inside, "after": after, "new_year": new_year,
            "cancelled": cancelled, "token": token}


def test_the_api_refuses_an_event_outside_the_plan_period(world, client):
    answer = client.patch(f"/api/v1/events/{world['after'].id}",
                          json={"action_ids": [world["action"].id]},
                          headers={"Authorization": f"Bearer {world['token']}"})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "event_outside_plan_period"
    assert error["fields"]["action_ids"] == "„Borrel 2027” valt niet in de periode van het plan."
    assert linked_action_ids(world["after"]) == []


def test_the_api_links_an_event_inside_the_period(world, client):
    answer = client.patch(f"/api/v1/events/{world['inside'].id}",
                          json={"action_ids": [world["action"].id]},
                          headers={"Authorization": f"Bearer {world['token']}"})
    assert answer.status_code == 200
    assert answer.get_json()["action_ids"] == [world["action"].id]


@pytest.mark.parametrize("name,code", [("after", "event_outside_plan_period"),
                                       ("new_year", "event_outside_plan_period"),
                                       ("cancelled", "event_cancelled")])
def test_every_way_of_linking_refuses_the_same_events(world, name, code):
    event, action = world[name], world["action"]
    with pytest.raises(DomainError) as single:
        services.link_event(action, event, actor=None)
    with pytest.raises(DomainError) as bulk:
        services.link_events_to_action([event], action, actor=None)
    with pytest.raises(DomainError) as form:
        services.set_event_actions(event, [action.id], actor=None)
    assert single.value.code == bulk.value.code == form.value.code == code
    db.session.rollback()
    assert linked_action_ids(event) == []
