"""Event services: validation codes, SEQUENCE, capacity changes promote, cancellation mails."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from coopnet.errors import DomainError, Invalid
from coopnet.events.services import cancel_event, create_event, publish_event, update_event
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.registrations.models import Registration
from coopnet.registrations.services import register
from tests.factories import make_event, make_user

NOW = datetime(2022, 1, 10, 9, 0, tzinfo=UTC)
START = datetime(2022, 2, 10, 18, 0, tzinfo=UTC)


def _register(event, n):
    return register(event, name=f"Persoon {n}", email=f"p{n}@example.test", consent=True,
                    now=NOW)[0]


def test_create_event_with_defaults(ctx):
    staff = make_user("staff")
    event = create_event(title=" Coopborrel Antwerpen ", kind="coopborrel", starts_at=START,
                         ends_at=START + timedelta(hours=2), city="Antwerpen", capacity=40,
                         actor=staff, now=NOW)
    db.session.commit()
    assert (event.title, event.kind.slug, event.status, event.visibility, event.capacity,
            event.waitlist_enabled, event.sequence, event.created_by_id) == (
        "Coopborrel Antwerpen", "coopborrel", "published", "public", 40, True, 0, staff.id)


@pytest.mark.parametrize("fields,bad", [
    ({"kind": "karaoke"}, "kind"),
    ({"ends_at": START - timedelta(minutes=1)}, "ends_at"),
    ({"capacity": -1}, "capacity"),
    ({"capacity": "veel"}, "capacity"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"visibility": "secret"}, "visibility"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"registration_opens_at": START, "registration_closes_at": START - timedelta(days=1)},
     "registration_closes_at"),
])
def test_create_event_refuses_bad_fields_with_a_message_per_field(ctx, fields, bad):
    values = {"title": "Webinar", "kind": "webinar", "starts_at": START,
              "ends_at": START + timedelta(hours=1), **fields}
    with pytest.raises(Invalid) as caught:
        create_event(actor=None, now=NOW, **values)
    assert caught.value.code == "invalid"
    assert list(caught.value.fields) == [bad]
    assert db.session.execute(sa.select(sa.func.count(sa.text("*"))).select_from(
        sa.table("events"))).scalar_one() == 0


def test_calendar_changes_raise_sequence_but_capacity_does_not(ctx):
    event = make_event(capacity=10)
    update_event(event, {"capacity": 12}, actor=None, now=NOW)
    assert event.sequence == 0
    update_event(event, {"starts_at": START + timedelta(hours=1),
                         "ends_at": START + timedelta(hours=3)}, actor=None, now=NOW)
    assert event.sequence == 1
    update_event(event, {"title": event.title}, actor=None, now=NOW)  # no real change
    assert event.sequence == 1


def test_raising_capacity_promotes_the_first_people_waiting(ctx):
    event = make_event(capacity=2, starts_at=START)
    registrations = [_register(event, n) for n in range(5)]
    db.session.commit()
    assert [r.status for r in registrations] == ["confirmed"] * 2 + ["waitlisted"] * 3
    update_event(event, {"capacity": 4}, actor=None, now=NOW)
    db.session.commit()
    statuses = db.session.execute(sa.select(Registration.status).order_by(Registration.id)
                                  ).scalars().all()
    assert statuses == ["confirmed"] * 4 + ["waitlisted"]
    db.session.refresh(event)
    assert event.seats_taken == 4
    promoted_mails = db.session.execute(sa.select(OutboxMessage.to_address).where(
        OutboxMessage.kind == "registration_promoted").order_by(OutboxMessage.id)).scalars().all()
    assert promoted_mails == ["p2@example.test", "p3@example.test"]


def test_lowering_capacity_below_the_confirmed_is_refused_with_the_number(ctx):
    event = make_event(capacity=5, starts_at=START)
    for n in range(3):
        _register(event, n)
    db.session.commit()
    with pytest.raises(Invalid) as caught:
        update_event(event, {"capacity": 2}, actor=None, now=NOW)
    assert caught.value.fields["capacity"] == (
        "3 mensen zijn al bevestigd: de capaciteit kan niet lager zijn dan 3. Annuleer eerst "
        "inschrijvingen als er plaatsen weg moeten.")
    db.session.rollback()
    update_event(event, {"capacity": 3}, actor=None, now=NOW)  # exactly the confirmed: fine
    db.session.commit()
    assert event.capacity == 3
    assert _register(event, 9).status == "waitlisted"


def test_cancel_event_cancels_the_registrations_and_tells_everyone_once(ctx):
    event = make_event("Coopborrel Gent", capacity=1, starts_at=START)
    confirmed = _register(event, 1)
    waiting = _register(event, 2)
    cancelled = _register(event, 3)
    from coopnet.registrations.services import cancel_registration

    cancel_registration(cancelled, now=NOW)
    db.session.commit()
    assert cancel_event(event, actor=None, now=NOW) == 2
    assert cancel_event(event, actor=None, now=NOW) == 0
    db.session.commit()
    mails = db.session.execute(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "event_cancelled").order_by(OutboxMessage.id)).scalars().all()
    assert [m.to_address for m in mails] == ["p1@example.test", "p2@example.test"]
    assert "Coopborrel Gent" in mails[0].subject and "geannuleerd" in mails[0].body_text
    # the calendar file says CANCELLED, so the event leaves the person's calendar
    calendar = mails[0].attachments[0]
    assert calendar.filename == f"coopkracht-{event.id}.ics"
    assert b"STATUS:CANCELLED" in calendar.content and b"SEQUENCE:1" in calendar.content
    assert event.status == "cancelled" and event.sequence == 1
    db.session.refresh(confirmed)
    db.session.refresh(waiting)
    assert (confirmed.status, waiting.status) == ("cancelled", "cancelled")
    assert confirmed.cancelled_at == NOW
    db.session.refresh(event)
    assert event.seats_taken == 0
    with pytest.raises(DomainError) as caught:
        _register(event, 4)
    assert caught.value.code == "event_cancelled"


def test_cancel_event_keeps_the_attendance_of_people_already_checked_in(ctx):
    from coopnet.registrations.checkin import check_in

    event = make_event("Coopborrel Gent", capacity=5, starts_at=START)
    came = _register(event, 1)
    _register(event, 2)
    check_in(event.id, came, actor=None, now=NOW)
    db.session.commit()
    assert cancel_event(event, actor=None, now=NOW) == 2
    db.session.commit()
    statuses = db.session.execute(sa.select(Registration.status, Registration.checked_in_at)
                                  .order_by(Registration.id)).all()
    assert statuses == [("confirmed", NOW), ("cancelled", None)]
    db.session.refresh(event)
    assert event.seats_taken == 1


def test_status_changes_through_update(ctx):
    draft = make_event(status="draft")
    update_event(draft, {"status": "published"}, actor=None, now=NOW)
    assert draft.status == "published"
    with pytest.raises(DomainError) as caught:
        update_event(draft, {"status": "draft"}, actor=None, now=NOW)
    assert caught.value.code == "already_published"
    update_event(draft, {"status": "cancelled"}, actor=None, now=NOW)
    with pytest.raises(DomainError) as caught:
        publish_event(draft, actor=None, now=NOW)
    assert caught.value.code == "event_cancelled"
