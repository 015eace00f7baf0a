"""Staff manage events in the browser: create in Brussels time, edit, publish, cancel."""

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa

from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from tests.factories import make_event, make_registration

FORM = {"title": "Coopborrel Antwerpen", "kind": "coopborrel", "series": "",
        "starts_at": "2022-03-27T19:30", "ends_at": "2022-03-27T22:00",
        "location": "Café De Coöperatie", "address": "Coöperatiestraat 1, 2000 Antwerpen",
        "city": "Antwerpen", "online_url": "", "capacity": "40", "waitlist_enabled": "y",
        "visibility": "public", "publish": "y", "description": "Een drankje onder coöperanten."}


def _event(app, title):
    with app.app_context():
        return db.session.execute(sa.select(Event).where(Event.title == title)).scalar_one()


def test_staff_create_an_event_in_brussels_time(client, app, login):
    login(client, "staff")
    assert "Nieuwe activiteit" in client.get("/staff/events/new").get_data(as_text=True)
    response = client.post("/staff/events/new", data=FORM)
    assert response.status_code == 302
    event = _event(app, "Coopborrel Antwerpen")
    # 27 March 2022 is the first day of summer time: 19:30 in Brussels is 17:30 UTC
    assert event.starts_at == datetime(2022, 3, 27, 17, 30, tzinfo=UTC)
    assert (event.capacity, event.status, event.city) == (40, "published", "Antwerpen")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "zondag 27 maart 2022, 19:30–22:00" in page


def test_errors_show_beside_the_field_and_keep_what_was_typed(client, login):
    login(client, "staff")
    data = {**FORM, "ends_at": "2022-03-27T18:00", "capacity": "-3",
            "online_url": "ftp://example.test"}
    page = client.post("/staff/events/new", data=data).get_data(as_text=True)
    assert 'value="Coopborrel Antwerpen"' in page
    assert "Vul 0 of meer plaatsen in." in page
    assert "is-invalid" in page
    nonexistent = client.post("/staff/events/new", data={**FORM, "starts_at": "2022-03-27T02:30"})
    assert "Dit tijdstip bestaat niet in Brussel" in nonexistent.get_data(as_text=True)


def test_a_year_outside_2000_to_2100_is_a_field_error_not_a_crash(client, app, login):
    # year 1 at midnight in Brussels lies before the first UTC date Python can hold
    with app.app_context():
        event_id = make_event("Coopborrel Gent").id
    login(client, "staff")
    for url in ("/staff/events/new", f"/staff/events/{event_id}/edit"):
        response = client.post(url, data={**FORM, "starts_at": "0001-01-01T00:00"})
        assert response.status_code == 200, url
        assert "Gebruik een datum van 2000 tot 2100." in response.get_data(as_text=True)


def test_service_level_errors_also_show_beside_the_field(client, app, login):
    login(client, "staff")
    page = client.post("/staff/events/new", data={**FORM, "ends_at": "2022-03-27T18:00"})
    html = page.get_data(as_text=True)
    assert "Het einde moet na het begin komen." in html
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Event.id))).scalar_one() == 0


def test_edit_raises_capacity_and_promotes_the_waiting(client, app, login):
    with app.app_context():
        event = make_event("Rondleiding", kind_slug="rondleiding", capacity=1,
                           starts_at=datetime(2031, 5, 1, 12, 0, tzinfo=UTC))
        make_registration(event)
        waiting = make_registration(event, status="waitlisted")
        event_id, waiting_id = event.id, waiting.id
    login(client, "staff")
    form = client.get(f"/staff/events/{event_id}/edit").get_data(as_text=True)
    assert 'value="2031-05-01T14:00"' in form  # shown in Brussels time
    data = {**FORM, "title": "Rondleiding", "kind": "rondleiding", "capacity": "2",
            "starts_at": "2031-05-01T14:00", "ends_at": "2031-05-01T15:30"}
    assert client.post(f"/staff/events/{event_id}/edit", data=data).status_code == 302
    with app.app_context():
        from coopnet.registrations.models import Registration

        assert db.session.get(Registration, waiting_id).status == "confirmed"


def test_cancel_asks_first_then_tells_the_registrants(client, app, login):
    with app.app_context():
        event = make_event("Webinar GDPR", starts_at=datetime(2031, 5, 1, 12, 0, tzinfo=UTC))
        make_registration(event)
        event_id = event.id
    login(client, "staff")
    confirm = client.get(f"/staff/events/{event_id}/cancel").get_data(as_text=True)
    assert "Ja, annuleer de activiteit" in confirm
    assert client.post(f"/staff/events/{event_id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(Event, event_id).status == "cancelled"
        assert db.session.execute(sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "event_cancelled")).scalar_one() == 1


def test_draft_is_published_from_the_list(client, app, login):
    with app.app_context():
        event_id = make_event("Concept", status="draft").id
    login(client, "staff")
    listing = client.get("/staff/events/").get_data(as_text=True)
    assert "Concept" in listing and "Publiceren" in listing
    client.post(f"/staff/events/{event_id}/publish")
    with app.app_context():
        assert db.session.get(Event, event_id).status == "published"


def test_staff_list_runs_a_fixed_number_of_queries(client, app, login, count_queries):
    login(client, "staff")
    with app.app_context():
        for n in range(3):
            event = make_event(f"E{n}")
            make_registration(event)
    client.get("/staff/events/")
    with count_queries() as few:
        client.get("/staff/events/")
    with app.app_context():
        for n in range(10):
            event = make_event(f"F{n}")
            for _ in range(3):
                make_registration(event)
    with count_queries() as many:
        client.get("/staff/events/")
    assert many.count == few.count
    assert few.count <= 6


def test_members_cannot_manage_events(client, login):
    login(client, "member")
    assert client.get("/staff/events/new").status_code == 403


def test_staff_link_the_plan_actions_an_event_serves_when_they_create_it(client, app, login):
    from coopnet.plan.queries import linked_action_ids
    from tests.factories import make_plan

    with app.app_context():
        plan, action = make_plan("Plan 2022", starts_on=date(2022, 1, 1),
                                 ends_on=date(2022, 12, 31))
        db.session.commit()
        action_id = action.id
    login(client, "staff")
    form_page = client.get("/staff/events/new").get_data(as_text=True)
    assert "Acties uit het plan waarvoor deze activiteit telt" in form_page
    assert f'value="{action_id}"' in form_page
    assert client.post("/staff/events/new",
                       data={**FORM, "action_ids": str(action_id)}).status_code == 302
    event = _event(app, "Coopborrel Antwerpen")
    with app.app_context():
        assert linked_action_ids(db.session.get(Event, event.id)) == [action_id]
    edit_page = client.get(f"/staff/events/{event.id}/edit").get_data(as_text=True)
    assert re.search(rf'<input checked id="action_ids-0"[^>]*value="{action_id}"', edit_page)
    # unticking every action on edit unlinks it
    assert client.post(f"/staff/events/{event.id}/edit", data=FORM).status_code == 302
    with app.app_context():
        assert linked_action_ids(db.session.get(Event, event.id)) == []
    # an action id that is not offered is refused beside the field, nothing stored
    page = client.post("/staff/events/new", data={**FORM, "title": "Andere",
                                                  "action_ids": "999999"})
    assert page.status_code == 200 and "is-invalid" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(
            sa.select(sa.func.count(Event.id)).where(Event.title == "Andere")).scalar_one() == 0


def test_an_action_of_a_plan_that_does_not_cover_the_day_is_refused_beside_the_field(
        client, app, login):
    from tests.factories import make_plan

    with app.app_context():
        _plan, action = make_plan()  # 2021; the form's event is on 27 March 2022
        db.session.commit()
        action_id = action.id
    login(client, "staff")
    page = client.post("/staff/events/new", data={**FORM, "action_ids": str(action_id)})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "„Coopborrel Antwerpen” valt niet in de periode van het plan." in html
    assert 'value="Café De Coöperatie"' in html  # nothing typed is lost
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Event)).scalar_one() == 0
