"""Actions recorded by door devices offline, applied later: once, in the order done."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.registrations.checkin import check_in, undo_check_in
from coopnet.registrations.checkin_queries import event_counts
from coopnet.registrations.door_sync import (
    apply_door_actions,
    code_hash,
    door_key,
    door_list_document,
    normalize_code,
)
from coopnet.registrations.models import CheckInEvent, DoorAction, Registration
from coopnet.registrations.services import cancel_registration
from tests.factories import make_event, make_person, make_registration, make_user

# 19:00 in Brussels on 10 Feb 2022 (UTC+1), and minutes after it
T0 = datetime(2022, 2, 10, 18, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def stamp(minutes: int) -> str:
    return at(minutes).isoformat()


@pytest.fixture
def door(ctx):
    event = make_event("Coopborrel Gent", kind_slug="coopborrel", capacity=10)
    an = make_user("staff", display_name="An")
    bart = make_user("staff", display_name="Bart")
    lies = make_registration(event, make_person("Lies", "Peeters"), ticket_code="LIES-code-1")
    return event, an, bart, lies


def act(event, actor, *actions, now=None):
    outcomes = apply_door_actions(event, list(actions), actor=actor, now=now or at(60))
    db.session.commit()
    return [o.outcome for o in outcomes]


def check(action_id, registration, minutes, device="phone-a"):
    return {"id": action_id, "type": "check_in", "registration_id": registration.id,
            "device_time": stamp(minutes), "device_id": device}


def undo(action_id, registration, minutes, device="phone-a"):
    return {"id": action_id, "type": "undo", "registration_id": registration.id,
            "device_time": stamp(minutes), "device_id": device}


def state(registration):
    db.session.expire_all()
    fresh = db.session.get(Registration, registration.id)
    return fresh.checked_in_at, fresh.checked_in_by_id


def test_a_check_in_by_code_hash_records_the_device_time_and_who(door):
    event, an, _, lies = door
    digest = code_hash(door_key(event), "  lies-CODE-1 ")
    assert act(event, an, {"id": "action-0001", "type": "check_in", "ticket_hash": digest,
                           "device_time": stamp(5), "device_id": "phone-a"}) == ["checked_in"]
    assert state(lies) == (at(5), an.id)
    stored = db.session.execute(sa.select(DoorAction)).scalar_one()
    assert (stored.device_time, stored.received_at, stored.device_id, stored.outcome) == (
        at(5), at(60), "phone-a", "checked_in")
    assert event_counts(event).checked_in == 1


def test_a_short_code_typed_offline_is_recognised_at_sync_by_its_hash(door):
    event, an, _, lies = door
    short = lies.short_code
    digest = code_hash(door_key(event), f" {short[:4].lower()}-{short[4:]} ")
    assert act(event, an, {"id": "action-0001", "type": "check_in", "ticket_hash": digest,
                           "device_time": stamp(7), "device_id": "phone-a"}) == ["checked_in"]
    assert state(lies) == (at(7), an.id)


def test_sending_the_same_batch_twice_changes_nothing(door):
    event, an, _, lies = door
    batch = [check("action-0001", lies, 5), undo("action-0002", lies, 6),
             check("action-0003", lies, 7)]
    assert act(event, an, *batch) == ["checked_in", "undone", "checked_in"]
    history = db.session.execute(sa.select(sa.func.count(CheckInEvent.id))).scalar()
    again = apply_door_actions(event, batch, actor=an, now=at(90))
    db.session.commit()
    assert [(o.outcome, o.repeated, o.message) for o in again] == [
        ("checked_in", True, "Ingecheckt: Lies Peeters"),
        ("undone", True, "Check-in ongedaan gemaakt: Lies Peeters"),
        ("checked_in", True, "Ingecheckt: Lies Peeters")]
    assert db.session.execute(sa.select(sa.func.count(CheckInEvent.id))).scalar() == history == 3
    assert db.session.execute(sa.select(sa.func.count(DoorAction.id))).scalar() == 3
    assert state(lies) == (at(7), an.id)


def test_two_offline_devices_give_one_attendance_at_the_earliest_time(door):
    event, an, bart, lies = door
    # Bart's phone reaches us first with 19:10; An's with 19:04 comes later
    assert act(event, bart, check("bart-0001", lies, 10, "phone-b")) == ["checked_in"]
    assert act(event, an, check("an-00001", lies, 4)) == ["checked_in"]
    assert state(lies) == (at(4), an.id)
    assert event_counts(event).checked_in == 1
    # and the other way round: the later one arriving last is a repeat
    assert act(event, bart, check("bart-0002", lies, 12, "phone-b")) == ["already_checked_in"]
    assert state(lies) == (at(4), an.id)


def test_an_online_check_in_after_an_offline_one_keeps_the_offline_time(door):
    event, an, bart, lies = door
    check_in(event.id, lies.id, actor=bart, now=at(20))
    db.session.commit()
    assert act(event, an, check("an-00001", lies, 3)) == ["checked_in"]
    assert state(lies) == (at(3), an.id)
    assert event_counts(event).checked_in == 1


def test_an_undo_after_a_check_in_elsewhere_follows_the_times(door):
    event, an, bart, lies = door
    # Bart checks in online at 19:10; An's phone had undone at 19:15 (a later undo wins)
    check_in(event.id, lies.id, actor=bart, now=at(10))
    db.session.commit()
    assert act(event, an, undo("an-00001", lies, 15)) == ["undone"]
    assert state(lies) == (None, None)


def test_an_earlier_undo_arriving_late_does_not_undo_a_later_check_in(door):
    event, an, bart, lies = door
    # An checked in at 19:05 and undid at 19:06 offline; Bart checked in online at 19:08
    check_in(event.id, lies.id, actor=bart, now=at(8))
    db.session.commit()
    assert act(event, an, check("an-00001", lies, 5), undo("an-00002", lies, 6)) == [
        "checked_in", "undone"]
    # in the order things were done: in 19:05, out 19:06, in again 19:08 by Bart
    assert state(lies) == (at(8), bart.id)
    assert event_counts(event).checked_in == 1


def test_a_check_in_done_before_an_undo_elsewhere_stays_undone(door):
    event, an, bart, lies = door
    check_in(event.id, lies.id, actor=bart, now=at(1))
    undo_check_in(event.id, lies.id, actor=bart, now=at(9))
    db.session.commit()
    # An's phone checked her in at 19:04: before Bart's undo at 19:09, so the undo wins
    assert act(event, an, check("an-00001", lies, 4)) == ["undone_later"]
    assert state(lies) == (None, None)
    assert event_counts(event).checked_in == 0


def test_a_ticket_cancelled_meanwhile_is_reported_per_action(door):
    event, an, _, lies = door
    mo = make_registration(event, make_person("Mohamed", "El Amrani"))
    cancel_registration(lies, now=at(1), notify=False)
    db.session.commit()
    outcomes = apply_door_actions(event, [check("an-00001", lies, 5), check("an-00002", mo, 6)],
                                  actor=an, now=at(60))
    db.session.commit()
    assert [o.outcome for o in outcomes] == ["cancelled", "checked_in"]
    assert outcomes[0].message == "De inschrijving van Lies Peeters werd geannuleerd."
    assert state(lies) == (None, None)
    assert event_counts(event).checked_in == 1


def test_walk_in_then_undo_of_that_walk_in_in_one_batch(door):
    event, an, _, _ = door
    outcomes = act(event, an,
                   {"id": "walk-0001", "type": "walk_in", "name": " Nora  Nieuwkomer ",
                    "organization": "Buurtcoöp", "device_time": stamp(7)},
                   {"id": "undo-0001", "type": "undo", "walk_in_action_id": "walk-0001",
                    "device_time": stamp(8)},
                   {"id": "walk-0002", "type": "walk_in", "name": "Wout", "device_time": stamp(9)})
    assert outcomes == ["checked_in", "undone", "checked_in"]
    nora = db.session.execute(sa.select(Registration).join(Registration.person)
                              .where(Registration.source == "walkin")
                              .order_by(Registration.id)).scalars().first()
    assert nora.person.full_name == "Nora Nieuwkomer"
    assert nora.checked_in_at is None
    assert event_counts(event).checked_in == 1
    assert event_counts(event).registered == 3


def test_each_refused_action_gets_its_reason_and_the_rest_goes_on(door):
    event, an, _, lies = door
    other = make_event("Elders")
    stranger = make_registration(other)
    waiting = make_registration(event, status="waitlisted")
    outcomes = apply_door_actions(event, [
        {"id": "action-0003", "type": "check_in", "ticket_hash": "0" * 64,
         "device_time": stamp(2)},
        {"id": "action-0004", "type": "check_in", "registration_id": stranger.id,
         "device_time": stamp(3)},
        {"id": "action-0005", "type": "check_in", "registration_id": waiting.id,
         "device_time": stamp(4)},
        {"id": "action-0006", "type": "walk_in", "name": " \x00 ", "device_time": stamp(5)},
        {"id": "action-0007", "type": "undo", "device_time": stamp(5)},
        {"id": "action-0008", "type": "check_in", "registration_id": lies.id,
         "device_time": stamp(6)},
    ], actor=an, now=at(60))
    db.session.commit()
    assert [o.outcome for o in outcomes] == ["unknown_ticket", "wrong_event", "not_confirmed",
                                             "invalid", "invalid", "checked_in"]
    assert outcomes[3].fields == {"name": "Vul een naam in."}
    assert state(lies) == (at(6), an.id)
    # each is answered the same when sent again
    assert db.session.execute(sa.select(sa.func.count(DoorAction.id))).scalar() == 6


def test_a_batch_of_the_wrong_shape_is_refused_whole_naming_each_field(door):
    event, an, _, lies = door
    with pytest.raises(DomainError) as raised:
        apply_door_actions(event, [
            {"id": "action-0001", "type": "check_in", "registration_id": lies.id,
             "device_time": stamp(1)},
            {"id": "x", "type": "dance", "registration_id": True, "device_time": "19u"},
            "check in",
            {"id": "action-0003", "type": "check_in", "ticket_hash": "ABC",
             "device_time": "1999-02-10T19:00:00+01:00", "name": 5},
        ], actor=an, now=at(60))
    assert raised.value.code == "invalid"
    assert set(raised.value.fields) == {
        "actions.1.id", "actions.1.type", "actions.1.registration_id", "actions.1.device_time",
        "actions.2", "actions.3.ticket_hash", "actions.3.device_time", "actions.3.name"}
    db.session.rollback()
    assert state(lies) == (None, None)
    assert db.session.execute(sa.select(sa.func.count(DoorAction.id))).scalar() == 0


def test_a_device_time_in_the_future_counts_as_now(door):
    event, an, _, lies = door
    assert act(event, an, check("an-00001", lies, 500), now=at(60)) == ["checked_in"]
    assert state(lies) == (at(60), an.id)


def test_a_batch_must_be_a_short_list(door):
    event, an, _, _ = door
    with pytest.raises(DomainError) as raised:
        apply_door_actions(event, {"id": "x"}, actor=an)
    assert raised.value.code == "invalid"
    with pytest.raises(DomainError):
        apply_door_actions(event, [{}] * 501, actor=an)


def test_the_door_list_holds_hashes_that_match_the_codes_and_not_the_codes(door):
    event, _, _, lies = door
    document = door_list_document(event)
    row = document["registrations"][0]
    assert row["name"] == "Lies Peeters"
    key = bytes.fromhex(document["hash"]["key"])
    # the QR's code only: eight symbols of a short code could be found from a hash by trying
    # them all with the key the list carries
    short = lies.short_code
    assert row["code_hashes"] == [code_hash(key, "https://x.test/r/LIES-CODE-1/")]
    assert code_hash(key, short) not in repr(document)
    assert "LIES-code-1" not in repr(document) and "LIES-CODE-1" not in repr(document)
    assert short not in repr(document)
    assert normalize_code(" https://x.test/r/abc?x=1 ") == "ABC"
    assert normalize_code("k7qm 3xhp") == "K7QM3XHP"
    # another event's key gives other hashes
    assert door_key(make_event()) != key
    assert document["keep_until"] == "2022-02-11T08:30:00+01:00"


def test_the_door_list_comes_in_pages_by_id(door):
    event, _, _, lies = door
    more = [make_registration(event) for _ in range(4)]
    first = door_list_document(event, limit=2)
    assert [r["id"] for r in first["registrations"]] == [lies.id, more[0].id]
    assert first["next_after"] == more[0].id
    last = door_list_document(event, after=more[2].id, limit=2)
    assert [r["id"] for r in last["registrations"]] == [more[3].id]
    assert last["next_after"] is None
