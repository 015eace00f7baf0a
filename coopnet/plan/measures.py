"""Measures: how an indicator's figure is computed, by the database, as of a date.

Each measure is ONE function returning a `Measured`: the figure as a scalar SQL expression
and the SELECT of the records it counts (the drill-down), built from the same scope, so the
list length always equals a counted figure. The report puts every indicator's figure into
a single SELECT of scalar subqueries (values entered by hand: one query for all of them, read
by `latest_entered`); the dashboard counts the counts with a trend line per month (the event
counts in one constant statement whose indicators are a bound JSON list, the others in one
UNION query) and takes their figure as the sum of their months. Its query count does not grow
with the data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.sql.visitors import replacement_traverse

from coopnet.events.models import Event, EventKind
from coopnet.members.models import MemberContact, Membership, Organization, Person
from coopnet.members.queries import (
    new_members_between,
    new_members_with_intro,
    new_members_without_intro,
)
from coopnet.members.rules import member_ids_on
from coopnet.pairings.models import Pairing, PairingMember
from coopnet.pairings.queries import held_between_predicate
from coopnet.plan.models import Indicator, ManualValue, Plan, event_actions
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels
from coopnet.vacancies.models import Vacancy
from coopnet.vacancies.queries import published_between_predicate


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
class Column:
    """A column of a drill-down list: its label, how a value is shown and where it links to.

    `format`: text, number, date, datetime or choice (a value looked up in `choices`);
    `link`: (endpoint, the id column it takes) - e.g. ("events.detail", "event_id").
    """

    key: str
    label: Any
    format: str = "text"
    link: tuple[str, str] | None = None
    choices: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Part:
    """A figure that explains the indicator's figure (numerator, denominator, baseline ...)."""

    key: str
    label: Any
    format: str = "number"


@dataclass(frozen=True)
class Listing:
    """A further list that explains the figure (what is missing, who joined, who left)."""

    key: str
    title: Any
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Measured:
    """A figure (scalar SQL expression, None = no data), the SELECT of its records, and what
    explains it: parts (SQL expressions or plain values by Part key) and listings (SELECTs by
    Listing key)."""

    figure: sa.ColumnElement[Any] | None
    records: sa.Select[Any] | None
    parts: dict[str, Any] = field(default_factory=dict)
    listings: dict[str, sa.Select[Any]] = field(default_factory=dict)
    # the records' trend column alone, when a leaner SELECT than `records` gives it: one row
    # per record, or one row per group of records with their number in a column `n`
    dated: sa.Select[Any] | None = None
    # (event id, how many records) in the records' order, when the records are sorted by
    # event first: a page then sorts the rows of its own events only
    per_event: sa.Select[Any] | None = None


NO_DATA = Measured(None, None)

# how a figure is judged against its target
COUNT, SHARE, GROWTH, MANUAL, MILESTONE = "count", "share", "growth", "manual", "milestone"


@dataclass(frozen=True)
class MeasureKind:
    """A way to compute an indicator, in one place: its label, the counting rule in words,
    the function, the columns of its records, how it is judged (count: the records ARE the
    figure; share, growth: parts and listings explain it; manual, milestone: entered by hand),
    how a target is read, and whether the event scope (kinds, cities) applies."""

    key: str
    label: Any
    rule: Any
    compute: Callable[[Indicator, Window], Measured]
    columns: tuple[Column, ...]
    judged: str = COUNT
    target_reads: Any = None
    uses_events: bool = False
    # the date column a count's records are counted by per month (trend line)
    trend_column: str | None = None
    parts: tuple[Part, ...] = ()
    listings: tuple[Listing, ...] = ()
    records_title: Any = None
    # the figure (and, with a trend column, the `dated` SELECT) alone, without building the
    # drill-down's statements: the same SQL as `compute`'s figure, for the report
    lean: Callable[[Indicator, Window], Measured] | None = None

    @property
    def entered_by_hand(self) -> bool:
        """Its figure is entered by hand (a value, or a milestone done / not done)."""
        return self.judged in (MANUAL, MILESTONE)


def _count(records: sa.Select[Any]) -> sa.ColumnElement[int]:
    """How many rows a SELECT gives, without its ORDER BY (a count needs no sort). Measures
    over many rows count a lean SELECT of their own (no joins for the drill-down's columns)."""
    return sa.select(sa.func.count()).select_from(records.order_by(None).subquery()
                                                  ).scalar_subquery()


def _held(start: Any, end: Any, cutoff: Any) -> tuple[sa.ColumnElement[bool], ...]:
    """An event that counts in a window: not cancelled, started in it, ended by the cutoff."""
    return (Event.status != "cancelled", Event.starts_at >= start, Event.starts_at < end,
            Event.ends_at <= cutoff)


def _scope(indicator: Indicator, w: Window) -> sa.Select[Any]:
    """Ids of the events that count: linked to the action, held (not cancelled, ended) in the
    window, optionally of the given kinds and in the given cities."""
    params = indicator.params or {}
    stmt = (
        sa.select(Event.id)
        .join(event_actions, event_actions.c.event_id == Event.id)
        .where(event_actions.c.action_id == indicator.action_id,
               *_held(w.start, w.end, w.cutoff))
    )
    if params.get("kinds"):
        stmt = stmt.where(Event.kind_id.in_(
            sa.select(EventKind.id).where(EventKind.slug.in_(params["kinds"]))))
    if params.get("cities"):
        stmt = stmt.where(sa.func.lower(Event.city).in_([c.lower() for c in params["cities"]]))
    return stmt


def _events_held_lean(scope: sa.Select[Any]) -> Measured:
    # the scope holds each event once (one link per event and action): count it bare; the
    # trend counts by the Brussels day the event starts on (every counted event has one in
    # the window, while its UTC month may lie before the window's first month)
    return Measured(_count(scope), None,
                    dated=sa.select(Event.starts_on.label("when")).where(Event.id.in_(scope)))


def events_held_lean(indicator: Indicator, w: Window) -> Measured:
    """`events_held`'s figure and dated SELECT alone."""
    return _events_held_lean(_scope(indicator, w))


def events_held(indicator: Indicator, w: Window) -> Measured:
    """Events linked to the action that took place (not cancelled, ended) in the window."""
    scope = _scope(indicator, w)
    records = (
        sa.select(Event.id.label("event_id"), Event.title.label("event"),
                  Event.starts_at.label("when"), EventKind.name_nl.label("kind"),
                  Event.city.label("city"))
        .join(EventKind, EventKind.id == Event.kind_id)
        .where(Event.id.in_(scope))
        .order_by(Event.starts_at, Event.id)
    )
    lean = _events_held_lean(scope)
    return Measured(lean.figure, records, dated=lean.dated)


def _registration_records(scope: sa.Select[Any], *conditions: Any) -> sa.Select[Any]:
    return (
        sa.select(Registration.id.label("registration_id"), Event.id.label("event_id"),
                  Event.title.label("event"),
                  Event.starts_at.label("when"),
                  (Person.first_name + " " + Person.last_name).label("person"),
                  sa.func.coalesce(Organization.name, Registration.organization_name)
                  .label("organization"),
                  Registration.source.label("source"),
                  Registration.checked_in_at.label("checked_in_at"))
        .join(Event, Event.id == Registration.event_id)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(Organization, Organization.id == Registration.organization_id)
        .where(Registration.event_id.in_(scope), *conditions)
        .order_by(Event.starts_at, Event.id, Person.last_name, Person.first_name, Registration.id)
    )


def _registration_count(indicator: Indicator, w: Window, *conditions: Any
                        ) -> sa.ColumnElement[int]:
    """The row count of `_registration_records` with the same conditions, from the
    registrations alone: its joins are on required keys (or outer) and change no count."""
    return (sa.select(sa.func.count(Registration.id))
            .where(Registration.event_id.in_(_scope(indicator, w)), *conditions)
            .scalar_subquery())


def _registration_dates(scope: sa.Select[Any], *conditions: Any) -> sa.Select[Any]:
    """The records of `_registration_records` per event: the Brussels day of its `when` and how
    many records it holds (`n`); the trend line adds them up per month, so the month of a
    date is worked out once per event, not once per registration."""
    per_event = (sa.select(Registration.event_id, sa.func.count().label("n"))
                 .where(Registration.event_id.in_(scope), *conditions)
                 .group_by(Registration.event_id).subquery())
    return (sa.select(Event.starts_on.label("when"), per_event.c.n)
            .join(per_event, per_event.c.event_id == Event.id))


def _registration_lean(scope: sa.Select[Any], *conditions: Any) -> Measured:
    # the row count of `_registration_records` with the same conditions, from the
    # registrations alone: its joins are on required keys (or outer) and change no count
    figure = (sa.select(sa.func.count(Registration.id))
              .where(Registration.event_id.in_(scope), *conditions).scalar_subquery())
    return Measured(figure, None, dated=_registration_dates(scope, *conditions))


def _registration_measure(indicator: Indicator, w: Window, *conditions: Any) -> Measured:
    scope = _scope(indicator, w)
    per_event = (
        sa.select(Event.id, sa.func.count(Registration.id))
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.event_id.in_(scope), *conditions)
        .group_by(Event.starts_at, Event.id)
        .order_by(Event.starts_at, Event.id)
    )
    lean = _registration_lean(scope, *conditions)
    return Measured(lean.figure, _registration_records(scope, *conditions), dated=lean.dated,
                    per_event=per_event)


REGISTERED = (Registration.status == "confirmed", Registration.is_advance)
ATTENDED = (Registration.attended,)

# the event counts with a trend line: what each of their events adds to its month
MONTHLY_EVENT_COUNTS = ("events_held", "registrations", "attendances")


# the fields of each item of the bound JSON list, with their types
_SCOPE_FIELDS = (("iid", sa.Integer), ("action", sa.Integer), ("measure", sa.String),
                 ("start", sa.DateTime(timezone=True)), ("end", sa.DateTime(timezone=True)),
                 ("cutoff", sa.DateTime(timezone=True)), ("kind", sa.String),
                 ("city", sa.String))


@functools.cache
def _event_months_statement(dialect: str) -> sa.Select[Any]:
    """ONE constant statement (built once per dialect) for every event count's records per
    month: the indicators come as one bound JSON list (`scopes`, see `event_counts_per_month`),
    so neither building nor planning the statement grows with the plan. Each event in an
    indicator's scope (`_held`, linked to its action, of its kind, in its city) adds 1 (events
    held) or its registrations (`REGISTERED`, `ATTENDED`) to the month of the Brussels day it
    starts on; a month without records is left out, as `_registration_dates` leaves it out."""
    scopes = sa.bindparam("scopes", type_=sa.JSON)
    p: Any
    if dialect == "postgresql":
        # typed once per item by the function, not cast again for every event compared
        p = (sa.func.json_to_recordset(scopes)
             .table_valued(*[sa.column(name, type_) for name, type_ in _SCOPE_FIELDS])
             .render_derived(name="p", with_types=True))
    else:
        # SQLite compares the stored naive UTC text, which the items hold as such; the items
        # read once (MATERIALIZED), not once per event compared
        each = sa.func.json_each(scopes).table_valued("value").alias("each")
        p = sa.select(*[sa.func.json_extract(each.c.value, f"$.{name}").label(name)
                        for name, _type in _SCOPE_FIELDS]).cte("p").prefix_with("MATERIALIZED")

    def registrations(*conditions: Any) -> Any:
        return (sa.select(sa.func.count(Registration.id))
                .where(Registration.event_id == Event.id, *conditions).scalar_subquery())

    n = sa.case((p.c.measure == "events_held", 1),
                (p.c.measure == "registrations", registrations(*REGISTERED)),
                else_=registrations(*ATTENDED))
    per_event = (
        sa.select(p.c.iid, Event.starts_on.label("day"), n.label("n"))
        .select_from(p)
        .join(event_actions, event_actions.c.action_id == p.c.action)
        .join(Event, Event.id == event_actions.c.event_id)
        .join(EventKind, EventKind.id == Event.kind_id)
        .where(*_held(p.c.start, p.c.end, p.c.cutoff),
               sa.or_(p.c.kind.is_(None), EventKind.slug == p.c.kind),
               sa.or_(p.c.city.is_(None), sa.func.lower(Event.city) == p.c.city))
        .subquery()
    )
    month = (sa.func.to_char(per_event.c.day, sa.literal_column("'YYYY-MM'"))
             if dialect == "postgresql"
             else sa.func.strftime(sa.literal_column("'%Y-%m'"), per_event.c.day))
    total = sa.func.sum(per_event.c.n)
    stmt = (sa.select(per_event.c.iid, month.label("month"), total)
            .group_by(per_event.c.iid, month).having(total > 0))
    # the rules' constants written into the SQL: the same text every time, and a plan that
    # knows them ('cancelled', 'confirmed' ...), also once PostgreSQL reuses a generic plan
    inlined: sa.Select[Any] = replacement_traverse(stmt, {}, _inline)  # type: ignore[call-overload]
    return inlined


def _inline(element: Any) -> Any:
    if isinstance(element, sa.BindParameter) and element.key != "scopes":
        return sa.bindparam(element.key, element.value, type_=element.type,
                            unique=element.unique, expanding=element.expanding,
                            literal_execute=True)
    return None


def event_counts_per_month(dialect: str, indicators: list[tuple[Indicator, Window]]
                           ) -> tuple[sa.Select[Any], dict[str, Any]]:
    """The constant statement and its parameters for these event counts (MONTHLY_EVENT_COUNTS)
    per month: rows of (indicator id, 'YYYY-MM', records). An indicator is one item per kind
    and city of its scope (each distinct, so an event fits at most one item of it); no kind or
    no city: null, any."""
    def moment(value: datetime) -> str:
        if dialect == "postgresql":
            return value.isoformat()
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    scopes: list[dict[str, Any]] = []
    for indicator, w in indicators:
        params = indicator.params or {}
        kinds = sorted(set(params.get("kinds") or ())) or [None]
        cities = sorted({c.lower() for c in params.get("cities") or ()}) or [None]
        scopes.extend({"iid": indicator.id, "action": indicator.action_id,
                       "measure": indicator.measure, "start": moment(w.start),
                       "end": moment(w.end), "cutoff": moment(w.cutoff), "kind": kind,
                       "city": city}
                      for kind in kinds for city in cities)
    return _event_months_statement(dialect), {"scopes": scopes}


def registrations_lean(indicator: Indicator, w: Window) -> Measured:
    """`registrations`' figure and dated SELECT alone."""
    return _registration_lean(_scope(indicator, w), *REGISTERED)


def attendances_lean(indicator: Indicator, w: Window) -> Measured:
    """`attendances`' figure and dated SELECT alone."""
    return _registration_lean(_scope(indicator, w), *ATTENDED)


def registrations(indicator: Indicator, w: Window) -> Measured:
    """Confirmed registrations in advance for the scoped events (not cancelled, not waiting,
    not walk-ins, not attendees found afterwards in a webinar report)."""
    return _registration_measure(indicator, w, *REGISTERED)


def attendances(indicator: Indicator, w: Window) -> Measured:
    """Attendances ("deelnemers"): registrations that attended, walk-ins included."""
    return _registration_measure(indicator, w, *ATTENDED)


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
    figure = (sa.select(sa.func.count(sa.distinct(Registration.person_id)))
              .where(Registration.event_id.in_(_scope(indicator, w)), Registration.attended)
              .scalar_subquery())
    return Measured(figure, records)


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
    # the join with the memberships leaves only registrations naming a co-op
    figure = (attended.with_only_columns(sa.func.count(sa.distinct(Registration.organization_id)))
              .scalar_subquery())
    return Measured(figure, records)


def _members_on(day: date) -> sa.Select[Any]:
    return (
        sa.select(Organization.id.label("organization_id"), Organization.name.label("organization"),
                  Organization.city.label("city"))
        .where(Organization.id.in_(member_ids_on(day)))
        .order_by(Organization.name, Organization.id)
    )


def _member_count(day: date, *conditions: Any) -> sa.ColumnElement[int]:
    """How many rows `_members_on(day)` gives (narrowed by `conditions` on the membership's
    organisation id), counted from the memberships alone: every membership names an existing
    organisation (a foreign key that cascades), so no organisation needs looking up (about 10,000
    lookups per count on a large network)."""
    ids = member_ids_on(day).where(*conditions).subquery()
    return sa.select(sa.func.count(sa.distinct(ids.c.organization_id))).scalar_subquery()


def member_count(indicator: Indicator, w: Window) -> Measured:
    """Member co-ops with a running membership on the measuring date."""
    return Measured(_member_count(w.last_day), _members_on(w.last_day))


def member_count_lean(indicator: Indicator, w: Window) -> Measured:
    """`member_count`'s figure alone."""
    return Measured(_member_count(w.last_day), None)


def _baseline(indicator: Indicator, w: Window) -> date:
    return date.fromisoformat((indicator.params or {}).get(
        "baseline", (w.starts_on - timedelta(days=1)).isoformat()))


def member_growth(indicator: Indicator, w: Window) -> Measured:
    """Growth in % of the member count on the measuring date against the baseline date; explained
    by both counts and by who joined and who left between (a membership ending ON the baseline
    day was running that day: that co-op counts at the baseline and is among those who left)."""
    baseline = _baseline(indicator, w)
    now_count, base_count, figure = _growth(w.last_day, baseline)
    joined = _with_membership_date(
        _members_on(w.last_day).where(Organization.id.not_in(member_ids_on(baseline))),
        sa.func.min(Membership.starts_on), Membership.active_on(w.last_day))
    left = _with_membership_date(
        _members_on(baseline).where(Organization.id.not_in(member_ids_on(w.last_day))),
        sa.func.max(Membership.ends_on), Membership.active_on(baseline))
    return Measured(figure, _members_on(w.last_day),
                    parts={"baseline_on": baseline, "baseline": base_count,
                           "measured_on": w.last_day, "now": now_count},
                    listings={"joined": joined, "left": left})


def _growth(day: date, baseline: date) -> tuple[Any, Any, sa.ColumnElement[Any]]:
    """(members on `day`, members on `baseline`, growth in %) as SQL."""
    now_count, base_count = _member_count(day), _member_count(baseline)
    return now_count, base_count, ((now_count - base_count) * sa.literal(100.0)
                                   / sa.func.nullif(base_count, 0))


def member_growth_lean(indicator: Indicator, w: Window) -> Measured:
    """`member_growth`'s figure alone (its lists of who joined and who left not built)."""
    return Measured(_growth(w.last_day, _baseline(indicator, w))[2], None)


def _with_membership_date(members: sa.Select[Any], aggregate: Any, condition: Any
                          ) -> sa.Select[Any]:
    """A members list with one date of the membership that matters (its start or its end)."""
    day = (sa.select(aggregate).where(Membership.organization_id == Organization.id, condition)
           .correlate(Organization).scalar_subquery())
    return members.add_columns(day.label("membership_on"))


# "persoonlijk gecontacteerd": a conversation, visit, call or intro; an e-mail is not personal
PERSONAL_CONTACT_KINDS = ("intro", "conversation", "visit", "phone")


def _organizations(stmt: sa.Select[Any]) -> sa.Select[Any]:
    """Organisation rows of a members-area SELECT of Organization, as drill-down columns."""
    sub = stmt.order_by(None).subquery()
    return (sa.select(sub.c.id.label("organization_id"), sub.c.name.label("organization"),
                      sub.c.city.label("city"))
            .order_by(sub.c.name, sub.c.id))


def _with_last_contact(orgs: sa.Select[Any], day: date) -> sa.Select[Any]:
    """Organisation rows with the date of their last contact (any kind) on or before `day`."""
    sub = orgs.subquery()
    last = (sa.select(sa.func.max(MemberContact.contacted_on))
            .where(MemberContact.organization_id == sub.c.organization_id,
                   MemberContact.contacted_on <= day)
            .scalar_subquery())
    return (sa.select(sub.c.organization_id, sub.c.organization, sub.c.city,
                      last.label("last_contact_on"))
            .order_by(sub.c.organization, sub.c.organization_id))


def _share(records: sa.Select[Any], whole: sa.Select[Any], missing: sa.Select[Any] | None
           ) -> Measured:
    """`records` as a share (%) of `whole`; explained by both counts and the `missing` list
    (None: the figure alone, for the report)."""
    numerator, denominator = _count(records), _count(whole)
    figure = _percent_of(numerator, denominator)
    if missing is None:
        return Measured(figure, None)
    return Measured(figure, records, parts={"numerator": numerator, "denominator": denominator},
                    listings={"missing": missing})


def _percent_of(numerator: Any, denominator: Any) -> sa.ColumnElement[Any]:
    """A share in percent as SQL (no figure when the whole is empty)."""
    return numerator * sa.literal(100.0) / sa.func.nullif(denominator, 0)


def _contacted(w: Window) -> sa.Select[Any]:
    """Ids of the organisations contacted personally in the window."""
    return sa.select(MemberContact.organization_id).where(
        MemberContact.contacted_on >= w.starts_on, MemberContact.contacted_on <= w.last_day,
        MemberContact.kind.in_(PERSONAL_CONTACT_KINDS))


def members_contacted_share(indicator: Indicator, w: Window) -> Measured:
    """Share (%) of current members that staff contacted personally in the window; the missing
    list holds the current members not contacted personally, with their last contact date."""
    contacted, members = _contacted(w), _members_on(w.last_day)
    missing = _with_last_contact(members.where(Organization.id.not_in(contacted)), w.last_day)
    return _share(members.where(Organization.id.in_(contacted)), members, missing)


def members_contacted_share_lean(indicator: Indicator, w: Window) -> Measured:
    """`members_contacted_share`'s figure alone."""
    return Measured(_percent_of(
        _member_count(w.last_day, Membership.organization_id.in_(_contacted(w))),
        _member_count(w.last_day)), None)


def new_members_intro_share(indicator: Indicator, w: Window) -> Measured:
    """Share (%) of members who joined in the window that had an intro conversation
    (the member register's own rule: new_members_with_intro / new_members_between)."""
    missing = _with_last_contact(
        _organizations(new_members_without_intro(w.starts_on, w.last_day)), w.last_day)
    return _share(*_intro_parts(w), missing)


def new_members_intro_share_lean(indicator: Indicator, w: Window) -> Measured:
    """`new_members_intro_share`'s figure alone."""
    return _share(*_intro_parts(w), None)


def _intro_parts(w: Window) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """(new members of the window with an intro, all new members of the window)."""
    return (_organizations(new_members_with_intro(w.starts_on, w.last_day)),
            _organizations(new_members_between(w.starts_on, w.last_day)))


def pairings_held(indicator: Indicator, w: Window) -> Measured:
    """Micro-meetings (duos, trios) held in the window (the pairings' own rule,
    `held_between_predicate`), each listed with the co-ops that met."""
    records = (
        sa.select(Pairing.id.label("pairing_id"), Pairing.held_on.label("held_on"),
                  sa.func.aggregate_strings(Organization.name, ", ").label("organization"))
        .join(PairingMember, PairingMember.pairing_id == Pairing.id)
        .join(Organization, Organization.id == PairingMember.organization_id)
        .where(held_between_predicate(w.starts_on, w.last_day))
        .group_by(Pairing.id, Pairing.held_on)
        .order_by(Pairing.held_on, Pairing.id)
    )
    return Measured(_count(records), records)


def vacancies_published(indicator: Indicator, w: Window) -> Measured:
    """Vacancies first published in the window that are still published (the vacancy
    database's own rule, `published_between_predicate`)."""
    records = (
        sa.select(Vacancy.id.label("vacancy_id"), Vacancy.title.label("vacancy"),
                  Organization.name.label("organization"), Vacancy.kind.label("kind"),
                  Vacancy.published_at.label("when"))
        .join(Organization, Organization.id == Vacancy.organization_id)
        .where(published_between_predicate(w.starts_on, w.last_day))
        .order_by(Vacancy.published_at, Vacancy.id)
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
    return Measured(sa.cast(latest.scalar_subquery(), sa.Float), records)


def milestone(indicator: Indicator, w: Window) -> Measured:
    """Done (1) or not done (0) according to the latest entry on or before the measuring date."""
    records = _manual_records(indicator, w)
    latest = sa.select(ManualValue.value).where(
        ManualValue.indicator_id == indicator.id, ManualValue.recorded_on <= w.last_day
    ).order_by(ManualValue.recorded_on.desc(), ManualValue.id.desc()).limit(1)
    figure = sa.case((sa.cast(latest.scalar_subquery(), sa.Float) >= 1, 1), else_=0)
    return Measured(figure, records)


SOURCE_LABELS = {"online": _l("online"), "staff": _l("by staff"), "walkin": _l("walk-in"),
                 "import": _l("imported"), "api": _l("API")}
EVENT = Column("event", _l("Event"), link=("events.detail", "event_id"))
WHEN = Column("when", _l("When"), "datetime")
KIND = Column("kind", _l("Kind"))
CITY = Column("city", _l("City"))
PERSON = Column("person", _l("Person"))
ORGANIZATION = Column("organization", _l("Organisation"))
MEMBER = Column("organization", _l("Organisation"), link=("members.detail", "organization_id"))
REGISTRATION_COLUMNS = (EVENT, WHEN, PERSON, ORGANIZATION,
                        Column("source", _l("How"), "choice", choices=SOURCE_LABELS),
                        Column("checked_in_at", _l("Checked in"), "datetime"))
MEMBER_COLUMNS = (MEMBER, CITY)
MISSING_COLUMNS = (MEMBER, CITY, Column("last_contact_on", _l("Last contact"), "date"))
VALUE_COLUMNS = (Column("recorded_on", _l("Date"), "date"), Column("value", _l("Value"), "number"),
                 Column("note", _l("Note")))
SHARE_PARTS = (Part("numerator", _l("Counted")), Part("denominator", _l("Out of")))
PERCENT = _l("a percentage (0 to 100)")
NUMBER = _l("a number of records")

MEASURES: dict[str, MeasureKind] = {m.key: m for m in (
    MeasureKind("events_held", _l("Events held"),
                _l("Events linked to this action that took place in the period and were not "
                   "cancelled (an event counts once it has ended)."), events_held,
                (EVENT, WHEN, KIND, CITY), COUNT, NUMBER, uses_events=True, trend_column="when",
                lean=events_held_lean),
    MeasureKind("registrations", _l("Registrations"),
                _l("Confirmed registrations in advance for those events; cancelled "
                   "registrations, the waiting list, walk-ins and attendees imported from a "
                   "webinar report do not count."),
                registrations, REGISTRATION_COLUMNS, COUNT, NUMBER, uses_events=True,
                trend_column="when", lean=registrations_lean),
    MeasureKind("attendances", _l("Participants (attendances)"),
                _l("People who attended those events: checked in at the door, marked present "
                   "or imported, walk-ins included. Someone at two events counts twice."),
                attendances, REGISTRATION_COLUMNS, COUNT, NUMBER, uses_events=True,
                trend_column="when", lean=attendances_lean),
    MeasureKind("distinct_attendees", _l("Distinct participants"),
                _l("Different people who attended at least one of those events; someone at "
                   "two events counts once."), distinct_attendees, (PERSON, ORGANIZATION),
                COUNT, NUMBER, uses_events=True),
    MeasureKind("distinct_member_orgs", _l("Member co-ops reached"),
                _l("Different member co-ops for which someone attended one of those events "
                   "while the co-op was a member."), distinct_member_orgs, MEMBER_COLUMNS,
                COUNT, NUMBER, uses_events=True),
    MeasureKind("members_contacted_share", _l("Share of members contacted"),
                _l("Current members that had a personal contact (intro, conversation, visit or "
                   "call; not an e-mail) in the period, as a share of all current members."),
                members_contacted_share, MEMBER_COLUMNS, SHARE, PERCENT, parts=SHARE_PARTS,
                records_title=_l("Members contacted"), lean=members_contacted_share_lean,
                listings=(Listing("missing", _l("Not contacted yet"), MISSING_COLUMNS),)),
    MeasureKind("new_members_intro_share", _l("Share of new members with an intro"),
                _l("Members who joined in the period and had an intro conversation (on any "
                   "date), as a share of all members who joined in the period."),
                new_members_intro_share, MEMBER_COLUMNS, SHARE, PERCENT, parts=SHARE_PARTS,
                records_title=_l("New members with an intro"), lean=new_members_intro_share_lean,
                listings=(Listing("missing", _l("New members without an intro"),
                                  MISSING_COLUMNS),)),
    MeasureKind("pairings_held", _l("Micro-meetings held"),
                _l("Duos and trios marked as held, with the meeting date in the period."),
                pairings_held, (Column("held_on", _l("Held on"), "date"),
                                Column("organization", _l("Co-ops"))),
                COUNT, NUMBER, trend_column="held_on"),
    MeasureKind("vacancies_published", _l("Vacancies published"),
                _l("Vacancies published in the period that are still published (not rejected "
                   "or withdrawn)."), vacancies_published,
                (Column("vacancy", _l("Vacancy")), ORGANIZATION, KIND, WHEN), COUNT, NUMBER,
                trend_column="when"),
    MeasureKind("member_count", _l("Member count"),
                _l("Member co-ops with a running membership on the date."), member_count,
                MEMBER_COLUMNS, COUNT, NUMBER, lean=member_count_lean),
    MeasureKind("member_growth", _l("Member growth (%)"),
                _l("Growth of the member count on the date against the count on the baseline "
                   "date, in percent: who joined and who left in between explain the "
                   "difference. A co-op whose membership ends on the baseline date counts "
                   "at the baseline."), member_growth, MEMBER_COLUMNS, GROWTH,
                _l("growth in percent against the baseline date"),
                parts=(Part("baseline_on", _l("Baseline date"), "date"),
                       Part("baseline", _l("Members on the baseline date")),
                       Part("measured_on", _l("Measured on"), "date"),
                       Part("now", _l("Members on the date"))),
                records_title=_l("Members on the date"), lean=member_growth_lean,
                listings=(Listing("joined", _l("Joined since the baseline"),
                                  (*MEMBER_COLUMNS, Column("membership_on", _l("Member since"),
                                                           "date"))),
                          Listing("left", _l("Left since the baseline"),
                                  (*MEMBER_COLUMNS, Column("membership_on", _l("Member until"),
                                                           "date"))))),
    MeasureKind("manual", _l("Value entered by hand"),
                _l("The latest value entered by hand on or before the date; earlier values "
                   "stay in the history."), manual, VALUE_COLUMNS, MANUAL,
                _l("the value itself")),
    MeasureKind("milestone", _l("Milestone"),
                _l("Done when the latest entry on or before the date marks it done."), milestone,
                VALUE_COLUMNS, MILESTONE, _l("1 = done")),
)}


def measure(indicator: Indicator, plan: Plan, at: date, *, lean: bool = False
            ) -> tuple[Measured, Window]:
    """The indicator's figure and records as of `at`; no data when it has no confirmed measure.
    `lean`: the figure (and the trend's dated SELECT) alone where the measure can give them
    without its drill-down statements (`records` may then be None)."""
    w = window_for(indicator, plan, at)
    return measure_in(indicator, w, lean=lean), w


def measure_in(indicator: Indicator, w: Window, *, lean: bool = False) -> Measured:
    """`measure` over a window already worked out."""
    kind = MEASURES.get(indicator.measure or "")
    if kind is None or indicator.status != "confirmed":
        return NO_DATA
    if lean and kind.lean is not None:
        return kind.lean(indicator, w)
    return kind.compute(indicator, w)


def latest_entered(entries: list[tuple[date, float]], kind: MeasureKind, day: date
                   ) -> float | None:
    """`manual` and `milestone` in Python over an indicator's entries sorted by (date, id): the
    latest value on or before `day` (a milestone: 1 when it is at least 1, else 0), or None."""
    value = None
    for recorded_on, entered in entries:
        if recorded_on > day:
            break
        value = entered
    return entered_figure(value, kind)


def entered_figure(value: float | None, kind: MeasureKind) -> float | None:
    """What the latest value entered by hand counts as: a milestone is done (1) when it is at
    least 1, else not (0); any other measure counts the value itself (None: nothing entered)."""
    if kind.judged == MILESTONE:
        return 1.0 if value is not None and value >= 1 else 0.0
    return value
