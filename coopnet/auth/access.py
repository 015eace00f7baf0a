"""Who may use which endpoint: one declaration per view, enforced in one place.

Every view function carries ``@access(LEVEL)``. A ``before_request`` hook reads the
declaration and admits or refuses the request; an endpoint without a declaration is
refused (fail closed) and a test walks the URL map so none slips through.

API requests authenticate with ``Authorization: Bearer <token>`` only (never the session
cookie). A Bearer header that is not a live token is answered 401 ``invalid_token`` on
every path, pages included, so a client learns that its token is dead. Other schemes
(``Basic`` from a proxy in front of a test site, say) are not ours and are ignored.

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

import sqlalchemy as sa
from flask import Flask, Request, Response, abort, current_app, g, redirect, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.typing import ResponseReturnValue
from flask_login import current_user

from coopnet.auth.models import User
from coopnet.auth.tokens import live_token, record_token_use, token_use_due
from coopnet.db import utcnow
from coopnet.errors import invalid_token_response
from coopnet.extensions import db, login_manager

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


# session.info key of a token use noted by this request and not yet committed
TOKEN_USE_KEY = "coopnet.token_use"  # noqa: S105 - a dict key, not a secret


def is_api_request(req: Request | None = None) -> bool:
    """True for the JSON API (bearer tokens, no session cookie)."""
    return (req or request).path.startswith("/api/")


class ApiSession(SecureCookieSession):
    """The session of an API request: empty, and thrown away with the request."""


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session for pages; none for the API, which goes by bearer tokens
    only: its requests never read the session cookie nor write one (nor pay to verify it)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if is_api_request(request):
            return ApiSession()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if isinstance(session, ApiSession):
            return
        super().save_session(app, session, response)


def bearer_credentials(req: Request) -> str | None:
    """The credentials of an `Authorization: Bearer ...` header, "" if empty; None without one."""
    scheme, _, credentials = req.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip()


def _authenticate_bearer() -> None:
    """Look up this request's bearer token once; remember its account (API only) or that it is bad."""
    if "bearer_checked" in g:
        return
    g.bearer_checked, g.bearer_user, g.bearer_invalid = True, None, False
    g.bearer_token_id = None
    credentials = bearer_credentials(request)
    if credentials is None:
        return
    api_token = live_token(credentials)
    if api_token is None:
        g.bearer_invalid = True
    elif is_api_request():  # pages go by the session; a live token there is merely not refused
        g.bearer_user, g.bearer_token_id = api_token.user, api_token.id
        now = utcnow()
        if token_use_due(api_token.last_used_at, now):
            db.session.info[TOKEN_USE_KEY] = (api_token.id, now)


def bearer_user() -> User | None:
    """The account of this API request's live bearer token, or None."""
    _authenticate_bearer()
    return g.bearer_user


def bearer_token_id() -> int | None:
    """The id of this API request's live bearer token, or None (rate limits count per token)."""
    _authenticate_bearer()
    return g.bearer_token_id


def _write_token_use_with_commit(session: sa.orm.Session) -> None:
    """Before the request's own commit: add the token's last_used_at to it (one commit)."""
    pending = session.info.pop(TOKEN_USE_KEY, None)
    if pending is not None:
        record_token_use(*pending)


def _keep_token_use(response: Response) -> Response:
    """Write a token's last_used_at when the request did not commit (a read, a refusal).

    What the request left uncommitted is thrown away first; the use is then its own small
    transaction, at most once per token per LAST_USED_PRECISION.
    """
    if not db.session.registry.has():
        return response  # no session, so nothing noted: none is opened to find that out
    pending = db.session.info.pop(TOKEN_USE_KEY, None)
    if pending is None:
        return response
    try:
        db.session.rollback()
        record_token_use(*pending)
        db.session.commit()
    except sa.exc.SQLAlchemyError:  # a convenience only: never fail the answer for it
        db.session.rollback()
        current_app.logger.warning("could not save last_used_at of API token %s", pending[0])
    return response


def _refuse_anonymous() -> ResponseReturnValue:
    if is_api_request():
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def check_request_access() -> ResponseReturnValue | None:
    """Refuse a bad bearer token; admit or refuse the request by its endpoint's declared level."""
    _authenticate_bearer()
    if g.bearer_invalid:
        return invalid_token_response()
    if is_api_request():
        # the API's user is the token's account, or nobody: told to Flask-Login here, which
        # then never looks for one in the session or a remember-me cookie (for the API its
        # loaders would only answer this)
        login_manager._update_request_context_with_user(g.bearer_user)  # noqa: SLF001
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
    """Install the access check, the user loaders, the API's cookieless session and the saving
    of token use."""
    app.session_interface = SessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the sign-in page explains itself

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        if is_api_request():
            return bearer_user()  # the API ignores the session cookie: bearer tokens only (no CSRF)
        try:
            user = db.session.get(User, int(user_id))
        except ValueError:
            return None
        return user if user is not None and user.is_active_account else None

    @login_manager.request_loader
    def _load_user_from_token(req: Request) -> User | None:
        return bearer_user() if is_api_request(req) else None

    if not sa.event.contains(sa.orm.Session, "before_commit", _write_token_use_with_commit):
        sa.event.listen(sa.orm.Session, "before_commit", _write_token_use_with_commit)
    app.before_request(check_request_access)
    app.after_request(_keep_token_use)
