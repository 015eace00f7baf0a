"""Staff pages for the door and for attendance afterwards.

The door page never reloads: its script posts JSON to the small endpoints below (session
sign-in plus the CSRF token in the `X-CSRFToken` header) and polls the counters. Every
endpoint calls the same check-in service as the list, the import and the scanner API.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer

from coopnet.auth.access import STAFF, access
from coopnet.auth.models import User
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations.attendee_report import (
    AttendeeReport,
    parse_attendee_report,
    select_rows,
)
from coopnet.registrations.checkin import (
    CheckInResult,
    add_walk_in,
    check_in,
    import_attendance,
    mark_attendance,
    undo_check_in,
)
from coopnet.registrations.checkin_forms import (
    AttendanceForm,
    ConfirmImportForm,
    ImportReportForm,
)
from coopnet.registrations.checkin_queries import (
    DOOR_PAGE_MAX,
    checked_in_changes,
    checked_in_state,
    door_cursor,
    door_list,
    event_counts,
    events_at_the_door,
    lacks_attendance,
    match_report,
    past_events_without_attendance,
)
from coopnet.registrations.door_sync import (
    apply_door_actions,
    door_list_document,
    outcomes_document,
)
from coopnet.registrations.models import Registration
from coopnet.timezones import rfc3339, to_brussels
from coopnet.validators import MAX_ID
from coopnet.web.json_api import json_body
from coopnet.web.lookups import found_or_404

bp = Blueprint("checkin", __name__, url_prefix="/staff")


def _actor() -> User:
    return current_user._get_current_object()


def _hhmm(moment: Any) -> str:
    return to_brussels(moment).strftime("%H:%M") if moment is not None else ""


def _row_state(registration: Registration) -> dict[str, Any]:
    by = registration.checked_in_by
    return {"id": registration.id, "name": registration.person.full_name,
            "organization": registration.organization_label,
            "email": registration.person.email or "",
            "checked_in": registration.attended,
            "waiting": registration.status == "waitlisted",
            "walk_in": not registration.is_advance,
            "at": _hhmm(registration.checked_in_at),
            "checked_in_at": rfc3339(registration.checked_in_at),
            "by": by.display_name if by is not None else ""}


def _json_result(event: Event, result: CheckInResult):
    counts = event_counts(event)
    status = 201 if result.status == "checked_in" else 200
    return jsonify({"ok": True, "status": result.status, "message": result.message,
                    "registration": _row_state(result.registration),
                    "counts": counts.as_dict() if counts else None}), status


def _json_error(error: DomainError) -> tuple[Response, int]:
    """A refusal in the API's error shape ({"error": {code, message, fields?}}), with "ok": false
    beside it for the door script."""
    return jsonify({"ok": False, **error.to_dict()}), error.status


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


@bp.route("/checkin")
@access(STAFF)
def overview():
    """Today's events (to open the door page) and past events whose attendance is missing."""
    now = utcnow()
    return render_template("registrations/checkin_overview.html",
                           events=events_at_the_door(now),
                           unrecorded=past_events_without_attendance(now))


@bp.route("/events/<int:event_id>/checkin")
@access(STAFF)
def door(event_id: int):
    """The door page: scan or search, one tap to check in, walk-ins, live counters."""
    event = db.get_or_404(Event, event_id)
    # the list is not in the page: the script loads it page by page (and keeps it offline)
    return render_template("registrations/checkin_door.html", event=event,
                           counts=event_counts(event))


@bp.route("/events/<int:event_id>/checkin/scan", methods=["POST"])
@access(STAFF)
def scan(event_id: int):
    """Check in by scanned/typed code or by the tapped registration's id (JSON)."""
    event = db.get_or_404(Event, event_id)
    try:
        data = json_body()
        target: str | int
        if isinstance(data.get("registration_id"), int):
            target = data["registration_id"]
        else:
            target = _text(data, "code")
        result = check_in(event.id, target, actor=_actor(), channel="door")
    except DomainError as error:
        db.session.rollback()
        return _json_error(error)
    db.session.commit()
    return _json_result(event, result)


@bp.route("/events/<int:event_id>/checkin/undo", methods=["POST"])
@access(STAFF)
def undo(event_id: int):
    """Undo the check-in of a registration (JSON {registration_id})."""
    event = db.get_or_404(Event, event_id)
    try:
        registration_id = json_body().get("registration_id")
        if not isinstance(registration_id, int):
            raise Invalid({"registration_id": _("Send the registration.")})
        registration = undo_check_in(event.id, registration_id, actor=_actor(), channel="door")
    except DomainError as error:
        db.session.rollback()
        return _json_error(error)
    db.session.commit()
    counts = event_counts(event)
    return jsonify({"ok": True, "status": "undone",
                    "message": _("Check-in undone: %(name)s", name=registration.person.full_name),
                    "registration": _row_state(registration),
                    "counts": counts.as_dict() if counts else None})


@bp.route("/events/<int:event_id>/checkin/walkin", methods=["POST"])
@access(STAFF)
def walkin(event_id: int):
    """Add a walk-in and check them in (JSON {name, email, organization})."""
    event = db.get_or_404(Event, event_id)
    try:
        data = json_body()
        result = add_walk_in(event, name=_text(data, "name"), email=_text(data, "email") or None,
                             organization_name=_text(data, "organization"), actor=_actor(),
                             channel="door")
    except DomainError as error:
        db.session.rollback()
        return _json_error(error)
    db.session.commit()
    return _json_result(event, result)


@bp.route("/events/<int:event_id>/checkin/state")
@access(STAFF)
def state(event_id: int):
    """Counters and who is checked in, for the door page's poll (reads the database).

    Without `after`: every checked-in registration. With `after` (the `cursor` of an earlier
    answer): only `changes` since then, each registration's state now (null: not checked in
    any more), so a poll of a big event stays small. Both answers carry the new `cursor`."""
    counts = found_or_404(event_counts(event_id))
    raw = request.args.get("after", "")
    if raw and (not re.fullmatch(r"[0-9]{1,10}", raw) or int(raw) > MAX_ID):
        return _json_error(Invalid({"after": _("Send the cursor of an earlier answer.")}))
    cursor = door_cursor(event_id)

    def seen(row: Any) -> dict[str, str | None] | None:
        if row.checked_in_at is None:
            return None
        return {"at": _hhmm(row.checked_in_at), "by": row.display_name or "",
                "checked_in_at": rfc3339(row.checked_in_at)}

    body: dict[str, Any] = {"counts": counts.as_dict(), "cursor": cursor,
                            # a fresh CSRF token: a door page kept offline for hours sends its
                            # actions with it
                            "csrf_token": generate_csrf()}
    if raw:
        body["changes"] = {str(row.id): seen(row)
                           for row in checked_in_changes(event_id, int(raw))}
    else:
        body["checked_in"] = {str(row.id): seen(row) for row in checked_in_state(event_id)}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the door without network ----------------------------------------------------------
# The door page keeps the event's door list on the device (hashed codes, names) and records
# what staff do while offline; these endpoints give the list page by page and take the
# recorded actions back. The same read side and service as the scanner API.

def _page_arg(name: str, default: int, maximum: int) -> int | None:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not re.fullmatch(r"[0-9]{1,10}", raw) or int(raw) > maximum:
        return None
    return int(raw)


@bp.route("/events/<int:event_id>/checkin/list")
@access(STAFF)
def door_list_json(event_id: int):
    """A page of the door list (JSON): what the page searches and checks in with offline."""
    event = db.get_or_404(Event, event_id)
    after = _page_arg("after", 0, 2**31 - 1)
    limit = _page_arg("limit", 200, DOOR_PAGE_MAX)
    if after is None:
        return _json_error(Invalid({"after": _("Send a registration id.")}))
    if not limit:
        return _json_error(Invalid({"limit": _("Send a number from 1 to %(max)s.",
                                              max=DOOR_PAGE_MAX)}))
    response = jsonify(door_list_document(event, after=after, limit=limit))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/events/<int:event_id>/checkin/sync", methods=["POST"])
@access(STAFF)
def sync(event_id: int):
    """The actions a device recorded offline (JSON {actions: [...]}), applied in order, once."""
    event = db.get_or_404(Event, event_id)
    try:
        outcomes = apply_door_actions(event, json_body().get("actions"), actor=_actor())
    except DomainError as error:
        db.session.rollback()
        return _json_error(error)
    db.session.commit()
    return jsonify({"ok": True, **outcomes_document(event, outcomes)})


@bp.route("/events/<int:event_id>/checkin/sw.js")
@access(STAFF)
def service_worker(event_id: int):
    """The door's service worker: keeps the page and its files for use without network."""
    event = db.get_or_404(Event, event_id)
    door_url = url_for("checkin.door", event_id=event.id)
    assets = [url_for("static", filename=name) for name in DOOR_ASSETS]
    body = render_template("registrations/door_sw.js", door_url=door_url, assets=assets,
                           version=_assets_version())
    response = current_app.response_class(body, mimetype="text/javascript")
    # the worker controls the door page of this event only (its URL and what is below)
    response.headers["Service-Worker-Allowed"] = door_url
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/events/<int:event_id>/checkin/manifest.webmanifest")
@access(STAFF)
def manifest(event_id: int):
    """The web app manifest: the door page of this event can be added to the home screen."""
    event = db.get_or_404(Event, event_id)
    door_url = url_for("checkin.door", event_id=event.id)
    response = jsonify({
        "name": _("Door: %(title)s", title=event.title), "short_name": _("Door"),
        "start_url": door_url, "scope": door_url, "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#1f6f50",
        "icons": [{"src": url_for("static", filename="img/favicon.svg"), "sizes": "any",
                   "type": "image/svg+xml"}]})
    response.mimetype = "application/manifest+json"
    return response


# what the door page needs besides itself, kept by its service worker
DOOR_ASSETS = ("css/coopnet.css", "js/checkin.js", "js/door_store.js", "js/scanner.js",
               "vendor/jsqr/jsQR.js", "img/favicon.svg")


def _assets_version() -> str:
    """Changes when a kept file changes, so devices fetch the new ones."""
    return _assets_digest(current_app.static_folder or "")


@cache
def _assets_digest(static_folder: str) -> str:
    """The kept files' digest: they change only with a new release (a restart), so each process
    reads them once instead of on every service-worker check."""
    digest = hashlib.sha256()
    for name in DOOR_ASSETS:
        path = Path(static_folder) / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@bp.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
@access(STAFF)
def attendance(event_id: int):
    """Tick who came (for small events where nobody scanned)."""
    event = db.get_or_404(Event, event_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        try:
            present = [int(value) for value in request.form.getlist("present")]
        except ValueError:
            present = None
        try:
            if present is None:
                raise DomainError("unknown_registration",
                                  _("Some ticked people are not confirmed for this event."))
            change = mark_attendance(event, present, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Attendance saved: %(added)s checked in, %(removed)s removed.",
                    added=change.checked_in, removed=change.undone), "success")
            return redirect(url_for("checkin.attendance", event_id=event.id))
    registrations = door_list(event, statuses=("confirmed",))
    return render_template("registrations/attendance.html", event=event, form=form,
                           registrations=registrations, counts=event_counts(event),
                           lacks_attendance=lacks_attendance(event, utcnow()))


# -- attendee report import ----------------------------------------------------------------
# The preview does not live in process memory: the uploaded file travels back with the
# confirmation, signed by the server (so nobody can alter it in between), and is parsed
# again. Any app process can handle the confirmation.
MAX_REPORT_BYTES = 2 * 1024 * 1024  # default of COOPNET_MAX_REPORT_BYTES
REPORT_MAX_AGE = 6 * 3600


def _report_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="coopnet.attendee-report")


def _min_minutes() -> int:
    return int(current_app.config["COOPNET_WEBINAR_MIN_MINUTES"])


def _sign_report(event: Event, data: bytes, min_minutes: int) -> str:
    packed = base64.b64encode(zlib.compress(data, 6)).decode("ascii")
    # the threshold travels too: the confirmation imports what the preview showed
    return _report_signer().dumps({"event": event.id, "report": packed,
                                   "min_minutes": min_minutes})


def _unsign_report(event: Event, token: str) -> tuple[bytes, int] | None:
    try:
        payload = _report_signer().loads(token, max_age=REPORT_MAX_AGE)
        if payload.get("event") != event.id:
            return None
        min_minutes = payload.get("min_minutes", _min_minutes())
        if not isinstance(min_minutes, int):
            return None
        return zlib.decompress(base64.b64decode(payload["report"])), min_minutes
    except (BadData, KeyError, TypeError, AttributeError, ValueError, binascii.Error,
            zlib.error):
        return None


def _read_report(event: Event, data: bytes, min_minutes: int) -> AttendeeReport:
    """The report read for this event: its Brussels date completes and checks join times."""
    return parse_attendee_report(data, min_minutes=min_minutes,
                                 day=to_brussels(event.starts_at).date())


def _preview(event: Event, report: AttendeeReport, *, chosen: list[str] | None = None,
             error: str = "") -> dict[str, Any]:
    """What the preview shows: the counted people by outcome, ticked (all of them, or what
    was sent back with an error), the people left out, unreadable lines."""
    matches = match_report(event, report.rows)
    groups: dict[str, list[Any]] = {"check_in": [], "already": [], "confirm": [], "add": []}
    for match in matches:
        groups[match.outcome].append(match)
    ticked = {row.line for row in report.rows if chosen is None or str(row.line) in chosen}
    return {"report": report, "groups": groups, "ticked": ticked, "error": error}


@bp.route("/events/<int:event_id>/attendance/import", methods=["GET", "POST"])
@access(STAFF)
def import_report(event_id: int):
    """Upload a Zoom, Teams or Meet attendee report and see what it would record."""
    event = db.get_or_404(Event, event_id)
    form = ImportReportForm()
    preview = confirm = None
    if form.validate_on_submit():
        limit = current_app.config.get("COOPNET_MAX_REPORT_BYTES", MAX_REPORT_BYTES)
        data = form.report.data.read(limit + 1)
        min_minutes = _min_minutes()
        try:
            if len(data) > limit:
                raise DomainError("report_too_large",
                                  _("The report is too large (at most %(size)s kB).",
                                    size=limit // 1024))
            report = _read_report(event, data, min_minutes)
        except DomainError as error:
            form.report.errors.append(error.message)
        else:
            preview = _preview(event, report)
            confirm = ConfirmImportForm(formdata=None,
                                        report=_sign_report(event, data, min_minutes))
    return render_template("registrations/import.html", event=event, form=form,
                           preview=preview, confirm=confirm)


@bp.route("/events/<int:event_id>/attendance/import/confirm", methods=["POST"])
@access(STAFF)
def confirm_import(event_id: int):
    """Record the ticked people of the previewed report (the signed file is parsed again)."""
    event = db.get_or_404(Event, event_id)
    form = ConfirmImportForm()
    signed = _unsign_report(event, form.report.data or "") if form.validate_on_submit() else None
    if signed is None:
        flash(_("The preview has expired or was changed. Upload the report again."), "danger")
        return redirect(url_for("checkin.import_report", event_id=event.id))
    data, min_minutes = signed
    try:
        report = _read_report(event, data, min_minutes)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("checkin.import_report", event_id=event.id))
    chosen = request.form.getlist("row")
    try:
        outcome = import_attendance(event, select_rows(report, chosen), actor=_actor())
    except DomainError as error:
        db.session.rollback()
        # the same preview again, with the reason and the ticks as they were sent
        return render_template("registrations/import.html", event=event,
                               form=ImportReportForm(formdata=None), confirm=form,
                               preview=_preview(event, report, chosen=chosen,
                                                error=error.message)), 422
    db.session.commit()
    flash(_("Attendance imported: %(checked)s registrations checked in, %(added)s people added, "
            "%(already)s were already checked in.", checked=outcome.checked_in,
            added=outcome.added, already=outcome.already), "success")
    return redirect(url_for("checkin.attendance", event_id=event.id))
