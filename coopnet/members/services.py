"""Changes to organisations and people."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from coopnet.audit.services import record_audit
from coopnet.db import as_loaded, insert_unless_taken, utcnow
from coopnet.errors import DomainError, Invalid
from coopnet.extensions import db
from coopnet.members.kbo import normalize_kbo
from coopnet.members.models import CONTACT_KINDS, MemberContact, Membership, Organization, Person
from coopnet.timezones import brussels_today
from coopnet.validators import clean_text, normalize_email

if TYPE_CHECKING:
    from coopnet.auth.models import User


def split_name(name: str) -> tuple[str, str]:
    """'An Van den Broeck' -> ('An', 'Van den Broeck'): first word, then the rest."""
    parts = " ".join(name.split()).split(" ", 1)
    return parts[0], parts[1] if len(parts) > 1 else ""


@functools.cache
def _person_by_email_statement() -> sa.Select[tuple[Person]]:
    # built once per process: every registration runs it
    return sa.select(Person).where(Person.email == sa.bindparam("email"))


def find_or_create_person(
    *,
    name: str,
    email: str | None,
    actor: User | None = None,
    now: datetime | None = None,
    language: str | None = None,
) -> Person:
    """The person with this (normalised) e-mail address, or a new one (in `language`, if
    given: the language they chose when registering themself).

    A known person keeps their name. The organisation someone types when registering is
    NOT written onto the person: it stays on the registration as a claim, and only the
    member register makes anyone a contact person (`save_contact_person`,
    `confirm_organization_claim`, the member-list import). Without an e-mail address (a
    walk-in) a new person is always created.

    Two first registrations of one address at the same moment give one person: the INSERT
    writes nothing when the address is taken (ON CONFLICT DO NOTHING; on PostgreSQL it
    waits for the other transaction to end), and the person is then read as committed.
    """
    if email:
        person = db.session.execute(_person_by_email_statement(),
                                    {"email": email}).scalar_one_or_none()
        if person is not None:
            return person
    return create_person(name=name, email=email, language=language)


def create_person(*, name: str, email: str | None, language: str | None = None) -> Person:
    """A new person with this name and (normalised) e-mail address, for the caller who looked
    the address up and found nobody (`find_or_create_person`); the person who has the address
    if someone else's first registration of it committed meanwhile."""
    session = db.session
    first, last = split_name(name)
    at = utcnow()
    values: dict[str, Any] = {
        "first_name": first, "last_name": last, "email": email or None, "phone": None,
        "role": None, "organization_id": None, "erased_at": None, "language": language,
        "created_at": at, "updated_at": at,
    }
    person_id = session.execute(_insert_person_statement(), values).scalar_one_or_none()
    if person_id is None:
        # someone else's first registration of this address committed meanwhile
        return session.execute(_person_by_email_statement(), {"email": email}).scalar_one()
    # the row as written, without reading it back
    return as_loaded(session, Person(id=person_id, **values))


@functools.cache
def _insert_person_statement() -> sa.TextualSelect:
    # built once per process: every first registration runs it
    return insert_unless_taken(Person.__table__, ["email"])


# --- the member register -------------------------------------------------------------

_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}")
ORG_TEXT_FIELDS = {"legal_form": 80, "sector": 80, "province": 80, "city": 120}


def clean_website(value: str | None) -> str | None:
    """'www.x.be' -> 'https://www.x.be'; None for empty; raises ValueError for other schemes."""
    text = clean_text(value)
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    # only web links to a host name: a "javascript:" link in an href would run code
    if parts.scheme.lower() not in ("http", "https") or " " in text:
        raise ValueError(text)
    _port = parts.port  # raises ValueError for "host:garbage"
    if not _HOST.fullmatch(parts.hostname or ""):
        raise ValueError(text)
    if len(text) > 300:
        raise ValueError(text)
    return text


def _clean_organization(organization: Organization | None, fields: dict[str, Any]
                        ) -> dict[str, Any]:
    """Validate and normalise organisation fields; raise Invalid with every field's error."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    name = clean_text(fields.get("name"))
    if not name:
        errors["name"] = str(_l("Enter the organisation's name."))
    elif len(name) > 200:
        errors["name"] = str(_l("At most 200 characters."))
    clean["name"] = name
    raw_number = clean_text(fields.get("enterprise_number"))
    number = normalize_kbo(raw_number) if raw_number else None
    if raw_number and number is None:
        errors["enterprise_number"] = str(_l(
            "This is not a valid enterprise number (10 digits, e.g. 0123.456.749)."))
    elif number is not None:
        taken = db.session.execute(
            sa.select(Organization.id).where(
                Organization.enterprise_number == number,
                Organization.id != (organization.id if organization is not None else -1),
            )
        ).scalar_one_or_none()
        if taken is not None:
            errors["enterprise_number"] = str(_l(
                "Another organisation already has this enterprise number."))
    clean["enterprise_number"] = number
    for field, limit in ORG_TEXT_FIELDS.items():
        value = clean_text(fields.get(field)) or None
        if value is not None and len(value) > limit:
            errors[field] = str(_l("At most %(count)s characters.", count=limit))
        clean[field] = value
    try:
        clean["website"] = clean_website(fields.get("website"))
    except ValueError:
        errors["website"] = str(_l("Enter a web address such as https://www.example.be."))
    if errors:
        raise Invalid(errors)
    return clean


def create_organization(*, actor: User | None, now: datetime | None = None,
                        member_since: date | None = None, member_until: date | None = None,
                        **fields: Any) -> Organization:
    """Add an organisation to the register, optionally with its first membership period."""
    clean = _clean_organization(None, fields)
    organization = Organization(**clean)
    db.session.add(organization)
    db.session.flush()
    if member_since is not None:
        add_membership(organization, member_since, member_until, actor=actor, now=now)
    record_audit("organization.created", object_type="organization", object_id=organization.id,
                 actor=actor, now=now, details={"name": organization.name})
    return organization


def update_organization(organization: Organization, *, actor: User | None,
                        now: datetime | None = None, **fields: Any) -> Organization:
    """Change an organisation's details (not its membership periods)."""
    clean = _clean_organization(organization, fields)
    changed = {k: v for k, v in clean.items() if getattr(organization, k) != v}
    for key, value in changed.items():
        setattr(organization, key, value)
    if changed:
        record_audit("organization.updated", object_type="organization",
                     object_id=organization.id, actor=actor, now=now,
                     details={"fields": sorted(changed)})
    return organization


def add_membership(organization: Organization, starts_on: date, ends_on: date | None = None,
                   *, actor: User | None, now: datetime | None = None) -> Membership:
    """Record a membership period; periods of one organisation never overlap.

    A period that starts the day after another ends continues it (one period), so "new
    members in a period" counts only organisations that really joined.
    """
    if ends_on is not None and ends_on < starts_on:
        raise Invalid({"ends_on": str(_l("The end date is before the start date."))})
    periods = list(db.session.execute(
        sa.select(Membership).where(Membership.organization_id == organization.id)
        .order_by(Membership.starts_on)
    ).scalars())
    last_day = ends_on or date.max
    for period in periods:
        period_end = period.ends_on or date.max
        if period.starts_on <= last_day and period_end >= starts_on:
            raise DomainError("membership_overlap", str(_l(
                "This period overlaps a membership period that is already recorded.")),
                fields={"starts_on": str(_l(
                    "This period overlaps a membership period that is already recorded."))})
    for period in periods:
        if period.ends_on is not None and period.ends_on + timedelta(days=1) == starts_on:
            period.ends_on = ends_on
            record_audit("membership.extended", object_type="organization",
                         object_id=organization.id, actor=actor, now=now,
                         details={"membership_id": period.id,
                                  "ends_on": ends_on.isoformat() if ends_on else None})
            return period
    membership = Membership(organization=organization, starts_on=starts_on, ends_on=ends_on)
    db.session.add(membership)
    db.session.flush()
    record_audit("membership.added", object_type="organization", object_id=organization.id,
                 actor=actor, now=now,
                 details={"membership_id": membership.id, "starts_on": starts_on.isoformat(),
                          "ends_on": ends_on.isoformat() if ends_on else None})
    return membership


def end_membership(membership: Membership, ends_on: date, *, actor: User | None,
                   now: datetime | None = None) -> Membership:
    """Close an open membership period on `ends_on` (the last day of membership)."""
    if membership.ends_on is not None:
        raise DomainError("membership_ended", str(_l("This membership has already ended.")))
    if ends_on < membership.starts_on:
        raise Invalid({"ends_on": str(_l("The end date is before the start date."))})
    membership.ends_on = ends_on
    record_audit("membership.ended", object_type="organization",
                 object_id=membership.organization_id, actor=actor, now=now,
                 details={"membership_id": membership.id, "ends_on": ends_on.isoformat()})
    return membership


def save_contact_person(organization: Organization, person: Person | None = None, *,
                        first_name: str, last_name: str = "", email: str | None = None,
                        phone: str | None = None, role: str | None = None,
                        actor: User | None, now: datetime | None = None) -> Person:
    """Add a contact person to an organisation, or change one of its contact persons."""
    errors: dict[str, str] = {}
    first, last = clean_text(first_name), clean_text(last_name)
    if not first:
        errors["first_name"] = str(_l("Enter a first name."))
    normalized = None
    if (email or "").strip():
        normalized = normalize_email(email or "")
        if normalized is None:
            errors["email"] = str(_l("Enter a valid e-mail address."))
        else:
            other = db.session.execute(
                sa.select(Person).where(Person.email == normalized)
            ).scalar_one_or_none()
            if other is not None and (person is None or other.id != person.id):
                errors["email"] = str(_l("Another person already has this e-mail address."))
    if len(first) > 100 or len(last) > 100:
        errors["last_name" if len(last) > 100 else "first_name"] = str(
            _l("At most %(count)s characters.", count=100))
    if errors:
        raise Invalid(errors)
    if person is not None and person.organization_id not in (None, organization.id):
        raise DomainError("not_a_contact", str(_l("This person belongs to another organisation.")))
    created = person is None
    if person is None:
        person = Person(first_name=first, organization=organization)
        db.session.add(person)
    person.first_name, person.last_name, person.email = first, last, normalized
    person.phone = clean_text(phone)[:40] or None
    person.role = clean_text(role)[:120] or None
    person.organization = organization
    db.session.flush()
    record_audit("person.created" if created else "person.updated", object_type="person",
                 object_id=person.id, actor=actor, now=now,
                 details={"organization_id": organization.id})
    return person


# --- the member contact log ----------------------------------------------------------


def log_contact(organization: Organization, *, kind: str, contacted_on: date,
                person: Person | None = None, notes: str = "", follow_up_on: date | None = None,
                actor: User | None, now: datetime | None = None) -> MemberContact:
    """Record a contact of staff (`actor`) with a member co-op."""
    now = now or utcnow()
    errors: dict[str, str] = {}
    if kind not in CONTACT_KINDS:
        errors["kind"] = str(_l("Choose the kind of contact."))
    if contacted_on > brussels_today(now):
        errors["contacted_on"] = str(_l("A contact cannot be in the future."))
    if follow_up_on is not None and follow_up_on < contacted_on:
        errors["follow_up_on"] = str(_l("The follow-up date is before the contact."))
    if errors:
        raise Invalid(errors)
    if person is not None and person.organization_id != organization.id:
        raise DomainError("not_a_contact", str(_l(
            "This person is not a contact person of this organisation.")),
            fields={"person_id": str(_l(
                "This person is not a contact person of this organisation."))})
    contact = MemberContact(
        organization=organization, person=person,
        staff_user_id=actor.id if actor is not None else None, kind=kind,
        contacted_on=contacted_on, notes=clean_text(notes, multiline=True), follow_up_on=follow_up_on,
    )
    db.session.add(contact)
    db.session.flush()
    record_audit("member_contact.logged", object_type="member_contact", object_id=contact.id,
                 actor=actor, now=now,
                 details={"organization_id": organization.id, "kind": kind,
                          "contacted_on": contacted_on.isoformat()})
    return contact


def complete_follow_up(contact: MemberContact, *, actor: User | None,
                       now: datetime | None = None) -> MemberContact:
    """Mark a contact's follow-up as done today (Brussels date)."""
    now = now or utcnow()
    if contact.follow_up_on is None:
        raise DomainError("no_follow_up", str(_l("This contact has no follow-up.")))
    if contact.follow_up_done_on is not None:
        raise DomainError("follow_up_done", str(_l("This follow-up is already done.")))
    contact.follow_up_done_on = brussels_today(now)
    record_audit("member_contact.follow_up_done", object_type="member_contact",
                 object_id=contact.id, actor=actor, now=now)
    return contact

