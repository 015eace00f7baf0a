"""Made-up values for demo data: web and e-mail names, valid Belgian enterprise numbers."""

from __future__ import annotations

import random
import re
import unicodedata


def slugify(text: str) -> str:
    """ASCII, lower-case, words joined by hyphens (for demo e-mail domains)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def enterprise_number(rng: random.Random) -> str:
    """A Belgian enterprise number that passes the mod-97 check: 0 + 7 digits + 2 check digits."""
    base = rng.randrange(2_000_000, 9_999_999)  # leading 0 makes 8 digits
    return f"{base:08d}{97 - base % 97:02d}"
