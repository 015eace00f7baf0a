"""A visitor on a phone picks French in the menu; the site stays French on the next visit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tests.browser.support import expect
from tests.factories import make_event

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_french_is_chosen_in_the_menu_and_remembered(phone: Page, app):
    with app.app_context():
        make_event("Coopborrel Brussel", kind_slug="coopborrel", city="Brussel",
                   location="Maison des Coopératives",
                   starts_at=datetime(2099, 3, 5, 17, 0, tzinfo=UTC))
    phone.goto("/")
    expect(phone.get_by_role("heading", name="Komende activiteiten")).to_be_visible()
    phone.get_by_role("button", name="Menu").tap()
    phone.get_by_role("button", name="Français").tap()
    expect(phone.get_by_role("heading", name="Activités à venir")).to_be_visible()
    expect(phone.get_by_text("jeudi 5 mars 2099, 18:00–19:30")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    # a later visit, in a new tab of the same browser: still French
    later = phone.context.new_page()
    later.goto("/events/")
    expect(later.get_by_role("heading", name="Agenda")).to_be_visible()
    expect(later.get_by_role("link", name="Coopborrel Brussel")).to_be_visible()
    expect(later.get_by_label("Type")).to_be_visible()
    later.get_by_role("button", name="Menu").tap()
    expect(later.get_by_role("button", name="Nederlands")).to_be_visible()
    expect(later.get_by_role("button", name="English")).to_be_visible()
