"""The member contact log and the lists that drive the plan."""

from datetime import UTC, date, datetime

import pytest

from coopnet.errors import DomainError, Invalid
from coopnet.extensions import db
from coopnet.members import queries, services
from tests.factories import make_contact, make_organization, make_person, make_user

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=UTC)


def _names(stmt):
    return [org.name for org in db.session.execute(stmt).scalars()]


def test_log_contact_records_staff_member_and_person(ctx):
    staff = make_user("staff")
    org = make_organization("Zonnecoop")
    person = make_person("An", organization=org)
    contact = services.log_contact(org, kind="intro", contacted_on=date(2021, 5, 20),
                                   person=person, notes=" Kennismaking ",
                                   follow_up_on=date(2021, 9, 1), actor=staff, now=NOW)
    db.session.commit()
    assert (contact.staff_user_id, contact.person_id, contact.kind, contact.notes) == (
        staff.id, person.id, "intro", "Kennismaking")


@pytest.mark.parametrize(("fields", "bad"), [
    ({"kind": "lunch"}, "kind"),
    ({"contacted_on": date(2021, 6, 2)}, "contacted_on"),  # tomorrow in Brussels
    ({"follow_up_on": date(2021, 5, 1)}, "follow_up_on"),  # before the contact
])
def test_log_contact_refuses_bad_input(ctx, fields, bad):
    org = make_organization()
    args = {"kind": "visit", "contacted_on": date(2021, 5, 20), **fields}
    with pytest.raises(Invalid) as caught:
        services.log_contact(org, actor=None, now=NOW, **args)
    assert list(caught.value.fields) == [bad]


def test_person_must_belong_to_the_organisation(ctx):
    org, other = make_organization(), make_organization()
    stranger = make_person(organization=other)
    with pytest.raises(DomainError) as caught:
        services.log_contact(org, kind="phone", contacted_on=date(2021, 5, 20), person=stranger,
                             actor=None, now=NOW)
    assert caught.value.code == "not_a_contact"


def test_follow_up_done_once(ctx):
    org = make_organization()
    plain = make_contact(org)
    with pytest.raises(DomainError) as caught:
        services.complete_follow_up(plain, actor=None, now=NOW)
    assert caught.value.code == "no_follow_up"
    contact = make_contact(org, follow_up_on=date(2021, 5, 30))
    services.complete_follow_up(contact, actor=None, now=NOW)
    assert contact.follow_up_done_on == date(2021, 6, 1)
    with pytest.raises(DomainError) as caught:
        services.complete_follow_up(contact, actor=None, now=NOW)
    assert caught.value.code == "follow_up_done"


def test_plan_lists_on_hand_built_data(ctx):
    start, end = date(2021, 1, 1), date(2021, 12, 31)
    a = make_organization("A oud lid, bezocht", member_since=date(2015, 1, 1))
    b = make_organization("B oud lid, enkel in 2020 gesproken", member_since=date(2015, 1, 1))
    c = make_organization("C nieuw, intro gehad", member_since=date(2021, 2, 1))
    d = make_organization("D nieuw, enkel telefoon", member_since=date(2021, 4, 1))
    e = make_organization("E vertrokken in maart", member_since=date(2015, 1, 1),
                          member_until=date(2021, 3, 31))
    make_organization("F nooit lid", member_since=None)
    make_organization("G lid vanaf 2022", member_since=date(2022, 1, 1))
    make_contact(a, kind="visit", contacted_on=date(2021, 10, 5))
    make_contact(b, kind="conversation", contacted_on=date(2020, 11, 5))
    make_contact(c, kind="intro", contacted_on=date(2021, 1, 20))  # before joining: counts
    make_contact(d, kind="phone", contacted_on=date(2021, 4, 2),
                 follow_up_on=date(2021, 5, 1))
    make_contact(e, kind="email", contacted_on=date(2021, 2, 2),
                 follow_up_on=date(2021, 3, 1), follow_up_done_on=date(2021, 3, 2))
    make_contact(a, kind="visit", contacted_on=date(2021, 10, 6), follow_up_on=date(2021, 6, 2))

    assert _names(queries.members_during(start, end)) == [
        "A oud lid, bezocht", "B oud lid, enkel in 2020 gesproken", "C nieuw, intro gehad",
        "D nieuw, enkel telefoon", "E vertrokken in maart"]
    assert _names(queries.contacted_members_between(start, end)) == [
        "A oud lid, bezocht", "C nieuw, intro gehad", "D nieuw, enkel telefoon",
        "E vertrokken in maart"]
    assert _names(queries.members_not_contacted_between(start, end)) == [
        "B oud lid, enkel in 2020 gesproken"]
    assert _names(queries.members_not_contacted_between(date(2021, 3, 1), date(2021, 9, 30))) == [
        "A oud lid, bezocht", "B oud lid, enkel in 2020 gesproken", "C nieuw, intro gehad",
        "E vertrokken in maart"]
    # only personal conversations and visits
    assert _names(queries.contacted_members_between(start, end, kinds=("visit", "conversation"))
                  ) == ["A oud lid, bezocht"]
    assert _names(queries.new_members_without_intro(start, end)) == ["D nieuw, enkel telefoon"]
    assert _names(queries.new_members_with_intro(start, end)) == ["C nieuw, intro gehad"]
    due = db.session.execute(queries.follow_ups_due(date(2021, 6, 1))).scalars().all()
    assert [(c.organization.name, c.follow_up_on) for c in due] == [
        ("D nieuw, enkel telefoon", date(2021, 5, 1))]
    assert queries.count_of(queries.follow_ups_due(date(2021, 6, 2))) == 2
