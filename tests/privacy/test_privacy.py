"""GDPR: export, erase without changing any figure, and retention of non-member registrants."""

import json
import secrets
from datetime import UTC, date, datetime

import sqlalchemy as sa

from coopnet.extensions import db
from coopnet.mail.services import queue_mail
from coopnet.members.models import Person
from coopnet.privacy.services import apply_retention, erase_person, export_person
from coopnet.registrations.models import Registration
from tests.factories import make_event, make_organization, make_person, make_user

FEB = datetime(2022, 2, 10, 18, 0, tzinfo=UTC)


def _attend(event, person, organization=None, checked_in=True):
    registration = Registration(
        event=event, person=person, organization=organization,
        organization_name=organization.name if organization else "Eigen zaak",
        status="confirmed", source="online", ticket_code=secrets.token_urlsafe(32),
        registered_at=FEB, consent_at=FEB, checked_in_at=FEB if checked_in else None)
    db.session.add(registration)
    db.session.commit()
    return registration


def _figures():
    """Attendances, distinct attendees, distinct organisations that attended."""
    row = db.session.execute(sa.select(
        sa.func.count(Registration.id),
        sa.func.count(sa.distinct(Registration.person_id)),
        sa.func.count(sa.distinct(Registration.organization_id)),
    ).where(Registration.attended)).one()
    return tuple(row)


def test_export_contains_everything_about_the_person(ctx):
    org = make_organization("Zonnekracht")
    person = make_person("An", "Peeters", email="an@zonnekracht.test", organization=org)
    _attend(make_event("Coopborrel Gent", kind_slug="coopborrel"), person, org)
    queue_mail(kind="registration_confirmed", to="an@zonnekracht.test", subject="Bevestiging",
               text="Dag An")
    db.session.commit()
    data = export_person(person)
    assert data["person"]["email"] == "an@zonnekracht.test"
    assert data["person"]["organization"] == "Zonnekracht"
    assert [r["event"] for r in data["registrations"]] == ["Coopborrel Gent"]
    assert data["registrations"][0]["checked_in_at"] == FEB.isoformat()
    assert [m["subject"] for m in data["emails"]] == ["Bevestiging"]
    json.dumps(data)  # serialisable as is


def test_erasure_removes_personal_data_and_changes_no_figure(ctx):
    org = make_organization("Zonnekracht")
    an = make_person("An", "Peeters", email="an@zonnekracht.test", organization=org)
    bart = make_person("Bart", "Maes", email="bart@example.test")
    borrel, webinar = make_event(kind_slug="coopborrel"), make_event()
    _attend(borrel, an, org)
    _attend(webinar, an, org)
    _attend(borrel, bart)
    user = make_user("member", email="an@zonnekracht.test", person=an)
    queue_mail(kind="x", to="an@zonnekracht.test", subject="s", text="t")
    db.session.commit()
    before = _figures()
    assert before == (3, 2, 1)

    erase_person(an, actor=None)
    db.session.commit()
    db.session.expire_all()

    assert _figures() == before
    erased = db.session.get(Person, an.id)
    assert (erased.first_name, erased.email, erased.phone) == ("Verwijderd", None, None)
    assert "Peeters" not in json.dumps(export_person(erased))
    assert user.is_active_account is False and user.email.endswith("@invalid")
    assert db.session.execute(sa.text("SELECT count(*) FROM outbox_messages")).scalar_one() == 0


def test_staff_can_erase_after_confirming(client, app, login):
    with app.app_context():
        person_id = make_person("Els", "Wouters", email="els@example.test").id
    login(client, "staff")
    unconfirmed = client.post(f"/staff/people/{person_id}/erase", data={})
    assert unconfirmed.status_code == 200
    page = unconfirmed.get_data(as_text=True)
    assert "Vink het vakje aan om te bevestigen." in page
    assert "haalt hun naam en adres uit contactnotities, vacatures en teksten" in page
    with app.app_context():
        assert db.session.get(Person, person_id).email == "els@example.test"
    export = client.get(f"/staff/people/{person_id}/export.json")
    assert export.get_json()["person"]["email"] == "els@example.test"
    done = client.post(f"/staff/people/{person_id}/erase", data={"confirm": "y"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Person, person_id).email is None


def test_retention_anonymises_only_old_non_member_registrants(ctx):
    member_org = make_organization("Lid", member_since=date(2015, 1, 1))
    former = make_organization("Oud-lid", member_since=date(2015, 1, 1),
                               member_until=date(2020, 12, 31))
    old_event = make_event(starts_at=datetime(2019, 3, 1, 18, 0, tzinfo=UTC))
    new_event = make_event(starts_at=datetime(2026, 10, 1, 18, 0, tzinfo=UTC))
    outsider = make_person("Oud", "Publiek", email="old@example.test")
    formers_contact = make_person("Ex", "Lid", email="ex@example.test", organization=former)
    member_contact = make_person("Lid", "Contact", email="lid@example.test", organization=member_org)
    recent = make_person("Recent", "Publiek", email="recent@example.test")
    for person in (outsider, formers_contact, member_contact, recent):
        _attend(old_event, person)
    _attend(new_event, recent)
    count = apply_retention(months=24, now=datetime(2026, 11, 28, tzinfo=UTC))
    db.session.commit()
    assert count == 2
    emails = set(db.session.execute(sa.select(Person.email)).scalars())
    assert emails == {None, "lid@example.test", "recent@example.test"}


def test_retention_cli_dry_run_counts_without_changing(runner, app):
    with app.app_context():
        person = make_person(email="old@example.test")
        _attend(make_event(starts_at=datetime(2019, 3, 1, 18, 0, tzinfo=UTC)), person)
    result = runner.invoke(args=["privacy", "retention", "--months", "24", "--dry-run"])
    assert "1 people would be anonymised" in result.output
    with app.app_context():
        assert db.session.execute(sa.select(Person.email)).scalar_one() == "old@example.test"
