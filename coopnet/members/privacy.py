"""GDPR: export everything stored about a person, erase (anonymise) a person, retention.

Erasure anonymises the Person row in place instead of deleting it, so registrations and
attendance keep counting: no indicator value changes after an erasure.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.audit.services import record_audit
from coopnet.auth.models import ApiToken, User
from coopnet.db import utcnow
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.members.models import Membership, Person
from coopnet.registrations.models import CheckInEvent, Registration

ERASED_NAME = "Verwijderd"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(person: Person) -> dict[str, Any]:
    """Everything coopnet stores about a person, as JSON-ready data."""
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
    }


def erase_person(person: Person, *, actor: User | None, now: datetime | None = None) -> None:
    """Remove a person's personal data; their attendance keeps counting anonymously."""
    now = now or utcnow()
    old_email = person.email
    person.first_name = ERASED_NAME
    person.last_name = f"#{person.id}"
    person.email = None
    person.phone = None
    person.role = None
    if person.user is not None:
        user = person.user
        user.email = f"erased-{user.id}@invalid"
        user.display_name = ERASED_NAME
        user.password_hash = None
        user.is_active_account = False
        user.person = None
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id)
                           .values(revoked_at=now))
    if old_email:
        # mails already sent or still waiting carry the address and the name: drop them
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.to_address == old_email))
    db.session.execute(
        sa.update(Registration).where(Registration.person_id == person.id)
        .values(organization_name=sa.case(
            (Registration.organization_id.is_(None), ""), else_=Registration.organization_name))
    )
    record_audit("person.erased", object_type="person", object_id=person.id, actor=actor,
                 now=now)


def people_due_for_retention(*, months: int, now: datetime) -> sa.Select[tuple[int]]:
    """Ids of non-member registrants whose every registration is for an event older than `months`.

    Contact persons of a current member co-op, people with an account, and people
    already erased are kept.
    """
    cutoff = now - timedelta(days=round(months * 30.44))
    today = now.date()
    current_member_orgs = sa.select(Membership.organization_id).where(Membership.active_on(today))
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
            sa.or_(Person.organization_id.is_(None),
                   Person.organization_id.not_in(current_member_orgs)),
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
