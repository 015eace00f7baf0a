"""Micro-meeting pages: a co-op's opt-in, the coordinator's proposal, held and cancelled."""

from __future__ import annotations

from datetime import time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.auth.access import COORDINATOR, MEMBER, STAFF, access
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid
from coopnet.extensions import db
from coopnet.members.rules import member_organization_of
from coopnet.pairings import queries
from coopnet.pairings.forms import AcceptForm, CancelForm, HeldForm, ProfileForm
from coopnet.pairings.matching import normalize_province, propose
from coopnet.pairings.models import PAIRING_STATUSES, STATUS_LABELS
from coopnet.pairings.services import (
    accept_pairing,
    cancel_pairing,
    mark_held,
    reason_sentences,
    save_profile,
)
from coopnet.timezones import brussels, brussels_today
from coopnet.validators import is_row_id
from coopnet.web.forms import show_errors
from coopnet.web.lookups import found_or_404

bp = Blueprint("pairings", __name__)


def _profile_form(organization_id: int) -> ProfileForm:
    profile = queries.profile_of(organization_id)
    form = ProfileForm(obj=profile)
    if profile is None and request.method == "GET":
        form.active.data = True
    return form


def _save(form: ProfileForm, organization) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        save_profile(organization, form.to_input(), actor=current_user)
    except Invalid as error:
        show_errors(form, error)
        return False
    db.session.commit()
    flash(_("Your choices are saved."), "success")
    return True


# --- member co-ops --------------------------------------------------------------------

@bp.route("/me/micro-meetings", methods=["GET", "POST"])
@access(MEMBER)
def mine():
    """A contact person opts their co-op in or out, and sees its micro-meetings."""
    organization = member_organization_of(current_user.person, utcnow())
    if organization is None:
        return render_template("vacancies/no_organization.html")
    form = _profile_form(organization.id)
    if _save(form, organization):
        return redirect(url_for("pairings.mine"))
    return render_template("pairings/mine.html", form=form, organization=organization,
                           pairings=queries.organization_pairings(organization.id))


# --- staff ----------------------------------------------------------------------------

@bp.route("/staff/pairings")
@access(STAFF)
def index():
    """Micro-meetings by status: planned ones to mark held or cancel, and the history."""
    status = request.args.get("status", "accepted")
    if status not in PAIRING_STATUSES and status != "":
        status = "accepted"
    today = brussels_today(utcnow())
    held_form = HeldForm(formdata=None, held_on=today)
    return render_template("pairings/index.html", pairings=queries.pairings(status),
                           status=status, statuses=PAIRING_STATUSES, status_labels=STATUS_LABELS,
                           held_form=held_form)


@bp.route("/staff/pairings/proposal")
@access(COORDINATOR)
def proposal():
    """coopnet's suggested duos and trios among opted-in members, each with its reasons."""
    today = brussels_today(utcnow())
    profiles = queries.active_profiles(today)
    by_id = {p.organization_id: p for p in profiles}
    suggestions = propose([queries.candidate_of(p) for p in profiles],
                          queries.met_before(list(by_id)))
    names = {i: p.organization.name for i, p in by_id.items()}
    placed = {m for s in suggestions for m in s.members}
    unplaced = [p for p in profiles if p.organization_id not in placed]
    rows = [{
        "members": [by_id[m] for m in s.members],
        "reasons": reason_sentences(s.reasons, names),
        "form": AcceptForm(formdata=None, members=",".join(map(str, s.members)),
                           day=today + timedelta(days=14), at=time(10, 0)),
    } for s in suggestions]
    return render_template("pairings/proposal.html", rows=rows, unplaced=unplaced,
                           count=len(profiles), province_of=normalize_province)


@bp.route("/staff/pairings/accept", methods=["POST"])
@access(COORDINATOR)
def accept():
    """Turn a suggestion into a pairing and its micro-ontmoeting event."""
    form = AcceptForm()
    if not form.validate_on_submit():
        flash(_("Choose a date and a time for the meeting."), "danger")
        return redirect(url_for("pairings.proposal"))
    try:
        ids = [int(x) for x in (form.members.data or "").split(",") if x.strip()]
    except ValueError:
        abort(400)
    if not all(is_row_id(i) for i in ids):
        abort(404)
    organizations = list(queries.organizations_by_id(ids).values())
    if len(organizations) != len(set(ids)):
        abort(404)
    try:
        pairing = accept_pairing(organizations, starts_at=brussels(form.day.data, form.at.data),
                                 actor=current_user)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("pairings.proposal"))
    db.session.commit()
    flash(_("The micro-meeting is planned and its members are registered."), "success")
    return redirect(url_for("pairings.index", status="accepted", _anchor=f"pairing-{pairing.id}"))


@bp.route("/staff/pairings/<int:pairing_id>/held", methods=["POST"])
@access(STAFF)
def held(pairing_id: int):
    """Record that a micro-meeting took place."""
    pairing = found_or_404(queries.pairing(pairing_id))
    form = HeldForm()
    if form.validate_on_submit():
        try:
            mark_held(pairing, form.held_on.data, actor=current_user)
        except DomainError as error:
            message = next(iter(error.fields.values()), error.message)
            flash(message, "danger")
        else:
            db.session.commit()
            flash(_("The micro-meeting is recorded as held."), "success")
    else:
        flash(_("Enter the date of the meeting."), "danger")
    return redirect(url_for("pairings.index"))


@bp.route("/staff/pairings/<int:pairing_id>/cancel", methods=["GET", "POST"])
@access(STAFF)
def cancel(pairing_id: int):
    """Call a micro-meeting off, after a confirmation page (it mails every contact)."""
    pairing = found_or_404(queries.pairing(pairing_id))
    form = CancelForm()
    if request.method == "GET":
        if pairing.status != "accepted":
            return redirect(url_for("pairings.index"))
        return render_template("pairings/cancel.html", pairing=pairing, form=form)
    if form.validate_on_submit():
        try:
            cancel_pairing(pairing, actor=current_user)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The micro-meeting is cancelled."), "success")
    return redirect(url_for("pairings.index"))


@bp.route("/staff/pairings/profiles")
@access(STAFF)
def profiles():
    """Which co-ops opted in, and what they offer and look for."""
    return render_template("pairings/profiles.html", profiles=queries.all_profiles())


@bp.route("/staff/pairings/profiles/<int:organization_id>", methods=["GET", "POST"])
@access(STAFF)
def edit_profile(organization_id: int):
    """Staff set a co-op's opt-in for it (e.g. after a phone call)."""
    organization = found_or_404(queries.organizations_by_id([organization_id]).get(organization_id))
    form = _profile_form(organization.id)
    if _save(form, organization):
        return redirect(url_for("pairings.profiles"))
    return render_template("pairings/edit_profile.html", form=form, organization=organization)
