"""Shapes of the registration forms (the rules live in services.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, SubmitField
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
