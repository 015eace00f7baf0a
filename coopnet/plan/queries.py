"""Read side of the plan: the report tree with every figure, drill-down lists, warnings."""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.orm.attributes import set_committed_value

from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.plan.measures import (
    COUNT,
    MEASURES,
    MILESTONE,
    MONTHLY_EVENT_COUNTS,
    Measured,
    MeasureKind,
    Window,
    entered_figure,
    event_counts_per_month,
    latest_entered,
    measure,
    measure_in,
    window_for,
)
from coopnet.plan.models import Action, Goal, Indicator, Plan, ReportComment, ReportSnapshot
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels_today

STATUSES = ("achieved", "on_track", "behind", "no_data")


@dataclass
class Figures:
    """One indicator's figures as of a date."""

    indicator: Indicator
    actual: float | None
    target: float | None
    percent: int | None
    expected_by_now: float | None
    status: str
    window: Window
    trend: list[tuple[date, float | None]] = field(default_factory=list)
    # the measure the figure was counted by when it was frozen (None: the indicator's own)
    frozen_measure: str | None = None

    @property
    def measure_kind(self) -> MeasureKind | None:
        """The measure the figure was counted by, or None."""
        return MEASURES.get(self.frozen_measure or self.indicator.measure or "")

    @property
    def measure_label(self) -> str:
        """The measure's name in the current language, or empty."""
        kind = self.measure_kind
        return str(kind.label) if kind else ""


@dataclass
class Report:
    """The plan tree with figures per indicator id."""

    plan: Plan
    at: date
    goals: list[Goal]
    figures: dict[int, Figures]

    def status_counts(self) -> dict[str, int]:
        """How many indicators have each status (over the already computed figures)."""
        counts = dict.fromkeys(STATUSES, 0)
        for fig in self.figures.values():
            counts[fig.status] += 1
        return counts

    def indicators(self) -> list[Indicator]:
        """Every indicator in tree order."""
        return [i for g in self.goals for sub in [g, *g.children] for a in sub.actions
                for i in a.indicators]


def list_plans() -> list[Plan]:
    """All plans, newest period first."""
    return list(db.session.execute(
        sa.select(Plan).order_by(Plan.starts_on.desc(), Plan.id.desc())).scalars())


def plan_tree(plan: Plan) -> list[Goal]:
    """The plan's strategic goals with operational goals, actions and indicators loaded.

    Three flat queries (goals, actions, indicators of the plan), the lists put together here:
    about 3x cheaper than the ORM's chained eager loading of the same tree (measured: 5 ms
    instead of 13 for the demo plan's 87 indicators), and no further query when a template
    walks it (`goal.children`, `action.indicators`, `indicator.action`)."""
    of_plan = {"plan_id": plan.id}
    goal_rows, action_rows, indicator_rows = _plan_tree_statements()
    goals = list(db.session.execute(goal_rows, of_plan).scalars())
    actions = list(db.session.execute(action_rows, of_plan).scalars())
    indicators = db.session.execute(indicator_rows, of_plan).scalars()
    children: dict[int, list[Goal]] = {goal.id: [] for goal in goals}
    goal_actions: dict[int, list[Action]] = {goal.id: [] for goal in goals}
    action_indicators: dict[int, list[Indicator]] = {action.id: [] for action in actions}
    for goal in goals:
        if goal.parent_id is not None and goal.parent_id in children:
            children[goal.parent_id].append(goal)
    for action in actions:
        goal_actions[action.goal_id].append(action)
    for indicator in indicators:
        action_indicators[indicator.action_id].append(indicator)
    for goal in goals:
        set_committed_value(goal, "children", children[goal.id])
        set_committed_value(goal, "actions", goal_actions[goal.id])
    for action in actions:
        set_committed_value(action, "indicators", action_indicators[action.id])
    return [goal for goal in goals if goal.level == 1]


@functools.cache
def _plan_tree_statements() -> tuple[sa.Select[tuple[Goal]], sa.Select[tuple[Action]],
                                      sa.Select[tuple[Indicator]]]:
    """The goals, actions and indicators of the plan `plan_id` (a bound parameter): built once
    per process (no statement to build, nor a cache key to work out, per page)."""
    plan_id = sa.bindparam("plan_id", type_=sa.Integer)
    return (
        sa.select(Goal).where(Goal.plan_id == plan_id).order_by(Goal.position, Goal.id),
        sa.select(Action).join(Goal, Goal.id == Action.goal_id).where(Goal.plan_id == plan_id)
        .order_by(Action.position, Action.id),
        sa.select(Indicator).join(Action, Action.id == Indicator.action_id)
        .join(Goal, Goal.id == Action.goal_id).where(Goal.plan_id == plan_id)
        .order_by(Indicator.position, Indicator.id))


def _fraction(w: Window) -> float:
    total = (w.ends_on - w.starts_on).days + 1
    elapsed = (min(w.at, w.ends_on) - w.starts_on).days + 1
    return max(0.0, min(1.0, elapsed / total))


def judge(indicator: Indicator, actual: float | None, w: Window) -> tuple[int | None, float | None,
                                                                          str]:
    """(percent, expected by now, status) for an actual against the indicator's target."""
    target = float(indicator.target) if indicator.target is not None else None
    if actual is None or not target:
        return None, None, "no_data"
    percent = round(actual * 100 / target)
    expected = round(target * _fraction(w), 1)
    if actual >= target:
        return percent, expected, "achieved"
    kind = MEASURES.get(indicator.measure or "")
    if kind is not None and kind.judged == MILESTONE:
        # a milestone is not done gradually: it is on schedule until the period is over
        return percent, expected, "on_track" if w.at < w.ends_on else "behind"
    return percent, expected, "on_track" if actual >= expected else "behind"


@functools.lru_cache(maxsize=512)
def _month_ends(w: Window) -> tuple[date, ...]:
    """The last day of each month of the window up to its last day (that day for the last
    month). A pure function of the window, worked out once per window and process: the
    dashboard draws dozens of lines over the same few windows."""
    days = []
    last = min(w.at, w.ends_on)
    first = w.starts_on.replace(day=1)
    while first <= last:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        days.append(min(following - timedelta(days=1), last))
        first = following
    return tuple(days)


def _month(column: Any) -> sa.ColumnElement[str]:
    """'YYYY-MM' of a UTC timestamp or a date, on SQLite and PostgreSQL alike."""
    if db.engine.dialect.name == "postgresql":
        # the format inline, so that SELECT and GROUP BY hold the same expression
        return sa.func.to_char(column, sa.literal_column("'YYYY-MM'"))
    return sa.func.strftime(sa.literal_column("'%Y-%m'"), column)


def _manual_entries(indicators: list[Indicator], windows: dict[int, Window]
                    ) -> dict[int, list[tuple[date, float]]]:
    """The values entered by hand for indicators measured by hand, by (date, id), up to the
    last day any of them counts (one query)."""
    from coopnet.plan.models import ManualValue

    ids = [i.id for i in indicators]
    if not ids:
        return {}
    last = max(windows[i].last_day for i in ids)
    entries: dict[int, list[tuple[date, float]]] = {}
    for iid, day, value in db.session.execute(
            sa.select(ManualValue.indicator_id, ManualValue.recorded_on, ManualValue.value)
            .where(ManualValue.indicator_id.in_(ids), ManualValue.recorded_on <= last)
            .order_by(ManualValue.recorded_on, ManualValue.id)):
        entries.setdefault(iid, []).append((day, float(value)))
    return entries


@dataclass(frozen=True)
class _FigureStatements:
    """The statements of the figures that need one (see `_figure_statements`)."""

    figure_ids: tuple[int, ...]  # the columns of `figures`, in order
    figures: sa.Select[Any] | None  # one row: every figure as a scalar subquery
    monthly_ids: frozenset[int]  # the counts taken per month by `months` (their figure: the sum)
    months: sa.Select[Any] | None  # rows of (indicator id, 'YYYY-MM', records)


# the statements last built, by what they are built from (an LRU of _FIGURE_STATEMENTS_KEPT)
_FIGURE_STATEMENTS: OrderedDict[Hashable, _FigureStatements] = OrderedDict()
_FIGURE_STATEMENTS_KEPT = 64


def _statement_key(indicator: Indicator, w: Window) -> Hashable:
    """Everything a measure's statement is built from: the indicator's measure, status, action,
    own id and parameters, and its window (period and date)."""
    return (indicator.id, indicator.action_id, indicator.measure, indicator.status,
            json.dumps(indicator.params or {}, sort_keys=True, default=str), w)


def _figure_statements(indicators: list[Indicator], windows: dict[int, Window], trend: bool
                       ) -> _FigureStatements:
    """The figures of these indicators in one SELECT of scalar subqueries and, with the trend,
    the counts with a trend column per month in one UNION query.

    Kept per process by what they are built from (`_statement_key`, the dialect): a page seen
    again builds no statement and SQLAlchemy knows their compiled form at once (building them
    and working out their cache keys cost about a tenth of the dashboard). What they count is
    read from the database every time."""
    dialect = db.engine.dialect.name
    key = (dialect, trend, tuple(_statement_key(i, windows[i.id]) for i in indicators))
    built = _FIGURE_STATEMENTS.get(key)
    if built is not None:
        _FIGURE_STATEMENTS.move_to_end(key)
        return built
    figures: dict[int, Any] = {}
    parts = []
    monthly: set[int] = set()
    for indicator in indicators:
        w = windows[indicator.id]
        m = measure_in(indicator, w, lean=True)
        kind = MEASURES.get(indicator.measure or "")
        if m.figure is None or kind is None:
            continue
        if trend and kind.judged == COUNT and kind.trend_column:
            # counted per month; the figure is the sum of the months (no second count)
            records = m.dated if m.dated is not None else m.records
            assert records is not None
            sub = records.order_by(None).subquery()
            month = _month(sub.c[kind.trend_column])
            n = sa.func.sum(sub.c.n) if "n" in sub.c else sa.func.count()
            parts.append(sa.select(sa.literal(indicator.id).label("iid"),
                                   month.label("month"), n.label("n"))
                         .select_from(sub).group_by(month))
            monthly.add(indicator.id)
        else:
            figures[indicator.id] = m.figure
    built = _FigureStatements(
        tuple(figures), sa.select(*figures.values()) if figures else None, frozenset(monthly),
        sa.union_all(*parts) if parts else None)  # type: ignore[arg-type]
    _FIGURE_STATEMENTS[key] = built
    while len(_FIGURE_STATEMENTS) > _FIGURE_STATEMENTS_KEPT:
        _FIGURE_STATEMENTS.popitem(last=False)
    return built


def _count_trend(per_month: dict[str, float], w: Window) -> list[tuple[date, float | None]]:
    total = 0.0
    points: list[tuple[date, float | None]] = []
    for day in _month_ends(w):
        total += per_month.get(f"{day.year:04d}-{day.month:02d}", 0.0)
        points.append((day, total))
    return points


def _entered_trend(entries: list[tuple[date, float]], kind: MeasureKind, w: Window
                   ) -> list[tuple[date, float | None]]:
    # `latest_entered` at each month end, the entries (sorted by date) walked once
    points: list[tuple[date, float | None]] = []
    value, position = None, 0
    for day in _month_ends(w):
        while position < len(entries) and entries[position][0] <= day:
            value = entries[position][1]
            position += 1
        points.append((day, entered_figure(value, kind)))
    return points


def compute_figures(plan: Plan, indicators: list[Indicator], at: date, *,
                    trend: bool = False) -> dict[int, Figures]:
    """Every indicator's figures in one SELECT of scalar subqueries, the values entered by hand
    in one query. With the trend: the counts with a trend column are counted per month (the
    event counts by one constant statement, built without a statement of their own; the others
    in one UNION query) and their figure is the sum of their months, instead of a second
    count."""
    windows = {i.id: window_for(i, plan, at) for i in indicators}
    entered: list[Indicator] = []
    event_months: list[Indicator] = []
    built: list[Indicator] = []
    for indicator in indicators:
        kind = MEASURES.get(indicator.measure or "")
        if kind is None or indicator.status != "confirmed":
            continue  # no figure
        if kind.entered_by_hand:
            # no statement: `latest_entered` over the entries (one query for all of them)
            entered.append(indicator)
        elif trend and indicator.measure in MONTHLY_EVENT_COUNTS:
            # no statement either: the constant per-month statement counts it from its window
            event_months.append(indicator)
        else:
            built.append(indicator)
    statements = _figure_statements(built, windows, trend)
    values: dict[int, Any] = {}
    if statements.figures is not None:
        # one SELECT of scalar subqueries; read by position (labelling each one costs time)
        row = db.session.execute(statements.figures).one()
        values = dict(zip(statements.figure_ids, row, strict=True))
    per_month: dict[int, dict[str, float]] = {i.id: {} for i in event_months}
    per_month.update({iid: {} for iid in statements.monthly_ids})
    if event_months:
        # the event counts: one constant statement, their scopes a bound JSON parameter
        stmt, params = event_counts_per_month(
            db.engine.dialect.name, [(i, windows[i.id]) for i in event_months])
        for iid, month, n in db.session.execute(stmt, params):
            per_month[iid][month] = float(n)
    if statements.months is not None:
        for iid, month, n in db.session.execute(statements.months):
            per_month[iid][month] = float(n)
    trends: dict[int, list[tuple[date, float | None]]] = {}
    # every record falls in one month: the months add up to the count
    for iid, months in per_month.items():
        values[iid] = sum(months.values())
        if months:  # a count without any record has no trend line (no chart)
            trends[iid] = _count_trend(months, windows[iid])
    entries = _manual_entries(entered, windows)
    for indicator in entered:
        kind = MEASURES[indicator.measure or ""]
        w = windows[indicator.id]
        mine = entries.get(indicator.id, [])
        values[indicator.id] = latest_entered(mine, kind, w.last_day)
        if trend:
            trends[indicator.id] = _entered_trend(mine, kind, w)
    result = {}
    for indicator in indicators:
        w = windows[indicator.id]
        raw = values.get(indicator.id)
        actual = None if raw is None else round(float(raw), 1)
        if actual is not None and actual == int(actual):
            actual = float(int(actual))
        percent, expected, status = judge(indicator, actual, w)
        result[indicator.id] = Figures(
            indicator, actual, float(indicator.target) if indicator.target is not None else None,
            percent, expected, status, w, trends.get(indicator.id, []))
    return result


def plan_report(plan: Plan, at: date, *, trend: bool = False) -> Report:
    """The whole plan with figures as of `at`: a bounded number of queries."""
    goals = plan_tree(plan)
    report = Report(plan, at, goals, {})
    report.figures = compute_figures(plan, report.indicators(), at, trend=trend)
    return report


def snapshot_report(snapshot: ReportSnapshot) -> Report:
    """The report as it was frozen: today's plan tree with the figures the snapshot kept (no
    figure is computed again). An indicator added after the snapshot has no figures in it."""
    plan = snapshot.plan
    report = Report(plan, snapshot.at, plan_tree(plan), {})
    frozen = snapshot.data.get("indicators", {})
    for indicator in report.indicators():
        kept = frozen.get(str(indicator.id))
        if kept is None:
            continue
        report.figures[indicator.id] = Figures(
            indicator, kept.get("actual"), kept.get("target"), kept.get("percent"),
            kept.get("expected_by_now"), kept.get("status", "no_data"),
            window_for(indicator, plan, snapshot.at), [],
            frozen_measure=kept.get("measure") or None)
    return report


def event_kind_labels() -> dict[str, str]:
    """Event kind names by slug, in the current language."""
    from coopnet.events.models import EventKind

    return {kind.slug: kind.label for kind in db.session.execute(sa.select(EventKind)).scalars()}


def report_comments(snapshot: ReportSnapshot) -> dict[int, str]:
    """The coordinator's comment per action id of a frozen report."""
    return {action_id: text for action_id, text in db.session.execute(
        sa.select(ReportComment.action_id, ReportComment.text)
        .where(ReportComment.snapshot_id == snapshot.id))}


def indicator_records(indicator: Indicator, plan: Plan, at: date, *, limit: int | None = None,
                      offset: int = 0, total: int | None = None
                      ) -> tuple[Measured, list[dict[str, Any]], int]:
    """The records behind an indicator's figure (a page of them) and how many there are
    (`total` when the caller already knows it: a count measure's figure is its list length)."""
    m, _w = measure(indicator, plan, at)
    if m.records is None:
        return m, [], 0
    if total is None:
        kind = MEASURES.get(indicator.measure or "")
        count = m.figure if kind is not None and kind.judged == COUNT else None
        if count is None:
            count = (sa.select(sa.func.count())
                     .select_from(m.records.order_by(None).subquery()).scalar_subquery())
        total = db.session.execute(sa.select(count)).scalar_one()
    stmt = m.records
    if limit is not None and m.per_event is not None:
        stmt, offset = _page_events(m, stmt, limit, offset)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = [dict(row._mapping) for row in db.session.execute(stmt)]
    return m, rows, total


def _page_events(m: Measured, stmt: sa.Select[Any], limit: int, offset: int
                 ) -> tuple[sa.Select[Any], int]:
    """The records SELECT narrowed to the events a page falls in, and the offset within them:
    records sorted by event first, so counting per event finds the page without sorting the
    rows of every other event (a million registrations made that sort the page's cost)."""
    skipped, taken = 0, 0
    events: list[int] = []
    for event_id, count in db.session.execute(m.per_event):  # type: ignore[arg-type]
        if not events and skipped + count <= offset:
            skipped += count  # all of this event's records come before the page
            continue
        if skipped + taken >= offset + limit:
            break
        events.append(event_id)
        taken += count
    return stmt.where(Registration.event_id.in_(events)), offset - skipped


@dataclass
class Explanation:
    """Everything that explains an indicator's figure: its kind, the records (a page of them)
    and how many, the parts (numerator and denominator, baseline and today ...) and the further
    lists (what is missing, who joined, who left), each in full."""

    kind: MeasureKind | None
    rows: list[dict[str, Any]]
    total: int
    parts: dict[str, Any]
    listings: dict[str, list[dict[str, Any]]]


def explain_indicator(indicator: Indicator, plan: Plan, at: date, *, limit: int | None = None,
                      offset: int = 0, total: int | None = None) -> Explanation:
    """The drill-down of an indicator: records, parts and listings (a few queries)."""
    kind = MEASURES.get(indicator.measure or "")
    m, rows, total = indicator_records(indicator, plan, at, limit=limit, offset=offset,
                                       total=total)
    parts = {key: value for key, value in m.parts.items()
             if not isinstance(value, sa.ClauseElement)}
    sql = [key for key, value in m.parts.items() if isinstance(value, sa.ClauseElement)]
    if sql:
        row = db.session.execute(sa.select(*[m.parts[key] for key in sql])).one()
        parts.update(zip(sql, row, strict=True))
    listings = {key: [dict(r._mapping) for r in db.session.execute(stmt)]
                for key, stmt in m.listings.items()}
    return Explanation(kind, rows, total, parts, listings)


def events_without_attendance(plan: Plan, now: datetime) -> list[tuple[Event, int]]:
    """Past events of the plan's period with registrations but no attendance recorded (they
    count zero participants); older ones cannot change the plan's figures."""
    from coopnet.registrations.checkin_queries import past_events_without_attendance

    period = Window(plan.starts_on, plan.ends_on, plan.ends_on)
    return [(item.event, item.registered) for item in past_events_without_attendance(
        min(now, period.end), since=period.start)]


def events_for_linking(plan: Plan) -> list[Event]:
    """Events in the plan period, to link to an action."""
    w = Window(plan.starts_on, plan.ends_on, plan.ends_on)
    return list(db.session.execute(
        sa.select(Event).where(Event.starts_at >= w.start, Event.starts_at < w.end)
        .order_by(Event.starts_at, Event.id)).scalars())


def snapshots_of(plan: Plan) -> list[ReportSnapshot]:
    """The plan's frozen reports, newest first."""
    return list(db.session.execute(
        sa.select(ReportSnapshot).where(ReportSnapshot.plan_id == plan.id)
        .order_by(ReportSnapshot.taken_at.desc(), ReportSnapshot.id.desc())).scalars())


def action_choices(event: Event | None = None) -> list[tuple[int, str]]:
    """(action id, "plan › SD › goal › action"): of the plans whose period holds the event,
    or of every plan (newest first) without one."""
    sd = sa.orm.aliased(Goal)
    stmt = (
        sa.select(Action.id, Plan.name, Goal.level, Goal.number, sd.number, Action.title)
        .join(Goal, Goal.id == Action.goal_id)
        .join(Plan, Plan.id == Goal.plan_id)
        .outerjoin(sd, sd.id == Goal.parent_id)
        .order_by(Plan.starts_on.desc(), Plan.id, Goal.position, Action.position)
    )
    if event is not None:
        day = brussels_today(event.starts_at)
        stmt = stmt.where(Plan.starts_on <= day, Plan.ends_on >= day)
    rows = db.session.execute(stmt).all()
    choices = []
    for action_id, plan_name, level, number, sd_number, title in rows:
        path = f"SD {number}" if level == 1 else f"SD {sd_number} › {number}."
        short = title if len(title) <= 70 else title[:69] + "…"
        choices.append((action_id, f"{plan_name} › {path} › {short}"))
    return choices


def linked_action_ids(event: Event) -> list[int]:
    """The plan actions an event serves."""
    from coopnet.plan.models import event_actions

    return list(db.session.execute(sa.select(event_actions.c.action_id)
                                   .where(event_actions.c.event_id == event.id)).scalars())


def side_figures(indicator: Indicator, plan: Plan, at: date) -> dict[str, int] | None:
    """For event measures: events held, registrations, attendances and no-shows of the scope,
    shown beside the figure (one query)."""
    from coopnet.plan import measures as m

    kind = MEASURES.get(indicator.measure or "")
    if kind is None or not kind.uses_events or indicator.status != "confirmed":
        return None
    w = m.window_for(indicator, plan, at)
    held, registered, came = (m.events_held(indicator, w), m.registrations(indicator, w),
                              m.attendances(indicator, w))
    no_show = m._registration_count(
        indicator, w, Registration.status == "confirmed", Registration.is_advance,
        sa.not_(Registration.attended))
    assert held.figure is not None and registered.figure is not None
    assert came.figure is not None
    row = db.session.execute(sa.select(
        held.figure.label("events"), registered.figure.label("registrations"),
        came.figure.label("attendances"), no_show.label("no_shows"),
    )).one()
    return dict(row._mapping)


@dataclass
class UnlinkedEvent:
    """An event the plan does not count yet, with the indicators it would likely serve."""

    event: Event
    indicators: list[Indicator]
    # the indicators as one line, "text (action); text (action)", made once for all the events
    # that would serve the same indicators
    serves: str = ""

    @property
    def actions(self) -> list[Action]:
        """The actions of those indicators, each once, in order."""
        seen: dict[int, Action] = {}
        for indicator in self.indicators:
            seen.setdefault(indicator.action_id, indicator.action)
        return list(seen.values())


@dataclass
class UnlinkedEvents:
    """A capped list of unlinked events and how many there are in all."""

    items: list[UnlinkedEvent]
    total: int


def _kind_and_city(indicator: Indicator) -> tuple[tuple[str, ...], tuple[str, ...]]:
    params = indicator.params or {}
    return (tuple(sorted(params.get("kinds") or ())),
            tuple(sorted(c.lower() for c in params.get("cities") or ())))


def _in_scope(slug: str, city: str, kinds: tuple[str, ...], cities: tuple[str, ...]) -> bool:
    """An event of kind `slug` in `city` (lower case) fits an indicator's kinds and cities."""
    return (not kinds or slug in kinds) and (not cities or city in cities)


def _event_scoped(indicators: list[Indicator]) -> list[Indicator]:
    """Of a plan's indicators (`Report.indicators`), the confirmed ones with an event measure
    (they count linked events), by goal, action and indicator position."""
    keys = {k for k, kind in MEASURES.items() if kind.uses_events}
    return sorted((i for i in indicators if i.status == "confirmed" and i.measure in keys),
                  key=lambda i: (i.action.goal.position, i.action.position, i.position, i.id))


ScopeKey = tuple[tuple[str, ...], tuple[str, ...]]


@functools.lru_cache(maxsize=256)
def _unlinked_page(scopes: tuple[ScopeKey, ...], limit: int) -> sa.Select[Any]:
    """The statement of `unlinked_events` for these indicator scopes ((kinds, cities), sorted):
    the plan and its days are bound parameters (`plan_id`, `first_day`, `last_day`, `cutoff`),
    so it is built once per process for each set of scopes, not once per page."""
    from coopnet.events.models import EventKind
    from coopnet.plan.models import event_actions

    fits: list[Any] = []
    # the scopes naming kinds only are one IN list (an OR of many short lists costs SQLite an
    # index probe per list)
    only_kinds = sorted({kind for kinds, cities in scopes if not cities for kind in kinds})
    if only_kinds:
        fits.append(EventKind.slug.in_(only_kinds))
    for kinds, cities in scopes:
        if not kinds and not cities:
            fits.append(sa.true())
        elif cities:
            conditions: list[Any] = [sa.func.lower(Event.city).in_(cities)]
            if kinds:
                conditions.append(EventKind.slug.in_(kinds))
            fits.append(sa.and_(*conditions))
    # from the event to its few links, then to their goals: not a probe of the event's links
    # per action of the plan (`action_id IN (the plan's actions)` cost SQLite 2x the time)
    linked = (sa.select(sa.literal_column("1")).select_from(event_actions)
              .join(Action, Action.id == event_actions.c.action_id)
              .join(Goal, Goal.id == Action.goal_id)
              .where(event_actions.c.event_id == Event.id,
                     Goal.plan_id == sa.bindparam("plan_id", type_=sa.Integer)).exists())
    day = Event.__table__.c.starts_on.type
    # the page's ids and how many there are in all beside each (counted before the LIMIT):
    # one pass over narrow rows, then the listed events loaded whole
    page = (
        sa.select(Event.id, Event.starts_at, sa.func.count().over().label("total"))
        .join(EventKind, EventKind.id == Event.kind_id)
        # the Brussels day the event starts on: 00:30 on 1 January belongs to the new year
        .where(Event.starts_on >= sa.bindparam("first_day", type_=day),
               Event.starts_on <= sa.bindparam("last_day", type_=day),
               Event.status != "cancelled",
               Event.ends_at <= sa.bindparam("cutoff", type_=Event.__table__.c.ends_at.type),
               sa.or_(*fits), sa.not_(linked))
        .order_by(Event.starts_at, Event.id).limit(limit).subquery()
    )
    return (sa.select(Event, page.c.total).join(page, page.c.id == Event.id)
            # what the list shows (the other columns load if something asks for them)
            .options(sa.orm.load_only(Event.id, Event.title, Event.starts_on, Event.starts_at,
                                      Event.city, Event.kind_id))
            .order_by(page.c.starts_at, page.c.id))


def unlinked_events(plan: Plan, at: date, *, limit: int = 50, report: Report | None = None
                    ) -> UnlinkedEvents:
    """Events held in the plan period (Brussels day of the start; not cancelled; ended by `at`)
    whose kind (and city) fits some confirmed event indicator's scope, linked to no action of
    the plan: they count for nothing until someone links them. One query, whatever the number
    of events, after the plan's tree (`report`'s, else read in three queries); the list holds
    at most `limit`, `total` says how many there are."""
    report = report if report is not None else Report(plan, at, plan_tree(plan), {})
    indicators = _event_scoped(report.indicators())
    scopes = {_kind_and_city(i) for i in indicators}
    if not scopes:
        return UnlinkedEvents([], 0)
    w = Window(plan.starts_on, plan.ends_on, at)
    rows = db.session.execute(
        _unlinked_page(tuple(sorted(scopes)), limit),
        {"plan_id": plan.id, "first_day": plan.starts_on, "last_day": plan.ends_on,
         "cutoff": w.cutoff}).all()
    events = [row[0] for row in rows]
    total = rows[0].total if rows else 0
    scoped = [(i, _kind_and_city(i)) for i in indicators]
    items = []
    # events that fit the same scopes share one list of the indicators they would serve
    serving: dict[frozenset[ScopeKey], tuple[list[Indicator], str]] = {}
    for event in events:
        slug, city = event.kind.slug, (event.city or "").lower()
        fitting = frozenset(scope for scope in scopes if _in_scope(slug, city, *scope))
        if fitting not in serving:
            served = [i for i, scope in scoped if scope in fitting]
            serving[fitting] = (served, "; ".join(f"{i.text} ({i.action.title})" for i in served))
        items.append(UnlinkedEvent(event, *serving[fitting]))
    return UnlinkedEvents(items, total)


def plan_action_choices(goals: list[Goal]) -> list[tuple[int, str]]:
    """(action id, "SD › goal › action") of an already loaded plan tree (no query)."""
    choices = []
    for sd in goals:
        for goal in [sd, *sd.children]:
            path = f"SD {sd.number}" if goal is sd else f"SD {sd.number} › {goal.number}."
            for action in goal.actions:
                short = action.title if len(action.title) <= 70 else action.title[:69] + "…"
                choices.append((action.id, f"{path} › {short}"))
    return choices
