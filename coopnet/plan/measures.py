"""Measures: how an indicator's figure is computed, by the database, as of a date.

Each measure is ONE function returning a `Measured`: the figure as a scalar SQL expression
and the SELECT of the records it counts (the drill-down), built from the same scope, so the
list length always equals a counted figure. The dashboard puts every indicator's figure into
a single SELECT of scalar subqueries: its query count does not grow with the data.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from coopnet.events.models import Event, EventKind
from coopnet.members.models import Membership, Organization, Person
from coopnet.members.rules import member_ids_on
from coopnet.plan.models import Indicator, ManualValue, Plan, event_actions
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels


@dataclass(frozen=True)
class Window:
    """The period an indicator counts over, and the date it is measured at."""

    starts_on: date
    ends_on: date
    at: date

    @property
    def start(self) -> datetime:
        """Start of the period (Brussels midnight), UTC."""
        return brussels(self.starts_on, time(0))

    @property
    def end(self) -> datetime:
        """End of the period (exclusive), UTC."""
        return brussels(self.ends_on + timedelta(days=1), time(0))

    @property
    def cutoff(self) -> datetime:
        """What had happened by the end of `at` (Brussels), never beyond the period."""
        return min(brussels(self.at + timedelta(days=1), time(0)), self.end)

    @property
    def last_day(self) -> date:
        """The last day that counts: `at`, or the period's end if earlier."""
        return min(self.at, self.ends_on)


def window_for(indicator: Indicator, plan: Plan, at: date) -> Window:
    """The indicator's own period, else the plan's, measured at `at`."""
    return Window(indicator.starts_on or plan.starts_on, indicator.ends_on or plan.ends_on, at)


@dataclass(frozen=True)
class Measured:
    """A figure (scalar SQL expression, None = no data) and the SELECT of its records."""

    figure: sa.ColumnElement[Any] | None
    records: sa.Select[Any] | None
    # "count": the records ARE the figure; "share"/"growth"/"value": they explain it
    records_kind: str = "count"


NO_DATA = Measured(None, None)


@dataclass(frozen=True)
class MeasureKind:
    """A way to compute an indicator: a label, the counting rule in words, the function."""

    key: str
    label: Any
    rule: Any
    compute: Callable[[Indicator, Window], Measured]
    uses_events: bool = False
    available: Callable[[], bool] = lambda: True


def _model(module: str, name: str) -> Any:
    """A model of another area if it exists yet (contacts, pairings, vacancies), else None."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _count(records: sa.Select[Any]) -> sa.ColumnElement[int]:
    return sa.select(sa.func.count()).select_from(records.subquery()).scalar_subquery()


def _scope(indicator: Indicator, w: Window) -> sa.Select[Any]:
    """Ids of the events that count: linked to the action, held (not cancelled, ended) in the
    window, optionally of the given kinds and in the given cities."""
    params = indicator.params or {}
    stmt = (
        sa.select(Event.id)
        .join(event_actions, event_actions.c.event_id == Event.id)
        .where(event_actions.c.action_id == indicator.action_id,
               Event.status != "cancelled",
               Event.starts_at >= w.start, Event.starts_at < w.end, Event.ends_at <= w.cutoff)
    )
    if params.get("kinds"):
        stmt = stmt.where(Event.kind_id.in_(
            sa.select(EventKind.id).where(EventKind.slug.in_(params["kinds"]))))
    if params.get("cities"):
        stmt = stmt.where(sa.func.lower(Event.city).in_([c.lower() for c in params["cities"]]))
    return stmt


def events_held(indicator: Indicator, w: Window) -> Measured:
    """Events linked to the action that took place (not cancelled, ended) in the window."""
    records = (
        sa.select(Event.id.label("event_id"), Event.title.label("event"),
                  Event.starts_at.label("when"), EventKind.name_nl.label("kind"),
                  Event.city.label("city"))
        .join(EventKind, EventKind.id == Event.kind_id)
        .where(Event.id.in_(_scope(indicator, w)))
        .order_by(Event.starts_at, Event.id)
    )
    return Measured(_count(records), records)


def _registration_records(indicator: Indicator, w: Window, *conditions: Any) -> sa.Select[Any]:
    return (
        sa.select(Registration.id.label("registration_id"), Event.title.label("event"),
                  Event.starts_at.label("when"),
                  (Person.first_name + " " + Person.last_name).label("person"),
                  sa.func.coalesce(Organization.name, Registration.organization_name)
                  .label("organization"),
                  Registration.source.label("source"),
                  Registration.checked_in_at.label("checked_in_at"))
        .join(Event, Event.id == Registration.event_id)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id.in_(_scope(indicator, w)), *conditions)
        .order_by(Event.starts_at, Event.id, Person.last_name, Person.first_name, Registration.id)
    )


def registrations(indicator: Indicator, w: Window) -> Measured:
    """Confirmed registrations in advance for the scoped events (not cancelled, not waiting,
    not walk-ins, not attendees found afterwards in a webinar report)."""
    records = _registration_records(indicator, w, Registration.status == "confirmed",
                                    Registration.is_advance)
    return Measured(_count(records), records)


def attendances(indicator: Indicator, w: Window) -> Measured:
    """Attendances ("deelnemers"): registrations that attended, walk-ins included."""
    records = _registration_records(indicator, w, Registration.attended)
    return Measured(_count(records), records)


def distinct_attendees(indicator: Indicator, w: Window) -> Measured:
    """People who attended at least one scoped event (one person at two events counts once)."""
    attended = sa.select(Registration.person_id).where(
        Registration.event_id.in_(_scope(indicator, w)), Registration.attended)
    records = (
        sa.select(Person.id.label("person_id"),
                  (Person.first_name + " " + Person.last_name).label("person"),
                  Organization.name.label("organization"))
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.id.in_(attended))
        .order_by(Person.last_name, Person.first_name, Person.id)
    )
    return Measured(_count(records), records)


def distinct_member_orgs(indicator: Indicator, w: Window) -> Measured:
    """Member co-ops someone attended a scoped event for, counted when the co-op was a member
    on the day of that event (a co-op that had left no longer counts)."""
    attended = (
        sa.select(Registration.organization_id)
        .join(Event, Event.id == Registration.event_id)
        .join(Membership, Membership.organization_id == Registration.organization_id)
        # the Brussels calendar day the event starts on (Event.starts_on), not its UTC date
        .where(Registration.event_id.in_(_scope(indicator, w)), Registration.attended,
               Membership.active_on(Event.starts_on))
    )
    records = (
        sa.select(Organization.id.label("organization_id"), Organization.name.label("organization"),
                  Organization.city.label("city"))
        .where(Organization.id.in_(attended))
        .order_by(Organization.name, Organization.id)
    )
    return Measured(_count(records), records)


def _members_on(day: date) -> sa.Select[Any]:
    return (
        sa.select(Organization.id.label("organization_id"), Organization.name.label("organization"),
                  Organization.city.label("city"))
        .where(Organization.id.in_(member_ids_on(day)))
        .order_by(Organization.name, Organization.id)
    )


def member_count(indicator: Indicator, w: Window) -> Measured:
    """Member co-ops with a running membership on the measuring date."""
    records = _members_on(w.last_day)
    return Measured(_count(records), records)


def member_growth(indicator: Indicator, w: Window) -> Measured:
    """Growth in % of the member count on the measuring date against the baseline date."""
    baseline = date.fromisoformat((indicator.params or {}).get(
        "baseline", (w.starts_on - timedelta(days=1)).isoformat()))
    now_count, base_count = _count(_members_on(w.last_day)), _count(_members_on(baseline))
    figure = (now_count - base_count) * sa.literal(100.0) / sa.func.nullif(base_count, 0)
    return Measured(figure, _members_on(w.last_day), "growth")


# "persoonlijk gecontacteerd": a conversation, visit, call or intro; an e-mail is not personal
PERSONAL_CONTACT_KINDS = ("intro", "conversation", "visit", "phone")


def _organizations(stmt: sa.Select[Any]) -> sa.Select[Any]:
    """Organisation rows of a members-area SELECT of Organization, as drill-down columns."""
    sub = stmt.order_by(None).subquery()
    return (sa.select(sub.c.id.label("organization_id"), sub.c.name.label("organization"),
                      sub.c.city.label("city"))
            .order_by(sub.c.name, sub.c.id))


def members_contacted_share(indicator: Indicator, w: Window) -> Measured:
    """Share (%) of current members that staff contacted personally in the window."""
    contact = _model("coopnet.members.models", "MemberContact")
    if contact is None:
        return NO_DATA
    contacted = sa.select(contact.organization_id).where(
        contact.contacted_on >= w.starts_on, contact.contacted_on <= w.last_day,
        contact.kind.in_(PERSONAL_CONTACT_KINDS))
    members = _members_on(w.last_day)
    records = members.where(Organization.id.in_(contacted))
    figure = _count(records) * sa.literal(100.0) / sa.func.nullif(_count(members), 0)
    return Measured(figure, records, "share")


def new_members_intro_share(indicator: Indicator, w: Window) -> Measured:
    """Share (%) of members who joined in the window that had an intro conversation
    (the member register's own rule: new_members_with_intro / new_members_between)."""
    if _model("coopnet.members.models", "MemberContact") is None:
        return NO_DATA
    from coopnet.members.queries import new_members_between, new_members_with_intro

    records = _organizations(new_members_with_intro(w.starts_on, w.last_day))
    new_members = _organizations(new_members_between(w.starts_on, w.last_day))
    figure = _count(records) * sa.literal(100.0) / sa.func.nullif(_count(new_members), 0)
    return Measured(figure, records, "share")


def pairings_held(indicator: Indicator, w: Window) -> Measured:
    """Micro-meetings (duos, trios) held in the window (the pairings' own rule,
    `held_between_predicate`), each listed with the co-ops that met."""
    pairing = _model("coopnet.pairings.models", "Pairing")
    if pairing is None:
        return NO_DATA
    from coopnet.pairings.models import PairingMember
    from coopnet.pairings.queries import held_between_predicate

    records = (
        sa.select(pairing.id.label("pairing_id"), pairing.held_on.label("held_on"),
                  sa.func.aggregate_strings(Organization.name, ", ").label("organization"))
        .join(PairingMember, PairingMember.pairing_id == pairing.id)
        .join(Organization, Organization.id == PairingMember.organization_id)
        .where(held_between_predicate(w.starts_on, w.last_day))
        .group_by(pairing.id, pairing.held_on)
        .order_by(pairing.held_on, pairing.id)
    )
    return Measured(_count(records), records)


def vacancies_published(indicator: Indicator, w: Window) -> Measured:
    """Vacancies first published in the window that are still published (the vacancy
    database's own rule, `published_between_predicate`)."""
    vacancy = _model("coopnet.vacancies.models", "Vacancy")
    if vacancy is None:
        return NO_DATA
    from coopnet.vacancies.queries import published_between_predicate

    records = (
        sa.select(vacancy.id.label("vacancy_id"), vacancy.title.label("vacancy"),
                  Organization.name.label("organization"), vacancy.kind.label("kind"),
                  vacancy.published_at.label("when"))
        .join(Organization, Organization.id == vacancy.organization_id)
        .where(published_between_predicate(w.starts_on, w.last_day))
        .order_by(vacancy.published_at, vacancy.id)
    )
    return Measured(_count(records), records)


def _manual_records(indicator: Indicator, w: Window) -> sa.Select[Any]:
    return (
        sa.select(ManualValue.id.label("value_id"), ManualValue.recorded_on.label("recorded_on"),
                  ManualValue.value.label("value"), ManualValue.note.label("note"))
        .where(ManualValue.indicator_id == indicator.id, ManualValue.recorded_on <= w.last_day)
        .order_by(ManualValue.recorded_on.desc(), ManualValue.id.desc())
    )


def manual(indicator: Indicator, w: Window) -> Measured:
    """The latest value entered by hand on or before the measuring date (history kept)."""
    records = _manual_records(indicator, w)
    latest = sa.select(ManualValue.value).where(
        ManualValue.indicator_id == indicator.id, ManualValue.recorded_on <= w.last_day
    ).order_by(ManualValue.recorded_on.desc(), ManualValue.id.desc()).limit(1)
    return Measured(sa.cast(latest.scalar_subquery(), sa.Float), records, "value")


def milestone(indicator: Indicator, w: Window) -> Measured:
    """Done (1) or not done (0) according to the latest entry on or before the measuring date."""
    records = _manual_records(indicator, w)
    latest = sa.select(ManualValue.value).where(
        ManualValue.indicator_id == indicator.id, ManualValue.recorded_on <= w.last_day
    ).order_by(ManualValue.recorded_on.desc(), ManualValue.id.desc()).limit(1)
    figure = sa.case((sa.cast(latest.scalar_subquery(), sa.Float) >= 1, 1), else_=0)
    return Measured(figure, records, "value")


def _exists(module: str, name: str) -> Callable[[], bool]:
    return lambda: _model(module, name) is not None


MEASURES: dict[str, MeasureKind] = {m.key: m for m in (
    MeasureKind("events_held", _l("Events held"),
                _l("Events linked to this action that took place in the period and were not "
                   "cancelled (an event counts once it has ended)."), events_held, True),
    MeasureKind("registrations", _l("Registrations"),
                _l("Confirmed registrations in advance for those events; cancelled "
                   "registrations, the waiting list, walk-ins and attendees imported from a "
                   "webinar report do not count."),
                registrations, True),
    MeasureKind("attendances", _l("Participants (attendances)"),
                _l("People who attended those events: checked in at the door, marked present "
                   "or imported, walk-ins included. Someone at two events counts twice."),
                attendances, True),
    MeasureKind("distinct_attendees", _l("Distinct participants"),
                _l("Different people who attended at least one of those events; someone at "
                   "two events counts once."), distinct_attendees, True),
    MeasureKind("distinct_member_orgs", _l("Member co-ops reached"),
                _l("Different member co-ops for which someone attended one of those events "
                   "while the co-op was a member."), distinct_member_orgs, True),
    MeasureKind("members_contacted_share", _l("Share of members contacted"),
                _l("Current members that had a personal contact (intro, conversation, visit or "
                   "call; not an e-mail) in the period, as a share of all current members."),
                members_contacted_share, available=_exists("coopnet.members.models",
                                                           "MemberContact")),
    MeasureKind("new_members_intro_share", _l("Share of new members with an intro"),
                _l("Members who joined in the period and had an intro conversation (on any "
                   "date), as a share of all members who joined in the period."),
                new_members_intro_share,
                available=_exists("coopnet.members.models", "MemberContact")),
    MeasureKind("pairings_held", _l("Micro-meetings held"),
                _l("Duos and trios marked as held, with the meeting date in the period."),
                pairings_held, available=_exists("coopnet.pairings.models", "Pairing")),
    MeasureKind("vacancies_published", _l("Vacancies published"),
                _l("Vacancies published in the period that are still published (not rejected "
                   "or withdrawn)."), vacancies_published,
                available=_exists("coopnet.vacancies.models", "Vacancy")),
    MeasureKind("member_count", _l("Member count"),
                _l("Member co-ops with a running membership on the date."), member_count),
    MeasureKind("member_growth", _l("Member growth (%)"),
                _l("Growth of the member count on the date against the count on the baseline "
                   "date, in percent. The list shows the members on the date."), member_growth),
    MeasureKind("manual", _l("Value entered by hand"),
                _l("The latest value entered by hand on or before the date; earlier values "
                   "stay in the history."), manual),
    MeasureKind("milestone", _l("Milestone"),
                _l("Done when the latest entry on or before the date marks it done."), milestone),
)}


def measure(indicator: Indicator, plan: Plan, at: date) -> tuple[Measured, Window]:
    """The indicator's figure and records as of `at`; no data when it has no confirmed measure."""
    w = window_for(indicator, plan, at)
    kind = MEASURES.get(indicator.measure or "")
    if kind is None or indicator.status != "confirmed":
        return NO_DATA, w
    return kind.compute(indicator, w), w
