"""Rate limits count per caller: a staff token, an account or else the visitor's address.

The limits are set small here (per hour, so a slow machine cannot spread the requests over
a window): visitors 5, members 8, staff and coordinators 12.
"""

import json
import socket
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest

from coopnet.auth.tokens import create_api_token
from coopnet.db import utcnow
from coopnet.extensions import db
from tests.factories import make_event, make_user

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "COOPNET_RATELIMIT_ANONYMOUS": "5 per hour",
    "COOPNET_RATELIMIT_MEMBER": "8 per hour",
    "COOPNET_RATELIMIT_STAFF": "12 per hour",
    "COOPNET_RATELIMIT_SIGN_IN": "3 per hour",
    "COOPNET_RATELIMIT_MEMBER_LINK": "20 per hour",
    "COOPNET_RATELIMIT_MEMBER_LINK_EMAIL": "2 per hour",
    "COOPNET_REGISTER_RATE_LIMIT": "2 per hour",
    "COOPNET_RATELIMIT_REGISTER_EMAIL": "2 per hour",
}
TOO_MANY = "Te veel verzoeken. Wacht even en probeer opnieuw."


@pytest.fixture
def app_config():
    # a fresh prefix: counts of other tests (or runs) never leak into this one
    return {**LIMITS, "COOPNET_RATELIMIT_KEY_PREFIX": f"t{uuid.uuid4().hex}"}


def _token(app, role="staff"):
    with app.app_context():
        token = create_api_token(make_user(role), name="scanner")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _gets(client, path, n, address, headers=None):
    statuses = []
    for _ in range(n):
        response = client.get(path, headers=headers or {}, environ_base={"REMOTE_ADDR": address})
        statuses.append(response.status_code)
        response.close()  # a static file stays open otherwise
    return statuses


def test_a_visitor_over_the_general_limit_gets_the_translated_page(client):
    assert _gets(client, "/", 5, "192.0.2.10") == [200] * 5
    refused = client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert refused.status_code == 429
    assert TOO_MANY in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    # static files never count, and another address has its own budget
    assert _gets(client, "/static/css/coopnet.css", 3, "192.0.2.10") == [200] * 3
    assert _gets(client, "/", 1, "192.0.2.11") == [200]


def test_the_api_answers_a_refusal_as_json_with_retry_after(client):
    assert _gets(client, "/api/v1/", 5, "192.0.2.20") == [200] * 5
    refused = client.get("/api/v1/", environ_base={"REMOTE_ADDR": "192.0.2.20"})
    assert refused.status_code == 429
    assert refused.get_json() == {"error": {"code": "rate_limited", "message": TOO_MANY}}
    assert 0 < int(refused.headers["Retry-After"]) <= 3600


def test_a_staff_token_is_not_held_to_the_visitors_limit_of_its_address(app, client):
    scanner = _token(app)
    assert _gets(client, "/api/v1/", 6, "198.51.100.5") == [200] * 5 + [429]
    # the same venue address, with a staff token: its own, larger budget
    assert _gets(client, "/api/v1/", 12, "198.51.100.5", scanner) == [200] * 12
    assert _gets(client, "/api/v1/", 1, "198.51.100.5", scanner) == [429]


def test_two_door_scanners_behind_one_address_have_separate_budgets(app, client):
    first, second = _token(app), _token(app, "coordinator")
    assert _gets(client, "/api/v1/", 13, "198.51.100.6", first) == [200] * 12 + [429]
    assert _gets(client, "/api/v1/", 12, "198.51.100.6", second) == [200] * 12


def test_a_coordinator_session_is_not_held_to_the_visitors_limit(client, login):
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    login(client, "coordinator")  # the sign-in is one of the address's 5
    assert _gets(client, "/", 10, "198.51.100.7") == [200] * 10
    assert _gets(client, "/", 3, "198.51.100.7") == [200, 200, 429]  # 12 for staff


def test_a_member_session_has_the_member_limit(client, login):
    client.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    login(client, "member")
    assert _gets(client, "/", 9, "198.51.100.8") == [200] * 8 + [429]


def test_sign_in_stays_limited_for_visitors(client):
    attempts = [client.post("/auth/login", data={"email": "x@coopnet.test", "password": "nope"},
                            environ_base={"REMOTE_ADDR": "192.0.2.30"}).status_code
                for _ in range(4)]
    assert attempts == [200, 200, 200, 429]


def test_a_sign_in_link_is_sent_to_one_address_only_so_often(client):
    statuses = [client.post("/auth/member", data={"email": "Lid@Example.test", "next": ""},
                            environ_base={"REMOTE_ADDR": f"192.0.2.{40 + n}"}).status_code
                for n in range(3)]
    assert statuses == [302, 302, 429]  # from three addresses: the address asked for counts
    other = client.post("/auth/member", data={"email": "ander@example.test", "next": ""},
                        environ_base={"REMOTE_ADDR": "192.0.2.43"})
    assert other.status_code == 302


def _register(client, event_id, email, address, headers=None):
    return client.post(f"/api/v1/events/{event_id}/registrations", headers=headers or {},
                       environ_base={"REMOTE_ADDR": address},
                       json={"name": "R", "email": email, "consent": True}).status_code


def test_staff_register_walk_ins_beyond_the_visitors_registration_limit(app, client):
    with app.app_context():
        event_id = make_event(starts_at=utcnow() + timedelta(days=3)).id
    scanner = _token(app)
    visitor = [_register(client, event_id, f"v{n}@example.test", "192.0.2.50") for n in range(3)]
    assert visitor == [201, 201, 429]
    staff = [_register(client, event_id, f"s{n}@example.test", "192.0.2.50", scanner)
             for n in range(4)]
    assert staff == [201] * 4


def test_registrations_for_one_e_mail_address_are_limited_across_addresses(app, client):
    with app.app_context():
        event_id = make_event(starts_at=utcnow() + timedelta(days=3)).id
    # the second is a repeat (200: the link is mailed again); a third mail is refused
    assert _register(client, event_id, "same@example.test", "192.0.2.60") == 201
    assert _register(client, event_id, "SAME@example.test", "192.0.2.61") == 200
    page = client.post(f"/events/{event_id}/register", environ_base={"REMOTE_ADDR": "192.0.2.62"},
                       data={"name": "R", "email": "same@example.test", "consent": "y"})
    assert page.status_code == 429  # the page and the API count together
    assert _register(client, event_id, "other@example.test", "192.0.2.62") == 201


def test_an_ipv6_visitor_is_counted_by_its_64_network(client):
    assert _gets(client, "/", 5, "2001:db8:1:2::10") == [200] * 5
    assert _gets(client, "/", 1, "2001:db8:1:2:ffff::1") == [429]  # same /64
    assert _gets(client, "/", 1, "2001:db8:1:3::10") == [200]  # another /64


@pytest.mark.parametrize("app_config", [{**LIMITS, "COOPNET_PROXY_COUNT": 1,
                                         "COOPNET_RATELIMIT_KEY_PREFIX": f"p{uuid.uuid4().hex}"}])
def test_behind_one_trusted_proxy_the_forwarded_address_counts(client):
    def get(forwarded):
        return client.get("/", headers={"X-Forwarded-For": forwarded},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code

    # a visitor cannot escape by making up addresses: the proxy appends the real one
    assert [get(f"203.0.113.{n}, 192.0.2.70") for n in range(6)] == [200] * 5 + [429]
    assert get("192.0.2.71") == 200  # another visitor through the same proxy


@pytest.mark.parametrize("app_config", [{**LIMITS, "COOPNET_PROXY_COUNT": 0,
                                         "COOPNET_RATELIMIT_KEY_PREFIX": f"p{uuid.uuid4().hex}"}])
def test_without_trusted_proxies_x_forwarded_for_is_ignored(client):
    statuses = [client.get("/", headers={"X-Forwarded-For": f"192.0.2.{80 + n}"},
                           environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


SECOND_PROCESS = """
import json, sys
from coopnet import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                  "COOPNET_RATELIMIT_STAFF": "3 per hour", "COOPNET_RATELIMIT_KEY_PREFIX": sys.argv[2],
                  "SECRET_KEY": "x" * 32})
client = app.test_client()
print(json.dumps([client.get("/api/v1/", headers={"Authorization": "Bearer " + sys.argv[3]},
                             environ_base={"REMOTE_ADDR": "192.0.2.90"}).status_code
                  for _ in range(2)]))
"""


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
@pytest.mark.parametrize("app_config", [{**LIMITS, "COOPNET_RATELIMIT_STAFF": "3 per hour",
                                         "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}])
def test_a_token_budget_is_shared_by_app_processes_through_redis(app, client):
    prefix = f"t{uuid.uuid4().hex}"
    app.config["COOPNET_RATELIMIT_KEY_PREFIX"] = prefix
    scanner = _token(app)
    assert _gets(client, "/api/v1/", 2, "192.0.2.90", scanner) == [200, 200]
    token = scanner["Authorization"].removeprefix("Bearer ")
    result = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, app.config["SQLALCHEMY_DATABASE_URI"], prefix,
         token], capture_output=True, text=True, timeout=60, check=True,
    )
    # the other process has seen the first two: one more, then refused
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [200, 429]
