"""Mails come in the language a person registered in, whoever sends them: their own request,
a timer (reminders), staff saving a change, or someone else's cancellation (promotion)."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from coopnet.db import utcnow
from coopnet.events.services import update_event
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.members.models import Person
from coopnet.registrations.reminders import queue_reminders
from coopnet.registrations.services import cancel_registration, register
from tests.factories import make_event, make_person

NOW = datetime(2022, 1, 10, 9, 0, tzinfo=UTC)
START = datetime(2022, 2, 10, 13, 0, tzinfo=UTC)  # 14:00 in Brussels, a Thursday


def _subjects(kind):
    return [(m.to_address, m.subject) for m in db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).scalars()]


def _people():
    """Marie registered in French earlier; Jan never chose (Dutch)."""
    marie = make_person("Marie", "Dubois", email="marie@example.test")
    marie.language = "fr"
    make_person("Jan", "Peeters", email="jan@example.test")
    db.session.flush()


def test_registering_on_the_site_in_french_remembers_french_for_the_mails(client, app):
    with app.app_context():
        event_id = make_event("Coopborrel Bruxelles",
                              starts_at=utcnow() + timedelta(days=20)).id
    client.set_cookie("coopnet_lang", "fr")
    response = client.post(f"/events/{event_id}/register", data={
        "name": "Marie Dubois", "email": "marie@example.test", "organization": "",
        "consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        person = db.session.execute(
            sa.select(Person).where(Person.email == "marie@example.test")).scalar_one()
        assert person.language == "fr"
        assert _subjects("registration_confirmed") == [
            ("marie@example.test", "Votre inscription : Coopborrel Bruxelles")]


def test_a_place_freed_by_someone_else_is_announced_in_the_waiting_persons_language(ctx):
    _people()
    event = make_event("Coopborrel Gent", capacity=1, starts_at=START)
    jan = register(event, name="Jan Peeters", email="jan@example.test", consent=True,
                   now=NOW)[0]
    register(event, name="Marie Dubois", email="marie@example.test", consent=True, now=NOW)
    db.session.commit()
    cancel_registration(jan, now=NOW)  # Jan's own (Dutch) cancellation promotes Marie
    db.session.commit()
    assert _subjects("registration_promoted") == [
        ("marie@example.test", "Une place s'est libérée pour vous : Coopborrel Gent")]
    assert _subjects("registration_waitlisted") == [
        ("marie@example.test", "Sur la liste d'attente : Coopborrel Gent")]


def test_a_change_saved_by_staff_reaches_each_registrant_in_their_own_language(ctx):
    _people()
    event = make_event("Coopborrel Gent", starts_at=START, city="Gent")
    for name, email in (("Marie Dubois", "marie@example.test"), ("Jan Peeters", "jan@example.test")):
        register(event, name=name, email=email, consent=True, now=NOW)
    db.session.commit()
    update_event(event, {"starts_at": START + timedelta(minutes=30),
                         "ends_at": START + timedelta(minutes=120)}, actor=None, now=NOW)
    db.session.commit()
    assert _subjects("event_changed") == [
        ("marie@example.test", "Modifié : Coopborrel Gent"),
        ("jan@example.test", "Gewijzigd: Coopborrel Gent")]


def test_tomorrows_reminder_from_the_timer_speaks_each_persons_language(ctx):
    _people()
    event = make_event("Coopborrel Gent", starts_at=START, city="Gent")
    for name, email in (("Jan Peeters", "jan@example.test"), ("Marie Dubois", "marie@example.test")):
        register(event, name=name, email=email, consent=True, now=NOW)
    db.session.commit()
    assert queue_reminders(now=START - timedelta(days=1)) == 2
    db.session.commit()
    assert _subjects("registration_reminder") == [
        ("jan@example.test", "Morgen: Coopborrel Gent"),
        ("marie@example.test", "Demain : Coopborrel Gent")]
    french = db.session.execute(sa.select(OutboxMessage).where(
        OutboxMessage.to_address == "marie@example.test",
        OutboxMessage.kind == "registration_reminder")).scalar_one()
    assert "Quand: jeudi 10 février 2022, 14:00–15:30" in french.body_text


def test_each_confirmation_carries_its_own_name_code_and_link_and_the_events_latest_place(
        client, app):
    # the text of a confirmation is rendered once per event and language; what differs per
    # registrant (first name, ticket code, link) must never come from someone before them
    from coopnet.registrations.models import Registration

    with app.app_context():
        event_id = make_event("Coopborrel Gent", kind_slug="coopborrel",
                              starts_at=utcnow() + timedelta(days=20), city="Gent",
                              location="Bar Tuinwijk").id

    def register_as(name, email, language):
        client.set_cookie("coopnet_lang", language)
        response = client.post(f"/events/{event_id}/register", data={
            "name": name, "email": email, "organization": "", "consent": "y"})
        assert response.status_code == 302
        with app.app_context():
            registration = db.session.execute(
                sa.select(Registration).join(Person).where(Person.email == email)).scalar_one()
            mail = db.session.execute(sa.select(OutboxMessage).where(
                OutboxMessage.to_address == email)).scalar_one()
            return registration.ticket_code, registration.short_code_display, mail.body_text

    code, short, text = register_as("Zoë%(title)s{{x}}\\1 Peeters", "zoe@example.test", "nl")
    assert text.startswith("Dag Zoë%(title)s{{x}}\\1,\n")
    assert f"Je ticketcode: {short}\n" in text
    assert f"http://coopnet.test/r/{code}\n" in text
    assert "Waar: Bar Tuinwijk, Gent\n" in text
    code2, short2, text2 = register_as("An Peeters", "an@example.test", "nl")
    assert text2.startswith("Dag An,\n") and "Zoë" not in text2
    assert f"Je ticketcode: {short2}\n" in text2 and short not in text2
    assert f"http://coopnet.test/r/{code2}\n" in text2 and code not in text2
    with app.app_context():
        from coopnet.events.models import Event

        db.session.get(Event, event_id).location = "Café De Ster"
        db.session.commit()
    code3, short3, text3 = register_as("Tom Claes", "tom@example.test", "en")
    assert text3.startswith("Hello Tom,\n")
    assert f"Your ticket code: {short3}\n" in text3
    assert "Where: Café De Ster, Gent\n" in text3
    assert f"http://coopnet.test/r/{code3}\n" in text3
