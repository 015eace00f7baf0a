"""GDPR: export everything stored about a person, erase (anonymise) a person, retention.

Erasure anonymises the Person row in place instead of deleting it, so registrations and
attendance keep counting: no indicator value changes after an erasure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.audit.services import record_audit
from coopnet.auth.models import ApiToken, SignInLink, User
from coopnet.db import utcnow
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.members.models import MemberContact, MemberImport, Organization, Person
from coopnet.members.rules import is_member_contact_on
from coopnet.pairings.models import MeetingProfile, Pairing, PairingMember
from coopnet.plan.models import ManualValue, ReportSnapshot
from coopnet.registrations.models import CheckInEvent, Registration
from coopnet.timezones import brussels_today
from coopnet.vacancies.models import Vacancy

ERASED_NAME = "Verwijderd"
# what an erased name or address is replaced with inside free text written by others
REDACTED = "[verwijderd]"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _audit_rows(entries: Iterable[AuditEntry]) -> list[dict[str, Any]]:
    return [{"at": _iso(e.at), "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id, "details": e.details} for e in entries]


def export_person(person: Person) -> dict[str, Any]:
    """Everything coopnet stores about a person, as JSON-ready data.

    Sign-in links are listed by their times only: neither the token nor its hash leaves
    the database.
    """
    registrations = db.session.execute(
        sa.select(Registration, Event.title, Event.starts_at)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id == person.id)
        .order_by(Registration.registered_at)
    ).all()
    registration_ids = [r.id for r, _title, _start in registrations]
    history = db.session.execute(
        sa.select(CheckInEvent).where(CheckInEvent.registration_id.in_(registration_ids))
        .order_by(CheckInEvent.at)
    ).scalars().all() if registration_ids else []
    user = person.user
    mails = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == person.email)
        .order_by(OutboxMessage.created_at)
    ).scalars().all() if person.email else []
    return {
        "person": {
            "id": person.id, "first_name": person.first_name, "last_name": person.last_name,
            "email": person.email, "phone": person.phone, "role": person.role,
            "language": person.language,
            "organization": person.organization.name if person.organization else None,
            "created_at": _iso(person.created_at),
        },
        "account": None if user is None else {
            "email": user.email, "role": user.role, "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "registrations": [
            {"id": r.id, "event": title, "event_starts_at": _iso(starts), "status": r.status,
             "source": r.source, "organization_name": r.organization_name,
             "registered_at": _iso(r.registered_at), "consent_at": _iso(r.consent_at),
             "cancelled_at": _iso(r.cancelled_at), "checked_in_at": _iso(r.checked_in_at)}
            for r, title, starts in registrations
        ],
        "check_in_history": [
            {"registration_id": h.registration_id, "action": h.action, "at": _iso(h.at),
             "channel": h.channel} for h in history
        ],
        "emails": [
            {"subject": m.subject, "kind": m.kind, "status": m.status,
             "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)} for m in mails
        ],
        "member_contacts": _export_member_contacts(person),
        "vacancies": _export_vacancies(user),
        "micro_meetings": _export_micro_meetings(person),
        "sign_in_links": _export_sign_in_links(user),
        "member_imports": _export_member_imports(person),
        "audit_entries": _audit_rows(db.session.execute(
            sa.select(AuditEntry).where(_about_person(person.id, registration_ids))
            .order_by(AuditEntry.at, AuditEntry.id)).scalars()),
        "account_activity": [] if user is None else [
            {"at": _iso(e.at), "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id}
            for e in db.session.execute(
                sa.select(AuditEntry).where(AuditEntry.actor_id == user.id)
                .order_by(AuditEntry.at, AuditEntry.id)).scalars()
        ],
    }


def _about_person(person_id: int, registration_ids: list[int]) -> sa.ColumnElement[bool]:
    """Audit entries whose object is the person or one of their registrations."""
    about = sa.and_(AuditEntry.object_type == "person", AuditEntry.object_id == person_id)
    if not registration_ids:
        return about
    return sa.or_(about, sa.and_(AuditEntry.object_type == "registration",
                                 AuditEntry.object_id.in_(registration_ids)))


def _export_member_contacts(person: Person) -> list[dict[str, Any]]:
    """Contacts of staff with a co-op in which this person was the one spoken to."""
    rows = db.session.execute(
        sa.select(MemberContact, Organization.name)
        .join(Organization, Organization.id == MemberContact.organization_id)
        .where(MemberContact.person_id == person.id)
        .order_by(MemberContact.contacted_on, MemberContact.id)
    ).all()
    return [{"id": c.id, "organization": name, "kind": c.kind,
             "contacted_on": _iso(c.contacted_on), "notes": c.notes,
             "follow_up_on": _iso(c.follow_up_on), "follow_up_done_on": _iso(c.follow_up_done_on)}
            for c, name in rows]


def _export_vacancies(user: User | None) -> list[dict[str, Any]]:
    """Vacancies posted from this person's account."""
    if user is None:
        return []
    rows = db.session.execute(
        sa.select(Vacancy, Organization.name)
        .join(Organization, Organization.id == Vacancy.organization_id)
        .where(Vacancy.submitted_by_id == user.id)
        .order_by(Vacancy.created_at, Vacancy.id)
    ).all()
    return [{"id": v.id, "organization": name, "kind": v.kind, "title": v.title,
             "description": v.description, "place": v.place, "hours": v.hours,
             "how_to_apply": v.how_to_apply, "closes_on": _iso(v.closes_on), "status": v.status,
             "rejection_reason": v.rejection_reason, "submitted_at": _iso(v.created_at),
             "published_at": _iso(v.published_at)} for v, name in rows]


def _export_micro_meetings(person: Person) -> dict[str, Any]:
    """Opt-ins where this person meets on the co-op's behalf, and the pairings they are in."""
    profiles = db.session.execute(
        sa.select(MeetingProfile, Organization.name)
        .join(Organization, Organization.id == MeetingProfile.organization_id)
        .where(MeetingProfile.contact_person_id == person.id).order_by(MeetingProfile.id)
    ).all()
    pairings = db.session.execute(
        sa.select(Pairing, Organization.name)
        .join(PairingMember, PairingMember.pairing_id == Pairing.id)
        .join(Organization, Organization.id == PairingMember.organization_id)
        .where(PairingMember.person_id == person.id).order_by(Pairing.created_at, Pairing.id)
    ).all()
    met: dict[int, list[str]] = {}
    if pairings:
        for pairing_id, name in db.session.execute(
            sa.select(PairingMember.pairing_id, Organization.name)
            .join(Organization, Organization.id == PairingMember.organization_id)
            .where(PairingMember.pairing_id.in_([p.id for p, _name in pairings]))
            .order_by(PairingMember.id)
        ):
            met.setdefault(pairing_id, []).append(name)
    return {
        "profiles": [{"organization": name, "active": p.active, "offers": list(p.offers),
                      "needs": list(p.needs), "offer_text": p.offer_text,
                      "need_text": p.need_text, "updated_at": _iso(p.updated_at)}
                     for p, name in profiles],
        "pairings": [{"id": p.id, "status": p.status, "held_on": _iso(p.held_on),
                      "on_behalf_of": name, "organizations": met.get(p.id, [])}
                     for p, name in pairings],
    }


def _export_sign_in_links(user: User | None) -> list[dict[str, Any]]:
    """One-time sign-in links of this person's account: times only, never the token or hash."""
    if user is None:
        return []
    rows = db.session.execute(
        sa.select(SignInLink.created_at, SignInLink.expires_at, SignInLink.used_at)
        .where(SignInLink.user_id == user.id).order_by(SignInLink.created_at, SignInLink.id)
    ).all()
    return [{"created_at": _iso(created), "expires_at": _iso(expires), "used_at": _iso(used)}
            for created, expires, used in rows]


def _export_member_imports(person: Person) -> list[dict[str, Any]]:
    """Uploaded member lists that named this person (by e-mail) as a contact person."""
    if not person.email:
        return []
    found = []
    hint = sa.cast(MemberImport.rows, sa.Text).contains(person.email, autoescape=True)
    for upload in db.session.execute(
            sa.select(MemberImport).where(hint).order_by(MemberImport.id)).scalars():
        contacts = [row["contact"] for row in upload.rows
                    if (row.get("contact") or {}).get("email") == person.email]
        if contacts:
            found.append({"id": upload.id, "filename": upload.filename,
                          "uploaded_at": _iso(upload.created_at),
                          "applied_at": _iso(upload.applied_at), "contact": contacts})
    return found


@dataclass
class _Redactor:
    """Finds a person's e-mail addresses and name inside free text and JSON written by others.

    Everywhere: the e-mail addresses (any case) and the full name ("An Peeters",
    "Peeters An", "Peeters, An"; any case). In records linked to the person (a contact
    log entry with them, their co-op's opt-in naming them, a vacancy they posted) also
    the last name on its own (as written, with capital), unless it is part of their
    organisation's name. A first name on its own is too ambiguous to remove anywhere.
    """

    emails: list[str]
    last_name: str
    everywhere: list[re.Pattern[str]] = field(default_factory=list)
    linked_only: list[re.Pattern[str]] = field(default_factory=list)

    @classmethod
    def for_person(cls, person: Person, user: User | None) -> _Redactor:
        emails = sorted({e for e in (person.email, user.email if user else None) if e})
        first, last = person.first_name.strip(), person.last_name.strip()
        if first == ERASED_NAME and last == f"#{person.id}":  # erased before: nothing left
            first = last = ""
        redactor = cls(emails=emails, last_name=last)
        redactor.everywhere = [re.compile(re.escape(e), re.IGNORECASE) for e in emails]
        if first and last:
            for words in (f"{first} {last}", f"{last} {first}", f"{last}, {first}"):
                redactor.everywhere.append(re.compile(_words(words), re.IGNORECASE))
        organization = person.organization.name if person.organization else ""
        if len(last) >= 3 and last.casefold() not in organization.casefold():
            redactor.linked_only.append(re.compile(_words(last)))
        return redactor

    @property
    def needles(self) -> list[str]:
        """Strings one of which every text to change contains (to narrow the SELECTs)."""
        found = list(self.emails)
        if self.last_name:
            found += [self.last_name, json.dumps(self.last_name)[1:-1]]
        return sorted(set(found))

    def hint(self, column: Any) -> sa.ColumnElement[bool]:
        """SQL: the column may hold something to redact (a superset; Python decides)."""
        if not self.needles:
            return sa.false()
        text = sa.cast(column, sa.Text) if isinstance(column.type, sa.JSON) else column
        return sa.or_(*(sa.or_(text.contains(n, autoescape=True),
                               sa.func.lower(text).contains(n.lower(), autoescape=True))
                        for n in self.needles))

    def text(self, value: str, *, linked: bool = False) -> str:
        """The text with the person's address and name replaced by REDACTED."""
        for pattern in self.everywhere + (self.linked_only if linked else []):
            value = pattern.sub(REDACTED, value)
        return value

    def value(self, value: Any, *, linked: bool = False) -> Any:
        """A JSON value (dicts, lists, strings) with every string redacted."""
        if isinstance(value, str):
            return self.text(value, linked=linked)
        if isinstance(value, list):
            return [self.value(v, linked=linked) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v, linked=linked) for k, v in value.items()}
        return value


def _words(phrase: str) -> str:
    """A regex for `phrase` as whole words, any whitespace between them."""
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return rf"(?<!\w){body}(?!\w)"


def _redact_rows(model: type[Any], columns: list[str], redactor: _Redactor,
                 linked: sa.ColumnElement[bool] | None = None,
                 is_linked: Callable[[Any], bool] = lambda row: False) -> None:
    """Redact text columns of `model` in every row that may mention the person."""
    where = sa.or_(*(redactor.hint(getattr(model, c)) for c in columns))
    if linked is not None:
        where = sa.or_(where, linked)
    for row in db.session.execute(sa.select(model).where(where)).scalars():
        for column in columns:
            value = getattr(row, column)
            if isinstance(value, str):
                setattr(row, column, redactor.text(value, linked=is_linked(row)))


def _redact_json(model: type[Any], column: str, redactor: _Redactor) -> None:
    """Redact every string inside a JSON column of the rows that may mention the person."""
    for row in db.session.execute(
            sa.select(model).where(redactor.hint(getattr(model, column)))).scalars():
        setattr(row, column, redactor.value(getattr(row, column)))


def erase_person(person: Person, *, actor: User | None, now: datetime | None = None) -> None:
    """Remove a person's personal data; their attendance keeps counting anonymously.

    The Person row is anonymised in place (name "Verwijderd #id", no e-mail, phone or
    role) and their account is anonymised, switched off and unlinked. Records that count
    for the plan as facts about organisations stay, with their links to the anonymised
    row: registrations, member contacts (`person_id`), pairings (`PairingMember.person_id`)
    and vacancies (`submitted_by_id`, the anonymised account). Such a link no longer
    identifies anyone, and cutting it would change drill-down lists for nothing.

    Removed or cleared: all their one-time sign-in links, their API tokens (revoked),
    mails to their addresses, the typed organisation name of registrations without a
    known organisation, the opt-in pointer `MeetingProfile.contact_person_id` (it chooses
    who is registered for future micro-meetings; the co-op falls back to its first
    contact person with an address), and their contact entry in stored member-list
    uploads (so confirming an old upload cannot bring them back). Their e-mail address
    and name are replaced by "[verwijderd]" in free text written by others (contact log
    notes, opt-in texts, vacancy texts, notes on plan values, audit details) and their
    name in frozen plan reports. Figures do not change.
    """
    now = now or utcnow()
    user = person.user
    redactor = _Redactor.for_person(person, user)
    old_emails = redactor.emails
    registration_ids = list(db.session.execute(
        sa.select(Registration.id).where(Registration.person_id == person.id)).scalars())

    _redact_rows(MemberContact, ["notes"], redactor, MemberContact.person_id == person.id,
                 lambda c: c.person_id == person.id)
    _redact_rows(MeetingProfile, ["offer_text", "need_text"], redactor,
                 MeetingProfile.contact_person_id == person.id,
                 lambda p: p.contact_person_id == person.id)
    user_id = user.id if user is not None else None
    _redact_rows(Vacancy, ["title", "description", "place", "hours", "how_to_apply",
                           "rejection_reason"], redactor,
                 Vacancy.submitted_by_id == user_id if user_id is not None else None,
                 lambda v: user_id is not None and v.submitted_by_id == user_id)
    _redact_rows(ManualValue, ["note"], redactor)
    _redact_json(AuditEntry, "details", redactor)
    _erase_from_member_imports(person.email, redactor)
    db.session.execute(sa.update(MeetingProfile)
                       .where(MeetingProfile.contact_person_id == person.id)
                       .values(contact_person_id=None).execution_options(
                           synchronize_session="fetch"))

    person.first_name = ERASED_NAME
    person.last_name = f"#{person.id}"
    person.erased_at = person.erased_at or now
    person.email = None
    person.phone = None
    person.role = None
    person.language = None
    if user is not None:
        # a link not yet used would still sign in; used ones are no use to anyone now
        db.session.execute(sa.delete(SignInLink).where(SignInLink.user_id == user.id))
        user.email = f"erased-{user.id}@invalid"
        user.display_name = ERASED_NAME
        user.password_hash = None
        user.is_active_account = False
        user.person = None
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id)
                           .values(revoked_at=now))
    if old_emails:
        # mails already sent or still waiting carry the address and the name: drop them
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.to_address.in_(old_emails)))
    db.session.execute(
        sa.update(Registration).where(Registration.person_id == person.id)
        .values(organization_name=sa.case(
            (Registration.organization_id.is_(None), ""), else_=Registration.organization_name))
    )
    _erase_from_snapshots(person, registration_ids, redactor)
    record_audit("person.erased", object_type="person", object_id=person.id, actor=actor,
                 now=now)


def _erase_from_member_imports(email: str | None, redactor: _Redactor) -> None:
    """Drop the person's contact entry from stored uploads; redact the rest of the text."""
    hint = sa.or_(redactor.hint(MemberImport.rows), redactor.hint(MemberImport.rejected),
                  redactor.hint(MemberImport.notes))
    for upload in db.session.execute(sa.select(MemberImport).where(hint)).scalars():
        rows = [dict(row) for row in upload.rows]
        for row in rows:
            if email and (row.get("contact") or {}).get("email") == email:
                row["contact"] = None
        upload.rows = redactor.value(rows)
        upload.rejected = redactor.value(upload.rejected)
        upload.notes = redactor.value(upload.notes)


def _erase_from_snapshots(person: Person, registration_ids: list[int],
                          redactor: _Redactor) -> None:
    """Frozen plan reports show the person as a live report now would: anonymised.

    Only names change; the frozen figures and the number of records stay as they were.
    """
    registrations = set(registration_ids)
    without_org = set(db.session.execute(sa.select(Registration.id).where(
        Registration.person_id == person.id, Registration.organization_id.is_(None))).scalars())
    for snapshot in db.session.execute(sa.select(ReportSnapshot)).scalars():
        data = json.loads(json.dumps(snapshot.data))
        changed = False
        for indicator in (data.get("indicators") or {}).values():
            for record in indicator.get("records") or []:
                theirs = (record.get("person_id") == person.id
                          or record.get("registration_id") in registrations)
                if theirs and "person" in record:
                    record["person"] = person.full_name
                    changed = True
                if record.get("registration_id") in without_org and record.get("organization"):
                    record["organization"] = ""
                    changed = True
        redacted = redactor.value(data)
        if changed or redacted != data:
            snapshot.data = redacted


def people_due_for_retention(*, months: int, now: datetime) -> sa.Select[tuple[int]]:
    """Ids of non-member registrants whose every registration is for an event older than `months`.

    Contact persons of a current member co-op, people with an account, and people
    already erased are kept.
    """
    cutoff = now - timedelta(days=round(months * 30.44))
    today = brussels_today(now)
    recent = (
        sa.select(Registration.person_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.ends_at >= cutoff)
    )
    return (
        sa.select(Person.id)
        .where(
            Person.id.in_(sa.select(Registration.person_id)),
            Person.id.not_in(recent),
            Person.email.is_not(None),
            sa.not_(is_member_contact_on(today)),
            ~sa.exists(sa.select(User.id).where(User.person_id == Person.id)),
        )
        .order_by(Person.id)
    )


def apply_retention(*, months: int, actor: User | None = None, now: datetime | None = None
                    ) -> int:
    """Anonymise every person due for retention; returns how many."""
    now = now or utcnow()
    ids = db.session.execute(people_due_for_retention(months=months, now=now)).scalars().all()
    for person in db.session.execute(sa.select(Person).where(Person.id.in_(ids))).scalars():
        erase_person(person, actor=actor, now=now)
    if ids:
        record_audit("retention.applied", object_type="person", object_id=None, actor=actor,
                     now=now, details={"months": months, "count": len(ids)})
    return len(ids)


def audit_entries_about(object_type: str, object_id: int) -> list[AuditEntry]:
    """The audit trail of one object, oldest first."""
    return list(db.session.execute(
        sa.select(AuditEntry).where(AuditEntry.object_type == object_type,
                                    AuditEntry.object_id == object_id).order_by(AuditEntry.at)
    ).scalars())
