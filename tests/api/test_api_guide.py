"""docs/api.md, the API guide, against the OpenAPI document the server serves.

The guide names each operation in a heading (#### `METHOD /api/v1/...`) and in its endpoint
table (with who may call it). Both must list exactly the document's operations, the table's
callers must agree with each view's @access declaration, and every JSON example must parse.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coopnet.auth.access import COORDINATOR, PUBLIC, STAFF, TICKET, access_level_of

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
OPERATION = r"(GET|POST|PATCH|PUT|DELETE) (/api/v1/[^`\s]*)"
# the first words of the guide's "who may call it" column, as access levels
CALLERS = {"anyone": PUBLIC, "the holder of the ticket code": TICKET, "staff token": STAFF,
           "coordinator token": COORDINATOR}


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _described(client) -> set[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json").get_json()
    return {(method.upper(), path) for path, operations in document["paths"].items()
            for method in operations}


def _headings(guide: str) -> list[tuple[str, str]]:
    return re.findall(rf"^#### `{OPERATION}`$", guide, flags=re.MULTILINE)


def _table(guide: str) -> dict[tuple[str, str], str]:
    rows = re.findall(rf"^\| `{OPERATION}` \| ([^|]+) \|$", guide, flags=re.MULTILINE)
    return {(method, path): caller.strip() for method, path, caller in rows}


def test_the_guide_has_a_section_for_every_operation_and_no_other(client, guide):
    headings = _headings(guide)
    assert len(headings) == len(set(headings)), "an operation has two sections"
    assert set(headings) == _described(client)
    # 19 operations today; written by hand so that a lost section cannot go unnoticed
    assert len(headings) == 19


def test_the_endpoint_table_lists_every_operation_and_no_other(client, guide):
    assert set(_table(guide)) == _described(client)


def test_the_table_says_who_may_call_each_operation_as_the_view_declares(app, guide):
    endpoints = {}
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            endpoints[(method, path)] = rule.endpoint
    for operation, caller in _table(guide).items():
        levels = [level for words, level in CALLERS.items() if caller.startswith(words)]
        assert len(levels) == 1, f"{operation}: say who may call it in the guide's words"
        assert access_level_of(app, endpoints[operation]) == levels[0], operation


def test_every_json_example_parses(guide):
    blocks = re.findall(r"^ *```json\n(.*?)^ *```$", guide, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) >= 17
    for block in blocks:
        json.loads(block)


def test_the_examples_show_the_error_shape(guide):
    errors = [json.loads(block)["error"] for block in re.findall(
        r"^ *```json\n(\s*\{\s*\"error\".*?)^ *```$", guide, flags=re.MULTILINE | re.DOTALL)]
    assert errors, "no error example"
    for error in errors:
        assert set(error) <= {"code", "message", "fields"}
        assert re.fullmatch(r"[a-z_]+", error["code"])
