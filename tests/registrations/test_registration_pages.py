"""Registration through the browser: the form, the ticket page, cancelling, the privacy page."""

import re
from datetime import timedelta

import sqlalchemy as sa

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.registrations.models import Registration
from tests.factories import make_event, make_organization, make_person


def _future_event(app, **fields):
    with app.app_context():
        fields.setdefault("starts_at", utcnow() + timedelta(days=10))
        return make_event(fields.pop("title", "Coopborrel Antwerpen"), **fields).id


def _form(name="An Peeters", email="an@example.test", organization="", consent="y"):
    data = {"name": name, "email": email, "organization": organization}
    if consent:
        data["consent"] = consent
    return data


def _ticket_from(response):
    return re.search(r"/r/([A-Za-z0-9_-]{43})", response.headers["Location"]).group(1)


def test_event_page_offers_the_form_with_member_coops_to_pick(client, app):
    with app.app_context():
        make_organization("Coop Zonnewind")
        make_organization("Oud Lid", member_until=utcnow().date() - timedelta(days=400))
    event_id = _future_event(app, capacity=30)
    html = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Inschrijven" in html
    assert 'list="member-coops"' in html
    assert '<option value="Coop Zonnewind">' in html
    assert "Oud Lid" not in html
    assert 'href="/privacy"' in html
    assert "Plaatsen over" in html and ">30<" in html


def test_register_shows_the_ticket_with_qr_code_and_private_link(client, app):
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        coop_id = coop.id
    event_id = _future_event(app, capacity=30)
    response = client.post(f"/events/{event_id}/register",
                           data=_form(organization="coop zonnewind"))
    assert response.status_code == 302
    code = _ticket_from(response)
    page = client.get(f"/r/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Je bent ingeschreven" in html
    assert "Bevestigd" in html
    assert '<svg viewBox="0 0' in html
    assert f"http://coopnet.test/r/{code}" in html
    assert "Coop Zonnewind" in html
    # the holder's own calendar file (an online event's carries the join link)
    assert f'href="/r/{code}/event.ics"' in html
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        short = f"{registration.short_code[:4]}-{registration.short_code[4:]}"
        assert f'<p class="ticket-short-code font-monospace fs-4 fw-semibold mt-2 mb-0" ' \
               f'aria-describedby="short-code-help">{short}</p>' in html
        assert registration.organization_id == coop_id
        assert registration.consent_at is not None
        assert db.session.execute(sa.select(OutboxMessage.kind)).scalar_one() == \
            "registration_confirmed"


def test_errors_appear_beside_the_fields_in_dutch_and_nothing_typed_is_lost(client, app):
    event_id = _future_event(app)
    response = client.post(f"/events/{event_id}/register",
                           data=_form(name="Bart Janssens", email="bart@", organization="Mijn vzw",
                                      consent=None))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul een geldig e-mailadres in." in html
    assert "Ga akkoord met de privacyverklaring om in te schrijven." in html
    assert 'value="Bart Janssens"' in html
    assert 'value="bart@"' in html
    assert 'value="Mijn vzw"' in html
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one() == 0


def test_full_event_says_volzet_and_puts_people_on_the_waiting_list(client, app):
    event_id = _future_event(app, capacity=1)
    first = client.post(f"/events/{event_id}/register", data=_form(email="first@example.test"))
    assert first.status_code == 302
    html = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Volzet" in html
    assert "Zet me op de wachtlijst" in html
    second = client.post(f"/events/{event_id}/register",
                         data=_form(name="Bo", email="bo@example.test"))
    page = client.get(f"/r/{_ticket_from(second)}").get_data(as_text=True)
    assert "Plaats 1 op de wachtlijst" in page
    assert "<svg" not in page


def test_full_event_without_waiting_list_offers_no_form(client, app):
    event_id = _future_event(app, capacity=1, waitlist_enabled=False)
    client.post(f"/events/{event_id}/register", data=_form())
    html = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Deze activiteit is volzet en heeft geen wachtlijst." in html
    assert 'name="email"' not in html
    response = client.post(f"/events/{event_id}/register", data=_form(email="x@example.test"))
    assert response.status_code == 409


def test_registering_twice_resends_the_link_without_showing_the_ticket(client, app):
    event_id = _future_event(app)
    first = client.post(f"/events/{event_id}/register", data=_form())
    code = _ticket_from(first)
    again = client.post(f"/events/{event_id}/register", data=_form(email="AN@example.test"))
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "al ingeschreven" in html
    assert code not in html
    with app.app_context():
        kinds = db.session.execute(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id))
        assert list(kinds.scalars()) == ["registration_confirmed", "registration_resend"]


def test_members_only_event_refuses_strangers_with_a_clear_message(client, app):
    with app.app_context():
        coop = make_organization("Coop Lid")
        make_person("Mia", email="mia@lid.test", organization=coop)
    event_id = _future_event(app, visibility="members")
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Aanmelden als lid" in page
    assert f"/auth/member?next=/events/{event_id}" in page
    for email in ("x@example.test", "mia@lid.test"):  # knowing Mia's address is not enough
        refused = client.post(f"/events/{event_id}/register", data=_form(email=email))
        assert refused.status_code == 409
        assert "Deze activiteit is voor contactpersonen van leden-coöperaties" in \
            refused.get_data(as_text=True)


def test_cancel_asks_first_then_frees_the_seat_for_the_first_waiting(client, app):
    event_id = _future_event(app, capacity=1)
    code = _ticket_from(client.post(f"/events/{event_id}/register", data=_form()))
    waiting = _ticket_from(client.post(f"/events/{event_id}/register",
                                       data=_form(name="Bo", email="bo@example.test")))
    ask = client.get(f"/r/{code}/cancel")
    assert ask.status_code == 200
    assert "Wil je je inschrijving annuleren?" in ask.get_data(as_text=True)
    done = client.post(f"/r/{code}/cancel")
    assert done.status_code == 302
    assert "Je inschrijving is geannuleerd." in client.get(f"/r/{code}").get_data(as_text=True)
    assert "Bevestigd" in client.get(f"/r/{waiting}").get_data(as_text=True)
    with app.app_context():
        promoted = db.session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "registration_promoted")
        ).scalar_one()
        assert promoted.to_address == "bo@example.test"


def test_cancel_needs_the_csrf_token(app, database_template):
    app.config["WTF_CSRF_ENABLED"] = True
    event_id = _future_event(app)
    with app.app_context():
        from coopnet.registrations.services import register
        event = db.session.get(__import__("coopnet.events.models", fromlist=["Event"]).Event,
                               event_id)
        registration, _ = register(event, name="An", email="an@example.test", consent=True)
        db.session.commit()
        code = registration.ticket_code
    response = app.test_client().post(f"/r/{code}/cancel")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(sa.select(Registration.status)).scalar_one() == "confirmed"


def test_unknown_ticket_is_404(client):
    assert client.get("/r/" + "x" * 43).status_code == 404


def test_privacy_notice_is_dutch(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "Privacyverklaring" in html
    assert "anonimiseren" in html
