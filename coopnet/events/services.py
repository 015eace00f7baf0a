"""Creating, changing, publishing and cancelling events: every rule in one place.

Pages, the JSON API and the CLI call these functions. They validate, record the change in
the audit log, raise the iCalendar SEQUENCE when calendar clients must pick up a change,
and queue e-mails; they never commit.

Capacity: lowering it below the seats already taken is allowed; nobody loses a confirmed
seat, the event simply takes no new confirmations until enough people cancel. Raising it
(or making it unlimited) gives the new seats to the people waiting, in order, at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid
from coopnet.events.models import STATUSES, VISIBILITIES, Event, EventKind, EventSeries
from coopnet.extensions import db
from coopnet.mail.services import queue_mail
from coopnet.registrations.models import Registration
from coopnet.validators import clean_text, is_row_id

# more places than any event has
MAX_CAPACITY = 100000
TEXT_LIMITS = {"title": 200, "location": 200, "address": 300, "city": 120, "online_url": 500,
               "description": 20000}
# a change to one of these must reach calendars that imported the event (SEQUENCE + 1)
CALENDAR_FIELDS = ("title", "description", "starts_at", "ends_at", "location", "address",
                   "city", "online_url", "status")
EDITABLE = ("title", "description", "kind", "starts_at", "ends_at", "location", "address",
            "city", "online_url", "capacity", "waitlist_enabled", "visibility", "status",
            "registration_opens_at", "registration_closes_at", "series")


def kind_by_slug(slug: str) -> EventKind | None:
    """The event kind with this slug, if it exists."""
    return db.session.execute(
        sa.select(EventKind).where(EventKind.slug == slug)
    ).scalar_one_or_none()


def _resolve_kind(value: Any, errors: dict[str, str]) -> EventKind | None:
    if isinstance(value, EventKind):
        return value
    kind = kind_by_slug(value) if isinstance(value, str) and value else None
    if kind is None:
        errors["kind"] = _("Choose a known kind of event.")
    return kind


def _resolve_series(value: Any, errors: dict[str, str]) -> EventSeries | None:
    if value is None or isinstance(value, EventSeries):
        return value
    series = db.session.get(EventSeries, value) if is_row_id(value) else None
    if series is None:
        errors["series"] = _("Choose an existing series.")
    return series


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise event fields; raise Invalid with a message per bad field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name not in EDITABLE:
            errors[name] = _("Unknown field.")
        elif name in TEXT_LIMITS:
            # no control characters (PostgreSQL refuses NUL); one line except the description
            text = (clean_text(value, multiline=name == "description")
                    if isinstance(value, str) else None)
            if text is None:
                errors[name] = _("Enter text.")
            elif len(text) > TEXT_LIMITS[name]:
                errors[name] = _("Use at most %(max)s characters.", max=TEXT_LIMITS[name])
            else:
                clean[name] = text
        elif name == "kind":
            clean[name] = _resolve_kind(value, errors)
        elif name == "series":
            clean[name] = _resolve_series(value, errors)
        elif name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            if value is None and name.startswith("registration_"):
                clean[name] = None
            elif not isinstance(value, datetime) or value.tzinfo is None:
                errors[name] = _("Enter a date and time.")
            else:
                clean[name] = value
        elif name == "capacity":
            if value is None:
                clean[name] = None
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors[name] = _("Enter a whole number of places (0 or more), or leave it "
                                 "empty for unlimited.")
            elif value > MAX_CAPACITY:
                errors[name] = _("That is more places than any event has.")
            else:
                clean[name] = value
        elif name == "waitlist_enabled":
            if not isinstance(value, bool):
                errors[name] = _("Choose yes or no.")
            else:
                clean[name] = value
        elif name == "visibility":
            if value not in VISIBILITIES:
                errors[name] = _("Choose public, members only or internal.")
            else:
                clean[name] = value
        elif name == "status":
            if value not in STATUSES:
                errors[name] = _("Choose draft, published or cancelled.")
            else:
                clean[name] = value
    if "title" in clean and not clean["title"]:
        errors["title"] = _("Give the event a title.")
    if clean.get("online_url") and not _is_web_url(clean["online_url"]):
        errors["online_url"] = _("Enter a web address starting with https://")
    if errors:
        raise Invalid(errors, _("Some fields are not filled in correctly."))
    return clean


def _check_times(event_values: dict[str, Any]) -> None:
    starts, ends = event_values.get("starts_at"), event_values.get("ends_at")
    opens = event_values.get("registration_opens_at")
    closes = event_values.get("registration_closes_at")
    errors: dict[str, str] = {}
    if starts is not None and ends is not None and ends < starts:
        errors["ends_at"] = _("The end must come after the start.")
    if opens is not None and closes is not None and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if errors:
        raise Invalid(errors, _("Some fields are not filled in correctly."))


def create_event(
    *,
    title: str,
    kind: str | EventKind,
    starts_at: datetime,
    ends_at: datetime,
    actor: User | None,
    now: datetime | None = None,
    **fields: Any,
) -> Event:
    """Create an event (published and public unless told otherwise)."""
    now = now or utcnow()
    values = {"title": title, "kind": kind, "starts_at": starts_at, "ends_at": ends_at, **fields}
    missing = {name: _("This field is required.") for name in ("title", "kind", "starts_at",
                                                                "ends_at") if values[name] in (None, "")}
    if missing:
        raise Invalid(missing, _("Some fields are not filled in correctly."))
    clean = _clean(values)
    _check_times(clean)
    event = Event(
        description="", location="", address="", city="", online_url="", capacity=None,
        waitlist_enabled=True, visibility="public", status="published", sequence=0,
        seats_taken=0, created_by_id=actor.id if actor is not None else None,
    )
    for name, value in clean.items():
        setattr(event, name, value)
    db.session.add(event)
    db.session.flush()
    record_audit("event.created", object_type="event", object_id=event.id, actor=actor,
                 now=now, details={"title": event.title, "kind": event.kind.slug})
    return event


def _audit_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, EventKind):
        return value.slug
    if isinstance(value, EventSeries):
        return value.id
    return value


def update_event(event: Event, changes: dict[str, Any], *, actor: User | None,
                 now: datetime | None = None) -> Event:
    """Change fields of an event. `status: cancelled` cancels it (and tells registrants)."""
    now = now or utcnow()
    clean = _clean(changes)
    current = {name: getattr(event, name) for name in EDITABLE}
    _check_times({**current, **clean})
    if event.status == "cancelled" and clean.get("status", "cancelled") != "cancelled":
        raise DomainError("event_cancelled", _("A cancelled event cannot be changed back."))
    status = clean.pop("status", None)
    changed = {name: value for name, value in clean.items() if current[name] != value}
    old_capacity = event.capacity
    for name, value in changed.items():
        setattr(event, name, value)
    if any(name in CALENDAR_FIELDS for name in changed):
        event.sequence += 1
    if changed:
        event.updated_at = now
        record_audit("event.updated", object_type="event", object_id=event.id, actor=actor,
                     now=now, details={name: [_audit_value(current[name]), _audit_value(value)]
                                       for name, value in changed.items()})
    if status == "cancelled" and event.status != "cancelled":
        cancel_event(event, actor=actor, now=now)
    elif status == "published" and event.status == "draft":
        publish_event(event, actor=actor, now=now)
    elif status == "draft" and event.status == "published":
        raise DomainError("already_published",
                          _("A published event cannot go back to draft; cancel it instead."))
    if "capacity" in changed and (event.capacity is None or
                                  (old_capacity is not None and event.capacity > old_capacity)):
        from coopnet.registrations.services import promote_waiting

        db.session.flush()
        promote_waiting(event, now=now, actor=actor)
    db.session.flush()
    return event


def publish_event(event: Event, *, actor: User | None, now: datetime | None = None) -> Event:
    """Make a draft visible (and open for registration)."""
    now = now or utcnow()
    if event.status == "cancelled":
        raise DomainError("event_cancelled", _("A cancelled event cannot be published."))
    if event.status != "published":
        event.status = "published"
        event.sequence += 1
        record_audit("event.published", object_type="event", object_id=event.id, actor=actor,
                     now=now)
    return event


def cancel_event(event: Event, *, actor: User | None, now: datetime | None = None) -> int:
    """Cancel an event and queue an e-mail to everyone registered or waiting; returns how many."""
    now = now or utcnow()
    if event.status == "cancelled":
        return 0
    event.status = "cancelled"
    event.sequence += 1
    event.updated_at = now
    registrations = db.session.execute(
        sa.select(Registration)
        .where(Registration.event_id == event.id,
               Registration.status.in_(("confirmed", "waitlisted")))
        .order_by(Registration.id)
    ).scalars().all()
    base_url = current_app.config["COOPNET_BASE_URL"]
    for registration in registrations:
        person = registration.person
        if not person.email:
            continue
        text = render_template("events/mail/event_cancelled.txt", event=event, person=person,
                               event_url=f"{base_url}/events/{event.id}")
        queue_mail(kind="event_cancelled", to=person.email,
                   subject=_("Cancelled: %(title)s", title=event.title), text=text,
                   dedupe_key=f"event_cancelled:{registration.id}", now=now)
    record_audit("event.cancelled", object_type="event", object_id=event.id, actor=actor,
                 now=now, details={"notified": len(registrations)})
    return len(registrations)
