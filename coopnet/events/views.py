"""Public event pages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.auth.access import PUBLIC, access
from coopnet.db import utcnow
from coopnet.events.ics import event_ics, feed_ics
from coopnet.events.queries import (
    CalendarFilters,
    calendar_cities,
    calendar_events,
    calendar_feed_events,
    calendar_kinds,
    calendar_months,
    event_for,
)
from coopnet.registrations.queries import seats_left
from coopnet.web.lookups import found_or_404

bp = Blueprint("events", __name__, url_prefix="/events")
bp.add_app_template_filter(seats_left, "seats_left")


@bp.route("/")
@access(PUBLIC)
def calendar():
    """Upcoming events, filtered by kind, city and month (GET parameters, kept in the form)."""
    now = utcnow()
    filters = CalendarFilters.from_args(request.args)
    return render_template(
        "events/calendar.html",
        events=calendar_events(current_user, now, filters),
        filters=filters,
        kinds=calendar_kinds(current_user, now),
        cities=calendar_cities(current_user, now),
        months=calendar_months(now),
    )


@bp.route("/<int:event_id>")
@access(PUBLIC)
def detail(event_id: int):
    """One event: when, where, what."""
    event = found_or_404(event_for(current_user, event_id))
    from coopnet.registrations.views import render_event_page

    return render_event_page(event)


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/<int:event_id>.ics")
@access(PUBLIC)
def ics(event_id: int):
    """The event as a calendar file (add it to Outlook, Google, Apple or Thunderbird)."""
    event = event_for(current_user, event_id)
    if event is None or event.status == "draft":
        abort(404)
    return _ics_response(event_ics(event), f"coopkracht-{event.id}.ics")


@bp.route("/feed.ics")
@access(PUBLIC)
def feed():
    """A subscribable calendar of Coopkracht's public events (`?kind=webinar` narrows it)."""
    kind = request.args.get("kind", "").strip()[:40] or None
    events = calendar_feed_events(utcnow(), kind=kind)
    name = _("Coopkracht events")
    return _ics_response(feed_ics(events, name=name), "coopkracht.ics")
