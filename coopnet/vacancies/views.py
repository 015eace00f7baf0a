"""Vacancy pages: the public list and feed, a co-op's own vacancies, staff moderation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.auth.access import MEMBER, PUBLIC, STAFF, access
from coopnet.db import utcnow
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.timezones import brussels_today
from coopnet.vacancies import queries
from coopnet.vacancies.forms import ConfirmForm, RejectForm, VacancyFilterForm, VacancyForm
from coopnet.vacancies.models import STATUS_LABELS, VACANCY_KINDS, VACANCY_STATUSES
from coopnet.vacancies.services import (
    approve_vacancy,
    organization_of,
    reject_vacancy,
    submit_vacancy,
    update_vacancy,
    withdraw_vacancy,
)
from coopnet.web.forms import show_errors
from coopnet.web.lookups import found_or_404
from coopnet.web.pagination import Pager, page_number

bp = Blueprint("vacancies", __name__)


def _today():
    return brussels_today(utcnow())


# --- public ---------------------------------------------------------------------------

@bp.route("/vacatures")
@access(PUBLIC)
def index():
    """Published vacancies at member co-ops, filterable by kind, province, city and text."""
    today = _today()
    form = VacancyFilterForm(request.args)
    form.province.choices = [("", _("All provinces"))] + [
        (p, p) for p in queries.provinces_with_listed_vacancies(today)
    ]
    filters = queries.VacancyFilter()
    if form.validate():
        filters = queries.VacancyFilter(
            kind=form.kind.data if form.kind.data in VACANCY_KINDS else "",
            province=form.province.data or "", place=(form.place.data or "").strip(),
            text=(form.q.data or "").strip(),
        )
    page = db.paginate(queries.listed_vacancies(today, filters), page=page_number(),
                       per_page=queries.PAGE_SIZE, error_out=False, count=True)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("vacancies/index.html", form=form, page=page, pager=Pager.of(page),
                           args=args,
                           filtered=any(vars(filters).values()))


@bp.route("/vacatures/<int:vacancy_id>")
@access(PUBLIC)
def detail(vacancy_id: int):
    """One published vacancy."""
    vacancy = found_or_404(queries.listed_vacancy(vacancy_id, _today()))
    return render_template("vacancies/detail.html", vacancy=vacancy)


@bp.route("/vacatures/feed.atom")
@access(PUBLIC)
def feed():
    """Atom feed of the listed vacancies, newest first."""
    vacancies = queries.feed_vacancies(_today())
    updated = max((v.updated_at for v in vacancies), default=utcnow())
    body = render_template("vacancies/feed.xml", vacancies=vacancies, updated=updated,
                           feed_title=_("Vacancies at Coopkracht members"))
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


# --- member co-ops --------------------------------------------------------------------

def _no_organization():
    return render_template("vacancies/no_organization.html")


@bp.route("/me/vacancies")
@access(MEMBER)
def mine():
    """The vacancies of the signed-in contact person's co-op, with their review status."""
    organization = organization_of(current_user)
    if organization is None:
        return _no_organization()
    return render_template("vacancies/mine.html", organization=organization,
                           vacancies=queries.organization_vacancies(organization.id),
                           withdraw_form=ConfirmForm(), today=_today())


@bp.route("/me/vacancies/new", methods=["GET", "POST"])
@access(MEMBER)
def new():
    """Post a vacancy for one's own co-op."""
    organization = organization_of(current_user)
    if organization is None:
        return _no_organization()
    form = VacancyForm()
    if form.validate_on_submit():
        try:
            submit_vacancy(organization, form.to_input(), actor=current_user)
        except DomainError as error:
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Thank you. Coopkracht staff review your vacancy and publish it soon."),
                  "success")
            return redirect(url_for("vacancies.mine"))
    return render_template("vacancies/form.html", form=form, organization=organization,
                           vacancy=None)


@bp.route("/me/vacancies/<int:vacancy_id>/edit", methods=["GET", "POST"])
@access(MEMBER)
def edit(vacancy_id: int):
    """Change one of one's own co-op's vacancies (it goes back to review)."""
    organization = organization_of(current_user)
    if organization is None:
        return _no_organization()
    vacancy = queries.organization_vacancy(organization.id, vacancy_id)
    if vacancy is None or vacancy.status == "withdrawn":
        abort(404)
    form = VacancyForm(obj=vacancy)
    if form.validate_on_submit():
        try:
            update_vacancy(vacancy, form.to_input(), actor=current_user)
        except DomainError as error:
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("vacancies.mine"))
    return render_template("vacancies/form.html", form=form, organization=organization,
                           vacancy=vacancy)


@bp.route("/me/vacancies/<int:vacancy_id>/withdraw", methods=["POST"])
@access(MEMBER)
def withdraw(vacancy_id: int):
    """Take one of one's own co-op's vacancies off the list."""
    organization = organization_of(current_user)
    vacancy = (queries.organization_vacancy(organization.id, vacancy_id)
               if organization is not None else None)
    if vacancy is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            withdraw_vacancy(vacancy, actor=current_user)
        except DomainError as error:
            flash(error.message, "warning")
        else:
            db.session.commit()
            flash(_("The vacancy is withdrawn."), "success")
    return redirect(url_for("vacancies.mine"))


# --- staff ----------------------------------------------------------------------------

@bp.route("/staff/vacancies")
@access(STAFF)
def staff_list():
    """Vacancies by status; those awaiting review first."""
    status = request.args.get("status", "submitted")
    if status not in VACANCY_STATUSES and status != "":
        status = "submitted"
    page = db.paginate(queries.vacancies_for_review(status), page=page_number(), per_page=50,
                       error_out=False)
    return render_template("vacancies/staff_list.html", page=page, pager=Pager.of(page),
                           status=status,
                           counts=queries.status_counts(), statuses=VACANCY_STATUSES,
                           status_labels=STATUS_LABELS)


@bp.route("/staff/vacancies/<int:vacancy_id>")
@access(STAFF)
def staff_detail(vacancy_id: int):
    """One vacancy as submitted, with approve and reject."""
    vacancy = found_or_404(queries.vacancy_with_details(vacancy_id))
    return render_template("vacancies/staff_detail.html", vacancy=vacancy,
                           approve_form=ConfirmForm(), reject_form=RejectForm(), today=_today())


@bp.route("/staff/vacancies/<int:vacancy_id>/approve", methods=["POST"])
@access(STAFF)
def approve(vacancy_id: int):
    """Publish a vacancy."""
    vacancy = found_or_404(queries.vacancy_with_details(vacancy_id))
    if ConfirmForm().validate_on_submit():
        try:
            approve_vacancy(vacancy, actor=current_user)
        except DomainError as error:
            flash(error.message, "danger")
            return redirect(url_for("vacancies.staff_detail", vacancy_id=vacancy.id))
        db.session.commit()
        flash(_("The vacancy is published and the co-op is told by e-mail."), "success")
    return redirect(url_for("vacancies.staff_list"))


@bp.route("/staff/vacancies/<int:vacancy_id>/reject", methods=["POST"])
@access(STAFF)
def reject(vacancy_id: int):
    """Refuse a vacancy with a reason."""
    vacancy = found_or_404(queries.vacancy_with_details(vacancy_id))
    form = RejectForm()
    if form.validate_on_submit():
        try:
            reject_vacancy(vacancy, form.reason.data or "", actor=current_user)
        except DomainError as error:
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The vacancy is rejected and the co-op is told why by e-mail."), "success")
            return redirect(url_for("vacancies.staff_list"))
    return render_template("vacancies/staff_detail.html", vacancy=vacancy,
                           approve_form=ConfirmForm(), reject_form=form, today=_today()), 422
