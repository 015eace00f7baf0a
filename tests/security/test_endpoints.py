"""Walk every endpoint as anonymous, member, staff and coordinator.

The expectation comes from the endpoint's declared access level, so every page and API
route that any area adds is covered without listing it here: protected endpoints refuse
the wrong roles, and no endpoint answers 500 to a plain request with unknown ids.
"""

from __future__ import annotations

import pytest
from flask import Flask

from coopnet.auth.access import EXEMPT_ENDPOINTS, ROLE_ORDER, access_level_of

ROLES = (None, "member", "staff", "coordinator")


def _concrete_urls(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with placeholder values for its arguments."""
    samples = {"integer": "999999", "unicode": "does-not-exist", "path": "does/not/exist",
               "float": "1.5", "uuid": "00000000-0000-0000-0000-000000000000"}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT_ENDPOINTS:
            continue
        values = {}
        for name, converter in rule._converters.items():  # noqa: SLF001
            kind = type(converter).__name__.replace("Converter", "").lower()
            if kind == "any":
                values[name] = sorted(converter.items)[0]  # type: ignore[attr-defined]
            else:
                values[name] = samples.get(kind, "does-not-exist")
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            urls.append((rule.endpoint, method, path))
    # signing out ends the session: walk it last
    return sorted(urls, key=lambda url: url[0] == "auth.logout")


def _expected_refusal(level: str, role: str | None, path: str) -> int | None:
    """The status the access rule must give, or None when the role is admitted."""
    if level in ("public", "ticket"):
        return None
    if role is None:
        return 401 if path.startswith("/api/") else 302
    if path.startswith("/api/"):
        return 401  # the API ignores session cookies: without a token one is anonymous
    return None if ROLE_ORDER[role] >= ROLE_ORDER[level] else 403


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_obeys_its_declared_access_level(app, login, role):
    client = app.test_client()
    if role:
        login(client, role)
    failures = []
    for endpoint, method, path in _concrete_urls(app):
        level = access_level_of(app, endpoint)
        response = client.open(path, method=method, data={})
        expected = _expected_refusal(level, role, path)
        status = response.status_code
        if status >= 500:
            failures.append(f"{method} {path} ({endpoint}) answered {status}")
        elif expected is not None and status != expected:
            failures.append(f"{method} {path} ({endpoint}, {level}) answered {status}, "
                            f"expected {expected} for {role or 'anonymous'}")
        elif expected is None and status in (401, 403) and level != "ticket":
            failures.append(f"{method} {path} ({endpoint}, {level}) refused "
                            f"{role or 'anonymous'} with {status}")
        response.close()
    assert failures == []


def test_security_headers_and_csp_without_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script(client):
    html = client.get("/").get_data(as_text=True)
    import re

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline script found: {tag}"
    assert "onclick=" not in html.lower()


HOSTILE_QUERY = ("q=%00&kind=%3Cscript%3E&city=%00&month=garbage&status=%00&page=-1"
                 "&at=2022-13-45&from=%00&to=x&start=%00&end=%00&sector=%00&province=%00"
                 "&obj=%00&next=%00&sort=%00")


@pytest.mark.parametrize("role", (None, "coordinator"))
def test_hostile_query_strings_never_break_a_page(app, login, role):
    """Filters with NUL, markup and impossible dates give a page (or a refusal), never a 500."""
    client = app.test_client()
    if role:
        login(client, role)
    failures = []
    for endpoint, method, path in _concrete_urls(app):
        if method != "GET" or endpoint == "auth.logout":
            continue
        response = client.get(f"{path}?{HOSTILE_QUERY}")
        if response.status_code >= 500:
            failures.append(f"GET {path} ({endpoint}) answered {response.status_code}")
        elif b"<script>" in response.data and not path.endswith((".csv", ".ics")):
            failures.append(f"GET {path} ({endpoint}) echoed unescaped markup")
        response.close()
    assert failures == []


def test_nul_characters_never_reach_a_view(app):
    """Query strings and form fields lose NUL, whichever of form or files a view reads first
    (Flask-WTF reads the files first): PostgreSQL refuses NUL in text."""
    import io

    from flask import request

    with app.test_request_context("/?city=Gent%00&kind=%00", method="POST",
                                  data={"offer_text": "Hulp\x00 bij boekhouding",
                                        "upload": (io.BytesIO(b"a;b"), "leden.csv")}):
        assert request.files["upload"].filename == "leden.csv"
        assert request.form["offer_text"] == "Hulp bij boekhouding"
        assert (request.args["city"], request.args["kind"]) == ("Gent", "")
