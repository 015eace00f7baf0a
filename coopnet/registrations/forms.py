"""Shapes of the registration forms (the rules live in services.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from coopnet.validators import EmailAddress


class RegistrationForm(FlaskForm):
    """Name, e-mail, organisation (a member co-op from the list, or typed) and consent."""

    name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Fill in your name.")), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(message=_l("Enter a valid e-mail address.")), EmailAddress()])
    organization = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    consent = BooleanField(validators=[
        DataRequired(message=_l("Agree to the privacy notice to register."))])


class CancelForm(FlaskForm):
    """Only the CSRF token: cancelling is a deliberate POST after a confirmation step."""

    submit = SubmitField(_l("Yes, cancel my registration"))


class SearchForm(FlaskForm):
    """Search a registration list by name, e-mail or organisation (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])


class StaffActionForm(FlaskForm):
    """Only the CSRF token: a staff action on one registration (cancel, resend the ticket)."""

    submit = SubmitField(_l("Confirm"))


class CorrectForm(FlaskForm):
    """Staff fix the person's name and address and the organisation typed at registration."""

    first_name = StringField(_l("First name"), validators=[
        DataRequired(message=_l("Fill in the first name.")), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(message=_l("Enter a valid e-mail address.")), EmailAddress()])
    organization = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class MoveForm(FlaskForm):
    """The event to move a registration to, among the eligible ones."""

    target = SelectField(_l("Move to"), coerce=int, validators=[
        DataRequired(message=_l("Choose an event."))])
    submit = SubmitField(_l("Move"))
