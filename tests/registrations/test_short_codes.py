"""The short ticket code: printed under the QR, typed at the door or sent to the API."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from coopnet.errors import DomainError, NotFound
from coopnet.extensions import db
from coopnet.registrations.checkin import (
    check_in,
    registration_for_code,
    short_code_from_typing,
)
from coopnet.registrations.models import Registration
from coopnet.registrations.services import register
from tests.factories import make_event, make_person, make_registration

NOW = datetime(2022, 1, 10, 9, 0, tzinfo=UTC)
ALPHABET = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")


def test_every_registration_gets_a_short_code_without_look_alike_symbols(ctx):
    event = make_event(capacity=1)
    codes = [register(event, name=f"P{n} Test", email=f"p{n}@example.test", consent=True,
                      now=NOW)[0].short_code for n in range(30)]
    assert len(set(codes)) == 30
    for code in codes:
        assert len(code) == 8 and set(code) <= ALPHABET
    assert not set("".join(codes)) & set("0O1IL")


@pytest.mark.parametrize("typed,expected", [
    ("K7QM3XHP", "K7QM3XHP"),
    ("k7qm-3xhp", "K7QM3XHP"),
    (" K7QM 3XHP ", "K7QM3XHP"),
    ("K7-QM-3X-HP", "K7QM3XHP"),
    ("K7QM3XH", None),       # seven symbols
    ("K7QM3XHP9", None),     # nine
    ("K0QM3XHP", None),      # a zero is never in a code
    ("Y93dJbq7_5xKa63q5FosNRTIFJpwsr3GDB_FHjYQGUk", None),  # a long ticket code
    ("", None),
])
def test_typed_codes_are_read_whatever_the_case_spaces_or_dashes(typed, expected):
    assert short_code_from_typing(typed) == expected


def test_check_in_by_short_code_finds_the_registration_of_this_event_only(ctx):
    event = make_event("Coopborrel Gent", kind_slug="coopborrel")
    other = make_event("Coopborrel Leuven", kind_slug="coopborrel")
    lies = make_registration(event, make_person("Lies", "Peeters"), short_code="K7QM3XHP")
    make_registration(other, short_code="ABCD2345")
    result = check_in(event.id, "k7qm-3xhp", actor=None, now=NOW)
    assert (result.status, result.registration.id) == ("checked_in", lies.id)
    assert check_in(event.id, "K7QM 3XHP", actor=None, now=NOW).status == "already_checked_in"
    # a short code is looked up in this event only: another event's is unknown here
    with pytest.raises(NotFound) as caught:
        check_in(event.id, "ABCD-2345", actor=None, now=NOW)
    assert caught.value.code == "unknown_ticket"
    # the long code still works, and still says when it is for another event
    assert registration_for_code(event.id, lies.ticket_code).id == lies.id
    with pytest.raises(DomainError) as wrong:
        check_in(event.id, other_code(other), actor=None, now=NOW)
    assert wrong.value.code == "wrong_event"


def other_code(event):
    return db.session.execute(sa.select(Registration.ticket_code)
                              .where(Registration.event_id == event.id)).scalar_one()


def test_two_registrations_of_one_event_cannot_share_a_short_code(ctx):
    event = make_event()
    make_registration(event, short_code="K7QM3XHP")
    make_registration(make_event(), short_code="K7QM3XHP")  # another event: fine
    with pytest.raises(IntegrityError):
        make_registration(event, short_code="K7QM3XHP")
    db.session.rollback()


def test_the_api_checks_in_by_short_code_and_the_ticket_api_shows_it(client, app, runner):
    from tests.factories import make_user

    with app.app_context():
        make_user("staff", email="an@coopnet.test", display_name="An")
        event = make_event("Coopborrel Gent", kind_slug="coopborrel")
        registration = make_registration(event, make_person("Lies", "Peeters"),
                                         short_code="K7QM3XHP")
        event_id, ticket = event.id, registration.ticket_code
    token = runner.invoke(args=["token", "create", "an@coopnet.test"]).output.strip() \
        .splitlines()[-1]
    response = client.post(f"/api/v1/events/{event_id}/checkins", json={"code": "k7qm 3xhp"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    assert response.get_json()["registration"]["name"] == "Lies Peeters"
    assert response.get_json()["registration"]["short_code"] == "K7QM-3XHP"
    mine = client.get(f"/api/v1/registrations/{ticket}").get_json()
    assert mine["short_code"] == "K7QM-3XHP"
    assert mine["join_url"] is None  # not an online event


def test_a_drawn_short_code_another_registration_of_the_event_has_is_drawn_again(
        ctx, monkeypatch):
    from coopnet.mail.models import OutboxMessage
    from coopnet.registrations import services

    event = make_event(capacity=5)
    make_registration(event, short_code="K7QM3XHP")
    drawn = iter(["K7QM3XHP", "K7QM3XHP", "ABCD2345"])
    monkeypatch.setattr(services, "new_short_code", lambda: next(drawn))
    registration, created = register(event, name="An Peeters", email="an@example.test",
                                     consent=True, now=NOW)
    db.session.commit()
    assert created and registration.status == "confirmed"
    assert registration.short_code == "ABCD2345"
    mail = db.session.execute(sa.select(OutboxMessage)
                              .where(OutboxMessage.to_address == "an@example.test")).scalar_one()
    assert "ABCD-2345" in mail.body_text and "K7QM-3XHP" not in mail.body_text
    db.session.refresh(event)
    assert event.seats_taken == 2
