"""Micro-meeting rules: opt-in, accepting a duo or trio, held, cancelled, the plan's figure."""

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from coopnet.errors import DomainError
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.pairings.queries import active_profiles, held_between, held_between_records, met_before
from coopnet.pairings.services import (
    ProfileInput,
    accept_pairing,
    cancel_pairing,
    mark_held,
    save_profile,
)
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels
from tests.factories import (
    make_member_user,
    make_organization,
    make_pairing,
    make_person,
    make_profile,
    make_user,
)

NOW = datetime(2022, 3, 10, 10, 0, tzinfo=UTC)
STARTS = brussels(date(2022, 3, 24), time(10, 0))


def _org(name, province="Antwerpen", **kw):
    org = make_organization(name, province=province, **kw)
    make_person("Contact", email=f"{name.lower().replace(' ', '')}@coop.test", organization=org)
    return org


def test_member_opts_in_for_their_own_coop(ctx):
    org = make_organization("Zonnekracht")
    member = make_member_user(org)
    profile = save_profile(org, ProfileInput(offers=["finance", "energy"], needs=["hr"],
                                             need_text="Iemand die al een CAO heeft"),
                           actor=member, now=NOW)
    db.session.commit()
    assert (profile.active, profile.offers, profile.needs) == (True, ["energy", "finance"], ["hr"])
    assert profile.contact_person_id == member.person_id
    # saving again updates the same opt-in
    again = save_profile(org, ProfileInput(active=False), actor=member, now=NOW)
    assert again.id == profile.id and again.active is False


def test_opt_in_rules(ctx):
    mine, other = make_organization(), make_organization()
    member = make_member_user(mine)
    with pytest.raises(DomainError) as forbidden:
        save_profile(other, ProfileInput(needs=["hr"]), actor=member, now=NOW)
    assert forbidden.value.code == "forbidden"
    with pytest.raises(DomainError) as empty:
        save_profile(mine, ProfileInput(), actor=member, now=NOW)
    assert empty.value.code == "invalid" and list(empty.value.fields) == ["needs"]
    with pytest.raises(DomainError) as unknown:
        save_profile(mine, ProfileInput(offers=["astrology"]), actor=member, now=NOW)
    assert list(unknown.value.fields) == ["offers"]
    # staff may set it for any co-op
    assert save_profile(other, ProfileInput(needs=["hr"]), actor=make_user("staff"), now=NOW)


def test_accept_creates_pairing_event_and_confirmed_registrations(ctx):
    a, b = _org("Zonnekracht"), _org("Voedselgilde", province="Limburg")
    make_profile(a, offers=("finance",))
    make_profile(b, needs=("finance",))
    coordinator = make_user("coordinator")
    pairing = accept_pairing([b, a], starts_at=STARTS, actor=coordinator, now=NOW)
    db.session.commit()
    assert pairing.status == "accepted"
    assert sorted(m.organization_id for m in pairing.members) == sorted([a.id, b.id])
    assert pairing.reason == (
        "Voedselgilde zoekt hulp bij Financiën en kapitaal ophalen; Zonnekracht biedt dat aan.\n"
        "Zonnekracht (Antwerpen) en Voedselgilde (Limburg) liggen in aangrenzende provincies.")
    event = db.session.get(Event, pairing.event_id)
    assert event.kind.slug == "micro-ontmoeting"
    assert event.title == "Micro-ontmoeting: Zonnekracht – Voedselgilde"
    assert (event.visibility, event.starts_at) == ("internal", STARTS)
    registrations = db.session.execute(
        sa.select(Registration).where(Registration.event_id == event.id)).scalars().all()
    assert sorted(r.person.email for r in registrations) == ["voedselgilde@coop.test",
                                                            "zonnekracht@coop.test"]
    assert {(r.status, r.source) for r in registrations} == {("confirmed", "staff")}
    # the seat counter agrees with the confirmed registrations holding a seat
    assert event.seats_taken == 2


def test_accept_refusals(ctx):
    a, b, c = _org("A"), _org("B"), _org("C")
    far = _org("Far", province="West-Vlaanderen", member_since=None)
    coordinator = make_user("coordinator")

    def code(orgs, actor=coordinator):
        with pytest.raises(DomainError) as error:
            accept_pairing(orgs, starts_at=STARTS, actor=actor, now=NOW)
        return error.value.code

    assert code([a, b], actor=make_user("staff")) == "forbidden"
    assert code([a]) == "invalid_group"
    assert code([a, b, c, _org("D")]) == "invalid_group"
    assert code([a, far]) == "not_a_member"
    make_pairing(a, b, status="held", held_on=date(2021, 5, 1))
    assert code([a, b]) == "already_paired"
    make_pairing(c, _org("E"), status="accepted")
    assert code([a, c]) == "already_in_pairing"
    lonely = make_organization("Zonder contact")
    assert code([a, lonely]) == "no_contact_person"


def test_cancelled_pairings_do_not_block_a_new_one(ctx):
    a, b = _org("A"), _org("B")
    make_pairing(a, b, status="cancelled")
    assert met_before() == []
    assert accept_pairing([a, b], starts_at=STARTS, actor=make_user("coordinator"), now=NOW)


def test_mark_held_then_it_counts_for_the_plan(ctx):
    a, b = _org("A"), _org("B")
    staff = make_user("staff")
    pairing = accept_pairing([a, b], starts_at=STARTS, actor=make_user("coordinator"), now=NOW)
    with pytest.raises(DomainError) as future:
        mark_held(pairing, date(2022, 3, 11), actor=staff, now=NOW)
    assert future.value.code == "invalid"
    with pytest.raises(DomainError) as missing:
        mark_held(pairing, None, actor=staff, now=NOW)
    assert missing.value.code == "invalid"
    mark_held(pairing, date(2022, 3, 9), actor=staff, now=NOW)
    db.session.commit()
    assert (pairing.status, pairing.held_on) == ("held", date(2022, 3, 9))
    with pytest.raises(DomainError) as twice:
        mark_held(pairing, date(2022, 3, 9), actor=staff, now=NOW)
    assert twice.value.code == "not_accepted"
    with pytest.raises(DomainError) as cancel:
        cancel_pairing(pairing, actor=staff, now=NOW)
    assert cancel.value.code == "already_held"


def test_held_between_counts_only_held_pairings_in_the_period(ctx):
    orgs = [_org(f"Coop {n}") for n in range(8)]
    make_pairing(orgs[0], orgs[1], status="held", held_on=date(2021, 1, 1))
    make_pairing(orgs[2], orgs[3], status="held", held_on=date(2022, 4, 30))
    make_pairing(orgs[4], orgs[5], status="held", held_on=date(2022, 5, 1))
    make_pairing(orgs[6], orgs[7], status="accepted")
    make_pairing(orgs[0], orgs[2], status="cancelled")
    assert held_between(date(2021, 1, 1), date(2022, 4, 30)) == 2
    records = db.session.execute(
        held_between_records(date(2021, 1, 1), date(2022, 4, 30))).scalars().all()
    assert [p.held_on for p in records] == [date(2021, 1, 1), date(2022, 4, 30)]


def test_cancel_cancels_the_event_and_frees_the_seats(ctx):
    a, b = _org("A"), _org("B")
    pairing = accept_pairing([a, b], starts_at=STARTS, actor=make_user("coordinator"), now=NOW)
    db.session.commit()
    cancel_pairing(pairing, actor=make_user("staff"), now=NOW)
    db.session.commit()
    event = db.session.get(Event, pairing.event_id)
    db.session.refresh(event)
    assert (pairing.status, event.status, event.seats_taken) == ("cancelled", "cancelled", 0)
    statuses = db.session.execute(
        sa.select(Registration.status).where(Registration.event_id == event.id)).scalars().all()
    assert statuses == ["cancelled", "cancelled"]
    with pytest.raises(DomainError) as again:
        cancel_pairing(pairing, actor=make_user("staff"), now=NOW)
    assert again.value.code == "already_cancelled"


def test_proposal_input_leaves_out_inactive_former_and_busy_members(ctx):
    active = _org("Actief")
    make_profile(active, needs=("hr",))
    make_profile(_org("Uitgeschreven"), needs=("hr",), active=False)
    make_profile(_org("Oud lid", member_since=date(2015, 1, 1), member_until=date(2021, 6, 30)),
                 needs=("hr",))
    busy = _org("Bezet")
    make_profile(busy, needs=("hr",))
    make_pairing(busy, _org("Partner"), status="accepted")
    assert [p.organization.name for p in active_profiles(date(2022, 3, 10))] == ["Actief"]


def _trio():
    a, b, c = _org("Zonnekracht"), _org("Voedselgilde"), _org("Bouwhuis")
    return a, b, c


def _audit(action, object_type=None, object_ids=None):
    from coopnet.audit.models import AuditEntry

    stmt = sa.select(AuditEntry).where(AuditEntry.action == action)
    if object_ids is not None:
        stmt = stmt.where(AuditEntry.object_type == object_type,
                          AuditEntry.object_id.in_(object_ids))
    return db.session.execute(stmt.order_by(AuditEntry.id)).scalars().all()


def _mails(kind):
    from coopnet.mail.models import OutboxMessage

    return db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.to_address)).scalars().all()


CONTACTS = ["bouwhuis@coop.test", "voedselgilde@coop.test", "zonnekracht@coop.test"]


def test_accepting_a_trio_goes_through_the_event_and_registration_services(ctx):
    coordinator = make_user("coordinator")
    pairing = accept_pairing(list(_trio()), starts_at=STARTS, actor=coordinator, now=NOW)
    db.session.commit()
    event = db.session.get(Event, pairing.event_id)
    registrations = db.session.execute(
        sa.select(Registration).where(Registration.event_id == event.id)
        .order_by(Registration.id)).scalars().all()
    assert [(r.status, r.source) for r in registrations] == [("confirmed", "staff")] * 3
    assert sorted(r.person.email for r in registrations) == CONTACTS
    assert event.seats_taken == 3  # taken one by one by the registration service's counter
    assert (event.visibility, event.status, event.sequence) == ("internal", "published", 0)
    created = _audit("event.created", "event", [event.id])
    assert [(e.actor_id, e.details["kind"]) for e in created] == [
        (coordinator.id, "micro-ontmoeting")]
    registered = _audit("registration.created", "registration", [r.id for r in registrations])
    assert len(registered) == 3
    assert {(e.actor_id, e.details["source"]) for e in registered} == {(coordinator.id, "staff")}
    confirmations = _mails("registration_confirmed")
    assert [m.to_address for m in confirmations] == CONTACTS
    for mail in confirmations:
        assert [a.filename for a in mail.attachments] == [f"coopkracht-{event.id}.ics"]
        assert b"BEGIN:VEVENT" in mail.attachments[0].content


def test_cancelling_a_trio_cancels_its_event_through_the_event_service(ctx):
    pairing = accept_pairing(list(_trio()), starts_at=STARTS, actor=make_user("coordinator"),
                             now=NOW)
    db.session.commit()
    staff = make_user("staff")
    cancel_pairing(pairing, actor=staff, now=NOW)
    db.session.commit()
    event = db.session.get(Event, pairing.event_id)
    db.session.refresh(event)
    assert (event.status, event.sequence, event.seats_taken) == ("cancelled", 1, 0)
    registrations = db.session.execute(
        sa.select(Registration).where(Registration.event_id == event.id)).scalars().all()
    assert [r.status for r in registrations] == ["cancelled"] * 3
    # one cancellation mail each: the event's, not a second one per registration
    assert [m.to_address for m in _mails("event_cancelled")] == CONTACTS
    assert _mails("registration_cancelled") == []
    cancelled = _audit("event.cancelled", "event", [event.id])
    assert [(e.actor_id, e.details["notified"]) for e in cancelled] == [(staff.id, 3)]
    assert len(_audit("registration.cancelled", "registration",
                      [r.id for r in registrations])) == 3
    assert [e.actor_id for e in _audit("pairing.cancelled", "pairing", [pairing.id])] == [staff.id]


def test_accept_refuses_a_past_moment_and_a_contact_without_email(ctx):
    a, b = _org("A"), _org("B")
    coordinator = make_user("coordinator")
    with pytest.raises(DomainError) as past:
        accept_pairing([a, b], starts_at=NOW, actor=coordinator, now=NOW)
    assert past.value.code == "in_the_past"
    mute = make_organization("Stil")
    chosen = make_person("Zonder", organization=mute)
    chosen.email = None  # the opt-in names a contact the network cannot mail
    make_profile(mute, needs=("hr",), contact_person=chosen)
    with pytest.raises(DomainError) as no_email:
        accept_pairing([a, mute], starts_at=STARTS, actor=coordinator, now=NOW)
    assert no_email.value.code == "no_contact_email"
