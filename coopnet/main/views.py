"""Home page and language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from coopnet.auth.access import PUBLIC, access
from coopnet.auth.urls import safe_next
from coopnet.db import utcnow
from coopnet.events.queries import recent_events, upcoming_events
from coopnet.i18n import LANG_COOKIE

bp = Blueprint("main", __name__)


@bp.route("/")
@access(PUBLIC)
def home():
    """Upcoming and recent events."""
    now = utcnow()
    return render_template(
        "main/home.html",
        upcoming=upcoming_events(current_user, now, limit=12),
        recent=recent_events(current_user, now, limit=6),
    )


@bp.route("/language/<code>", methods=["POST"])
@access(PUBLIC)
def set_language(code: str):
    """Remember the visitor's language in a cookie and go back to where they were."""
    target = safe_next(request.form.get("next")) or url_for("main.home")
    response = redirect(target)
    if code in current_app.config["COOPNET_LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
