"""Rate limits: who the caller is, and how much each kind of caller may ask.

Counts are kept per caller in the limiter's storage (COOPNET_RATELIMIT_STORAGE_URL: Redis
when several app processes serve coopnet, so that they all see the same counts). The caller:

  an API request with a live token   ``token:<id>``  (each door scanner has its own budget,
                                     even when several share one venue's address)
  a signed-in session                ``user:<id>``
  anyone else                        the client address (an IPv6 address by its /64 network,
                                     which one household or server usually holds whole)

Behind a reverse proxy, COOPNET_PROXY_COUNT says how many proxies to trust for
X-Forwarded-For (see create_app); otherwise every visitor would be the proxy's address.

Every request except static files counts against the general limit of its caller's class
(anonymous, member, staff/coordinator). Sign-in, sign-in links and registration have tighter
limits of their own for visitors; staff acting at the door are not held to those.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_login import current_user

from coopnet.auth.access import bearer_token_id, bearer_user, is_api_request

STAFF_ROLES = frozenset({"staff", "coordinator"})


@dataclass(frozen=True)
class Caller:
    """Who a request counts against: a storage key and the account's role (None: anonymous)."""

    key: str
    role: str | None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


def _prefix() -> str:
    return current_app.config["COOPNET_RATELIMIT_KEY_PREFIX"]


def client_address() -> str:
    """The key of the client's address (after ProxyFix); IPv6 by /64, IPv4-mapped as IPv4."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"{_prefix()}:addr:{address}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"{_prefix()}:addr:{ip.ipv4_mapped}"
        return f"{_prefix()}:net:{ipaddress.ip_network((ip, 64), strict=False)}"
    return f"{_prefix()}:addr:{ip}"


def caller() -> Caller:
    """Name this request's caller (once per request)."""
    if "rate_limit_caller" not in g:
        g.rate_limit_caller = _find_caller()
    return g.rate_limit_caller


def _find_caller() -> Caller:
    if is_api_request():  # the API goes by bearer tokens only, never by the session
        token_id, user = bearer_token_id(), bearer_user()
        if token_id is not None and user is not None:
            return Caller(f"{_prefix()}:token:{token_id}", user.role)
    elif current_user.is_authenticated:
        return Caller(f"{_prefix()}:user:{current_user.id}", current_user.role)
    return Caller(client_address(), None)


def caller_key() -> str:
    """The limiter's key function: the caller's storage key."""
    return caller().key


def general_limit() -> str:
    """The limit on all requests of this caller, by its class."""
    who = caller()
    if who.role is None:
        return current_app.config["COOPNET_RATELIMIT_ANONYMOUS"]
    if who.is_staff:
        return current_app.config["COOPNET_RATELIMIT_STAFF"]
    return current_app.config["COOPNET_RATELIMIT_MEMBER"]


def configured(name: str) -> Callable[[], str]:
    """A limit read from the app's config when a request comes (tests and sites may change it)."""

    def limit() -> str:
        return current_app.config[name]

    limit.__name__ = f"limit_{name.lower()}"
    return limit


def is_staff_caller() -> bool:
    """True for staff and coordinators (session or token): they register walk-ins at the door."""
    return caller().is_staff


def is_signed_in_caller() -> bool:
    """True for any account, by session or token."""
    return caller().role is not None


def target_email() -> str:
    """The e-mail address a form or JSON body names (lower case), or ""."""
    if request.is_json:
        body = request.get_json(silent=True)
        value = body.get("email") if isinstance(body, dict) else None
    else:
        value = request.form.get("email")
    return value.strip().lower() if isinstance(value, str) else ""


def target_email_key() -> str:
    """The key of the e-mail address a request names (hashed: no addresses in the store)."""
    digest = hashlib.sha256(target_email().encode()).hexdigest()[:32]
    return f"{_prefix()}:email:{digest}"


def email_limit_exempt() -> bool:
    """E-mail limits count what visitors ask for an address; accounts and empty forms are not."""
    return is_signed_in_caller() or not target_email()


# rate limits, counted per caller (API token, account or address: above);
# storage from COOPNET_RATELIMIT_STORAGE_URL (memory:// for one process, redis://… when several
# app processes share the counts). Every request except static files counts against the
# general limit of its caller's class; some views add tighter limits of their own.
limiter = Limiter(key_func=caller_key, application_limits=[general_limit], default_limits=[])
