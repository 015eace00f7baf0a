"""Event text fields lose control characters before storing (PostgreSQL refuses NUL)."""

from datetime import UTC, datetime, timedelta

from coopnet.events.models import Event
from coopnet.events.services import create_event, update_event
from coopnet.extensions import db

START = datetime(2030, 2, 10, 18, 0, tzinfo=UTC)


def test_control_characters_are_stripped_and_the_event_is_stored(ctx):
    event = create_event(title="Web\x00inar\x07  statuten", kind="webinar", starts_at=START,
                         ends_at=START + timedelta(hours=1), city="Gent\x00",
                         description="Eerste regel\x00\nTweede\tregel", actor=None)
    db.session.commit()
    stored = db.session.get(Event, event.id)
    assert stored.title == "Webinar statuten"
    assert stored.city == "Gent"
    assert stored.description == "Eerste regel\nTweede\tregel"
    update_event(stored, {"location": "De\x00 Centrale"}, actor=None)
    db.session.commit()
    assert db.session.get(Event, event.id).location == "De Centrale"
