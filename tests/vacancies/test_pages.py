"""Vacancy pages: the public list and feed, a member's own vacancies, staff moderation."""

from datetime import timedelta
from xml.etree import ElementTree

import sqlalchemy as sa

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.timezones import brussels_today
from coopnet.vacancies.models import Vacancy
from tests.conftest import PASSWORD
from tests.factories import make_member_user, make_organization, make_vacancy

SOON = brussels_today(utcnow()) + timedelta(days=30)
SCRIPT = '<script>alert("x")</script>'


def _member_client(app, client, org_name="Zonnekracht", **org_fields):
    with app.app_context():
        org = make_organization(org_name, **org_fields)
        user = make_member_user(org, password=PASSWORD)
        org_id, email = org.id, user.email
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return org_id


def _vacancy(app, org_id, **fields):
    with app.app_context():
        from coopnet.members.models import Organization

        org = db.session.get(Organization, org_id)
        return make_vacancy(org, **fields).id


def test_member_posts_a_vacancy_and_sees_it_awaiting_review(app, client):
    org_id = _member_client(app, client)
    page = client.get("/me/vacancies/new")
    assert page.status_code == 200
    assert "Vacature plaatsen" in page.get_data(as_text=True)
    response = client.post("/me/vacancies/new", data={
        "kind": "internship", "title": "Stage marketing", "description": "Zes weken.\nStart juni.",
        "place": "Gent", "hours": "voltijds", "how_to_apply": "Mail ons.",
        "closes_on": SOON.isoformat(),
    })
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stage marketing" in html and "Wacht op nazicht" in html
    with app.app_context():
        vacancy = db.session.execute(sa.select(Vacancy)).scalar_one()
        assert (vacancy.organization_id, vacancy.status, vacancy.kind) == (
            org_id, "submitted", "internship")


def test_bad_input_shows_dutch_errors_and_keeps_what_was_typed(app, client):
    _member_client(app, client)
    response = client.post("/me/vacancies/new", data={
        "kind": "job", "title": "Boekhouder", "description": "",
        "closes_on": (brussels_today(utcnow()) - timedelta(days=3)).isoformat(),
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Beschrijf de vacature." in html
    assert 'value="Boekhouder"' in html
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Vacancy.id))).scalar_one() == 0


def test_past_closing_date_is_refused_beside_the_field(app, client):
    _member_client(app, client)
    html = client.post("/me/vacancies/new", data={
        "kind": "job", "title": "Boekhouder", "description": "Tekst",
        "closes_on": (brussels_today(utcnow()) - timedelta(days=3)).isoformat(),
    }).get_data(as_text=True)
    assert "De sluitingsdatum kan niet in het verleden liggen." in html


def test_member_a_cannot_see_edit_or_withdraw_coop_b_vacancy(app, client):
    _member_client(app, client, "Coop A")
    with app.app_context():
        other = make_organization("Coop B")
        other_id = make_vacancy(other, title="Vacature van B", status="published",
                                closes_on=SOON).id
    assert "Vacature van B" not in client.get("/me/vacancies").get_data(as_text=True)
    assert client.get(f"/me/vacancies/{other_id}/edit").status_code == 404
    assert client.post(f"/me/vacancies/{other_id}/edit", data={
        "kind": "job", "title": "Gekaapt", "description": "x", "closes_on": SOON.isoformat(),
    }).status_code == 404
    assert client.post(f"/me/vacancies/{other_id}/withdraw").status_code == 404
    with app.app_context():
        vacancy = db.session.get(Vacancy, other_id)
        assert (vacancy.title, vacancy.status) == ("Vacature van B", "published")


def test_member_edits_and_withdraws_own_vacancy(app, client):
    org_id = _member_client(app, client)
    vacancy_id = _vacancy(app, org_id, title="Oud", status="published", closes_on=SOON)
    assert 'value="Oud"' in client.get(f"/me/vacancies/{vacancy_id}/edit").get_data(as_text=True)
    response = client.post(f"/me/vacancies/{vacancy_id}/edit", data={
        "kind": "job", "title": "Nieuw", "description": "x", "closes_on": SOON.isoformat(),
    })
    assert response.status_code == 302
    assert client.post(f"/me/vacancies/{vacancy_id}/withdraw").status_code == 302
    with app.app_context():
        vacancy = db.session.get(Vacancy, vacancy_id)
        assert (vacancy.title, vacancy.status) == ("Nieuw", "withdrawn")


def test_members_cannot_reach_staff_moderation(app, client):
    org_id = _member_client(app, client)
    vacancy_id = _vacancy(app, org_id)
    assert client.get("/staff/vacancies").status_code == 403
    assert client.post(f"/staff/vacancies/{vacancy_id}/approve").status_code == 403


def test_account_without_coop_gets_an_explanation(client, login):
    login(client, "member")
    html = client.get("/me/vacancies").get_data(as_text=True)
    assert "Je account is niet gekoppeld aan een lid-coöperatie." in html


def test_staff_approve_then_the_vacancy_is_public(app, client, login):
    with app.app_context():
        org = make_organization("Zonnekracht", province="Antwerpen", city="Mechelen")
        member = make_member_user(org, email="lid@zonnekracht.test")
        vacancy_id = make_vacancy(org, title="Projectleider wind", closes_on=SOON,
                                  submitted_by=member).id
    assert "Projectleider wind" not in client.get("/vacatures").get_data(as_text=True)
    login(client, "staff")
    listing = client.get("/staff/vacancies").get_data(as_text=True)
    assert "Projectleider wind" in listing
    assert client.post(f"/staff/vacancies/{vacancy_id}/approve").status_code == 302
    public = client.get("/vacatures").get_data(as_text=True)
    assert "Projectleider wind" in public and "Gevonden vacatures: 1" in public
    assert client.get(f"/vacatures/{vacancy_id}").status_code == 200
    with app.app_context():
        assert db.session.execute(sa.select(OutboxMessage.to_address)).scalars().all() == [
            "lid@zonnekracht.test"]


def test_staff_reject_without_reason_keeps_the_vacancy_and_says_why(app, client, login):
    with app.app_context():
        vacancy_id = make_vacancy(make_organization(), closes_on=SOON).id
    login(client, "staff")
    response = client.post(f"/staff/vacancies/{vacancy_id}/reject", data={"reason": ""})
    assert response.status_code == 422
    assert "Zeg waarom, zodat de coöperatie het kan aanpassen." in response.get_data(as_text=True)
    response = client.post(f"/staff/vacancies/{vacancy_id}/reject",
                           data={"reason": "Geen loon vermeld."})
    assert response.status_code == 302
    with app.app_context():
        vacancy = db.session.get(Vacancy, vacancy_id)
        assert (vacancy.status, vacancy.rejection_reason) == ("rejected", "Geen loon vermeld.")


def test_closed_and_unpublished_vacancies_are_not_public(app, client):
    with app.app_context():
        org = make_organization()
        closed = make_vacancy(org, status="published", closes_on=brussels_today(utcnow()) - timedelta(days=1)).id
        waiting = make_vacancy(org, closes_on=SOON).id
    assert client.get(f"/vacatures/{closed}").status_code == 404
    assert client.get(f"/vacatures/{waiting}").status_code == 404


def test_public_list_filters_by_query_string(app, client):
    with app.app_context():
        gent = make_organization("Voedselkracht", province="Oost-Vlaanderen", city="Gent")
        genk = make_organization("Zonnegilde", province="Limburg", city="Genk")
        make_vacancy(gent, title="Stage communicatie", kind="internship", status="published",
                     closes_on=SOON)
        make_vacancy(genk, title="Vrijwilliger zonnepanelen", kind="volunteer",
                     status="published", closes_on=SOON)
    html = client.get("/vacatures?province=Limburg").get_data(as_text=True)
    assert "Vrijwilliger zonnepanelen" in html and "Stage communicatie" not in html
    html = client.get("/vacatures?kind=internship&q=communicatie").get_data(as_text=True)
    assert "Stage communicatie" in html and "Vrijwilliger zonnepanelen" not in html
    # nonsense in the query string is ignored, never an error
    assert client.get("/vacatures?kind=nonsense&page=abc&q=" + "x" * 500).status_code == 200


def test_script_in_user_text_is_shown_as_text_everywhere(app, client, login):
    with app.app_context():
        org = make_organization("Coop <b>vet</b>")
        vacancy_id = make_vacancy(org, title=SCRIPT, description=f"Regel 1\n{SCRIPT}",
                                  how_to_apply=SCRIPT, status="published", closes_on=SOON).id
    for path in ("/vacatures", f"/vacatures/{vacancy_id}"):
        html = client.get(path).get_data(as_text=True)
        assert SCRIPT not in html and "<b>vet</b>" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    feed = client.get("/vacatures/feed.atom").get_data(as_text=True)
    assert SCRIPT not in feed
    root = ElementTree.fromstring(  # noqa: S314
        feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:entry/a:title", ns).text == SCRIPT  # text, not markup
    login(client, "staff")
    staff_html = client.get(f"/staff/vacancies/{vacancy_id}").get_data(as_text=True)
    assert SCRIPT not in staff_html


def test_atom_feed_lists_open_published_vacancies(app, client):
    with app.app_context():
        org = make_organization("Zonnekracht")
        open_id = make_vacancy(org, title="Open vacature", status="published",
                               closes_on=SOON).id
        make_vacancy(org, title="Gesloten", status="published",
                     closes_on=brussels_today(utcnow()) - timedelta(days=2))
        make_vacancy(org, title="Nog niet goedgekeurd", closes_on=SOON)
    response = client.get("/vacatures/feed.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(  # noqa: S314
        response.get_data())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Open vacature"]
    assert entries[0].find("a:id", ns).text.endswith(f"/vacatures/{open_id}")
    assert entries[0].find("a:author/a:name", ns).text == "Zonnekracht"


def test_public_list_query_count_does_not_grow_with_vacancies(app, client, count_queries):
    with app.app_context():
        for n in range(12):
            org = make_organization(f"Coop {n}", province="Antwerpen", city="Lier")
            make_vacancy(org, status="published", closes_on=SOON)
    with count_queries() as q:
        assert client.get("/vacatures").status_code == 200
    assert q.count <= 4, q.statements


def test_staff_list_query_count(app, client, login, count_queries):
    with app.app_context():
        for n in range(10):
            org = make_organization(f"Coop {n}")
            make_vacancy(org, submitted_by=make_member_user(org), created_at=utcnow())
    login(client, "staff")
    with count_queries() as q:
        assert client.get("/staff/vacancies").status_code == 200
    assert q.count <= 6, q.statements
