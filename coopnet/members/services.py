"""Changes to organisations and people."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.extensions import db
from coopnet.members.models import Organization, Person


def split_name(name: str) -> tuple[str, str]:
    """'An Van den Broeck' -> ('An', 'Van den Broeck'): first word, then the rest."""
    parts = " ".join(name.split()).split(" ", 1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def find_or_create_person(
    *,
    name: str,
    email: str | None,
    organization: Organization | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> Person:
    """The person with this (normalised) e-mail address, or a new one.

    A known person keeps their name; an organisation is only filled in when none was
    known yet. Without an e-mail address (a walk-in) a new person is always created.
    """
    if email:
        person = db.session.execute(
            sa.select(Person).where(Person.email == email)
        ).scalar_one_or_none()
        if person is not None:
            if person.organization_id is None and organization is not None:
                person.organization = organization
            return person
    first, last = split_name(name)
    person = Person(first_name=first, last_name=last, email=email or None,
                    organization=organization)
    db.session.add(person)
    db.session.flush()
    return person
