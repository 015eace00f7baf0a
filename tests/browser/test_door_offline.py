"""The door without network, in a real browser on a phone: opened once online, then 50
check-ins, an undo and a walk-in offline, kept on the phone; back online they are sent and
the server, the attendance list and a second phone agree."""

from __future__ import annotations

import json
import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from coopnet.auth.tokens import create_api_token
from coopnet.db import utcnow
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations.checkin_queries import event_counts
from coopnet.registrations.door_sync import code_hash, door_key
from coopnet.registrations.models import DoorAction, Registration
from coopnet.timezones import to_brussels
from tests.browser.support import expect, sign_in, watch
from tests.factories import (
    link_events,
    make_event,
    make_indicator,
    make_person,
    make_plan,
    make_registration,
    make_user,
)

PASSWORD = "door-test-password-1"
# where the screenshots go (to look at them); a temporary folder unless set
SHOTS = os.environ.get("COOPNET_SCREENSHOTS", "")

if TYPE_CHECKING:
    from playwright.sync_api import Page

# everything the door keeps in IndexedDB, as one JSON text
READ_STORE = """async () => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("coopnet-door"); r.onsuccess = () => ok(r.result); r.onerror = ko;
  });
  const out = {};
  for (const name of db.objectStoreNames) {
    out[name] = await new Promise((ok, ko) => {
      const r = db.transaction(name).objectStore(name).getAll();
      r.onsuccess = () => ok(r.result); r.onerror = ko;
    });
  }
  db.close();
  return JSON.stringify(out);
}"""


@pytest.fixture
def big_door(app):
    """Tonight's Dag van de Coöperatie: 60 people confirmed, one cancelled; two staff."""
    with app.app_context():
        make_user("staff", email="an@coopnet.test", display_name="An", password=PASSWORD)
        make_user("staff", email="bram@coopnet.test", display_name="Bram", password=PASSWORD)
        event = make_event("Dag van de Coöperatie", kind_slug="coopborrel", capacity=100,
                           starts_at=utcnow() + timedelta(minutes=30))
        people = [make_registration(event, make_person("Gast", f"Nummer{n:02d}"),
                                    organization_name=f"Coöp {n % 7}") for n in range(60)]
        cancelled = make_registration(event, make_person("Cas", "Geannuleerd"), status="cancelled")
        return {"id": event.id, "url": f"/staff/events/{event.id}/checkin",
                "codes": [r.ticket_code for r in people], "names": [
                    r.person.full_name for r in people],
                "cancelled_code": cancelled.ticket_code}


def _count(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-count="{key}"]')


def _until(page: Page, script: str, seconds: float = 20) -> None:
    """Wait until an (async) script gives true: wait_for_function does not await promises."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, (
            f"still not true: {script}\nkept: {page.evaluate(f'({READ_STORE})()')[:600]}")
        page.wait_for_timeout(200)


def _open_ready(page: Page, url: str, email: str = "an@coopnet.test") -> None:
    """Sign in, open the door page and wait until it is ready for offline use: the list is
    kept in IndexedDB and the service worker controls the page."""
    sign_in(page, email, PASSWORD)
    page.goto(url)
    expect(page.locator("#door-list li")).to_have_count(50)  # at most 50 drawn
    _until(page, "navigator.serviceWorker.ready.then(() => true)")
    _until(page, f"""async () => JSON.parse(await ({READ_STORE})()).lists.length === 1""")
    # the worker has kept the page: reload once so it controls it
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator("#door-list li")).to_have_count(50)


def _shot(page: Page, name: str, tmp_path: Path) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=False)
    return path


def test_fifty_check_ins_an_undo_and_a_walk_in_offline_reach_the_server_once(
        new_device, big_door, app, live_server, tmp_path):
    context = new_device()
    phone = context.new_page()
    problems = watch(phone)
    _open_ready(phone, big_door["url"])
    expect(_count(phone, "registered")).to_have_text("60")

    context.set_offline(True)
    banner = phone.locator("#door-offline")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Offline")
    # the page comes back without network, from what the phone kept
    phone.reload()
    expect(phone.get_by_role("heading", name="Dag van de Coöperatie")).to_be_visible()
    expect(phone.locator("#door-list li")).to_have_count(50)
    expect(banner).to_be_visible()

    scanner = phone.locator("#door-input")
    for code in big_door["codes"][:48]:
        scanner.fill(f"{live_server}/r/{code}")
        scanner.press("Enter")
        expect(scanner).to_have_value("")
    # two more by search and a tap, as for someone without a ticket on their phone
    for name in big_door["names"][48:50]:
        scanner.press_sequentially(name.split()[1])
        expect(phone.locator("#door-list li")).to_have_count(1)
        phone.locator("#door-list li button").tap()
    expect(_count(phone, "checked_in")).to_have_text("50")
    expect(phone.locator("#door-pending")).to_have_text("50")
    expect(phone.locator("#door-feedback")).to_contain_text("Ingecheckt: Gast Nummer49")

    # the last one was a mistake: undo
    phone.get_by_role("button", name="Ongedaan maken").tap()
    expect(phone.locator("#door-feedback")).to_contain_text(
        "Check-in ongedaan gemaakt: Gast Nummer49")
    expect(_count(phone, "checked_in")).to_have_text("49")

    # a scan twice says "already"; a cancelled ticket is refused; neither is kept
    scanner.fill(big_door["codes"][0])
    scanner.press("Enter")
    expect(phone.locator("#door-feedback")).to_contain_text("Gast Nummer00: al ingecheckt om")
    scanner.fill(big_door["cancelled_code"])
    scanner.press("Enter")
    expect(phone.locator("#door-feedback")).to_contain_text(
        "De inschrijving van Cas Geannuleerd werd geannuleerd.")
    expect(phone.locator("#door-pending")).to_have_text("51")

    phone.get_by_text("Walk-in toevoegen").tap()
    form = phone.locator("#walkin-form")
    form.get_by_role("button", name="Toevoegen en inchecken").tap()
    expect(form.locator('[data-field="name"]')).to_have_text("Vul een naam in.")
    form.get_by_label("Naam").fill("Nora Nieuwkomer")
    form.get_by_label("Organisatie").fill("Buurtcoöp Ledeberg")
    form.get_by_role("button", name="Toevoegen en inchecken").tap()
    expect(phone.locator("#door-feedback")).to_contain_text("Ingecheckt: Nora Nieuwkomer")
    expect(_count(phone, "checked_in")).to_have_text("50")
    expect(_count(phone, "registered")).to_have_text("61")
    expect(phone.locator("#door-pending")).to_have_text("52")
    scanner.press_sequentially("nora")
    expect(phone.locator("#door-list li")).to_have_count(1)
    expect(phone.locator("#door-list li .door-state")).to_contain_text("✓")
    scanner.fill("")
    scanner.press("Backspace")
    phone.evaluate("window.scrollTo(0, 0)")
    _shot(phone, "door-offline.png", tmp_path)

    # nothing reached the server yet
    with app.app_context():
        assert event_counts(big_door["id"]).checked_in == 0

    context.set_offline(False)
    expect(banner).to_be_hidden(timeout=20_000)
    expect(_count(phone, "checked_in")).to_have_text("50")
    expect(_count(phone, "registered")).to_have_text("61")
    _shot(phone, "door-after-sync.png", tmp_path)

    expected = set(big_door["names"][:49]) | {"Nora Nieuwkomer"}
    with app.app_context():
        counts = event_counts(big_door["id"])
        assert (counts.checked_in, counts.registered) == (50, 61)
        attended = db.session.execute(
            sa.select(Registration).where(Registration.event_id == big_door["id"],
                                          Registration.attended)).scalars().all()
        assert {r.person.full_name for r in attended} == expected
        assert db.session.execute(sa.select(sa.func.count(DoorAction.id))).scalar() == 52
        # the plan's "deelnemers" figure for the action this event serves says 50 too
        today = to_brussels(utcnow()).date()
        plan, action = make_plan("Plan", starts_on=date(today.year, 1, 1),
                                 ends_on=date(today.year + 1, 12, 31))
        link_events(action, db.session.get(Event, big_door["id"]))
        came = make_indicator(action, "attendances", target=100)
        token = create_api_token(make_user("coordinator"))
        db.session.commit()
        report = app.test_client().get(
            f"/api/v1/plans/{plan.id}/report?at={today + timedelta(days=1)}",
            headers={"Authorization": f"Bearer {token}"}).get_json()
        figure = report["goals"][0]["goals"][0]["actions"][0]["indicators"][0]
        assert (figure["id"], figure["actual"]) == (came.id, 50)

    # a second phone sees the same, in its counters and in the attendance list
    other = new_device().new_page()
    other_problems = watch(other)
    sign_in(other, "bram@coopnet.test", PASSWORD)
    other.goto(big_door["url"])
    expect(_count(other, "checked_in")).to_have_text("50")
    other.locator("#door-input").press_sequentially("Nummer49")
    expect(other.locator("#door-list li .door-state")).to_have_text("")
    other.locator("#door-input").fill("Nora")
    other.locator("#door-input").press("n")
    other.goto(f"/staff/events/{big_door['id']}/attendance")
    expect(other.locator('input[name="present"]:checked')).to_have_count(50)
    assert problems == [] and other_problems == []


def test_the_phone_keeps_hashes_not_ticket_codes_and_forgets_on_sign_out(
        new_device, big_door, app):
    context = new_device()
    phone = context.new_page()
    _open_ready(phone, big_door["url"])
    kept = phone.evaluate(f"({READ_STORE})()")
    stored = json.loads(kept)
    rows = stored["lists"][0]["rows"]
    assert len(rows) == 61
    assert "Gast Nummer07" in kept
    for code in big_door["codes"] + [big_door["cancelled_code"]]:
        assert code not in kept and code.upper() not in kept and code.lower() not in kept
    # what is kept: the HMAC of the code under the event's key, which the server derives
    with app.app_context():
        key = door_key(db.session.get(Event, big_door["id"]))
        first = db.session.execute(
            sa.select(Registration).where(Registration.ticket_code == big_door["codes"][0])
        ).scalar_one()
    row = next(r for r in rows if r["id"] == first.id)
    assert row["code_hashes"] == [code_hash(key, big_door["codes"][0])]

    # a list past its time and another staff member's list are gone at the next visit (an
    # action of theirs still waiting stays: it is sent, never thrown away)
    phone.evaluate("""async () => {
        const me = Number(document.getElementById("door").dataset.userId);
        await DoorStore.putList({event_id: 9001, user_id: me, rows: [], key: "",
                                 keep_until: "2020-01-01T00:00:00+01:00"});
        await DoorStore.putList({event_id: 9002, user_id: me + 1, rows: [], key: "",
                                 keep_until: "2999-01-01T00:00:00+01:00"});
        await DoorStore.addAction({event_id: 9002, user_id: me + 1, action: {id: "x"}});
    }""")
    assert len(json.loads(phone.evaluate(f"({READ_STORE})()"))["lists"]) == 3
    phone.reload()
    _until(phone, f"""async () => {{
        const kept = JSON.parse(await ({READ_STORE})());
        return kept.lists.length === 1 && kept.actions.length === 1;
    }}""")
    assert json.loads(phone.evaluate(f"({READ_STORE})()"))["lists"][0]["event_id"] == \
        big_door["id"]

    # signing out clears what the browser kept for the door
    phone.get_by_role("button", name="Menu").tap()
    phone.get_by_role("button", name="Afmelden").tap()
    expect(phone.locator(".alert-info")).to_contain_text("afgemeld")
    _until(phone, f"""async () => {{
        const dbs = await indexedDB.databases();
        if (!dbs.some(d => d.name === "coopnet-door")) return true;
        const kept = JSON.parse(await ({READ_STORE})());
        return (kept.lists || []).length === 0;
    }}""")
