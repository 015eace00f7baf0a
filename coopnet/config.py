"""Settings read from the environment, with safe defaults.

Every setting has the prefix COOPNET_. COOPNET_ENV chooses the profile:
``production`` (the default: strict), ``development`` (what `make run` uses) or ``testing``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "coopnet-development-key-not-secret"  # noqa: S105 - refused in production


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


# rate limits and their defaults (the README explains each); strings as Flask-Limiter reads them
RATE_LIMITS = {
    # per address, all requests of visitors who are not signed in
    "COOPNET_RATELIMIT_ANONYMOUS": "300 per minute",
    # per account (session) or token, signed-in members
    "COOPNET_RATELIMIT_MEMBER": "600 per minute",
    # per account (session) or token, staff and coordinators: a door scanner each
    "COOPNET_RATELIMIT_STAFF": "3000 per minute",
    # password sign-in attempts per address
    "COOPNET_RATELIMIT_SIGN_IN": "10 per minute; 50 per hour",
    # requests for a member sign-in link, per address and per e-mail address asked for
    "COOPNET_RATELIMIT_MEMBER_LINK": "5 per minute; 30 per hour",
    "COOPNET_RATELIMIT_MEMBER_LINK_EMAIL": "5 per hour",
    # registrations one visitor (address) or member may submit, pages and API alike
    "COOPNET_REGISTER_RATE_LIMIT": "20 per minute; 200 per hour",
    # registrations visitors submit for one e-mail address (each repeat mails the link again)
    "COOPNET_RATELIMIT_REGISTER_EMAIL": "10 per hour",
}


def _check_rate_limits(config: dict[str, Any]) -> None:
    from limits import parse_many

    for name in RATE_LIMITS:
        try:
            parse_many(config[name])
        except ValueError as exc:
            raise ConfigError(f"{name} is not a rate limit such as '300 per minute': "
                              f"{config[name]!r}") from exc
    if config["COOPNET_PROXY_COUNT"] < 0:
        raise ConfigError("COOPNET_PROXY_COUNT must be 0 or more proxies")


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config from the environment, then apply `overrides` (tests)."""
    env = os.environ.get("COOPNET_ENV", "production").strip().lower()
    overrides = dict(overrides or {})
    env = "testing" if overrides.get("TESTING") else env
    if env not in {"production", "development", "testing"}:
        raise ConfigError(f"COOPNET_ENV must be production, development or testing, not {env!r}")
    default_db = "sqlite:///" + str(Path(instance_path) / "coopnet.sqlite")
    production = env == "production"
    config: dict[str, Any] = {
        "COOPNET_ENV": env,
        "TESTING": env == "testing",
        "SECRET_KEY": os.environ.get("COOPNET_SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("COOPNET_DATABASE_URL") or default_db,
        # public site address, used in e-mails, calendar files and API answers
        "COOPNET_BASE_URL": os.environ.get("COOPNET_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "COOPNET_TIMEZONE": "Europe/Brussels",
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
        "COOPNET_LANGUAGES": ("nl", "fr", "en"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BOOTSTRAP_BTN_STYLE": "primary",
        "MAX_CONTENT_LENGTH": _int("COOPNET_MAX_UPLOAD_BYTES", 5 * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("COOPNET_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("COOPNET_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # mail (the outbox delivers through SMTP when COOPNET_SMTP_HOST is set)
        "COOPNET_MAIL_FROM": os.environ.get("COOPNET_MAIL_FROM", "Coopkracht <noreply@coopkracht.test>"),
        "COOPNET_SMTP_HOST": os.environ.get("COOPNET_SMTP_HOST", ""),
        "COOPNET_SMTP_PORT": _int("COOPNET_SMTP_PORT", 587),
        "COOPNET_SMTP_USER": os.environ.get("COOPNET_SMTP_USER", ""),
        "COOPNET_SMTP_PASSWORD": os.environ.get("COOPNET_SMTP_PASSWORD", ""),
        "COOPNET_SMTP_STARTTLS": _bool(os.environ.get("COOPNET_SMTP_STARTTLS"), True),
        "RATELIMIT_STORAGE_URI": os.environ.get("COOPNET_RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("COOPNET_RATELIMIT_ENABLED"), env != "testing"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # prefix of every rate-limit key, so that several sites may share one Redis
        "COOPNET_RATELIMIT_KEY_PREFIX": os.environ.get("COOPNET_RATELIMIT_KEY_PREFIX", "coopnet"),
        # reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none)
        "COOPNET_PROXY_COUNT": _int("COOPNET_PROXY_COUNT", 0),
        # all requests (static files aside), by caller class; see the README's table
        **{key: os.environ.get(key) or default for key, default in RATE_LIMITS.items()},
        # if the shared store (Redis) is down, fall back to per-process counting, never fail
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "COOPNET_RETENTION_MONTHS": _int("COOPNET_RETENTION_MONTHS", 24),
        # a webinar attendee connected for less than this in total does not count as attending
        "COOPNET_WEBINAR_MIN_MINUTES": _int("COOPNET_WEBINAR_MIN_MINUTES", 10),
        "COOPNET_MAIL_DIR": os.environ.get("COOPNET_MAIL_DIR") or str(Path(instance_path) / "mail"),
        # /dev/mailbox, the outbox as a web page: development only, never read from the environment
        # (anyone may open it and read every sign-in link, so production must not have it)
        "COOPNET_DEV_MAILBOX": env == "development",
    }
    config.update(overrides)
    # a pooled PostgreSQL connection may have been dropped by the server (a restart, an idle
    # timeout): each is tested with a ping before use. A SQLite file has no server to lose,
    # and the ping would be one more statement on every request.
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {
        "pool_pre_ping": not str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")})
    _check_rate_limits(config)
    if config["COOPNET_WEBINAR_MIN_MINUTES"] < 0:
        raise ConfigError("COOPNET_WEBINAR_MIN_MINUTES must be 0 or more minutes")
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError(
                "COOPNET_SECRET_KEY is not set. Outside development and testing coopnet refuses "
                "to start without a real secret key. Generate one with\n"
                "  python -c 'import secrets; print(secrets.token_hex(32))'\n"
                "and set it in the environment (or set COOPNET_ENV=development on your own machine)."
            )
        config["SECRET_KEY"] = DEV_SECRET_KEY
    elif production and (config["SECRET_KEY"] == DEV_SECRET_KEY or len(config["SECRET_KEY"]) < 16):
        raise ConfigError(
            "COOPNET_SECRET_KEY is too short or is the development key; use at least 16 random "
            "characters, e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return config
