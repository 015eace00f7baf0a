"""Read side of the plan: the report tree with every figure, drill-down lists, warnings."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.plan.measures import MEASURES, Measured, Window, measure
from coopnet.plan.models import Action, Goal, Indicator, Plan, ReportSnapshot
from coopnet.registrations.models import Registration

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

    @property
    def measure_label(self) -> str:
        """The measure's name in the current language, or empty."""
        kind = MEASURES.get(self.indicator.measure or "")
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
    """The plan's strategic goals with operational goals, actions and indicators loaded."""
    indicators = selectinload(Goal.actions).selectinload(Action.indicators)
    return list(db.session.execute(
        sa.select(Goal).where(Goal.plan_id == plan.id, Goal.level == 1)
        .options(indicators,
                 selectinload(Goal.children).selectinload(Goal.actions)
                 .selectinload(Action.indicators))
        .order_by(Goal.position)
    ).scalars())


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
    if indicator.measure == "milestone":
        # a milestone is not done gradually: it is on schedule until the period is over
        return percent, expected, "on_track" if w.at < w.ends_on else "behind"
    return percent, expected, "on_track" if actual >= expected else "behind"


def _month_ends(w: Window) -> list[date]:
    days, year, month = [], w.starts_on.year, w.starts_on.month
    last = min(w.at, w.ends_on)
    while date(year, month, 1) <= last:
        end = date(year, month, calendar.monthrange(year, month)[1])
        days.append(min(end, last))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def compute_figures(plan: Plan, indicators: list[Indicator], at: date, *,
                    trend: bool = False) -> dict[int, Figures]:
    """Every indicator's figures in one SELECT of scalar subqueries (plus one for the trends)."""
    measured: dict[int, tuple[Measured, Window]] = {i.id: measure(i, plan, at) for i in indicators}
    columns = [m.figure.label(f"i{iid}") for iid, (m, _w) in measured.items()
               if m.figure is not None]
    values: dict[str, Any] = {}
    if columns:
        values = dict(db.session.execute(sa.select(*columns)).one()._mapping)
    trends: dict[int, list[tuple[date, float | None]]] = {}
    if trend:
        points: list[tuple[int, date, sa.ColumnElement[Any]]] = []
        for indicator in indicators:
            m, w = measured[indicator.id]
            if m.figure is None:
                continue
            for day in _month_ends(w):
                fig, _ = measure(indicator, plan, day)
                assert fig.figure is not None
                points.append((indicator.id, day, fig.figure))
        if points:
            row = db.session.execute(sa.select(*[
                f.label(f"t{n}") for n, (_i, _d, f) in enumerate(points)])).one()
            for n, (iid, day, _f) in enumerate(points):
                value = row[n]
                trends.setdefault(iid, []).append((day, float(value) if value is not None
                                                   else None))
    result = {}
    for indicator in indicators:
        m, w = measured[indicator.id]
        raw = values.get(f"i{indicator.id}")
        actual = None if m.figure is None or raw is None else round(float(raw), 1)
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


def indicator_records(indicator: Indicator, plan: Plan, at: date, *, limit: int | None = None,
                      offset: int = 0) -> tuple[Measured, list[dict[str, Any]], int]:
    """The records behind an indicator's figure (a page of them) and how many there are."""
    m, _w = measure(indicator, plan, at)
    if m.records is None:
        return m, [], 0
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(m.records.subquery())).scalar_one()
    stmt = m.records
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = [dict(row._mapping) for row in db.session.execute(stmt)]
    return m, rows, total


def events_without_attendance(now: datetime) -> list[tuple[Event, int]]:
    """Past events with registrations but no attendance recorded (they count zero participants)."""
    try:
        from coopnet.registrations.checkin_queries import past_events_without_attendance
    except ImportError:
        pass
    else:
        return [(item.event, item.registered) for item in past_events_without_attendance(now)]
    registered = sa.func.count(Registration.id).label("registered")
    stmt = (
        sa.select(Event, registered)
        .join(Registration, Registration.event_id == Event.id)
        .where(Event.status != "cancelled", Event.ends_at < now,
               Registration.status == "confirmed")
        .group_by(Event.id)
        .having(sa.func.count(Registration.checked_in_at) == 0)
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    return [(row[0], row[1]) for row in db.session.execute(stmt)]


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
