"""Every endpoint declares who may use it; the declaration is enforced."""

import pytest
from flask import Blueprint

from coopnet.auth.access import (
    COORDINATOR,
    EXEMPT_ENDPOINTS,
    LEVELS,
    STAFF,
    access,
    access_level_of,
)


def test_every_endpoint_declares_its_access_level(app):
    undeclared = [
        rule.endpoint for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT_ENDPOINTS and access_level_of(app, rule.endpoint) not in LEVELS
    ]
    assert undeclared == []


@pytest.fixture
def app_with_probe_pages(app):
    """Adds three pages of different levels, as real areas will."""
    probe = Blueprint("probe", __name__, url_prefix="/probe")

    @probe.route("/staff")
    @access(STAFF)
    def staff_page():
        return "staff page"

    @probe.route("/coordinator")
    @access(COORDINATOR)
    def coordinator_page():
        return "coordinator page"

    @probe.route("/undeclared")
    def undeclared_page():
        return "should never show"

    app.register_blueprint(probe)
    return app


@pytest.mark.parametrize(
    "role,path,expected",
    [
        (None, "/probe/staff", 302),
        ("member", "/probe/staff", 403),
        ("staff", "/probe/staff", 200),
        ("coordinator", "/probe/staff", 200),
        (None, "/probe/coordinator", 302),
        ("member", "/probe/coordinator", 403),
        ("staff", "/probe/coordinator", 403),
        ("coordinator", "/probe/coordinator", 200),
        ("coordinator", "/probe/undeclared", 403),
    ],
)
def test_roles_open_and_close_pages(app_with_probe_pages, login, role, path, expected):
    client = app_with_probe_pages.test_client()
    if role:
        login(client, role)
    response = client.get(path)
    assert response.status_code == expected


def test_anonymous_visitor_is_sent_to_sign_in_and_back(app_with_probe_pages):
    client = app_with_probe_pages.test_client()
    response = client.get("/probe/staff")
    assert response.headers["Location"] == "/auth/login?next=/probe/staff"


def test_forbidden_page_is_in_the_layout_and_dutch(app_with_probe_pages, login):
    client = app_with_probe_pages.test_client()
    login(client, "member")
    page = client.get("/probe/staff").get_data(as_text=True)
    assert "Je hebt geen toegang tot deze pagina." in page
    assert "Coopkracht" in page
