"""Security headers on every answer, including a Content-Security-Policy without inline script.

Also the request class: query strings and form fields lose NUL characters before any
view sees them. No person types one, and PostgreSQL refuses them in text (a filter such
as ``?city=%00`` would otherwise end in a database error instead of an empty list).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property


def _without_nul(values: MultiDict[str, str]) -> MultiDict[str, str]:
    if not any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
        return values
    return ImmutableMultiDict((key.replace("\x00", ""), value.replace("\x00", ""))
                              for key, value in values.items(multi=True))


class Request(FlaskRequest):
    """Flask's request, with NUL characters removed from query and form values."""

    @cached_property
    def args(self) -> MultiDict[str, str]:
        return _without_nul(super().args)

    @cached_property
    def wtforms_translations(self) -> Any:
        """WTForms' own messages in the page's language, for Flask-WTF (which looks here
        first): read from their catalogue once per process and language, not per request."""
        from coopnet.i18n import wtforms_translations

        return wtforms_translations()

    def _load_form_data(self) -> None:
        # `form` and `files` are parsed together here, whichever is read first
        super()._load_form_data()
        if "form" in self.__dict__:
            self.__dict__["form"] = _without_nul(self.__dict__["form"])

# Scripts only from this site (no inline script, no CDN). Inline style attributes are
# allowed: they cannot run code, and progress bars set their width that way.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
)


def init_app(app: Flask) -> None:
    """Clean incoming text and add the headers to every response."""
    app.request_class = Request

    @app.after_request
    def _security_headers(response: Response) -> Response:
        # each header unless the view set its own (one pass over the answer's headers)
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        for name, value in SECURITY_HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        if app.config["SESSION_COOKIE_SECURE"] and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=31536000")
        return response
