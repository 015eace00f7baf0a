"""A signed-in contact person's own page: their registrations and their co-op (/me)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from coopnet.auth.access import MEMBER, access
from coopnet.db import utcnow
from coopnet.members import queries
from coopnet.registrations.queries import registrations_of
from coopnet.timezones import brussels_today

bp = Blueprint("me", __name__, url_prefix="/me")


@bp.route("/")
@access(MEMBER)
def home():
    """My registrations, my co-op's profile, and links to what members can do."""
    person = current_user.person
    # the organisation the member register made this person a contact person of
    organization = queries.organization_detail(person.organization_id) if (
        person is not None and person.organization_id is not None) else None
    today = brussels_today(utcnow())
    running = [m for m in organization.memberships if m.runs_on(today)] if organization else []
    return render_template(
        "members/me.html", person=person, organization=organization, today=today,
        registrations=registrations_of(person.id) if person is not None else [],
        is_member=bool(running), current_membership=running[0] if running else None,
    )
