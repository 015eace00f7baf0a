"""Changes to plans: import, confirm and edit indicators, manual values, event links, snapshots."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid, NotFound
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.plan.importer import ParsedPlan
from coopnet.plan.measures import MEASURES
from coopnet.plan.models import (
    COMMENT_MAX_LENGTH,
    Action,
    Goal,
    Indicator,
    ManualValue,
    Plan,
    ReportComment,
    ReportSnapshot,
)
from coopnet.plan.queries import explain_indicator, plan_report
from coopnet.validators import clean_text


def event_kind_vocabulary() -> list[tuple[str, str, str]]:
    """The event kinds in the database as the importer's vocabulary (slug, Dutch, English)."""
    from coopnet.events.models import EventKind

    return [(k.slug, k.name_nl, k.name_en) for k in db.session.execute(
        sa.select(EventKind).order_by(EventKind.sort_order, EventKind.slug)).scalars()]


def change_proposals(parsed: ParsedPlan, changes: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Apply what a person chose in the preview to the proposals, by key (see
    `ParsedPlan.keyed_proposals`): {"measure": key, "target": text, "confirm": bool}.

    Returns the problems by key; a proposal with a problem keeps what it had. A confirmed
    proposal needs a measure and a target; a measure that does not count events drops the
    event kinds and cities.
    """
    problems: dict[str, str] = {}
    for key, proposal in parsed.keyed_proposals():
        change = changes.get(key)
        if not change:
            continue
        measure = change.get("measure") or proposal.measure
        if measure not in MEASURES:
            problems[key] = _("Unknown measure.")
            continue
        raw_target = str(change.get("target", "")).strip().replace(",", ".")
        try:
            target = Decimal(raw_target) if raw_target else None
        except InvalidOperation:
            problems[key] = _("The target must be a number.")
            continue
        if target is not None and (not target.is_finite() or target < 0 or target >= 10**10):
            problems[key] = _("The target must be a number.")
            continue
        if change.get("confirm") and target is None:
            problems[key] = _("Give a target before confirming.")
            continue
        changed = measure != proposal.measure or target != proposal.target
        if measure != proposal.measure and not MEASURES[measure].uses_events:
            proposal.params = {k: v for k, v in proposal.params.items()
                               if k not in ("kinds", "cities")}
        proposal.measure, proposal.target = measure, target
        proposal.confirmed = bool(change.get("confirm"))
        if changed and CHANGED_BY_HAND not in proposal.reasons:
            proposal.reasons.append(CHANGED_BY_HAND)
    return problems


CHANGED_BY_HAND = _l("changed by hand in the preview")


def import_plan(parsed: ParsedPlan, *, name: str | None = None, starts_on: date | None = None,
                ends_on: date | None = None, accept: bool = False, actor: User | None,
                now: datetime | None = None) -> Plan:
    """Create a plan from a parsed file; proposals stay `proposed` unless `accept` is given."""
    starts_on = starts_on or parsed.starts_on
    ends_on = ends_on or parsed.ends_on
    errors = {}
    if starts_on is None or ends_on is None:
        errors["period"] = _("The file does not name a period; give a start and end date.")
    elif ends_on < starts_on:
        errors["period"] = _("The end date is before the start date.")
    name = (name or parsed.name or "").strip()
    if not name:
        errors["name"] = _("Give the plan a name.")
    if not parsed.goals:
        errors["file"] = _("No goal was found in the file.")
    if errors:
        raise Invalid(errors)
    assert starts_on is not None and ends_on is not None
    plan = Plan(name=name[:200], starts_on=starts_on, ends_on=ends_on)
    db.session.add(plan)
    position = 0
    for sd in parsed.goals:
        position += 1
        sd_row = Goal(plan=plan, level=1, number=sd.number, title=sd.title, position=position)
        db.session.add(sd_row)
        for source, row in [(sd, sd_row)] + [
            (child, Goal(plan=plan, parent=sd_row, level=2, number=child.number,
                         title=child.title, position=(position := position + 1)))
            for child in sd.children
        ]:
            for a_pos, parsed_action in enumerate(source.actions, 1):
                action = Action(goal=row, title=parsed_action.title, position=a_pos)
                i_pos = 0
                for text in parsed_action.texts:
                    for proposal in text.proposals:
                        i_pos += 1
                        action.indicators.append(Indicator(
                            text=proposal.text, position=i_pos, target=proposal.target,
                            unit=proposal.unit[:60], measure=proposal.measure,
                            params=dict(proposal.params), starts_on=proposal.starts_on,
                            ends_on=proposal.ends_on,
                            status="confirmed" if accept or proposal.confirmed
                            else "proposed"))
                db.session.add(action)
    db.session.flush()
    record_audit("plan.imported", object_type="plan", object_id=plan.id, actor=actor, now=now,
                 details={"name": plan.name, **parsed.counts, "unplaced": len(parsed.unplaced),
                          "accepted": accept})
    return plan


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise Invalid({field: _("Enter a number.")}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        raise Invalid({field: _("Enter a number of 0 or more.")})
    return number


def update_indicator(indicator: Indicator, *, text: str, target: Any, unit: str,
                     measure: str | None, kinds: list[str] | None = None,
                     cities: list[str] | None = None, baseline: date | None = None,
                     starts_on: date | None = None, ends_on: date | None = None,
                     confirm: bool = False, actor: User | None,
                     now: datetime | None = None) -> Indicator:
    """Change an indicator's text, target, measure and scope; optionally confirm it."""
    errors = {}
    if not text.strip():
        errors["text"] = _("The text cannot be empty.")
    if measure and measure not in MEASURES:
        errors["measure"] = _("Unknown measure.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date is before the start date.")
    if confirm and not measure:
        errors["measure"] = _("Choose a measure before confirming.")
    number = _decimal(target, "target")
    if confirm and number is None:
        errors["target"] = _("Give a target before confirming.")
    if errors:
        raise Invalid(errors)
    params: dict[str, Any] = {}
    if kinds:
        params["kinds"] = kinds
    if cities:
        params["cities"] = cities
    if baseline:
        params["baseline"] = baseline.isoformat()
    indicator.text, indicator.target, indicator.unit = text.strip(), number, unit.strip()[:60]
    indicator.measure, indicator.params = measure or None, params
    indicator.starts_on, indicator.ends_on = starts_on, ends_on
    if confirm:
        indicator.status = "confirmed"
    elif not measure:
        indicator.status = "proposed"
    record_audit("indicator.updated", object_type="indicator", object_id=indicator.id,
                 actor=actor, now=now, details={"measure": measure, "target": str(number),
                                                "status": indicator.status})
    return indicator


def confirm_indicator(indicator: Indicator, *, actor: User | None,
                      now: datetime | None = None) -> Indicator:
    """Confirm a proposed indicator so that it counts; it needs a measure and a target."""
    if not indicator.measure or indicator.target is None:
        raise DomainError("indicator_incomplete",
                          _("Give the indicator a measure and a target before confirming."))
    indicator.status = "confirmed"
    record_audit("indicator.confirmed", object_type="indicator", object_id=indicator.id,
                 actor=actor, now=now)
    return indicator


def confirm_all(plan: Plan, *, actor: User | None, now: datetime | None = None) -> int:
    """Confirm every complete proposal of the plan; returns how many were confirmed."""
    action_ids = sa.select(Action.id).join(Goal).where(Goal.plan_id == plan.id)
    result = db.session.execute(
        sa.update(Indicator)
        .where(Indicator.action_id.in_(action_ids), Indicator.status == "proposed",
               Indicator.measure.is_not(None), Indicator.target.is_not(None))
        .values(status="confirmed")
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    record_audit("plan.indicators_confirmed", object_type="plan", object_id=plan.id, actor=actor,
                 now=now, details={"count": result.rowcount})  # type: ignore[attr-defined]
    return int(result.rowcount)  # type: ignore[attr-defined]


def delete_indicator(indicator: Indicator, *, actor: User | None,
                     now: datetime | None = None) -> None:
    """Remove an indicator (e.g. a proposal that is no target at all)."""
    record_audit("indicator.deleted", object_type="indicator", object_id=indicator.id,
                 actor=actor, now=now, details={"text": indicator.text})
    db.session.delete(indicator)


def add_indicator(action: Action, *, text: str, actor: User | None,
                  now: datetime | None = None) -> Indicator:
    """Add an empty proposed indicator to an action (the coordinator fills it in)."""
    if not text.strip():
        raise Invalid({"text": _("The text cannot be empty.")})
    position = db.session.execute(sa.select(sa.func.coalesce(sa.func.max(Indicator.position), 0))
                                  .where(Indicator.action_id == action.id)).scalar_one()
    indicator = Indicator(action=action, text=text.strip(), position=position + 1, params={})
    db.session.add(indicator)
    db.session.flush()
    record_audit("indicator.created", object_type="indicator", object_id=indicator.id,
                 actor=actor, now=now)
    return indicator


def add_manual_value(indicator: Indicator, *, value: Any, recorded_on: date, note: str = "",
                     actor: User | None, now: datetime | None = None) -> ManualValue:
    """Record a value by hand (or a milestone: 1 done, 0 not done); earlier values are kept."""
    kind = MEASURES.get(indicator.measure or "")
    if kind is None or not kind.entered_by_hand:
        raise DomainError("not_manual", _("This indicator is computed; it takes no values by hand."))
    number = _decimal(value, "value")
    if number is None:
        raise Invalid({"value": _("Enter a number.")})
    entry = ManualValue(indicator=indicator, value=number, recorded_on=recorded_on,
                        note=note.strip(), entered_by_id=actor.id if actor else None,
                        entered_at=now or utcnow())
    db.session.add(entry)
    db.session.flush()
    record_audit("indicator.value_added", object_type="indicator", object_id=indicator.id,
                 actor=actor, now=now, details={"value": str(number),
                                                "recorded_on": recorded_on.isoformat()})
    return entry


def check_event_may_count(event: Event, action: Action) -> None:
    """The one rule for linking an event to a plan action: the event is not cancelled
    (`event_cancelled`) and its Brussels start day lies in the action's plan period
    (`event_outside_plan_period`). Used by the event form, the API, the action page and the
    bulk link of the dashboard."""
    plan = action.goal.plan
    if event.status == "cancelled":
        raise DomainError("event_cancelled", _(
            "“%(title)s” was cancelled; it cannot count for the plan.", title=event.title))
    if not plan.starts_on <= event.starts_on <= plan.ends_on:
        raise DomainError("event_outside_plan_period", _(
            "“%(title)s” is not held in the plan period.", title=event.title))


def set_event_actions(event: Event, action_ids: list[int], *, actor: User | None,
                      now: datetime | None = None) -> list[Action]:
    """Link an event to exactly these plan actions (the plan counts it toward them).

    A newly linked action must accept the event (check_event_may_count): refused as a field
    error on `action_ids`, with the rule's code. Links that exist already are kept."""
    actions = list(db.session.execute(
        sa.select(Action).where(Action.id.in_(set(action_ids)))).scalars()) if action_ids else []
    if len(actions) != len(set(action_ids)):
        raise Invalid({"action_ids": _("Unknown plan action.")})
    from coopnet.plan.models import event_actions

    present = set(db.session.execute(sa.select(event_actions.c.action_id).where(
        event_actions.c.event_id == event.id)).scalars())
    for action in actions:
        if action.id not in present:
            try:
                check_event_may_count(event, action)
            except DomainError as error:
                raise DomainError(error.code, error.message, status=422,
                                  fields={"action_ids": error.message}) from None

    db.session.execute(sa.delete(event_actions).where(event_actions.c.event_id == event.id))
    if actions:
        db.session.execute(sa.insert(event_actions),
                           [{"event_id": event.id, "action_id": a.id} for a in actions])
    record_audit("event.actions_set", object_type="event", object_id=event.id, actor=actor,
                 now=now, details={"action_ids": sorted(a.id for a in actions)})
    return actions


def link_event(action: Action, event: Event, *, actor: User | None,
               now: datetime | None = None) -> None:
    """Link one event to one action (idempotent)."""
    from coopnet.plan.models import event_actions

    exists = db.session.execute(sa.select(event_actions.c.event_id).where(
        event_actions.c.event_id == event.id, event_actions.c.action_id == action.id)).first()
    if exists is None:
        check_event_may_count(event, action)
        db.session.execute(sa.insert(event_actions).values(event_id=event.id, action_id=action.id))
        record_audit("event.action_linked", object_type="event", object_id=event.id,
                     actor=actor, now=now, details={"action_id": action.id})


def unlink_event(action: Action, event: Event, *, actor: User | None,
                 now: datetime | None = None) -> None:
    """Remove the link between an event and an action."""
    from coopnet.plan.models import event_actions

    db.session.execute(sa.delete(event_actions).where(
        event_actions.c.event_id == event.id, event_actions.c.action_id == action.id))
    record_audit("event.action_unlinked", object_type="event", object_id=event.id, actor=actor,
                 now=now, details={"action_id": action.id})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def take_snapshot(plan: Plan, *, at: date, note: str = "", actor: User | None,
                  now: datetime | None = None) -> ReportSnapshot:
    """Freeze the report at `at`: every indicator's figures and the records behind them, with
    what explains a share or a growth (its parts and lists)."""
    report = plan_report(plan, at)
    data: dict[str, Any] = {"indicators": {}}
    for iid, fig in report.figures.items():
        explained = explain_indicator(fig.indicator, plan, at)
        data["indicators"][str(iid)] = {
            "text": fig.indicator.text, "actual": fig.actual, "target": fig.target,
            "percent": fig.percent, "expected_by_now": fig.expected_by_now,
            "status": fig.status, "measure": fig.indicator.measure,
            "records": [{k: _jsonable(v) for k, v in row.items()} for row in explained.rows],
            "parts": {k: _jsonable(v) for k, v in explained.parts.items()},
            "lists": {key: [{k: _jsonable(v) for k, v in row.items()} for row in rows]
                      for key, rows in explained.listings.items()},
        }
    snapshot = ReportSnapshot(plan=plan, at=at, note=note.strip()[:200], data=data,
                              taken_at=now or utcnow(), taken_by_id=actor.id if actor else None)
    db.session.add(snapshot)
    db.session.flush()
    record_audit("plan.snapshot_taken", object_type="plan", object_id=plan.id, actor=actor,
                 now=now, details={"snapshot_id": snapshot.id, "at": at.isoformat()})
    return snapshot


def save_report_comment(snapshot: ReportSnapshot, action: Action, text: str, *,
                        actor: User | None, now: datetime | None = None) -> ReportComment | None:
    """Keep the coordinator's comment on an action with a frozen report (printed under the
    action in that report's DOCX/PDF). An empty text removes the comment; returns the comment,
    or None when there is none (any more).

    Errors: `action_not_in_plan` (404) when the action belongs to another plan;
    `invalid` with field `text` when the comment is longer than COMMENT_MAX_LENGTH."""
    if action.goal.plan_id != snapshot.plan_id:
        raise NotFound("action_not_in_plan", _("This action is not part of the report's plan."))
    text = clean_text(text, multiline=True)
    if len(text) > COMMENT_MAX_LENGTH:
        raise Invalid({"text": _("At most %(max)d characters.", max=COMMENT_MAX_LENGTH)})
    now = now or utcnow()
    comment = db.session.execute(sa.select(ReportComment).where(
        ReportComment.snapshot_id == snapshot.id, ReportComment.action_id == action.id)
    ).scalar_one_or_none()
    details = {"snapshot_id": snapshot.id, "action_id": action.id}
    if not text:
        if comment is not None:
            db.session.delete(comment)
            db.session.flush()
            record_audit("plan.report_comment_removed", object_type="plan",
                         object_id=snapshot.plan_id, actor=actor, now=now, details=details)
        return None
    if comment is not None and comment.text == text:
        return comment
    if comment is None:
        comment = ReportComment(snapshot_id=snapshot.id, action_id=action.id, text=text)
        db.session.add(comment)
    comment.text = text
    comment.updated_at = now
    comment.updated_by_id = actor.id if actor else None
    db.session.flush()
    record_audit("plan.report_comment_saved", object_type="plan", object_id=snapshot.plan_id,
                 actor=actor, now=now, details={**details, "length": len(text)})
    return comment


def get_plan(plan_id: int) -> Plan:
    """The plan or NotFound."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", _("This plan does not exist."))
    return plan


def link_events_to_action(events: list[Event], action: Action, *, actor: User | None,
                          now: datetime | None = None) -> int:
    """Link events to one plan action at once (idempotent; an audit entry per new link).

    All or nothing: a cancelled event (`event_cancelled`) or one whose Brussels start day lies
    outside the action's plan period (`event_outside_plan_period`) refuses the whole batch.
    Returns how many links were new."""
    from coopnet.plan.models import event_actions

    for event in events:
        check_event_may_count(event, action)
    ids = sorted({e.id for e in events})
    if not ids:
        return 0
    present = set(db.session.execute(sa.select(event_actions.c.event_id).where(
        event_actions.c.action_id == action.id, event_actions.c.event_id.in_(ids))).scalars())
    new = [i for i in ids if i not in present]
    if new:
        db.session.execute(sa.insert(event_actions),
                           [{"event_id": i, "action_id": action.id} for i in new])
    for event_id in new:
        record_audit("event.action_linked", object_type="event", object_id=event_id,
                     actor=actor, now=now, details={"action_id": action.id, "bulk": True})
    return len(new)
