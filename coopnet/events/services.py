"""Creating, changing, publishing and cancelling events: every rule in one place.

Pages, the JSON API and the CLI call these functions. They validate, record the change in
the audit log, raise the iCalendar SEQUENCE when calendar clients must pick up a change,
and queue e-mails; they never commit.

Capacity: lowering it below the number of people already confirmed is refused (`Invalid` on
the capacity field, naming that number): nobody loses a confirmed seat by an edit. Raising it
(or making it unlimited) gives the new seats to the people waiting, in order, at once.

Changes people must hear about: a new time, place or join link is mailed once per save to
everyone confirmed or waiting, with the calendar file (same UID, SEQUENCE raised) so their
calendar moves the event. Cancelling an event cancels its registrations and tells everyone.
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
from coopnet.i18n import in_language_of
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
# a change to one of these is mailed to everyone registered or waiting
NOTIFY_FIELDS = ("starts_at", "ends_at", "location", "address", "city", "online_url")
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


def _check_capacity(event: Event, capacity: int | None) -> None:
    """Refuse a capacity below the number of people holding a seat (confirmed in advance)."""
    if capacity is None or event.id is None:
        return
    db.session.refresh(event, ["seats_taken"])
    if capacity < event.seats_taken:
        raise Invalid({"capacity": _(
            "%(count)s people are already confirmed: the capacity cannot be lower than "
            "%(count)s. Cancel registrations first if places must go.",
            count=event.seats_taken)}, _("Some fields are not filled in correctly."))


def update_event(event: Event, changes: dict[str, Any], *, actor: User | None,
                 now: datetime | None = None) -> Event:
    """Change fields of an event. `status: cancelled` cancels it (and tells registrants).

    A new time, place or join link of a published event is mailed to everyone confirmed or
    waiting, once per call however many of those fields changed."""
    now = now or utcnow()
    clean = _clean(changes)
    current = {name: getattr(event, name) for name in EDITABLE}
    _check_times({**current, **clean})
    if event.status == "cancelled" and clean.get("status", "cancelled") != "cancelled":
        raise DomainError("event_cancelled", _("A cancelled event cannot be changed back."))
    status = clean.pop("status", None)
    changed = {name: value for name, value in clean.items() if current[name] != value}
    old_capacity = event.capacity
    if "capacity" in changed:
        _check_capacity(event, changed["capacity"])
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
    noticed = [name for name in NOTIFY_FIELDS if name in changed]
    if noticed and event.status == "published":
        db.session.flush()
        notify_change(event, noticed, previous=current, now=now)
    db.session.flush()
    return event


def change_mail_key(event: Event, registration_id: int | str) -> str:
    """The outbox key of one change mail: one per person per change (SEQUENCE) of the event."""
    return f"event_changed:{event.id}:{registration_id}:{event.sequence}"


def changes_mailed(event: Event) -> int:
    """How many people were mailed about the event's latest change."""
    from coopnet.mail.models import OutboxMessage

    return db.session.execute(
        sa.select(sa.func.count(OutboxMessage.id))
        .where(OutboxMessage.kind == "event_changed",
               OutboxMessage.dedupe_key.like(change_mail_key(event, "%")))
    ).scalar_one()


def notify_change(event: Event, fields: list[str], *, previous: dict[str, Any],
                  now: datetime) -> int:
    """Mail everyone confirmed or waiting that the time, place or join link changed: one mail
    per person per change, with the new calendar file for the confirmed (same UID, higher
    SEQUENCE). The join link goes to the confirmed only. Returns how many mails were queued."""
    from coopnet.events.ics import event_ics
    from coopnet.registrations.services import join_url, manage_url

    registrations = _registrations_to_tell(event)
    time_changed = "starts_at" in fields or "ends_at" in fields
    place_changed = any(name in fields for name in ("location", "address", "city"))
    link_changed = "online_url" in fields
    was_starts, was_ends = previous["starts_at"], previous["ends_at"]
    queued = 0
    for registration in registrations:
        person = registration.person
        if not person.email:
            continue
        link = join_url(registration)
        if not (time_changed or place_changed or (link_changed and link)):
            continue  # only the join link changed, and this person (waiting) does not get it
        with in_language_of(person):  # the registrant's language, not the staff member's
            text = render_template(
                "events/mail/event_changed.txt", event=event, person=person,
                registration=registration, time_changed=time_changed,
                place_changed=place_changed, link_changed=link_changed and link is not None,
                join_url=link, was_starts=was_starts, was_ends=was_ends,
                manage_url=manage_url(registration))
            attachments: tuple[tuple[str, str, bytes], ...] = ()
            if registration.status == "confirmed":
                attachments = ((f"coopkracht-{event.id}.ics", "text/calendar",
                                event_ics(event, now=now, with_join_link=link is not None)),)
            message = queue_mail(
                kind="event_changed", to=person.email,
                subject=_("Changed: %(title)s", title=event.title), text=text,
                attachments=attachments,
                dedupe_key=change_mail_key(event, registration.id), now=now)
        queued += message is not None
    return queued


def _registrations_to_tell(event: Event) -> list[Registration]:
    """The event's confirmed and waiting registrations, in order: who hears of a change or a
    cancellation."""
    return list(db.session.execute(
        sa.select(Registration)
        .where(Registration.event_id == event.id,
               Registration.status.in_(("confirmed", "waitlisted")))
        .order_by(Registration.id)
    ).scalars())


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
    """Cancel an event: its registrations are cancelled too (those already checked in keep
    their attendance), and everyone who was registered or waiting gets an e-mail with the
    cancelled calendar file. Returns how many people were mailed."""
    from coopnet.events.ics import event_ics

    now = now or utcnow()
    if event.status == "cancelled":
        return 0
    event.status = "cancelled"
    event.sequence += 1
    event.updated_at = now
    registrations = _registrations_to_tell(event)
    cancelled = [r for r in registrations if r.checked_in_at is None]
    if cancelled:
        db.session.execute(
            sa.update(Registration)
            .where(Registration.id.in_([r.id for r in cancelled]),
                   Registration.checked_in_at.is_(None))
            .values(status="cancelled", cancelled_at=now)
            .execution_options(synchronize_session=False))
        # the seats go with them: only people already checked in still hold one
        held = db.session.execute(
            sa.select(sa.func.count(Registration.id))
            .where(Registration.event_id == event.id, Registration.holds_seat)
        ).scalar_one()
        event.seats_taken = held
        for registration in cancelled:
            record_audit("registration.cancelled", object_type="registration",
                         object_id=registration.id, actor=actor, now=now,
                         details={"event_id": event.id, "previous_status": registration.status,
                                  "reason": "event_cancelled"})
            db.session.expire(registration)
    base_url = current_app.config["COOPNET_BASE_URL"]
    mailed = 0
    for registration in registrations:
        person = registration.person
        if not person.email:
            continue
        with in_language_of(person):  # the registrant's language, not the staff member's
            text = render_template("events/mail/event_cancelled.txt", event=event,
                                   person=person, event_url=f"{base_url}/events/{event.id}")
            calendar_file = (f"coopkracht-{event.id}.ics", "text/calendar",
                             event_ics(event, now=now))
            message = queue_mail(kind="event_cancelled", to=person.email,
                                 subject=_("Cancelled: %(title)s", title=event.title),
                                 text=text, attachments=(calendar_file,),
                                 dedupe_key=f"event_cancelled:{registration.id}", now=now)
        mailed += message is not None
    record_audit("event.cancelled", object_type="event", object_id=event.id, actor=actor,
                 now=now, details={"notified": mailed,
                                   "registrations_cancelled": len(cancelled)})
    return mailed
