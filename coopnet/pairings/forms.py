"""Micro-meeting forms: opt-in, accepting a suggestion, held."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from coopnet.pairings.models import THEME_LABELS, THEMES
from coopnet.pairings.services import TEXT_MAX, ProfileInput


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (easier on a phone than a multiple select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _themes() -> list[tuple[str, object]]:
    return [(t, THEME_LABELS[t]) for t in THEMES]


class ProfileForm(FlaskForm):
    """A co-op's micro-meeting opt-in."""

    active = BooleanField(_l("Yes, we want to meet other member co-ops (duo or trio)"))
    offers = MultiCheckboxField(_l("We can offer help or experience with"), choices=_themes(),
                                validate_choice=False)
    offer_text = TextAreaField(_l("What else can you offer?"), validators=[Length(max=TEXT_MAX)],
                               render_kw={"rows": 2})
    needs = MultiCheckboxField(_l("We are looking for help or experience with"),
                               choices=_themes(), validate_choice=False)
    need_text = TextAreaField(_l("What else are you looking for?"),
                              validators=[Length(max=TEXT_MAX)], render_kw={"rows": 2})
    submit = SubmitField(_l("Save"))

    def to_input(self) -> ProfileInput:
        """The form's data in the service's shape."""
        return ProfileInput(active=bool(self.active.data), offers=list(self.offers.data or []),
                            needs=list(self.needs.data or []),
                            offer_text=self.offer_text.data or "",
                            need_text=self.need_text.data or "")


class AcceptForm(FlaskForm):
    """Accept a suggested duo or trio and plan its meeting."""

    members = HiddenField(validators=[DataRequired()])
    day = DateField(_l("Date"), validators=[DataRequired(_l("Enter a date."))])
    at = TimeField(_l("Time"), validators=[DataRequired(_l("Enter a time."))])
    submit = SubmitField(_l("Accept"))


class HeldForm(FlaskForm):
    """The date a micro-meeting took place."""

    held_on = DateField(_l("Held on"), validators=[DataRequired(_l("Enter the date of the meeting."))])
    submit = SubmitField(_l("Mark as held"))


class CancelForm(FlaskForm):
    """Call a micro-meeting off."""

    submit = SubmitField(_l("Cancel the micro-meeting"))
