"""API bearer tokens: create, revoke, and find the account behind one."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm

from coopnet.audit.services import record_audit
from coopnet.auth.models import ApiToken, User
from coopnet.db import utcnow
from coopnet.extensions import db

TOKEN_PREFIX = "cn_"  # noqa: S105 - a marker, not a secret
MAX_TOKEN_LENGTH = 100
# last_used_at says roughly when a token was last seen; writing it on every request would
# make each door scan update the same hot row. Once per interval is precise enough.
LAST_USED_PRECISION = timedelta(minutes=5)


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


def revoke_api_tokens(user: User, *, name: str | None = None, actor: User | None = None,
                      now: datetime | None = None) -> int:
    """Revoke the account's live tokens (only those called `name` if given); returns how many."""
    now = now or utcnow()
    stmt = sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if name is not None:
        stmt = stmt.where(ApiToken.name == name)
    tokens = list(db.session.execute(stmt.order_by(ApiToken.id)).scalars())
    for api_token in tokens:
        api_token.revoked_at = now
        record_audit("api_token.revoked", object_type="api_token", object_id=api_token.id,
                     actor=actor, now=now, details={"user_id": user.id, "name": api_token.name})
    return len(tokens)


def live_token(token: str) -> ApiToken | None:
    """The stored token if `token` is one, not revoked, of an active (so not erased) account.

    Erasing a person switches their account off and revokes its tokens; either is enough.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.execute(
        _live_token_statement(), {"token_hash": hash_token(token)}).scalar_one_or_none()


@functools.cache
def _live_token_statement() -> sa.Select[tuple[ApiToken]]:
    """The token lookup of every API request, built once per process (the account comes with
    the token: one query per request, not two)."""
    return (sa.select(ApiToken).join(ApiToken.user)
            .options(sa.orm.contains_eager(ApiToken.user))
            .where(ApiToken.token_hash == sa.bindparam("token_hash"),
                   ApiToken.revoked_at.is_(None), User.is_active_account))


def token_use_due(api_token: ApiToken, now: datetime) -> bool:
    """True when last_used_at is unset or older than LAST_USED_PRECISION."""
    return api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION


def record_token_use(token_id: int, now: datetime) -> None:
    """Write a token's last_used_at: one UPDATE in the caller's transaction (never commits)."""
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id)
                       .values(last_used_at=now))
