"""Query-string arguments of the JSON API, read one way (errors beside the argument's name)."""

from __future__ import annotations

import re

from flask import request
from flask_babel import gettext as _

from coopnet.errors import Invalid

# the highest page number any list accepts (a larger one is an error, not an empty page)
MAX_PAGE = 1_000_000


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """The whole number in query argument `name` (`default` when absent), from low to high."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?[0-9]{1,12}", raw):
        raise Invalid({name: _("Enter a whole number.")})
    value = int(raw)
    if not low <= value <= high:
        raise Invalid({name: _("Enter a number from %(low)d to %(high)d.", low=low, high=high)})
    return value
