"""Staff pages to manage events: list, create, edit, publish, cancel."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.auth.access import STAFF, access
from coopnet.db import utcnow
from coopnet.errors import DomainError
from coopnet.events.forms import ConfirmForm, EventForm, utc_to_brussels_naive
from coopnet.events.models import Event
from coopnet.events.queries import event_kinds, event_series
from coopnet.events.services import (
    cancel_event,
    changes_mailed,
    create_event,
    publish_event,
    update_event,
)
from coopnet.extensions import db
from coopnet.plan.queries import action_choices, linked_action_ids
from coopnet.plan.services import set_event_actions
from coopnet.registrations.queries import staff_event_rows
from coopnet.web.forms import show_errors

bp = Blueprint("staff_events", __name__, url_prefix="/staff/events")


def _form(event: Event | None = None) -> EventForm:
    form = EventForm(obj=None)
    form.kind.choices = [(k.slug, k.label) for k in event_kinds()]
    form.series.choices = [("", _("(none)"))] + [(str(s.id), s.name) for s in event_series()]
    form.action_ids.choices = action_choices()
    if event is not None and request.method == "GET":
        form.action_ids.data = linked_action_ids(event)
        for name in ("title", "description", "location", "address", "city", "online_url",
                     "capacity", "waitlist_enabled", "visibility"):
            getattr(form, name).data = getattr(event, name)
        form.kind.data = event.kind.slug
        form.series.data = str(event.series_id) if event.series_id else ""
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            getattr(form, name).data = utc_to_brussels_naive(getattr(event, name))
        form.publish.data = event.status == "published"
    return form


@bp.route("/")
@access(STAFF)
def index():
    """Upcoming and past events with their seats and waiting lists."""
    now = utcnow()
    return render_template("events/staff_list.html",
                           upcoming=staff_event_rows(now, upcoming=True),
                           past=staff_event_rows(now, upcoming=False, limit=50),
                           confirm=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@access(STAFF)
def create():
    """Create an event."""
    form = _form()
    if form.validate_on_submit():
        values = form.service_values()
        values["status"] = "published" if form.publish.data else "draft"
        try:
            now = utcnow()
            event = create_event(actor=current_user, now=now, **values)
            set_event_actions(event, form.action_ids.data or [], actor=current_user, now=now)
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Event created."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/staff_form.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@access(STAFF)
def edit(event_id: int):
    """Change an event; people waiting get new places at once when capacity goes up."""
    event = db.get_or_404(Event, event_id)
    form = _form(event)
    if form.validate_on_submit():
        changes = form.service_values()
        if form.publish.data and event.status == "draft":
            changes["status"] = "published"
        try:
            now = utcnow()
            sequence = event.sequence
            update_event(event, changes, actor=current_user, now=now)
            if sorted(form.action_ids.data or []) != sorted(linked_action_ids(event)):
                set_event_actions(event, form.action_ids.data or [], actor=current_user, now=now)
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Event saved."), "success")
            told = changes_mailed(event) if event.sequence != sequence else 0
            if told:
                flash(_("%(count)s people registered or waiting are told of the change by "
                        "e-mail.", count=told), "info")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/staff_form.html", form=form, event=event)


@bp.route("/<int:event_id>/publish", methods=["POST"])
@access(STAFF)
def publish(event_id: int):
    """Publish a draft."""
    event = db.get_or_404(Event, event_id)
    if ConfirmForm().validate_on_submit():
        try:
            publish_event(event, actor=current_user, now=utcnow())
        except DomainError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Event published."), "success")
    return redirect(url_for("staff_events.index"))


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
@access(STAFF)
def cancel(event_id: int):
    """Cancel an event after confirming; everyone registered or waiting gets an e-mail."""
    event = db.get_or_404(Event, event_id)
    form = ConfirmForm()
    if event.status == "cancelled":
        flash(_("This event has been cancelled."), "info")
        return redirect(url_for("events.detail", event_id=event.id))
    if form.validate_on_submit():
        notified = cancel_event(event, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("Event cancelled; %(count)s people are being told by e-mail.", count=notified),
              "success")
        return redirect(url_for("staff_events.index"))
    return render_template("events/staff_cancel.html", event=event, form=form)
