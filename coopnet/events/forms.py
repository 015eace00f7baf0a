"""The staff event form: Brussels wall-clock times in, aware UTC out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from coopnet.timezones import BRUSSELS
from coopnet.validators import YearInRange, year_in_range

VISIBILITY_CHOICES = [("public", _l("Public")), ("members", _l("Members only")),
                      ("internal", _l("Internal meeting (not on the website)"))]


def brussels_to_utc(local: datetime | None) -> datetime | None:
    """A wall-clock time typed in Brussels as an aware datetime (refusing times that DST skips)."""
    if local is None:
        return None
    aware = local.replace(tzinfo=BRUSSELS)
    # 02:30 on the last Sunday of March does not exist in Brussels; a round trip shows it
    if aware.astimezone(UTC).astimezone(BRUSSELS).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError("nonexistent local time")
    return aware


def utc_to_brussels_naive(moment: datetime | None) -> datetime | None:
    """For pre-filling a datetime-local input."""
    return moment.astimezone(BRUSSELS).replace(tzinfo=None) if moment else None


def _existing_local_time(form: FlaskForm, field: DateTimeLocalField) -> None:
    if field.data is not None and not year_in_range(field.data):
        return  # YearInRange says so; a time in year 1 would overflow on its way to UTC
    try:
        brussels_to_utc(field.data)
    except ValueError as exc:
        raise ValidationError(str(_l("This time does not exist in Brussels (the clocks go "
                                     "forward then). Choose another time."))) from exc


class EventForm(FlaskForm):
    """Create or edit an event."""

    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the event a title."))])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    series = SelectField(_l("Series"), choices=[], validators=[Optional()],
                         description=_l("For recurring meetings, e.g. a thematic group."))
    description = TextAreaField(_l("Description"), render_kw={"rows": 5})
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Enter a date and time.")),
                                               _existing_local_time, YearInRange()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired(_l("Enter a date and time.")),
                                             _existing_local_time, YearInRange()])
    location = StringField(_l("Venue"), description=_l("E.g. Bar Tuinwijk"))
    address = StringField(_l("Address"))
    city = StringField(_l("City"), description=_l("Leave empty for an online event."))
    online_url = StringField(_l("Online link"), description=_l("For webinars: the meeting link."))
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(
                                min=0, message=_l("Enter 0 or more places."))],
                            description=_l("Leave empty for unlimited places."))
    waitlist_enabled = BooleanField(_l("Waiting list when full"), default=True)
    visibility = SelectField(_l("Who may see and register"), choices=VISIBILITY_CHOICES,
                             default="public")
    registration_opens_at = DateTimeLocalField(_l("Registration opens"),
                                               format="%Y-%m-%dT%H:%M",
                                               validators=[Optional(), _existing_local_time, YearInRange()])
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes"), format="%Y-%m-%dT%H:%M",
        validators=[Optional(), _existing_local_time, YearInRange()],
        description=_l("Empty: registration closes when the event starts."))
    action_ids = SelectMultipleField(
        _l("Plan actions this event serves"), coerce=int, choices=[],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        description=_l("Its attendance then counts toward these actions' indicators."))
    publish = BooleanField(_l("Publish now (otherwise it stays a draft)"), default=True)
    submit = SubmitField(_l("Save"))

    def service_values(self) -> dict[str, Any]:
        """The form's data in the shape the event services take."""
        return {
            "title": self.title.data or "",
            "kind": self.kind.data,
            "description": self.description.data or "",
            "starts_at": brussels_to_utc(self.starts_at.data),
            "ends_at": brussels_to_utc(self.ends_at.data),
            "location": self.location.data or "",
            "address": self.address.data or "",
            "city": self.city.data or "",
            "online_url": self.online_url.data or "",
            "capacity": self.capacity.data,
            "waitlist_enabled": bool(self.waitlist_enabled.data),
            "visibility": self.visibility.data,
            "registration_opens_at": brussels_to_utc(self.registration_opens_at.data),
            "registration_closes_at": brussels_to_utc(self.registration_closes_at.data),
            "series": int(self.series.data) if self.series.data else None,
        }


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons (publish, cancel): CSRF only."""
