"""Read side of accounts."""

from __future__ import annotations

from coopnet.auth.models import User
from coopnet.extensions import db


def user_by_email(email: str) -> User | None:
    """The account with this (normalised) e-mail address, if any."""
    return db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
