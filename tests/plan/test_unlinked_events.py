"""Events held in the plan period that nobody linked: listed on the dashboard, linked in bulk."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from markupsafe import escape

from coopnet.audit.models import AuditEntry
from coopnet.errors import DomainError
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.plan import services
from coopnet.plan.models import Action, Indicator, Plan
from coopnet.plan.queries import compute_figures, unlinked_events
from coopnet.timezones import brussels
from tests.factories import (
    link_events,
    make_event,
    make_indicator,
    make_plan,
    make_registration,
    make_user,
)

AT = date(2021, 12, 31)


def _world() -> dict[str, int]:
    """A plan Jan–Dec 2021, "3 coopborrels" on action A, and six events (see each comment)."""
    plan, action = make_plan()
    indicator = make_indicator(action, "events_held", target=3, text="3 coopborrels",
                               params={"kinds": ["coopborrel"]})
    linked = make_event("Borrel maart", kind_slug="coopborrel",  # linked: counts, not listed
                        starts_at=brussels(date(2021, 3, 10), time(18)), city="Gent")
    link_events(action, linked)
    may = make_event("Borrel mei", kind_slug="coopborrel",  # unlinked: listed
                     starts_at=brussels(date(2021, 5, 12), time(18)), city="Antwerpen")
    make_event("Webinar juni", kind_slug="webinar",  # no indicator counts webinars: not listed
               starts_at=brussels(date(2021, 6, 1), time(19)))
    make_event("Afgelaste borrel", kind_slug="coopborrel", status="cancelled",  # not listed
               starts_at=brussels(date(2021, 7, 1), time(18)))
    make_event("Borrel 2022", kind_slug="coopborrel",  # outside the period: not listed
               starts_at=brussels(date(2022, 1, 5), time(18)))
    # 23:30 UTC on 31 December 2020 is 00:30 on 1 January 2021 in Brussels: in the period
    midnight = make_event("Nieuwjaarsborrel", kind_slug="coopborrel",
                          starts_at=datetime(2020, 12, 31, 23, 30, tzinfo=UTC))
    return {"plan": plan.id, "action": action.id, "indicator": indicator.id, "may": may.id,
            "midnight": midnight.id, "linked": linked.id}


def _figure(ids: dict[str, int]) -> float | None:
    plan = db.session.get(Plan, ids["plan"])
    indicator = db.session.get(Indicator, ids["indicator"])
    return compute_figures(plan, [indicator], AT)[indicator.id].actual


def test_lists_held_unlinked_events_of_a_counted_kind(ctx):
    ids = _world()
    found = unlinked_events(db.session.get(Plan, ids["plan"]), AT)
    assert found.total == 2
    assert [item.event.title for item in found.items] == ["Nieuwjaarsborrel", "Borrel mei"]
    assert [i.text for i in found.items[0].indicators] == ["3 coopborrels"]
    assert [a.id for a in found.items[0].actions] == [ids["action"]]



def test_an_indicator_of_every_kind_lists_every_unlinked_event_earliest_first(ctx):
    plan, action = make_plan()
    make_indicator(action, "events_held", target=10, text="10 activiteiten", params={})
    make_indicator(action, "events_held", target=3, text="3 borrels in Gent",
                   params={"cities": ["Gent"]})
    # created latest first: the list follows the start, not the order of entry
    make_event("Webinar november", kind_slug="webinar",
               starts_at=brussels(date(2021, 11, 3), time(19)))
    make_event("Borrel september", kind_slug="coopborrel",
               starts_at=brussels(date(2021, 9, 16), time(18)), city="Gent")
    make_event("Lezing februari", kind_slug="lezing",
               starts_at=brussels(date(2021, 2, 2), time(20)), city="Brugge")
    found = unlinked_events(plan, AT)
    assert found.total == 3
    assert [(item.event.title, [i.text for i in item.indicators]) for item in found.items] == [
        ("Lezing februari", ["10 activiteiten"]),
        ("Borrel september", ["10 activiteiten", "3 borrels in Gent"]),
        ("Webinar november", ["10 activiteiten"]),
    ]


def test_only_confirmed_event_counts_make_an_event_count_for_nothing(ctx):
    # "Webinar juni" fits a proposed webinar count and a confirmed count entered by hand
    # (kinds given, but it counts no events): neither counts webinars, so it is not listed
    ids = _world()
    action = db.session.get(Action, ids["action"])
    make_indicator(action, "events_held", target=2, text="2 webinars (voorstel)",
                   status="proposed", params={"kinds": ["webinar"]})
    make_indicator(action, "manual", target=2, text="2 webinars (met de hand)",
                   params={"kinds": ["webinar"]})
    found = unlinked_events(db.session.get(Plan, ids["plan"]), AT)
    assert [item.event.title for item in found.items] == ["Nieuwjaarsborrel", "Borrel mei"]
    assert found.total == 2


def test_an_event_not_ended_by_the_report_date_is_not_listed_yet(ctx):
    ids = _world()
    found = unlinked_events(db.session.get(Plan, ids["plan"]), date(2021, 4, 1))
    assert [item.event.title for item in found.items] == ["Nieuwjaarsborrel"]


def test_the_list_is_capped_with_the_total(ctx):
    ids = _world()
    found = unlinked_events(db.session.get(Plan, ids["plan"]), AT, limit=1)
    assert (len(found.items), found.total) == (1, 2)
    # a list exactly full, and one with room to spare: both know there are two
    for limit in (2, 3):
        found = unlinked_events(db.session.get(Plan, ids["plan"]), AT, limit=limit)
        assert (len(found.items), found.total) == (2, 2)


def test_bulk_link_counts_the_events_and_is_idempotent(ctx):
    ids = _world()
    action = db.session.get(Action, ids["action"])
    events = [db.session.get(Event, ids["may"]), db.session.get(Event, ids["midnight"])]
    assert _figure(ids) == 1
    assert services.link_events_to_action(events, action, actor=None) == 2
    db.session.commit()
    assert _figure(ids) == 3
    assert unlinked_events(db.session.get(Plan, ids["plan"]), AT).total == 0
    # again, with an already linked one: nothing new, no new audit entries
    audits = db.session.execute(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "event.action_linked")).scalar_one()
    assert audits == 2
    again = [*events, db.session.get(Event, ids["linked"])]
    assert services.link_events_to_action(again, action, actor=None) == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "event.action_linked")).scalar_one() == 2
    assert _figure(ids) == 3


@pytest.mark.parametrize(("title", "code"), [("Afgelaste borrel", "event_cancelled"),
                                             ("Borrel 2022", "event_outside_plan_period")])
def test_bulk_link_refuses_the_whole_batch(ctx, title, code):
    ids = _world()
    action = db.session.get(Action, ids["action"])
    bad = db.session.execute(sa.select(Event).where(Event.title == title)).scalar_one()
    with pytest.raises(DomainError) as error:
        services.link_events_to_action([db.session.get(Event, ids["may"]), bad], action,
                                       actor=None)
    assert error.value.code == code
    assert _figure(ids) == 1


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no csrf token"
    return match.group(1)


def _sign_in_with_csrf(client) -> None:
    token = _csrf(client.get("/auth/login").get_data(as_text=True))
    with client.application.app_context():
        make_user("coordinator", email="coord@coopnet.test", password="coord-password-123")
    assert client.post("/auth/login", data={"email": "coord@coopnet.test",
                                            "password": "coord-password-123",
                                            "csrf_token": token}).status_code == 302


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_coordinator_sees_the_list_and_links_two_in_one_post(app, client, app_config):
    with app.app_context():
        ids = _world()
    _sign_in_with_csrf(client)
    url = f"/plan/{ids['plan']}?at=2021-12-31"
    page = client.get(url).get_data(as_text=True)
    assert "Activiteiten die nog nergens meetellen (2)" in page
    assert "Borrel mei" in page and "Nieuwjaarsborrel" in page
    with app.app_context():
        action_title = db.session.get(Action, ids["action"]).title
    # each listed event names what it would serve, its action beside it
    assert page.count(f"3 coopborrels ({escape(action_title)})") == 2
    for title in ("Borrel maart", "Webinar juni", "Afgelaste borrel", "Borrel 2022"):
        assert title not in page
    assert f'/plan/indicators/{ids["indicator"]}?at=2021-12-31">1</a> / 3' in page
    link = f"/plan/{ids['plan']}/unlinked-events/link?at=2021-12-31"
    form = {"unlinked-event_ids": [ids["may"], ids["midnight"]],
            "unlinked-action_id": ids["action"]}
    client.post(link, data=form)  # without the token: refused, nothing linked
    assert "Borrel mei" in client.get(url).get_data(as_text=True)
    response = client.post(link, data={**form, "csrf_token": _csrf(page)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert f'/plan/indicators/{ids["indicator"]}?at=2021-12-31">3</a> / 3' in page
    assert "Borrel mei" not in page and "Nieuwjaarsborrel" not in page


@pytest.mark.parametrize("role", ["staff", "member"])
def test_only_the_coordinator_may_link(app, client, login, role):
    with app.app_context():
        ids = _world()
    login(client, role)
    response = client.post(f"/plan/{ids['plan']}/unlinked-events/link",
                           data={"unlinked-event_ids": [ids["may"]],
                                 "unlinked-action_id": ids["action"]})
    assert response.status_code == 403
    assert client.get(f"/plan/{ids['plan']}").status_code == 403


def test_the_no_attendance_warning_still_shows(app, client, login):
    with app.app_context():
        ids = _world()
        make_registration(db.session.get(Event, ids["linked"]))
    login(client, "coordinator")
    page = client.get(f"/plan/{ids['plan']}?at=2021-12-31").get_data(as_text=True)
    assert "zonder geregistreerde aanwezigheid" in page
    assert "Borrel maart (" in page


def test_query_count_does_not_grow_with_unlinked_events(app, client, login, count_queries):
    with app.app_context():
        ids = _world()
    login(client, "coordinator")
    url = f"/plan/{ids['plan']}?at=2021-12-31"
    client.get(url)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    with app.app_context():
        for n in range(30):
            make_event(f"Extra borrel {n}", kind_slug="coopborrel",
                       starts_at=brussels(date(2021, 8, 1 + n % 28), time(18)))
    with count_queries() as big:
        page = client.get(url)
    assert page.status_code == 200
    assert "Extra borrel 29" in page.get_data(as_text=True)
    assert big.count == small.count


def test_what_an_event_would_serve_is_shown_as_text_not_markup(app, client, login):
    with app.app_context():
        ids = _world()
        indicator = db.session.get(Indicator, ids["indicator"])
        indicator.text = '<b onmouseover="x()">3</b> & borrels'
        db.session.get(Action, ids["action"]).title = "Ontmoeting <i>regio</i>"
        db.session.commit()
    login(client, "coordinator")
    page = client.get(f"/plan/{ids['plan']}?at=2021-12-31").get_data(as_text=True)
    assert ("&lt;b onmouseover=&#34;x()&#34;&gt;3&lt;/b&gt; &amp; borrels "
            "(Ontmoeting &lt;i&gt;regio&lt;/i&gt;)") in page
    assert "<b onmouseover" not in page and "<i>regio</i>" not in page
