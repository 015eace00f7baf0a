"""/dev/mailbox: the outbox as a web page, for development only.

The blueprint is registered only when COOPNET_DEV_MAILBOX is on, which it is in
COOPNET_ENV=development and nowhere else (see coopnet/config.py): in production these
URLs do not exist. The pages are public because the mails they show are what a developer
needs before signing in (a member sign-in link, a registration's private link), and a
development server serves the developer's own machine.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, render_template
from markupsafe import Markup, escape

from coopnet.auth.access import PUBLIC, access
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.web.pagination import Pager, page_number

bp = Blueprint("devmail", __name__, url_prefix="/dev/mailbox")

PAGE_SIZE = 50
# an http(s) address up to a space, quote or angle bracket; trailing punctuation is the sentence's
_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)"


def linkify(text: str) -> Markup:
    """Plain text as HTML: everything escaped, http(s) addresses made into links."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        parts.append(escape(text[position:match.start()]))
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(url))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


@bp.route("")
@access(PUBLIC)
def mailbox():
    """Every outbox message, newest first, 50 a page."""
    page = db.paginate(
        sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page=page_number(), per_page=PAGE_SIZE, error_out=False,
    )
    return render_template("mail/dev_mailbox.html", page=page, pager=Pager.of(page))


@bp.route("/<int:message_id>")
@access(PUBLIC)
def message(message_id: int):
    """One message: its text with clickable links, its attachments' names."""
    found = db.get_or_404(OutboxMessage, message_id)
    return render_template("mail/dev_message.html", message=found, body=linkify(found.body_text))
