"""Check-in and attendance: the one service behind the door page, the attendance list,
the attendee-report import and the scanner API.

Attendance is `Registration.attended` (checked_in_at set). Every entry point calls
`check_in` / `undo_check_in` / `add_walk_in` here, so the rules cannot drift apart:
a conditional UPDATE decides who wins when two devices scan the same ticket at once,
the history (CheckInEvent) and the audit log record every change, with who and when.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid, NotFound
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.members.models import Organization, Person
from coopnet.members.services import find_or_create_person
from coopnet.registrations.attendee_report import AttendeeRow
from coopnet.registrations.models import (
    SHORT_CODE_ALPHABET,
    SHORT_CODE_LENGTH,
    CheckInEvent,
    Registration,
)
from coopnet.registrations.services import _begin_write, free_short_code
from coopnet.timezones import to_brussels
from coopnet.validators import is_row_id, normalize_email

# where a check-in came from (CheckInEvent.channel)
CHANNELS = ("door", "list", "import", "api", "offline")  # offline: synced from a door device

# a plain table INSERT built once, for the history row of every check-in
_INSERT_HISTORY = sa.insert(CheckInEvent.__table__)


@functools.cache
def _claim_statement() -> sa.Update:
    """The conditional UPDATE that decides between concurrent scans (built once per process):
    only one finds the row confirmed and not yet checked in. A table UPDATE, not the ORM's,
    which is built anew on every execution; the column's onupdate still sets updated_at."""
    registrations = Registration.__table__.c
    return (sa.update(Registration.__table__)
            .where(registrations.id == sa.bindparam("registration_id"),
                   registrations.checked_in_at.is_(None), registrations.status == "confirmed")
            .values(checked_in_at=sa.bindparam("attended_at"),
                    checked_in_by_id=sa.bindparam("by_id")))


@dataclass(frozen=True)
class CheckInResult:
    """What a check-in did: `checked_in` now, or `already_checked_in` earlier (by whom, when)."""

    status: str
    registration: Registration

    @property
    def checked_in_at(self) -> datetime:
        """When the person was checked in (now, or the earlier time)."""
        assert self.registration.checked_in_at is not None
        return self.registration.checked_in_at

    @property
    def checked_in_by(self) -> User | None:
        """The staff member who checked the person in."""
        return self.registration.checked_in_by

    @property
    def message(self) -> str:
        """'Checked in: An Peeters' or 'Already checked in at 19:02 by An' (Brussels time)."""
        name = self.registration.person.full_name
        if self.status == "checked_in":
            return _("Checked in: %(name)s", name=name)
        at = to_brussels(self.checked_in_at).strftime("%H:%M")
        if self.checked_in_by is not None:
            return _("%(name)s: already checked in at %(time)s by %(staff)s",
                     name=name, time=at, staff=self.checked_in_by.display_name)
        return _("%(name)s: already checked in at %(time)s", name=name, time=at)


def ticket_code_from_scan(scanned: str) -> str:
    """The ticket code in what a scanner typed: the code itself, or the last part of a ticket URL."""
    text = (scanned or "").strip()
    if "/" in text:
        text = text.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return text


def short_code_from_typing(typed: str) -> str | None:
    """The short ticket code in what someone typed ("k7qm 3xhp", "K7QM-3XHP"), or None.

    Case does not matter; spaces and dashes are ignored. None when the rest is not eight
    symbols of the short-code alphabet (then it is a long ticket code, or nothing of ours)."""
    text = "".join(ch for ch in (typed or "") if ch not in " -\t").upper()
    if len(text) == SHORT_CODE_LENGTH and all(ch in SHORT_CODE_ALPHABET for ch in text):
        return text
    return None


def registration_for_code(event_id: int, scanned: str) -> Registration | None:
    """The registration a scanned or typed code names: the long ticket code (QR, or a ticket
    URL) of any event, or the short code of a registration of the event `event_id`. None:
    not ours.

    The one server-side lookup for the door page, the check-in API and anything else that
    takes a code; the caller checks the registration belongs to its event."""
    # the person is named in every answer; the event, who checked in first and the co-op
    # only on the rarer paths (wrong event, a second scan), loaded then
    short = short_code_from_typing(scanned)
    if short is not None:
        stmt, params = _by_code_statements()[1], {"event_id": event_id, "short_code": short}
    else:
        code = ticket_code_from_scan(scanned)
        if not code or len(code) > 100:
            return None
        stmt, params = _by_code_statements()[0], {"ticket_code": code}
    return db.session.execute(stmt, params).unique().scalar_one_or_none()


@functools.cache
def _by_code_statements() -> tuple[sa.Select[tuple[Registration]], sa.Select[tuple[Registration]]]:
    """The lookups by long ticket code and by (event, short code), built once per process."""
    with_person = sa.select(Registration).options(joinedload(Registration.person))
    return (with_person.where(Registration.ticket_code == sa.bindparam("ticket_code")),
            with_person.where(Registration.event_id == sa.bindparam("event_id"),
                              Registration.short_code == sa.bindparam("short_code")))


def _load_registration(event_id: int, code_or_registration: str | Registration | int
                       ) -> Registration:
    """The registration a code (or id) points to, checked to belong to the event `event_id`."""
    registration: Registration | None
    if isinstance(code_or_registration, Registration):
        registration = code_or_registration
    else:
        if isinstance(code_or_registration, int):
            if not is_row_id(code_or_registration):
                raise NotFound("unknown_ticket", _("Unknown ticket: this code is not ours."))
            registration = db.session.execute(
                sa.select(Registration).options(joinedload(Registration.person))
                .where(Registration.id == code_or_registration)
            ).unique().scalar_one_or_none()
        else:
            registration = registration_for_code(event_id, code_or_registration)
        if registration is None:
            raise NotFound("unknown_ticket", _("Unknown ticket: this code is not ours."))
    if registration.event_id != event_id:
        raise DomainError(
            "wrong_event",
            _("This ticket is for another event: %(title)s (%(when)s).",
              title=registration.event.title,
              when=to_brussels(registration.event.starts_at).strftime("%d/%m/%Y %H:%M")),
        )
    return registration


def _refuse_unconfirmed(registration: Registration) -> None:
    if registration.status == "waitlisted":
        raise DomainError("not_confirmed",
                          _("%(name)s is on the waiting list, not confirmed.",
                            name=registration.person.full_name))
    if registration.status != "confirmed":
        raise DomainError("not_confirmed",
                          _("The registration of %(name)s was cancelled.",
                            name=registration.person.full_name))


def check_in(
    event_id: int,
    code_or_registration: str | Registration | int,
    *,
    actor: User | None,
    now: datetime | None = None,
    channel: str = "door",
    attended_at: datetime | None = None,
) -> CheckInResult:
    """Check a confirmed registration of the event `event_id` in, exactly once however many
    devices scan it at once. The caller knows the event exists (it was shown, or the scanned
    ticket is one of its registrations).

    `attended_at` is when the person came, stored as `checked_in_at`: `now` at the door,
    the session's time when attendance is recorded afterwards (a webinar report). The
    history and the audit log keep `now`, the moment staff recorded it.
    Raises `unknown_ticket` (404), `wrong_event` or `not_confirmed` (409). A second scan
    returns status `already_checked_in` with the first check-in's time and staff member.
    """
    now = now or utcnow()
    attended_at = attended_at or now
    registration = _load_registration(event_id, code_or_registration)
    _refuse_unconfirmed(registration)
    if registration.checked_in_at is not None:
        return CheckInResult("already_checked_in", registration)
    # on SQLite, queue for the write lock in short steps (a busy door has many writers)
    _begin_write()
    # the database decides between concurrent scans: only one UPDATE finds the row unchecked
    result = db.session.execute(_claim_statement(), {
        "registration_id": registration.id, "attended_at": attended_at,
        "by_id": actor.id if actor else None})
    if result.rowcount != 1:  # type: ignore[attr-defined]
        # another device won (or the registration changed meanwhile): read what it did
        db.session.refresh(registration)
        _refuse_unconfirmed(registration)
        return CheckInResult("already_checked_in", registration)
    set_committed_value(registration, "checked_in_at", attended_at)
    set_committed_value(registration, "checked_in_by_id", actor.id if actor else None)
    set_committed_value(registration, "checked_in_by", actor)
    # the history row as one INSERT at once: no ORM object to flush on the door's hot path
    db.session.execute(_INSERT_HISTORY, {
        "registration_id": registration.id, "action": "check_in", "at": now,
        "by_id": actor.id if actor else None, "channel": channel})
    record_audit("registration.checked_in", object_type="registration",
                 object_id=registration.id, actor=actor, now=now,
                 details={"event_id": event_id, "channel": channel})
    return CheckInResult("checked_in", registration)


def undo_check_in(
    event_id: int,
    code_or_registration: str | Registration | int,
    *,
    actor: User | None,
    now: datetime | None = None,
    channel: str = "door",
) -> Registration:
    """Clear a check-in (a mistaken tap); the history keeps the check-in and the undo.

    Raises `unknown_ticket`, `wrong_event`, or `not_checked_in` when there is nothing to undo.
    """
    now = now or utcnow()
    registration = _load_registration(event_id, code_or_registration)
    result = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_not(None))
        .values(checked_in_at=None, checked_in_by_id=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("not_checked_in", _("%(name)s is not checked in.",
                                              name=registration.person.full_name))
    set_committed_value(registration, "checked_in_at", None)
    set_committed_value(registration, "checked_in_by_id", None)
    set_committed_value(registration, "checked_in_by", None)
    db.session.add(CheckInEvent(registration_id=registration.id, action="undo", at=now,
                                by_id=actor.id if actor else None, channel=channel))
    record_audit("registration.check_in_undone", object_type="registration",
                 object_id=registration.id, actor=actor, now=now,
                 details={"event_id": event_id, "channel": channel})
    return registration


def _organization_named(name: str) -> Organization | None:
    """The organisation with exactly this name (case-insensitive), if there is one."""
    if not name:
        return None
    return db.session.execute(
        sa.select(Organization).where(sa.func.lower(Organization.name) == name.lower())
        .order_by(Organization.id).limit(1)
    ).scalar_one_or_none()


def _active_registration(event: Event, person: Person) -> Registration | None:
    return db.session.execute(
        sa.select(Registration).where(Registration.event_id == event.id,
                                      Registration.person_id == person.id,
                                      Registration.status != "cancelled")
    ).scalar_one_or_none()


def _waiting_named(event: Event, name: str) -> Registration | None:
    """The one waiting registration of the event under exactly this name (any case)."""
    full_name = sa.func.lower(sa.func.trim(Person.first_name + " " + Person.last_name))
    found = db.session.execute(
        sa.select(Registration).join(Registration.person)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted",
               full_name == name.lower())
        .limit(2)
    ).scalars().all()
    return found[0] if len(found) == 1 else None


def _confirm_without_seat(event: Event, registration: Registration, *, source: str,
                          actor: User | None, now: datetime, channel: str) -> None:
    """A waiting person came and staff let them in: confirmed as a walk-in, without a seat."""
    registration.status = "confirmed"
    registration.source = source
    registration.confirmed_at = now
    db.session.flush()
    record_audit("registration.confirmed_at_door", object_type="registration",
                 object_id=registration.id, actor=actor, now=now,
                 details={"event_id": event.id, "channel": channel})


def add_walk_in(
    event: Event,
    *,
    name: str,
    email: str | None = None,
    organization: Organization | None = None,
    organization_name: str = "",
    actor: User | None,
    now: datetime | None = None,
    channel: str = "door",
    source: str = "walkin",
    attended_at: datetime | None = None,
) -> CheckInResult:
    """Add a person who came without a place and check them in, even when the event is full.

    Walk-ins do not take a seat (Event.seats_taken): staff decide at the door. Someone who
    already has an active registration (same e-mail) is checked in on that one instead; a
    waiting-list registration (same e-mail, or without e-mail the exact name of one waiting
    person) is confirmed as a walk-in first: attended, confirmed, still without a seat, and
    no longer counted as waiting. `attended_at` as in `check_in`.
    Raises `invalid` for a missing name or a malformed e-mail address.
    """
    now = now or utcnow()
    name = " ".join((name or "").split())
    organization_name = " ".join((organization_name or "").split())
    fields: dict[str, str] = {}
    if not name:
        fields["name"] = _("Enter a name.")
    if len(name) > 200:
        fields["name"] = _("At most %(count)s characters.", count=200)
    if len(organization_name) > 200:
        fields["organization"] = _("At most %(count)s characters.", count=200)
    normalized = normalize_email(email or "") if email else None
    if email and normalized is None:
        fields["email"] = _("Enter a valid e-mail address.")
    if fields:
        raise Invalid(fields)
    if organization is None and organization_name:
        organization = _organization_named(organization_name)
    # the waiting person who came: their own registration (by e-mail, else by their exact
    # name when it is one waiting person's), never a second row beside it
    registration = None if normalized else _waiting_named(event, name)
    if registration is None:
        person = find_or_create_person(name=name, email=normalized, actor=actor, now=now)
        registration = _active_registration(event, person) if normalized else None
    if registration is not None and registration.status == "waitlisted":
        _confirm_without_seat(event, registration, source=source, actor=actor, now=now,
                              channel=channel)
    if registration is None:
        registration = Registration(
            event_id=event.id, person=person, status="confirmed", source=source,
            organization=organization or person.organization,
            organization_name=(organization.name if organization else organization_name)
            or (person.organization.name if person.organization else ""),
            ticket_code=secrets.token_urlsafe(32), short_code=free_short_code(event.id),
            registered_at=now, confirmed_at=now,
        )
        registration.event = event
        db.session.add(registration)
        db.session.flush()
        record_audit("registration.walk_in_added", object_type="registration",
                     object_id=registration.id, actor=actor, now=now,
                     details={"event_id": event.id, "channel": channel, "source": source})
    return check_in(event.id, registration, actor=actor, now=now, channel=channel,
                    attended_at=attended_at)


@dataclass(frozen=True)
class AttendanceChange:
    """What `mark_attendance` changed."""

    checked_in: int
    undone: int


def mark_attendance(
    event: Event,
    registration_ids_present: Iterable[int],
    *,
    actor: User | None,
    now: datetime | None = None,
) -> AttendanceChange:
    """Make the ticked confirmed registrations attended and the unticked ones not.

    Raises `unknown_registration` for an id that is not a confirmed registration of `event`.
    """
    now = now or utcnow()
    present = set(registration_ids_present)
    registrations = db.session.execute(
        sa.select(Registration).options(joinedload(Registration.person))
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
    ).scalars().all()
    known = {r.id for r in registrations}
    if present - known:
        raise DomainError("unknown_registration",
                          _("Some ticked people are not confirmed for this event."))
    checked = undone = 0
    for registration in registrations:
        if registration.id in present and registration.checked_in_at is None:
            if check_in(event.id, registration, actor=actor, now=now,
                        channel="list").status == "checked_in":
                checked += 1
        elif registration.id not in present and registration.attended:
            undo_check_in(event.id, registration, actor=actor, now=now, channel="list")
            undone += 1
    return AttendanceChange(checked, undone)


@dataclass(frozen=True)
class ImportOutcome:
    """What an attendee-report import did."""

    checked_in: int
    already: int
    added: int


def import_attendance(
    event: Event,
    rows: Iterable[AttendeeRow],
    *,
    actor: User | None,
    now: datetime | None = None,
) -> ImportOutcome:
    """Record the attendees of a webinar report through the check-in rule.

    Registrations found by e-mail (else by name) are checked in; people on the waiting
    list are confirmed as attendees; everyone else is added as imported attendance
    (source `import`, no seat, no organisation written to the person). The attendance
    time is the person's first join in the report, else the event's start: never the
    moment of import (`now`, which the history keeps). Importing the same report twice
    changes nothing more. Raises `left_out_row` for a row the report leaves out.
    """
    from coopnet.registrations.checkin_queries import match_report

    now = now or utcnow()
    rows = list(rows)
    if any(row.left_out for row in rows):
        raise DomainError("left_out_row",
                          _("Some rows of the report do not count as attendance."))
    checked = already = added = 0
    for match in match_report(event, rows):
        outcome = match.outcome
        row = match.row
        attended_at = row.joined or event.starts_at
        if outcome in ("check_in", "already", "confirm"):
            assert match.registration is not None
            if outcome == "confirm":
                _confirm_without_seat(event, match.registration, source="import", actor=actor,
                                      now=now, channel="import")
            result = check_in(event.id, match.registration, actor=actor, now=now, channel="import",
                              attended_at=attended_at)
        else:
            name = row.name or (row.email or "").split("@")[0]
            result = add_walk_in(event, name=name, email=row.email, actor=actor, now=now,
                                 channel="import", source="import", attended_at=attended_at)
        if result.status == "already_checked_in":
            already += 1
        elif outcome == "add":
            added += 1
        else:
            checked += 1
    return ImportOutcome(checked, already, added)
