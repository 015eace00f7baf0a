"""Staff pages to export or erase a person's data."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from coopnet.auth.access import STAFF, access
from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.privacy.services import erase_person, export_person

bp = Blueprint("privacy", __name__, url_prefix="/staff/people")


class EraseForm(FlaskForm):
    """Explicit confirmation before erasing."""

    confirm = BooleanField(validators=[DataRequired()])


@bp.route("/<int:person_id>/export.json")
@access(STAFF)
def export(person_id: int):
    """Download everything stored about a person (GDPR access request)."""
    response = jsonify(export_person(db.get_or_404(Person, person_id)))
    response.headers["Content-Disposition"] = f"attachment; filename=person-{person_id}.json"
    return response


@bp.route("/<int:person_id>/erase", methods=["GET", "POST"])
@access(STAFF)
def erase(person_id: int):
    """Erase a person's personal data after an explicit confirmation."""
    person = db.get_or_404(Person, person_id)
    form = EraseForm()
    if form.validate_on_submit():
        erase_person(person, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("The personal data has been erased. Attendance keeps counting anonymously."),
              "success")
        return redirect(url_for("members.people"))
    return render_template("members/erase.html", person=person, form=form)
