"""Plans, goals, actions, indicators, manual values, event links and frozen report snapshots."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopnet.db import TimestampMixin, UTCDateTime, utcnow
from coopnet.extensions import db

if TYPE_CHECKING:
    from coopnet.auth.models import User
    from coopnet.events.models import Event

INDICATOR_STATUSES = ("proposed", "confirmed")

# which events serve which plan actions (staff tick them on the event; the plan counts them)
event_actions = sa.Table(
    "event_actions",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("action_id", sa.ForeignKey("plan_actions.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Index("ix_event_actions_action_id", "action_id"),
)


class Plan(TimestampMixin, db.Model):
    """An action plan for a period, e.g. "Actieplan januari 2021 - april 2022"."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False)

    goals: Mapped[list[Goal]] = relationship(
        back_populates="plan", order_by="Goal.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.name!r}>"


class Goal(db.Model):
    """Level 1: a strategic goal (SD 1 …); level 2: an operational goal under it (1., 2. …)."""

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("plan_goals.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    number: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # order within the plan as imported
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    plan: Mapped[Plan] = relationship(back_populates="goals")
    parent: Mapped[Goal | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Goal]] = relationship(back_populates="parent", order_by="Goal.position")
    actions: Mapped[list[Action]] = relationship(
        back_populates="goal", order_by="Action.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("level IN (1, 2)", name="level_known"),
        sa.CheckConstraint("(level = 1) = (parent_id IS NULL)", name="parent_by_level"),
    )

    @property
    def label(self) -> str:
        """"SD 1" for a strategic goal, "1." for an operational goal."""
        if self.level == 1:
            return f"SD {self.number}".strip()
        return f"{self.number}." if self.number else ""


class Action(db.Model):
    """An action under a goal; events serve it and its indicators measure it."""

    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_goals.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(sa.Text, nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    goal: Mapped[Goal] = relationship(back_populates="actions")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="action", order_by="Indicator.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[Event]] = relationship(secondary=event_actions, order_by="Event.starts_at")


class Indicator(TimestampMixin, db.Model):
    """A measurable target of an action: original text, target, unit and a measure.

    The importer proposes the measure from the text; only a confirmed indicator counts.
    """

    __tablename__ = "plan_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_actions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    target: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    unit: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    # an own period; None means the plan's
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    # a key of coopnet.plan.measures.MEASURES, None while nobody chose one
    measure: Mapped[str | None] = mapped_column(sa.String(40))
    # measure parameters: {"kinds": [...], "cities": [...], "baseline": "2020-12-31"}
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="proposed")

    action: Mapped[Action] = relationship(back_populates="indicators")

    __table_args__ = (
        sa.CheckConstraint("status IN ('proposed', 'confirmed')", name="status_known"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                           name="ends_after_start"),
    )

    def __repr__(self) -> str:
        return f"<Indicator {self.id} {self.measure} {self.text[:30]!r}>"


class ManualValue(db.Model):
    """A value entered by hand for an indicator (readership, milestone done = 1); history kept."""

    __tablename__ = "plan_manual_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_indicators.id", ondelete="CASCADE"), nullable=False
    )
    value: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), nullable=False)
    recorded_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    indicator: Mapped[Indicator] = relationship()
    entered_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_plan_manual_values_indicator_recorded", "indicator_id", "recorded_on"),
    )


class ReportSnapshot(db.Model):
    """The report frozen at a date: every indicator's figures and the records behind them."""

    __tablename__ = "plan_report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    )
    at: Mapped[date] = mapped_column(sa.Date, nullable=False)
    note: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    taken_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # {"indicators": {"<id>": {"actual", "target", "percent", "status", "records": [...]}}}
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False, default=dict)

    plan: Mapped[Plan] = relationship()
    taken_by: Mapped[User | None] = relationship()


COMMENT_MAX_LENGTH = 4000


class ReportComment(db.Model):
    """The coordinator's comment on one action in a frozen report (kept with the snapshot and
    printed under the action in the DOCX/PDF of that snapshot)."""

    __tablename__ = "plan_report_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_report_snapshots.id", ondelete="CASCADE"), nullable=False
    )
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_actions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    snapshot: Mapped[ReportSnapshot] = relationship()
    action: Mapped[Action] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __table_args__ = (
        # one comment per action per frozen report; an empty comment is deleted, not kept
        sa.UniqueConstraint("snapshot_id", "action_id"),
        sa.CheckConstraint(f"length(text) BETWEEN 1 AND {COMMENT_MAX_LENGTH}",
                           name="text_length"),
    )
