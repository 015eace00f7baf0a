"""Privacy in reach: staff find a person by name or e-mail, reach export and erase from the
person page, and an erased person is listed nowhere (they only count, anonymously)."""

from datetime import UTC, datetime

from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.privacy.services import erase_person
from coopnet.registrations.queries import event_registrations, status_counts
from tests.factories import make_event, make_organization, make_person, make_registration

NOW = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)


def _people(app):
    with app.app_context():
        coop = make_organization("Energiecoöperatie Zuidwind")
        els = make_person("Els", "Wouters", email="els@example.test", organization=coop)
        jan = make_person("Jan", "Wouters", email="jan@zuidwind.test", organization=coop)
        event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=10)
        make_registration(event, els)
        make_registration(event, jan)
        return {"els": els.id, "jan": jan.id, "coop": coop.id, "event": event.id}


def test_staff_find_a_person_by_name_or_e_mail_and_reach_export_and_erase(client, app, login):
    ids = _people(app)
    login(client, "staff")
    by_name = client.get("/staff/members/people?q=els wouters").get_data(as_text=True)
    assert f'href="/staff/members/people/{ids["els"]}"' in by_name
    assert f'href="/staff/members/people/{ids["jan"]}"' not in by_name
    by_mail = client.get("/staff/members/people?q=ZUIDWIND.test").get_data(as_text=True)
    assert f'href="/staff/members/people/{ids["jan"]}"' in by_mail
    assert "1 persoon gevonden" in by_mail
    page = client.get(f"/staff/members/people/{ids['els']}").get_data(as_text=True)
    assert f'href="/staff/people/{ids["els"]}/export.json">Hun gegevens downloaden (JSON)</a>' \
        in page
    assert f'href="/staff/people/{ids["els"]}/erase">Hun persoonsgegevens wissen…</a>' in page


def test_an_erased_person_vanishes_from_search_contacts_door_and_registration_lists(
        client, app, login):
    ids = _people(app)
    with app.app_context():
        erase_person(db.session.get(Person, ids["els"]), actor=None, now=NOW)
        db.session.commit()
        assert db.session.get(Person, ids["els"]).erased_at == NOW
        names = [r.person.full_name for r in event_registrations(ids["event"])]
        assert names == ["Jan Wouters"]
        # the figures keep counting them
        assert status_counts(ids["event"])["confirmed"] == 2
    login(client, "staff")
    gone = f"Verwijderd #{ids['els']}"
    pages = {
        "search": "/staff/members/people?q=verwijderd",
        "co-op": f"/staff/members/{ids['coop']}",
        "door": f"/staff/events/{ids['event']}/checkin",
        "door list": f"/staff/events/{ids['event']}/checkin/list",
        "attendance": f"/staff/events/{ids['event']}/attendance",
        "registrations": f"/staff/events/{ids['event']}/registrations",
        "export": f"/staff/events/{ids['event']}/registrations.csv",
    }
    for what, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, what
        assert gone not in response.get_data(as_text=True), what
    door_list = client.get(pages["door list"]).get_data(as_text=True)
    assert "Jan Wouters" in door_list and "Els" not in door_list
    door = client.get(pages["door"]).get_data(as_text=True)
    assert 'data-count="registered">2<' in door  # still counted
    person_page = client.get(f"/staff/members/people/{ids['els']}").get_data(as_text=True)
    assert "De gegevens van deze persoon zijn gewist op" in person_page
    assert "/erase" not in person_page


def test_erasing_from_the_page_returns_to_the_people_search(client, app, login):
    ids = _people(app)
    login(client, "staff")
    done = client.post(f"/staff/people/{ids['els']}/erase", data={"confirm": "y"})
    assert done.headers["Location"] == "/staff/members/people"
