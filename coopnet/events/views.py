"""Public event pages."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from coopnet.auth.access import PUBLIC, access
from coopnet.events.queries import event_for

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.route("/<int:event_id>")
@access(PUBLIC)
def detail(event_id: int):  # type: ignore[no-untyped-def]
    """One event: when, where, what."""
    event = event_for(current_user, event_id)
    if event is None:
        abort(404)
    from coopnet.registrations.views import render_event_page

    return render_event_page(event)
