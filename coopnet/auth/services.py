"""Changes to accounts: sign-in checks and account creation."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from coopnet.auth.models import ROLES, SignInLink, User
from coopnet.auth.queries import user_by_email
from coopnet.auth.tokens import hash_token
from coopnet.auth.urls import safe_next
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid
from coopnet.extensions import db
from coopnet.mail.services import queue_mail
from coopnet.members.models import Person
from coopnet.members.rules import member_contact_by_email
from coopnet.validators import normalize_email


def authenticate(email: str, password: str, *, now: datetime | None = None) -> User:
    """Return the active account for these credentials, or raise `bad_credentials`."""
    user = user_by_email(normalize_email(email) or "")
    if user is None or not user.is_active_account or not user.check_password(password):
        # one message for unknown address and wrong password: no account enumeration
        raise DomainError("bad_credentials", str(_l("E-mail address or password is incorrect.")),
                          status=401)
    user.last_login_at = now or utcnow()
    return user


def create_user(
    email: str,
    *,
    display_name: str,
    role: str,
    password: str | None = None,
    person: Person | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> User:
    """Create an account with a role; the caller commits."""
    normalized = normalize_email(email)
    if role not in ROLES:
        raise Invalid({"role": str(_l("Unknown role."))})
    if normalized is None:
        raise Invalid({"email": str(_l("Enter a valid e-mail address."))})
    email = normalized
    if user_by_email(email) is not None:
        raise DomainError("email_taken", str(_l("An account with this e-mail address exists.")),
                          fields={"email": str(_l("An account with this e-mail address exists."))})
    user = User(email=email, display_name=display_name.strip() or email, role=role, person=person)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# --- members sign in with a one-time link ---------------------------------------------

SIGN_IN_LINK_VALID_FOR = timedelta(minutes=30)
# at most this many unused links per account within the validity window (mail flooding)
MAX_OPEN_SIGN_IN_LINKS = 3


def _member_account(person: Person, *, now: datetime) -> User | None:
    """The member account of a contact person, created if missing; None for other accounts."""
    user = db.session.execute(sa.select(User).where(User.person_id == person.id)
                              ).scalar_one_or_none()
    if user is None:
        user = user_by_email(person.email or "")
        if user is not None and user.person_id is None and user.role == "member":
            user.person = person
    if user is None:
        user = create_user(person.email or "", display_name=person.full_name, role="member",
                           person=person, now=now)
    # staff and coordinators sign in with their password, never with a mailed link
    if user.role != "member" or not user.is_active_account or user.person_id != person.id:
        return None
    return user


def request_sign_in_link(email: str, *, base_url: str, next_path: str | None = None,
                         now: datetime | None = None) -> bool:
    """Mail a one-time sign-in link if `email` belongs to a member contact; True if queued.

    The caller must answer the same whatever this returns (no account enumeration).
    Only the SHA-256 of the token is stored; the link works once, for 30 minutes.
    """
    now = now or utcnow()
    normalized = normalize_email(email)
    if normalized is None:
        return False
    person = member_contact_by_email(normalized, now)
    if person is None:
        return False
    user = _member_account(person, now=now)
    if user is None:
        return False
    open_links = db.session.execute(
        sa.select(sa.func.count(SignInLink.id)).where(
            SignInLink.user_id == user.id, SignInLink.used_at.is_(None),
            SignInLink.expires_at > now)
    ).scalar_one()
    if open_links >= MAX_OPEN_SIGN_IN_LINKS:
        return False
    token = secrets.token_urlsafe(32)
    db.session.add(SignInLink(user_id=user.id, token_hash=hash_token(token), created_at=now,
                              expires_at=now + SIGN_IN_LINK_VALID_FOR))
    link = f"{base_url.rstrip('/')}/auth/member/{token}"
    if safe_next(next_path):
        link += "?" + urlencode({"next": next_path})
    queue_mail(
        kind="sign_in_link", to=normalized, now=now,
        subject=str(_l("Your sign-in link for Coopkracht")),
        text=str(_l(
            "Hello %(name)s,\n\nUse this link to sign in to Coopkracht. It works once and for "
            "30 minutes:\n\n%(link)s\n\nDid you not ask for it? Then you can ignore this "
            "e-mail.\n\nCoopkracht", name=person.first_name, link=link)),
    )
    return True


def redeem_sign_in_link(token: str, *, now: datetime | None = None) -> User:
    """The member account a valid link signs in; the link is used up (even under races)."""
    now = now or utcnow()
    token_hash = hash_token(token or "")
    claimed = db.session.execute(
        sa.update(SignInLink)
        .where(SignInLink.token_hash == token_hash, SignInLink.used_at.is_(None),
               SignInLink.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)
    )
    link = db.session.execute(sa.select(SignInLink).where(SignInLink.token_hash == token_hash)
                              ).scalar_one_or_none()
    if claimed.rowcount != 1 or link is None:  # type: ignore[attr-defined]
        if link is not None and link.used_at is not None:
            raise DomainError("link_used", str(_l(
                "This sign-in link has already been used. Ask for a new one.")), status=410)
        if link is not None and link.expires_at <= now:
            raise DomainError("link_expired", str(_l(
                "This sign-in link has expired. Ask for a new one.")), status=410)
        raise DomainError("link_invalid", str(_l(
            "This sign-in link is not valid. Ask for a new one.")), status=404)
    user = db.session.get(User, link.user_id)
    person = user.person if user is not None else None
    if (user is None or not user.is_active_account or user.role != "member" or person is None
            or member_contact_by_email(person.email or "", now) is None):
        raise DomainError("not_a_member", str(_l(
            "This address no longer belongs to a contact person of a member co-op.")),
            status=403)
    user.last_login_at = now
    return user
