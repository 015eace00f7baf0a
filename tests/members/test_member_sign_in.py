"""Members sign in with a one-time link; they see only their own data and their own co-op's."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from coopnet.auth.models import SignInLink, User
from coopnet.auth.services import redeem_sign_in_link, request_sign_in_link
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from tests.factories import make_event, make_organization, make_person, make_registration, make_user

NOW = datetime(2022, 2, 1, 9, 0, tzinfo=UTC)
BASE = "http://coopnet.test"


def _mails() -> list[OutboxMessage]:
    return list(db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def _token_from(mail: OutboxMessage) -> str:
    return mail.body_text.split(f"{BASE}/auth/member/")[1].split()[0]


def _contact(email="an@zonnecoop.test", **org_fields):
    org = make_organization("Zonnecoop", **org_fields)
    return make_person("An", "Peeters", email=email, organization=org)


def test_link_for_a_member_contact_creates_the_account_and_stores_only_a_hash(ctx):
    person = _contact()
    assert request_sign_in_link(" AN@Zonnecoop.test ", base_url=BASE, now=NOW) is True
    db.session.commit()
    user = db.session.execute(sa.select(User).where(User.person_id == person.id)).scalar_one()
    assert (user.role, user.email, user.password_hash) == ("member", "an@zonnecoop.test", None)
    [mail] = _mails()
    assert mail.to_address == "an@zonnecoop.test"
    token = _token_from(mail)
    link = db.session.execute(sa.select(SignInLink)).scalar_one()
    assert token not in link.token_hash and len(link.token_hash) == 64
    assert link.expires_at == NOW + timedelta(minutes=30)


@pytest.mark.parametrize("case", ["unknown", "former member", "no organisation", "invalid"])
def test_nothing_is_sent_to_addresses_that_are_not_member_contacts(ctx, case):
    if case == "former member":
        _contact(member_since=date(2015, 1, 1), member_until=date(2021, 12, 31))
    elif case == "no organisation":
        make_person("An", email="an@zonnecoop.test")
    email = "not-an-address" if case == "invalid" else "an@zonnecoop.test"
    if case == "unknown":
        _contact(email="other@zonnecoop.test")
    assert request_sign_in_link(email, base_url=BASE, now=NOW) is False
    db.session.commit()
    assert _mails() == []
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar_one() == 0


def test_staff_accounts_never_get_a_link(ctx):
    person = _contact(email="staff-an@zonnecoop.test")
    make_user("staff", email="staff-an@zonnecoop.test", person=person)
    assert request_sign_in_link("staff-an@zonnecoop.test", base_url=BASE, now=NOW) is False
    assert _mails() == []


def test_link_works_once(ctx):
    _contact()
    request_sign_in_link("an@zonnecoop.test", base_url=BASE, now=NOW)
    token = _token_from(_mails()[0])
    user = redeem_sign_in_link(token, now=NOW + timedelta(minutes=5))
    db.session.commit()
    assert user.email == "an@zonnecoop.test"
    with pytest.raises(DomainError) as caught:
        redeem_sign_in_link(token, now=NOW + timedelta(minutes=6))
    assert caught.value.code == "link_used"


def test_expired_and_unknown_links_are_refused(ctx):
    _contact()
    request_sign_in_link("an@zonnecoop.test", base_url=BASE, now=NOW)
    token = _token_from(_mails()[0])
    with pytest.raises(DomainError) as caught:
        redeem_sign_in_link(token, now=NOW + timedelta(minutes=30))
    assert caught.value.code == "link_expired"
    with pytest.raises(DomainError) as caught:
        redeem_sign_in_link("made-up-token", now=NOW)
    assert caught.value.code == "link_invalid"


def test_link_refused_when_membership_ended_meanwhile(ctx):
    person = _contact()
    request_sign_in_link("an@zonnecoop.test", base_url=BASE, now=NOW)
    token = _token_from(_mails()[0])
    person.organization.memberships[0].ends_on = date(2022, 1, 31)
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        redeem_sign_in_link(token, now=NOW + timedelta(minutes=1))
    assert caught.value.code == "not_a_member"


def test_at_most_three_open_links(ctx):
    _contact()
    sent = [request_sign_in_link("an@zonnecoop.test", base_url=BASE, now=NOW + timedelta(minutes=n))
            for n in range(5)]
    assert sent == [True, True, True, False, False]
    assert len(_mails()) == 3


def test_page_answers_the_same_for_known_and_unknown_addresses(client, app):
    with app.app_context():
        _contact()
    answers = []
    for email in ("an@zonnecoop.test", "nobody@example.test"):
        response = client.post("/auth/member", data={"email": email})
        assert response.status_code == 302
        answers.append(client.get(response.headers["Location"]).get_data(as_text=True))
    assert answers[0] == answers[1]
    assert "Als dit adres hoort bij een contactpersoon" in answers[0]
    with app.app_context():
        assert len(_mails()) == 1


def test_sign_in_through_the_link_then_my_page(client, app):
    with app.app_context():
        person = _contact()
        other = make_person("Bart", email="bart@elders.test",
                            organization=make_organization("Elders"))
        mine = make_registration(make_event("Coopborrel Gent"), person)
        make_registration(make_event("Webinar van Bart"), other)
        my_ticket = mine.ticket_code
    assert "Meld aan met een link per e-mail" in client.get("/auth/login").get_data(as_text=True)
    client.post("/auth/member", data={"email": "an@zonnecoop.test"})
    with app.app_context():
        token = _token_from(_mails()[0])
    # opening the link (or a mail scanner previewing it) does not use it up
    assert client.get(f"/auth/member/{token}").status_code == 200
    response = client.post(f"/auth/member/{token}")
    assert response.status_code == 302 and response.headers["Location"] == "/me/"
    html = client.get("/me/").get_data(as_text=True)
    assert "Coopborrel Gent" in html and f"/r/{my_ticket}" in html
    assert "Zonnecoop" in html
    assert "Webinar van Bart" not in html and "Elders" not in html
    # a member is not staff
    assert client.get("/staff/members/").status_code == 403
    client.post("/auth/logout")
    again = client.post(f"/auth/member/{token}")
    assert again.status_code == 410
    assert "al gebruikt" in again.get_data(as_text=True)


def test_my_page_needs_sign_in(client):
    response = client.get("/me/")
    assert response.status_code == 302
