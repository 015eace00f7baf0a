"""Who may use every endpoint, written down by hand, and a walk that checks it.

EXPECTED_ACCESS is the reviewed list of every endpoint of the app. It is not derived from
the `@access` declarations: the walk compares it with the declarations and with what the
app really answers to each kind of caller, on real objects (so the handlers run, not only
404s). A new endpoint, or a declaration changed without changing this table, fails here.

Levels:
  public           anyone
  ticket           anyone holding the unguessable code in the URL (the view checks the code)
  member           any signed-in account
  own-coop member  a signed-in contact person, acting on their own co-op's data only;
                   another co-op's member is refused (403/404) or sees only their own
  staff            staff and the coordinator
  coordinator      the coordinator only
The API (/api/) takes bearer tokens only and ignores the session cookie; pages take the
session only and ignore tokens.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from coopnet.auth.access import EXEMPT_ENDPOINTS, access_level_of
from coopnet.auth.tokens import create_api_token
from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.members.models import MemberImport
from coopnet.members.services import save_contact_person
from coopnet.pairings.models import MeetingProfile
from coopnet.plan.services import take_snapshot
from coopnet.vacancies.models import Vacancy
from tests.factories import (
    link_events,
    make_contact,
    make_event,
    make_indicator,
    make_organization,
    make_pairing,
    make_person,
    make_plan,
    make_profile,
    make_registration,
    make_user,
    make_vacancy,
)

PUBLIC, TICKET, MEMBER, OWN_COOP, STAFF, COORDINATOR = (
    "public", "ticket", "member", "own-coop member", "staff", "coordinator")

EXPECTED_ACCESS = {
    # files
    "static": PUBLIC,
    "bootstrap.static": PUBLIC,
    # home, language, privacy statement
    "main.home": PUBLIC,
    "main.set_language": PUBLIC,
    "registrations.privacy": PUBLIC,
    # sign-in
    "auth.login": PUBLIC,
    "auth.member_login": PUBLIC,
    "auth.member_link_sent": PUBLIC,
    "auth.member_link": TICKET,
    "auth.logout": MEMBER,
    # public calendar and registration
    "events.calendar": PUBLIC,
    "events.detail": PUBLIC,
    "events.ics": PUBLIC,
    "events.feed": PUBLIC,
    "registrations.register_page": PUBLIC,
    "registrations.ticket": TICKET,
    "registrations.cancel": TICKET,
    "registrations.ticket_ics": TICKET,
    # public vacancies
    "vacancies.index": PUBLIC,
    "vacancies.detail": PUBLIC,
    "vacancies.feed": PUBLIC,
    # a contact person's own pages, about their own co-op
    "me.home": OWN_COOP,
    "vacancies.mine": OWN_COOP,
    "vacancies.new": OWN_COOP,
    "vacancies.edit": OWN_COOP,
    "vacancies.withdraw": OWN_COOP,
    "pairings.mine": OWN_COOP,
    # staff: events
    "staff_events.index": STAFF,
    "staff_events.create": STAFF,
    "staff_events.edit": STAFF,
    "staff_events.publish": STAFF,
    "staff_events.cancel": STAFF,
    # staff: registrations, door, attendance
    "registrations.staff_list": STAFF,
    "registrations.staff_export_csv": STAFF,
    "registrations.staff_export_xlsx": STAFF,
    "registrations.staff_cancel": STAFF,
    "registrations.staff_resend": STAFF,
    "registrations.staff_correct": STAFF,
    "registrations.staff_move": STAFF,
    "checkin.overview": STAFF,
    "checkin.door": STAFF,
    "checkin.scan": STAFF,
    "checkin.undo": STAFF,
    "checkin.walkin": STAFF,
    "checkin.state": STAFF,
    "checkin.door_list_json": STAFF,
    "checkin.sync": STAFF,
    "checkin.service_worker": STAFF,
    "checkin.manifest": STAFF,
    "checkin.attendance": STAFF,
    "checkin.import_report": STAFF,
    "checkin.confirm_import": STAFF,
    # staff: member register, contact log, import, personal data
    "members.index": STAFF,
    "members.create": STAFF,
    "members.detail": STAFF,
    "members.edit": STAFF,
    "members.add_membership": STAFF,
    "members.end_membership": STAFF,
    "members.person_form": STAFF,
    "members.log_contact": STAFF,
    "members.contacts_overview": STAFF,
    "members.follow_up_done": STAFF,
    "members.import_upload": STAFF,
    "members.import_preview": STAFF,
    "members.import_confirm": STAFF,
    "members.people": STAFF,
    "members.person": STAFF,
    "members.confirm_claim": STAFF,
    "privacy.export": STAFF,
    "privacy.erase": STAFF,
    # staff: vacancy moderation
    "vacancies.staff_list": STAFF,
    "vacancies.staff_detail": STAFF,
    "vacancies.approve": STAFF,
    "vacancies.reject": STAFF,
    # micro-meetings: staff run them, the coordinator proposes and accepts
    "pairings.index": STAFF,
    "pairings.profiles": STAFF,
    "pairings.edit_profile": STAFF,
    "pairings.held": STAFF,
    "pairings.cancel": STAFF,
    "pairings.proposal": COORDINATOR,
    "pairings.accept": COORDINATOR,
    # the action plan: the coordinator's
    "plan.index": COORDINATOR,
    "plan.indicator_csv": COORDINATOR,
    "plan.indicator_xlsx": COORDINATOR,
    "plan.link_unlinked_events": COORDINATOR,
    "plan.import_plan": COORDINATOR,
    "plan.dashboard": COORDINATOR,
    "plan.confirm_all": COORDINATOR,
    "plan.indicator": COORDINATOR,
    "plan.edit_indicator": COORDINATOR,
    "plan.add_value": COORDINATOR,
    "plan.delete_indicator": COORDINATOR,
    "plan.action": COORDINATOR,
    "plan.unlink_event": COORDINATOR,
    "plan.report_csv_download": COORDINATOR,
    "plan.report_xlsx_download": COORDINATOR,
    "plan.report_print": COORDINATOR,
    "plan.take_snapshot": COORDINATOR,
    "plan.snapshot": COORDINATOR,
    "plan.report_docx_download": COORDINATOR,
    "plan.report_pdf_download": COORDINATOR,
    "plan.snapshot_docx": COORDINATOR,
    "plan.snapshot_pdf": COORDINATOR,
    "plan.save_report_comment": COORDINATOR,
    # API: public
    "api.index": PUBLIC,
    "api.openapi": PUBLIC,
    "api.list_events": PUBLIC,
    "api.get_event": PUBLIC,
    "api.create_registration": PUBLIC,
    "api.get_registration": TICKET,
    "api.cancel": TICKET,
    # API: staff
    "api.post_event": STAFF,
    "api.patch_event": STAFF,
    "api.list_registrations": STAFF,
    "api.create_checkin": STAFF,
    "api.delete_checkin": STAFF,
    "api.create_walkin": STAFF,
    "api.counts": STAFF,
    "api.door_list": STAFF,
    "api.door_actions": STAFF,
    # API: coordinator
    "api.plans": COORDINATOR,
    "api.plan_report_json": COORDINATOR,
    "api.indicator_records_json": COORDINATOR,
}

# the declaration each table level corresponds to (own-coop checks are the view's job)
DECLARED_AS = {PUBLIC: "public", TICKET: "ticket", MEMBER: "member", OWN_COOP: "member",
               STAFF: "staff", COORDINATOR: "coordinator"}
RANK = {"member": 1, "staff": 2, "coordinator": 3}
NEEDS = {MEMBER: "member", OWN_COOP: "member", STAFF: "staff", COORDINATOR: "coordinator"}


def test_the_table_lists_every_endpoint_as_declared(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - EXPECTED_ACCESS.keys()) == [], "endpoints missing from the table"
    assert sorted(EXPECTED_ACCESS.keys() - endpoints) == [], "table lists unknown endpoints"
    wrong = {}
    for endpoint, expected in EXPECTED_ACCESS.items():
        declared = access_level_of(app, endpoint)
        if endpoint in EXEMPT_ENDPOINTS and declared is None:
            declared = "public"  # Flask's and Bootstrap's file endpoints
        if declared != DECLARED_AS[expected]:
            wrong[endpoint] = f"declared {declared}, table says {expected}"
    assert wrong == {}


# --- the world the walk runs in ------------------------------------------------------

# what co-op A's member may see on their own pages and co-op B's member must not
A_SECRETS = ("Alfa cv", "ALFA-GEHEIME-VACATURE", "ALFA-GEHEIM-AANBOD", "lies@alfa.test",
             "jan@alfa.test")
# ...and where A's member does see them (so that their absence for B means something)
SHOWN_TO_A = {"me.home": "lies@alfa.test", "vacancies.mine": "ALFA-GEHEIME-VACATURE",
              "pairings.mine": "ALFA-GEHEIM-AANBOD"}
PASSWORD = "correct horse battery staple"


def _contact_with_account(organization, first_name, email):  # type: ignore[no-untyped-def]
    """A contact person of `organization` (through the member register) with a member account."""
    person = save_contact_person(organization, first_name=first_name, last_name="Lid",
                                 email=email, actor=None)
    db.session.commit()
    make_user("member", email=email, password=PASSWORD, person=person)
    return person


def _world(app: Flask) -> dict:
    """Real objects for every kind of URL argument, owned by co-op A where they have an owner."""
    with app.app_context():
        alfa = make_organization("Alfa cv")  # member since 2019, open-ended
        beta = make_organization("Beta cv")
        gamma = make_organization("Gamma cv")
        lies = _contact_with_account(alfa, "Lies", "lies@alfa.test")
        jan = save_contact_person(alfa, first_name="Jan", email="jan@alfa.test", actor=None)
        _contact_with_account(beta, "Bart", "bart@beta.test")
        staff = make_user("staff", email="staff@coopnet.test", password=PASSWORD)
        coordinator = make_user("coordinator", email="co@coopnet.test", password=PASSWORD)

        event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=50,
                           starts_at=utcnow() + timedelta(days=30))
        to_call_off = make_event("Webinar", starts_at=utcnow() + timedelta(days=40))
        visitor = make_person("Els", email="els@example.test")
        ticket = make_registration(event, visitor)
        to_cancel = make_registration(event)
        make_registration(event, lies)

        listed = make_vacancy(alfa, title="Boekhouder Alfa", status="published",
                              closes_on=date(2031, 12, 31))
        secret = make_vacancy(alfa, title="ALFA-GEHEIME-VACATURE", status="submitted",
                              closes_on=date(2031, 12, 31))
        make_profile(alfa, offers=("finance",), offer_text="ALFA-GEHEIM-AANBOD",
                     contact_person=lies)
        pairing = make_pairing(alfa, gamma)
        spare_pairing = make_pairing(alfa, gamma)
        contact = make_contact(alfa, follow_up_on=date(2031, 1, 1), person=jan)

        plan, action = make_plan()
        indicator = make_indicator(action)
        spare_indicator = make_indicator(action)
        link_events(action, event)
        snapshot = take_snapshot(plan, at=date(2021, 12, 31), actor=None)
        member_import = MemberImport(token=secrets.token_urlsafe(32), filename="leden.csv",
                                     created_at=utcnow(), rows=[], rejected=[], notes=[])
        db.session.add(member_import)
        db.session.commit()

        tokens = {role: create_api_token(user) for role, user in
                  (("member", lies.user), ("staff", staff), ("coordinator", coordinator))}
        db.session.commit()
        return {
            "args": {
                "event_id": event.id, "ticket_code": ticket.ticket_code,
                "code": ticket.ticket_code, "organization_id": alfa.id,
                "membership_id": alfa.memberships[0].id, "person_id": jan.id,
                "contact_id": contact.id, "vacancy_id": listed.id, "pairing_id": pairing.id,
                "plan_id": plan.id, "action_id": action.id, "indicator_id": indicator.id,
                "snapshot_id": snapshot.id, "token": member_import.token,
                "registration_id": ticket.id,
                "filename": "css/coopnet.css",
            },
            # endpoints that would use up or end the shared object get one of their own
            "overrides": {
                "members.end_membership": {"organization_id": gamma.id,
                                           "membership_id": gamma.memberships[0].id},
                "staff_events.cancel": {"event_id": to_call_off.id},
                "registrations.cancel": {"ticket_code": to_cancel.ticket_code},
                "registrations.staff_cancel": {"registration_id": to_cancel.id},
                "api.cancel": {"ticket_code": to_cancel.ticket_code},
                "plan.delete_indicator": {"indicator_id": spare_indicator.id},
                "pairings.cancel": {"pairing_id": spare_pairing.id},
                "vacancies.withdraw": {"vacancy_id": secret.id},
                "main.set_language": {"code": "nl"},
                "bootstrap.static": {"filename": "css/bootstrap.min.css"},
                # a made-up link: a real one would sign the walking client in as someone else
                "auth.member_link": {"token": "not-a-real-sign-in-link"},
            },
            "tokens": tokens,
            "alfa": alfa.id, "secret_vacancy": secret.id, "listed_vacancy": listed.id,
        }


# Admitted callers reach the handler with real objects, so they should not see 404; these
# answer 404 or 410 by design with the arguments above.
MAY_NOT_FIND = {
    "auth.member_link": "a made-up sign-in link (a real one would sign the client in)",
}


def _requests(app: Flask, world: dict) -> list[tuple[str, str, str, bool]]:
    """(endpoint, method, url, takes an object) for every rule and method, on the world's objects."""
    requests = []
    for rule in app.url_map.iter_rules():
        values = {**world["args"], **world["overrides"].get(rule.endpoint, {})}
        path = rule.build({name: values[name] for name in rule.arguments},
                          append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            requests.append((rule.endpoint, method, path, bool(rule.arguments)))
    # reads before changes; signing out ends the session: last
    return sorted(requests, key=lambda r: (r[0] == "auth.logout", r[1] != "GET", r[0], r[2]))


CALLERS = {
    # name: (how, role); how is "anonymous", "session" (cookie) or "token" (bearer)
    "anonymous": ("anonymous", None),
    "member of A": ("session", "member"),
    "member of B": ("session", "member"),
    "staff": ("session", "staff"),
    "coordinator": ("session", "coordinator"),
    "member token": ("token", "member"),
    "staff token": ("token", "staff"),
    "coordinator token": ("token", "coordinator"),
}
SIGN_IN = {"member of A": "lies@alfa.test", "member of B": "bart@beta.test",
           "staff": "staff@coopnet.test", "coordinator": "co@coopnet.test"}

ADMIT, LOGIN = "admitted", "sent to sign in"
OTHER_COOP = "refused A's objects, shown only B's data"
NO_COOP = "admitted, shown none of A's data"  # staff on a contact person's own pages


def _expected(level: str, caller: str, path: str) -> str | int:
    """What the table says this caller gets: ADMIT, LOGIN, OTHER_COOP, 401 or 403."""
    if level in (PUBLIC, TICKET):
        return ADMIT
    how, role = CALLERS[caller]
    api = path.startswith("/api/")
    # the API knows tokens only, pages know sessions only
    if how == "anonymous" or (how == "token") != api:
        return 401 if api else LOGIN
    if RANK[role] < RANK[NEEDS[level]]:
        return 403
    if level == OWN_COOP and caller != "member of A":
        return OTHER_COOP if role == "member" else NO_COOP
    return ADMIT


def _judge(endpoint: str, takes_object: bool, expected: str | int, response) -> bool:  # type: ignore[no-untyped-def]
    status = response.status_code
    to_sign_in = status == 302 and "/auth/login" in response.headers.get("Location", "")
    if status >= 500:
        return False
    shows_a = any(secret.encode() in response.get_data() for secret in A_SECRETS)
    if expected == LOGIN:
        return to_sign_in
    if expected in (401, 403):
        return status == expected
    if expected == OTHER_COOP:
        if takes_object:  # one of A's objects in the URL
            return status in (403, 404)
        return status in (200, 302) and not shows_a
    if status in (401, 403) or to_sign_in:
        return False
    if expected == NO_COOP:
        return not shows_a
    # admitted: the handler ran on a real object
    return status not in (404, 410) or endpoint in MAY_NOT_FIND


def _a_is_untouched(app: Flask, world: dict) -> list[str]:
    """What another co-op's member managed to change of co-op A's data (nothing, we hope)."""
    with app.app_context():
        problems = []
        secret = db.session.get(Vacancy, world["secret_vacancy"])
        listed = db.session.get(Vacancy, world["listed_vacancy"])
        if (secret.status, secret.title) != ("submitted", "ALFA-GEHEIME-VACATURE"):
            problems.append(f"A's submitted vacancy is now {secret.status} {secret.title!r}")
        if (listed.status, listed.title) != ("published", "Boekhouder Alfa"):
            problems.append(f"A's listed vacancy is now {listed.status} {listed.title!r}")
        profile = db.session.execute(sa.select(MeetingProfile).where(
            MeetingProfile.organization_id == world["alfa"])).scalar_one()
        if (profile.offer_text, profile.offers, profile.active) != (
                "ALFA-GEHEIM-AANBOD", ["finance"], True):
            problems.append(f"A's micro-meeting opt-in changed: {profile.offer_text!r}")
        return problems


@pytest.mark.parametrize("caller", CALLERS)
def test_every_endpoint_answers_each_caller_as_the_table_says(app, caller):
    world = _world(app)
    client = app.test_client()
    headers = {}
    how, role = CALLERS[caller]
    if how == "session":
        response = client.post("/auth/login", data={"email": SIGN_IN[caller],
                                                    "password": PASSWORD})
        assert response.status_code == 302, caller
    elif how == "token":
        headers["Authorization"] = f"Bearer {world['tokens'][role]}"
    failures = []
    for endpoint, method, path, takes_object in _requests(app, world):
        if endpoint not in EXPECTED_ACCESS:
            failures.append(f"{method} {path} ({endpoint}) is not in EXPECTED_ACCESS")
            continue
        expected = _expected(EXPECTED_ACCESS[endpoint], caller, path)
        response = client.open(path, method=method, data={}, headers=headers)
        if not _judge(endpoint, takes_object, expected, response):
            failures.append(f"{method} {path} ({endpoint}, {EXPECTED_ACCESS[endpoint]}): "
                            f"{response.status_code} {response.headers.get('Location', '')}"
                            f" - expected {expected}")
        if (caller == "member of A" and method == "GET" and endpoint in SHOWN_TO_A
                and SHOWN_TO_A[endpoint] not in response.get_data(as_text=True)):
            failures.append(f"GET {path} ({endpoint}) does not show A's {SHOWN_TO_A[endpoint]}")
        response.close()
    assert failures == []
    if caller == "member of B":
        assert _a_is_untouched(app, world) == []


def _placeholder_urls(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with made-up values for its arguments."""
    samples = {"integer": "999999", "id": "999999", "unicode": "does-not-exist",
               "path": "does/not/exist"}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT_ENDPOINTS:
            continue
        values = {}
        for name, converter in rule._converters.items():
            kind = type(converter).__name__.replace("Converter", "").lower()
            values[name] = samples.get(kind, "does-not-exist")
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            urls.append((rule.endpoint, method, path))
    return sorted(urls, key=lambda url: url[0] == "auth.logout")


@pytest.mark.parametrize("role", (None, "coordinator"))
def test_unknown_ids_and_codes_never_break_an_endpoint(app, login, role):
    client = app.test_client()
    if role:
        login(client, role)
    failures = []
    for endpoint, method, path in _placeholder_urls(app):
        response = client.open(path, method=method, data={})
        if response.status_code >= 500:
            failures.append(f"{method} {path} ({endpoint}) answered {response.status_code}")
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
    for endpoint, method, path in _placeholder_urls(app):
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
