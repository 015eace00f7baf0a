"""API bearer tokens: create, and find the user behind one."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa

from coopnet.audit.services import record_audit
from coopnet.auth.models import ApiToken, User
from coopnet.db import utcnow
from coopnet.extensions import db

TOKEN_PREFIX = "cn_"  # noqa: S105 - a marker, not a secret


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, *, name: str = "", actor: User | None = None,
                     now: datetime | None = None) -> str:
    """Create a token for `user` and return it (the only time it is visible)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken(user=user, name=name, token_hash=hash_token(token))
    db.session.add(api_token)
    db.session.flush()
    record_audit("api_token.created", object_type="api_token", object_id=api_token.id,
                 actor=actor, now=now, details={"user_id": user.id, "name": name})
    return token


def user_for_token(token: str, *, now: datetime | None = None) -> User | None:
    """The active user a valid, unrevoked token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = db.session.execute(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                  ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None or not row.user.is_active_account:
        return None
    row.last_used_at = now or utcnow()
    return row.user
