"""Domain errors with stable codes, and how they become pages and JSON answers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A business rule said no. `code` is stable and machine-readable; `message` is for people."""

    status = 409

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        status: int | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message or code
        self.fields = fields or {}
        if status is not None:
            self.status = status

    def to_dict(self) -> dict[str, Any]:
        """The API's error shape: {"error": {"code", "message", "fields"?}}."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the actor)."""

    status = 404


class Invalid(DomainError):
    """Input failed validation; `fields` says which field and why."""

    status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        # never the bare code for people to read: a sentence, the fields say the rest
        super().__init__("invalid", message or _("Some fields are not filled in correctly."),
                         fields=fields)


class Forbidden(DomainError):
    """The actor may not do this."""

    status = 403


def wants_json() -> bool:
    """True for API requests: they get JSON errors, never HTML."""
    return request.path.startswith("/api/")


def _status_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in first."),
        403: _("You do not have access to this page."),
        404: _("This page does not exist (any more)."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        422: _("Some fields are not filled in correctly."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
    }
    return messages.get(status, _("Something went wrong."))


def register_error_handlers(app: Flask) -> None:
    """Answer HTTP and domain errors as JSON under /api/ and as pages elsewhere."""

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError) -> ResponseReturnValue:
        if wants_json():
            return jsonify(error.to_dict()), error.status
        return (
            render_template("errors/error.html", status=error.status, message=error.message),
            error.status,
        )

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                413: "too_large", 429: "rate_limited"}.get(status, "http_error")
        # CSRF failures and other 400s carry a useful description of their own
        message = _status_message(status)
        # keep what the error says about itself: Allow on a 405, Retry-After on a 429
        headers = {name: value for name, value in error.get_headers()
                   if name in ("Allow", "Retry-After", "WWW-Authenticate")}
        if wants_json():
            # RFC 6750: a 401 names the scheme that would work (no error: no token was sent)
            if status == 401:
                headers["WWW-Authenticate"] = "Bearer"
            return jsonify({"error": {"code": code, "message": message}}), status, headers
        return (render_template("errors/error.html", status=status, message=message), status,
                headers)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        from coopnet.extensions import db

        db.session.rollback()
        if wants_json():
            return jsonify({"error": {"code": "server_error", "message": _status_message(500)}}), 500
        return render_template("errors/error.html", status=500, message=_status_message(500)), 500


def invalid_token_response() -> Response:
    """401 for a bearer token that is not (or no longer) valid, as RFC 6750 says (every path)."""
    response = jsonify({"error": {"code": "invalid_token", "message": _(
        "This access token is not valid: it is unknown, revoked, or its account is switched off."
    )}})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response
