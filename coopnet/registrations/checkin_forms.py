"""Forms of the attendance pages (the door page posts JSON; the service validates it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired


class AttendanceForm(FlaskForm):
    """The ticked registrations come as repeated `present` values; this carries the CSRF token."""

    submit = SubmitField(_l("Save attendance"))


class ImportReportForm(FlaskForm):
    """An attendee report exported by Zoom, Microsoft Teams or Google Meet."""

    report = FileField(_l("Attendee report (CSV)"),
                       validators=[FileRequired(_l("Choose the CSV file of the attendee report."))])
    submit = SubmitField(_l("Show preview"))


class ConfirmImportForm(FlaskForm):
    """Confirms a previewed import; `report` is the uploaded file, signed by the server."""

    report = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import attendance"))
