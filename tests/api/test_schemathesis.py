"""Schemathesis, an independent API fuzzer, against the app's own OpenAPI document.

The schema is read from the app (/api/v1/openapi.json through WSGI, no server). Every
operation is called with generated requests, valid and invalid ones, and every one of
schemathesis's checks runs on each answer: no 5xx, only documented statuses, content types,
headers and bodies as documented, invalid input refused, valid input accepted, a declared
token really required, unsupported methods refused with 405 and Allow.

The database has data (a published future event with seats, registrations with ticket codes,
a plan with indicators): half the generated requests use those ids, so operations succeed
instead of answering 404 only. COOPNET_SCHEMATHESIS_EXAMPLES raises the number of examples
per operation (default 10).

No check is switched off: schemathesis runs all of them by default (max_response_time aside,
which needs a limit). The stateful phase is not run (the document declares no links), so
use_after_free and ensure_resource_availability only see what single requests show.
The schema is loaded at import (schemathesis.pytest.from_fixture does not run on pytest 9:
it reads a node attribute pytest removed), from a scratch app; the requests go to the
module's app with data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation

from coopnet import create_app
from coopnet.auth.tokens import create_api_token
from coopnet.db import utcnow
from coopnet.events.models import EventSeries
from coopnet.extensions import db
from coopnet.validators import parse_datetime
from tests.conftest import _empty_postgres
from tests.factories import (
    make_event,
    make_indicator,
    make_organization,
    make_plan,
    make_registration,
    make_user,
)

MAX_EXAMPLES = int(os.environ.get("COOPNET_SCHEMATHESIS_EXAMPLES", "10"))


def _seed() -> dict[str, Any]:
    """Rows the generated requests can find, and a token per staff role."""
    starts = utcnow().replace(microsecond=0) + timedelta(days=30)
    event = make_event("Coopborrel Gent", starts_at=starts, capacity=500)
    # PATCH changes (and may cancel) an event of its own
    changed = make_event("Webinar om te wijzigen", starts_at=starts, capacity=500)
    registration = make_registration(event)
    checked_in = make_registration(event, checked_in_at=starts)
    # a plan over the whole accepted range: any generated event may count for its action
    plan, action = make_plan(starts_on=date(2000, 1, 1), ends_on=date(2100, 12, 31))
    indicator = make_indicator(action)
    series = EventSeries(name="Thematische groep")
    db.session.add(series)
    organization = make_organization("Coop Gent")
    coordinator = create_api_token(make_user("coordinator"))
    staff = create_api_token(make_user("staff"))
    db.session.commit()
    return {
        "known": {
            "path": {"event_id": event.id, "ticket_code": registration.ticket_code,
                     "code": checked_in.ticket_code, "plan_id": plan.id,
                     "indicator_id": indicator.id},
            "PATCH /api/v1/events/{event_id}": {"event_id": changed.id},
            "body": {"series": series.id, "action": action.id,
                     "organization": organization.id},
        },
        "tokens": {"coordinator": coordinator, "staff": staff},
    }


class _AppUnderTest:
    """The WSGI app schemathesis calls: the module's app, once the fixture has made it."""

    app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)


def _load_schema() -> Any:
    """The document as the app serves it, read at collection time (so that pytest gets one
    test per operation) from an app on a migrated scratch database (it lists the event kinds)."""
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        APP.app = create_app({"TESTING": True, "COOPNET_BASE_URL": "http://coopnet.test",
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/schema.sqlite"})
        with APP.app.app_context():
            upgrade()
        loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
        with APP.app.app_context():
            db.engine.dispose()
    return loaded


APP = _AppUnderTest()
schema = _load_schema()
schema.config.generation.update(max_examples=MAX_EXAMPLES)
# filled by the fixture: path parameters that address rows that exist
KNOWN: dict[str, Any] = {}


@schema.hook
def before_generate_case(context: Any, strategy: Any) -> Any:
    """Half the cases address rows that exist (unless the path itself is the invalid part);
    in half the valid ones, each body text the document sets no length limit on is very long
    (so a limit the server keeps but the document does not state is found)."""
    operation = context.operation.label
    unlimited = _unlimited_texts(context.operation.method, context.operation.path)

    def fill(drawn: tuple[Any, bool, bool]) -> Any:
        case, use_known, long_texts = drawn
        meta = case.meta
        if use_known and case.path_parameters and not (
                meta is not None and meta.is_negative_at(ParameterLocation.PATH)):
            known = {**KNOWN.get("path", {}), **KNOWN.get(operation, {})}
            case.path_parameters = {name: known.get(name, value)
                                    for name, value in case.path_parameters.items()}
        if (long_texts and meta is not None and meta.generation.mode.is_positive
                and isinstance(case.body, dict)):
            case.body = {name: value + "x" * LONG if name in unlimited and isinstance(
                value, str) else value for name, value in case.body.items()}
        return case

    return st.tuples(strategy, st.booleans(), st.booleans()).map(fill)


# longer than any text the server takes
LONG = 20_001


def _unlimited_texts(method: str, path: str) -> set[str]:
    """The body's plain text properties without a maxLength in the document (free text that
    any length of keeps valid: no format, enum, or anchored pattern)."""
    raw = schema.raw_schema
    body = raw["paths"][path][method.lower()].get("requestBody")
    if body is None:
        return set()
    found = body["content"]["application/json"]["schema"]
    if "$ref" in found:
        found = raw["components"]["schemas"][found["$ref"].rsplit("/", 1)[-1]]
    names = set()
    for name, prop in found.get("properties", {}).items():
        kinds = prop.get("type")
        is_text = kinds == "string" or (isinstance(kinds, list) and "string" in kinds)
        if is_text and not ({"maxLength", "format", "enum", "const", "anyOf"} & set(prop)) and (
                not prop.get("pattern", "").startswith("^")):
            names.add(name)
    return names


def _consistent(body: dict[str, Any], *, patch: bool) -> dict[str, Any]:
    """A valid body that also keeps the rules across fields and rows: the end not before the
    start, registration closing after it opens, references to rows that exist. The server
    refuses the others with 422 (tests/api/test_api_contract.py checks that by hand)."""
    body = dict(body)
    for start, end in (("starts_at", "ends_at"),
                       ("registration_opens_at", "registration_closes_at")):
        if patch and (start in body) != (end in body):
            # one of a pair alone is compared with the stored other one
            body.pop(start, None)
            body.pop(end, None)
        first, last = parse_datetime(body.get(start)), parse_datetime(body.get(end))
        if first is not None and last is not None:
            if last < first:
                body[start], body[end] = body[end], body[start]
            if start.startswith("registration_") and first == last:
                body.pop(end)
    if isinstance(body.get("series"), int | float):
        body["series"] = KNOWN["body"]["series"]
    if isinstance(body.get("action_ids"), list):
        body["action_ids"] = [KNOWN["body"]["action"]] if body["action_ids"] else []
    if isinstance(body.get("organization"), int | float) and not isinstance(
            body["organization"], bool):
        body["organization"] = KNOWN["body"]["organization"]
    return body


@pytest.fixture(scope="module")
def seeded(database_template: dict[str, str], tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Any]:
    """One app and database with data for the whole module (not one per example)."""
    tmp = tmp_path_factory.mktemp("schemathesis")
    if database_template["kind"] == "sqlite":
        path = tmp / "coopnet.sqlite"
        shutil.copyfile(database_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = database_template["url"]
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "COOPNET_MAIL_DIR": str(tmp / "mail"),
        "COOPNET_BASE_URL": "http://coopnet.test",
        "SERVER_NAME": None,
    })
    with app.app_context():
        data = _seed()
    KNOWN.update(data["known"])
    APP.app = app
    yield data
    KNOWN.clear()
    if database_template["kind"] == "postgresql":
        _empty_postgres(app)
    with app.app_context():
        db.engine.dispose()


def _call(case: Any, seeded: dict[str, Any], role: str) -> None:
    token = seeded["tokens"][role]
    meta = case.meta
    # valid bodies (of every phase) also follow the rules a JSON Schema cannot state
    if meta is not None and meta.generation.mode.is_positive and isinstance(case.body, dict):
        case.body = _consistent(case.body, patch=case.method == "PATCH")
    # a case whose invalid part is its headers (a missing or bogus token) is sent as generated
    if meta is not None and meta.is_negative_at(ParameterLocation.HEADER):
        case.call_and_validate()
    else:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None,
                    suppress_health_check=list(HealthCheck))


@pytest.mark.slow
@schema.parametrize()
@SETTINGS
def test_api_conforms_to_its_document_for_a_coordinator(case: Any, seeded: dict[str, Any]) -> None:
    _call(case, seeded, "coordinator")


@pytest.mark.slow
@schema.parametrize()
@SETTINGS
def test_api_conforms_to_its_document_for_staff(case: Any, seeded: dict[str, Any]) -> None:
    _call(case, seeded, "staff")
