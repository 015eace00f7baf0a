"""Check-in endpoints for scanner devices (see /api/v1/openapi.json); staff tokens only."""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.api import EVENT_NOT_FOUND, bp
from coopnet.auth.access import STAFF, access
from coopnet.auth.models import User
from coopnet.db import commit_keeping_values
from coopnet.errors import Invalid
from coopnet.events.models import Event
from coopnet.events.queries import event_for
from coopnet.extensions import db
from coopnet.registrations.checkin import (
    CheckInResult,
    add_walk_in,
    check_in,
    registration_for_code,
    undo_check_in,
)
from coopnet.registrations.checkin_queries import DOOR_PAGE_MAX, event_counts
from coopnet.registrations.door_sync import (
    apply_door_actions,
    door_list_document,
    outcomes_document,
)
from coopnet.registrations.models import Registration
from coopnet.timezones import rfc3339
from coopnet.validators import MAX_ID, clean_text
from coopnet.web.json_api import json_body
from coopnet.web.lookups import found_or_not_found


def _actor() -> User:
    return current_user._get_current_object()


def registration_json(registration: Registration) -> dict[str, Any]:
    """A registration as the check-in answers show it."""
    return {
        "id": registration.id,
        "event_id": registration.event_id,
        "name": registration.person.full_name,
        "organization": registration.organization_name,
        "status": registration.status,
        "source": registration.source,
        "ticket_code": registration.ticket_code,
        "short_code": registration.short_code_display,
        "checked_in_at": rfc3339(registration.checked_in_at),
    }


def _answer(result: CheckInResult):
    if result.status == "checked_in":
        return jsonify({"status": "checked_in", "checked_in_at": rfc3339(result.checked_in_at),
                        "registration": registration_json(result.registration),
                        "message": result.message}), 201
    by = result.checked_in_by
    return jsonify({"status": "already_checked_in", "checked_in_at": rfc3339(result.checked_in_at),
                    "checked_in_by": by.display_name if by is not None else None,
                    "registration": registration_json(result.registration),
                    "message": result.message}), 200


# the most characters each text may be sent with (the document's maxLength)
TEXT_MAX = {"name": 200, "email": 254, "organization": 200}


def _text(body: dict[str, Any], key: str) -> str:
    """A text field as sent, without control characters; too long is refused."""
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid({key: _("Send text.")})
    if key in TEXT_MAX and len(value) > TEXT_MAX[key]:
        raise Invalid({key: _("Use at most %(max)s characters.", max=TEXT_MAX[key])})
    return clean_text(value)


@bp.post("/events/<int:event_id>/checkins")
@access(STAFF)
def create_checkin(event_id: int):
    """Check in by ticket code (the QR's long code, a ticket URL, or the short code printed
    under the QR): 201 the first time, 200 `already_checked_in` after."""
    # The ticket is looked up first: one of the event's own registrations shows that the event
    # exists (staff see every event), and the scan needs no read of the event. Otherwise the
    # event page's lookup decides. Errors keep their order: an unknown event (404), a missing
    # code (422), then what the service says of the ticket.
    try:
        code, refused = _text(json_body(), "code"), None
    except Invalid as error:
        code, refused = "", error
    registration = registration_for_code(event_id, code) if code else None
    if registration is None or registration.event_id != event_id:
        found_or_not_found(event_for(current_user, event_id), EVENT_NOT_FOUND)
    if refused is not None:
        raise refused
    if not code:
        raise Invalid({"code": _("Send the ticket code.")})
    result = check_in(event_id, registration or code, actor=_actor(), channel="api")
    # the write lock is held until the commit: the answer is made after it, from the
    # objects as the service wrote them (kept, not expired: nothing is read again)
    commit_keeping_values(db.session)
    return _answer(result)


@bp.delete("/events/<int:event_id>/checkins/<code>")
@access(STAFF)
def delete_checkin(event_id: int, code: str):
    """Undo a check-in; the history keeps both."""
    found_or_not_found(db.session.get(Event, event_id), EVENT_NOT_FOUND)
    registration = undo_check_in(event_id, code, actor=_actor(), channel="api")
    db.session.commit()
    return jsonify({"status": "undone", "registration": registration_json(registration)})


@bp.post("/events/<int:event_id>/walkins")
@access(STAFF)
def create_walkin(event_id: int):
    """Add a person at the door and check them in (even when the event is full)."""
    event = found_or_not_found(db.session.get(Event, event_id), EVENT_NOT_FOUND)
    body = json_body()
    result = add_walk_in(event, name=_text(body, "name"), email=_text(body, "email") or None,
                         organization_name=_text(body, "organization"), actor=_actor(),
                         channel="api")
    db.session.commit()
    return _answer(result)


@bp.get("/events/<int:event_id>/counts")
@access(STAFF)
def counts(event_id: int):
    """{registered, checked_in, waitlisted, capacity}, from one SQL aggregate."""
    figures = found_or_not_found(event_counts(event_id), EVENT_NOT_FOUND)
    return jsonify(figures.as_dict())


def _after() -> int:
    raw = request.args.get("after", "")
    if raw == "":
        return 0
    if not re.fullmatch(r"[0-9]{1,10}", raw) or int(raw) > MAX_ID:
        raise Invalid({"after": _("Send a registration id.")})
    return int(raw)


def _limit() -> int:
    raw = request.args.get("limit", "")
    if raw == "":
        return 200
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= DOOR_PAGE_MAX:
        raise Invalid({"limit": _("Send a number from 1 to %(max)s.", max=DOOR_PAGE_MAX)})
    return int(raw)


@bp.get("/events/<int:event_id>/door-list")
@access(STAFF)
def door_list(event_id: int):
    """A page of the event's door list for offline devices: hashed codes, never the codes."""
    event = found_or_not_found(db.session.get(Event, event_id), EVENT_NOT_FOUND)
    response = jsonify(door_list_document(event, after=_after(), limit=_limit()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/events/<int:event_id>/door-actions")
@access(STAFF)
def door_actions(event_id: int):
    """Apply a device's recorded actions in order, each once; per-action outcomes, counters."""
    event = found_or_not_found(db.session.get(Event, event_id), EVENT_NOT_FOUND)
    outcomes = apply_door_actions(event, json_body().get("actions"), actor=_actor())
    db.session.commit()
    return jsonify(outcomes_document(event, outcomes))
