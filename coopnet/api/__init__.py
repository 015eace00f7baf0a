"""JSON API v1 (described at /api/v1/openapi.json): the same services as the pages, bearer tokens for staff.

Each resource lives in its own module (events.py, registrations.py, checkins.py, plans.py)
and registers its routes on `bp`. Requests under /api/ never use the session cookie: staff
authenticate with `Authorization: Bearer <token>`, so the API is exempt from CSRF.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from coopnet.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# the 404 message of every endpoint that names an event
EVENT_NOT_FOUND = _l("This event does not exist (any more).")


def _load_modules() -> None:
    # resource modules import `bp` from here; importing them registers their routes
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_load_modules()
