"""`flask mail remind`: tomorrow's confirmed registrations get one reminder each."""

from datetime import UTC, datetime

import sqlalchemy as sa

from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.registrations.reminders import queue_reminders
from tests.factories import make_event, make_registration

# 9 Feb 2022, 23:30 in Brussels: "tomorrow" is 10 Feb
NOW = datetime(2022, 2, 9, 22, 30, tzinfo=UTC)


def test_reminders_for_tomorrow_once_and_only_for_confirmed(ctx):
    tomorrow = make_event("Coopborrel Gent", starts_at=datetime(2022, 2, 10, 17, 0, tzinfo=UTC),
                          city="Gent", location="Bar Tuinwijk")
    later = make_event("Later", starts_at=datetime(2022, 2, 11, 23, 30, tzinfo=UTC))
    confirmed = make_registration(tomorrow)
    make_registration(tomorrow, status="waitlisted")
    make_registration(tomorrow, status="cancelled")
    make_registration(later)
    assert queue_reminders(now=NOW) == 1
    db.session.commit()
    assert queue_reminders(now=NOW) == 0
    [mail] = db.session.execute(sa.select(OutboxMessage)).scalars().all()
    assert mail.to_address == confirmed.person.email
    assert "Morgen: Coopborrel Gent" == mail.subject
    assert f"/r/{confirmed.ticket_code}" in mail.body_text
    assert "Bar Tuinwijk, Gent" in mail.body_text


def test_remind_command(runner, app):
    with app.app_context():
        event = make_event(starts_at=datetime(2031, 1, 1, 12, 0, tzinfo=UTC))
        make_registration(event)
    result = runner.invoke(args=["mail", "remind"])
    assert result.exit_code == 0
    assert "reminders queued" in result.output
