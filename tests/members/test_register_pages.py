"""Pages of the member register and the contact log, as staff use them."""

from datetime import date

import sqlalchemy as sa

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.members.models import MemberContact, Organization
from coopnet.timezones import brussels_today
from tests.factories import make_contact, make_organization, make_person


def test_register_is_for_staff_only(client, login):
    assert client.get("/staff/members/").status_code == 302
    login(client, "member")
    assert client.get("/staff/members/").status_code == 403


def test_list_search_and_filters(client, app, login):
    with app.app_context():
        make_organization("Zonnecoop Hasselt", sector="Energie", province="Limburg",
                          enterprise_number="0403123486")
        make_organization("Broodcoop", sector="Voeding", member_since=date(2015, 1, 1),
                          member_until=date(2020, 1, 1))
    login(client)
    html = client.get("/staff/members/").get_data(as_text=True)
    assert "Zonnecoop Hasselt" in html and "Broodcoop" in html
    assert "0403.123.486" in html
    assert "Leden vandaag: 1" in html
    html = client.get("/staff/members/?status=former").get_data(as_text=True)
    assert "Broodcoop" in html and "Zonnecoop Hasselt" not in html
    html = client.get("/staff/members/?q=0403123&sector=Energie").get_data(as_text=True)
    assert "Zonnecoop Hasselt" in html and "Broodcoop" not in html


def test_list_page_query_count_does_not_grow_with_organisations(client, app, login,
                                                                count_queries):
    login(client)
    with app.app_context():
        for n in range(3):
            org = make_organization(f"Coop {n}", sector="Wonen", province="Antwerpen")
            make_contact(org, contacted_on=date(2021, 1, n + 1))
    with count_queries() as few:
        assert client.get("/staff/members/").status_code == 200
    with app.app_context():
        for n in range(30):
            org = make_organization(f"Meer {n}", sector=f"Sector {n}")
            make_contact(org)
    with count_queries() as many:
        html = client.get("/staff/members/").get_data(as_text=True)
    assert "Meer 29" in html
    assert many.count == few.count
    assert many.count <= 8


def test_create_with_errors_beside_fields_keeps_input(client, app, login):
    login(client)
    response = client.post("/staff/members/new", data={
        "name": "De Fietskoerier", "enterprise_number": "0403.123.487", "city": "Gent",
        "website": "javascript:alert(1)"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dit is geen geldig ondernemingsnummer" in html
    assert 'value="De Fietskoerier"' in html and 'value="0403.123.487"' in html
    assert "is-invalid" in html
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Organization.id))).scalar_one() == 0


def test_create_then_detail(client, app, login):
    login(client)
    response = client.post("/staff/members/new", data={
        "name": "De Fietskoerier", "enterprise_number": "BE 0403 123 486", "city": "Gent",
        "province": "Oost-Vlaanderen", "member_since": "2021-03-01"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "De Fietskoerier" in html and "0403.123.486" in html
    assert "vanaf 1 mrt 2021" in html


def test_edit_and_contact_person(client, app, login):
    with app.app_context():
        org_id = make_organization("Zonnecoop").id
    login(client)
    form = client.get(f"/staff/members/{org_id}/edit").get_data(as_text=True)
    assert 'value="Zonnecoop"' in form
    assert client.post(f"/staff/members/{org_id}/edit", data={
        "name": "Zonnecoop cv", "website": "zonnecoop.be"}).status_code == 302
    assert client.post(f"/staff/members/{org_id}/people/new", data={
        "first_name": "An", "last_name": "Peeters", "email": "an@zonnecoop.test",
        "role": "directeur"}).status_code == 302
    html = client.get(f"/staff/members/{org_id}").get_data(as_text=True)
    assert "Zonnecoop cv" in html and 'href="https://zonnecoop.be"' in html
    assert "An Peeters" in html and "directeur" in html


def test_log_contact_from_the_organisation_page(client, app, login):
    with app.app_context():
        org = make_organization("Zonnecoop")
        person = make_person("An", "Peeters", organization=org)
        org_id, person_id = org.id, person.id
    user_id = login(client)
    today = brussels_today(utcnow())
    response = client.post(f"/staff/members/{org_id}/contacts", data={
        "kind": "intro", "contacted_on": today.isoformat(), "person_id": str(person_id),
        "notes": "Kennismaking", "follow_up_on": ""})
    assert response.status_code == 302
    html = client.get(f"/staff/members/{org_id}").get_data(as_text=True)
    assert "introductiegesprek" in html and "met An Peeters" in html
    with app.app_context():
        contact = db.session.execute(sa.select(MemberContact)).scalar_one()
        assert (contact.staff_user_id, contact.person_id) == (user_id, person_id)


def test_contact_in_the_future_is_an_error_beside_the_date(client, app, login):
    with app.app_context():
        org_id = make_organization("Zonnecoop").id
    login(client)
    response = client.post(f"/staff/members/{org_id}/contacts", data={
        "kind": "visit", "contacted_on": "2999-01-01", "person_id": "0", "notes": "Bezoek"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Een contact kan niet in de toekomst liggen." in html
    assert "Bezoek</textarea>" in html


def test_contacts_overview_and_follow_up_done(client, app, login):
    today = brussels_today(utcnow())
    with app.app_context():
        fresh = make_organization("Nieuwe coop", member_since=date(today.year, 1, 1))
        make_organization("Stille coop", member_since=date(2015, 1, 1))
        contact = make_contact(fresh, kind="phone", contacted_on=date(today.year, 1, 1),
                               follow_up_on=date(today.year, 1, 1))
        contact_id = contact.id
    login(client)
    html = client.get("/staff/members/contacts").get_data(as_text=True)
    assert "Stille coop" in html  # not contacted this year
    assert html.count("Nieuwe coop") == 2  # new without intro, and follow-up due
    response = client.post(f"/staff/members/contacts/{contact_id}/follow-up-done",
                           data={"next": "overview"})
    assert response.headers["Location"] == "/staff/members/contacts"
    html = client.get("/staff/members/contacts").get_data(as_text=True)
    assert "Niets te doen." in html
    html = client.get("/staff/members/contacts?start=garbage").get_data(as_text=True)
    assert "Stille coop" in html
