"""Registering, cancelling and the waiting list: every rule in one place.

Seats are counted in `Event.seats_taken`. A seat is taken only by a conditional UPDATE
(`... WHERE seats_taken < capacity`) whose row count says whether it worked, and it is
given back in the same transaction as the cancellation that frees it. Counting rows and
then inserting oversells under load on both SQLite and PostgreSQL; measured with 40 threads on 10 seats.

The first UPDATE of the event row also serialises every seat change of one event until
commit: PostgreSQL holds the row lock, SQLite the database write lock. The waiting list
and promotions rely on that to keep their order exact.

A first-time person and a registration are written with plain `INSERT ... ON CONFLICT DO
NOTHING RETURNING id` (no savepoint, no ORM flush): the unique indexes decide (one person
per e-mail address, one active registration per person and event, short codes), and on
PostgreSQL the INSERT waits for a concurrent one to commit or roll back. No row back means
someone else's registration won: theirs is answered, and a seat taken meanwhile given back.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.db import as_loaded, insert_unless_taken, utcnow
from coopnet.errors import DomainError, Forbidden, Invalid, NotFound
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.i18n import current_language, in_language_of, mail_language_of
from coopnet.mail.services import queue_mail
from coopnet.members.models import Organization, Person
from coopnet.members.rules import member_contact_by_email
from coopnet.members.services import create_person, split_name
from coopnet.registrations.models import (
    SEATLESS_SOURCES,
    Registration,
    format_short_code,
    new_short_code,
)
from coopnet.sqlite_setup import begin_immediate
from coopnet.validators import normalize_email

NAME_MAX = 200


def new_ticket_code() -> str:
    """An unguessable ticket code: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def manage_url(registration: Registration) -> str:
    """The private link where the holder views or cancels the registration."""
    return f"{current_app.config['COOPNET_BASE_URL']}/r/{registration.ticket_code}"


def join_url(registration: Registration) -> str | None:
    """The online event's join link, for its holder while the registration is confirmed.

    The link is for registrants only: never on public pages, the public calendar files or the
    public API; waiting and cancelled registrations do not get it either."""
    event = registration.event
    if registration.status != "confirmed" or event.status != "published" or not event.online_url:
        return None
    return event.online_url


def _begin_write() -> None:
    """On SQLite, take the database write lock now (BEGIN IMMEDIATE), waiting for it.

    SQLite's default deferred transaction reads a snapshot first and fails with
    "database is locked" instead of waiting when it later wants to write and another
    writer committed meanwhile. Taking the lock up front makes it wait (busy timeout).
    The driver only begins transactions before writes, so earlier reads hold no snapshot.
    PostgreSQL needs nothing here: its row locks wait on their own.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver_connection = connection.connection.dbapi_connection
    if driver_connection is not None and not driver_connection.in_transaction:
        begin_immediate(driver_connection)


# -- seat counter --------------------------------------------------------------------------

def _take_seat(event_id: int) -> bool:
    """Take one seat if one is free; the database decides, atomically."""
    result = db.session.execute(_take_seat_statement(), {"event_id": event_id})
    return result.rowcount == 1  # type: ignore[attr-defined]


@functools.cache
def _take_seat_statement() -> sa.Update:
    # built once per process: every registration runs it. A table UPDATE, not the ORM's:
    # the ORM builds its bulk UPDATE anew on each execution (and works out its cache key)
    events = Event.__table__.c
    return (sa.update(Event.__table__)
            .where(events.id == sa.bindparam("event_id"),
                   sa.or_(events.capacity.is_(None), events.seats_taken < events.capacity))
            .values(seats_taken=events.seats_taken + 1, **_NOT_AN_EDIT))


# the seat counter is the registrations' bookkeeping, not an edit of the event: its
# updated_at (the calendar files' LAST-MODIFIED) stays when the time the event last changed
_NOT_AN_EDIT = {"updated_at": Event.__table__.c.updated_at}


def _lock_event(event_id: int) -> None:
    """Hold the event row's write lock until commit (a no-op UPDATE)."""
    db.session.execute(_lock_event_statement(), {"event_id": event_id})


@functools.cache
def _lock_event_statement() -> sa.Update:
    events = Event.__table__.c
    return (sa.update(Event.__table__).where(events.id == sa.bindparam("event_id"))
            .values(seats_taken=events.seats_taken, **_NOT_AN_EDIT))


def _free_seat(event_id: int) -> None:
    db.session.execute(_free_seat_statement(), {"event_id": event_id})


@functools.cache
def _free_seat_statement() -> sa.Update:
    events = Event.__table__.c
    return (sa.update(Event.__table__)
            .where(events.id == sa.bindparam("event_id"), events.seats_taken > 0)
            .values(seats_taken=events.seats_taken - 1, **_NOT_AN_EDIT))


def _refresh_seats(event: Event) -> None:
    # the counter changed behind the ORM's back; reload it so callers see the truth
    db.session.expire(event, ["seats_taken"])


# -- reads used by the rules ---------------------------------------------------------------

def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting, 2 for the next …; None when not waiting."""
    if registration.status != "waitlisted" or registration.waitlisted_at is None:
        return None
    before = db.session.execute(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == "waitlisted",
            sa.or_(Registration.waitlisted_at < registration.waitlisted_at,
                   sa.and_(Registration.waitlisted_at == registration.waitlisted_at,
                           Registration.id < registration.id)),
        )
    ).scalar_one()
    return before + 1


def _active_registration(event_id: int, email: str) -> Registration | None:
    return db.session.execute(_active_registration_statement(),
                              {"event_id": event_id, "email": email}).scalar_one_or_none()


@functools.cache
def _active_registration_statement() -> sa.Select[tuple[Registration]]:
    # built once per process: every registration runs it
    return (sa.select(Registration).join(Person, Registration.person_id == Person.id)
            .where(Registration.event_id == sa.bindparam("event_id"),
                   Person.email == sa.bindparam("email"), Registration.status != "cancelled"))


def _known(event_id: int, email: str) -> tuple[int | None, int | None]:
    """(the id of the person with this address, the id of their active registration for the
    event), each None when there is none: one read for what registering needs to know."""
    row = db.session.execute(_known_statement(), {"event_id": event_id, "email": email}).first()
    return (row[0], row[1]) if row is not None else (None, None)


@functools.cache
def _known_statement() -> sa.Select[tuple[int, int | None]]:
    # built once per process, on the tables (no ORM entity): every registration runs it
    people, registrations = Person.__table__.c, Registration.__table__.c
    return (sa.select(people.id, registrations.id)
            .outerjoin_from(Person.__table__, Registration.__table__,
                            sa.and_(registrations.person_id == people.id,
                                    registrations.event_id == sa.bindparam("event_id"),
                                    registrations.status != "cancelled"))
            .where(people.email == sa.bindparam("email")))


def may_register_for_members_only(email: str, *, actor: User | None, now: datetime) -> bool:
    """Members-only events accept exactly the current contact persons of current member
    co-ops (`member_contact_by_email`), registering themselves while signed in with that
    address — or registered by staff. Knowing a contact's address is not enough, and what
    someone types as their organisation never counts."""
    if member_contact_by_email(email, now) is None:
        return False
    if actor is None:
        return False
    if actor.has_role("staff"):
        return True
    return actor.person is not None and actor.person.email == email


def _check_public_event(event: Event) -> None:
    if event.status == "draft" or event.visibility == "internal" or event.kind.is_internal:
        raise NotFound("not_found", _("This event does not exist (any more)."))
    if event.status == "cancelled":
        raise DomainError("event_cancelled", _("This event has been cancelled."))


def _check_window(event: Event, now: datetime) -> None:
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        raise DomainError("registration_closed",
                          _("Registration for this event has not opened yet."))
    closes = event.registration_closes_at
    if now >= event.starts_at or (closes is not None and now >= closes):
        raise DomainError("registration_closed", _("Registration for this event is closed."))


def registration_state(event: Event, now: datetime) -> str:
    """What the event page can offer right now, by the same rules `register` applies.

    One of: open, waitlist (full, the waiting list is open), full (no waiting list),
    not_open, closed, cancelled, unavailable (drafts and internal meetings).
    """
    try:
        _check_public_event(event)
    except NotFound:
        return "unavailable"
    except DomainError:
        return "cancelled"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_open"
    try:
        _check_window(event, now)
    except DomainError:
        return "closed"
    if event.capacity is not None and event.seats_taken >= event.capacity:
        return "waitlist" if event.waitlist_enabled else "full"
    return "open"


def _validate(name: str, email: str, consent: bool) -> tuple[str, str]:
    fields: dict[str, str] = {}
    clean_name = " ".join((name or "").split())
    if not clean_name:
        fields["name"] = _("Fill in your name.")
    elif len(clean_name) > NAME_MAX:
        fields["name"] = _("Use at most %(max)s characters.", max=NAME_MAX)
    clean_email = normalize_email(email or "")
    if clean_email is None:
        fields["email"] = _("Enter a valid e-mail address.")
    if consent is not True:
        fields["consent"] = _("Agree to the privacy notice to register.")
    if fields:
        raise Invalid(fields, _("Some fields are not filled in correctly."))
    return clean_name, clean_email or ""


# -- mail ----------------------------------------------------------------------------------

def _calendar_attachments(event: Event, now: datetime) -> list[tuple[str, str, bytes]]:
    """The event's .ics with the join link, for mails to confirmed registrants."""
    from coopnet.events.ics import event_ics

    return [(f"coopkracht-{event.id}.ics", "text/calendar",
             event_ics(event, now=now, with_join_link=True))]


@dataclass(frozen=True)
class _PreparedMail:
    """A confirmation mail rendered before the write lock, for the usual outcome: a seat for
    the ticket code chosen up front, addressed by the first name that was typed."""

    ticket_code: str
    short_code: str
    first_name: str
    language: str
    subject: str
    text: str
    attachments: list[tuple[str, str, bytes]]


def _prepare_confirmation(event: Event, clean_name: str, now: datetime) -> _PreparedMail:
    """Render the confirmation (text and .ics) while no lock is held: on SQLite the write lock
    is the whole database's, on PostgreSQL the event row is every registrant's."""
    first_name = split_name(clean_name)[0]
    ticket_code = new_ticket_code()
    # chosen before the lock too; the unique index (event, short code) decides (`_place`)
    short_code = new_short_code()
    join = event.online_url if event.status == "published" and event.online_url else None
    text = _confirmation_text(event, join, {
        "first_name": first_name, "short_code": format_short_code(short_code),
        "manage_url": f"{current_app.config['COOPNET_BASE_URL']}/r/{ticket_code}"})
    return _PreparedMail(ticket_code, short_code, first_name, current_language(),
                         _SUBJECTS["registration_confirmed"](event.title), text,
                         _calendar_attachments(event, now))


# A confirmation differs between the registrants of one event only in these three values. The
# text is rendered once per process for each event (as the mail shows it), link, language and
# time zone, with a marker where each value goes; a marker holds a NUL, which typed text never
# does (names and addresses lose control characters), and the values are put in in one pass.
_MARKER = "\x00{}\x00"
_MARKERS = re.compile("\x00(first_name|short_code|manage_url)\x00")


def _confirmation_text(event: Event, join: str | None, values: dict[str, str]) -> str:
    """The confirmation mail's text (registrations/mail/registration.txt) for these values."""
    template = _confirmation_template(
        str(get_locale()), str(get_timezone()), event.title, event.starts_at, event.ends_at,
        event.is_online, event.place, join)
    return _MARKERS.sub(lambda found: values[found.group(1)], template)


@functools.lru_cache(maxsize=256)
def _confirmation_template(_locale: str, _zone: str, title: str, starts_at: datetime,
                           ends_at: datetime, is_online: bool, place: str,
                           join: str | None) -> str:
    # the template sees only what the key holds: the cached text cannot depend on anything else
    shown = SimpleNamespace(title=title, starts_at=starts_at, ends_at=ends_at,
                            is_online=is_online, place=place)
    return render_template(
        "registrations/mail/registration.txt", kind="registration_confirmed",
        registration=SimpleNamespace(status="confirmed",
                                     short_code_display=_MARKER.format("short_code")),
        event=shown, person=SimpleNamespace(first_name=_MARKER.format("first_name")),
        manage_url=_MARKER.format("manage_url"), position=None, join_url=join)


# each mail's subject, translated when that mail is queued (only its own)
_SUBJECTS: dict[str, Callable[[str], str]] = {
    "registration_confirmed": lambda title: _("Your registration: %(title)s", title=title),
    "registration_waitlisted": lambda title: _("On the waiting list: %(title)s", title=title),
    "registration_promoted": lambda title: _("A place is free for you: %(title)s", title=title),
    "registration_resend": lambda title: _("Your registration link: %(title)s", title=title),
    "registration_cancelled": lambda title: _("Registration cancelled: %(title)s", title=title),
    "registration_ticket": lambda title: _("Your ticket: %(title)s", title=title),
    "registration_moved": lambda title: _("Your registration has moved: %(title)s",
                                          title=title),
}


def _queue_registration_mail(registration: Registration, kind: str, *, now: datetime,
                             prepared: _PreparedMail | None = None,
                             moved_from: Event | None = None) -> None:
    """Queue the mail of `kind` about this registration, written in the person's language."""
    if (prepared is not None and kind == "registration_confirmed"
            and registration.status == "confirmed"
            and prepared.ticket_code == registration.ticket_code
            and prepared.short_code == registration.short_code
            and prepared.first_name == registration.person.first_name
            and prepared.language == mail_language_of(registration.person)):
        # the mail rendered before the lock is this one, in the person's language
        queue_mail(kind=kind, to=registration.person.email or "", subject=prepared.subject,
                   text=prepared.text, attachments=prepared.attachments, now=now)
        return
    with in_language_of(registration.person):
        event = registration.event
        subject = _SUBJECTS[kind](event.title)
        text = render_template(
            "registrations/mail/registration.txt", kind=kind, registration=registration,
            event=event, person=registration.person, manage_url=manage_url(registration),
            position=waitlist_position(registration),
            join_url=join_url(registration) if kind != "registration_cancelled" else None,
            moved_from=moved_from,
        )
        confirmed = registration.status == "confirmed" and kind != "registration_cancelled"
        queue_mail(kind=kind, to=registration.person.email or "", subject=subject, text=text,
                   attachments=_calendar_attachments(event, now) if confirmed else (), now=now)


# -- the services --------------------------------------------------------------------------

def register(
    event: Event,
    *,
    name: str,
    email: str,
    organization: Organization | None = None,
    organization_name: str = "",
    consent: bool,
    source: str = "online",
    actor: User | None = None,
    now: datetime | None = None,
) -> tuple[Registration, bool]:
    """Register a person for an event: confirmed while seats are free, else on the waiting list.

    Returns (registration, created). The same e-mail again for the same event returns the
    existing active registration (created False) and mails its link again.
    """
    now = now or utcnow()
    clean_name, clean_email = _validate(name, email, consent)
    organization_name = " ".join((organization_name or "").split())[:200]
    if organization is not None:
        organization_name = organization.name
    _check_public_event(event)
    return _register_checked(event, clean_name, clean_email, organization, organization_name,
                             source, actor, now)


def register_for_internal_event(
    event: Event,
    person: Person,
    *,
    organization: Organization | None = None,
    actor: User,
    now: datetime | None = None,
) -> tuple[Registration, bool]:
    """Staff register a known person for an internal meeting (e.g. a micro-meeting's contacts).

    Public sign-up never reaches internal events (`_check_public_event`), so this is the one
    way in: staff only, source `staff`, the person's own name and e-mail address, and from
    there the same seat counter, audit entry and confirmation mail (with .ics) as `register`.
    Errors: `forbidden`, `not_internal` (use `register`), `event_cancelled`, `not_found`
    (a draft), `registration_closed`, `invalid` (the person has no e-mail address).
    """
    now = now or utcnow()
    if actor is None or not actor.has_role("staff"):
        raise Forbidden("forbidden", _("Only staff can register people for internal meetings."))
    if event.visibility != "internal" and not event.kind.is_internal:
        raise DomainError("not_internal", _("This event is open for registration."))
    if event.status == "draft":
        raise NotFound("not_found", _("This event does not exist (any more)."))
    if event.status == "cancelled":
        raise DomainError("event_cancelled", _("This event has been cancelled."))
    # staff act on the member's behalf here, as agreed when the meeting was arranged
    clean_name, clean_email = _validate(person.full_name, person.email or "", True)
    organization_name = organization.name if organization is not None else ""
    return _register_checked(event, clean_name, clean_email, organization, organization_name,
                             "staff", actor, now)


def _register_checked(event: Event, clean_name: str, clean_email: str,
                      organization: Organization | None, organization_name: str, source: str,
                      actor: User | None, now: datetime) -> tuple[Registration, bool]:
    """`register` after the entry point has checked who may register for this event."""
    prepared = _prepare_confirmation(event, clean_name, now)
    # the reads come before the write lock (SQLite's is the whole database's): what another
    # registration writes meanwhile, the INSERTs' ON CONFLICT find out
    language = _own_language(source)
    person_id, registration_id = _known(event.id, clean_email)
    if registration_id is not None:
        existing = db.session.get(Registration, registration_id)
        assert existing is not None
        _begin_write()
        _remember_language(existing.person, language)
        _queue_registration_mail(existing, "registration_resend", now=now)
        return existing, False

    _check_window(event, now)
    if event.visibility == "members" and not may_register_for_members_only(
            clean_email, actor=actor, now=now):
        raise DomainError("members_only", _(
            "This event is for contact persons of member co-ops. Sign in with the address "
            "the network knows you by, then register."))

    _begin_write()
    # the one lookup above found the person if the address is known (`find_or_create_person`)
    person = (db.session.get(Person, person_id) if person_id is not None
              else create_person(name=clean_name, email=clean_email, language=language))
    assert person is not None
    _remember_language(person, language)
    registration = _place(event, person, organization, organization_name, source, now,
                          ticket_code=prepared.ticket_code, short_code=prepared.short_code)
    if registration is None:
        # someone registered the same e-mail at the same moment and committed first
        existing = _active_registration(event.id, clean_email)
        if existing is None:
            raise DomainError("busy", _("Please try again in a moment."), status=503)
        _queue_registration_mail(existing, "registration_resend", now=now)
        return existing, False
    _refresh_seats(event)

    record_audit("registration.created", object_type="registration", object_id=registration.id,
                 actor=actor, now=now,
                 details={"event_id": event.id, "status": registration.status, "source": source})
    kind = ("registration_confirmed" if registration.status == "confirmed"
            else "registration_waitlisted")
    _queue_registration_mail(registration, kind, now=now, prepared=prepared)
    return registration, True


def _own_language(source: str) -> str | None:
    """The language of a person registering on the site themself: their mails from now on
    come in it. Staff, imports and API clients register in someone else's name, so their
    language says nothing about the person's (None)."""
    if source == "online" and has_request_context():
        return current_language()
    return None


def _remember_language(person: Person, language: str | None) -> None:
    if language is not None and person.language != language:
        person.language = language


def free_short_code(event_id: int) -> str:
    """A short ticket code no registration of this event has yet (the unique index
    uq_registrations_event_short_code is the last word)."""
    for _attempt in range(10):
        code = new_short_code()
        taken = db.session.execute(_short_code_taken_statement(),
                                   {"event_id": event_id, "short_code": code}).first()
        if taken is None:
            return code
    raise DomainError("busy", _("Please try again in a moment."), status=503)


@functools.cache
def _short_code_taken_statement() -> sa.Select[tuple[int]]:
    # built once per process: every registration runs it
    return sa.select(Registration.id).where(Registration.event_id == sa.bindparam("event_id"),
                                            Registration.short_code == sa.bindparam("short_code"))


def _place(event: Event, person: Person, organization: Organization | None,
           organization_name: str, source: str, now: datetime, *,
           ticket_code: str | None = None, short_code: str | None = None
           ) -> Registration | None:
    """Insert the registration as confirmed (a seat was taken) or waitlisted.

    The unique indexes decide, with ON CONFLICT DO NOTHING: None when the person already
    holds an active registration for the event (uq_registrations_active_person: someone
    registered the same person at the same moment), and a seat taken for it is given back;
    a short code another registration of the event has (uq_registrations_event_short_code)
    is drawn again."""
    values: dict[str, Any] = {
        "event_id": event.id, "person_id": person.id,
        "organization_id": organization.id if organization is not None else None,
        "organization_name": organization_name, "source": source,
        "ticket_code": ticket_code or new_ticket_code(),
        "short_code": short_code or new_short_code(), "consent_at": now,
        "registered_at": now, "waitlisted_at": None, "confirmed_at": None,
        "cancelled_at": None, "checked_in_at": None, "checked_in_by_id": None,
    }
    seat = False
    if source in SEATLESS_SOURCES:
        values.update(status="confirmed", confirmed_at=now)
    elif _take_seat(event.id):
        seat = True
        values.update(status="confirmed", confirmed_at=now)
    else:
        _lock_event(event.id)
        # a seat may have been freed while we waited for the lock
        if _take_seat(event.id):
            seat = True
            values.update(status="confirmed", confirmed_at=now)
        elif not event.waitlist_enabled:
            raise DomainError("waitlist_closed",
                              _("This event is full and has no waiting list."))
        else:
            # the event row is locked: nobody else joins this waiting list before we commit.
            # Keep the queue's order equal to the order of joining even if clocks disagree.
            last = db.session.execute(
                sa.select(sa.func.max(Registration.waitlisted_at))
                .where(Registration.event_id == event.id, Registration.status == "waitlisted")
            ).scalar_one()
            values.update(status="waitlisted",
                          waitlisted_at=max(now, last) if last is not None else now)
    values["created_at"] = values["updated_at"] = utcnow()
    session = db.session
    for _attempt in range(10):
        registration_id = session.execute(_insert_registration_statement(),
                                          values).scalar_one_or_none()
        if registration_id is not None:
            break
        if session.execute(_active_registration_of_person_statement(),
                           {"event_id": event.id, "person_id": person.id}).first() is not None:
            if seat:
                _free_seat(event.id)
            return None
        # the short code is another registration's of this event (1 chance in 8.5e11)
        values["short_code"] = new_short_code()
    else:
        raise DomainError("busy", _("Please try again in a moment."), status=503)
    # the row as written, without reading it back or flushing an ORM object
    registration = as_loaded(session, Registration(id=registration_id, **values))
    set_committed_value(registration, "event", event)
    set_committed_value(registration, "person", person)
    set_committed_value(registration, "organization", organization)
    return registration


@functools.cache
def _insert_registration_statement() -> sa.TextualSelect:
    # built once per process: every registration runs it. Any unique index may refuse the
    # row: one active registration per person and event, short code, ticket code.
    return insert_unless_taken(Registration.__table__)


@functools.cache
def _active_registration_of_person_statement() -> sa.Select[tuple[int]]:
    registrations = Registration.__table__.c
    return sa.select(registrations.id).where(registrations.event_id == sa.bindparam("event_id"),
                                             registrations.person_id == sa.bindparam("person_id"),
                                             registrations.status != "cancelled")


def cancel_registration(
    registration: Registration, *, actor: User | None = None, now: datetime | None = None,
    notify: bool = True,
) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first people waiting (returned).

    Cancelling twice is harmless: the second time changes nothing. `notify=False` skips the
    holder's mail, for when they were already told why (their event was cancelled).
    """
    now = now or utcnow()
    _begin_write()
    for _attempt in range(5):
        db.session.refresh(registration)
        old_status = registration.status
        # decided before the change, by the one rule (Registration.holds_seat)
        held_seat = registration.holds_seat
        if old_status == "cancelled":
            return []
        if registration.checked_in_at is not None:
            raise DomainError("already_checked_in",
                              _("This person has already been checked in."))
        changed = db.session.execute(  # type: ignore[attr-defined]
            sa.update(Registration)
            .where(Registration.id == registration.id, Registration.status == old_status)
            .values(status="cancelled", cancelled_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed == 1:
            break
        # promoted (or cancelled) by someone else meanwhile: look again
    else:
        raise DomainError("busy", _("Please try again in a moment."), status=503)
    db.session.expire(registration)
    freed = held_seat
    if freed:
        _free_seat(registration.event_id)
    record_audit("registration.cancelled", object_type="registration",
                 object_id=registration.id, actor=actor, now=now,
                 details={"event_id": registration.event_id, "previous_status": old_status})
    if notify:
        _queue_registration_mail(registration, "registration_cancelled", now=now)
    event = registration.event
    promoted = promote_waiting(event, now=now, actor=actor) if freed else []
    _refresh_seats(event)
    return promoted


def promote_waiting(event: Event, *, now: datetime | None = None,
                    actor: User | None = None) -> list[Registration]:
    """Give free seats to the people waiting longest, in order; each is told by e-mail."""
    now = now or utcnow()
    promoted: list[Registration] = []
    if event.status == "cancelled":
        return promoted
    _begin_write()
    while True:
        first = db.session.execute(
            sa.select(Registration.id)
            .where(Registration.event_id == event.id, Registration.status == "waitlisted")
            .order_by(Registration.waitlisted_at, Registration.id)
            .limit(1)
        ).scalar_one_or_none()
        if first is None or not _take_seat(event.id):
            break
        changed = db.session.execute(  # type: ignore[attr-defined]
            sa.update(Registration)
            .where(Registration.id == first, Registration.status == "waitlisted")
            .values(status="confirmed", confirmed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            _free_seat(event.id)  # that person left the queue meanwhile; try the next
            continue
        registration = db.session.get(Registration, first)
        assert registration is not None
        db.session.refresh(registration)
        record_audit("registration.promoted", object_type="registration",
                     object_id=registration.id, actor=actor, now=now,
                     details={"event_id": event.id})
        _queue_registration_mail(registration, "registration_promoted", now=now)
        promoted.append(registration)
    _refresh_seats(event)
    return promoted
