"""Forms of the member register, the contact log and the member list import (shape only)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from coopnet.validators import EmailAddress

# the Belgian provinces and the Brussels region, as stored (data stays Dutch)
PROVINCES = (
    "Antwerpen", "Brussels Hoofdstedelijk Gewest", "Henegouwen", "Limburg", "Luik",
    "Luxemburg", "Namen", "Oost-Vlaanderen", "Vlaams-Brabant", "Waals-Brabant",
    "West-Vlaanderen",
)

CONTACT_KIND_LABELS = {
    "intro": _l("intro conversation"),
    "conversation": _l("member conversation"),
    "visit": _l("visit"),
    "phone": _l("phone call"),
    "email": _l("e-mail"),
}

# what an import would change, as shown in the preview
IMPORT_FIELD_LABELS = {
    "name": _l("Name"),
    "enterprise_number": _l("Enterprise number"),
    "legal_form": _l("Legal form"),
    "sector": _l("Sector"),
    "province": _l("Province or region"),
    "city": _l("City"),
    "website": _l("Website"),
    "membership": _l("membership period"),
    "membership_end": _l("end of membership"),
    "contact": _l("contact person"),
}

DATE_MESSAGE = _l("Enter a date (day, month, year).")


class OrganizationForm(FlaskForm):
    """An organisation's details; membership dates only when it is created."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the organisation's name.")),
                                               Length(max=200)])
    enterprise_number = StringField(
        _l("Enterprise number"), validators=[Optional(), Length(max=20)],
        description=_l("KBO/BCE number, e.g. 0123.456.749"))
    legal_form = StringField(_l("Legal form"), validators=[Optional(), Length(max=80)])
    sector = StringField(_l("Sector"), validators=[Optional(), Length(max=80)])
    province = SelectField(_l("Province or region"), validators=[Optional()],
                           choices=[("", "—")] + [(p, p) for p in PROVINCES])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    member_since = DateField(_l("Member since"), validators=[Optional()])
    member_until = DateField(_l("Member until"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # keep a province that is not in the list (e.g. imported) selectable
        current = self.province.data or (kwargs.get("obj") and kwargs["obj"].province)
        if current and current not in PROVINCES:
            self.province.choices = [*self.province.choices, (current, current)]


class MembershipForm(FlaskForm):
    """A membership period."""

    starts_on = DateField(_l("Member since"), validators=[DataRequired(DATE_MESSAGE)])
    ends_on = DateField(_l("Member until"), validators=[Optional()],
                        description=_l("Leave empty while the membership runs."))
    submit = SubmitField(_l("Add period"))


class EndMembershipForm(FlaskForm):
    """The last day of an open membership."""

    ends_on = DateField(_l("Last day of membership"), validators=[DataRequired(DATE_MESSAGE)])
    submit = SubmitField(_l("End membership"))


class PersonForm(FlaskForm):
    """A contact person."""

    first_name = StringField(_l("First name"), validators=[DataRequired(_l("Enter a first name.")),
                                                           Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=100)])
    role = StringField(_l("Role"), validators=[Optional(), Length(max=120)],
                       description=_l("e.g. director, coordinator"))
    email = EmailField(_l("E-mail address"), validators=[Optional(), EmailAddress(),
                                                         Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Save"))


class ContactForm(FlaskForm):
    """Log a contact with a member co-op."""

    kind = SelectField(_l("Kind of contact"), choices=list(CONTACT_KIND_LABELS.items()),
                       validators=[DataRequired(_l("Choose the kind of contact."))])
    contacted_on = DateField(_l("Date"), validators=[DataRequired(DATE_MESSAGE)])
    person_id = SelectField(_l("Spoke with"), coerce=int, choices=[(0, "—")],
                            validate_choice=True)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)],
                          render_kw={"rows": 3})
    follow_up_on = DateField(_l("Follow up on"), validators=[Optional()],
                             description=_l("Optional: when to get back to them."))
    submit = SubmitField(_l("Log contact"))


class ImportForm(FlaskForm):
    """The member list file."""

    file = FileField(_l("Member list (CSV or XLSX)"),
                     validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Show preview"))


class ConfirmForm(FlaskForm):
    """An empty form: a POST with the CSRF token."""

    submit = SubmitField(_l("Confirm"))
