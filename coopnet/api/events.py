"""Events in the JSON API (see /api/v1/openapi.json): list and detail; create and change for staff."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.api import EVENT_NOT_FOUND, bp
from coopnet.api.args import MAX_PAGE, int_arg
from coopnet.auth.access import PUBLIC, STAFF, access
from coopnet.db import utcnow
from coopnet.errors import Invalid
from coopnet.events.models import Event, EventKind
from coopnet.events.queries import event_for, is_staff, visible_to
from coopnet.events.services import create_event, update_event
from coopnet.extensions import db
from coopnet.plan.services import set_event_actions
from coopnet.registrations.queries import seats_left
from coopnet.timezones import BRUSSELS, rfc3339
from coopnet.validators import (
    WEB_URL_PATTERN,
    is_row_id,
    json_int,
    parse_date,
    parse_datetime,
    year_in_range,
    year_range_message,
)
from coopnet.web.json_api import json_body
from coopnet.web.lookups import found_or_not_found

# every datetime in an API answer: RFC 3339 in Brussels time with its offset
iso = rfc3339


def action_ids_for(event_ids: list[int]) -> dict[int, list[int]]:
    """The plan actions each event serves (one query for any number of events)."""
    from coopnet.plan.models import event_actions

    if not event_ids:
        return {}
    rows = db.session.execute(
        sa.select(event_actions.c.event_id, event_actions.c.action_id)
        .where(event_actions.c.event_id.in_(event_ids))
        .order_by(event_actions.c.event_id, event_actions.c.action_id)
    ).all()
    result: dict[int, list[int]] = {}
    for event_id, action_id in rows:
        result.setdefault(event_id, []).append(action_id)
    return result


def event_json(event: Event, action_ids: list[int] | None = None) -> dict[str, Any]:
    """An event with the fields the API contract fixes."""
    base = current_app.config["COOPNET_BASE_URL"]
    return {
        "id": event.id,
        "title": event.title,
        "description": event.description,
        "kind": event.kind.slug,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "city": event.city,
        "location": event.location,
        "address": event.address,
        # the join link is for registrants (their ticket) and staff, never for the public
        "online_url": event.online_url if is_staff(current_user) else "",
        "capacity": event.capacity,
        "seats_left": seats_left(event),
        "waitlist_enabled": event.waitlist_enabled,
        "visibility": event.visibility,
        "status": event.status,
        "registration_opens_at": iso(event.registration_opens_at),
        "registration_closes_at": iso(event.registration_closes_at),
        "action_ids": action_ids if action_ids is not None else [],
        "url": base + url_for("events.detail", event_id=event.id),
        "ics_url": f"{base}/events/{event.id}.ics",
    }


def _parse_bound(name: str, value: str, *, end: bool) -> datetime:
    """A `from`/`to` bound: a date (whole day, Brussels) or an RFC 3339 date-time."""
    day = parse_date(value)
    if day is not None:
        if not year_in_range(day):
            raise Invalid({name: year_range_message()})
        if end:
            day += timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=BRUSSELS)
    moment = parse_datetime(value)
    if moment is None:
        raise Invalid({name: _("Use a date (YYYY-MM-DD) or a date and time with offset.")})
    if not year_in_range(moment):
        raise Invalid({name: year_range_message()})
    return moment


def public_event_or_404(event_id: int) -> Event:
    """The event if the caller may see it (staff: any), else a 404 `not_found`."""
    return found_or_not_found(event_for(current_user, event_id), EVENT_NOT_FOUND)


# events per page of GET /api/v1/events unless `per_page` says otherwise, and the most asked
EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE = 100, 200


@bp.get("/events")
@access(PUBLIC)
def list_events():
    """Events by start time. Public: published public and members-only events; staff: all.

    `from` and `to` (dates or ISO datetimes) bound the start; `kind` is a kind slug. One page
    at a time (`page`, `per_page`): the answer's size does not grow with the history.
    """
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", EVENTS_PER_PAGE, 1, MAX_EVENTS_PER_PAGE)
    stmt = sa.select(Event).where(visible_to(current_user)).order_by(Event.starts_at, Event.id)
    if not is_staff(current_user):
        stmt = stmt.where(Event.status == "published")
    if request.args.get("from"):
        stmt = stmt.where(Event.starts_at >= _parse_bound("from", request.args["from"], end=False))
    if request.args.get("to"):
        # a date includes that whole day; a datetime is the exact last start
        bound = request.args["to"]
        moment = _parse_bound("to", bound, end=True)
        stmt = stmt.where(Event.starts_at < moment if parse_date(bound) is not None
                          else Event.starts_at <= moment)
    if request.args.get("kind"):
        stmt = stmt.where(Event.kind.has(EventKind.slug == request.args["kind"]))
    total = db.session.execute(
        stmt.order_by(None).with_only_columns(sa.func.count(Event.id))).scalar_one()
    events = list(db.session.execute(
        stmt.limit(per_page).offset((page - 1) * per_page)).scalars())
    actions = action_ids_for([event.id for event in events])
    return jsonify({"events": [event_json(e, actions.get(e.id, [])) for e in events],
                    "total": total, "page": page, "per_page": per_page,
                    "pages": max((total + per_page - 1) // per_page, 1)})


@bp.get("/events/<int:event_id>")
@access(PUBLIC)
def get_event(event_id: int):
    """One event."""
    event = public_event_or_404(event_id)
    return jsonify(event_json(event, action_ids_for([event.id]).get(event.id, [])))


TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
TEXT_DEFAULTS = ("description", "location", "address", "city", "online_url")


# the most characters each text field may be sent with (the service trims and checks again)
TEXT_MAX = {"title": 200, "location": 200, "address": 300, "city": 120, "online_url": 500,
            "description": 20000}


def _event_fields(data: dict[str, Any]) -> dict[str, Any]:
    """JSON values as the event service takes them: RFC 3339 times become aware datetimes.

    Texts longer than the document's maxLength are refused as sent (before trimming), so the
    document's limit is the server's. Every other check (known fields, kinds, order of times)
    is the service's.
    """
    fields = dict(data)
    errors: dict[str, str] = {}
    for name in ("capacity", "series"):
        if name in fields:
            fields[name] = json_int(fields[name])
    if isinstance(fields.get("action_ids"), list):
        fields["action_ids"] = [json_int(item) for item in fields["action_ids"]]
    for name in TIME_FIELDS:
        value = fields.get(name)
        if isinstance(value, str):
            moment = parse_datetime(value)
            if moment is None:
                errors[name] = _("Use an ISO 8601 date and time with offset, "
                                 "e.g. 2022-02-10T19:00:00+01:00.")
            elif not year_in_range(moment):
                errors[name] = year_range_message()
            else:
                fields[name] = moment
    for name, limit in TEXT_MAX.items():
        value = fields.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = _("Use at most %(max)s characters.", max=limit)
    url = fields.get("online_url")
    if isinstance(url, str) and url and not re.fullmatch(WEB_URL_PATTERN, url):
        errors["online_url"] = _("Enter a web address starting with https://")
    for name in TEXT_DEFAULTS:
        if name in fields and fields[name] is None:
            fields[name] = ""
    if errors:
        raise Invalid(errors, _("Some fields are not filled in correctly."))
    return fields


def _action_ids(fields: dict[str, Any]) -> list[int] | None:
    """Take `action_ids` out of the body: None when absent, else a list of ids."""
    if "action_ids" not in fields:
        return None
    value = fields.pop("action_ids")
    if value is None:
        return []
    if not isinstance(value, list) or not all(
            is_row_id(item) for item in value):
        raise Invalid({"action_ids": _("Give a list of plan action ids, e.g. [3, 7].")},
                      _("Some fields are not filled in correctly."))
    return value


def _actor():
    return current_user._get_current_object()


@bp.post("/events")
@access(STAFF)
def post_event():
    """Create an event; `title`, `kind`, `starts_at`, `ends_at` are required. 201 with it.

    `action_ids` links it to the plan actions it serves (the plan counts it toward them).
    """
    fields = _event_fields(json_body())
    action_ids = _action_ids(fields)
    required = {name: fields.pop(name, None) for name in ("title", "kind", "starts_at", "ends_at")}
    now = utcnow()
    event = create_event(**required, actor=_actor(), now=now, **fields)
    if action_ids:
        set_event_actions(event, action_ids, actor=_actor(), now=now)
    db.session.commit()
    return jsonify(event_json(event, action_ids_for([event.id]).get(event.id, []))), 201


@bp.patch("/events/<int:event_id>")
@access(STAFF)
def patch_event(event_id: int):
    """Change any fields; more capacity promotes people waiting; `status: cancelled` cancels.

    `action_ids` replaces the plan actions the event serves (`[]` unlinks it).
    """
    event = found_or_not_found(db.session.get(Event, event_id), EVENT_NOT_FOUND)
    fields = _event_fields(json_body())
    action_ids = _action_ids(fields)
    now = utcnow()
    if fields:
        update_event(event, fields, actor=_actor(), now=now)
    if action_ids is not None:
        set_event_actions(event, action_ids, actor=_actor(), now=now)
    db.session.commit()
    db.session.refresh(event)
    return jsonify(event_json(event, action_ids_for([event.id]).get(event.id, [])))
