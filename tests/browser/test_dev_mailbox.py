"""In development, a newcomer registers on a phone and finds the mail, and its link, on /dev/mailbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from coopnet.db import utcnow
from tests.browser.support import PHONE, expect
from tests.factories import make_event


@pytest.fixture
def app_config(monkeypatch):  # type: ignore[no-untyped-def]
    """The development profile (not the test one), with CSRF on as the browser tests have it."""
    monkeypatch.setenv("COOPNET_ENV", "development")
    return {"TESTING": False, "WTF_CSRF_ENABLED": True}


def test_register_then_read_the_mail_and_follow_its_link(app, phone, runner):
    with app.app_context():
        make_event("Coopborrel Gent", kind_slug="coopborrel", city="Gent",
                   starts_at=utcnow() + timedelta(days=10))
    phone.goto("/events/")
    phone.get_by_role("link", name="Coopborrel Gent").tap()
    form = phone.locator("#register form")
    form.get_by_label("Naam").fill("Nieuwe Collega")
    form.get_by_label("E-mailadres").fill("nieuwe.collega@example.test")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Inschrijven").tap()
    expect(phone).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]{43}"))
    ticket = phone.url.split("#")[0]

    assert runner.invoke(args=["mail", "send"]).output == "sent 1, to retry 0, failed 0\n"
    phone.get_by_role("link", name="Mailbox (ontwikkeling)").tap()
    expect(phone.get_by_role("heading", name="Mailbox (ontwikkeling)")).to_be_visible()
    mail = phone.get_by_role("link", name=re.compile("Je inschrijving: Coopborrel Gent"))
    expect(mail).to_contain_text("Aan: nieuwe.collega@example.test")
    expect(mail).to_contain_text("Verzonden")
    phone.wait_for_load_state("load")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    mail.tap()
    phone.wait_for_load_state("load")  # measured with the stylesheet applied
    body = phone.locator("pre")
    # the text keeps its lines on screen (innerText follows the CSS), its link wraps on a phone
    assert body.inner_text().startswith("Dag Nieuwe,\n\nJe bent ingeschreven voor Coopborrel Gent.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    body.get_by_role("link", name=ticket).tap()
    expect(phone).to_have_url(ticket)
    expect(phone.get_by_role("heading", name="Je inschrijving")).to_be_visible()
