"""Staff pages of the member register and the member contact log (under /staff/members)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coopnet.auth.access import STAFF, access
from coopnet.auth.urls import safe_next
from coopnet.db import utcnow
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.members import importer, queries, services
from coopnet.members.forms import (
    CONTACT_KIND_LABELS,
    IMPORT_FIELD_LABELS,
    ConfirmForm,
    ContactForm,
    EndMembershipForm,
    ImportForm,
    MembershipForm,
    OrganizationForm,
    PersonForm,
)
from coopnet.members.kbo import format_kbo
from coopnet.members.models import MemberContact, Membership, Organization, Person
from coopnet.members.rules import member_organization_of, was_member_on_any
from coopnet.registrations import claims
from coopnet.registrations.queries import registrations_of
from coopnet.timezones import brussels_today
from coopnet.validators import clean_text
from coopnet.web.forms import show_errors
from coopnet.web.lookups import found_or_404
from coopnet.web.pagination import Pager, page_number

bp = Blueprint("members", __name__, url_prefix="/staff/members")

# rows on a page of the register and of the people search
PAGE_SIZE = 50

ORG_FIELDS = ("name", "enterprise_number", "legal_form", "sector", "province", "city", "website")


@bp.app_template_filter("kbo")
def _kbo_filter(value: str | None) -> str:
    return format_kbo(value)


def _today() -> date:
    return brussels_today(utcnow())


@bp.route("/")
@access(STAFF)
def index():
    """The register: search and filter organisations."""
    flt = queries.OrganizationFilter(
        search=clean_text(request.args.get("q"))[:100],
        sector=clean_text(request.args.get("sector"))[:80],
        province=clean_text(request.args.get("province"))[:80],
        status=request.args.get("status", "") if request.args.get("status") in
        queries.MEMBER_STATUSES else "",
    )
    page = page_number()
    today = _today()
    rows, total = queries.register_list(flt, today, page=page, per_page=PAGE_SIZE)
    sectors, provinces = queries.filter_choices()
    last_contacts = queries.last_contact_dates([org.id for org, _member in rows])
    return render_template(
        "members/index.html", rows=rows, total=total, flt=flt,
        pager=Pager(page=page, per_page=PAGE_SIZE, total=total),
        sectors=sectors, provinces=provinces, last_contacts=last_contacts,
        member_count=queries.member_count_on(today), today=today,
    )


@bp.route("/new", methods=["GET", "POST"])
@access(STAFF)
def create():
    """Add an organisation to the register."""
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            organization = services.create_organization(
                actor=current_user, member_since=form.member_since.data,
                member_until=form.member_until.data,
                **{name: getattr(form, name).data for name in ORG_FIELDS})
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is in the register.", name=organization.name), "success")
            return redirect(url_for("members.detail", organization_id=organization.id))
    return render_template("members/form.html", form=form, organization=None)


@bp.route("/<int:organization_id>/edit", methods=["GET", "POST"])
@access(STAFF)
def edit(organization_id: int):
    """Change an organisation's details."""
    organization = found_or_404(queries.organization_detail(organization_id))
    form = OrganizationForm(obj=organization)
    if request.method == "GET":
        form.enterprise_number.data = format_kbo(organization.enterprise_number)
    del form.member_since, form.member_until
    if form.validate_on_submit():
        try:
            services.update_organization(
                organization, actor=current_user,
                **{name: getattr(form, name).data for name in ORG_FIELDS})
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("members.detail", organization_id=organization.id))
    return render_template("members/form.html", form=form, organization=organization)


def _contact_form(organization, data=None) -> ContactForm:
    form = ContactForm(data=data)
    form.person_id.choices = [(0, "—")] + [
        (person.id, person.full_name) for person in organization.people if not person.is_erased]
    return form


def _render_detail(organization, *, contact_form=None, membership_form=None,
                   end_form=None, status: int = 200):
    today = _today()
    return render_template(
        "members/detail.html", organization=organization, today=today,
        contacts=queries.contacts_of(organization.id),
        people=queries.contact_persons_of(organization.id),
        is_member=was_member_on_any(organization.memberships, today),
        contact_form=contact_form or _contact_form(organization, {"contacted_on": today}),
        membership_form=membership_form or MembershipForm(formdata=None),
        end_form=end_form or EndMembershipForm(formdata=None, data={"ends_on": today}),
        kind_labels=CONTACT_KIND_LABELS,
        claimants=claims.unconfirmed_claimants(organization.id), confirm_form=ConfirmForm(),
    ), status


@bp.route("/<int:organization_id>")
@access(STAFF)
def detail(organization_id: int):
    """One organisation: details, membership history, contact persons, contact log."""
    return _render_detail(found_or_404(queries.organization_detail(organization_id)))


@bp.route("/<int:organization_id>/contacts", methods=["POST"])
@access(STAFF)
def log_contact(organization_id: int):
    """Log a contact with this organisation."""
    organization = found_or_404(queries.organization_detail(organization_id))
    form = _contact_form(organization)
    if form.validate_on_submit():
        person = db.session.get(Person, form.person_id.data) if form.person_id.data else None
        try:
            services.log_contact(
                organization, kind=form.kind.data, contacted_on=form.contacted_on.data,
                person=person, notes=form.notes.data or "", follow_up_on=form.follow_up_on.data,
                actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Contact logged."), "success")
            return redirect(url_for("members.detail", organization_id=organization.id))
    return _render_detail(organization, contact_form=form, status=422)


@bp.route("/<int:organization_id>/memberships", methods=["POST"])
@access(STAFF)
def add_membership(organization_id: int):
    """Record a membership period."""
    organization = found_or_404(queries.organization_detail(organization_id))
    form = MembershipForm()
    if form.validate_on_submit():
        try:
            services.add_membership(organization, form.starts_on.data, form.ends_on.data,
                                    actor=current_user)
        except DomainError as error:
            db.session.rollback()
            organization = found_or_404(queries.organization_detail(organization_id))
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Membership period saved."), "success")
            return redirect(url_for("members.detail", organization_id=organization.id))
    return _render_detail(organization, membership_form=form, status=422)


@bp.route("/<int:organization_id>/memberships/<int:membership_id>/end", methods=["POST"])
@access(STAFF)
def end_membership(organization_id: int, membership_id: int):
    """End an open membership period."""
    organization = found_or_404(queries.organization_detail(organization_id))
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organization_id != organization.id:
        abort(404)
    form = EndMembershipForm()
    if form.validate_on_submit():
        try:
            services.end_membership(membership, form.ends_on.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            organization = found_or_404(queries.organization_detail(organization_id))
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Membership ended."), "success")
            return redirect(url_for("members.detail", organization_id=organization.id))
    return _render_detail(organization, end_form=form, status=422)


@bp.route("/<int:organization_id>/people/new", methods=["GET", "POST"])
@bp.route("/<int:organization_id>/people/<int:person_id>/edit", methods=["GET", "POST"])
@access(STAFF)
def person_form(organization_id: int, person_id: int | None = None):
    """Add or change a contact person of this organisation."""
    organization = found_or_404(queries.organization_detail(organization_id))
    person = None
    if person_id is not None:
        person = db.session.get(Person, person_id)
        if person is None or person.organization_id != organization.id:
            abort(404)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        try:
            services.save_contact_person(
                organization, person, first_name=form.first_name.data or "",
                last_name=form.last_name.data or "", email=form.email.data,
                phone=form.phone.data, role=form.role.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(_("Contact person saved."), "success")
            return redirect(url_for("members.detail", organization_id=organization.id))
    return render_template("members/person_form.html", form=form, organization=organization,
                           person=person)


# --- people: find anyone, see their organisation claims, confirm one ------------------

@bp.route("/people")
@access(STAFF)
def people():
    """Find a person by name or e-mail address (contact persons, registrants, walk-ins)."""
    search = clean_text(request.args.get("q"))[:100]
    page = page_number()
    found, total = (queries.find_people(search, page=page, per_page=PAGE_SIZE) if search
                    else ([], 0))
    return render_template("members/people.html", search=search, people=found, total=total,
                           pager=Pager(page=page, per_page=PAGE_SIZE, total=total))


@bp.route("/people/<int:person_id>")
@access(STAFF)
def person(person_id: int):
    """A person: whose contact person they are, what they claimed at registrations, where
    they registered."""
    found = db.get_or_404(Person, person_id)
    return render_template(
        "members/person.html", person=found, claims=claims.organization_claims(found),
        registrations=registrations_of(found.id), form=ConfirmForm(),
        is_member=member_organization_of(found, utcnow()) is not None,
    )


@bp.route("/people/<int:person_id>/claims/<int:organization_id>", methods=["POST"])
@access(STAFF)
def confirm_claim(person_id: int, organization_id: int):
    """Confirm with one click that a person is a contact person of the co-op they named."""
    found = db.get_or_404(Person, person_id)
    organization = db.get_or_404(Organization, organization_id)
    form = ConfirmForm()
    back = safe_next(request.args.get("next")) or url_for("members.person", person_id=found.id)
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "danger")
        return redirect(back)
    try:
        claims.confirm_organization_claim(found, organization, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(back)
    db.session.commit()
    flash(_("%(person)s is now a contact person of %(organization)s.", person=found.full_name,
            organization=organization.name), "success")
    return redirect(back)


@bp.route("/contacts/<int:contact_id>/follow-up-done", methods=["POST"])
@access(STAFF)
def follow_up_done(contact_id: int):
    """Mark a follow-up as done."""
    contact = db.get_or_404(MemberContact, contact_id)
    try:
        services.complete_follow_up(contact, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Follow-up marked as done."), "success")
    target = request.form.get("next", "")
    if target == "overview":
        return redirect(url_for("members.contacts_overview"))
    return redirect(url_for("members.detail", organization_id=contact.organization_id))


def _period_from_args(today: date) -> tuple[date, date, str | None]:
    """The period chosen on the page; default: the current calendar year."""
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    error = None
    try:
        if request.args.get("start"):
            start = date.fromisoformat(request.args["start"])
        if request.args.get("end"):
            end = date.fromisoformat(request.args["end"])
    except ValueError:
        error = _("Enter dates as year-month-day.")
        start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    if end < start:
        error = _("The end date is before the start date.")
        start, end = end, start
    return start, end, error


@bp.route("/contacts")
@access(STAFF)
def contacts_overview():
    """What the plan asks: members not contacted, new members without intro, follow-ups due."""
    today = _today()
    start, end, error = _period_from_args(today)
    if error:
        flash(error, "danger")
    not_contacted = db.session.execute(queries.members_not_contacted_between(start, end)
                                       ).scalars().all()
    without_intro = db.session.execute(queries.new_members_without_intro(start, end)
                                       ).scalars().all()
    due = db.session.execute(queries.follow_ups_due(today).options(
        *queries.contact_list_options())).scalars().all()
    return render_template(
        "members/contacts.html", start=start, end=end, today=today,
        not_contacted=not_contacted, without_intro=without_intro, due=due,
        members_during=queries.count_of(queries.members_during(start, end)),
        new_members=queries.new_member_count_between(start, end),
        kind_labels=CONTACT_KIND_LABELS,
    )





# --- importing the member list -------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@access(STAFF)
def import_upload():
    """Upload a member list (CSV or XLSX); nothing is saved to the register yet."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            parsed = importer.parse_member_file(upload.filename or "", upload.read())
            member_import = importer.store_import(parsed, filename=upload.filename or "",
                                                  actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            return redirect(url_for("members.import_preview", token=member_import.token))
    return render_template("members/import_upload.html", form=form,
                           headers=importer.HEADERS), 200 if not form.errors else 422


@bp.route("/import/<token>")
@access(STAFF)
def import_preview(token: str):
    """What confirming would do: rows to create, to update, and refused rows with the reason."""
    member_import = found_or_404(queries.member_import_by_token(token))
    plan = importer.plan_import(list(member_import.rows))
    return render_template(
        "members/import_preview.html", member_import=member_import, plan=plan,
        rejected=sorted([*member_import.rejected, *plan.rejected], key=lambda r: r["line"]),
        form=ConfirmForm(), field_labels=IMPORT_FIELD_LABELS,
    )


@bp.route("/import/<token>", methods=["POST"])
@access(STAFF)
def import_confirm(token: str):
    """Apply the previewed import (once)."""
    member_import = found_or_404(queries.member_import_by_token(token))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("members.import_preview", token=token))
    try:
        result = importer.apply_member_import(member_import, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("members.import_preview", token=token))
    db.session.commit()
    flash(_("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(skipped)s skipped.", created=result.created, updated=result.updated,
            unchanged=result.unchanged, skipped=len(result.skipped)), "success")
    for skipped in result.skipped[:20]:
        flash(_("Line %(line)s (%(name)s): %(reason)s", line=skipped["line"],
                name=skipped["name"], reason=skipped["reason"]), "warning")
    return redirect(url_for("members.index"))
