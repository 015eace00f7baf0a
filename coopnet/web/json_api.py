"""The JSON side of pages and the API: one body parser; the error shape is
`DomainError.to_dict()` in coopnet/errors.py ({"error": {"code", "message", "fields"?}})."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from coopnet.errors import Invalid


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 422 `invalid` answer when it is missing or malformed."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid({"body": _("Send a JSON object.")},
                      message=_("The request body must be a JSON object."))
    return data
