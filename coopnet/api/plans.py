"""Action plan endpoints (see /api/v1/openapi.json); coordinator tokens only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _

from coopnet.api import bp
from coopnet.api.args import MAX_PAGE, int_arg
from coopnet.api.openapi import DAY, PATHS, SCHEMAS, _errors, _json, _op, _path_param, _query, _ref
from coopnet.auth.access import COORDINATOR, access
from coopnet.db import utcnow
from coopnet.errors import Invalid
from coopnet.extensions import db
from coopnet.plan.export import plain_number
from coopnet.plan.measures import MEASURES
from coopnet.plan.models import Goal, Indicator, Plan
from coopnet.plan.queries import Figures, explain_indicator, list_plans, plan_report
from coopnet.timezones import brussels_today, rfc3339
from coopnet.validators import parse_date, year_in_range, year_range_message
from coopnet.web.lookups import found_or_not_found

MAX_PER_PAGE = 200


def _at() -> date:
    raw = request.args.get("at")
    if not raw:
        return brussels_today(utcnow())
    day = parse_date(raw)
    if day is None:
        raise Invalid({"at": _("Use a date as YYYY-MM-DD.")})
    if not year_in_range(day):
        raise Invalid({"at": year_range_message()})
    return day


def plan_json(plan: Plan) -> dict[str, Any]:
    """A plan's id, name and period."""
    return {"id": plan.id, "name": plan.name, "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat()}


def _measure_json(indicator: Indicator, fig: Figures) -> dict[str, Any]:
    kind = MEASURES.get(indicator.measure or "")
    return {"kind": indicator.measure, "label": str(kind.label) if kind else None,
            "confirmed": indicator.status == "confirmed", "scope": indicator.params or {},
            "period": {"from": fig.window.starts_on.isoformat(),
                       "to": fig.window.ends_on.isoformat()},
            "rule": str(kind.rule) if kind else None}


def indicator_json(indicator: Indicator, fig: Figures) -> dict[str, Any]:
    """One indicator with its figures as of the report date."""
    return {"id": indicator.id, "text": indicator.text, "target": plain_number(fig.target),
            "unit": indicator.unit, "actual": plain_number(fig.actual), "percent": fig.percent,
            "expected_by_now": plain_number(fig.expected_by_now), "status": fig.status,
            "measure": _measure_json(indicator, fig)}


def _goal_json(goal: Goal, figures: dict[int, Figures]) -> dict[str, Any]:
    return {
        "id": goal.id, "level": goal.level, "number": goal.number, "title": goal.title,
        "actions": [{"id": action.id, "title": action.title,
                     "indicators": [indicator_json(i, figures[i.id]) for i in action.indicators]}
                    for action in goal.actions],
        "goals": [_goal_json(child, figures) for child in goal.children] if goal.level == 1
        else [],
    }


@bp.get("/plans")
@access(COORDINATOR)
def plans():
    """Plans with id, name and period."""
    return jsonify({"plans": [plan_json(plan) for plan in list_plans()]})


@bp.get("/plans/<int:plan_id>/report")
@access(COORDINATOR)
def plan_report_json(plan_id: int):
    """The plan tree with every indicator's figures as of ?at= (default today)."""
    plan = found_or_not_found(db.session.get(Plan, plan_id), _("This plan does not exist."))
    at = _at()
    report = plan_report(plan, at)
    return jsonify({"plan": plan_json(plan), "at": at.isoformat(),
                    "status_counts": report.status_counts(),
                    "goals": [_goal_json(goal, report.figures) for goal in report.goals]})


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return plain_number(float(value))
    return value


@bp.get("/indicators/<int:indicator_id>/records")
@access(COORDINATOR)
def indicator_records_json(indicator_id: int):
    """The records an indicator counts (drill-down), paginated with ?page=&per_page=."""
    indicator = found_or_not_found(db.session.get(Indicator, indicator_id), _("This indicator does not exist."))
    at = _at()
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", 50, 1, MAX_PER_PAGE)
    plan = indicator.action.goal.plan
    explained = explain_indicator(indicator, plan, at, limit=per_page,
                                  offset=(page - 1) * per_page)
    total, kind = explained.total, explained.kind
    return jsonify({
        "indicator_id": indicator.id, "at": at.isoformat(), "measure": indicator.measure,
        "judged": kind.judged if kind is not None else None,
        "total": total, "page": page, "per_page": per_page,
        "pages": max((total + per_page - 1) // per_page, 1),
        "records": [_row(row) for row in explained.rows],
        # shares: numerator, denominator; growth: baseline_on, baseline, measured_on, now
        "parts": {key: _value(value) for key, value in explained.parts.items()},
        # shares: missing; growth: joined, left (each in full, not paginated)
        "lists": {key: [_row(row) for row in rows] for key, rows in explained.listings.items()},
    })


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _value(v) for k, v in row.items()}


# described in the OpenAPI document next to the other resources
_INDICATOR = {"type": "object", "properties": {
    "id": {"type": "integer"}, "text": {"type": "string"},
    "target": {"type": ["number", "null"]}, "unit": {"type": "string"},
    "actual": {"type": ["number", "null"], "description": "null: no data"},
    "percent": {"type": ["integer", "null"]},
    "expected_by_now": {"type": ["number", "null"],
                        "description": "linear pace over the period"},
    "status": {"enum": ["achieved", "on_track", "behind", "no_data"]},
    "measure": {"type": "object", "properties": {
        "kind": {"type": ["string", "null"]}, "label": {"type": ["string", "null"]},
        "confirmed": {"type": "boolean"}, "scope": {"type": "object"},
        "period": {"type": "object"}, "rule": {"type": ["string", "null"]}}}}}
_PLAN = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"},
    "starts_on": {"type": "string", "format": "date"},
    "ends_on": {"type": "string", "format": "date"}}}
_AT = _query("at", "report date YYYY-MM-DD (default: today, Brussels)", DAY)
SCHEMAS.update({"PlanIndicator": _INDICATOR, "Plan": _PLAN})
PATHS.update({
    "/api/v1/plans": {"get": _op(
        "Action plans with their period",
        {"200": _json({"type": "object", "properties": {
            "plans": {"type": "array", "items": _ref("Plan")}}}, "Plans"),
         **_errors(401, 403)}, staff=True)},
    "/api/v1/plans/{plan_id}/report": {"get": _op(
        "The plan tree (strategic goals > goals > actions > indicators) with every "
        "indicator's figures as of a date",
        {"200": _json({"type": "object", "properties": {
            "plan": _ref("Plan"), "at": {"type": "string", "format": "date"},
            "status_counts": {"type": "object"},
            "goals": {"type": "array", "items": {"type": "object", "description":
                      "id, level, number, title, actions[{id, title, indicators[]}], goals[]"}}}},
            "The report"), **_errors(401, 403, 404, 422)},
        staff=True, parameters=[_path_param("plan_id"), _AT])},
    "/api/v1/indicators/{indicator_id}/records": {"get": _op(
        "The records an indicator counts (drill-down), paginated",
        {"200": _json({"type": "object", "properties": {
            "indicator_id": {"type": "integer"}, "total": {"type": "integer"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "judged": {"enum": ["count", "share", "growth", "manual", "milestone", None],
                       "description": "count: the records are the figure (total == actual); "
                       "share and growth: parts and lists explain it"},
            "records": {"type": "array", "items": {"type": "object"},
                        "description": "count: the records counted; share: the numerator's "
                        "records; growth: the members on the date"},
            "parts": {"type": "object", "description":
                      "share: numerator, denominator (actual = 100 * numerator / denominator); "
                      "growth: baseline_on (date), baseline (count), measured_on (date), now "
                      "(count); empty for other measures",
                      "additionalProperties": {"type": ["number", "string", "null"]}},
            "lists": {"type": "object", "description":
                      "share: missing (not counted yet, with last_contact_on); growth: joined "
                      "and left between the baseline and the date (with membership_on); "
                      "each list in full, not paginated",
                      "additionalProperties": {"type": "array", "items": {"type": "object"}}}}},
            "Records"),
         **_errors(401, 403, 404, 422)},
        staff=True, parameters=[_path_param("indicator_id"), _AT,
                                _query("page", "page number, from 1",
                                       {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
                                _query("per_page", f"records per page, 1 to {MAX_PER_PAGE}",
                                       {"type": "integer", "minimum": 1,
                                        "maximum": MAX_PER_PAGE})])},
})
