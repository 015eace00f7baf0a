"""Rate limits on registering, shared by the event page and the API."""

from __future__ import annotations

from flask import current_app

from coopnet.auth.limits import (
    configured,
    email_limit_exempt,
    is_staff_caller,
    limiter,
    target_email_key,
)


def register_limit() -> str:
    """How many registrations one visitor may submit (COOPNET_REGISTER_RATE_LIMIT)."""
    return current_app.config["COOPNET_REGISTER_RATE_LIMIT"]


# per visitor (address) or member account; staff registering walk-ins are not limited here
limit_registrations = limiter.limit(register_limit, methods=["POST"], exempt_when=is_staff_caller)
# per e-mail address visitors name, page and API together: a repeat mails the link again
limit_registrations_per_email = limiter.shared_limit(
    configured("COOPNET_RATELIMIT_REGISTER_EMAIL"), scope="register-email",
    key_func=target_email_key, methods=["POST"], exempt_when=email_limit_exempt)
