"""Who is a contact person of a member co-op: the member register decides, nobody else.

The scenario a stranger tried: register for a public event typing a member co-op's name,
then ask for a member sign-in link, post vacancies, change micro-meeting preferences,
register for a members-only event. Every step must fail politely; staff can confirm a
real claim with one click, after which the same steps work.
"""

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.members.models import Person
from coopnet.registrations.checkin import add_walk_in
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels
from tests.factories import make_event, make_organization, make_person, make_user

BASE = "http://localhost"


def _future(app, **fields):
    with app.app_context():
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
        return make_event(starts_at=starts, capacity=30, **fields).id


def _form(**fields):
    data = {"name": "Sam Vreemd", "email": "sam@vreemd.test", "organization": "Coop Zonnewind",
            "consent": "y"}
    data.update(fields)
    return data


def _mails_to(address):
    return list(db.session.execute(sa.select(OutboxMessage).where(
        OutboxMessage.to_address == address)).scalars())


def _sign_in_link(client, app, email):
    """Ask for a link as a member would; the token from the mail, or None if none was sent."""
    with app.app_context():
        before = len(_mails_to(email))
    answer = client.post("/auth/member", data={"email": email})
    assert answer.status_code == 302 and answer.headers["Location"] == "/auth/member/sent"
    with app.app_context():
        mails = _mails_to(email)
        if len(mails) == before:
            return None
        return mails[-1].body_text.split("/auth/member/")[1].split()[0]


def test_a_stranger_typing_a_member_coops_name_gets_nothing_of_the_coop(client, app):
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        make_person("Mia", email="mia@zonnewind.test", organization=coop)
        coop_id = coop.id
    borrel = _future(app, kind_slug="coopborrel")
    members_only = _future(app, visibility="members")

    # 1. registering for a public event with the co-op's name works, as a label only
    registered = client.post(f"/events/{borrel}/register", data=_form())
    assert registered.status_code == 302
    with app.app_context():
        sam = db.session.execute(sa.select(Person).where(
            Person.email == "sam@vreemd.test")).scalar_one()
        registration = db.session.execute(sa.select(Registration).where(
            Registration.person_id == sam.id)).scalar_one()
        assert registration.organization_id == coop_id  # counts for "member co-ops reached"
        assert sam.organization_id is None  # but Sam is nobody's contact person

    # 2. no sign-in link is mailed; the page answers exactly as for a real contact
    assert _sign_in_link(client, app, "sam@vreemd.test") is None
    assert _sign_in_link(client, app, "mia@zonnewind.test") is not None

    # 3. the members-only event refuses, with the reason and the way to sign in
    refused = client.post(f"/events/{members_only}/register", data=_form())
    assert refused.status_code == 409
    assert "Deze activiteit is voor contactpersonen van leden-coöperaties" in \
        refused.get_data(as_text=True)

    # 4. a walk-in typing the co-op's name at the door does not make anyone a contact
    with app.app_context():
        event = db.session.get(Event, borrel)
        add_walk_in(event, name="Wim Binnen", email="wim@binnen.test",
                    organization_name="Coop Zonnewind", actor=None)
        db.session.commit()
        wim = db.session.execute(sa.select(Person).where(
            Person.email == "wim@binnen.test")).scalar_one()
        assert wim.organization_id is None
    assert _sign_in_link(client, app, "wim@binnen.test") is None


def test_an_account_without_a_confirmed_coop_cannot_act_for_one(client, app, login):
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        person = make_person("Sam", email="sam@vreemd.test")
        db.session.add(Registration(event=make_event(), person=person, organization=coop,
                                    organization_name=coop.name, status="confirmed",
                                    ticket_code="t" * 43))
        make_user("member", email="sam@vreemd.test", password="geheim-wachtwoord-1",
                  person=person)
        db.session.commit()
    client.post("/auth/login", data={"email": "sam@vreemd.test",
                                     "password": "geheim-wachtwoord-1"})
    me = client.get("/me/").get_data(as_text=True)
    assert "Coop Zonnewind" not in me
    for page in ("/me/vacancies/new", "/me/micro-meetings"):
        html = client.get(page).get_data(as_text=True)
        assert "Coop Zonnewind" not in html
        assert "niet gekoppeld" in html or "geen" in html.lower()
    posted = client.post("/me/micro-meetings", data={"active": "y"})
    assert "Coop Zonnewind" not in posted.get_data(as_text=True)
    with app.app_context():
        from coopnet.pairings.models import MeetingProfile
        assert db.session.execute(sa.select(sa.func.count(MeetingProfile.id))).scalar_one() == 0


def test_staff_confirm_a_claim_with_one_click_and_then_the_link_comes(client, app, login):
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        coop_id = coop.id
    borrel = _future(app, kind_slug="coopborrel")
    client.post(f"/events/{borrel}/register", data=_form(name="Sara Echt",
                                                         email="sara@zonnewind.test"))
    assert _sign_in_link(client, app, "sara@zonnewind.test") is None
    with app.app_context():
        sara_id = db.session.execute(sa.select(Person.id).where(
            Person.email == "sara@zonnewind.test")).scalar_one()
    staff = app.test_client()
    login(staff, "staff")
    found = staff.get("/staff/members/people?q=sara@zonnewind").get_data(as_text=True)
    assert f"/staff/members/people/{sara_id}" in found and "1 persoon gevonden" in found
    page = staff.get(f"/staff/members/people/{sara_id}").get_data(as_text=True)
    assert "Organisatie opgegeven bij inschrijving" in page
    assert "Coop Zonnewind" in page and "Bevestig als contactpersoon" in page
    coop_page = staff.get(f"/staff/members/{coop_id}").get_data(as_text=True)
    assert "Gaven deze coöperatie op bij een inschrijving" in coop_page
    assert "sara@zonnewind.test" in coop_page
    confirmed = staff.post(f"/staff/members/people/{sara_id}/claims/{coop_id}")
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.get(Person, sara_id).organization_id == coop_id
    assert "Bevestig als contactpersoon" not in staff.get(
        f"/staff/members/people/{sara_id}").get_data(as_text=True)
    assert _sign_in_link(client, app, "sara@zonnewind.test") is not None
    # a member cannot confirm claims
    member = app.test_client()
    login(member, "member")
    assert member.post(f"/staff/members/people/{sara_id}/claims/{coop_id}").status_code == 403


def test_a_claim_for_a_coop_never_named_is_refused(ctx):
    from coopnet.errors import DomainError
    from coopnet.registrations.claims import confirm_organization_claim

    coop, other = make_organization("Coop A"), make_organization("Coop B")
    person = make_person("Ann", email="ann@a.test")
    db.session.add(Registration(event=make_event(), person=person, organization=coop,
                                organization_name=coop.name, status="confirmed",
                                ticket_code="u" * 43))
    db.session.commit()
    for organization, code in ((other, "no_claim"),):
        try:
            confirm_organization_claim(person, organization, actor=None)
        except DomainError as error:
            assert error.code == code
        else:
            raise AssertionError("confirmed a claim that was never made")
    confirm_organization_claim(person, coop, actor=None)
    assert person.organization_id == coop.id


def test_signed_in_contact_registers_with_their_own_address(client, app):
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        person = make_person("Mia", "Peeters", email="mia@zonnewind.test", organization=coop)
        make_user("member", email="mia@zonnewind.test", password="geheim-wachtwoord-1",
                  person=person)
    members_only = _future(app, visibility="members")
    client.post("/auth/login", data={"email": "mia@zonnewind.test",
                                     "password": "geheim-wachtwoord-1"})
    page = client.get(f"/events/{members_only}").get_data(as_text=True)
    assert 'value="mia@zonnewind.test"' in page and "readonly" in page
    assert 'value="Mia Peeters"' in page and 'value="Coop Zonnewind"' in page
    # whatever address the page sends, Mia registers as herself
    done = client.post(f"/events/{members_only}/register",
                       data=_form(name="Mia Peeters", email="someone@else.test"))
    assert done.status_code == 302
    with app.app_context():
        emails = db.session.execute(sa.select(Person.email).join(
            Registration, Registration.person_id == Person.id)).scalars().all()
        assert emails == ["mia@zonnewind.test"]


def test_sign_in_link_brings_the_member_back_to_the_event(client, app):
    with app.app_context():
        coop = make_organization("Coop Zonnewind")
        make_person("Mia", email="mia@zonnewind.test", organization=coop)
    event_id = _future(app, visibility="members")
    form = client.get(f"/auth/member?next=/events/{event_id}").get_data(as_text=True)
    assert f'value="/events/{event_id}"' in form
    client.post(f"/auth/member?next=/events/{event_id}",
                data={"email": "mia@zonnewind.test", "next": f"/events/{event_id}"})
    with app.app_context():
        body = _mails_to("mia@zonnewind.test")[-1].body_text
    link = "/auth/member/" + body.split("/auth/member/")[1].split()[0]
    assert link.endswith(f"?next=%2Fevents%2F{event_id}")
    signed_in = client.post(link)
    assert signed_in.headers["Location"] == f"/events/{event_id}"
    # no open redirect through the link
    assert client.get("/auth/member?next=//evil.test/x").status_code in (200, 302)


def test_member_on_the_brussels_day_of_an_event_just_after_midnight(ctx):
    """00:30 Brussels on 1 Jan 2022 is 23:30 UTC on 31 Dec 2021: the event is on 1 Jan."""
    event = make_event(starts_at=brussels(date(2022, 1, 1), time(0, 30)))
    assert event.starts_at.date() == date(2021, 12, 31)
    assert event.starts_on == date(2022, 1, 1)
    event.starts_at = brussels(date(2022, 3, 27), time(23, 30))  # summer time began that day
    event.ends_at = event.starts_at + timedelta(hours=1)
    assert event.starts_on == date(2022, 3, 27)
    db.session.commit()
    stored = db.session.execute(sa.select(type(event).starts_on).where(
        type(event).id == event.id)).scalar_one()
    assert stored == date(2022, 3, 27)
