"""Changes to accounts: sign-in checks and account creation."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from coopnet.auth.models import ROLES, User
from coopnet.auth.queries import user_by_email
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid
from coopnet.extensions import db
from coopnet.members.models import Person
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
