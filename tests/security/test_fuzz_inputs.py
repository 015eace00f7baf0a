"""Hostile and broken input against every state-changing endpoint (property-based, hypothesis).

Every POST/PUT/PATCH/DELETE endpoint in the URL map has a recipe (tests/security/
fuzz_recipes.py) that prepares, per example, what the action needs (a fresh open event, a
registration to cancel, a vacancy to approve, a member contact person signed in ...), the
right caller and a base of valid inputs. Hypothesis sends the base unchanged, with one to
three fields replaced by hostile values or dropped, or replaces it entirely.

Properties: never a 5xx; user text never comes back unescaped; no rows stored on a refusal;
API refusals are JSON with a stable error code; and every endpoint reaches its success at
least once (so the fuzzing gets past validation into the logic). Each endpoint's status
distribution is appended to the file named by COOPNET_FUZZ_REPORT (JSON lines).
COOPNET_FUZZ_EXAMPLES sets the inputs per endpoint (default 10).
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections import Counter, defaultdict
from datetime import UTC, date, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopnet import create_app
from coopnet.auth.access import EXEMPT_ENDPOINTS
from coopnet.extensions import db
from tests.conftest import KEEP_TABLES, IsolatedClient
from tests.security.fuzz_recipes import (
    ANON,
    MEMBER,
    RECIPES,
    SKIP,
    TOKEN_STAFF,
    Outcome,
    Prepared,
    member_org,
)

EXAMPLES = int(os.environ.get("COOPNET_FUZZ_EXAMPLES", "10"))
SCRIPT = "<script>alert('coopnet')</script>"
NASTY = [
    SCRIPT, "\"><img src=x onerror=alert(1)>", "'; DROP TABLE people; --", "' OR '1'='1",
    "\x00\x01\x02\x1b[31m", "\u202eevil\u202c", "🍺" * 50, "Ω≈ç√∫˜µ≤≥÷", "𝕮𝖔𝖔𝖕", "=cmd|' /C calc'!A0",
    "+31 (0)4 12 34", "-1", "0", "99999999999999999999999", "1e309", "NaN", "2022-02-30",
    "not-an-email", "a@b", "@", " ", "", "\r\n\r\n", "null", "true", "[]", "{}",
    "x" * 10000, "é" * 3000,
]
# per endpoint ("METHOD rule"): how often each status came back, and how often it succeeded
COUNTS: dict[str, Counter[int]] = defaultdict(Counter)
SUCCESSES: Counter[str] = Counter()
# numbers and moments at the edges of what the database and the clock take
EDGES = ["9223372036854775807", "9223372036854775808", "2147483648", "-2147483649", "-0",
         "1e309", "Infinity", "0001-01-01", "9999-12-31", "10000-01-01", "0001-01-01T00:00",
         "9999-12-31T23:59", "2022-03-27T02:30", "00:00", "24:00"]
OFFSETS = [UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))]
text_values = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(EDGES),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
    st.integers().map(str),
    st.dates().map(date.isoformat),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.sampled_from([2**63, -(2**63) - 1, 2**31, 10**30, 1e308]),
              st.sampled_from(NASTY), st.sampled_from(EDGES), st.text(max_size=30),
              st.datetimes(timezones=st.sampled_from(OFFSETS)).map(lambda d: d.isoformat())),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10),
                                                                     children, max_size=4),
    max_leaves=10,
)


def _module_app(database_template: dict[str, str], tmp_path: Path):
    if database_template["kind"] == "sqlite":
        path = tmp_path / "fuzz.sqlite"
        shutil.copyfile(database_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = database_template["url"]
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "fuzz-secret-key-0123456789", "RATELIMIT_ENABLED": False,
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
            f.write(json.dumps({key: {"statuses": dict(sorted(counts.items())),
                                            "successes": SUCCESSES[key]}
                                      for key, counts in sorted(COUNTS.items())}) + "\n")


def _targets() -> list[str]:
    """"METHOD rule" of every endpoint that changes state."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "enumerate-only-0123456789"})
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            found.append(f"{method} {rule.rule}")
    return sorted(found)


TARGETS = _targets()


def test_every_state_changing_endpoint_has_a_recipe():
    """A new endpoint without a recipe fails here (add one to fuzz_recipes.py, or a reason
    to SKIP); a recipe for an endpoint that is gone fails too."""
    assert sorted(t for t in TARGETS if t not in RECIPES and t not in SKIP) == []
    assert sorted(k for k in [*RECIPES, *SKIP] if k not in TARGETS) == []


class Context:
    """What recipes share within one endpoint's examples: the signed-in member's co-op."""

    def __init__(self) -> None:
        self.member_organization_id: int | None = None

    def member_organization(self):  # type: ignore[no-untyped-def]
        from coopnet.members.models import Organization

        return db.session.get(Organization, self.member_organization_id)


def _client(app, caller: str, ctx: Context) -> tuple[Any, dict[str, str]]:
    """A client signed in as `caller` (or anonymous), and the headers it sends."""
    from tests.factories import make_member_user, make_user

    client = app.test_client()
    if caller == ANON:
        return client, {}
    with app.app_context():
        if caller == TOKEN_STAFF:
            from coopnet.auth.tokens import create_api_token

            token = create_api_token(make_user("staff"))
            db.session.commit()
            return client, {"Authorization": f"Bearer {token}"}
        if caller == MEMBER:
            org = member_org()
            ctx.member_organization_id = org.id
            user = make_member_user(org, password="fuzz-password-1")
        else:
            user = make_user(caller, password="fuzz-password-1")
        email = user.email
    answer = client.post("/auth/login", data={"email": email, "password": "fuzz-password-1"})
    assert answer.status_code == 302, f"{caller} could not sign in"
    return client, {}


def _total_rows(app) -> int:
    with app.app_context():
        return sum(db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                   for table in db.metadata.sorted_tables
                   if table.name not in ("api_tokens", "users", "audit_entries"))


def _send(client, method: str, url: str, headers: dict[str, str], prepared: Prepared,
          body: Any, files: dict[str, tuple[bytes, str]], raw: bytes | None):  # type: ignore[no-untyped-def]
    if raw is not None:
        return client.open(url, method=method, data=raw, headers=headers,
                           content_type="application/json")
    if prepared.kind == "json":
        return client.open(url, method=method, json=body, headers=headers)
    data = dict(body)
    for name, (content, filename) in files.items():
        data[name] = (io.BytesIO(content), filename)
    return client.open(url, method=method, data=data, headers=headers,
                       content_type="multipart/form-data" if files else None)


def _perturbed(data, prepared: Prepared):  # type: ignore[no-untyped-def]
    """The body, files and raw bytes to send: the valid base, a few fields broken, or junk."""
    values = json_values if prepared.kind == "json" else text_values
    mode = data.draw(st.sampled_from(["valid", "some", "valid", "some", "hostile"]), label="mode")
    body: Any = dict(prepared.base)
    files = dict(prepared.files)
    raw = None
    if mode == "some":
        names = sorted({*body, *files, "note", "name"})
        for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3,
                                       unique=True), label="fields"):
            if name in files:
                files[name] = data.draw(st.tuples(
                    st.binary(max_size=300) | st.sampled_from([b"", b"\x00" * 50]),
                    st.sampled_from(["x.csv", "x.xlsx", "x.txt", "", "../../etc/passwd"])))
            elif data.draw(st.booleans(), label=f"drop {name}"):
                body.pop(name, None)
            else:
                body[name] = data.draw(values, label=name)
    elif mode == "hostile":
        if prepared.kind == "json":
            shape = data.draw(st.sampled_from(["object", "other", "garbage"]))
            if shape == "object":
                body = data.draw(st.dictionaries(st.sampled_from([*prepared.base, "x"])
                                                 | st.text(max_size=8), json_values, max_size=8))
            elif shape == "other":
                body = data.draw(json_values)
            else:
                raw = data.draw(st.binary(max_size=200))
        else:
            body = data.draw(st.fixed_dictionaries(
                {}, optional={name: text_values for name in [*prepared.base, "note"]}))
            files = {name: (data.draw(st.binary(max_size=300)), "upload.bin") for name in files}
    return mode, body, files, raw


def _outcome(client, response) -> Outcome:  # type: ignore[no-untyped-def]
    body = response.get_data(as_text=True)
    with client.session_transaction() as session:
        flashes = [category for category, _message in session.pop("_flashes", [])]
    outcome = Outcome(status=response.status_code, location=response.headers.get("Location", ""),
                      flashes=flashes, body=body, cookies=response.headers.getlist("Set-Cookie"))
    response.close()
    return outcome


@pytest.mark.parametrize("target", [t for t in TARGETS if t in RECIPES])
def test_hostile_input_never_breaks_an_endpoint(fuzz_app, target):
    app = fuzz_app
    method, rule = target.split(" ", 1)
    recipe = RECIPES[target]
    ctx = Context()
    client, headers = _client(app, recipe.caller, ctx)
    is_api = rule.startswith("/api/")

    def example(draw_input) -> None:  # type: ignore[no-untyped-def]
        """Prepare fresh objects, send the (perturbed) input, check the properties."""
        example_client = app.test_client() if recipe.caller == ANON else client
        with app.app_context():
            prepared = recipe.prepare(ctx)
        mode, body, files, raw = draw_input(prepared)
        rows_before = _total_rows(app)
        response = _send(example_client, method, prepared.url, headers, prepared, body, files,
                         raw)
        outcome = _outcome(example_client, response)
        COUNTS[target][outcome.status] += 1
        shown = f"{method} {prepared.url} ({mode}) {body!r:.300} files={list(files)}"
        assert outcome.status < 500, f"{shown} answered {outcome.status}"
        if outcome.status == 200 and "text/html" in response.content_type:
            assert SCRIPT not in outcome.body, f"{shown} echoed a script tag unescaped"
        success = prepared.success(outcome) if prepared.success else 200 <= outcome.status < 300
        if success:
            SUCCESSES[target] += 1
        elif 400 <= outcome.status < 500 or (outcome.status == 200 and
                                             "is-invalid" in outcome.body):
            assert _total_rows(app) == rows_before, f"{shown} stored data on a refusal"
        if is_api and outcome.status >= 400:
            error = json.loads(outcome.body)["error"]
            assert error["code"] and error["message"]

    # the valid base once for certain (so "never succeeded" cannot depend on the draw) ...
    example(lambda prepared: ("valid", dict(prepared.base), dict(prepared.files), None))

    # ... then hypothesis: the base unchanged, a few fields broken, or junk
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def probe(data):
        example(lambda prepared: _perturbed(data, prepared))

    probe()
    assert SUCCESSES[target] > 0, (
        f"{target} never got past validation: statuses {dict(COUNTS[target])}")
