"""Services and queries of the member register: organisations, memberships, contact persons."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.errors import DomainError, Invalid
from coopnet.extensions import db
from coopnet.members import queries, services
from coopnet.members.models import Membership
from tests.factories import make_organization, make_person, make_user

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=UTC)


def test_create_organization_normalises_and_records_first_membership(ctx):
    staff = make_user("staff")
    org = services.create_organization(
        actor=staff, now=NOW, name="  De  Zonnewinde ", enterprise_number="BE 0403.123.486",
        legal_form="CV", sector="Hernieuwbare energie", province="Oost-Vlaanderen", city="Gent",
        website="www.zonnewinde.be", member_since=date(2020, 3, 1))
    db.session.commit()
    assert org.name == "De Zonnewinde"
    assert org.enterprise_number == "0403123486"
    assert org.website == "https://www.zonnewinde.be"
    assert [(m.starts_on, m.ends_on) for m in org.memberships] == [(date(2020, 3, 1), None)]
    actions = db.session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
    assert list(actions) == ["membership.added", "organization.created"]


def test_bad_enterprise_number_name_and_website_are_field_errors(ctx):
    with pytest.raises(Invalid) as caught:
        services.create_organization(actor=None, name=" ", enterprise_number="0403.123.487",
                                     website="javascript:alert(1)")
    assert caught.value.code == "invalid"
    assert set(caught.value.fields) == {"name", "enterprise_number", "website"}


def test_enterprise_number_is_unique(ctx):
    make_organization("Eerste", enterprise_number="0403123486")
    with pytest.raises(Invalid) as caught:
        services.create_organization(actor=None, name="Tweede", enterprise_number="403123486")
    assert "enterprise_number" in caught.value.fields


def test_update_keeps_own_enterprise_number(ctx):
    org = make_organization("Eerste", enterprise_number="0403123486")
    services.update_organization(org, actor=None, name="Eerste cv",
                                 enterprise_number="0403.123.486", city="Leuven")
    db.session.commit()
    assert (org.name, org.city, org.enterprise_number) == ("Eerste cv", "Leuven", "0403123486")


def test_overlapping_membership_is_refused(ctx):
    org = make_organization(member_since=date(2019, 1, 1), member_until=date(2020, 12, 31))
    with pytest.raises(DomainError) as caught:
        services.add_membership(org, date(2020, 6, 1), None, actor=None)
    assert caught.value.code == "membership_overlap"
    with pytest.raises(Invalid):
        services.add_membership(org, date(2022, 6, 1), date(2022, 1, 1), actor=None)


def test_membership_that_continues_another_is_one_period(ctx):
    org = make_organization(member_since=date(2019, 1, 1), member_until=date(2020, 12, 31))
    services.add_membership(org, date(2021, 1, 1), None, actor=None)
    db.session.commit()
    periods = db.session.execute(sa.select(Membership.starts_on, Membership.ends_on).where(
        Membership.organization_id == org.id)).all()
    assert periods == [(date(2019, 1, 1), None)]
    # so the renewal is not a new member of 2021
    assert queries.new_member_count_between(date(2021, 1, 1), date(2021, 12, 31)) == 0


def test_end_membership(ctx):
    org = make_organization(member_since=date(2019, 1, 1))
    membership = org.memberships[0]
    with pytest.raises(Invalid):
        services.end_membership(membership, date(2018, 12, 31), actor=None)
    services.end_membership(membership, date(2021, 3, 31), actor=None)
    with pytest.raises(DomainError) as caught:
        services.end_membership(membership, date(2021, 4, 30), actor=None)
    assert caught.value.code == "membership_ended"


def test_member_count_on_a_date_and_new_members_in_a_period(ctx):
    make_organization("Oud", member_since=date(2015, 1, 1))
    make_organization("Weg", member_since=date(2016, 1, 1), member_until=date(2021, 6, 30))
    make_organization("Nieuw", member_since=date(2021, 3, 15))
    make_organization("Terug", member_since=date(2014, 1, 1), member_until=date(2017, 12, 31))
    terug = db.session.execute(sa.select(Membership).order_by(Membership.id.desc())).scalars().first()
    services.add_membership(terug.organization, date(2021, 9, 1), None, actor=None)
    make_organization("Geen lid", member_since=None)
    db.session.commit()

    assert queries.member_count_on(date(2020, 12, 31)) == 2  # Oud, Weg
    assert queries.member_count_on(date(2021, 6, 30)) == 3  # Oud, Weg (last day), Nieuw
    assert queries.member_count_on(date(2021, 7, 1)) == 2  # Oud, Nieuw
    assert queries.member_count_on(date(2021, 12, 31)) == 3  # Oud, Nieuw, Terug
    new = db.session.execute(queries.new_members_between(date(2021, 1, 1), date(2021, 12, 31))
                             ).scalars().all()
    assert [org.name for org in new] == ["Nieuw", "Terug"]
    assert queries.new_member_count_between(date(2021, 1, 1), date(2021, 12, 31)) == 2
    assert queries.new_member_count_between(date(2021, 4, 1), date(2021, 8, 31)) == 0
    assert queries.count_of(queries.members_on(date(2021, 12, 31))) == 3


def test_contact_person_email_is_unique_and_valid(ctx):
    org = make_organization()
    make_person(email="an@zonnewinde.test")
    with pytest.raises(Invalid) as caught:
        services.save_contact_person(org, first_name="An", email="AN@zonnewinde.test", actor=None)
    assert "email" in caught.value.fields
    with pytest.raises(Invalid) as caught:
        services.save_contact_person(org, first_name="", email="no-address", actor=None)
    assert set(caught.value.fields) == {"first_name", "email"}
    person = services.save_contact_person(org, first_name="Bart", last_name="Peeters",
                                          email="Bart@Zonnewinde.test", role="directeur",
                                          phone="+32 470 11 22 33", actor=None)
    db.session.commit()
    assert (person.email, person.organization_id, person.role) == (
        "bart@zonnewinde.test", org.id, "directeur")


def test_contact_person_of_another_organisation_cannot_be_edited_here(ctx):
    org, other = make_organization(), make_organization()
    person = make_person(organization=other)
    with pytest.raises(DomainError) as caught:
        services.save_contact_person(org, person, first_name="X", actor=None)
    assert caught.value.code == "not_a_contact"


def test_register_list_filters(ctx):
    today = date(2021, 6, 1)
    make_organization("Zonnecoop", sector="Energie", province="Limburg", city="Hasselt",
                      enterprise_number="0403123486")
    make_organization("Broodcoop", sector="Voeding", province="Antwerpen",
                      member_since=date(2015, 1, 1), member_until=date(2020, 1, 1))
    make_organization("Fietscoop", sector="Mobiliteit", member_since=None)
    flt = queries.OrganizationFilter

    def names(f):
        rows, total = queries.register_list(f, today)
        assert total == len(rows)
        return [(org.name, member) for org, member in rows]

    assert names(flt()) == [("Broodcoop", False), ("Fietscoop", False), ("Zonnecoop", True)]
    assert names(flt(status="current")) == [("Zonnecoop", True)]
    assert names(flt(status="former")) == [("Broodcoop", False)]
    assert names(flt(status="never")) == [("Fietscoop", False)]
    assert names(flt(search="hasselt")) == [("Zonnecoop", True)]
    assert names(flt(search="0403.123")) == [("Zonnecoop", True)]
    assert names(flt(sector="Voeding")) == [("Broodcoop", False)]
    assert names(flt(province="Limburg")) == [("Zonnecoop", True)]


def test_control_characters_are_removed_before_storing(ctx):
    # PostgreSQL refuses NUL in text; pasted text carries other control characters too
    org = services.create_organization(actor=None, name="Zonne\x00coop\x1b ", city="Gent\x07")
    person = services.save_contact_person(org, first_name="An\x00", role="di\x01recteur",
                                          actor=None)
    contact = services.log_contact(org, kind="visit", contacted_on=date(2021, 5, 1),
                                   notes="Lijn 1\r\nLijn\x00 2", actor=None, now=NOW)
    db.session.commit()
    assert (org.name, org.city) == ("Zonnecoop", "Gent")
    assert (person.first_name, person.role) == ("An", "directeur")
    assert contact.notes == "Lijn 1\nLijn 2"


def test_a_person_created_in_a_savepoint_that_rolls_back_is_gone_and_the_next_one_is_kept(ctx):
    # a door batch applies each action in a savepoint: a walk-in refused after its person was
    # written must not leave that person behind, nor block the next walk-in's person
    from coopnet.members.models import Person

    with pytest.raises(RuntimeError), db.session.begin_nested():
        refused = services.find_or_create_person(name="Eerste Binnenloper", email=None)
        assert refused.id is not None
        raise RuntimeError
    assert refused not in db.session
    kept = services.find_or_create_person(name="Tweede Binnenloper", email="twee@example.test")
    db.session.commit()
    assert kept.first_name == "Tweede"
    names = db.session.execute(sa.select(Person.first_name, Person.email)
                               .where(Person.last_name == "Binnenloper")).all()
    assert names == [("Tweede", "twee@example.test")]
