"""Belgian enterprise numbers (KBO/BCE): the one place that knows the rule.

An enterprise number has 10 digits; the first 8 read as a number N, the last two are
97 - (N mod 97). People type it as "0123.456.749", "BE 0123 456 749" or "123456749"
(old 9-digit numbers lack the leading 0); we store the 10 digits and show 0123.456.749.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-/]+")


def check_digits(first_eight: str) -> str:
    """The two check digits for the first 8 digits."""
    return f"{97 - int(first_eight) % 97:02d}"


def normalize_kbo(value: str | None) -> str | None:
    """The 10 digits of a valid enterprise number, or None when `value` is not one.

    Accepts dots, spaces, dashes and a "BE" prefix; a 9-digit number (the old form) gets
    its leading 0. Numbers start with 0 or 1; anything else is refused.
    """
    text = _SEPARATORS.sub("", (value or "").strip()).upper()
    if text.startswith("BE"):
        text = text[2:]
    if not text.isascii() or not text.isdigit():
        return None
    if len(text) == 9:
        text = "0" + text
    if len(text) != 10 or text[0] not in "01":
        return None
    if check_digits(text[:8]) != text[8:]:
        return None
    return text


def format_kbo(digits: str | None) -> str:
    """0123456749 -> '0123.456.749'; anything else is shown as it is."""
    if not digits or len(digits) != 10 or not digits.isdigit():
        return digits or ""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
