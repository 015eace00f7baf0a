"""The ticket's QR code: the ticket code itself, drawn as inline SVG on the server."""

from __future__ import annotations

import segno
from markupsafe import Markup


def ticket_qr_svg(ticket_code: str, *, title: str = "QR", scale: int = 5) -> Markup:
    """An <svg> element holding a QR code of the ticket code (the door scanner reads it)."""
    qr = segno.make(ticket_code, error="m")
    # segno writes only its own markup around a URL-safe code: safe to inline
    return Markup(qr.svg_inline(scale=scale, border=2, title=title, omitsize=True))  # noqa: S704
