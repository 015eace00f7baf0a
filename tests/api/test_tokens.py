"""Bearer tokens: created by the CLI, acting with their user's role; cookies do not count."""

import pytest
from flask import jsonify

from coopnet.auth.access import STAFF, access
from tests.factories import make_user


def test_token_create_prints_the_token_alone_on_the_last_line(runner, app):
    with app.app_context():
        make_user("staff", email="an@coopnet.test")
    result = runner.invoke(args=["token", "create", "an@coopnet.test", "--name", "scanner"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("cn_") and " " not in token and len(token) > 40


def test_token_create_for_unknown_account_fails_clearly(runner):
    result = runner.invoke(args=["token", "create", "nobody@coopnet.test"])
    assert result.exit_code != 0
    assert "No account with e-mail address nobody@coopnet.test" in result.output


def _token(runner, app, role):
    with app.app_context():
        user = make_user(role)
        email = user.email
    return runner.invoke(args=["token", "create", email]).output.strip().splitlines()[-1]


def test_api_root_tells_the_callers_role(client, runner, app):
    assert client.get("/api/v1/").get_json() == {"api": "coopnet", "version": 1, "role": None}
    token = _token(runner, app, "staff")
    answer = client.get("/api/v1/", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert answer["role"] == "staff"


@pytest.fixture
def staff_probe(app):
    @access(STAFF)
    def probe():
        return jsonify({"ok": True})

    app.add_url_rule("/api/v1/probe-staff-only", "api_probe", probe)
    return app


@pytest.mark.parametrize("role,header,status", [
    (None, None, 401),
    (None, "Bearer cn_not-a-real-token", 401),
    (None, "Basic abc", 401),
    ("member", "token", 403),
    ("staff", "token", 200),
    ("coordinator", "token", 200),
])
def test_staff_endpoint_answers_401_403_200(staff_probe, runner, role, header, status):
    app = staff_probe
    client = app.test_client()
    headers = {}
    if header == "token":
        headers["Authorization"] = f"Bearer {_token(runner, app, role)}"
    elif header:
        headers["Authorization"] = header
    response = client.get("/api/v1/probe-staff-only", headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_signed_in_session_cookie_does_not_authenticate_the_api(staff_probe, login):
    client = staff_probe.test_client()
    login(client, "staff")
    assert client.get("/api/v1/probe-staff-only").status_code == 401


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
