"""The check-in service: one rule for every entry point, with stable error codes."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.errors import DomainError
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations.checkin import (
    add_walk_in,
    check_in,
    mark_attendance,
    ticket_code_from_scan,
    undo_check_in,
)
from coopnet.registrations.checkin_queries import (
    event_counts,
    lacks_attendance,
    past_events_without_attendance,
)
from coopnet.registrations.models import CheckInEvent, Registration
from tests.factories import (
    make_event,
    make_organization,
    make_person,
    make_registration,
    make_user,
)

# 19:02 in Brussels on 10 Feb 2022 (UTC+1)
DOOR = datetime(2022, 2, 10, 18, 2, tzinfo=UTC)


@pytest.fixture
def door(ctx):
    event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=2)
    an = make_user("staff", display_name="An")
    bart = make_user("staff", display_name="Bart")
    return event, an, bart


def history(registration_id):
    return db.session.execute(
        sa.select(CheckInEvent.action, CheckInEvent.by_id, CheckInEvent.channel)
        .where(CheckInEvent.registration_id == registration_id).order_by(CheckInEvent.id)
    ).all()


def audit_actions(registration_id):
    return db.session.execute(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "registration",
                                           AuditEntry.object_id == registration_id)
        .order_by(AuditEntry.id)
    ).scalars().all()


def test_check_in_by_code_records_time_staff_history_and_audit(door):
    event, an, _ = door
    reg = make_registration(event, make_person("Lies", "Peeters"), ticket_code="A" * 43)
    result = check_in(event.id, "A" * 43, actor=an, now=DOOR)
    db.session.commit()
    assert result.status == "checked_in"
    assert result.message == "Ingecheckt: Lies Peeters"
    db.session.expire_all()
    reg = db.session.get(Registration, reg.id)
    assert reg.attended is True
    assert reg.checked_in_at == DOOR
    assert reg.checked_in_by_id == an.id
    assert history(reg.id) == [("check_in", an.id, "door")]
    assert audit_actions(reg.id) == ["registration.checked_in"]


def test_second_scan_says_when_and_by_whom_and_counts_once(door):
    event, an, bart = door
    reg = make_registration(event, make_person("Lies", "Peeters"))
    check_in(event.id, reg.ticket_code, actor=an, now=DOOR)
    db.session.commit()
    again = check_in(event.id, reg.ticket_code, actor=bart, now=DOOR + timedelta(minutes=5))
    db.session.commit()
    assert again.status == "already_checked_in"
    assert again.checked_in_at == DOOR
    assert again.checked_in_by.display_name == "An"
    assert again.message == "Lies Peeters: al ingecheckt om 19:02 door An"
    assert history(reg.id) == [("check_in", an.id, "door")]
    assert event_counts(event).checked_in == 1


def test_a_scanned_ticket_url_is_read_as_its_code(door):
    event, an, _ = door
    reg = make_registration(event)
    url = f"https://coopnet.test/tickets/{reg.ticket_code}?utm=qr"
    assert ticket_code_from_scan(url) == reg.ticket_code
    assert check_in(event.id, f"  {url}\n", actor=an, now=DOOR).status == "checked_in"


@pytest.mark.parametrize("code", ["nope", "", "x" * 500])
def test_unknown_ticket_is_refused(door, code):
    event, an, _ = door
    with pytest.raises(DomainError) as refused:
        check_in(event.id, code, actor=an, now=DOOR)
    assert refused.value.code == "unknown_ticket"
    assert refused.value.status == 404


@pytest.mark.parametrize("status,reason", [
    ("waitlisted", "Lies Peeters staat op de wachtlijst, niet bevestigd."),
    ("cancelled", "De inschrijving van Lies Peeters werd geannuleerd."),
])
def test_waiting_list_and_cancelled_tickets_are_refused_with_the_reason(door, status, reason):
    event, an, _ = door
    reg = make_registration(event, make_person("Lies", "Peeters"), status=status)
    with pytest.raises(DomainError) as refused:
        check_in(event.id, reg.ticket_code, actor=an, now=DOOR)
    assert refused.value.code == "not_confirmed"
    assert refused.value.status == 409
    assert refused.value.message == reason
    assert history(reg.id) == []


def test_ticket_of_another_event_names_that_event(door):
    event, an, _ = door
    other = make_event("Webinar ICA-principes", starts_at=datetime(2022, 3, 3, 11, 0, tzinfo=UTC))
    reg = make_registration(other)
    with pytest.raises(DomainError) as refused:
        check_in(event.id, reg.ticket_code, actor=an, now=DOOR)
    assert refused.value.code == "wrong_event"
    assert "Webinar ICA-principes" in refused.value.message
    assert "03/03/2022 12:00" in refused.value.message
    assert db.session.get(Registration, reg.id).checked_in_at is None


def test_undo_clears_the_check_in_and_history_keeps_both(door):
    event, an, bart = door
    reg = make_registration(event)
    check_in(event.id, reg.ticket_code, actor=an, now=DOOR)
    undo_check_in(event.id, reg.ticket_code, actor=bart, now=DOOR + timedelta(minutes=1))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).attended is False
    assert history(reg.id) == [("check_in", an.id, "door"), ("undo", bart.id, "door")]
    assert audit_actions(reg.id) == ["registration.checked_in", "registration.check_in_undone"]
    # and it can be checked in again afterwards
    assert check_in(event.id, reg.ticket_code, actor=an, now=DOOR).status == "checked_in"


def test_undo_without_check_in_is_refused(door):
    event, an, _ = door
    reg = make_registration(event)
    with pytest.raises(DomainError) as refused:
        undo_check_in(event.id, reg.ticket_code, actor=an, now=DOOR)
    assert refused.value.code == "not_checked_in"


def test_walk_in_counts_as_attended_even_when_full_and_takes_no_seat(door):
    event, an, _ = door
    make_registration(event)
    make_registration(event)
    assert db.session.get(Event, event.id).seats_taken == 2  # full: capacity 2
    coop = make_organization("Energiecoöperatie Zuidwind")
    result = add_walk_in(event, name="  Jan  De Smet ", email="Jan@Example.TEST",
                         organization_name="energiecoöperatie zuidwind", actor=an, now=DOOR)
    db.session.commit()
    reg = result.registration
    assert result.status == "checked_in"
    assert (reg.source, reg.status, reg.attended) == ("walkin", "confirmed", True)
    assert reg.person.full_name == "Jan De Smet"
    assert reg.person.email == "jan@example.test"
    assert reg.organization_id == coop.id
    db.session.expire_all()
    assert db.session.get(Event, event.id).seats_taken == 2
    assert event_counts(event).as_dict() == {"registered": 3, "checked_in": 1, "waitlisted": 0,
                                             "capacity": 2}
    assert audit_actions(reg.id) == ["registration.walk_in_added", "registration.checked_in"]


def test_walk_in_without_email_always_creates_a_new_person(door):
    event, an, _ = door
    first = add_walk_in(event, name="Mo", actor=an, now=DOOR).registration
    second = add_walk_in(event, name="Mo", actor=an, now=DOOR).registration
    assert first.person_id != second.person_id
    assert first.organization_name == ""


def test_walk_in_of_a_registered_person_checks_in_their_registration(door):
    event, an, _ = door
    person = make_person("Lies", "Peeters", email="lies@example.test")
    reg = make_registration(event, person)
    result = add_walk_in(event, name="Lies P.", email="LIES@example.test", actor=an, now=DOOR)
    assert result.registration.id == reg.id
    assert result.registration.source == "online"
    assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar() == 1


def test_walk_in_of_a_waiting_person_confirms_them_without_a_seat(door):
    event, an, _ = door
    person = make_person("Lies", "Peeters", email="lies@example.test")
    reg = make_registration(event, person, status="waitlisted")
    result = add_walk_in(event, name="Lies Peeters", email="lies@example.test", actor=an, now=DOOR)
    db.session.commit()
    assert result.registration.id == reg.id
    assert (result.registration.status, result.registration.source) == ("confirmed", "walkin")
    assert db.session.get(Event, event.id).seats_taken == 0


def test_walk_in_needs_a_name_and_a_valid_email(door):
    event, an, _ = door
    with pytest.raises(DomainError) as refused:
        add_walk_in(event, name=" ", email="not-an-address", actor=an, now=DOOR)
    assert refused.value.code == "invalid"
    assert set(refused.value.fields) == {"name", "email"}


def test_mark_attendance_ticks_and_unticks_through_the_same_rule(door):
    event, an, _ = door
    came = make_registration(event)
    stayed_home = make_registration(event)
    wrongly_ticked = make_registration(event, checked_in_at=DOOR, checked_in_by=an)
    change = mark_attendance(event, [came.id], actor=an, now=DOOR)
    db.session.commit()
    assert (change.checked_in, change.undone) == (1, 1)
    assert history(came.id) == [("check_in", an.id, "list")]
    assert history(wrongly_ticked.id) == [("undo", an.id, "list")]
    assert history(stayed_home.id) == []
    assert event_counts(event).checked_in == 1


def test_mark_attendance_refuses_registrations_of_other_events(door):
    event, an, _ = door
    other = make_registration(make_event())
    waiting = make_registration(event, status="waitlisted")
    for ids in ([other.id], [waiting.id]):
        with pytest.raises(DomainError) as refused:
            mark_attendance(event, ids, actor=an, now=DOOR)
        assert refused.value.code == "unknown_registration"


def test_event_counts_is_one_query(door, count_queries):
    event, an, _ = door
    make_registration(event, checked_in_at=DOOR, checked_in_by=an)
    make_registration(event)
    make_registration(event, status="waitlisted")
    make_registration(event, status="waitlisted")
    make_registration(event, status="cancelled")
    event_id = event.id
    with count_queries() as queries:
        counts = event_counts(event_id)
    assert queries.count == 1
    assert counts.as_dict() == {"registered": 2, "checked_in": 1, "waitlisted": 2, "capacity": 2}
    assert event_counts(999999) is None


def test_event_without_registrations_counts_zero(ctx):
    event = make_event(capacity=None)
    assert event_counts(event).as_dict() == {"registered": 0, "checked_in": 0, "waitlisted": 0,
                                             "capacity": None}


def test_past_events_without_attendance_are_flagged(ctx):
    now = datetime(2022, 3, 1, 12, 0, tzinfo=UTC)
    staff = make_user("staff")
    unrecorded = make_event("Webinar zonder aanwezigheden",
                            starts_at=datetime(2022, 2, 10, 18, 0, tzinfo=UTC))
    make_registration(unrecorded)
    make_registration(unrecorded)
    make_registration(unrecorded, status="waitlisted")
    recorded = make_event("Borrel met aanwezigheden", starts_at=datetime(2022, 2, 1, 18, 0, tzinfo=UTC))
    make_registration(recorded)
    make_registration(recorded, checked_in_at=DOOR, checked_in_by=staff)
    only_waiting = make_event("Enkel wachtlijst", starts_at=datetime(2022, 2, 2, 18, 0, tzinfo=UTC))
    make_registration(only_waiting, status="waitlisted")
    make_registration(make_event("Nog niet voorbij", starts_at=now + timedelta(days=1)))
    cancelled = make_event("Geannuleerd", starts_at=datetime(2022, 2, 3, 18, 0, tzinfo=UTC),
                           status="cancelled")
    make_registration(cancelled)
    make_event("Zonder inschrijvingen", starts_at=datetime(2022, 2, 4, 18, 0, tzinfo=UTC))

    flagged = past_events_without_attendance(now)
    assert [(f.event.title, f.registered) for f in flagged] == [("Webinar zonder aanwezigheden", 2)]
    assert lacks_attendance(unrecorded, now) is True
    assert lacks_attendance(recorded, now) is False


def test_walk_in_by_name_lets_in_the_one_waiting_person_of_that_name(door):
    event, an, _ = door
    wim = make_registration(event, make_person("Wim", "Wachter"), status="waitlisted")
    result = add_walk_in(event, name=" Wim   wachter", actor=an, now=DOOR)
    db.session.commit()
    assert result.registration.id == wim.id
    assert (wim.status, wim.source, wim.attended) == ("confirmed", "walkin", True)
    assert event_counts(event).as_dict() == {"registered": 1, "checked_in": 1, "waitlisted": 0,
                                             "capacity": 2}
    assert audit_actions(wim.id) == ["registration.confirmed_at_door",
                                     "registration.checked_in"]


def test_walk_in_by_a_name_two_waiting_people_share_adds_a_new_person(door):
    event, an, _ = door
    first = make_registration(event, make_person("Mo", "Peeters"), status="waitlisted")
    second = make_registration(event, make_person("Mo", "Peeters"), status="waitlisted")
    result = add_walk_in(event, name="Mo Peeters", actor=an, now=DOOR)
    assert result.registration.id not in {first.id, second.id}
    assert (first.status, second.status) == ("waitlisted", "waitlisted")
    assert event_counts(event).as_dict() == {"registered": 1, "checked_in": 1, "waitlisted": 2,
                                             "capacity": 2}
