"""Journeys on a phone: a webinar ticket says how to join, a changed event reaches its people,
the capacity cannot drop below the confirmed, and a short code typed at the door checks in."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.registrations.models import Registration
from coopnet.timezones import to_brussels
from tests.browser.support import PHONE, expect, sign_in
from tests.factories import make_event, make_person, make_registration, make_user

PASSWORD = "journey-test-password-1"
LINK = "https://meet.coopkracht.test/webinar-gdpr"

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _shot(page: Page, name: str) -> None:
    if os.environ.get("COOPNET_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["COOPNET_SCREENSHOTS"], name),
                        full_page=True)


def _register(page: Page, title: str, name: str, email: str) -> None:
    page.goto("/events/")
    page.get_by_role("link", name=title).tap()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    form = page.locator("#register form")
    form.get_by_label("Naam").fill(name)
    form.get_by_label("E-mailadres").fill(email)
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Inschrijven").tap()
    expect(page).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]{43}"))


def test_a_webinar_ticket_says_how_to_join_and_the_public_page_does_not(app, phone,
                                                                        new_device):
    with app.app_context():
        make_event("Webinar GDPR voor coöperaties", starts_at=utcnow() + timedelta(days=5),
                   online_url=LINK)
    phone.goto("/events/")
    phone.get_by_role("link", name="Webinar GDPR voor coöperaties").tap()
    expect(phone.get_by_role("heading", name="Webinar GDPR voor coöperaties")).to_be_visible()
    assert "meet.coopkracht.test" not in phone.content()
    _register(phone, "Webinar GDPR voor coöperaties", "Nadia Verbeke", "nadia@example.test")
    expect(phone.get_by_role("heading", name="Zo neem je deel")).to_be_visible()
    join = phone.get_by_role("link", name="Online deelnemen")
    expect(join).to_have_attribute("href", LINK)
    expect(phone.get_by_text("Toon deze code aan de ingang")).to_have_count(0)
    expect(phone.locator(".ticket-qr")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(phone, "journey-webinar-ticket.png")
    # the same private link on a desktop
    desktop = new_device(laptop=True).new_page()
    desktop.goto(phone.url)
    expect(desktop.get_by_role("link", name="Online deelnemen")).to_have_attribute("href", LINK)
    _shot(desktop, "journey-webinar-ticket-desktop.png")
    with app.app_context():
        mail = db.session.execute(sa.select(OutboxMessage).where(
            OutboxMessage.to_address == "nadia@example.test")).scalar_one()
        assert f"Link om deel te nemen: {LINK}" in mail.body_text


def test_a_changed_time_reaches_the_registrant_and_the_short_code_checks_in_at_the_door(
        app, phone, new_device):
    starts = utcnow().replace(second=0, microsecond=0) + timedelta(hours=2)
    with app.app_context():
        make_user("staff", email="an@coopnet.test", display_name="An", password=PASSWORD)
        event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=10, city="Gent",
                           location="Bar Tuinwijk", starts_at=starts)
        make_registration(event, make_person("Mohamed", "El Amrani"))
        make_registration(event, make_person("Sara", "Janssens"))
        event_id = event.id

    # a registrant on her phone: the ticket shows the QR code and the short code under it
    _register(phone, "Coopborrel Gent", "Lies Peeters", "lies@example.test")
    short = phone.locator(".ticket-short-code")
    expect(short).to_have_text(re.compile(r"^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$"))
    expect(phone.get_by_text("Toon deze code aan de ingang.")).to_be_visible()
    code = short.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(phone, "journey-ticket-short-code.png")

    # staff move the start by half an hour, then try to lower the capacity below the confirmed
    staff = new_device().new_page()
    sign_in(staff, "an@coopnet.test", PASSWORD)
    staff.goto(f"/staff/events/{event_id}/edit")
    later = to_brussels(starts + timedelta(minutes=30))
    staff.get_by_label("Begin", exact=True).fill(later.strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_label("Einde", exact=True).fill((later + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_role("button", name="Bewaren").tap()
    expect(staff.locator(".alert-success")).to_contain_text("Activiteit bewaard.")
    expect(staff.locator(".alert-info")).to_contain_text(
        "3 ingeschreven of wachtende mensen krijgen de wijziging per e-mail.")
    _shot(staff, "journey-change-saved.png")
    with app.app_context():
        changed = db.session.execute(sa.select(OutboxMessage.to_address).where(
            OutboxMessage.kind == "event_changed").order_by(OutboxMessage.id)).scalars().all()
        assert len(changed) == 3 and "lies@example.test" in changed
        mail = db.session.execute(sa.select(OutboxMessage).where(
            OutboxMessage.kind == "event_changed",
            OutboxMessage.to_address == "lies@example.test")).scalar_one()
        assert "Nieuw tijdstip:" in mail.body_text and later.strftime("%H:%M") in mail.body_text
        assert b"SEQUENCE:1" in mail.attachments[0].content

    staff.goto(f"/staff/events/{event_id}/edit")
    staff.get_by_label("Capaciteit").fill("2")
    staff.get_by_role("button", name="Bewaren").tap()
    expect(staff.get_by_text("3 mensen zijn al bevestigd: de capaciteit kan niet lager zijn "
                             "dan 3.")).to_be_visible()
    _shot(staff, "journey-capacity-refused.png")

    # at the door the QR will not scan: the staff member types the code as Lies reads it out
    staff.goto(f"/staff/events/{event_id}/checkin")
    door = staff.locator("#door-input")
    door.fill(code.lower().replace("-", " "))
    door.press("Enter")
    expect(staff.locator("#door-feedback-text")).to_have_text(
        re.compile(r"^\s*Ingecheckt: Lies Peeters"))
    _shot(staff, "journey-door-short-code.png")
    with app.app_context():
        lies = db.session.execute(sa.select(Registration).join(Registration.person)
                                  .where(Registration.event_id == event_id,
                                         Registration.checked_in_at.is_not(None))).scalar_one()
        assert lies.person.full_name == "Lies Peeters"


def test_staff_find_a_person_by_e_mail_erase_them_and_they_vanish_from_the_door(app, phone):
    with app.app_context():
        make_user("staff", email="an@coopnet.test", display_name="An", password=PASSWORD)
        event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=10, city="Gent",
                           starts_at=utcnow() + timedelta(hours=2))
        make_registration(event, make_person("Els", "Wouters", email="els@example.test"))
        make_registration(event, make_person("Jan", "Wouters", email="jan@example.test"))
        event_id = event.id
    sign_in(phone, "an@coopnet.test", PASSWORD)
    phone.goto("/staff/members/people")
    phone.get_by_placeholder("Naam of e-mailadres").fill("ELS@example")
    phone.get_by_role("button", name="Zoeken").tap()
    phone.get_by_role("link", name="Els Wouters").tap()
    expect(phone.get_by_role("heading", name="Privacy")).to_be_visible()
    expect(phone.get_by_role("link", name="Hun gegevens downloaden (JSON)")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(phone, "journey-person-privacy.png")
    phone.get_by_role("link", name="Hun persoonsgegevens wissen…").tap()
    phone.get_by_label("Ja, wis de persoonsgegevens van Els Wouters").check()
    phone.get_by_role("button", name="Wissen").tap()
    expect(phone.locator(".alert-success")).to_contain_text("De persoonsgegevens zijn gewist.")
    phone.get_by_placeholder("Naam of e-mailadres").fill("Wouters")
    phone.get_by_role("button", name="Zoeken").tap()
    expect(phone.get_by_role("link", name="Jan Wouters")).to_be_visible()
    expect(phone.get_by_text("Verwijderd")).to_have_count(0)
    _shot(phone, "journey-after-erase-search.png")
    phone.goto(f"/staff/events/{event_id}/checkin")
    expect(phone.locator("#door-list li")).to_have_count(1)
    expect(phone.locator("#door-list")).to_contain_text("Jan Wouters")
    expect(phone.locator('[data-count="registered"]')).to_have_text("2")  # still counted
