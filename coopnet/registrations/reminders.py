"""Reminders the day before an event, queued once per registration."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.i18n import in_language_of
from coopnet.mail.services import queue_mail
from coopnet.registrations.models import Registration
from coopnet.registrations.services import manage_url
from coopnet.timezones import brussels, brussels_today


def queue_reminders(*, now: datetime) -> int:
    """Queue a reminder for every confirmed registration of events starting tomorrow (Brussels).

    Safe to run as often as you like: each registration is reminded at most once.
    """
    tomorrow = brussels_today(now) + timedelta(days=1)
    starts, ends = brussels(tomorrow, time(0, 0)), brussels(tomorrow + timedelta(days=1), time(0, 0))
    registrations = db.session.execute(
        sa.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.status == "confirmed", Event.status == "published",
               Event.starts_at >= starts, Event.starts_at < ends)
        .options(joinedload(Registration.event), joinedload(Registration.person))
        .order_by(Registration.id)
    ).scalars().all()
    queued = 0
    for registration in registrations:
        person, event = registration.person, registration.event
        if not person.email:
            continue
        with in_language_of(person):  # sent by a timer: the person's language, not the server's
            text = render_template("registrations/mail/reminder.txt", person=person,
                                   event=event, manage_url=manage_url(registration))
            message = queue_mail(kind="registration_reminder", to=person.email,
                                 subject=_("Tomorrow: %(title)s", title=event.title), text=text,
                                 dedupe_key=f"reminder:{registration.id}", now=now)
        queued += message is not None
    return queued
