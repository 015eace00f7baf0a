"""Hostile and broken input against every form and JSON endpoint (property-based, hypothesis).

Every state-changing endpoint the app has is found in the URL map, so areas added later
are fuzzed without being listed here. The demo data set gives real ids to put in URLs.
Properties: never a 5xx; user text never comes back unescaped; API refusals are JSON
with a stable error code. COOPNET_FUZZ_EXAMPLES sets the inputs per endpoint (default 25).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopnet import create_app
from coopnet.auth.access import EXEMPT_ENDPOINTS, access_level_of
from coopnet.extensions import db
from tests.conftest import KEEP_TABLES, IsolatedClient

EXAMPLES = int(os.environ.get("COOPNET_FUZZ_EXAMPLES", "25"))
SCRIPT = "<script>alert('coopnet')</script>"
NASTY = [
    SCRIPT, "\"><img src=x onerror=alert(1)>", "'; DROP TABLE people; --", "' OR '1'='1",
    "\x00\x01\x02\x1b[31m", "\u202eevil\u202c", "🍺" * 50, "Ω≈ç√∫˜µ≤≥÷", "𝕮𝖔𝖔𝖕", "=cmd|' /C calc'!A0",
    "+31 (0)4 12 34", "-1", "0", "99999999999999999999999", "1e309", "NaN", "2022-02-30",
    "not-an-email", "a@b", "@", " ", "", "\r\n\r\n", "null", "true", "[]", "{}",
    "x" * 10000, "é" * 3000,
]
# URL arguments filled with a real row from the demo data (first match by name)
URL_VALUES = {
    "event_id": "SELECT id FROM events WHERE status = 'published' ORDER BY starts_at DESC",
    "person_id": "SELECT id FROM people ORDER BY id",
    "organization_id": "SELECT id FROM organizations ORDER BY id",
    "org_id": "SELECT id FROM organizations ORDER BY id",
    "registration_id": "SELECT id FROM registrations ORDER BY id",
    "ticket_code": "SELECT ticket_code FROM registrations ORDER BY id",
    "code": "SELECT ticket_code FROM registrations ORDER BY id",
    "plan_id": "SELECT id FROM plans ORDER BY id",
    "goal_id": "SELECT id FROM plan_goals ORDER BY id",
    "action_id": "SELECT id FROM plan_actions ORDER BY id",
    "indicator_id": "SELECT id FROM plan_indicators ORDER BY id",
    "snapshot_id": "SELECT id FROM plan_report_snapshots ORDER BY id",
    "vacancy_id": "SELECT id FROM vacancies ORDER BY id",
    "pairing_id": "SELECT id FROM pairings ORDER BY id",
    "contact_id": "SELECT id FROM member_contacts ORDER BY id",
    "series_id": "SELECT id FROM event_series ORDER BY id",
}
# endpoints that end the session or replace the database: walked elsewhere, not fuzzed
SKIP = {"auth.logout"}
COUNTS: Counter[str] = Counter()

text_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
    st.integers().map(str),
    st.dates().map(date.isoformat),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.sampled_from(NASTY), st.text(max_size=30)),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10),
                                                                     children, max_size=4),
    max_leaves=10,
)
API_FIELDS = ["title", "kind", "starts_at", "ends_at", "city", "location", "online_url",
              "capacity", "waitlist_enabled", "visibility", "status", "action_ids", "name",
              "email", "organization", "consent", "code", "description"]


def _module_app(database_template: dict[str, str], tmp_path: Path):
    if database_template["kind"] == "sqlite":
        path = tmp_path / "fuzz.sqlite"
        shutil.copyfile(database_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = database_template["url"]
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "fuzz-secret-key-0123456789",
                      "COOPNET_MAIL_DIR": str(tmp_path / "mail")})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="module")
def fuzz_app(database_template, tmp_path_factory):
    """One app with the demo data for the whole module (loading it per example is too slow)."""
    from coopnet.demo.services import load_demo

    app = _module_app(database_template, tmp_path_factory.mktemp("fuzz"))
    with app.app_context():
        load_demo(today=date(2022, 2, 1))
        db.session.commit()
    yield app
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            tables = [t.name for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
            with db.engine.begin() as conn:
                conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                     + " RESTART IDENTITY CASCADE"))
        db.engine.dispose()
    report = os.environ.get("COOPNET_FUZZ_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as f:
            f.write(json.dumps(dict(COUNTS)) + "\n")


def _targets() -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every endpoint that takes input."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "enumerate-only-0123456789"})
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT_ENDPOINTS or rule.endpoint in SKIP:
            continue
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def _url(app, rule_text: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    values = {}
    with app.app_context():
        for name in rule.arguments:
            query = URL_VALUES.get(name)
            value = None
            if query:
                try:
                    value = db.session.execute(sa.text(query)).scalars().first()
                except sa.exc.DBAPIError:
                    db.session.rollback()
            values[name] = value if value is not None else (
                999999 if "id" in name else "does-not-exist")
    return rule.build(values, append_unknown=False)[1]


def _field_names(client, url: str) -> list[str]:
    page = client.get(url)
    names = []
    if page.status_code == 200 and page.mimetype == "text/html":
        names = re.findall(r'name="([^"]+)"', page.get_data(as_text=True))
    page.close()
    names = [n for n in dict.fromkeys(names) if n not in ("csrf_token", "next")]
    return names or ["name", "email", "title", "organization", "value", "note"]


def _signed_in_client(app, role: str):
    from tests.factories import make_user

    client = app.test_client()
    email = f"fuzz-{role}@coopnet.test"
    with app.app_context():
        from coopnet.auth.queries import user_by_email

        if user_by_email(email) is None:
            make_user(role, email=email, password="fuzz-password-1")
    client.post("/auth/login", data={"email": email, "password": "fuzz-password-1"})
    return client


def _token(app, role: str) -> str:
    from coopnet.auth.tokens import create_api_token
    from tests.factories import make_user

    with app.app_context():
        token = create_api_token(make_user(role))
        db.session.commit()
    return token


@pytest.mark.parametrize("endpoint,method,rule", _targets())
def test_hostile_input_never_breaks_an_endpoint(fuzz_app, endpoint, method, rule):
    app = fuzz_app
    level = access_level_of(app, endpoint)
    url = _url(app, rule)
    is_api = rule.startswith("/api/")
    if is_api:
        client = app.test_client()
        headers = {} if level in ("public", "ticket") else {
            "Authorization": f"Bearer {_token(app, 'coordinator')}"}
        fields = API_FIELDS
    else:
        client = app.test_client() if level in ("public", "ticket") else _signed_in_client(
            app, "coordinator")
        headers = {}
        fields = _field_names(client, url)

    def total_rows() -> int:
        with app.app_context():
            return sum(db.session.execute(sa.select(sa.func.count()).select_from(table)
                                          ).scalar_one()
                       for table in db.metadata.sorted_tables
                       if table.name not in ("api_tokens", "users", "audit_entries"))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def probe(data):
        rows_before = total_rows()
        if is_api:
            kind = data.draw(st.sampled_from(["object", "object", "other", "garbage"]))
            if kind == "object":
                body = data.draw(st.dictionaries(st.sampled_from(fields) | st.text(max_size=8),
                                                 json_values, max_size=8))
                response = client.open(url, method=method, json=body, headers=headers)
            elif kind == "other":
                response = client.open(url, method=method, json=data.draw(json_values),
                                       headers=headers)
            else:
                raw = data.draw(st.binary(max_size=200))
                response = client.open(url, method=method, data=raw, headers=headers,
                                       content_type="application/json")
        else:
            form = data.draw(st.fixed_dictionaries(
                {}, optional={name: text_values for name in fields}))
            response = client.open(url, method=method, data=form)
        COUNTS[f"{method} {rule}"] += 1
        body_text = response.get_data(as_text=True)
        status, mimetype = response.status_code, response.mimetype
        response.close()
        assert status < 500, f"{method} {url} answered {status}"
        if mimetype == "text/html":
            assert SCRIPT not in body_text, f"{method} {url} echoed a script tag unescaped"
        if 400 <= status < 500 or (status == 200 and mimetype == "text/html" and
                                   "is-invalid" in body_text):
            assert total_rows() == rows_before, f"{method} {url} stored data on a refusal"
        if is_api and status >= 400:
            error = json.loads(body_text)["error"]
            assert error["code"] and error["message"]

    probe()
