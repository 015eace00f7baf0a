"""Organisation claims: what people named as their organisation when registering.

A registration (or the door, or a webinar report) keeps the organisation someone typed or
picked as a label on that registration: it may link the registration to a member co-op for
counting "member co-ops reached", but it never makes the person a contact person. Staff see
these claims on the person's page and the organisation's page and confirm one with a click
(`confirm_organization_claim`), which is the member register's decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.members.models import Organization, Person
from coopnet.registrations.models import Registration


@dataclass(frozen=True)
class OrganizationClaim:
    """An organisation someone named when registering that the register has not confirmed."""

    organization: Organization | None
    name: str
    registrations: int
    last_registered_at: datetime


def organization_claims(person: Person) -> list[OrganizationClaim]:
    """What `person` typed or picked as their organisation at registrations and at the door,
    other than the organisation the register made them a contact person of; linked co-ops
    first (those can be confirmed with one click), then typed names, most used first."""
    count = sa.func.count(Registration.id).label("registrations")
    last = sa.func.max(Registration.registered_at).label("last")
    linked = db.session.execute(
        sa.select(Organization, count, last)
        .join(Registration, Registration.organization_id == Organization.id)
        .where(Registration.person_id == person.id,
               Organization.id != sa.func.coalesce(person.organization_id, 0))
        .group_by(Organization.id)
        .order_by(count.desc(), Organization.name)
    ).all()
    typed_name = sa.func.min(Registration.organization_name).label("name")
    typed = db.session.execute(
        sa.select(typed_name, count, last)
        .where(Registration.person_id == person.id, Registration.organization_id.is_(None),
               Registration.organization_name != "")
        .group_by(sa.func.lower(Registration.organization_name))
        .order_by(count.desc(), typed_name)
    ).all()
    return ([OrganizationClaim(org, org.name, n, at) for org, n, at in linked]
            + [OrganizationClaim(None, name, n, at) for name, n, at in typed])


def unconfirmed_claimants(organization_id: int, limit: int = 50) -> list[tuple[Person, int]]:
    """People who named this organisation at a registration but are not its contact persons
    (with how many registrations), for staff to confirm on the organisation's page."""
    count = sa.func.count(Registration.id).label("registrations")
    return [(person, n) for person, n in db.session.execute(
        sa.select(Person, count)
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.organization_id == organization_id,
               sa.func.coalesce(Person.organization_id, 0) != organization_id,
               Person.email.is_not(None))
        .group_by(Person.id)
        .order_by(count.desc(), Person.last_name, Person.first_name, Person.id)
        .limit(limit)
    ).all()]


def confirm_organization_claim(person: Person, organization: Organization, *,
                               actor: User | None, now: datetime | None = None) -> Person:
    """Make `person` a contact person of the organisation they named at a registration.

    Only staff confirm (the caller checks access). Errors: `no_claim` (the person never
    named this organisation), `no_email` (a contact person needs an address to sign in),
    `not_a_contact` (already a contact person of another organisation: change that in the
    register first), `already_contact`.
    """
    if person.organization_id == organization.id:
        raise DomainError("already_contact",
                          str(_l("This person is already a contact person of %(name)s.",
                                 name=organization.name)))
    claimed = db.session.execute(
        sa.select(Registration.id).where(Registration.person_id == person.id,
                                         Registration.organization_id == organization.id)
        .limit(1)).first()
    if claimed is None:
        raise DomainError("no_claim", str(_l(
            "This person never registered for %(name)s.", name=organization.name)))
    if not person.email:
        raise DomainError("no_email", str(_l(
            "A contact person needs an e-mail address: add it in the register first.")))
    if person.organization_id is not None:
        raise DomainError("not_a_contact", str(_l(
            "This person is a contact person of another organisation; change that first.")))
    person.organization = organization
    db.session.flush()
    record_audit("person.contact_confirmed", object_type="person", object_id=person.id,
                 actor=actor, now=now, details={"organization_id": organization.id})
    return person
