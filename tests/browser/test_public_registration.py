"""Registering for an event on a phone, from the calendar to the ticket with its QR code."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from coopnet.db import utcnow
from tests.browser.support import PHONE, expect
from tests.factories import make_event, make_organization

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def borrel(app):
    """A coopborrel in Antwerp ten days from now, and one member co-op to pick."""
    with app.app_context():
        make_organization("Coop Zonnewind")
        return make_event("Coopborrel Antwerpen", kind_slug="coopborrel", capacity=30,
                          city="Antwerpen", starts_at=utcnow() + timedelta(days=10)).id


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


def test_the_menu_opens_on_a_phone_and_leads_to_the_calendar(phone, borrel):
    phone.goto("/")
    calendar_link = phone.get_by_role("link", name="Agenda")
    expect(calendar_link).to_be_hidden()
    phone.get_by_role("button", name="Menu").tap()
    expect(calendar_link).to_be_visible()
    calendar_link.tap()
    expect(phone).to_have_url(re.compile(r"/events/$"))
    expect(phone.get_by_role("link", name="Coopborrel Antwerpen")).to_be_visible()


def test_register_on_a_phone_with_an_error_first_then_get_the_ticket(phone, borrel):
    phone.goto("/events/")
    _fits_the_screen(phone)
    phone.get_by_role("link", name="Coopborrel Antwerpen").tap()
    expect(phone.get_by_role("heading", name="Coopborrel Antwerpen")).to_be_visible()
    _fits_the_screen(phone)

    form = phone.locator("#register form")
    form.get_by_label("Naam").fill("Bart Janssens")
    form.get_by_label("E-mailadres").fill("bart@example.test")
    form.get_by_label("Organisatie").fill("Coop Zonnewind")
    form.get_by_role("button", name="Inschrijven").tap()

    # the page comes back with the message beside the box and nothing typed lost
    consent = form.get_by_role("checkbox")
    message = phone.get_by_text("Ga akkoord met de privacyverklaring om in te schrijven.")
    expect(message).to_be_visible()
    expect(consent).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form.locator(".form-check").filter(has=phone.get_by_role("checkbox"))).to_contain_text(
        "Ga akkoord met de privacyverklaring")
    # right under the box's label (measured in one go: the page may still be scrolling)
    gap = consent.evaluate("""box => {
        const label = box.parentElement.querySelector('label');
        const message = box.parentElement.querySelector('.invalid-feedback');
        return message.getBoundingClientRect().top - label.getBoundingClientRect().bottom; }""")
    assert 0 <= gap < 30, f"the message is {gap} px below the label of the box"
    expect(form.get_by_label("Naam")).to_have_value("Bart Janssens")
    expect(form.get_by_label("E-mailadres")).to_have_value("bart@example.test")
    expect(form.get_by_label("Organisatie")).to_have_value("Coop Zonnewind")
    _fits_the_screen(phone)

    consent.check()
    form.get_by_role("button", name="Inschrijven").tap()
    expect(phone.get_by_role("heading", name="Je inschrijving")).to_be_visible()
    expect(phone.get_by_text("Bart Janssens · Coop Zonnewind")).to_be_visible()
    expect(phone.get_by_text("Bevestigd", exact=True)).to_be_visible()
    qr = phone.locator(".ticket-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None
    # big enough to scan, and whole on the screen
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(phone.get_by_label("Je persoonlijke link")).to_have_value(
        re.compile(r"^http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]{43}$"))
    _fits_the_screen(phone)
