"""Who may use which endpoint: one declaration per view, enforced in one place.

Every view function carries ``@access(LEVEL)``. A ``before_request`` hook reads the
declaration and admits or refuses the request; an endpoint without a declaration is
refused (fail closed) and a test walks the URL map so none slips through.

Levels:
  public       anyone
  ticket       anyone holding an unguessable ticket/token in the URL; the view checks it
  member       any signed-in account (member, staff, coordinator)
  staff        staff and coordinators
  coordinator  coordinators only
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Request, abort, current_app, redirect, request, url_for
from flask_login import current_user

PUBLIC = "public"
TICKET = "ticket"
MEMBER = "member"
STAFF = "staff"
COORDINATOR = "coordinator"
LEVELS = (PUBLIC, TICKET, MEMBER, STAFF, COORDINATOR)
# signed-in levels by rank (a higher rank may do what a lower one may)
ROLE_ORDER = {MEMBER: 1, STAFF: 2, COORDINATOR: 3}

# endpoints that Flask or an extension adds; they serve files only
EXEMPT_ENDPOINTS = frozenset({"static", "bootstrap.static"})

F = TypeVar("F", bound=Callable[..., object])


def access(level: str) -> Callable[[F], F]:
    """Declare who may call the decorated view."""
    if level not in LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def decorate(view: F) -> F:
        view.access_level = level  # type: ignore[attr-defined]
        return view

    return decorate


def access_level_of(app: Flask, endpoint: str) -> str | None:
    """The declared level of an endpoint, or None when it declares nothing."""
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_level", None)


def _refuse_anonymous():  # type: ignore[no-untyped-def]
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def check_request_access():  # type: ignore[no-untyped-def]
    """Admit or refuse the current request by its endpoint's declared level."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in EXEMPT_ENDPOINTS:
        return None  # 404/405 follow, or a static file
    level = access_level_of(current_app, endpoint)
    if level is None:
        current_app.logger.error("endpoint %s declares no access level; refused", endpoint)
        abort(403)
    if level in (PUBLIC, TICKET):
        return None
    if not current_user.is_authenticated:
        return _refuse_anonymous()
    if not current_user.has_role(level):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    """Install the access check and the user loader."""
    from coopnet.auth.models import User
    from coopnet.extensions import db, login_manager

    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the sign-in page explains itself

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        if request.path.startswith("/api/"):
            return None  # the API ignores the session cookie: bearer tokens only (no CSRF)
        try:
            user = db.session.get(User, int(user_id))
        except ValueError:
            return None
        return user if user is not None and user.is_active_account else None

    @login_manager.request_loader
    def _load_user_from_token(req: Request) -> User | None:
        if not req.path.startswith("/api/"):
            return None
        scheme, _, token = req.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        from coopnet.auth.tokens import user_for_token

        user = user_for_token(token.strip())
        if user is not None:
            db.session.commit()  # keep last_used_at even if the request fails later
        return user

    app.before_request(check_request_access)
