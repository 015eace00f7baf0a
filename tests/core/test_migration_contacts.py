"""The migration that makes contact persons the register's alone keeps what the register
made, removes what a registration made, and can be undone."""

from datetime import date, time

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from coopnet.extensions import db
from coopnet.members.services import save_contact_person
from coopnet.timezones import brussels
from tests.factories import make_event, make_organization, make_person, make_registration

BEFORE = "b7d1c0a5e001"  # the revision before contact persons became the register's alone


def _org_of(email):
    return db.session.execute(sa.text("SELECT organization_id FROM people WHERE email = :e"),
                              {"e": email}).scalar_one()


def test_contacts_made_by_a_registration_lose_the_status_and_nothing_else(ctx):
    coop = make_organization("Coop Zonnewind")
    save_contact_person(coop, first_name="Mia", email="mia@zonnewind.test", actor=None)
    pia = make_person("Pia", email="pia@zonnewind.test", organization=coop)
    pia.role = "zaakvoerder"  # a field only the register writes
    sam = make_person("Sam", email="sam@vreemd.test")
    make_person("Tom", email="tom@zonnewind.test")
    event = make_event(starts_at=brussels(date(2022, 1, 1), time(0, 30)))
    registration = make_registration(event, sam)
    registration.organization_id = coop.id  # Sam typed the co-op's name when registering
    # as the old registration service did: the typed co-op on the person and the registration
    make_registration(make_event(), make_person("Mia2", email="mia2@zonnewind.test",
                                                organization=coop)).organization_id = coop.id
    db.session.commit()
    coop_id, event_id = coop.id, event.id
    db.session.remove()

    downgrade(revision=BEFORE)
    # the old code wrote the typed organisation onto the person
    db.session.execute(sa.text(
        "UPDATE people SET organization_id = :org WHERE email IN ('sam@vreemd.test', "
        "'tom@zonnewind.test')"), {"org": coop_id})
    db.session.commit()
    db.session.remove()

    upgrade()
    assert _org_of("sam@vreemd.test") is None  # only a registration named the co-op
    assert _org_of("mia2@zonnewind.test") is None  # the same: no register evidence
    assert _org_of("mia@zonnewind.test") == coop_id  # the register made her (audit entry)
    assert _org_of("pia@zonnewind.test") == coop_id  # a job title: the register's field
    assert _org_of("tom@zonnewind.test") == coop_id  # no registration could have made him
    # the claim stays on the registration, and the change is in the audit log
    assert db.session.execute(sa.text(
        "SELECT count(*) FROM registrations WHERE organization_id = :org"),
        {"org": coop_id}).scalar_one() == 2
    removed = db.session.execute(sa.text(
        "SELECT count(*) FROM audit_entries WHERE action = 'person.contact_status_removed'")
    ).scalar_one()
    assert removed == 2
    # the event's Brussels day: 00:30 on 1 January is still 31 December in UTC
    assert str(db.session.execute(sa.text("SELECT starts_on FROM events WHERE id = :id"),
                                  {"id": event_id}).scalar_one()) == "2022-01-01"
    db.session.remove()

    downgrade(revision=BEFORE)  # undone: the old state comes back
    assert _org_of("sam@vreemd.test") == coop_id
    assert db.session.execute(sa.text(
        "SELECT count(*) FROM audit_entries WHERE action = 'person.contact_status_removed'")
    ).scalar_one() == 0
    db.session.remove()
    upgrade()
    assert _org_of("sam@vreemd.test") is None
