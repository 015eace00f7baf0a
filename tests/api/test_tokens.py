"""Bearer tokens: created by the CLI, acting with their user's role; cookies do not count.

A Bearer header that is not a live token is 401 `invalid_token` everywhere (RFC 6750);
other schemes (Basic) are not ours: ignored, so a token-only endpoint answers 401 with a
plain `WWW-Authenticate: Bearer` and public pages serve as usual.
"""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import jsonify

from coopnet.auth.access import STAFF, access
from coopnet.auth.models import ApiToken, User
from coopnet.auth.tokens import create_api_token, token_use_due
from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.members.services import save_contact_person
from coopnet.privacy.services import erase_person
from tests.factories import make_event, make_organization, make_registration, make_user


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


@pytest.mark.parametrize("role,header,status,code", [
    (None, None, 401, "unauthorized"),
    (None, "Bearer cn_not-a-real-token", 401, "invalid_token"),
    (None, "Basic abc", 401, "unauthorized"),
    ("member", "token", 403, None),
    ("staff", "token", 200, None),
    ("coordinator", "token", 200, None),
])
def test_staff_endpoint_answers_401_403_200(staff_probe, runner, role, header, status, code):
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
        assert response.get_json()["error"]["code"] == code


def test_a_signed_in_session_cookie_does_not_authenticate_the_api(staff_probe, login):
    client = staff_probe.test_client()
    login(client, "staff")
    assert client.get("/api/v1/probe-staff-only").status_code == 401


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


INVALID = 'Bearer error="invalid_token"'


def _assert_invalid_token(response):
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == INVALID
    error = response.get_json()["error"]
    assert error["code"] == "invalid_token"
    assert "niet geldig" in error["message"]


@pytest.fixture
def event_id(app):
    with app.app_context():
        return make_event(title="Coopborrel Gent", kind_slug="coopborrel").id


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _staff_token(app, **user_fields):
    with app.app_context():
        user = make_user("staff", **user_fields)
        token = create_api_token(user, name="scanner")
        db.session.commit()
        return user.id, token


def test_a_revoked_token_is_refused(app, client, runner, event_id):
    user_id, token = _staff_token(app, email="an@coopnet.test")
    counts = f"/api/v1/events/{event_id}/counts"
    assert client.get(counts, headers=_bearer(token)).status_code == 200
    result = runner.invoke(args=["token", "revoke", "an@coopnet.test"])
    assert result.exit_code == 0 and "Revoked 1 API token(s)" in result.output, result.output
    _assert_invalid_token(client.get(counts, headers=_bearer(token)))
    _assert_invalid_token(client.get("/api/v1/events", headers=_bearer(token)))


def test_revoking_by_name_leaves_the_other_tokens(app, client, runner, event_id):
    with app.app_context():
        user = make_user("staff", email="an@coopnet.test")
        door = create_api_token(user, name="door")
        website = create_api_token(user, name="website")
        db.session.commit()
    assert runner.invoke(args=["token", "revoke", "an@coopnet.test", "--name", "door"]
                         ).exit_code == 0
    counts = f"/api/v1/events/{event_id}/counts"
    _assert_invalid_token(client.get(counts, headers=_bearer(door)))
    assert client.get(counts, headers=_bearer(website)).status_code == 200


def test_the_token_of_a_disabled_account_is_refused(app, client, event_id):
    user_id, token = _staff_token(app)
    with app.app_context():
        db.session.get(User, user_id).is_active_account = False
        db.session.commit()
    _assert_invalid_token(client.get(f"/api/v1/events/{event_id}/counts", headers=_bearer(token)))
    _assert_invalid_token(client.get("/api/v1/", headers=_bearer(token)))


def test_the_token_of_an_erased_person_is_refused(app, client):
    with app.app_context():
        coop = make_organization("Zuidwind")
        person = save_contact_person(coop, first_name="Lies", last_name="Peeters",
                                     email="lies@zuidwind.test", actor=None)
        user = make_user("member", email="lies@zuidwind.test", person=person)
        token = create_api_token(user)
        db.session.commit()
        person_id = person.id
    assert client.get("/api/v1/", headers=_bearer(token)).get_json()["role"] == "member"
    with app.app_context():
        erase_person(db.session.get(Person, person_id), actor=None)
        db.session.commit()
    _assert_invalid_token(client.get("/api/v1/", headers=_bearer(token)))


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/", "/api/v1/openapi.json",
                                  "/", "/events/", "/vacatures", "/auth/login",
                                  "/api/v1/nothing-here"])
@pytest.mark.parametrize("header", [
    "Bearer cn_not-a-real-token",
    "Bearer garbage",
    "bearer cn_" + "x" * 200,
    "Bearer",
    "Bearer    ",
])
def test_a_bad_bearer_token_is_refused_on_public_endpoints_and_pages(client, path, header):
    _assert_invalid_token(client.get(path, headers={"Authorization": header}))


def test_without_a_token_a_staff_endpoint_names_the_bearer_scheme(client, event_id):
    response = client.get(f"/api/v1/events/{event_id}/counts")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_other_schemes_are_ignored(client, event_id):
    """Basic (e.g. from a proxy guarding a test site) is not a coopnet credential: not refused
    as a bad token, but it opens nothing either."""
    basic = {"Authorization": "Basic YWRtaW46YWRtaW4="}
    assert client.get("/api/v1/events", headers=basic).status_code == 200
    assert client.get("/", headers=basic).status_code == 200
    response = client.get(f"/api/v1/events/{event_id}/counts", headers=basic)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_live_token_does_not_sign_in_on_pages(app, client):
    """Pages go by the session cookie; a token there neither opens staff pages nor is refused."""
    _user_id, token = _staff_token(app)
    response = client.get("/staff/events/", headers=_bearer(token))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/", headers=_bearer(token)).status_code == 200


def test_the_token_wins_over_a_remembered_session_on_the_api(app, client, login):
    """A browser with a 'keep me signed in' cookie calling the API acts as the token's account."""
    with app.app_context():
        user = make_user("coordinator", email="co@coopnet.test", password="pw-pw-pw-pw")
    client.post("/auth/login", data={"email": "co@coopnet.test", "password": "pw-pw-pw-pw",
                                     "remember": "y"})
    _user_id, token = _staff_token(app)
    assert client.get("/api/v1/", headers=_bearer(token)).get_json()["role"] == "staff"
    assert client.get("/api/v1/").get_json()["role"] is None
    assert user is not None


# --- last_used_at: at most one write per LAST_USED_PRECISION -------------------------


def test_token_use_is_due_at_most_every_five_minutes():
    first = datetime(2022, 2, 10, 19, 0, tzinfo=UTC)
    assert token_use_due(None, first) is True
    assert token_use_due(first, first + timedelta(minutes=1)) is False
    assert token_use_due(first, first + timedelta(minutes=4, seconds=59)) is False
    assert token_use_due(first, first + timedelta(minutes=5)) is True
    assert token_use_due(first, first + timedelta(minutes=10)) is True


class _Writes:
    """Counts commits and UPDATEs of api_tokens on the app's engine."""

    def __init__(self, engine):
        self.engine, self.commits, self.token_updates = engine, 0, 0

    def _commit(self, _conn):
        self.commits += 1

    def _statement(self, _conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            self.token_updates += 1

    def __enter__(self):
        sa.event.listen(self.engine, "commit", self._commit)
        sa.event.listen(self.engine, "before_cursor_execute", self._statement)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "commit", self._commit)
        sa.event.remove(self.engine, "before_cursor_execute", self._statement)


def _last_used(app, token):
    with app.app_context():
        from coopnet.auth.tokens import hash_token

        return db.session.execute(sa.select(ApiToken.last_used_at).where(
            ApiToken.token_hash == hash_token(token))).scalar_one()


def _set_last_used(app, token, when):
    with app.app_context():
        from coopnet.auth.tokens import hash_token

        db.session.execute(sa.update(ApiToken).where(ApiToken.token_hash == hash_token(token))
                           .values(last_used_at=when))
        db.session.commit()


@pytest.fixture
def engine(app):
    with app.app_context():
        return db.engine


def test_reads_within_minutes_write_last_used_once(app, client, engine, event_id):
    _user_id, token = _staff_token(app)
    counts = f"/api/v1/events/{event_id}/counts"
    assert _last_used(app, token) is None
    with _Writes(engine) as writes:
        assert client.get(counts, headers=_bearer(token)).status_code == 200
        assert client.get(counts, headers=_bearer(token)).status_code == 200
    assert (writes.token_updates, writes.commits) == (1, 1)
    first = _last_used(app, token)
    assert abs(utcnow() - first) < timedelta(minutes=1)

    ten_minutes_ago = utcnow() - timedelta(minutes=10)
    _set_last_used(app, token, ten_minutes_ago)
    with _Writes(engine) as writes:
        assert client.get(counts, headers=_bearer(token)).status_code == 200
    assert writes.token_updates == 1
    assert _last_used(app, token) - ten_minutes_ago >= timedelta(minutes=9)


def test_a_door_scan_is_one_commit_with_the_token_use_in_it(app, client, engine, event_id):
    _user_id, token = _staff_token(app)
    with app.app_context():
        from coopnet.events.models import Event

        codes = [make_registration(db.session.get(Event, event_id)).ticket_code for _ in range(2)]
    url = f"/api/v1/events/{event_id}/checkins"
    with _Writes(engine) as writes:
        assert client.post(url, json={"code": codes[0]}, headers=_bearer(token)).status_code == 201
    assert (writes.token_updates, writes.commits) == (1, 1)
    with _Writes(engine) as writes:
        assert client.post(url, json={"code": codes[1]}, headers=_bearer(token)).status_code == 201
    assert (writes.token_updates, writes.commits) == (0, 1)
    assert _last_used(app, token) is not None


def test_a_refused_request_still_notes_the_token_use(app, client, event_id):
    _user_id, token = _staff_token(app)
    response = client.post(f"/api/v1/events/{event_id}/checkins", json={"code": "nope"},
                           headers=_bearer(token))
    assert response.status_code == 404
    assert _last_used(app, token) is not None


def test_the_api_neither_reads_nor_writes_the_session_cookie(app, client):
    """A signed-in browser calling the API: the API does not see the session, sets no cookie,
    and the browser is still signed in on the pages afterwards."""
    with app.app_context():
        make_user("coordinator", email="co@coopnet.test", password="pw-pw-pw-pw")
    client.post("/auth/login", data={"email": "co@coopnet.test", "password": "pw-pw-pw-pw",
                                     "remember": "y"})
    assert client.get("/staff/events/").status_code == 200
    _user_id, token = _staff_token(app)
    for headers in ({}, _bearer(token)):
        answer = client.get("/api/v1/", headers=headers)
        assert answer.status_code == 200
        assert answer.get_json()["role"] == ("staff" if headers else None)
        assert "Set-Cookie" not in answer.headers
    refused = client.get("/api/v1/events/1/counts")
    assert refused.status_code == 401 and "Set-Cookie" not in refused.headers
    assert client.get("/staff/events/").status_code == 200
