"""Changes to micro-meetings: opting in, accepting a proposed duo or trio, held, cancelled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.db import utcnow
from coopnet.errors import DomainError, Forbidden, Invalid
from coopnet.events.services import cancel_event, create_event
from coopnet.extensions import db
from coopnet.members.models import Membership, Organization
from coopnet.members.rules import member_ids_on, member_organization_of
from coopnet.pairings import queries
from coopnet.pairings.matching import Reason, explain
from coopnet.pairings.models import THEME_LABELS, THEMES, MeetingProfile, Pairing, PairingMember
from coopnet.registrations.models import Registration
from coopnet.registrations.services import cancel_registration, register_for_internal_event
from coopnet.timezones import brussels_today

TEXT_MAX = 2000
MEETING_MINUTES = 90
EVENT_KIND = "micro-ontmoeting"


@dataclass
class ProfileInput:
    """What a co-op says about itself for micro-meetings."""

    active: bool = True
    offers: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    offer_text: str = ""
    need_text: str = ""


def _may_act_for(actor: User, organization: Organization) -> bool:
    if actor.has_role("staff"):
        return True
    mine = member_organization_of(actor.person, utcnow())
    return mine is not None and mine.id == organization.id


def save_profile(organization: Organization, data: ProfileInput, *, actor: User,
                 now: datetime | None = None) -> MeetingProfile:
    """Opt a co-op in or out of micro-meetings, with what it offers and looks for.

    A member changes their own co-op's; staff any co-op's. Errors: `forbidden`, `invalid`.
    """
    now = now or utcnow()
    if not _may_act_for(actor, organization):
        raise Forbidden("forbidden", _("You can only change your own co-op's opt-in."))
    fields: dict[str, str] = {}
    offers = sorted(set(data.offers or ()))
    needs = sorted(set(data.needs or ()))
    if any(t not in THEMES for t in offers):
        fields["offers"] = _("Choose themes from the list.")
    if any(t not in THEMES for t in needs):
        fields["needs"] = _("Choose themes from the list.")
    if data.active and not offers and not needs:
        fields["needs"] = _("Choose at least one theme you offer or look for.")
    offer_text, need_text = (data.offer_text or "").strip(), (data.need_text or "").strip()
    if len(offer_text) > TEXT_MAX:
        fields["offer_text"] = _("Use at most %(max)s characters.", max=TEXT_MAX)
    if len(need_text) > TEXT_MAX:
        fields["need_text"] = _("Use at most %(max)s characters.", max=TEXT_MAX)
    if fields:
        raise Invalid(fields, _("Some fields are not filled in correctly."))
    profile = queries.profile_of(organization.id)
    if profile is None:
        profile = MeetingProfile(organization=organization, created_at=now)
        db.session.add(profile)
    profile.active = bool(data.active)
    profile.offers, profile.needs = offers, needs
    profile.offer_text, profile.need_text = offer_text, need_text
    if not actor.has_role("staff") and actor.person is not None:
        profile.contact_person_id = actor.person.id
    profile.updated_at = now
    db.session.flush()
    return profile


def reason_sentences(reasons: Sequence[Reason], names: Mapping[int, str]) -> list[str]:
    """Each reason as a sentence in the current language."""
    sentences = []
    for r in reasons:
        first, second = names.get(r.first, "?"), names.get(r.second, "?")
        theme = str(THEME_LABELS.get(r.theme, r.theme))
        if r.kind == "need_offer":
            sentences.append(_("%(first)s looks for help with %(theme)s; %(second)s offers it.",
                               first=first, second=second, theme=theme))
        elif r.kind == "shared_theme":
            sentences.append(_("%(first)s and %(second)s are both interested in %(theme)s.",
                               first=first, second=second, theme=theme))
        elif r.kind == "travel" and r.detail == "same":
            sentences.append(_("%(first)s and %(second)s are both in %(province)s.",
                               first=first, second=second, province=r.provinces[0]))
        elif r.kind == "travel":
            sentences.append(_("%(first)s (%(a)s) and %(second)s (%(b)s) are in neighbouring "
                               "provinces.", first=first, second=second,
                               a=r.provinces[0], b=r.provinces[1]))
    return sentences


def _group_reasons(organizations: Sequence[Organization]) -> list[Reason]:
    profiles = {o.id: queries.profile_of(o.id) for o in organizations}
    reasons: list[Reason] = []
    for i, a in enumerate(organizations):
        for b in organizations[i + 1:]:
            pa, pb = profiles[a.id], profiles[b.id]
            ca = queries.candidate_of(pa) if pa else None
            cb = queries.candidate_of(pb) if pb else None
            if ca is not None and cb is not None:
                reasons.extend(explain(ca, cb))
    return reasons


def accept_pairing(organizations: Sequence[Organization], *, starts_at: datetime, actor: User,
                   now: datetime | None = None) -> Pairing:
    """Make a duo or trio: the pairing, a micro-ontmoeting event, its members registered.

    The event is made by the event service (internal, audited); each co-op's contact person
    (from its opt-in, else its first contact person) is registered by the registration
    service (source `staff`, a seat, an audit entry, a confirmation mail with the .ics).
    Errors: `forbidden`, `invalid_group`, `in_the_past`, `not_a_member`, `already_paired`,
    `already_in_pairing`, `no_contact_person`, `no_contact_email`.
    """
    now = now or utcnow()
    if not actor.has_role("coordinator"):
        raise Forbidden("forbidden", _("Only the coordinator can form micro-meetings."))
    ids = sorted({o.id for o in organizations})
    if len(ids) != len(organizations) or not 2 <= len(ids) <= 3:
        raise DomainError("invalid_group", _("A micro-meeting brings two or three co-ops together."))
    if starts_at <= now:
        raise DomainError("in_the_past", _("Choose a moment in the future for the meeting."))
    organizations = sorted(organizations, key=lambda o: o.id)
    today = brussels_today(now)
    members_today = set(db.session.execute(
        member_ids_on(today).where(Membership.organization_id.in_(ids))).scalars())
    outsiders = [o.name for o in organizations if o.id not in members_today]
    if outsiders:
        raise DomainError("not_a_member", _("Not a member co-op: %(names)s.",
                                            names=", ".join(outsiders)))
    if queries.met_before(ids):
        raise DomainError("already_paired", _("Some of these co-ops were paired before."))
    busy = queries.busy_organizations(ids)
    if busy:
        busy_names = ", ".join(o.name for o in organizations if o.id in busy)
        raise DomainError("already_in_pairing",
                          _("Already in a micro-meeting that has not taken place: %(names)s.",
                            names=busy_names))
    people = []
    for organization in organizations:
        profile = queries.profile_of(organization.id)
        person = (profile.contact_person if profile is not None and profile.contact_person
                  and profile.contact_person.organization_id == organization.id else None)
        person = person or queries.first_contact_person(organization.id)
        if person is None:
            raise DomainError("no_contact_person", _("%(name)s has no contact person.",
                                                     name=organization.name))
        if not person.email:
            # the invitation, its calendar file and any cancellation go by e-mail
            raise DomainError("no_contact_email",
                              _("The contact person of %(name)s has no e-mail address.",
                                name=organization.name))
        people.append(person)

    names = {o.id: o.name for o in organizations}
    with force_locale("nl"):  # stored as data, in the organisation's language
        reason = "\n".join(reason_sentences(_group_reasons(organizations), names))
        title = _("Micro-meeting: %(names)s", names=" – ".join(o.name for o in organizations))
    # internal: nobody else can see or join it; its members are registered by staff below
    event = create_event(
        title=title[:200], kind=EVENT_KIND, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=MEETING_MINUTES), description=reason,
        visibility="internal", capacity=None, waitlist_enabled=False, actor=actor, now=now,
    )
    pairing = Pairing(status="accepted", event=event, reason=reason, created_by_id=actor.id,
                      created_at=now, updated_at=now)
    for organization, person in zip(organizations, people, strict=True):
        pairing.members.append(PairingMember(organization=organization, person=person))
    db.session.add(pairing)
    db.session.flush()
    for organization, person in zip(organizations, people, strict=True):
        register_for_internal_event(event, person, organization=organization, actor=actor, now=now)
    record_audit("pairing.accepted", object_type="pairing", object_id=pairing.id, actor=actor,
                 now=now, details={"organization_ids": ids, "event_id": event.id})
    return pairing


def mark_held(pairing: Pairing, held_on: date | None, *, actor: User,
              now: datetime | None = None) -> Pairing:
    """Record that the meeting took place on `held_on` (counts for the plan from then on).

    Errors: `forbidden`, `invalid` (no date, or a date in the future), `not_accepted`.
    """
    now = now or utcnow()
    if not actor.has_role("staff"):
        raise Forbidden("forbidden", _("Only staff can record micro-meetings."))
    if held_on is None:
        raise Invalid({"held_on": _("Enter the date of the meeting.")})
    if held_on > brussels_today(now):
        raise Invalid({"held_on": _("The meeting cannot have taken place in the future.")})
    if pairing.status != "accepted":
        raise DomainError("not_accepted",
                          _("Only an accepted micro-meeting can be marked as held."))
    pairing.status, pairing.held_on, pairing.updated_at = "held", held_on, now
    record_audit("pairing.held", object_type="pairing", object_id=pairing.id, actor=actor, now=now,
                 details={"held_on": held_on.isoformat()})
    return pairing


def cancel_pairing(pairing: Pairing, *, actor: User, now: datetime | None = None) -> Pairing:
    """Call a micro-meeting off: its event is cancelled and its registrations with it.

    The co-ops may be paired with each other again later. Errors: `forbidden`, `already_held`,
    `already_cancelled`.
    """
    now = now or utcnow()
    if not actor.has_role("staff"):
        raise Forbidden("forbidden", _("Only staff can cancel micro-meetings."))
    if pairing.status == "held":
        raise DomainError("already_held", _("This micro-meeting has taken place."))
    if pairing.status == "cancelled":
        raise DomainError("already_cancelled", _("This micro-meeting was already cancelled."))
    pairing.status, pairing.updated_at = "cancelled", now
    event = pairing.event
    if event is not None:
        # the event service tells every registrant (one mail each) and bumps SEQUENCE;
        # then the seats are given back without a second mail for the same news
        cancel_event(event, actor=actor, now=now)
        registrations = db.session.execute(
            sa.select(Registration).where(Registration.event_id == event.id,
                                          Registration.status != "cancelled")
            .order_by(Registration.id)).scalars().all()
        for registration in registrations:
            cancel_registration(registration, actor=actor, now=now, notify=False)
    record_audit("pairing.cancelled", object_type="pairing", object_id=pairing.id, actor=actor,
                 now=now)
    return pairing
