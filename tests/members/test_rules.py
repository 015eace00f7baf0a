"""The membership rules: SQL and Python forms agree, boundaries included."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from coopnet.extensions import db
from coopnet.members.models import Membership, Organization, Person
from coopnet.members.rules import (
    is_member_contact_on,
    is_member_on,
    member_contact_by_email,
    member_organization_of,
    organization_is_member_on,
    was_member_on_any,
)
from coopnet.registrations.models import Registration
from tests.factories import make_event, make_organization, make_person


@pytest.mark.parametrize(("day", "expected"), [
    (date(2020, 12, 31), False),  # the day before it began
    (date(2021, 1, 1), True),  # the first day
    (date(2021, 6, 30), True),  # the last day (ends are inclusive)
    (date(2021, 7, 1), False),  # the day after it ended
])
def test_member_on_a_day_sql_and_python_agree(ctx, day, expected):
    org = make_organization("Coop Grens", member_since=date(2021, 1, 1),
                            member_until=date(2021, 6, 30))
    in_sql = db.session.execute(sa.select(Organization.id).where(is_member_on(day))
                                ).scalars().all()
    assert (org.id in in_sql) is expected
    assert organization_is_member_on(org, day) is expected
    assert was_member_on_any(org.memberships, day) is expected
    membership = org.memberships[0]
    assert membership.runs_on(day) is expected
    assert db.session.execute(sa.select(Membership.active_on(day)).where(
        Membership.id == membership.id)).scalar_one() is expected


def test_contact_person_of_a_member_coop_sql_and_python_agree(ctx):
    now = datetime(2021, 7, 1, 8, 0, tzinfo=UTC)  # 10:00 in Brussels, 1 July
    current = make_organization("Coop Nu", member_since=date(2020, 1, 1))
    ended = make_organization("Coop Gedaan", member_since=date(2020, 1, 1),
                              member_until=date(2021, 6, 30))
    ann = make_person("Ann", email="ann@nu.test", organization=current)
    bob = make_person("Bob", email="bob@gedaan.test", organization=ended)
    cas = make_person("Cas", email="cas@elders.test")
    # Cas registered once for Coop Nu: a claim on the registration, not a contact
    db.session.add(Registration(event=make_event(), person=cas, organization=current,
                                organization_name=current.name, status="confirmed",
                                ticket_code="c" * 43))
    db.session.commit()
    in_sql = set(db.session.execute(sa.select(Person.email).where(
        is_member_contact_on(date(2021, 7, 1)))).scalars())
    assert in_sql == {"ann@nu.test"}
    assert [member_organization_of(p, now) for p in (ann, bob, cas)] == [current, None, None]
    assert member_contact_by_email("ann@nu.test", now) is ann
    assert member_contact_by_email("bob@gedaan.test", now) is None
    assert member_contact_by_email("cas@elders.test", now) is None
