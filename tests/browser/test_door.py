"""The door check-in page in a real browser on a phone: scanner, search, walk-ins, undo, polling."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from coopnet.db import utcnow
from coopnet.timezones import to_brussels
from tests.browser.support import expect, sign_in, watch
from tests.factories import make_event, make_organization, make_person, make_registration, make_user

PASSWORD = "door-test-password-1"

if TYPE_CHECKING:
    from playwright.sync_api import Page


@pytest.fixture
def door(app):
    """Tonight's coopborrel: Lies, Mohamed and Sara confirmed, Wim waiting; two staff members."""
    with app.app_context():
        make_user("staff", email="an@coopnet.test", display_name="An", password=PASSWORD)
        make_user("staff", email="bram@coopnet.test", display_name="Bram", password=PASSWORD)
        event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=10, city="Gent",
                           starts_at=utcnow() + timedelta(hours=1))
        coop = make_organization("Energiecoöperatie Zuidwind")
        lies = make_registration(event, make_person("Lies", "Peeters", email="lies@example.test"),
                                 organization_name=coop.name)
        mo = make_registration(event, make_person("Mohamed", "El Amrani"))
        sara = make_registration(event, make_person("Sara", "Janssens"))
        make_registration(event, make_person("Wim", "Wachter"), status="waitlisted")
        return {"url": f"/staff/events/{event.id}/checkin", "lies_code": lies.ticket_code,
                "mo_code": mo.ticket_code, "sara_code": sara.ticket_code}


def _open_door(page: Page, url: str, email: str = "an@coopnet.test") -> None:
    sign_in(page, email, PASSWORD)
    page.goto(url)
    expect(page.get_by_role("heading", name="Coopborrel Gent")).to_be_visible()
    # a marker that only survives as long as the page is not reloaded
    page.evaluate("window.doorMarker = 'same page'")


def _count(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-count="{key}"]')


def _row(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("#door-list li").filter(has_text=name)


def _still_same_page(page: Page) -> None:
    assert page.evaluate("window.doorMarker") == "same page"


def _hhmm_now() -> str:
    return to_brussels(utcnow()).strftime("%H:%M")


def test_scanner_checks_in_and_a_second_scan_says_when_and_by_whom(phone, door, live_server):
    _open_door(phone, door["url"])
    expect(_count(phone, "registered")).to_have_text("3")
    expect(_count(phone, "checked_in")).to_have_text("0")
    expect(_count(phone, "waitlisted")).to_have_text("1")

    # a handheld scanner types what the QR code holds (the ticket link), then Enter
    ticket_link = f"{live_server}/r/{door['lies_code']}"
    scanner = phone.locator("#door-input")
    expect(scanner).to_be_focused()
    before = _hhmm_now()
    scanner.press_sequentially(ticket_link)
    scanner.press("Enter")
    after = _hhmm_now()
    feedback = phone.locator("#door-feedback-text")
    expect(feedback).to_have_text(re.compile(r"^\s*Ingecheckt: Lies Peeters"))
    expect(phone.locator("#door-feedback")).to_have_class(re.compile(r"\balert-success\b"))
    expect(_count(phone, "checked_in")).to_have_text("1")
    badge = _row(phone, "Lies Peeters").locator(".door-state")
    expect(badge).to_have_text(re.compile(r"✓ \d\d:\d\d · An"))
    at = re.search(r"\d\d:\d\d", badge.inner_text()).group(0)
    assert at in {before, after}
    expect(scanner).to_have_value("")
    expect(scanner).to_be_focused()  # ready for the next scan

    scanner.press_sequentially(ticket_link)
    scanner.press("Enter")
    expect(feedback).to_have_text(f"Lies Peeters: al ingecheckt om {at} door An")
    expect(phone.locator("#door-feedback")).to_have_class(re.compile(r"\balert-warning\b"))
    expect(phone.get_by_role("button", name="Ongedaan maken")).to_be_hidden()
    expect(_count(phone, "checked_in")).to_have_text("1")
    _still_same_page(phone)


def test_search_narrows_the_list_one_tap_checks_in_and_undo_counts_down(phone, door):
    _open_door(phone, door["url"])
    phone.locator("#door-input").press_sequentially("moha")
    visible = phone.locator("#door-list li:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Mohamed El Amrani")

    visible.get_by_role("button").tap()
    expect(phone.locator("#door-feedback")).to_contain_text("Ingecheckt: Mohamed El Amrani")
    expect(_count(phone, "checked_in")).to_have_text("1")
    expect(_row(phone, "Mohamed El Amrani").locator(".door-state")).to_contain_text("✓")
    # the search is cleared for the next person: everyone is listed again
    expect(phone.locator("#door-input")).to_have_value("")
    expect(phone.locator("#door-list li:visible")).to_have_count(4)

    phone.get_by_role("button", name="Ongedaan maken").tap()
    expect(phone.locator("#door-feedback")).to_contain_text(
        "Check-in ongedaan gemaakt: Mohamed El Amrani")
    expect(_count(phone, "checked_in")).to_have_text("0")
    expect(_row(phone, "Mohamed El Amrani").locator(".door-state")).to_have_text("")
    _still_same_page(phone)


def test_search_by_organisation_and_enter_checks_in_the_only_match(phone, door):
    _open_door(phone, door["url"])
    search = phone.locator("#door-input")
    search.press_sequentially("zuidwind")
    expect(phone.locator("#door-list li:visible")).to_have_count(1)
    search.press("Enter")
    expect(phone.locator("#door-feedback")).to_contain_text("Ingecheckt: Lies Peeters")
    expect(_count(phone, "checked_in")).to_have_text("1")


def test_nobody_found_then_a_walk_in_is_added_and_counts(phone, door):
    _open_door(phone, door["url"])
    phone.locator("#door-input").press_sequentially("nora")
    expect(phone.locator("#door-list li:visible")).to_have_count(0)
    expect(phone.get_by_text("Niemand gevonden.")).to_be_visible()

    phone.get_by_text("Walk-in toevoegen").tap()
    form = phone.locator("#walkin-form")
    form.get_by_role("button", name="Toevoegen en inchecken").tap()
    # no name: the message appears beside the field, in words, nothing is added
    expect(form.locator('[data-field="name"]')).to_be_visible()
    expect(form.locator('[data-field="name"]')).to_have_text("Vul een naam in.")
    expect(form.get_by_label("Naam")).to_be_focused()
    expect(phone.get_by_text("invalid", exact=True)).to_have_count(0)
    expect(form.get_by_label("Naam")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(_count(phone, "registered")).to_have_text("3")

    form.get_by_label("Naam").fill("Nora Nieuwkomer")
    form.get_by_label("Organisatie").fill("Buurtcoöp Ledeberg")
    form.get_by_role("button", name="Toevoegen en inchecken").tap()
    expect(phone.locator("#door-feedback")).to_contain_text("Ingecheckt: Nora Nieuwkomer")
    expect(_count(phone, "checked_in")).to_have_text("1")
    expect(_count(phone, "registered")).to_have_text("4")
    row = _row(phone, "Nora Nieuwkomer")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Buurtcoöp Ledeberg")
    expect(row.locator(".door-state")).to_contain_text("✓")
    expect(phone.locator("#walkin")).not_to_have_attribute("open", "")
    _still_same_page(phone)


def test_a_second_staff_phone_sees_the_counter_move_without_reloading(phone, new_device, door):
    _open_door(phone, door["url"])
    other = new_device().new_page()
    problems = watch(other)
    _open_door(other, door["url"], email="bram@coopnet.test")
    expect(_count(other, "checked_in")).to_have_text("0")

    phone.locator("#door-input").press_sequentially(door["lies_code"])
    phone.locator("#door-input").press("Enter")
    expect(_count(phone, "checked_in")).to_have_text("1")

    # the other phone polls the counters (every 4 s): it catches up on its own
    expect(_count(other, "checked_in")).to_have_text("1")
    expect(_row(other, "Lies Peeters").locator(".door-state")).to_have_text(
        re.compile(r"✓ \d\d:\d\d · An"))
    _still_same_page(other)
    assert problems == []


def test_camera_button_shows_only_where_the_browser_can_read_qr_codes(phone, door):
    _open_door(phone, door["url"])
    can_read = phone.evaluate("""async () => 'BarcodeDetector' in window
        && (await BarcodeDetector.getSupportedFormats()).includes('qr_code')""")
    camera = phone.get_by_role("button", name="Scan de QR-code met de camera")
    if can_read:
        expect(camera).to_be_visible()
    else:
        expect(camera).to_be_hidden()
    # the search box then has the whole width of the phone
    box = phone.locator("#door-input").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390


def test_a_hand_scanner_faster_than_the_network_loses_nobody(phone, door, live_server):
    """Three tickets scanned back to back while every answer takes 1.5 s: all three are
    checked in, in the order they were scanned, each with its line in "recent scans"."""
    _open_door(phone, door["url"])
    held: list = []
    phone.route("**/checkin/scan", lambda route: held.append(route))  # answered 1.5 s later
    scanner = phone.locator("#door-input")
    codes = [f"{live_server}/r/{door['lies_code']}", door["mo_code"], door["sara_code"]]
    for code in codes:
        scanner.fill(code)
        scanner.press("Enter")
        expect(scanner).to_have_value("")  # free at once for the next ticket
    recent = phone.locator("#door-recent li")
    expect(recent).to_have_count(3)
    expect(recent.nth(0)).to_contain_text("wacht op zijn beurt")

    sent = []
    for _ in range(10):
        phone.wait_for_timeout(1500)
        assert len(held) <= 1  # one request at a time, so the answers come in order
        while held:
            route = held.pop(0)
            sent.append(route.request.post_data_json["code"])
            route.continue_()
        if len(sent) == 3:
            break
    assert sent == codes
    # newest on top
    expect(recent).to_have_text(["Ingecheckt: Sara Janssens", "Ingecheckt: Mohamed El Amrani",
                                 "Ingecheckt: Lies Peeters"])
    expect(_count(phone, "checked_in")).to_have_text("3")
    for name in ("Lies Peeters", "Mohamed El Amrani", "Sara Janssens"):
        expect(_row(phone, name).locator(".door-state")).to_contain_text("✓")
    _still_same_page(phone)


def test_a_scan_whose_request_fails_is_tried_again_then_kept_and_sent_later(new_device, door):
    phone = new_device().new_page()
    problems = watch(phone)  # the failures below are made on purpose; nothing else may fail
    _open_door(phone, door["url"])
    failures = {"left": 1}

    def flaky(route):  # type: ignore[no-untyped-def]
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=503, body="Service Unavailable")
        else:
            route.continue_()

    phone.route("**/checkin/scan", flaky)
    # every text the list of last scans shows, however briefly (the retry can be quick)
    phone.evaluate("""() => { window.seenLines = [];
        new MutationObserver(() => document.querySelectorAll('#door-recent li')
            .forEach(li => window.seenLines.push(li.textContent.trim())))
        .observe(document.getElementById('door-recent'),
                 {childList: true, subtree: true, characterData: true}); }""")
    scanner = phone.locator("#door-input")
    scanner.fill(door["lies_code"])
    scanner.press("Enter")
    line = phone.locator("#door-recent li").first
    expect(line).to_have_text("Ingecheckt: Lies Peeters")
    seen = phone.evaluate("() => window.seenLines")
    assert any("geen antwoord, opnieuw proberen" in text for text in seen), seen
    expect(_count(phone, "checked_in")).to_have_text("1")

    # no answer at all (the browser still thinks it is online): after its tries the scan is
    # done on the phone and kept, as offline; it is sent once the server answers again
    phone.unroute("**/checkin/scan")
    phone.route("**/checkin/scan", lambda route: route.abort())
    phone.route("**/checkin/state", lambda route: route.abort())
    scanner.fill(door["mo_code"])
    scanner.press("Enter")
    line = phone.locator("#door-recent li").first
    expect(line).to_have_text("Ingecheckt: Mohamed El Amrani · bewaard op deze telefoon",
                              timeout=15_000)
    expect(_count(phone, "checked_in")).to_have_text("2")
    expect(phone.locator("#door-offline")).to_contain_text("Offline")
    expect(phone.locator("#door-pending")).to_have_text("1")

    phone.unroute("**/checkin/scan")
    phone.unroute("**/checkin/state")
    expect(phone.locator("#door-offline")).to_be_hidden(timeout=15_000)
    expect(phone.locator("#door-recent li").first).to_have_text(
        "Verzonden: de acties die op deze telefoon bewaard waren (1).")
    expect(_count(phone, "checked_in")).to_have_text("2")
    expect(_row(phone, "Mohamed El Amrani").locator(".door-state")).to_contain_text("✓")
    assert [p for p in problems if "/checkin/" not in p and "ERR_FAILED" not in p
            and "status of 503" not in p] == []


def test_the_walk_in_of_a_waiting_person_turns_their_row_checked_in(phone, door):
    _open_door(phone, door["url"])
    expect(_row(phone, "Wim Wachter").locator(".door-state")).to_have_text("Wachtlijst")
    phone.get_by_text("Walk-in toevoegen").tap()
    form = phone.locator("#walkin-form")
    form.get_by_label("Naam").fill("Wim Wachter")
    form.get_by_role("button", name="Toevoegen en inchecken").tap()
    expect(phone.locator("#door-feedback")).to_contain_text("Ingecheckt: Wim Wachter")
    expect(phone.locator("#door-list li").filter(has_text="Wim Wachter")).to_have_count(1)
    expect(_row(phone, "Wim Wachter").locator(".door-state")).to_have_text(
        re.compile(r"✓ \d\d:\d\d · An"))
    expect(_count(phone, "checked_in")).to_have_text("1")
    expect(_count(phone, "waitlisted")).to_have_text("0")
    expect(_count(phone, "registered")).to_have_text("4")
    # the next poll (from the database) agrees
    phone.wait_for_timeout(4500)
    expect(_row(phone, "Wim Wachter").locator(".door-state")).to_have_text(
        re.compile(r"✓ \d\d:\d\d · An"))
    expect(_count(phone, "waitlisted")).to_have_text("0")
