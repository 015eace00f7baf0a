"""GDPR for the member-network data: contact log, vacancies, micro-meetings, sign-in links.

One contact person, An Peeters of Zonnekracht, was visited (contact log), posted a vacancy,
met Broodcoop in a held micro-meeting, is named in her co-op's opt-in and in an uploaded
member list, attended a coopborrel, and has a used and an open sign-in link. Export must
show all of it; erasure must leave her name and address nowhere while no plan figure moves.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from coopnet.audit.services import record_audit
from coopnet.auth.models import SignInLink
from coopnet.auth.services import redeem_sign_in_link, request_sign_in_link
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.members.models import MemberContact, MemberImport, Person
from coopnet.pairings.models import MeetingProfile, PairingMember
from coopnet.pairings.queries import first_contact_person
from coopnet.plan.models import ReportSnapshot
from coopnet.plan.queries import compute_figures
from coopnet.plan.services import take_snapshot
from coopnet.privacy.services import erase_person, export_person
from coopnet.timezones import brussels
from coopnet.vacancies.models import Vacancy
from coopnet.vacancies.services import approve_vacancy
from tests.factories import (
    link_events,
    make_contact,
    make_event,
    make_indicator,
    make_organization,
    make_pairing,
    make_person,
    make_plan,
    make_profile,
    make_registration,
    make_user,
    make_vacancy,
)

NOW = datetime(2021, 11, 15, 9, 0, tzinfo=UTC)
BASE = "http://coopnet.test"
EMAIL = "an@zonnekracht.test"
PHONE = "0470 12 34 56"
PUBLISHED = brussels(date(2021, 6, 1), time(10, 0))


def _token_of_last_mail() -> str:
    mail = db.session.execute(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)).scalar_one()
    return mail.body_text.split(f"{BASE}/auth/member/")[1].split()[0]


@pytest.fixture
def world(ctx):
    """The data set described in the module docstring, and the plan's indicators."""
    plan, action = make_plan()  # 2021
    zon = make_organization("Zonnekracht")
    brood = make_organization("Broodcoop")
    an = make_person("An", "Peeters", email=EMAIL, organization=zon)
    an.phone, an.role = PHONE, "bestuurder"
    jef = make_person("Jef", "Claes", email="jef@zonnekracht.test", organization=zon)
    bart = make_person("Bart", "Maes", email="bart@broodcoop.test", organization=brood)

    # sign-in links: the first used a minute later, the second still open
    assert request_sign_in_link(EMAIL, base_url=BASE, now=NOW)
    used_token = _token_of_last_mail()
    user = redeem_sign_in_link(used_token, now=NOW + timedelta(minutes=1))
    assert request_sign_in_link(EMAIL, base_url=BASE, now=NOW + timedelta(hours=2))
    open_token = _token_of_last_mail()
    db.session.commit()

    make_contact(zon, kind="visit", contacted_on=date(2021, 10, 4), person=an,
                 follow_up_on=date(2021, 12, 1),
                 notes=f"Bezoek bij An Peeters; Peeters stuurt de cijfers via {EMAIL}.")
    make_contact(brood, kind="email", contacted_on=date(2021, 10, 20), person=bart,
                 notes="Doorverwezen naar An Peeters van Zonnekracht.")
    vacancy = make_vacancy(zon, title="Boekhouder (m/v/x)", status="published",
                           published_at=PUBLISHED, submitted_by=user, place="Gent",
                           how_to_apply=f"Mail je cv naar {EMAIL} (An Peeters).",
                           created_at=PUBLISHED - timedelta(days=2))
    make_profile(zon, offers=("energy",), needs=("finance",), contact_person=an,
                 offer_text="An Peeters vertelt graag over ons zonnepark.")
    pairing = make_pairing(zon, brood, status="held", held_on=date(2021, 9, 9))
    pairing.members[0].person, pairing.members[1].person = an, bart
    db.session.add(MemberImport(
        token="t" * 43, filename="leden.csv", created_at=NOW,
        rows=[{"line": 2, "name": "Zonnekracht", "contact": {
            "first_name": "An", "last_name": "Peeters", "email": EMAIL, "phone": PHONE,
            "role": "bestuurder"}},
              {"line": 3, "name": "Broodcoop", "contact": {
                  "first_name": "Bart", "last_name": "Maes", "email": "bart@broodcoop.test",
                  "phone": "", "role": ""}}],
        rejected=[], notes=[]))
    record_audit("person.updated", object_type="person", object_id=an.id, actor=None,
                 now=NOW, details={"organization_id": zon.id})
    record_audit("vacancy.rejected", object_type="vacancy", object_id=vacancy.id, actor=None,
                 now=NOW, details={"reason": f"Geef een ander adres dan {EMAIL}."})
    borrel = make_event("Coopborrel Gent", kind_slug="coopborrel",
                        starts_at=brussels(date(2021, 3, 10), time(18, 0)))
    link_events(action, borrel)
    make_registration(borrel, an, organization=zon, organization_name="Zonnekracht",
                      checked_in_at=brussels(date(2021, 3, 10), time(18, 5)))
    indicators = {key: make_indicator(action, key, target=5) for key in (
        "members_contacted_share", "pairings_held", "vacancies_published", "attendances")}
    take_snapshot(plan, at=date(2021, 12, 31), actor=None, now=NOW)
    db.session.commit()
    return {"plan": plan, "indicators": indicators, "an": an, "jef": jef, "user": user,
            "zon": zon, "vacancy": vacancy, "pairing": pairing, "open_token": open_token,
            "used_token": used_token}


def _figures(world) -> dict[str, float | None]:
    figures = compute_figures(world["plan"], list(world["indicators"].values()), date(2021, 12, 31))
    return {key: figures[i.id].actual for key, i in world["indicators"].items()}


def _everything_stored() -> str:
    """Every value of every table, as one text to search."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            parts.extend(str(v) for v in row)
    return "\n".join(parts)


def test_export_holds_the_member_network_data(world):
    an = world["an"]
    data = export_person(an)
    assert data["member_contacts"] == [{
        "id": data["member_contacts"][0]["id"], "organization": "Zonnekracht", "kind": "visit",
        "contacted_on": "2021-10-04",
        "notes": "Bezoek bij An Peeters; Peeters stuurt de cijfers via an@zonnekracht.test.",
        "follow_up_on": "2021-12-01", "follow_up_done_on": None}]
    [vacancy] = data["vacancies"]
    assert (vacancy["title"], vacancy["organization"], vacancy["status"]) == (
        "Boekhouder (m/v/x)", "Zonnekracht", "published")
    assert vacancy["how_to_apply"] == "Mail je cv naar an@zonnekracht.test (An Peeters)."
    assert vacancy["published_at"] == "2021-06-01T08:00:00+00:00"
    assert vacancy["submitted_at"] == "2021-05-30T08:00:00+00:00"
    assert data["micro_meetings"]["profiles"] == [{
        "organization": "Zonnekracht", "active": True, "offers": ["energy"],
        "needs": ["finance"], "offer_text": "An Peeters vertelt graag over ons zonnepark.",
        "need_text": "", "updated_at": data["micro_meetings"]["profiles"][0]["updated_at"]}]
    assert data["micro_meetings"]["pairings"] == [{
        "id": world["pairing"].id, "status": "held", "held_on": "2021-09-09",
        "on_behalf_of": "Zonnekracht", "organizations": ["Zonnekracht", "Broodcoop"]}]
    assert data["sign_in_links"] == [
        {"created_at": "2021-11-15T09:00:00+00:00", "expires_at": "2021-11-15T09:30:00+00:00",
         "used_at": "2021-11-15T09:01:00+00:00"},
        {"created_at": "2021-11-15T11:00:00+00:00", "expires_at": "2021-11-15T11:30:00+00:00",
         "used_at": None}]
    assert data["member_imports"] == [{
        "id": data["member_imports"][0]["id"], "filename": "leden.csv",
        "uploaded_at": "2021-11-15T09:00:00+00:00", "applied_at": None,
        "contact": [{"first_name": "An", "last_name": "Peeters", "email": EMAIL,
                     "phone": PHONE, "role": "bestuurder"}]}]
    assert [(e["action"], e["object_type"]) for e in data["audit_entries"]] == [
        ("person.updated", "person")]
    assert data["audit_entries"][0]["details"] == {"organization_id": world["zon"].id}
    assert [m["kind"] for m in data["emails"]] == ["sign_in_link", "sign_in_link"]
    text = json.dumps(data)
    # the links are listed by their times only: neither token nor hash leaves the database
    for token in (world["open_token"], world["used_token"]):
        assert token not in text
    for link in db.session.execute(sa.select(SignInLink)).scalars():
        assert link.token_hash not in text
    assert "token" not in text


def test_erasure_leaves_name_and_address_nowhere_and_no_figure_moves(world):
    an, user = world["an"], world["user"]
    before = _figures(world)
    assert before == {"members_contacted_share": 50.0, "pairings_held": 1.0,
                      "vacancies_published": 1.0, "attendances": 1.0}
    assert "Peeters" in _everything_stored()

    erase_person(an, actor=None, now=NOW + timedelta(hours=3))
    db.session.commit()
    db.session.expire_all()

    assert _figures(world) == before
    stored = _everything_stored()
    for trace in ("peeters", EMAIL, PHONE, "bestuurder"):
        assert trace not in stored.lower()
    erased = db.session.get(Person, an.id)
    exported = json.dumps(export_person(erased)).lower()
    assert "peeters" not in exported and EMAIL not in exported
    # the open link no longer signs anyone in; no link of the account is kept
    with pytest.raises(DomainError) as error:
        redeem_sign_in_link(world["open_token"], now=NOW + timedelta(hours=2, minutes=5))
    assert error.value.code == "link_invalid"
    assert db.session.execute(
        sa.select(sa.func.count()).where(SignInLink.user_id == user.id)).scalar_one() == 0
    # organisation facts stay, linked to the anonymised row; free text is redacted
    contacts = db.session.execute(sa.select(MemberContact).order_by(MemberContact.id)
                                  ).scalars().all()
    assert [(c.kind, c.person_id) for c in contacts] == [("visit", an.id),
                                                          ("email", contacts[1].person_id)]
    assert [c.notes for c in contacts] == [
        "Bezoek bij [verwijderd]; [verwijderd] stuurt de cijfers via [verwijderd].",
        "Doorverwezen naar [verwijderd] van Zonnekracht."]
    vacancy = db.session.get(Vacancy, world["vacancy"].id)
    assert (vacancy.status, vacancy.submitted_by_id, vacancy.how_to_apply) == (
        "published", user.id, "Mail je cv naar [verwijderd] ([verwijderd]).")
    assert db.session.execute(sa.select(PairingMember.person_id).where(
        PairingMember.pairing_id == world["pairing"].id).order_by(PairingMember.id)
    ).scalars().first() == an.id
    profile = db.session.execute(sa.select(MeetingProfile)).scalar_one()
    assert (profile.contact_person_id, profile.offer_text) == (
        None, "[verwijderd] vertelt graag over ons zonnepark.")
    # the next micro-meeting goes to the co-op's remaining contact person
    assert first_contact_person(world["zon"].id).id == world["jef"].id
    upload = db.session.execute(sa.select(MemberImport)).scalar_one()
    assert [row["contact"] and row["contact"]["email"] for row in upload.rows] == [
        None, "bart@broodcoop.test"]
    snapshot = db.session.execute(sa.select(ReportSnapshot)).scalar_one()
    attendances = snapshot.data["indicators"][str(world["indicators"]["attendances"].id)]
    assert (attendances["actual"], [r["person"] for r in attendances["records"]]) == (
        1, [f"Verwijderd #{an.id}"])


def test_no_mail_to_an_erased_submitter_when_staff_publish(world):
    zon, user = world["zon"], world["user"]
    waiting = make_vacancy(zon, title="Stage communicatie", submitted_by=user)
    erase_person(world["an"], actor=None, now=NOW)
    db.session.commit()
    approve_vacancy(waiting, actor=make_user("staff"), now=NOW + timedelta(hours=1))
    db.session.commit()
    assert waiting.status == "published"
    assert db.session.execute(sa.select(sa.func.count(OutboxMessage.id))).scalar_one() == 0



def test_staff_export_download_holds_the_network_parts_without_tokens(client, app, login):
    with app.app_context():
        zon = make_organization("Zonnekracht")
        an = make_person("An", "Peeters", email=EMAIL, organization=zon)
        make_contact(zon, kind="intro", contacted_on=date(2021, 10, 4), person=an,
                     notes="Kennismaking.")
        assert request_sign_in_link(EMAIL, base_url=BASE, now=NOW)
        db.session.commit()
        token, person_id = _token_of_last_mail(), an.id
        token_hash = db.session.execute(sa.select(SignInLink.token_hash)).scalar_one()
    login(client, "staff")
    response = client.get(f"/staff/people/{person_id}/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=person-{person_id}.json")
    data = response.get_json()
    assert [(c["kind"], c["notes"]) for c in data["member_contacts"]] == [
        ("intro", "Kennismaking.")]
    assert data["sign_in_links"] == [{"created_at": "2021-11-15T09:00:00+00:00",
                                      "expires_at": "2021-11-15T09:30:00+00:00",
                                      "used_at": None}]
    body = response.get_data(as_text=True)
    assert token not in body and token_hash not in body
