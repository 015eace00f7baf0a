"""Sign-in and sign-out pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from coopnet.auth.access import MEMBER, PUBLIC, TICKET, access
from coopnet.auth.forms import ConfirmSignInForm, LoginForm, MemberLinkForm
from coopnet.auth.limits import (
    client_address,
    configured,
    email_limit_exempt,
    limiter,
    target_email_key,
)
from coopnet.auth.services import authenticate, redeem_sign_in_link, request_sign_in_link
from coopnet.auth.urls import safe_next
from coopnet.errors import DomainError
from coopnet.extensions import db

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(configured("COOPNET_RATELIMIT_SIGN_IN"), key_func=client_address, methods=["POST"])
def login():
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
def logout():
    """Sign out (a POST with the CSRF token, so no other site can sign you out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    response = redirect(url_for("main.home"))
    # what this browser kept for staff goes too: the door list kept for offline use (with
    # its hashed codes and names), the door page and its service worker
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/member", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(configured("COOPNET_RATELIMIT_MEMBER_LINK"), key_func=client_address,
               methods=["POST"])
@limiter.limit(configured("COOPNET_RATELIMIT_MEMBER_LINK_EMAIL"), key_func=target_email_key,
               methods=["POST"], exempt_when=email_limit_exempt)
def member_login():
    """Contact persons of member co-ops ask for a one-time sign-in link by e-mail."""
    if current_user.is_authenticated:
        return redirect(url_for("me.home"))
    form = MemberLinkForm()
    if not form.is_submitted():
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        request_sign_in_link(form.email.data or "", base_url=current_app.config["COOPNET_BASE_URL"],
                             next_path=safe_next(form.next.data))
        db.session.commit()
        # the same answer whether or not the address is known (no account enumeration)
        return redirect(url_for("auth.member_link_sent"))
    return render_template("auth/member_login.html", form=form)


@bp.route("/member/sent")
@access(PUBLIC)
def member_link_sent():
    """The one answer to every request for a link."""
    return render_template("auth/member_link_sent.html")


@bp.route("/member/<token>", methods=["GET", "POST"])
@access(TICKET)
def member_link(token: str):
    """Open a sign-in link: a button signs in (mail scanners that follow links use nothing up)."""
    form = ConfirmSignInForm()
    if form.validate_on_submit():
        try:
            user = redeem_sign_in_link(token)
        except DomainError as error:
            db.session.commit()  # keep the link used up even when the member check fails
            return render_template("auth/member_link_invalid.html", message=error.message), \
                error.status
        db.session.commit()
        login_user(user)
        flash(_("Welcome, %(name)s.", name=user.display_name), "success")
        return redirect(safe_next(request.args.get("next")) or url_for("me.home"))
    return render_template("auth/member_link.html", form=form)
