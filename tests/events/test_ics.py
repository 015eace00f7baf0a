"""Calendar files: valid iCalendar, read correctly by icalendar and by ical.js (Thunderbird)."""

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale
from icalendar import Calendar

from coopnet.events.services import cancel_event
from coopnet.extensions import db
from tests.factories import make_event

JS = Path(__file__).resolve().parents[1] / "js"
WINTER = datetime(2022, 2, 10, 18, 30, tzinfo=UTC)  # 19:30 in Brussels (CET)
SUMMER = datetime(2021, 6, 17, 17, 30, tzinfo=UTC)  # 19:30 in Brussels (CEST)


def _ical_js(ics: bytes) -> list[dict]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: cannot run ical.js")
    if not (JS / "node_modules" / "ical.js").exists():
        subprocess.run(["npm", "ci", "--prefix", str(JS), "--no-audit", "--no-fund"], check=True,
                       capture_output=True, timeout=120)
    result = subprocess.run(["node", str(JS / "parse-ics.cjs")], input=ics, capture_output=True,
                            check=True, timeout=30)
    return json.loads(result.stdout)


@pytest.fixture
def events(app):
    with app.app_context():
        winter = make_event("Coopborrel Gent", kind_slug="coopborrel", starts_at=WINTER,
                            minutes=150, city="Gent", location="Bar Tuinwijk",
                            address="Tuinwijkstraat 1, 9000 Gent")
        summer = make_event("Webinar GDPR", starts_at=SUMMER, minutes=60,
                            online_url="https://meet.coopkracht.test/gdpr")
        internal = make_event("Bestuursorgaan", kind_slug="bestuursorgaan", starts_at=WINTER,
                              visibility="internal")
        return {"winter": winter.id, "summer": summer.id, "internal": internal.id}


def test_event_file_has_the_fields_calendar_clients_need(client, events):
    response = client.get(f"/events/{events['winter']}.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{events['winter']}@coopnet.test"
    assert vevent["DTSTART"].dt == WINTER
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert vevent.decoded("DTEND") == datetime(2022, 2, 10, 21, 0, tzinfo=UTC)
    assert str(vevent["SUMMARY"]) == "Coopborrel Gent"
    assert str(vevent["LOCATION"]) == "Bar Tuinwijk, Tuinwijkstraat 1, 9000 Gent"
    assert str(vevent["URL"]) == f"http://coopnet.test/events/{events['winter']}"
    assert vevent["SEQUENCE"] == 0 and "DTSTAMP" in vevent
    assert str(calendar["METHOD"]) == "PUBLISH"
    text = response.data.decode()
    assert "RDATE" not in text and "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text


def test_thunderbirds_parser_reads_winter_and_summer_times_right(client, events):
    feed = client.get("/events/feed.ics").data
    parsed = {e["summary"]: e for e in _ical_js(feed)}
    assert parsed["Coopborrel Gent"]["start_utc"] == "2022-02-10T18:30:00.000Z"
    assert parsed["Coopborrel Gent"]["end_utc"] == "2022-02-10T21:00:00.000Z"
    assert parsed["Webinar GDPR"]["start_utc"] == "2021-06-17T17:30:00.000Z"
    # the public file never carries the join link: registrants get it in theirs
    assert parsed["Webinar GDPR"]["location"] == "Online"
    assert parsed["Coopborrel Gent"]["tzid"] == "Europe/Brussels"


def test_cancelled_event_keeps_its_uid_and_says_cancelled_with_a_higher_sequence(
        client, app, events):
    with app.app_context():
        from coopnet.events.models import Event

        cancel_event(db.session.get(Event, events["winter"]), actor=None)
        db.session.commit()
    [parsed] = _ical_js(client.get(f"/events/{events['winter']}.ics").data)
    assert parsed["status"] == "CANCELLED"
    assert parsed["sequence"] == 1
    assert parsed["uid"] == f"event-{events['winter']}@coopnet.test"


def test_feed_lists_public_events_only_and_filters_by_kind(client, events):
    all_events = Calendar.from_ical(client.get("/events/feed.ics").data).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in all_events) == ["Coopborrel Gent", "Webinar GDPR"]
    borrels = Calendar.from_ical(client.get("/events/feed.ics?kind=coopborrel").data)
    assert [str(e["SUMMARY"]) for e in borrels.walk("VEVENT")] == ["Coopborrel Gent"]
    assert client.get(f"/events/{events['internal']}.ics").status_code == 404


def test_event_file_is_byte_for_byte_the_calendar_icalendar_writes(app, events):
    # the calendar's head (headers, time zone) is serialised once per process: the file must
    # stay exactly what icalendar writes for the whole calendar
    from coopnet.events.ics import _calendar, _vevent, event_ics
    from coopnet.events.models import Event

    stamp = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with app.test_request_context():
        for event_id in (events["winter"], events["summer"]):
            event = db.session.get(Event, event_id)
            whole = _calendar()
            whole.add_component(_vevent(event, "http://coopnet.test", stamp))
            assert event_ics(event, now=stamp) == whole.to_ical()
            assert event_ics(event, now=stamp).count(b"BEGIN:VTIMEZONE") == 1


def test_event_file_follows_each_change_and_stamps_the_moment_in_utc(app, events):
    # each VEVENT is serialised once per process for what it says: a changed event, another
    # language or the holder's copy must each give their own file, never an earlier one
    from coopnet.events.ics import event_ics
    from coopnet.events.models import Event

    brussels_morning = datetime.fromisoformat("2026-12-01T10:15:07+01:00")
    with app.test_request_context():
        event = db.session.get(Event, events["summer"])
        first = Calendar.from_ical(event_ics(event, now=brussels_morning)).walk("VEVENT")[0]
        assert str(first["SUMMARY"]) == "Webinar GDPR"
        assert first["LOCATION"] == "Online"
        assert event_ics(event, now=brussels_morning).decode().count(
            "\r\nDTSTAMP:20261201T091507Z\r\n") == 1
        holder = Calendar.from_ical(event_ics(event, with_join_link=True)).walk("VEVENT")[0]
        assert holder["LOCATION"] == "https://meet.coopkracht.test/gdpr"
        event.title = "Webinar GDPR (nieuwe datum)"
        event.starts_at = datetime(2021, 6, 24, 17, 30, tzinfo=UTC)
        event.ends_at = datetime(2021, 6, 24, 18, 30, tzinfo=UTC)
        changed = Calendar.from_ical(event_ics(event, now=brussels_morning)).walk("VEVENT")[0]
        assert str(changed["SUMMARY"]) == "Webinar GDPR (nieuwe datum)"
        assert changed["DTSTART"].dt.isoformat() == "2021-06-24T19:30:00+02:00"
        later = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
        assert b"\r\nDTSTAMP:20261202T080000Z\r\n" in event_ics(event, now=later)
        db.session.rollback()
    for language, kind in (("nl", b"Coopborrel"), ("en", b"Coop drinks"), ("nl", b"Coopborrel")):
        with app.test_request_context(), force_locale(language):
            event = db.session.get(Event, events["winter"])
            categories = Calendar.from_ical(event_ics(event)).walk("VEVENT")[0]["CATEGORIES"]
            assert categories.to_ical() == kind


def test_the_holders_file_of_an_online_event_has_the_join_link_for_thunderbird_too(
        client, app, events):
    from coopnet.events.models import Event
    from tests.factories import make_registration

    with app.app_context():
        webinar = db.session.get(Event, events["summer"])
        confirmed = make_registration(webinar).ticket_code
        waiting = make_registration(webinar, status="waitlisted").ticket_code
    response = client.get(f"/r/{confirmed}/event.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    parsed = _ical_js(response.data)[0]
    assert parsed["location"] == "https://meet.coopkracht.test/gdpr"
    assert parsed["start_utc"] == "2021-06-17T17:30:00.000Z"
    # the same event as the public file (UID): a calendar keeps one copy
    public = Calendar.from_ical(client.get(f"/events/{events['summer']}.ics").data)
    mine = Calendar.from_ical(response.data)
    assert [c["UID"] for c in mine.walk("VEVENT")] == [c["UID"] for c in public.walk("VEVENT")]
    # waiting is not registered yet: no link
    assert b"meet.coopkracht.test" not in client.get(f"/r/{waiting}/event.ics").data
    assert client.get("/r/not-a-ticket/event.ics").status_code == 404
