"""The registration service: seats, waiting list, repeats, members-only, closing, mails."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.errors import DomainError, Invalid
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.members.models import Person
from coopnet.registrations.models import Registration
from coopnet.registrations.services import (
    cancel_registration,
    promote_waiting,
    register,
    waitlist_position,
)
from tests.factories import make_event, make_organization, make_person, make_user


def _now(event, days_before=7):
    return event.starts_at - timedelta(days=days_before)


def _register(event, n, **kw):
    kw.setdefault("now", _now(event))
    kw.setdefault("consent", True)
    return register(event, name=f"Deelnemer {n}", email=f"p{n}@example.test", **kw)


def _mails(kind=None):
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.execute(stmt).scalars())


def test_register_confirms_takes_a_seat_and_queues_a_mail_with_the_link(ctx):
    event = make_event("Webinar coöperatief ondernemen", capacity=10)
    registration, created = register(event, name="  An   Peeters ", email="An@Example.TEST",
                                     organization_name="Coop Zonnewind", consent=True,
                                     now=_now(event))
    db.session.commit()
    assert created is True
    assert registration.status == "confirmed"
    assert registration.person.full_name == "An Peeters"
    assert registration.person.email == "an@example.test"
    assert registration.organization_name == "Coop Zonnewind"
    assert len(registration.ticket_code) == 43
    assert event.seats_taken == 1
    [mail] = _mails()
    assert mail.kind == "registration_confirmed"
    assert mail.to_address == "an@example.test"
    assert "Webinar coöperatief ondernemen" in mail.subject
    assert f"http://coopnet.test/r/{registration.ticket_code}" in mail.body_text
    assert "Je bent ingeschreven" in mail.body_text
    [attachment] = mail.attachments
    assert attachment.filename == f"coopkracht-{event.id}.ics"
    assert attachment.content_type == "text/calendar"
    assert b"BEGIN:VEVENT" in attachment.content
    assert b"Webinar co" in attachment.content
    audit = db.session.execute(sa.select(AuditEntry)).scalar_one()
    assert audit.action == "registration.created"


def test_the_confirmation_mail_greets_a_known_person_by_the_name_the_network_knows(ctx):
    # the mail is rendered before the write lock with the name as typed; a known person
    # keeps their own name, so their mail is rendered again, with it
    make_person("Annemie", "Peeters", email="annemie@example.test")
    event = make_event("Coopborrel Gent", capacity=10)
    registration, _created = register(event, name="Mie P.", email="annemie@example.test",
                                      consent=True, now=_now(event))
    newcomer, _created = register(event, name="Jef Janssens", email="jef@example.test",
                                  consent=True, now=_now(event))
    db.session.commit()
    known, new = _mails("registration_confirmed")
    assert known.body_text.startswith("Dag Annemie,")
    assert f"http://coopnet.test/r/{registration.ticket_code}" in known.body_text
    assert new.body_text.startswith("Dag Jef,")
    assert f"http://coopnet.test/r/{newcomer.ticket_code}" in new.body_text
    assert [a.filename for a in known.attachments] == [f"coopkracht-{event.id}.ics"]


def test_full_event_puts_people_on_the_waiting_list_in_order(ctx):
    event = make_event(capacity=2)
    statuses = [_register(event, n)[0] for n in range(5)]
    db.session.commit()
    assert [r.status for r in statuses] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [waitlist_position(r) for r in statuses] == [None, None, 1, 2, 3]
    assert event.seats_taken == 2
    waiting_mail = _mails("registration_waitlisted")[0]
    assert waiting_mail.attachments == []  # no calendar entry without a seat
    assert "wachtlijst" in waiting_mail.body_text
    assert "plaats 1" in waiting_mail.body_text


def test_full_event_without_waiting_list_refuses(ctx):
    event = make_event(capacity=1, waitlist_enabled=False)
    _register(event, 1)
    with pytest.raises(DomainError) as error:
        _register(event, 2)
    assert error.value.code == "waitlist_closed"


def test_same_email_twice_returns_the_existing_registration_and_resends_the_link(ctx):
    event = make_event(capacity=5)
    first, created = _register(event, 1)
    again, created_again = register(event, name="Iemand anders", email="P1@example.test",
                                    consent=True, now=_now(event))
    db.session.commit()
    assert created is True and created_again is False
    assert again.id == first.id
    assert event.seats_taken == 1
    assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one() == 1
    resend = _mails("registration_resend")
    assert len(resend) == 1
    assert first.ticket_code in resend[0].body_text


def test_invalid_input_names_every_field(ctx):
    event = make_event()
    with pytest.raises(Invalid) as error:
        register(event, name=" ", email="not-an-address", consent=False, now=_now(event))
    assert error.value.code == "invalid"
    assert set(error.value.fields) == {"name", "email", "consent"}
    assert error.value.fields["email"] == "Vul een geldig e-mailadres in."


def test_members_only_accepts_contacts_of_current_members_and_stores_nothing_else(ctx):
    member = make_organization("Coop Lid")
    former = make_organization("Coop Vroeger", member_since=date(2015, 1, 1),
                               member_until=date(2020, 12, 31))
    mia = make_user("member", email="mia@lid.test", person=make_person(
        "Mia", email="mia@lid.test", organization=member))
    oscar = make_user("member", email="oscar@vroeger.test", person=make_person(
        "Oscar", email="oscar@vroeger.test", organization=former))
    stranger = make_user("member", email="stranger@example.test",
                         person=make_person("Sam", email="stranger@example.test"))
    event = make_event(visibility="members", capacity=10)
    # knowing a contact's address is not enough: only Mia herself, signed in, registers
    with pytest.raises(DomainError) as error:
        register(event, name="Mia Lid", email="mia@lid.test", consent=True, now=_now(event))
    assert error.value.code == "members_only"
    with pytest.raises(DomainError) as error:
        register(event, name="Mia Lid", email="mia@lid.test", consent=True, actor=stranger,
                 now=_now(event))
    assert error.value.code == "members_only"
    registration, _ = register(event, name="Mia Lid", email="mia@lid.test", consent=True,
                               actor=mia, now=_now(event))
    assert registration.status == "confirmed"
    people_before = db.session.execute(sa.select(sa.func.count(Person.id))).scalar_one()
    for actor, email in ((oscar, "oscar@vroeger.test"), (stranger, "stranger@example.test"),
                         (None, "new@example.test")):
        with pytest.raises(DomainError) as error:
            register(event, name="X", email=email, consent=True, actor=actor, now=_now(event))
        assert error.value.code == "members_only"
    assert db.session.execute(sa.select(sa.func.count(Person.id))).scalar_one() == people_before
    assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one() == 1


@pytest.mark.parametrize(
    ("fields", "offset_days", "code"),
    [
        ({"status": "cancelled"}, -7, "event_cancelled"),
        ({"status": "draft"}, -7, "not_found"),
        ({"visibility": "internal"}, -7, "not_found"),
        ({}, 0, "registration_closed"),  # the event has started
        ({"closes_days_before": 8}, -7, "registration_closed"),
        ({"opens_days_before": 5}, -7, "registration_closed"),
    ],
)
def test_refusals(ctx, fields, offset_days, code):
    closes = fields.pop("closes_days_before", None)
    opens = fields.pop("opens_days_before", None)
    event = make_event(**fields)
    if closes:
        event.registration_closes_at = event.starts_at - timedelta(days=closes)
    if opens:
        event.registration_opens_at = event.starts_at - timedelta(days=opens)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        register(event, name="An", email="an@example.test", consent=True,
                 now=event.starts_at + timedelta(days=offset_days))
    assert error.value.code == code
    assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one() == 0


def test_cancelling_a_confirmed_place_promotes_the_first_waiting_person(ctx):
    event = make_event(capacity=1)
    first, _ = _register(event, 1)
    second, _ = _register(event, 2)
    third, _ = _register(event, 3)
    db.session.commit()
    promoted = cancel_registration(first, now=_now(event, 3))
    db.session.commit()
    assert [p.id for p in promoted] == [second.id]
    assert first.status == "cancelled"
    assert second.status == "confirmed"
    assert waitlist_position(third) == 1
    assert event.seats_taken == 1
    [mail] = _mails("registration_promoted")
    assert mail.to_address == "p2@example.test"
    assert "plaats vrijgekomen" in mail.body_text
    assert [a.content_type for a in mail.attachments] == ["text/calendar"]
    actions = db.session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
    assert list(actions)[-2:] == ["registration.cancelled", "registration.promoted"]


def test_cancelling_twice_changes_nothing_and_a_waiting_cancel_frees_no_seat(ctx):
    event = make_event(capacity=1)
    first, _ = _register(event, 1)
    second, _ = _register(event, 2)
    db.session.commit()
    assert cancel_registration(second, now=_now(event)) == []
    assert cancel_registration(second, now=_now(event)) == []
    db.session.commit()
    assert event.seats_taken == 1
    assert first.status == "confirmed"
    # after cancelling, the same person may register again
    again, created = _register(event, 2)
    assert created is True and again.status == "waitlisted"


def test_promote_waiting_fills_raised_capacity_in_order(ctx):
    event = make_event(capacity=1)
    regs = [_register(event, n)[0] for n in range(4)]
    db.session.commit()
    event.capacity = 3
    promoted = promote_waiting(event, now=_now(event))
    db.session.commit()
    assert [p.id for p in promoted] == [regs[1].id, regs[2].id]
    assert event.seats_taken == 3
    assert waitlist_position(regs[3]) == 1


def test_unlimited_event_confirms_everyone(ctx):
    event = make_event(capacity=None)
    assert {_register(event, n)[0].status for n in range(5)} == {"confirmed"}
    db.session.commit()
    assert event.seats_taken == 5


def test_seats_taken_and_given_back_are_not_edits_of_the_event(ctx):
    # the seat counter is bookkeeping: the event's last edit (the calendar files'
    # LAST-MODIFIED) stays what it was, however many register, wait or cancel
    from datetime import UTC, datetime

    from coopnet.events.models import Event

    event = make_event(capacity=1)
    edited = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    db.session.execute(sa.update(Event.__table__).where(Event.__table__.c.id == event.id)
                       .values(updated_at=edited))
    db.session.commit()
    first, _ = _register(event, 1)
    second, _ = _register(event, 2)  # full: waits, with the event row locked
    db.session.commit()
    cancel_registration(first, now=_now(event, 3))  # gives the seat back, promotes the second
    db.session.commit()
    assert second.status == "confirmed"
    stored = db.session.execute(sa.select(Event.__table__.c.updated_at, Event.seats_taken)
                                .where(Event.id == event.id)).one()
    assert stored == (edited, 1)
    files = [a.content for m in _mails() for a in m.attachments]
    assert len(files) == 2  # the first confirmation and the promotion
    assert all(b"\r\nLAST-MODIFIED:20260105T090000Z\r\n" in f for f in files)
