"""Layout seen as a user sees it: the menu on a laptop and a phone, staff pages on a phone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.support import PHONE, expect, sign_in, watch
from tests.factories import make_event, make_organization, make_person, make_registration, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "layout-test-password-1"


@pytest.fixture
def accounts(app):
    """A coordinator (who sees the longest menu) and a staff member."""
    with app.app_context():
        make_user("coordinator", email="sofie@coopnet.test", display_name="Sofie Claes",
                  password=PASSWORD)
        make_user("staff", email="an@coopnet.test", display_name="An Janssens", password=PASSWORD)


def _one_line_high(page: Page, locator_text: str) -> None:
    box = page.get_by_text(locator_text, exact=True).first.bounding_box()
    assert box is not None and box["height"] < 30, f"{locator_text!r} wraps: {box}"


def test_the_menu_fits_one_line_on_a_laptop_and_folds_open_on_a_phone(new_device, accounts):
    laptop = new_device(laptop=True).new_page()
    problems = watch(laptop)
    sign_in(laptop, "sofie@coopnet.test", PASSWORD)
    links = laptop.evaluate("""() => [...document.querySelectorAll('#nav .nav-link')]
        .map(link => { const box = link.getBoundingClientRect();
                       return {text: link.textContent.trim(), top: box.top, height: box.height}; })""")
    assert [link["text"] for link in links][:5] == ["Agenda", "Vacatures", "Check-in", "Beheer",
                                                    "Actieplan"]
    # one row, and no entry broken over two lines ("Check-" / "in")
    assert max(link["top"] for link in links) - min(link["top"] for link in links) < 12, links
    assert max(link["height"] for link in links) < 45, links
    laptop.get_by_role("button", name="Beheer").click()
    laptop.get_by_role("link", name="Activiteiten beheren").click()
    expect(laptop.get_by_role("heading", name="Activiteiten beheren")).to_be_visible()
    assert problems == []

    phone = new_device().new_page()
    sign_in(phone, "an@coopnet.test", PASSWORD)
    members = phone.get_by_role("link", name="Leden")
    phone.get_by_role("button", name="Menu").tap()
    phone.get_by_role("button", name="Beheer").tap()
    expect(members).to_be_visible()
    members.tap()
    expect(phone.get_by_role("heading", name="Ledenregister")).to_be_visible()


def test_staff_lists_and_cards_read_well_on_a_phone(phone, app, accounts):
    with app.app_context():
        coop = make_organization("Elsenese Hartmolen", enterprise_number="0300762752")
        event = make_event("Debat: coöperatief ondernemen en de transitie", kind_slug="debat",
                           capacity=80)
        make_registration(event, make_person("Veerle", "Jacobs", organization=coop,
                                             email="veerle.jacobs@elsenese-hartmolen.test"),
                          organization=coop, organization_name=coop.name)
        event_id, coop_id = event.id, coop.id
    sign_in(phone, "an@coopnet.test", PASSWORD)

    phone.goto(f"/staff/events/{event_id}/registrations")
    expect(phone.get_by_text("Veerle Jacobs")).to_be_visible()
    # each registration is a small block: the e-mail address whole on one line
    _one_line_high(phone, "veerle.jacobs@elsenese-hartmolen.test")
    _one_line_high(phone, "Elsenese Hartmolen")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.goto(f"/staff/members/{coop_id}")
    expect(phone.get_by_role("heading", name=re.compile("Elsenese Hartmolen"))).to_be_visible()
    # labels are not broken mid-word ("Ondernemin" / "gsnummer")
    _one_line_high(phone, "Ondernemingsnummer")
    _one_line_high(phone, "0300.762.752")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
