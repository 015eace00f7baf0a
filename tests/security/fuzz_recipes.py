"""Recipes for the fuzz test: per state-changing endpoint, what one example needs to succeed.

A recipe names the caller (anonymous, a member contact person, staff, coordinator, or an API
token of a role) and prepares, per example and inside an app context, fresh objects the
action consumes (an open public event with seats, a registration to cancel, a vacancy to
approve ...) and a base of VALID inputs: form fields, a JSON body, or uploaded files. The
fuzz test sends that base unchanged in some examples and perturbs it in others.

Recipes are keyed by "METHOD rule" as in the URL map, so a new endpoint without a recipe
is noticed (tests/security/test_fuzz_inputs.py checks that every endpoint has one).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.timezones import brussels, to_brussels

ANON, MEMBER, STAFF, COORDINATOR, TOKEN_STAFF = "anon", "member", "staff", "coordinator", \
    "token:staff"
# the real day of the attendee reports in tests/registrations/reports.py
REPORT_DAY = date(2022, 2, 10)


@dataclass
class Outcome:
    """What came back: status, where a redirect points, the flashed categories, JSON."""

    status: int
    location: str
    flashes: list[str]
    body: str
    cookies: list[str]


@dataclass
class Prepared:
    """One example's request: URL, valid base, how it is sent, what success looks like."""

    url: str
    base: dict[str, Any] = field(default_factory=dict)
    kind: str = "form"  # form | json
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    success: Callable[[Outcome], bool] | None = None


@dataclass
class Recipe:
    caller: str
    prepare: Callable[[Any], Prepared]


def flashed_success(outcome: Outcome) -> bool:
    """A redirect (not to a sign-in page) with a success message."""
    return (outcome.status in (302, 303) and "/auth/" not in outcome.location
            and "success" in outcome.flashes)


def status_in(*codes: int) -> Callable[[Outcome], bool]:
    return lambda outcome: outcome.status in codes


def redirect_to(fragment: str) -> Callable[[Outcome], bool]:
    return lambda outcome: outcome.status in (302, 303) and fragment in outcome.location


# --- helpers that make fresh objects ---------------------------------------------------

def _n() -> str:
    return secrets.token_hex(4)


def future_event(**fields: Any):  # type: ignore[no-untyped-def]
    """An open, published, public event a month from now with seats."""
    from tests.factories import make_event

    starts = utcnow().replace(microsecond=0) + timedelta(days=30)
    fields.setdefault("capacity", 500)
    return make_event(f"Fuzz event {_n()}", starts_at=starts, **fields)


def door_event(**fields: Any):  # type: ignore[no-untyped-def]
    """An event running now (the door is open)."""
    from tests.factories import make_event

    starts = utcnow().replace(microsecond=0) - timedelta(minutes=15)
    return make_event(f"Fuzz door {_n()}", starts_at=starts, minutes=180, **fields)


def registration(event=None, **fields: Any):  # type: ignore[no-untyped-def]
    from tests.factories import make_registration

    return make_registration(event or future_event(), **fields)


def member_org(**fields: Any):  # type: ignore[no-untyped-def]
    from tests.factories import make_organization

    return make_organization(f"Fuzzcoop {_n()}", **fields)


def plan_2022():  # type: ignore[no-untyped-def]
    """A plan over 2022 with one action (events on 10 Feb 2022 fall inside)."""
    from tests.factories import make_plan

    return make_plan(f"Fuzzplan {_n()}", starts_on=date(2022, 1, 1), ends_on=date(2022, 12, 31))


def report_event():  # type: ignore[no-untyped-def]
    from tests.factories import make_event

    return make_event(f"Fuzz webinar {_n()}", starts_at=brussels(REPORT_DAY, time(19, 0)))


def zoom_report() -> bytes:
    from tests.registrations.reports import zoom_meeting

    return zoom_meeting()


def vacancy_fields() -> dict[str, Any]:
    closes = to_brussels(utcnow()).date() + timedelta(days=60)
    return {"kind": "job", "title": f"Boekhouder {_n()}", "description": "Wij zoeken iemand.",
            "place": "Gent", "hours": "20 uur", "how_to_apply": "Mail ons.",
            "closes_on": closes.isoformat()}


def event_form() -> dict[str, Any]:
    starts = to_brussels(utcnow()).replace(tzinfo=None, second=0, microsecond=0) \
        + timedelta(days=40)
    return {"title": f"Coopborrel {_n()}", "kind": "coopborrel",
            "description": "Een avond bij elkaar.",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Bar Tuinwijk", "address": "Tuinstraat 1", "city": "Gent",
            "capacity": "30", "waitlist_enabled": "y", "visibility": "public", "publish": "y"}


def today() -> date:
    return to_brussels(utcnow()).date()


# --- the recipes ------------------------------------------------------------------------

def _login(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_user

    user = make_user("staff", email=f"fuzz-login-{_n()}@coopnet.test", password="fuzz-pass-123")
    return Prepared("/auth/login", {"email": user.email, "password": "fuzz-pass-123"},
                    success=flashed_success)


def _member_login(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_member_user

    user = make_member_user(member_org(), email=f"lid-{_n()}@example.test")
    return Prepared("/auth/member", {"email": user.email, "next": "/me/vacancies"},
                    success=redirect_to("/auth/member/sent"))


def _member_link(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from coopnet.auth.models import SignInLink
    from coopnet.auth.tokens import hash_token
    from tests.factories import make_member_user

    user = make_member_user(member_org(), email=f"link-{_n()}@example.test")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(SignInLink(user_id=user.id, token_hash=hash_token(token), created_at=now,
                              expires_at=now + timedelta(minutes=30)))
    db.session.commit()
    return Prepared(f"/auth/member/{token}", {"submit": "Aanmelden"}, success=flashed_success)


def _set_language(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared("/language/en", {"next": "/events/"},
                    success=lambda o: o.status == 302 and any("lang" in c for c in o.cookies))


def _register(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = future_event()
    return Prepared(f"/events/{event.id}/register",
                    {"name": "Lies Peeters", "email": f"lies-{_n()}@example.test",
                     "organization": "", "consent": "y"},
                    success=lambda o: o.status == 302 and "/r/" in o.location
                    and bool({"success", "info"} & set(o.flashes)))


def _cancel_page(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration()
    return Prepared(f"/r/{r.ticket_code}/cancel", {"submit": "Annuleren"},
                    success=flashed_success)


def _staff_cancel(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration()
    return Prepared(f"/staff/registrations/{r.id}/cancel", {"submit": "ok"},
                    success=flashed_success)


def _staff_resend(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration()
    return Prepared(f"/staff/registrations/{r.id}/resend", {"submit": "ok"},
                    success=flashed_success)


def _staff_correct(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration()
    return Prepared(f"/staff/registrations/{r.id}/correct",
                    {"first_name": "Lies", "last_name": "Peeters",
                     "email": f"lies-{_n()}@example.test", "organization": "Zonnecoop"},
                    success=flashed_success)


def _staff_move(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration()
    target = future_event()  # the same kind (webinar), a seat free
    return Prepared(f"/staff/registrations/{r.id}/move", {"target": str(target.id)},
                    success=flashed_success)


def _api_cancel(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration()
    return Prepared(f"/api/v1/registrations/{r.ticket_code}/cancel", {}, kind="json",
                    success=status_in(200))


def _api_register(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = future_event()
    return Prepared(f"/api/v1/events/{event.id}/registrations",
                    {"name": "Sofie Janssens", "email": f"sofie-{_n()}@example.test",
                     "organization": "Zonnecoop", "consent": True}, kind="json",
                    success=status_in(201))


def _api_checkin(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration(door_event())
    return Prepared(f"/api/v1/events/{r.event_id}/checkins", {"code": r.ticket_code},
                    kind="json", success=status_in(201))


def _api_walkin(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = door_event()
    return Prepared(f"/api/v1/events/{event.id}/walkins",
                    {"name": "Jef Walkin", "email": f"jef-{_n()}@example.test",
                     "organization": "Buurtcoop"}, kind="json", success=status_in(201))


def _checked_in(event=None):  # type: ignore[no-untyped-def]
    from tests.factories import make_user

    event = event or door_event()
    return registration(event, checked_in_at=utcnow() - timedelta(minutes=5),
                        checked_in_by=make_user("staff"))


def _api_uncheck(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = _checked_in()
    return Prepared(f"/api/v1/events/{r.event_id}/checkins/{r.ticket_code}", {}, kind="json",
                    success=status_in(200))


def _api_patch_event(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = future_event()
    return Prepared(f"/api/v1/events/{event.id}",
                    {"title": f"Nieuwe titel {_n()}", "capacity": 40, "city": "Leuven"},
                    kind="json", success=status_in(200))


def _api_post_event(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    starts = to_brussels(utcnow()).replace(microsecond=0, second=0) + timedelta(days=20)
    return Prepared("/api/v1/events",
                    {"title": f"Webinar {_n()}", "kind": "webinar",
                     "starts_at": starts.isoformat(),
                     "ends_at": (starts + timedelta(hours=1)).isoformat(),
                     "online_url": "https://meet.example.test/abc", "capacity": 100},
                    kind="json", success=status_in(201))


def _door_scan(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration(door_event())
    return Prepared(f"/staff/events/{r.event_id}/checkin/scan", {"code": r.ticket_code},
                    kind="json", success=status_in(201))


def _door_undo(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = _checked_in()
    return Prepared(f"/staff/events/{r.event_id}/checkin/undo", {"registration_id": r.id},
                    kind="json", success=status_in(200))


def _door_walkin(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = door_event()
    return Prepared(f"/staff/events/{event.id}/checkin/walkin",
                    {"name": "An Binnenloper", "email": f"an-{_n()}@example.test",
                     "organization": "Buurtcoop"}, kind="json", success=status_in(201))


def _door_actions_body(r) -> dict:  # type: ignore[no-untyped-def]
    return {"actions": [{"id": f"fuzz-action-{_n()}-{r.id}", "type": "check_in",
                         "registration_id": r.id,
                         "device_time": (utcnow() - timedelta(minutes=1)).isoformat(),
                         "device_id": "fuzz-phone"}]}


def _door_sync(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration(door_event())
    return Prepared(f"/staff/events/{r.event_id}/checkin/sync", _door_actions_body(r),
                    kind="json", success=status_in(200))


def _api_door_actions(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    r = registration(door_event())
    return Prepared(f"/api/v1/events/{r.event_id}/door-actions", _door_actions_body(r),
                    kind="json", success=status_in(200))


def _attendance(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_event

    event = make_event(f"Fuzz past {_n()}",
                       starts_at=utcnow().replace(microsecond=0) - timedelta(days=3))
    r = registration(event)
    return Prepared(f"/staff/events/{event.id}/attendance", {"present": [str(r.id)]},
                    success=flashed_success)


def _import_report(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = report_event()
    return Prepared(f"/staff/events/{event.id}/attendance/import", {"submit": "Inlezen"},
                    files={"report": (zoom_report(), "participants.csv")},
                    success=lambda o: o.status == 200
                    and "attendance/import/confirm" in o.body and "is-invalid" not in o.body)


def _confirm_import(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from flask import current_app

    from coopnet.registrations.attendee_report import parse_attendee_report
    from coopnet.registrations.checkin_views import _sign_report

    event = report_event()
    data = zoom_report()
    minutes = int(current_app.config["COOPNET_WEBINAR_MIN_MINUTES"])
    report = parse_attendee_report(data, min_minutes=minutes, day=REPORT_DAY)
    return Prepared(f"/staff/events/{event.id}/attendance/import/confirm",
                    {"report": _sign_report(event, data, minutes),
                     "row": [str(row.line) for row in report.rows]},
                    success=flashed_success)


def _members_create(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared("/staff/members/new",
                    {"name": f"Nieuwe coop {_n()}", "legal_form": "cv", "sector": "energie",
                     "province": "", "city": "Gent", "website": "https://coop.example.test",
                     "member_since": "2022-01-01", "member_until": ""},
                    success=flashed_success)


def _members_edit(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    org = member_org()
    return Prepared(f"/staff/members/{org.id}/edit",
                    {"name": f"Hernoemde coop {_n()}", "legal_form": "cv", "sector": "zorg",
                     "province": "", "city": "Brugge", "website": ""},
                    success=flashed_success)


def _add_membership(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    org = member_org(member_since=None)
    return Prepared(f"/staff/members/{org.id}/memberships",
                    {"starts_on": "2020-01-01", "ends_on": "2020-12-31"},
                    success=flashed_success)


def _end_membership(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    org = member_org()
    membership = org.memberships[0]
    return Prepared(f"/staff/members/{org.id}/memberships/{membership.id}/end",
                    {"ends_on": today().isoformat()}, success=flashed_success)


def _confirm_claim(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_person

    org = member_org()
    person = make_person("Claim", email=f"claim-{_n()}@example.test")
    registration(person=person, organization_id=org.id)
    return Prepared(f"/staff/members/people/{person.id}/claims/{org.id}", {"submit": "ok"},
                    success=flashed_success)


def _follow_up_done(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_contact

    contact = make_contact(member_org(), follow_up_on=date(2022, 1, 15))
    return Prepared(f"/staff/members/contacts/{contact.id}/follow-up-done", {"next": "overview"},
                    success=flashed_success)


def member_csv() -> bytes:
    return (f"naam;gemeente;lid sinds\nGeïmporteerde coop {_n()};Gent;2021-03-01\n"
            .encode())


def _import_upload(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared("/staff/members/import", {"submit": "Inlezen"},
                    files={"file": (member_csv(), "leden.csv")},
                    success=redirect_to("/staff/members/import/"))


def _import_confirm(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from coopnet.members import importer

    parsed = importer.parse_member_file("leden.csv", member_csv())
    stored = importer.store_import(parsed, filename="leden.csv", actor=None, now=utcnow())
    db.session.commit()
    return Prepared(f"/staff/members/import/{stored.token}", {"submit": "ok"},
                    success=flashed_success)


def _log_contact(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    org = member_org()
    return Prepared(f"/staff/members/{org.id}/contacts",
                    {"kind": "conversation", "contacted_on": today().isoformat(),
                     "person_id": "0", "notes": "Goed gesprek.", "follow_up_on": ""},
                    success=flashed_success)


def _person_new(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    org = member_org()
    return Prepared(f"/staff/members/{org.id}/people/new",
                    {"first_name": "Karin", "last_name": f"Contact{_n()}",
                     "email": f"karin-{_n()}@example.test", "phone": "+32 9 123 45 67",
                     "role": "voorzitter"}, success=flashed_success)


def _person_edit(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_person

    org = member_org()
    person = make_person("Piet", organization=org, email=f"piet-{_n()}@example.test")
    return Prepared(f"/staff/members/{org.id}/people/{person.id}/edit",
                    {"first_name": "Pieter", "last_name": person.last_name,
                     "email": person.email, "phone": "", "role": "secretaris"},
                    success=flashed_success)


def _accept(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_person, make_profile

    orgs = []
    for _ in range(2):
        org = member_org()
        make_person("Duo", organization=org, email=f"duo-{_n()}@example.test")
        make_profile(org, offers=("finance",), needs=("digital",))
        orgs.append(org)
    return Prepared("/staff/pairings/accept",
                    {"members": ",".join(str(o.id) for o in orgs),
                     "day": (today() + timedelta(days=14)).isoformat(), "at": "10:00"},
                    success=flashed_success)


def _pairing():  # type: ignore[no-untyped-def]
    from tests.factories import make_pairing

    return make_pairing(member_org(), member_org())


def _pairing_cancel(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared(f"/staff/pairings/{_pairing().id}/cancel", {"submit": "ok"},
                    success=flashed_success)


def _pairing_held(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared(f"/staff/pairings/{_pairing().id}/held",
                    {"held_on": today().isoformat()}, success=flashed_success)


def profile_fields() -> dict[str, Any]:
    return {"active": "y", "offers": ["finance", "hr"], "offer_text": "Boekhouding",
            "needs": ["digital"], "need_text": "Een nieuwe website"}


def _edit_profile(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    org = member_org()
    return Prepared(f"/staff/pairings/profiles/{org.id}", profile_fields(),
                    success=flashed_success)


def _my_profile(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared("/me/micro-meetings", profile_fields(), success=flashed_success)


def _plan_action(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    _plan, action = plan_2022()
    return Prepared(f"/plan/actions/{action.id}", {"new-text": "3 coopborrels"},
                    success=flashed_success)


def _add_value(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_indicator

    _plan, action = plan_2022()
    indicator = make_indicator(action, "manual", target=10)
    return Prepared(f"/plan/indicators/{indicator.id}/values",
                    {"value": "7", "recorded_on": "2022-03-01", "note": "Geteld"},
                    success=flashed_success)


def _confirm_all(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_indicator

    plan, action = plan_2022()
    make_indicator(action, "events_held", target=3, status="proposed")
    return Prepared(f"/plan/{plan.id}/confirm-all", {"submit": "ok"}, success=flashed_success)


def _delete_indicator(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_indicator

    _plan, action = plan_2022()
    indicator = make_indicator(action)
    return Prepared(f"/plan/indicators/{indicator.id}/delete", {"submit": "ok"},
                    success=flashed_success)


def _edit_indicator(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_indicator

    _plan, action = plan_2022()
    indicator = make_indicator(action, status="proposed")
    return Prepared(f"/plan/indicators/{indicator.id}/edit",
                    {"text": "4 coopborrels", "target": "4", "unit": "", "measure": "events_held",
                     "kinds": ["coopborrel"], "cities": "Gent, Leuven", "baseline": "",
                     "starts_on": "", "ends_on": "", "confirm": "y"},
                    success=flashed_success)


PLAN_TEXT = ("Fuzzplan\tActies\tIndicatoren\n"
             "SD 1 Coopkracht verbindt\t\t\n"
             "1. Ontmoeting\tCoopborrels organiseren\t3 coopborrels\n"
             "\tWebinars\t5 webinars\n")


def _import_plan(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared("/plan/import",
                    {"name": f"Geïmporteerd plan {_n()}", "starts_on": "2023-01-01",
                     "ends_on": "2023-12-31", "accept": "y", "do_import": "1"},
                    files={"file": (PLAN_TEXT.encode("utf-8"), "plan.txt")},
                    success=flashed_success)


def _link_unlinked(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_event

    plan, action = plan_2022()
    event = make_event(f"Fuzz unlinked {_n()}")
    return Prepared(f"/plan/{plan.id}/unlinked-events/link",
                    {"unlinked-event_ids": [str(event.id)], "unlinked-action_id": str(action.id)},
                    success=flashed_success)


def _snapshot(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    plan, _action = plan_2022()
    return Prepared(f"/plan/{plan.id}/snapshots", {"at": "2022-06-30", "note": "Halfjaar"},
                    success=flashed_success)


def _report_comment(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from coopnet.plan.services import take_snapshot

    plan, action = plan_2022()
    snapshot = take_snapshot(plan, at=date(2022, 6, 30), actor=None)
    db.session.commit()
    return Prepared(f"/plan/snapshots/{snapshot.id}/comments/{action.id}",
                    {f"comment-{action.id}-text": "Twee borrels gingen door; de derde volgt."},
                    success=flashed_success)


def _unlink_event(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import link_events, make_event

    _plan, action = plan_2022()
    event = make_event(f"Fuzz linked {_n()}")
    link_events(action, event)
    return Prepared(f"/plan/actions/{action.id}/events/{event.id}/unlink", {"submit": "ok"},
                    success=flashed_success)


def _erase(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    from tests.factories import make_person

    person = make_person("Wis", email=f"wis-{_n()}@example.test")
    registration(person=person)
    return Prepared(f"/staff/people/{person.id}/erase", {"confirm": "y"},
                    success=flashed_success)


def _event_cancel(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = future_event()
    registration(event)
    return Prepared(f"/staff/events/{event.id}/cancel", {"submit": "ok"},
                    success=flashed_success)


def _event_create(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared("/staff/events/new", event_form(), success=flashed_success)


def _event_edit(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = future_event()
    return Prepared(f"/staff/events/{event.id}/edit", event_form(), success=flashed_success)


def _event_publish(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    event = future_event(status="draft")
    return Prepared(f"/staff/events/{event.id}/publish", {"submit": "ok"},
                    success=flashed_success)


def _submitted_vacancy():  # type: ignore[no-untyped-def]
    from tests.factories import make_person, make_vacancy

    org = member_org()
    make_person("Vac", organization=org, email=f"vac-{_n()}@example.test")
    return make_vacancy(org)


def _approve(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared(f"/staff/vacancies/{_submitted_vacancy().id}/approve", {"submit": "ok"},
                    success=flashed_success)


def _reject(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared(f"/staff/vacancies/{_submitted_vacancy().id}/reject",
                    {"reason": "De sluitingsdatum ontbreekt in de tekst."},
                    success=flashed_success)


def _my_vacancy(ctx, status: str = "submitted"):  # type: ignore[no-untyped-def]
    from tests.factories import make_vacancy

    return make_vacancy(ctx.member_organization(), status=status)


def _vacancy_new(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared("/me/vacancies/new", vacancy_fields(), success=flashed_success)


def _vacancy_edit(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared(f"/me/vacancies/{_my_vacancy(ctx).id}/edit", vacancy_fields(),
                    success=flashed_success)


def _vacancy_withdraw(ctx) -> Prepared:  # type: ignore[no-untyped-def]
    return Prepared(f"/me/vacancies/{_my_vacancy(ctx, 'published').id}/withdraw",
                    {"submit": "ok"}, success=flashed_success)


RECIPES: dict[str, Recipe] = {
    "POST /auth/login": Recipe(ANON, _login),
    "POST /auth/member": Recipe(ANON, _member_login),
    "POST /auth/member/<token>": Recipe(ANON, _member_link),
    "POST /language/<code>": Recipe(ANON, _set_language),
    "POST /events/<int:event_id>/register": Recipe(ANON, _register),
    "POST /r/<ticket_code>/cancel": Recipe(ANON, _cancel_page),
    "POST /api/v1/registrations/<ticket_code>/cancel": Recipe(ANON, _api_cancel),
    "POST /staff/registrations/<int:registration_id>/cancel": Recipe(STAFF, _staff_cancel),
    "POST /staff/registrations/<int:registration_id>/resend": Recipe(STAFF, _staff_resend),
    "POST /staff/registrations/<int:registration_id>/correct": Recipe(STAFF, _staff_correct),
    "POST /staff/registrations/<int:registration_id>/move": Recipe(STAFF, _staff_move),
    "POST /api/v1/events/<int:event_id>/registrations": Recipe(ANON, _api_register),
    "POST /api/v1/events/<int:event_id>/checkins": Recipe(TOKEN_STAFF, _api_checkin),
    "POST /api/v1/events/<int:event_id>/walkins": Recipe(TOKEN_STAFF, _api_walkin),
    "DELETE /api/v1/events/<int:event_id>/checkins/<code>": Recipe(TOKEN_STAFF, _api_uncheck),
    "PATCH /api/v1/events/<int:event_id>": Recipe(TOKEN_STAFF, _api_patch_event),
    "POST /api/v1/events": Recipe(TOKEN_STAFF, _api_post_event),
    "POST /staff/events/<int:event_id>/checkin/scan": Recipe(STAFF, _door_scan),
    "POST /staff/events/<int:event_id>/checkin/undo": Recipe(STAFF, _door_undo),
    "POST /staff/events/<int:event_id>/checkin/walkin": Recipe(STAFF, _door_walkin),
    "POST /staff/events/<int:event_id>/checkin/sync": Recipe(STAFF, _door_sync),
    "POST /api/v1/events/<int:event_id>/door-actions": Recipe(TOKEN_STAFF, _api_door_actions),
    "POST /staff/events/<int:event_id>/attendance": Recipe(STAFF, _attendance),
    "POST /staff/events/<int:event_id>/attendance/import": Recipe(STAFF, _import_report),
    "POST /staff/events/<int:event_id>/attendance/import/confirm": Recipe(STAFF,
                                                                          _confirm_import),
    "POST /staff/members/new": Recipe(STAFF, _members_create),
    "POST /staff/members/<int:organization_id>/edit": Recipe(STAFF, _members_edit),
    "POST /staff/members/<int:organization_id>/memberships": Recipe(STAFF, _add_membership),
    "POST /staff/members/<int:organization_id>/memberships/<int:membership_id>/end":
        Recipe(STAFF, _end_membership),
    "POST /staff/members/people/<int:person_id>/claims/<int:organization_id>":
        Recipe(STAFF, _confirm_claim),
    "POST /staff/members/contacts/<int:contact_id>/follow-up-done": Recipe(STAFF,
                                                                          _follow_up_done),
    "POST /staff/members/import": Recipe(STAFF, _import_upload),
    "POST /staff/members/import/<token>": Recipe(STAFF, _import_confirm),
    "POST /staff/members/<int:organization_id>/contacts": Recipe(STAFF, _log_contact),
    "POST /staff/members/<int:organization_id>/people/new": Recipe(STAFF, _person_new),
    "POST /staff/members/<int:organization_id>/people/<int:person_id>/edit":
        Recipe(STAFF, _person_edit),
    "POST /staff/pairings/accept": Recipe(COORDINATOR, _accept),
    "POST /staff/pairings/<int:pairing_id>/cancel": Recipe(STAFF, _pairing_cancel),
    "POST /staff/pairings/<int:pairing_id>/held": Recipe(STAFF, _pairing_held),
    "POST /staff/pairings/profiles/<int:organization_id>": Recipe(STAFF, _edit_profile),
    "POST /me/micro-meetings": Recipe(MEMBER, _my_profile),
    "POST /plan/actions/<int:action_id>": Recipe(COORDINATOR, _plan_action),
    "POST /plan/indicators/<int:indicator_id>/values": Recipe(COORDINATOR, _add_value),
    "POST /plan/<int:plan_id>/confirm-all": Recipe(COORDINATOR, _confirm_all),
    "POST /plan/indicators/<int:indicator_id>/delete": Recipe(COORDINATOR, _delete_indicator),
    "POST /plan/indicators/<int:indicator_id>/edit": Recipe(COORDINATOR, _edit_indicator),
    "POST /plan/import": Recipe(COORDINATOR, _import_plan),
    "POST /plan/<int:plan_id>/unlinked-events/link": Recipe(COORDINATOR, _link_unlinked),
    "POST /plan/<int:plan_id>/snapshots": Recipe(COORDINATOR, _snapshot),
    "POST /plan/snapshots/<int:snapshot_id>/comments/<int:action_id>":
        Recipe(COORDINATOR, _report_comment),
    "POST /plan/actions/<int:action_id>/events/<int:event_id>/unlink":
        Recipe(COORDINATOR, _unlink_event),
    "POST /staff/people/<int:person_id>/erase": Recipe(STAFF, _erase),
    "POST /staff/events/<int:event_id>/cancel": Recipe(STAFF, _event_cancel),
    "POST /staff/events/new": Recipe(STAFF, _event_create),
    "POST /staff/events/<int:event_id>/edit": Recipe(STAFF, _event_edit),
    "POST /staff/events/<int:event_id>/publish": Recipe(STAFF, _event_publish),
    "POST /staff/vacancies/<int:vacancy_id>/approve": Recipe(STAFF, _approve),
    "POST /staff/vacancies/<int:vacancy_id>/reject": Recipe(STAFF, _reject),
    "POST /me/vacancies/new": Recipe(MEMBER, _vacancy_new),
    "POST /me/vacancies/<int:vacancy_id>/edit": Recipe(MEMBER, _vacancy_edit),
    "POST /me/vacancies/<int:vacancy_id>/withdraw": Recipe(MEMBER, _vacancy_withdraw),
}

# endpoints not fuzzed, and why
SKIP = {
    # ends the session it runs in and takes no input: walked in tests/auth
    "POST /auth/logout": "ends the session; no input beyond the CSRF token",
}

