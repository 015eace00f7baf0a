"""Registration pages: the form on the event page, the ticket page, cancelling, staff lists."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from coopnet.auth.access import PUBLIC, STAFF, TICKET, access
from coopnet.auth.urls import safe_next
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid
from coopnet.events.ics import event_ics
from coopnet.events.models import Event
from coopnet.events.queries import event_for
from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.members.rules import member_organization_of
from coopnet.registrations.checkin_queries import lacks_attendance
from coopnet.registrations.corrections import (
    correct_registration,
    movable_targets,
    move_registration,
    resend_ticket,
    staff_cancel_registration,
)
from coopnet.registrations.export import registration_rows, to_csv, to_xlsx
from coopnet.registrations.forms import (
    CancelForm,
    CorrectForm,
    MoveForm,
    RegistrationForm,
    SearchForm,
    StaffActionForm,
)
from coopnet.registrations.limits import limit_registrations, limit_registrations_per_email
from coopnet.registrations.models import Registration
from coopnet.registrations.queries import (
    event_registrations,
    member_organization_named,
    member_organization_names,
    registration_by_ticket,
    seats_left,
    status_counts,
)
from coopnet.registrations.services import (
    cancel_registration,
    join_url,
    manage_url,
    may_register_for_members_only,
    register,
    registration_state,
    waitlist_position,
)
from coopnet.registrations.tickets import ticket_qr_svg
from coopnet.web.forms import show_errors
from coopnet.web.lookups import found_or_404
from coopnet.web.spreadsheets import download

bp = Blueprint("registrations", __name__)

STATUS_LABELS = {
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("Waiting list"),
    "cancelled": _l("Cancelled"),
}
SOURCE_LABELS = {
    "online": _l("Online"),
    "staff": _l("By staff"),
    "walkin": _l("Walk-in"),
    "import": _l("Imported"),
    "api": _l("API"),
}


@bp.app_template_filter("registration_status")
def registration_status_label(status: str) -> str:
    """The translated label of a registration status."""
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_filter("registration_source")
def registration_source_label(source: str) -> str:
    """The translated label of how a registration came about."""
    return str(SOURCE_LABELS.get(source, source))


def _signed_in_registrant() -> Person | None:
    """The person a signed-in member registers as: always with the address they signed in
    with (staff and visitors fill the form in freely)."""
    if not current_user.is_authenticated or current_user.has_role("staff"):
        return None
    person: Person | None = current_user.person
    return person if person is not None and person.email else None


def _prefilled_form(person: Person | None, now: datetime) -> RegistrationForm:
    if person is None:
        return RegistrationForm()
    organization = member_organization_of(person, now)
    return RegistrationForm(name=person.full_name, email=person.email,
                            organization=organization.name if organization else "")


def render_event_page(event: Event, form: RegistrationForm | None = None,
                      error: str | None = None, status: int = 200):
    """The event page with its registration panel (used by the event view and on errors)."""
    now = utcnow()
    state = registration_state(event, now)
    registrant = _signed_in_registrant()
    organizations = member_organization_names(now) if state in ("open", "waitlist") else []
    may_register = event.visibility != "members" or may_register_for_members_only(
        registrant.email or "" if registrant else "", actor=current_user if registrant else None,
        now=now) or (current_user.is_authenticated and current_user.has_role("staff"))
    return render_template(
        "events/detail.html", event=event, form=form or _prefilled_form(registrant, now),
        state=state, seats_left=seats_left(event), member_organizations=organizations,
        error=error, registrant=registrant, may_register=may_register,
    ), status


@bp.route("/events/<int:event_id>/register", methods=["POST"])
@access(PUBLIC)
@limit_registrations
@limit_registrations_per_email
def register_page(event_id: int):
    """Register from the event page; errors come back beside the fields, nothing typed is lost."""
    event = found_or_404(event_for(current_user, event_id))
    form = RegistrationForm()
    registrant = _signed_in_registrant()
    if registrant is not None:
        # a signed-in contact registers with the address they signed in with, whatever
        # the page sent (the field is read-only on the page)
        form.email.data = registrant.email
        form.email.raw_data = [registrant.email or ""]
    if not form.validate_on_submit():
        return render_event_page(event, form, status=422)
    now = utcnow()
    typed = form.organization.data or ""
    organization = member_organization_named(typed, now)
    try:
        registration, created = register(
            event, name=form.name.data or "", email=form.email.data or "",
            organization=organization, organization_name="" if organization else typed,
            consent=bool(form.consent.data), source="online",
            actor=current_user if current_user.is_authenticated else None, now=now,
        )
    except Invalid as error:
        show_errors(form, error)
        return render_event_page(event, form, status=422)
    except DomainError as error:
        db.session.rollback()
        return render_event_page(event, form, error=error.message, status=error.status)
    db.session.commit()
    if not created:
        # never show someone else's ticket to whoever types their address: mail it instead
        return render_template("registrations/already.html", event=event,
                               email=registration.person.email)
    if registration.status == "confirmed":
        flash(_("You are registered. We have sent you an e-mail with your ticket."), "success")
    else:
        flash(_("The event is full: you are on the waiting list. We have sent you an e-mail."),
              "info")
    return redirect(url_for("registrations.ticket", ticket_code=registration.ticket_code))


@bp.route("/r/<ticket_code>")
@access(TICKET)
def ticket(ticket_code: str):
    """The holder's page: ticket (QR code), place on the waiting list, private link, cancel."""
    registration = found_or_404(registration_by_ticket(ticket_code))
    event = registration.event
    qr = (ticket_qr_svg(registration.ticket_code, title=_("Ticket QR code"))
          if registration.status == "confirmed" and not event.is_online else None)
    return render_template(
        "registrations/ticket.html", registration=registration, event=event,
        qr=qr, position=waitlist_position(registration), link=manage_url(registration),
        join_url=join_url(registration),
    )


@bp.route("/r/<ticket_code>/event.ics")
@access(TICKET)
def ticket_ics(ticket_code: str):
    """The holder's calendar file: for a confirmed online event with the link to join."""
    registration = found_or_404(registration_by_ticket(ticket_code))
    event = registration.event
    body = event_ics(event, with_join_link=join_url(registration) is not None)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="coopkracht-{event.id}.ics"'
    return response


@bp.route("/r/<ticket_code>/cancel", methods=["GET", "POST"])
@access(TICKET)
def cancel(ticket_code: str):
    """Ask for confirmation, then cancel; the seat goes to the first person waiting."""
    registration = found_or_404(registration_by_ticket(ticket_code))
    if registration.status == "cancelled":
        return redirect(url_for("registrations.ticket", ticket_code=ticket_code))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            cancel_registration(registration, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Your registration has been cancelled."), "success")
        return redirect(url_for("registrations.ticket", ticket_code=ticket_code))
    return render_template("registrations/cancel.html", registration=registration,
                           event=registration.event, form=form)


@bp.route("/privacy")
@access(PUBLIC)
def privacy():
    """The privacy notice the registration form links to."""
    months = current_app.config.get("COOPNET_RETENTION_MONTHS", 24)
    return render_template("registrations/privacy.html", months=months)


# -- staff ----------------------------------------------------------------------------------

@bp.route("/staff/events/<int:event_id>/registrations")
@access(STAFF)
def staff_list(event_id: int):
    """All registrations of an event: confirmed, waiting in order, cancelled; searchable."""
    event = db.get_or_404(Event, event_id)
    form = SearchForm(request.args)
    search = (form.q.data or "") if form.validate() else ""
    registrations = event_registrations(event.id, search)
    groups: dict[str, list[Registration]] = {"confirmed": [], "waitlisted": [], "cancelled": []}
    for registration in registrations:
        groups[registration.status].append(registration)
    return render_template(
        "registrations/staff_list.html", event=event, form=form, search=search, groups=groups,
        counts=status_counts(event.id), seats_left=seats_left(event),
        lacks_attendance=lacks_attendance(event, utcnow()),
    )


def _export_name(event: Event, extension: str) -> str:
    return f"inschrijvingen-{event.id}-{event.starts_at:%Y%m%d}.{extension}"


@bp.route("/staff/events/<int:event_id>/registrations.csv")
@access(STAFF)
def staff_export_csv(event_id: int):
    """The registration list as CSV (UTF-8, spreadsheet-safe)."""
    event = db.get_or_404(Event, event_id)
    header, rows = registration_rows(event_registrations(event.id), _labels())
    return download(to_csv(header, rows), _export_name(event, "csv"))


@bp.route("/staff/events/<int:event_id>/registrations.xlsx")
@access(STAFF)
def staff_export_xlsx(event_id: int):
    """The registration list as an Excel workbook."""
    event = db.get_or_404(Event, event_id)
    header, rows = registration_rows(event_registrations(event.id), _labels())
    content = to_xlsx(header, rows, title=_("Registrations"))
    return download(content, _export_name(event, "xlsx"))


def _labels() -> dict[str, str]:
    return {status: str(label) for status, label in STATUS_LABELS.items()}


# -- staff corrections ----------------------------------------------------------------------

def _back(registration: Registration) -> str:
    """Where a correction returns to: the page it came from (person page), else the list."""
    return safe_next(request.values.get("next")) or url_for(
        "registrations.staff_list", event_id=registration.event_id)


@bp.route("/staff/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@access(STAFF)
def staff_cancel(registration_id: int):
    """Ask for confirmation, then cancel on the person's behalf; the waiting list moves up."""
    registration = db.get_or_404(Registration, registration_id)
    form = StaffActionForm()
    if form.validate_on_submit():
        try:
            promoted = staff_cancel_registration(registration, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The registration has been cancelled and the person informed."), "success")
            for person_promoted in promoted:
                flash(_("%(name)s moved up from the waiting list.",
                        name=person_promoted.person.full_name), "info")
        return redirect(_back(registration))
    return render_template("registrations/staff_cancel.html", registration=registration,
                           event=registration.event, form=form,
                           back=_back(registration)), 200 if request.method == "GET" else 422


@bp.route("/staff/registrations/<int:registration_id>/resend", methods=["POST"])
@access(STAFF)
def staff_resend(registration_id: int):
    """Mail the ticket (or the place on the waiting list) again."""
    registration = db.get_or_404(Registration, registration_id)
    form = StaffActionForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "danger")
        return redirect(_back(registration))
    try:
        resend_ticket(registration, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("The ticket has been sent again to %(email)s.",
                email=registration.person.email), "success")
    return redirect(_back(registration))


@bp.route("/staff/registrations/<int:registration_id>/correct", methods=["GET", "POST"])
@access(STAFF)
def staff_correct(registration_id: int):
    """Fix name, e-mail address and organisation; errors beside the fields."""
    registration = db.get_or_404(Registration, registration_id)
    person = registration.person
    if request.method == "GET":
        form = CorrectForm(first_name=person.first_name, last_name=person.last_name,
                           email=person.email, organization=registration.organization_label)
    else:
        form = CorrectForm()
    back = _back(registration)
    if form.validate_on_submit():
        try:
            correct_registration(
                registration, first_name=form.first_name.data or "",
                last_name=form.last_name.data or "", email=form.email.data or "",
                organization_name=form.organization.data or "", actor=current_user,
                now=utcnow())
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The registration has been corrected."), "success")
            return redirect(back)
    status = 200 if request.method == "GET" else 422
    return render_template("registrations/staff_correct.html", registration=registration,
                           event=registration.event, form=form, back=back), status


@bp.route("/staff/registrations/<int:registration_id>/move", methods=["GET", "POST"])
@access(STAFF)
def staff_move(registration_id: int):
    """Move a registration to another event of the same series or kind."""
    registration = db.get_or_404(Registration, registration_id)
    now = utcnow()
    targets = movable_targets(registration, now)
    form = MoveForm()
    form.target.choices = [(0, _("Choose an event"))] + [
        (event.id, f"{event.title} · {format_datetime(event.starts_at, 'short')}")
        for event in targets]
    back = _back(registration)
    error_message = None
    if form.validate_on_submit():
        target = db.session.get(Event, form.target.data)
        try:
            if target is None:
                raise DomainError("not_found", _("This event does not exist (any more)."))
            moved = move_registration(registration, target, actor=current_user, now=now)
        except DomainError as error:
            db.session.rollback()
            error_message = error.message
        else:
            db.session.commit()
            if moved.status == "confirmed":
                flash(_("Moved to %(title)s; the new ticket has been sent.",
                        title=target.title), "success")
            else:
                flash(_("Moved to the waiting list of %(title)s; the person has been informed.",
                        title=target.title), "success")
            return redirect(back)
    status = 200 if request.method == "GET" else 422
    return render_template("registrations/staff_move.html", registration=registration,
                           event=registration.event, form=form, back=back, targets=targets,
                           error=error_message), status
