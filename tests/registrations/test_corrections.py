"""Staff correct registrations: cancel (the waiting list moves up), move, correct, resend."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.db import utcnow
from coopnet.errors import DomainError
from coopnet.events.models import Event, EventSeries
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.registrations.corrections import (
    correct_registration,
    movable_targets,
    move_registration,
    resend_ticket,
    staff_cancel_registration,
)
from coopnet.registrations.models import Registration
from tests.factories import make_event, make_person, make_registration, make_user

SOON = timedelta(days=10)


def _confirmed_count(event_id):
    return db.session.execute(sa.select(sa.func.count()).where(
        Registration.event_id == event_id, Registration.status == "confirmed")).scalar_one()


def _seats(event_id):
    return db.session.execute(sa.select(Event.seats_taken).where(Event.id == event_id)
                              ).scalar_one()


def _audit(action):
    return db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == action)
                              ).scalars().all()


def _mails(to):
    return db.session.execute(sa.select(OutboxMessage.kind).where(
        OutboxMessage.to_address == to).order_by(OutboxMessage.id)).scalars().all()


def _full_event(title="Coopborrel Gent", kind_slug="coopborrel", capacity=2, waiting=1,
                **fields):
    event = make_event(title, kind_slug=kind_slug, capacity=capacity, waitlist_enabled=True,
                       starts_at=utcnow() + SOON, **fields)
    confirmed = [make_registration(event, make_person("Zetel", email=f"z{n}-{event.id}@ex.test"))
                 for n in range(capacity)]
    waiting_list = [make_registration(event, make_person("Wacht", email=f"w{n}-{event.id}@ex.test"),
                                      status="waitlisted") for n in range(waiting)]
    return event, confirmed, waiting_list


def test_staff_cancel_promotes_the_first_waiting_and_keeps_the_seat_count(ctx):
    staff = make_user("staff")
    event, confirmed, waiting = _full_event(capacity=2, waiting=2)
    first_waiting = waiting[0]
    promoted = staff_cancel_registration(confirmed[0], actor=staff, now=utcnow())
    db.session.commit()
    assert [r.id for r in promoted] == [first_waiting.id]
    assert db.session.get(Registration, first_waiting.id).status == "confirmed"
    assert db.session.get(Registration, waiting[1].id).status == "waitlisted"
    assert db.session.get(Registration, confirmed[0].id).status == "cancelled"
    assert _seats(event.id) == 2
    assert _confirmed_count(event.id) == 2
    assert _mails(confirmed[0].person.email) == ["registration_cancelled"]
    assert _mails(first_waiting.person.email) == ["registration_promoted"]
    entries = _audit("registration.staff_cancelled")
    assert [(e.object_id, e.actor_id) for e in entries] == [(confirmed[0].id, staff.id)]


def test_staff_cancel_twice_is_refused(ctx):
    staff = make_user("staff")
    event, confirmed, _ = _full_event(capacity=1, waiting=0)
    staff_cancel_registration(confirmed[0], actor=staff, now=utcnow())
    db.session.commit()
    with pytest.raises(DomainError) as error:
        staff_cancel_registration(confirmed[0], actor=staff, now=utcnow())
    assert error.value.code == "cancelled"
    assert _seats(event.id) == 0


def test_resend_ticket_queues_the_ticket_mail_and_is_audited(ctx):
    staff = make_user("staff")
    event, confirmed, _ = _full_event(capacity=1, waiting=0)
    resend_ticket(confirmed[0], actor=staff, now=utcnow())
    db.session.commit()
    assert _mails(confirmed[0].person.email) == ["registration_ticket"]
    assert len(_audit("registration.ticket_resent")) == 1


def test_move_to_a_same_kind_event_with_a_free_seat(ctx):
    staff = make_user("staff")
    old, confirmed, waiting = _full_event(capacity=1, waiting=1)
    target = make_event("Coopborrel Brugge", kind_slug="coopborrel", capacity=5,
                        starts_at=utcnow() + SOON * 2)
    moved = move_registration(confirmed[0], target, actor=staff, now=utcnow())
    db.session.commit()
    assert moved.event_id == target.id
    assert moved.status == "confirmed"
    assert moved.person_id == confirmed[0].person_id
    assert _seats(target.id) == 1
    # the old seat went to the person waiting
    assert db.session.get(Registration, confirmed[0].id).status == "cancelled"
    assert db.session.get(Registration, waiting[0].id).status == "confirmed"
    assert _seats(old.id) == 1
    assert _mails(confirmed[0].person.email) == ["registration_moved"]
    mail = db.session.execute(sa.select(OutboxMessage).where(
        OutboxMessage.to_address == confirmed[0].person.email)).scalar_one()
    assert mail.subject == "Je inschrijving is verplaatst: Coopborrel Brugge"
    assert mail.body_text.split("\n")[2].startswith(
        "Je inschrijving voor Coopborrel Gent op ")
    assert "is verplaatst naar Coopborrel Brugge. Je oude ticket geldt niet meer; dit is je " \
           "nieuwe." in mail.body_text
    assert f"Je ticketcode: {moved.short_code[:4]}-{moved.short_code[4:]}" in mail.body_text
    assert [a.filename for a in mail.attachments] == [f"coopkracht-{target.id}.ics"]
    [entry] = _audit("registration.moved")
    assert (entry.object_id, entry.actor_id, entry.details["from_event_id"]) == (
        moved.id, staff.id, old.id)


def test_move_to_a_full_event_with_a_waiting_list_puts_the_person_on_it(ctx):
    staff = make_user("staff")
    old, confirmed, _ = _full_event("Webinar A", kind_slug="webinar", capacity=1, waiting=0)
    target, _t, _w = _full_event("Webinar B", kind_slug="webinar", capacity=1, waiting=0)
    moved = move_registration(confirmed[0], target, actor=staff, now=utcnow())
    db.session.commit()
    assert moved.status == "waitlisted"
    assert _seats(target.id) == 1
    assert _seats(old.id) == 0
    assert _mails(confirmed[0].person.email) == ["registration_moved"]
    mail = db.session.execute(sa.select(OutboxMessage).where(
        OutboxMessage.to_address == confirmed[0].person.email)).scalar_one()
    assert "Webinar B is volzet: je staat op de wachtlijst, op plaats 1." in mail.body_text
    assert mail.attachments == []


def test_move_to_a_full_event_without_waiting_list_is_refused(ctx):
    staff = make_user("staff")
    _old, confirmed, _ = _full_event("Webinar A", kind_slug="webinar", capacity=1, waiting=0)
    target, _t, _w = _full_event("Webinar B", kind_slug="webinar", capacity=1, waiting=0)
    target.waitlist_enabled = False
    db.session.commit()
    with pytest.raises(DomainError) as error:
        move_registration(confirmed[0], target, actor=staff, now=utcnow())
    assert error.value.code == "event_full"


def test_move_to_another_series_of_another_kind_is_refused_same_series_allowed(ctx):
    staff = make_user("staff")
    series = EventSeries(name="Themagroep energie")
    db.session.add(series)
    db.session.commit()
    _old, confirmed, _ = _full_event("Themagroep 1", kind_slug="coopborrel", capacity=3,
                                     waiting=0, series_id=series.id)
    other_kind = make_event("Webinar", kind_slug="webinar", starts_at=utcnow() + SOON)
    same_series = make_event("Themagroep 2", kind_slug="webinar", series_id=series.id,
                             starts_at=utcnow() + SOON)
    with pytest.raises(DomainError) as error:
        move_registration(confirmed[0], other_kind, actor=staff, now=utcnow())
    assert error.value.code == "not_movable"
    assert [e.title for e in movable_targets(confirmed[0], utcnow())] == ["Themagroep 2"]
    moved = move_registration(confirmed[0], same_series, actor=staff, now=utcnow())
    assert moved.event_id == same_series.id


def test_move_to_a_past_event_is_refused(ctx):
    staff = make_user("staff")
    _old, confirmed, _ = _full_event(capacity=1, waiting=0)
    past = make_event("Coopborrel vorig jaar", kind_slug="coopborrel",
                      starts_at=utcnow() - timedelta(days=3))
    with pytest.raises(DomainError) as error:
        move_registration(confirmed[0], past, actor=staff, now=utcnow())
    assert error.value.code == "event_closed"


def test_move_when_already_registered_there_is_refused(ctx):
    staff = make_user("staff")
    _old, confirmed, _ = _full_event(capacity=1, waiting=0)
    target = make_event("Coopborrel Brugge", kind_slug="coopborrel", capacity=5,
                        starts_at=utcnow() + SOON)
    make_registration(target, confirmed[0].person)
    with pytest.raises(DomainError) as error:
        move_registration(confirmed[0], target, actor=staff, now=utcnow())
    assert error.value.code == "already_registered"
    assert movable_targets(confirmed[0], utcnow()) == []


def test_correct_name_email_and_organisation(ctx):
    staff = make_user("staff")
    person = make_person("Lies", "Pieters", email="lies@tikfout.test")
    event = make_event("Coopborrel", kind_slug="coopborrel", starts_at=utcnow() + SOON)
    registration = make_registration(event, person, organization_name="Zonecoop")
    changed = correct_registration(registration, first_name=" Lies ", last_name="Peeters",
                                   email="Lies@Example.test", organization_name="Zonnecoop",
                                   actor=staff, now=utcnow())
    db.session.commit()
    assert changed == ["last_name", "email", "organization"]
    assert (person.full_name, person.email) == ("Lies Peeters", "lies@example.test")
    assert registration.organization_label == "Zonnecoop"
    assert person.organization_id is None  # a typed organisation makes nobody a contact
    [entry] = _audit("registration.corrected")
    assert entry.details["changed"] == ["last_name", "email", "organization"]


def test_correct_to_an_email_another_person_has_is_refused(ctx):
    staff = make_user("staff")
    make_person("Jan", email="jan@example.test")
    person = make_person("Lies", email="lies@example.test")
    event = make_event("Coopborrel", kind_slug="coopborrel", starts_at=utcnow() + SOON)
    registration = make_registration(event, person)
    with pytest.raises(DomainError) as error:
        correct_registration(registration, first_name="Lies", last_name="",
                             email="jan@example.test", organization_name="",
                             actor=staff, now=utcnow())
    assert error.value.code == "email_taken"
    assert "email" in error.value.fields


# -- pages ----------------------------------------------------------------------------------

def _one_registration(app, **fields):
    with app.app_context():
        event = make_event("Coopborrel", kind_slug="coopborrel", capacity=1,
                           waitlist_enabled=True, starts_at=utcnow() + SOON)
        first = make_registration(event, make_person("An", "Peeters", email="an@example.test"),
                                  **fields)
        waiting = make_registration(event, make_person("Bart", email="bart@example.test"),
                                    status="waitlisted")
        return event.id, first.id, waiting.id


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("member", 403)])
def test_members_and_visitors_cannot_correct(client, app, login, role, status):
    event_id, registration_id, _ = _one_registration(app)
    if role:
        login(client, role)
    for action in ("cancel", "correct", "move"):
        assert client.get(f"/staff/registrations/{registration_id}/{action}").status_code == \
            status
    for action in ("cancel", "resend", "correct", "move"):
        assert client.post(f"/staff/registrations/{registration_id}/{action}",
                           data={}).status_code == status
    with app.app_context():
        assert db.session.get(Registration, registration_id).status == "confirmed"


def test_staff_cancel_from_the_list_after_confirmation(client, app, login):
    event_id, registration_id, waiting_id = _one_registration(app)
    login(client, "staff")
    page = client.get(f"/staff/events/{event_id}/registrations").get_data(as_text=True)
    assert f"/staff/registrations/{registration_id}/cancel" in page
    confirm = client.get(f"/staff/registrations/{registration_id}/cancel")
    assert confirm.status_code == 200
    assert "Ja, annuleer deze inschrijving" in confirm.get_data(as_text=True)
    response = client.post(f"/staff/registrations/{registration_id}/cancel", data={})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/events/{event_id}/registrations")
    with app.app_context():
        assert db.session.get(Registration, registration_id).status == "cancelled"
        assert db.session.get(Registration, waiting_id).status == "confirmed"


def test_correct_page_keeps_what_was_typed_and_shows_the_error_beside_the_field(client, app,
                                                                                 login):
    _event_id, registration_id, _ = _one_registration(app)
    login(client, "staff")
    response = client.post(f"/staff/registrations/{registration_id}/correct", data={
        "first_name": "Anneke", "last_name": "Peeters", "email": "bart@example.test",
        "organization": "Buurtcoop"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # the message sits under the e-mail field, which is marked invalid
    field = page[page.index('name="email"'):]
    assert "is-invalid" in page[page.rindex("<input", 0, page.index('name="email"')):
                                page.index('name="email"') + 200]
    assert "Iemand anders heeft dit e-mailadres al." in field[:800]
    assert 'value="Anneke"' in page and 'value="Buurtcoop"' in page
    with app.app_context():
        assert db.session.get(Registration, registration_id).person.first_name == "An"


def test_move_page_lists_eligible_events_and_moves(client, app, login):
    event_id, registration_id, _ = _one_registration(app)
    with app.app_context():
        target = make_event("Coopborrel Brugge", kind_slug="coopborrel", capacity=10,
                            starts_at=utcnow() + SOON * 2)
        make_event("Webinar", kind_slug="webinar", starts_at=utcnow() + SOON)
        target_id = target.id
    login(client, "staff")
    page = client.get(f"/staff/registrations/{registration_id}/move").get_data(as_text=True)
    assert "Coopborrel Brugge" in page and "Webinar" not in page
    response = client.post(f"/staff/registrations/{registration_id}/move",
                           data={"target": str(target_id)})
    assert response.status_code == 302
    with app.app_context():
        moved = db.session.execute(sa.select(Registration).where(
            Registration.event_id == target_id)).scalar_one()
        assert (moved.status, moved.person.email) == ("confirmed", "an@example.test")


def test_person_page_offers_the_actions(client, app, login):
    _event_id, registration_id, _ = _one_registration(app)
    with app.app_context():
        person_id = db.session.get(Registration, registration_id).person_id
    login(client, "staff")
    page = client.get(f"/staff/members/people/{person_id}").get_data(as_text=True)
    for action in ("cancel", "resend", "correct", "move"):
        assert f"/staff/registrations/{registration_id}/{action}" in page


def test_the_services_refuse_a_member_actor(ctx):
    member = make_user("member")
    event, confirmed, _ = _full_event(capacity=1, waiting=0)
    target = make_event("Coopborrel Brugge", kind_slug="coopborrel", starts_at=utcnow() + SOON)
    calls = [
        lambda: staff_cancel_registration(confirmed[0], actor=member, now=utcnow()),
        lambda: resend_ticket(confirmed[0], actor=member, now=utcnow()),
        lambda: move_registration(confirmed[0], target, actor=member, now=utcnow()),
        lambda: correct_registration(confirmed[0], first_name="X", last_name="",
                                     email="x@example.test", organization_name="",
                                     actor=member, now=utcnow()),
    ]
    for call in calls:
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.code == "forbidden"
    assert db.session.get(Registration, confirmed[0].id).status == "confirmed"


def test_move_targets_leave_out_members_only_events_for_non_members_and_internal_meetings(ctx):
    from datetime import date

    from tests.factories import make_organization

    staff = make_user("staff")
    source, confirmed, _ = _full_event("Coopborrel Gent", capacity=1, waiting=0)
    open_one = make_event("Coopborrel Brugge", kind_slug="coopborrel",
                          starts_at=utcnow() + SOON * 2)
    members_only = make_event("Coopborrel voor leden", kind_slug="coopborrel",
                              visibility="members", starts_at=utcnow() + SOON * 2)
    internal = make_event("Coopborrel intern", kind_slug="coopborrel", visibility="internal",
                          starts_at=utcnow() + SOON * 2)
    outsider = confirmed[0]
    assert [e.title for e in movable_targets(outsider, utcnow())] == ["Coopborrel Brugge"]
    for target in (members_only, internal):
        with pytest.raises(DomainError) as caught:
            move_registration(outsider, target, actor=staff, now=utcnow())
        assert caught.value.code == "not_movable"
    # a contact person of a member co-op may go to the members-only one
    coop = make_organization("Zuidwind", member_since=date(2019, 1, 1))
    member = make_registration(source, make_person("Lid", email="lid@zuidwind.test",
                                                   organization=coop))
    assert [e.title for e in movable_targets(member, utcnow())] == [
        "Coopborrel Brugge", "Coopborrel voor leden"]
    assert open_one.id != members_only.id
