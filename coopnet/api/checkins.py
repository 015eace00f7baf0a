"""Check-in endpoints for scanner devices (see /api/v1/openapi.json); staff tokens only."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.api import bp, json_body
from coopnet.auth.access import STAFF, access
from coopnet.auth.models import User
from coopnet.errors import Invalid, NotFound
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations.checkin import CheckInResult, add_walk_in, check_in, undo_check_in
from coopnet.registrations.checkin_queries import event_counts
from coopnet.registrations.models import Registration
from coopnet.timezones import rfc3339
from coopnet.validators import clean_text


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("not_found", _("This event does not exist."))
    return event


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


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


def _answer(result: CheckInResult):  # type: ignore[no-untyped-def]
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
def create_checkin(event_id: int):  # type: ignore[no-untyped-def]
    """Check in by ticket code (the QR's long code, a ticket URL, or the short code printed
    under the QR): 201 the first time, 200 `already_checked_in` after."""
    event = _event_or_404(event_id)
    code = _text(json_body(), "code")
    if not code:
        raise Invalid({"code": _("Send the ticket code.")})
    result = check_in(event, code, actor=_actor(), channel="api")
    db.session.commit()
    return _answer(result)


@bp.delete("/events/<int:event_id>/checkins/<code>")
@access(STAFF)
def delete_checkin(event_id: int, code: str):  # type: ignore[no-untyped-def]
    """Undo a check-in; the history keeps both."""
    event = _event_or_404(event_id)
    registration = undo_check_in(event, code, actor=_actor(), channel="api")
    db.session.commit()
    return jsonify({"status": "undone", "registration": registration_json(registration)})


@bp.post("/events/<int:event_id>/walkins")
@access(STAFF)
def create_walkin(event_id: int):  # type: ignore[no-untyped-def]
    """Add a person at the door and check them in (even when the event is full)."""
    event = _event_or_404(event_id)
    body = json_body()
    result = add_walk_in(event, name=_text(body, "name"), email=_text(body, "email") or None,
                         organization_name=_text(body, "organization"), actor=_actor(),
                         channel="api")
    db.session.commit()
    return _answer(result)


@bp.get("/events/<int:event_id>/counts")
@access(STAFF)
def counts(event_id: int):  # type: ignore[no-untyped-def]
    """{registered, checked_in, waitlisted, capacity}, from one SQL aggregate."""
    figures = event_counts(event_id)
    if figures is None:
        raise NotFound("not_found", _("This event does not exist."))
    return jsonify(figures.as_dict())
