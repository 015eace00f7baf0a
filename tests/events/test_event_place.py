"""Where an event is: each part once, in mails, calendar files and pages."""

from __future__ import annotations

import pytest

from coopnet.events.models import Event


@pytest.mark.parametrize("location,address,city,expected", [
    ("Bar Tuinwijk", "Bar Tuinwijk, Gent", "Gent", "Bar Tuinwijk, Gent"),
    ("Bar X", "Kerkstraat 1, 9000 Gent", "Gent", "Bar X, Kerkstraat 1, 9000 Gent"),
    ("De Werf", "", "Aalst", "De Werf, Aalst"),
    ("Brouwerij", "Aalstersesteenweg 5, 9300 Dendermonde", "Aalst",
     "Brouwerij, Aalstersesteenweg 5, 9300 Dendermonde, Aalst"),
    ("", "", "Genk", "Genk"),
    ("gent", "", "Gent", "gent"),
])
def test_each_part_of_the_place_is_said_once(location, address, city, expected):
    event = Event(title="Borrel", location=location, address=address, city=city)
    assert event.place == expected


def test_an_online_event_has_no_place():
    event = Event(title="Webinar", location="", address="", city="",
                  online_url="https://meet.example.org/x")
    assert event.place == ""


def test_the_calendar_file_and_the_page_name_the_venue_once(ctx, client):
    from coopnet.events.ics import event_ics
    from coopnet.extensions import db
    from tests.factories import make_event

    event = make_event("Coopborrel Gent", kind_slug="coopborrel", location="Bar Tuinwijk",
                       address="Bar Tuinwijk, Gent", city="Gent")
    db.session.commit()
    ics = event_ics(event).decode().replace("\r\n ", "")
    assert "LOCATION:Bar Tuinwijk\\, Gent\r\n" in ics
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert page.count("Bar Tuinwijk") == 1
