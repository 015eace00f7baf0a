"""Registrations in the JSON API (see /api/v1/openapi.json): register, view, cancel, staff list."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.api import EVENT_NOT_FOUND, bp
from coopnet.api.events import iso, public_event_or_404
from coopnet.auth.access import PUBLIC, STAFF, TICKET, access
from coopnet.db import commit_keeping_values, utcnow
from coopnet.errors import Invalid
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.members.models import Organization
from coopnet.registrations.limits import limit_registrations, limit_registrations_per_email
from coopnet.registrations.models import Registration
from coopnet.registrations.queries import (
    event_registrations,
    member_organization_by_id,
    member_organization_named,
    registration_by_ticket,
)
from coopnet.registrations.services import (
    NAME_MAX,
    cancel_registration,
    join_url,
    manage_url,
    register,
    waitlist_position,
)
from coopnet.validators import clean_text, is_row_id, json_int
from coopnet.web.json_api import json_body
from coopnet.web.lookups import found_or_not_found


def _organization_name(registration: Registration) -> str:
    return registration.organization.name if registration.organization else \
        registration.organization_name


def ticket_json(registration: Registration) -> dict[str, Any]:
    """What the holder of the ticket code sees."""
    return {
        "id": registration.id,
        "event_id": registration.event_id,
        "status": registration.status,
        "ticket_code": registration.ticket_code,
        "short_code": registration.short_code_display,
        "join_url": join_url(registration),
        "waitlist_position": waitlist_position(registration),
        "manage_url": manage_url(registration),
        "name": registration.person.full_name,
        "organization": _organization_name(registration),
        "registered_at": iso(registration.registered_at),
        "checked_in_at": iso(registration.checked_in_at),
    }


# the most characters each text may be sent with (the document's maxLength)
TEXT_MAX = {"name": NAME_MAX, "email": 254, "organization": 200}


def _str(data: dict[str, Any], name: str) -> str:
    """A text field as sent, at most TEXT_MAX[name] characters, without control characters."""
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid({name: _("Send text.")})
    if len(value) > TEXT_MAX[name]:
        raise Invalid({name: _("Use at most %(max)s characters.", max=TEXT_MAX[name])})
    return clean_text(value)


def _organization(data: dict[str, Any]) -> tuple[Organization | None, str]:
    """`organization` is a member co-op's id or a name; a member's exact name links to it."""
    value = json_int(data.get("organization"))
    if value is None or value == "":
        return None, ""
    now = utcnow()
    if isinstance(value, int) and not isinstance(value, bool):
        organization = member_organization_by_id(value, now) if is_row_id(value) else None
        if organization is None:
            raise Invalid({"organization": _("No member co-op has this id.")})
        return organization, ""
    if not isinstance(value, str):
        raise Invalid({"organization": _("Send a name or a member co-op's id.")})
    name = _str(data, "organization")
    organization = member_organization_named(name, now)
    return organization, "" if organization else name


@bp.post("/events/<int:event_id>/registrations")
@access(PUBLIC)
@limit_registrations
@limit_registrations_per_email
def create_registration(event_id: int):
    """Register `{name, email, organization?, consent: true}`: 201 new, 200 already registered.

    A repeat answers with the existing registration's status but not its ticket code:
    whoever knows an e-mail address must not get that person's ticket. The link is
    e-mailed to the address again instead.
    """
    event = public_event_or_404(event_id)
    data = json_body()
    organization, organization_name = _organization(data)
    registration, created = register(
        event, name=_str(data, "name"), email=_str(data, "email"), organization=organization,
        organization_name=organization_name, consent=data.get("consent") is True,
        source="api", actor=current_user if current_user.is_authenticated else None,
        now=utcnow(),
    )
    # the write lock is held until the commit: the answer is made after it, from the objects
    # as the service wrote them (kept, not expired: nothing is read again)
    commit_keeping_values(db.session)
    answer = {"id": registration.id, "status": registration.status,
              "waitlist_position": waitlist_position(registration)}
    if created:
        answer.update(ticket_code=registration.ticket_code, manage_url=manage_url(registration))
    if created:
        return jsonify(answer), 201
    return jsonify({**answer, "ticket_code": None, "manage_url": None, "link_resent": True,
                    "message": _("This e-mail address is already registered for this event. "
                                 "We have e-mailed the link to the registration again.")}), 200


def _by_ticket(ticket_code: str) -> Registration:
    return found_or_not_found(registration_by_ticket(ticket_code),
                              _("No registration has this ticket code."))


@bp.get("/registrations/<ticket_code>")
@access(TICKET)
def get_registration(ticket_code: str):
    """The registration behind a ticket code."""
    return jsonify(ticket_json(_by_ticket(ticket_code)))


@bp.post("/registrations/<ticket_code>/cancel")
@access(TICKET)
def cancel(ticket_code: str):
    """Cancel by ticket code; the freed seat goes to the first person waiting."""
    registration = _by_ticket(ticket_code)
    cancel_registration(registration, now=utcnow())
    db.session.commit()
    return jsonify(ticket_json(_by_ticket(ticket_code)))


@bp.get("/events/<int:event_id>/registrations")
@access(STAFF)
def list_registrations(event_id: int):
    """Every registration of an event, confirmed, waiting in order, cancelled; with check-in."""
    event = found_or_not_found(db.session.get(Event, event_id), EVENT_NOT_FOUND)
    rows = []
    position = 0
    for r in event_registrations(event.id):
        position = position + 1 if r.status == "waitlisted" else position
        rows.append({
            "id": r.id, "status": r.status, "source": r.source,
            "name": r.person.full_name, "email": r.person.email,
            "organization": _organization_name(r),
            "organization_id": r.organization_id,
            "waitlist_position": position if r.status == "waitlisted" else None,
            "registered_at": iso(r.registered_at),
            "checked_in_at": iso(r.checked_in_at),
            "checked_in": r.attended,
            "ticket_code": r.ticket_code,
        })
    return jsonify({"event_id": event.id, "registrations": rows})

