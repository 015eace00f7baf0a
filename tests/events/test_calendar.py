"""The public calendar: filters by kind, city and month; seats left and 'volzet'."""

from datetime import UTC, datetime, timedelta

from coopnet.db import utcnow
from tests.factories import make_event, make_registration


def _future(days):
    base = utcnow().replace(hour=17, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days)


def test_filters_by_kind_city_and_month(client, app):
    with app.app_context():
        gent = make_event("Coopborrel Gent", kind_slug="coopborrel", city="Gent",
                          starts_at=_future(10))
        make_event("Coopborrel Brussel", kind_slug="coopborrel", city="Brussel",
                   starts_at=_future(12))
        make_event("Webinar starters", starts_at=_future(11))
        make_event("Bestuursorgaan", kind_slug="bestuursorgaan", city="Gent",
                   starts_at=_future(10), visibility="internal")
        month = gent.starts_at.strftime("%Y-%m")
    page = client.get("/events/").get_data(as_text=True)
    assert all(t in page for t in ("Coopborrel Gent", "Coopborrel Brussel", "Webinar starters"))
    assert "Bestuursorgaan" not in page
    borrels = client.get("/events/?kind=coopborrel").get_data(as_text=True)
    assert "Coopborrel Gent" in borrels and "Webinar starters" not in borrels
    assert 'value="coopborrel" selected' in borrels  # the filter is kept in the form
    in_gent = client.get("/events/?kind=coopborrel&city=Gent").get_data(as_text=True)
    assert "Coopborrel Gent" in in_gent and "Coopborrel Brussel" not in in_gent
    assert "Coopborrel Gent" in client.get(f"/events/?month={month}").get_data(as_text=True)
    nothing = client.get("/events/?month=2001-01").get_data(as_text=True)
    assert "Geen activiteiten voor deze filters." in nothing
    # nonsense never breaks the page
    assert client.get("/events/?month=garbage&kind=<script>&city=%00").status_code == 200


def test_cards_show_places_left_and_full(client, app):
    with app.app_context():
        full = make_event("Rondleiding bakkerij", kind_slug="rondleiding", capacity=1,
                          starts_at=_future(5), city="Aalst")
        make_registration(full)
        make_event("Lezing energie", kind_slug="lezing", capacity=80, starts_at=_future(6),
                   city="Hasselt")
    page = client.get("/events/").get_data(as_text=True)
    assert "Volzet" in page and "wachtlijst open" in page
    assert "80 plaatsen vrij" in page


def test_calendar_query_count_does_not_grow_with_events(client, app, count_queries):
    with app.app_context():
        make_event("Eerste", starts_at=_future(3))
    client.get("/events/")
    with count_queries() as few:
        client.get("/events/")
    with app.app_context():
        for n in range(15):
            make_event(f"E{n}", kind_slug="coopborrel", city=f"Stad{n}",
                       starts_at=datetime.now(UTC) + timedelta(days=n + 2))
    with count_queries() as many:
        client.get("/events/")
    assert many.count == few.count
