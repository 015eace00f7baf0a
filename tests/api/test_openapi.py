"""The OpenAPI document describes exactly the API's routes."""

import re

from coopnet.auth.access import STAFF, access_level_of


def _routes(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower(), rule.endpoint))
    return routes


def test_every_api_route_is_described_and_nothing_else(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    routes = _routes(app)
    assert {(path, method) for path, method, _ in routes} == described
    for path, method, endpoint in routes:
        operation = document["paths"][path][method]
        # staff-only endpoints say they need the bearer token; public ones do not
        needs_token = access_level_of(app, endpoint) in (STAFF, "coordinator")
        assert ("security" in operation) == needs_token, (path, method)
        for parameter in re.findall(r"{([a-z_]+)}", path):
            assert parameter in {p["name"] for p in operation.get("parameters", [])}
