"""Changes reach people: a new time, place or join link is mailed once per save, with the
calendar file (same UID, higher SEQUENCE); online events give the join link to registrants only."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from icalendar import Calendar

from coopnet.events.services import update_event
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.registrations.services import register
from tests.factories import make_event

NOW = datetime(2022, 1, 10, 9, 0, tzinfo=UTC)
START = datetime(2022, 2, 10, 13, 0, tzinfo=UTC)  # 14:00 in Brussels
LINK = "https://meet.coopkracht.test/gdpr"


def _register(event, n):
    return register(event, name=f"Persoon{n} Test", email=f"p{n}@example.test", consent=True,
                    now=NOW)[0]


def _mails(kind):
    return db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).scalars().all()


def _vevent(content: bytes):
    return next(c for c in Calendar.from_ical(content).walk("VEVENT"))


def test_a_new_time_and_place_is_mailed_once_to_the_confirmed_and_the_waiting(ctx):
    event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=1, starts_at=START,
                       location="Bar Tuinwijk", city="Gent")
    _register(event, 1)
    _register(event, 2)  # waiting
    cancelled = _register(event, 3)
    from coopnet.registrations.services import cancel_registration

    cancel_registration(cancelled, now=NOW)
    db.session.commit()
    uid = _vevent(next(iter(_mails("registration_confirmed"))).attachments[0].content)["UID"]

    update_event(event, {"starts_at": START + timedelta(minutes=30),
                         "ends_at": START + timedelta(minutes=120),
                         "location": "De Centrale"}, actor=None, now=NOW)
    db.session.commit()
    mails = _mails("event_changed")
    assert [m.to_address for m in mails] == ["p1@example.test", "p2@example.test"]
    confirmed, waiting = mails
    assert confirmed.subject == "Gewijzigd: Coopborrel Gent"
    assert "Nieuw tijdstip: donderdag 10 februari 2022, 14:30–16:00" in confirmed.body_text
    assert "Was: donderdag 10 februari 2022, 14:00–15:30" in confirmed.body_text
    assert "Nieuwe plaats: De Centrale, Gent" in confirmed.body_text
    assert "op de wachtlijst" in waiting.body_text
    assert "Geen interesse meer? Verlaat de wachtlijst hier:" in waiting.body_text
    assert "Het bijgevoegde agendabestand past de activiteit in je agenda aan.\n\nKun je niet " \
           "meer komen?" in confirmed.body_text
    # the confirmed get the calendar file: the same event (UID), a higher SEQUENCE
    calendar = _vevent(confirmed.attachments[0].content)
    assert calendar["UID"] == uid
    assert calendar["SEQUENCE"] == 1
    assert calendar["LOCATION"] == "De Centrale, Gent"
    assert waiting.attachments == []

    # saving again without a change mails nobody; a title change is not mailed
    update_event(event, {"location": "De Centrale", "title": "Coopborrel Gent!"},
                 actor=None, now=NOW)
    db.session.commit()
    assert len(_mails("event_changed")) == 2


def test_a_capacity_or_description_change_is_not_mailed(ctx):
    event = make_event(capacity=10, starts_at=START)
    _register(event, 1)
    update_event(event, {"capacity": 20, "description": "Meer uitleg."}, actor=None, now=NOW)
    db.session.commit()
    assert _mails("event_changed") == []


def test_a_new_join_link_goes_to_the_confirmed_only(ctx):
    event = make_event("Webinar GDPR", capacity=1, starts_at=START, online_url=LINK)
    _register(event, 1)
    _register(event, 2)  # waiting: no link yet
    db.session.commit()
    update_event(event, {"online_url": LINK + "-nieuw"}, actor=None, now=NOW)
    db.session.commit()
    mails = _mails("event_changed")
    assert [m.to_address for m in mails] == ["p1@example.test"]
    assert f"Nieuwe link om deel te nemen: {LINK}-nieuw" in mails[0].body_text
    calendar = _vevent(mails[0].attachments[0].content)
    assert calendar["LOCATION"] == LINK + "-nieuw"


def test_the_confirmation_of_an_online_event_carries_the_join_link(ctx):
    event = make_event("Webinar GDPR", capacity=1, starts_at=START, online_url=LINK)
    _register(event, 1)
    _register(event, 2)
    db.session.commit()
    confirmed = _mails("registration_confirmed")[0]
    assert f"Link om deel te nemen: {LINK}" in confirmed.body_text
    assert "Je ticketcode" not in confirmed.body_text  # nothing to show at a door
    calendar = _vevent(confirmed.attachments[0].content)
    assert calendar["LOCATION"] == LINK
    assert LINK in calendar["DESCRIPTION"]
    waiting = _mails("registration_waitlisted")[0]
    assert LINK not in waiting.body_text


def test_the_confirmation_of_an_event_at_a_place_carries_the_short_code(ctx):
    event = make_event("Coopborrel Gent", kind_slug="coopborrel", starts_at=START, city="Gent")
    registration = _register(event, 1)
    db.session.commit()
    mail = _mails("registration_confirmed")[0]
    assert f"Je ticketcode: {registration.short_code[:4]}-{registration.short_code[4:]}" \
        in mail.body_text


def test_public_calendar_files_and_the_public_api_never_carry_the_join_link(client, app):
    with app.app_context():
        event = make_event("Webinar GDPR", starts_at=START, online_url=LINK)
        event_id = event.id
    for path in (f"/events/{event_id}.ics", "/events/feed.ics", f"/events/{event_id}",
                 f"/api/v1/events/{event_id}", "/api/v1/events"):
        body = client.get(path).get_data(as_text=True)
        assert "meet.coopkracht.test" not in body, path
    calendar = _vevent(client.get(f"/events/{event_id}.ics").data)
    assert calendar["LOCATION"] == "Online"


def test_the_ticket_of_an_online_event_says_how_to_join_not_show_this_code(client, app):
    from tests.factories import make_registration

    with app.app_context():
        event = make_event("Webinar GDPR", starts_at=START, online_url=LINK)
        confirmed = make_registration(event).ticket_code
        waiting = make_registration(event, status="waitlisted").ticket_code
    html = client.get(f"/r/{confirmed}").get_data(as_text=True)
    assert "Zo neem je deel" in html
    assert f'<a class="btn btn-primary" href="{LINK}"' in html
    assert "Toon deze code aan de ingang" not in html
    assert "<svg" not in html  # no QR code: there is no door
    assert client.get(f"/api/v1/registrations/{confirmed}").get_json()["join_url"] == LINK
    waiting_html = client.get(f"/r/{waiting}").get_data(as_text=True)
    assert LINK not in waiting_html
    assert client.get(f"/api/v1/registrations/{waiting}").get_json()["join_url"] is None


def test_the_staff_edit_page_refuses_a_capacity_below_the_confirmed_beside_the_field(
        client, app, login):
    from tests.factories import make_registration

    with app.app_context():
        event = make_event("Rondleiding", kind_slug="rondleiding", capacity=5,
                           starts_at=datetime(2030, 3, 1, 13, 0, tzinfo=UTC))
        for _n in range(3):
            make_registration(event)
        event_id = event.id
    login(client, "staff")
    form = client.get(f"/staff/events/{event_id}/edit").get_data(as_text=True)
    assert 'name="capacity"' in form
    data = {"title": "Rondleiding", "kind": "rondleiding", "starts_at": "2030-03-01T14:00",
            "ends_at": "2030-03-01T15:30", "description": "", "location": "", "address": "",
            "city": "", "online_url": "", "capacity": "2", "waitlist_enabled": "y",
            "visibility": "public", "series": "", "registration_opens_at": "",
            "registration_closes_at": ""}
    response = client.post(f"/staff/events/{event_id}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # the form again, as for every error on this page
    assert "3 mensen zijn al bevestigd: de capaciteit kan niet lager zijn dan 3." in html


def test_each_later_change_is_mailed_again_with_a_higher_sequence(ctx):
    event = make_event("Coopborrel Gent", kind_slug="coopborrel", starts_at=START, city="Gent")
    _register(event, 1)
    db.session.commit()
    update_event(event, {"starts_at": START + timedelta(minutes=30),
                         "ends_at": START + timedelta(minutes=120)}, actor=None, now=NOW)
    db.session.commit()
    update_event(event, {"location": "De Centrale"}, actor=None, now=NOW)
    db.session.commit()
    mails = _mails("event_changed")
    assert [m.to_address for m in mails] == ["p1@example.test", "p1@example.test"]
    assert [_vevent(m.attachments[0].content)["SEQUENCE"] for m in mails] == [1, 2]
    assert "Nieuwe plaats: De Centrale, Gent" in mails[1].body_text
    assert "Wanneer: donderdag 10 februari 2022, 14:30–16:00" in mails[1].body_text
