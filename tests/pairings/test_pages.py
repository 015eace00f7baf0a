"""Micro-meeting pages: a member's opt-in, the coordinator's proposal, held and cancelled."""

import re
from datetime import timedelta

import sqlalchemy as sa

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.members.models import Organization
from coopnet.pairings.models import MeetingProfile, Pairing
from coopnet.timezones import brussels_today
from tests.conftest import PASSWORD
from tests.factories import (
    make_member_user,
    make_organization,
    make_pairing,
    make_person,
    make_profile,
)

SCRIPT = '<script>alert("x")</script>'


def _org(name, province="Antwerpen"):
    org = make_organization(name, province=province)
    make_person("Contact", email=f"{name.lower().replace(' ', '')}@coop.test", organization=org)
    return org


def test_member_opts_in_on_their_page(app, client):
    with app.app_context():
        org = make_organization("Zonnekracht")
        user = make_member_user(org, password=PASSWORD)
        email, org_id = user.email, org.id
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    page = client.get("/me/micro-meetings").get_data(as_text=True)
    assert "Financiën en kapitaal ophalen" in page and "Micro-ontmoetingen" in page
    response = client.post("/me/micro-meetings", data={
        "active": "y", "offers": ["finance", "energy"], "needs": ["hr"], "need_text": SCRIPT})
    assert response.status_code == 302
    with app.app_context():
        profile = db.session.execute(sa.select(MeetingProfile)).scalar_one()
        assert (profile.organization_id, profile.offers, profile.needs) == (
            org_id, ["energy", "finance"], ["hr"])
    html = client.get("/me/micro-meetings").get_data(as_text=True)
    checked = set(re.findall(r'<input checked class="form-check-input" id="(\w+)-\d+" name="\w+" '
                             r'type="checkbox" value="(\w+)"', html))
    assert checked == {("offers", "finance"), ("offers", "energy"), ("needs", "hr")}
    assert SCRIPT not in html


def test_empty_opt_in_is_refused_beside_the_field(app, client):
    with app.app_context():
        user = make_member_user(make_organization(), password=PASSWORD)
        email = user.email
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    response = client.post("/me/micro-meetings", data={"active": "y"})
    assert response.status_code == 200
    assert "Kies minstens één thema dat je aanbiedt of zoekt." in response.get_data(as_text=True)


def test_proposal_shows_reasons_and_accepting_plans_the_meeting(app, client, login):
    with app.app_context():
        a, b = _org("Zonnekracht"), _org("Voedselgilde", province="Limburg")
        far = _org("Kustcoop", province="West-Vlaanderen")
        make_profile(a, offers=("finance",))
        make_profile(b, needs=("finance",))
        make_profile(far, needs=("finance",))
        ids = f"{min(a.id, b.id)},{max(a.id, b.id)}"
    login(client, "coordinator")
    html = client.get("/staff/pairings/proposal").get_data(as_text=True)
    assert "Voedselgilde zoekt hulp bij Financiën en kapitaal ophalen; Zonnekracht biedt dat aan." in html
    assert "liggen in aangrenzende provincies" in html
    assert "Deze ronde geen match" in html and "Kustcoop" in html
    day = brussels_today(utcnow()) + timedelta(days=14)
    response = client.post("/staff/pairings/accept",
                           data={"members": ids, "day": day.isoformat(), "at": "10:00"})
    assert response.status_code == 302
    with app.app_context():
        pairing = db.session.execute(sa.select(Pairing)).scalar_one()
        assert pairing.status == "accepted" and pairing.event.kind.slug == "micro-ontmoeting"
    listing = client.get("/staff/pairings").get_data(as_text=True)
    assert "Micro-ontmoeting" in listing or "Zonnekracht" in listing
    # accepted members are no longer proposed; a second accept is refused with a message
    again = client.post("/staff/pairings/accept",
                        data={"members": ids, "day": day.isoformat(), "at": "10:00"},
                        follow_redirects=True)
    assert "Sommige van deze coöperaties werden al eerder gekoppeld." in again.get_data(as_text=True)


def test_staff_mark_held_and_cancel(app, client, login):
    with app.app_context():
        held = make_pairing(_org("A"), _org("B")).id
        cancelled = make_pairing(_org("C"), _org("D")).id
    login(client, "staff")
    yesterday = (brussels_today(utcnow()) - timedelta(days=1)).isoformat()
    assert client.post(f"/staff/pairings/{held}/held", data={"held_on": yesterday}).status_code == 302
    assert client.post(f"/staff/pairings/{cancelled}/cancel").status_code == 302
    future = client.post(f"/staff/pairings/{held}/held",
                         data={"held_on": (brussels_today(utcnow()) + timedelta(days=5)).isoformat()},
                         follow_redirects=True).get_data(as_text=True)
    assert "De ontmoeting kan niet in de toekomst plaatsgevonden hebben." in future
    with app.app_context():
        assert db.session.get(Pairing, held).status == "held"
        assert db.session.get(Pairing, cancelled).status == "cancelled"


def test_who_may_see_what(app, client, login):
    login(client, "staff")
    assert client.get("/staff/pairings").status_code == 200
    assert client.get("/staff/pairings/profiles").status_code == 200
    assert client.get("/staff/pairings/proposal").status_code == 403
    assert client.post("/staff/pairings/accept", data={}).status_code == 403
    member = app.test_client()
    login(member, "member")
    assert member.get("/staff/pairings").status_code == 403


def test_staff_set_an_opt_in_for_a_coop_and_free_text_is_escaped(app, client, login):
    with app.app_context():
        org_id = _org("Woonkracht").id
    login(client, "staff")
    response = client.post(f"/staff/pairings/profiles/{org_id}", data={
        "active": "y", "needs": ["legal"], "offer_text": SCRIPT})
    assert response.status_code == 302
    html = client.get("/staff/pairings/profiles").get_data(as_text=True)
    assert "Woonkracht" in html and "Juridische vragen" in html
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_proposal_page_query_count_does_not_grow_with_members(app, client, login, count_queries):
    with app.app_context():
        for n in range(30):
            org = _org(f"Coop {n}", province=("Antwerpen", "Limburg", "Oost-Vlaanderen")[n % 3])
            make_profile(org, offers=(("finance", "hr", "legal")[n % 3],),
                         needs=(("hr", "legal", "finance")[n % 3],))
        assert db.session.execute(sa.select(sa.func.count(Organization.id))).scalar_one() == 30
    login(client, "coordinator")
    with count_queries() as q:
        html = client.get("/staff/pairings/proposal").get_data(as_text=True)
    assert "Aanvaarden" in html
    assert q.count <= 6, q.statements


def test_cancelling_asks_for_confirmation_first(app, client, login):
    with app.app_context():
        pairing_id = make_pairing(_org("C"), _org("D")).id
    login(client, "staff")
    listing = client.get("/staff/pairings").get_data(as_text=True)
    # the list only links to the confirmation page; it has no one-click cancel form
    assert f'href="/staff/pairings/{pairing_id}/cancel"' in listing
    assert f'action="/staff/pairings/{pairing_id}/cancel"' not in listing
    page = client.get(f"/staff/pairings/{pairing_id}/cancel")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Deze micro-ontmoeting annuleren?" in text
    assert f'<form method="post" action="/staff/pairings/{pairing_id}/cancel"' in text
    with app.app_context():
        assert db.session.get(Pairing, pairing_id).status == "accepted"  # looking changes nothing
    assert client.post(f"/staff/pairings/{pairing_id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(Pairing, pairing_id).status == "cancelled"
    # once cancelled, the confirmation page sends you back to the list
    assert client.get(f"/staff/pairings/{pairing_id}/cancel").status_code == 302
