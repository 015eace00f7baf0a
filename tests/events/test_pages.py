"""The home page and event pages, in Dutch by default and in English on request."""

from datetime import UTC, datetime, timedelta

from coopnet.db import utcnow
from tests.factories import make_event


def test_home_lists_upcoming_events_in_dutch(client, app):
    with app.app_context():
        make_event("Coopborrel Gent", kind_slug="coopborrel", city="Gent", location="Bar Tuinwijk",
                   starts_at=utcnow() + timedelta(days=3))
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="nl">' in html
    assert "Komende activiteiten" in html
    assert "Coopborrel Gent" in html
    assert "Bar Tuinwijk, Gent" in html


def test_home_hides_drafts_internal_meetings_and_cancelled_events(client, app):
    soon = utcnow() + timedelta(days=3)
    with app.app_context():
        make_event("Concept webinar", starts_at=soon, status="draft")
        make_event("Bestuursorgaan december", kind_slug="bestuursorgaan", starts_at=soon,
                   visibility="internal")
        make_event("Geannuleerde lezing", kind_slug="lezing", starts_at=soon, status="cancelled")
        make_event("Open lezing", kind_slug="lezing", starts_at=soon)
    html = client.get("/").get_data(as_text=True)
    assert "Open lezing" in html
    assert "Concept webinar" not in html
    assert "Bestuursorgaan december" not in html
    assert "Geannuleerde lezing" not in html


def test_event_page_shows_brussels_time_in_dutch(client, app):
    with app.app_context():
        event = make_event("Dag van de Coöperatie", kind_slug="dag-van-de-cooperatie",
                           starts_at=datetime(2022, 2, 24, 8, 0, tzinfo=UTC), minutes=480,
                           city="Brussel", location="Tour & Taxis", capacity=250)
        event_id = event.id
    html = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Dag van de Coöperatie" in html
    # 08:00 UTC is 09:00 in Brussels in February
    assert "donderdag 24 februari 2022, 09:00–17:00" in html
    assert "Tour &amp; Taxis, Brussel" in html
    assert "250 plaatsen" in html


def test_event_page_in_english_when_the_visitor_switches(client, app):
    with app.app_context():
        event = make_event("Webinar GDPR", starts_at=datetime(2021, 4, 22, 10, 0, tzinfo=UTC))
        event_id = event.id
    response = client.post("/language/en", data={"next": f"/events/{event_id}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event_id}"
    html = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Thursday 22 April 2021, 12:00" in html
    assert "When" in html and "Wanneer" not in html


def test_dutch_is_the_default_even_for_an_english_browser(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Komende activiteiten" in html


def test_internal_event_page_is_not_found_for_the_public_but_visible_to_staff(client, app, login):
    with app.app_context():
        event = make_event("Stuurgroep", kind_slug="stuurgroep", visibility="internal")
        event_id = event.id
    assert client.get(f"/events/{event_id}").status_code == 404
    login(client, "staff")
    assert client.get(f"/events/{event_id}").status_code == 200


def test_not_found_page_is_dutch_in_the_layout(client):
    page = client.get("/events/999999")
    assert page.status_code == 404
    assert "Deze pagina bestaat niet (meer)." in page.get_data(as_text=True)


def test_assets_are_served_by_the_app_itself(client):
    html = client.get("/").get_data(as_text=True)
    assert "cdn." not in html and "jsdelivr" not in html
    with client.get("/bootstrap/static/css/bootstrap.min.css") as css:
        assert css.status_code == 200


def test_home_shows_places_left_on_upcoming_events_only(client, app):
    with app.app_context():
        make_event("Lezing in Leuven", kind_slug="lezing", capacity=60,
                   starts_at=utcnow() + timedelta(days=3))
        make_event("Lezing in Hasselt", kind_slug="lezing", capacity=80,
                   starts_at=utcnow() - timedelta(days=30))
    html = client.get("/").get_data(as_text=True)
    upcoming, recent = html.split("Recente activiteiten")
    assert "Lezing in Leuven" in upcoming and "60 plaatsen vrij" in upcoming
    # an event that is over: nobody can take a place any more
    assert "Lezing in Hasselt" in recent and "plaatsen vrij" not in recent
