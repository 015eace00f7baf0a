"""API bearer tokens: create, revoke, and find the account behind one."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

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


@dataclass(frozen=True)
class LiveToken:
    """A live token as a request needs it: its id, when it was last used, and its account."""

    id: int
    last_used_at: datetime | None
    user: User


def live_token(token: str) -> LiveToken | None:
    """The stored token if `token` is one, not revoked, of an active (so not erased) account.

    Erasing a person switches their account off and revokes its tokens; either is enough.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(_live_token_statement(), {"token_hash": hash_token(token)}).first()
    return LiveToken(row[1], row[2], row[0]) if row is not None else None


@functools.cache
def _live_token_statement() -> sa.Select[tuple[User, int, datetime | None]]:
    """The token lookup of every API request, built once per process: the account as an
    object, the token's two columns as values (one query per request, and no token object)."""
    tokens = ApiToken.__table__.c
    return (sa.select(User, tokens.id, tokens.last_used_at)
            .join_from(ApiToken.__table__, User, tokens.user_id == User.id)
            .where(tokens.token_hash == sa.bindparam("token_hash"), tokens.revoked_at.is_(None),
                   User.is_active_account))


def token_use_due(last_used_at: datetime | None, now: datetime) -> bool:
    """True when a token's last_used_at is unset or older than LAST_USED_PRECISION."""
    return last_used_at is None or now - last_used_at >= LAST_USED_PRECISION


def record_token_use(token_id: int, now: datetime) -> None:
    """Write a token's last_used_at: one UPDATE in the caller's transaction (never commits)."""
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id)
                       .values(last_used_at=now))
