"""Forms of the plan pages (shape of input only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from coopnet.plan.measures import MEASURES
from coopnet.plan.models import COMMENT_MAX_LENGTH


def no_nul(value: object) -> object:
    """Drop NUL characters: PostgreSQL refuses them in text and nobody types them."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class CleanStringField(StringField):
    """A text field without NUL characters."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("filters", [no_nul])
        super().__init__(*args, **kwargs)


class CleanTextAreaField(TextAreaField):
    """A text area without NUL characters."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("filters", [no_nul])
        super().__init__(*args, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ImportForm(FlaskForm):
    """Upload or paste a plan; preview first, then import."""

    name = CleanStringField(_l("Name of the plan"), validators=[Optional(), Length(max=200)])
    starts_on = DateField(_l("Start of the period"), validators=[Optional()])
    ends_on = DateField(_l("End of the period"), validators=[Optional()])
    file = FileField(_l("Spreadsheet (XLSX, CSV or tab-separated text)"))
    text = CleanTextAreaField(_l("…or paste the cells from the spreadsheet, or the plan as text"),
                         validators=[Optional(), Length(max=500_000)])
    rows = HiddenField(validators=[Optional(), Length(max=2_000_000)])
    accept = BooleanField(_l("Confirm every proposed indicator at once"))


def measure_choices() -> list[tuple[str, str]]:
    """The measures a coordinator can choose, by their translated names."""
    return [("", str(_l("— no measure yet —")))] + [
        (key, str(kind.label)) for key, kind in MEASURES.items()]


class IndicatorForm(FlaskForm):
    """Edit and confirm an indicator."""

    text = CleanTextAreaField(_l("Text"), validators=[DataRequired(), Length(max=2000)])
    target = DecimalField(_l("Target"), places=None, validators=[
        Optional(), NumberRange(min=0, max=1e9)])
    unit = CleanStringField(_l("Unit"), validators=[Optional(), Length(max=60)])
    measure = SelectField(_l("Measure"), choices=[], validate_choice=True)
    kinds = MultiCheckboxField(_l("Only events of these kinds"), choices=[])
    cities = CleanStringField(_l("Only events in these cities (comma-separated)"),
                         validators=[Optional(), Length(max=300)])
    baseline = DateField(_l("Baseline date (member growth)"), validators=[Optional()])
    starts_on = DateField(_l("Own period: from"), validators=[Optional()])
    ends_on = DateField(_l("Own period: until"), validators=[Optional()])
    confirm = BooleanField(_l("Confirmed: this indicator counts"))


class ManualValueForm(FlaskForm):
    """A value entered by hand, or a milestone marked done (1) / not done (0)."""

    value = DecimalField(_l("Value"), places=None,
                         validators=[DataRequired(), NumberRange(min=0, max=1e9)])
    recorded_on = DateField(_l("Date"), validators=[DataRequired()])
    note = CleanStringField(_l("Note"), validators=[Optional(), Length(max=500)])


class MilestoneForm(FlaskForm):
    """Mark a milestone done or not done on a date."""

    done = SelectField(_l("State"), choices=[("1", _l("Done")), ("0", _l("Not done"))])
    recorded_on = DateField(_l("Date"), validators=[DataRequired()])
    note = CleanStringField(_l("Note"), validators=[Optional(), Length(max=500)])


class NewIndicatorForm(FlaskForm):
    """Add an indicator to an action."""

    text = CleanStringField(_l("Indicator text"), validators=[DataRequired(), Length(max=2000)])


class LinkEventForm(FlaskForm):
    """Link one event to an action."""

    event_id = SelectField(_l("Event"), coerce=int, choices=[], validate_choice=True)


class SnapshotForm(FlaskForm):
    """Freeze the report at a date."""

    at = DateField(_l("Report date"), validators=[DataRequired()])
    note = CleanStringField(_l("Note (e.g. sent to the funder)"), validators=[Optional(),
                                                                         Length(max=200)])


class ReportCommentForm(FlaskForm):
    """The coordinator's comment on an action in a frozen report (empty removes it)."""

    text = CleanTextAreaField(_l("Comment"), validators=[Optional(),
                                                         Length(max=COMMENT_MAX_LENGTH)])


class EmptyForm(FlaskForm):
    """A button that only needs CSRF protection."""


class LinkUnlinkedEventsForm(FlaskForm):
    """Link the ticked unlinked events to one action of the plan."""

    event_ids = MultiCheckboxField(_l("Events"), coerce=int, choices=[], validate_choice=False,
                                   validators=[DataRequired()])
    action_id = SelectField(_l("Count them for action"), coerce=int, choices=[],
                            validate_choice=True)
