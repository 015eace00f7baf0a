"""Sign-in and sign-out pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from coopnet.auth.access import MEMBER, PUBLIC, access
from coopnet.auth.forms import LoginForm
from coopnet.auth.services import authenticate
from coopnet.auth.urls import safe_next
from coopnet.errors import DomainError
from coopnet.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    """Staff and coordinators sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data or "", form.password.data or "")
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access(MEMBER)
def logout():  # type: ignore[no-untyped-def]
    """Sign out (a POST with the CSRF token, so no other site can sign you out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))
