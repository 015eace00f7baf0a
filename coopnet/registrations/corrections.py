"""Staff correct registrations: cancel, move to another event, fix details, resend the ticket.

Each service takes `actor` and `now`, raises DomainError with a stable code, leaves an audit
entry and never commits. Cancelling and moving go through `cancel_registration`, so the
waiting list is promoted and `Event.seats_taken` stays exact.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.errors import DomainError, Forbidden, Invalid
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.members.rules import member_contact_by_email
from coopnet.registrations.models import Registration
from coopnet.registrations.queries import member_organization_named
from coopnet.registrations.services import (
    _begin_write,
    _lock_event,
    _place,
    _queue_registration_mail,
    _refresh_seats,
    cancel_registration,
)
from coopnet.validators import normalize_email

FIRST_NAME_MAX = 100
LAST_NAME_MAX = 100
ORGANIZATION_MAX = 200


def _check_staff(actor: User | None) -> None:
    if actor is None or not actor.has_role("staff"):
        raise Forbidden("forbidden", _("Only staff can correct registrations."))


def _check_active(registration: Registration) -> None:
    if registration.status == "cancelled":
        raise DomainError("cancelled", _("This registration has been cancelled."))


def staff_cancel_registration(registration: Registration, *, actor: User,
                              now: datetime) -> list[Registration]:
    """Cancel on the person's behalf; the freed seat goes to the first people waiting
    (returned) and the person is mailed. Errors: `forbidden`, `cancelled`,
    `already_checked_in`."""
    _check_staff(actor)
    _check_active(registration)
    promoted = cancel_registration(registration, actor=actor, now=now, notify=True)
    record_audit("registration.staff_cancelled", object_type="registration",
                 object_id=registration.id, actor=actor, now=now,
                 details={"event_id": registration.event_id,
                          "promoted": [r.id for r in promoted]})
    return promoted


def resend_ticket(registration: Registration, *, actor: User, now: datetime) -> None:
    """Queue the ticket (or waiting-list) mail again. Errors: `forbidden`, `cancelled`."""
    _check_staff(actor)
    _check_active(registration)
    _queue_registration_mail(registration, "registration_ticket", now=now)
    record_audit("registration.ticket_resent", object_type="registration",
                 object_id=registration.id, actor=actor, now=now,
                 details={"event_id": registration.event_id})


def correct_registration(registration: Registration, *, first_name: str, last_name: str,
                         email: str, organization_name: str, actor: User,
                         now: datetime) -> list[str]:
    """Fix the person's name and e-mail address and the organisation typed at this
    registration; returns the names of the fields that changed.

    The name and address belong to the person (every registration of theirs shows them);
    the organisation belongs to this registration only and never makes anyone a contact
    person. Errors: `forbidden`, `invalid` (fields), `email_taken` (another person has the
    address; field `email`).
    """
    _check_staff(actor)
    fields: dict[str, str] = {}
    clean_first = " ".join((first_name or "").split())
    clean_last = " ".join((last_name or "").split())
    clean_org = " ".join((organization_name or "").split())
    if not clean_first:
        fields["first_name"] = _("Fill in the first name.")
    elif len(clean_first) > FIRST_NAME_MAX:
        fields["first_name"] = _("Use at most %(max)s characters.", max=FIRST_NAME_MAX)
    if len(clean_last) > LAST_NAME_MAX:
        fields["last_name"] = _("Use at most %(max)s characters.", max=LAST_NAME_MAX)
    if len(clean_org) > ORGANIZATION_MAX:
        fields["organization"] = _("Use at most %(max)s characters.", max=ORGANIZATION_MAX)
    clean_email = normalize_email(email or "")
    if clean_email is None:
        fields["email"] = _("Enter a valid e-mail address.")
    if fields:
        raise Invalid(fields, _("Some fields are not filled in correctly."))
    person = registration.person
    if clean_email != person.email:
        other = db.session.execute(
            sa.select(Person.id).where(Person.email == clean_email, Person.id != person.id)
        ).scalar_one_or_none()
        if other is not None:
            message = _("Another person already has this e-mail address. Correct that "
                        "person's registration instead, or use another address.")
            raise DomainError("email_taken", message, status=422, fields={"email": message})
    changed: list[str] = []
    if clean_first != person.first_name:
        person.first_name = clean_first
        changed.append("first_name")
    if clean_last != (person.last_name or ""):
        person.last_name = clean_last
        changed.append("last_name")
    if clean_email != person.email:
        person.email = clean_email
        changed.append("email")
    if clean_org != registration.organization_label:
        organization = member_organization_named(clean_org, now)
        registration.organization = organization
        registration.organization_name = organization.name if organization else clean_org
        changed.append("organization")
    db.session.flush()
    record_audit("registration.corrected", object_type="registration",
                 object_id=registration.id, actor=actor, now=now,
                 details={"event_id": registration.event_id, "person_id": person.id,
                          "changed": changed})
    return changed


def _is_internal(event: Event) -> bool:
    return event.visibility == "internal" or event.kind.is_internal


def may_join(registration: Registration, target: Event, now: datetime) -> bool:
    """Whether the person may be moved into `target` by who may register there: members-only
    events take current contact persons of member co-ops only; internal meetings take a
    registration moved from another internal meeting only."""
    if target.visibility == "members" and member_contact_by_email(
            registration.person.email or "", now) is None:
        return False
    return not _is_internal(target) or _is_internal(registration.event)


def movable_targets(registration: Registration, now: datetime) -> list[Event]:
    """The events this registration may move to: published, not started, another event of
    the same series or the same kind, where the person is not registered yet and may join
    (`may_join`: not a members-only event for a non-member, nor an internal meeting)."""
    source = registration.event
    same = Event.kind_id == source.kind_id
    if source.series_id is not None:
        same = sa.or_(same, Event.series_id == source.series_id)
    registered = sa.select(Registration.event_id).where(
        Registration.person_id == registration.person_id, Registration.status != "cancelled")
    return list(event for event in db.session.execute(
        sa.select(Event).where(Event.id != source.id, Event.status == "published",
                               Event.starts_at > now, same, Event.id.not_in(registered))
        .order_by(Event.starts_at, Event.id)
    ).scalars() if may_join(registration, event, now))


def move_registration(registration: Registration, target: Event, *, actor: User,
                      now: datetime) -> Registration:
    """Move a registration to another event of the same series or kind; returns the new one.

    On the target the person gets a seat if one is free, else a place on the waiting list if
    it has one; the old registration is cancelled (its waiting list promoted) and the new
    ticket is mailed. Errors: `forbidden`, `cancelled`, `already_checked_in`, `not_movable`
    (walk-ins, imported attendees, or another series and kind), `event_closed` (the target
    is not published or has started), `already_registered`, `event_full`.
    """
    _check_staff(actor)
    _check_active(registration)
    source = registration.event
    if registration.checked_in_at is not None:
        raise DomainError("already_checked_in", _("This person has already been checked in."))
    if not registration.is_advance:
        raise DomainError("not_movable", _("Walk-ins and imported attendees cannot be moved."))
    same_series = source.series_id is not None and target.series_id == source.series_id
    if target.id == source.id or not (same_series or target.kind_id == source.kind_id):
        raise DomainError("not_movable", _(
            "A registration can only move to another event of the same series or kind."))
    if target.status != "published" or target.starts_at <= now:
        raise DomainError("event_closed", _(
            "That event is not open: it is not published, cancelled or already started."))
    if not may_join(registration, target, now):
        raise DomainError("not_movable", _(
            "This person may not join that event: it is for contact persons of member co-ops "
            "or an internal meeting."))
    _begin_write()
    # both events' rows, always in id order: two moves in opposite directions at the same
    # moment wait for each other instead of deadlocking (PostgreSQL)
    for event_id in sorted((source.id, target.id)):
        _lock_event(event_id)
    taken = db.session.execute(
        sa.select(Registration.id).where(Registration.event_id == target.id,
                                         Registration.person_id == registration.person_id,
                                         Registration.status != "cancelled")
    ).first()
    if taken is not None:
        raise DomainError("already_registered",
                          _("This person is already registered for that event."))
    try:
        with db.session.begin_nested():
            moved = _place(target, registration.person, registration.organization,
                           registration.organization_name, registration.source, now)
    except DomainError as error:
        if error.code == "waitlist_closed":
            raise DomainError("event_full",
                              _("That event is full and has no waiting list.")) from error
        raise
    if moved is None:  # registered for that event at the same moment
        raise DomainError("already_registered",
                          _("This person is already registered for that event."))
    moved.consent_at = registration.consent_at
    _refresh_seats(target)
    cancel_registration(registration, actor=actor, now=now, notify=False)
    record_audit("registration.moved", object_type="registration", object_id=moved.id,
                 actor=actor, now=now,
                 details={"from_registration_id": registration.id, "from_event_id": source.id,
                          "event_id": target.id, "status": moved.status})
    # one mail that says it is a move (from where, to where), with the new ticket
    _queue_registration_mail(moved, "registration_moved", now=now, moved_from=source)
    return moved
