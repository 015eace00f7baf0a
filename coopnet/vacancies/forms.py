"""Vacancy forms: posting, moderation and the public filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Form,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from coopnet.vacancies.models import KIND_LABELS, VACANCY_KINDS
from coopnet.vacancies.services import SHORT_MAX, TEXT_MAX, TITLE_MAX, VacancyInput


class VacancyForm(FlaskForm):
    """What a member co-op fills in for a vacancy."""

    kind = SelectField(_l("Kind"), choices=[(k, KIND_LABELS[k]) for k in VACANCY_KINDS],
                       validators=[DataRequired(_l("Choose a kind of vacancy."))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")),
                                                 Length(max=TITLE_MAX)])
    description = TextAreaField(
        _l("Description"), validators=[DataRequired(_l("Describe the vacancy.")),
                                       Length(max=TEXT_MAX)],
        description=_l("Plain text; empty lines separate paragraphs."),
        render_kw={"rows": 8},
    )
    place = StringField(_l("Place of work"), validators=[Length(max=SHORT_MAX)])
    hours = StringField(_l("Hours"), validators=[Length(max=SHORT_MAX)],
                        description=_l("For example: 4/5, 30 hours a week, two evenings a month."))
    how_to_apply = TextAreaField(_l("How to apply"), validators=[Length(max=TEXT_MAX)],
                                 render_kw={"rows": 3})
    closes_on = DateField(_l("Closing date"),
                          validators=[DataRequired(_l("Enter the closing date."))],
                          description=_l("The vacancy leaves the list after this day."))
    submit = SubmitField(_l("Submit for review"))

    def to_input(self) -> VacancyInput:
        """The form's data in the service's shape."""
        return VacancyInput(
            kind=self.kind.data or "", title=self.title.data or "",
            description=self.description.data or "", closes_on=self.closes_on.data,
            place=self.place.data or "", hours=self.hours.data or "",
            how_to_apply=self.how_to_apply.data or "",
        )


class RejectForm(FlaskForm):
    """Staff say why a vacancy is not published."""

    reason = TextAreaField(_l("Reason (sent to the co-op)"),
                           validators=[DataRequired(_l("Say why, so the co-op can correct it.")),
                                       Length(max=TEXT_MAX)], render_kw={"rows": 3})
    submit = SubmitField(_l("Reject"))


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (approve, withdraw)."""

    submit = SubmitField(_l("Confirm"))


class VacancyFilterForm(Form):
    """The public list's filters, read from the query string (no CSRF: it changes nothing)."""

    kind = SelectField(_l("Kind"), choices=[("", _l("All kinds"))]
                       + [(k, KIND_LABELS[k]) for k in VACANCY_KINDS],
                       validators=[Optional()], validate_choice=False)
    province = SelectField(_l("Province"), choices=[("", _l("All provinces"))],
                           validators=[Optional()], validate_choice=False)
    place = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)])
