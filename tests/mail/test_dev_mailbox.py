"""/dev/mailbox: the outbox as a page in development, and nowhere else."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from coopnet.auth.access import access_level_of
from coopnet.config import load_config
from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.mail.services import queue_mail
from tests.factories import make_event
from tests.security.test_endpoints import EXPECTED_ACCESS

NOW = datetime(2022, 2, 1, 9, 0, tzinfo=UTC)  # 10:00 in Brussels


@pytest.fixture
def app_config(request, monkeypatch):  # type: ignore[no-untyped-def]
    """The app as COOPNET_ENV (default development) makes it, not as the test profile."""
    env = getattr(request, "param", "development")
    monkeypatch.setenv("COOPNET_ENV", env)
    return {} if env == "testing" else {"TESTING": False}


def _queue(app, subject="Je inschrijving: Coopborrel Gent", text="Dag An", now=NOW, to="an@example.test"):  # type: ignore[no-untyped-def]
    with app.app_context():
        message = queue_mail(kind="registration_confirmed", to=to, subject=subject, text=text,
                             now=now)
        db.session.commit()
        return message


@pytest.mark.parametrize("app_config", ["production", "testing"], indirect=True)
def test_outside_development_the_mailbox_does_not_exist(app, client):
    message_id = _queue(app)
    assert app.config["COOPNET_ENV"] in {"production", "testing"}
    assert client.get("/dev/mailbox").status_code == 404
    assert client.get(f"/dev/mailbox/{message_id}").status_code == 404
    assert "/dev/mailbox" not in client.get("/").get_data(as_text=True)
    assert not any(rule.rule.startswith("/dev") for rule in app.url_map.iter_rules())


def test_only_the_development_profile_turns_the_mailbox_on(monkeypatch, tmp_path):
    monkeypatch.setenv("COOPNET_SECRET_KEY", "a-long-enough-production-secret")
    monkeypatch.setenv("COOPNET_DEV_MAILBOX", "true")  # not a setting: ignored
    for env, expected in (("development", True), ("production", False), ("testing", False)):
        monkeypatch.setenv("COOPNET_ENV", env)
        assert load_config(str(tmp_path))["COOPNET_DEV_MAILBOX"] is expected, env


def test_in_development_the_mailbox_pages_are_the_only_extra_endpoints_and_public(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - EXPECTED_ACCESS.keys()) == ["devmail.mailbox", "devmail.message"]
    assert access_level_of(app, "devmail.mailbox") == "public"
    assert access_level_of(app, "devmail.message") == "public"


def test_a_registration_on_the_public_page_shows_in_the_mailbox_with_its_link(app, client, runner):
    with app.app_context():
        event_id = make_event("Coopborrel Gent", starts_at=utcnow() + timedelta(days=10)).id
        db.session.commit()
    assert 'href="/dev/mailbox"' in client.get("/").get_data(as_text=True)
    empty = client.get("/dev/mailbox").get_data(as_text=True)
    assert "Nog geen e-mails." in empty

    response = client.post(f"/events/{event_id}/register", data={
        "name": "An Peeters", "email": "an@example.test", "organization": "", "consent": "y"})
    code = re.search(r"/r/([A-Za-z0-9_-]{43})", response.headers["Location"]).group(1)

    listing = client.get("/dev/mailbox")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "Mailbox (ontwikkeling)" in html
    assert "Je inschrijving: Coopborrel Gent" in html
    assert "Aan: an@example.test" in html
    assert "Nog te verzenden" in html
    message_id = int(re.search(r'href="/dev/mailbox/(\d+)"', html).group(1))

    result = runner.invoke(args=["mail", "send"])
    assert result.output == "sent 1, to retry 0, failed 0\n"
    assert "Verzonden" in client.get("/dev/mailbox").get_data(as_text=True)

    detail = client.get(f"/dev/mailbox/{message_id}").get_data(as_text=True)
    link = f"http://coopnet.test/r/{code}"
    assert f'<a href="{link}" rel="noopener noreferrer">{link}</a>' in detail
    assert "Dag An,\n\nJe bent ingeschreven voor Coopborrel Gent." in detail
    assert "Bijlagen" in detail and ".ics" in detail
    assert client.get(link.removeprefix("http://coopnet.test")).status_code == 200


def test_the_mailbox_shows_brussels_time_newest_first_fifty_a_page(app, client):
    for minute in range(51):
        _queue(app, subject=f"Mail {minute}", now=NOW + timedelta(minutes=minute))
    first = client.get("/dev/mailbox").get_data(as_text=True)
    subjects = re.findall(r"Mail \d+", first)
    assert len(subjects) == 50
    assert subjects[:2] == ["Mail 50", "Mail 49"]
    assert subjects[-1] == "Mail 1"
    assert "1/02/2022, 10:50" in first  # 09:50 UTC, written the Belgian Dutch way (nl_BE)
    assert "Pagina 1 van 2" in first
    assert 'href="/dev/mailbox?page=2"' in first
    second = client.get("/dev/mailbox?page=2").get_data(as_text=True)
    assert re.findall(r"Mail \d+", second) == ["Mail 0"]
    assert "1/02/2022, 10:00" in second
    assert 'href="/dev/mailbox?page=1"' in second


def test_a_mail_with_markup_is_shown_as_text_and_only_web_addresses_become_links(app, client):
    message_id = _queue(
        app, subject='<script>alert("onderwerp")</script>',
        text='Klik <script>alert(1)</script> hier: https://coopnet.test/r/abc?x=1&y=<b>.\n'
             'Niet: javascript:alert(2) of "https://a.test/"onmouseover="x"',
    )
    listing = client.get("/dev/mailbox").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;onderwerp&#34;)&lt;/script&gt;" in listing
    assert "<script>alert" not in listing

    detail = client.get(f"/dev/mailbox/{message_id}").get_data(as_text=True)
    assert "<script>alert" not in detail
    assert "Klik &lt;script&gt;alert(1)&lt;/script&gt; hier: " in detail
    assert ('<a href="https://coopnet.test/r/abc?x=1&amp;y=" rel="noopener noreferrer">'
            "https://coopnet.test/r/abc?x=1&amp;y=</a>&lt;b&gt;.") in detail
    assert "Niet: javascript:alert(2) of &#34;" in detail
    assert ('<a href="https://a.test/" rel="noopener noreferrer">https://a.test/</a>'
            "&#34;onmouseover=&#34;x&#34;") in detail
    assert detail.count("<a href=\"http") == 2


def test_an_unknown_message_is_not_found(app, client):
    assert client.get("/dev/mailbox/999").status_code == 404
