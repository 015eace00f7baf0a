"""Vacancies posted by member co-ops and moderated by staff."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopnet.db import TimestampMixin, UTCDateTime
from coopnet.extensions import db

if TYPE_CHECKING:
    from coopnet.auth.models import User
    from coopnet.members.models import Organization

VACANCY_KINDS = ("job", "internship", "volunteer")
VACANCY_STATUSES = ("submitted", "published", "rejected", "withdrawn")

KIND_LABELS = {
    "job": _l("Job"),
    "internship": _l("Internship"),
    "volunteer": _l("Volunteer work"),
}
STATUS_LABELS = {
    "submitted": _l("Awaiting review"),
    "published": _l("Published"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}


class Vacancy(TimestampMixin, db.Model):
    """A job, internship or volunteer post at a member co-op; public once staff approve it."""

    __tablename__ = "vacancies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # plain text: shown escaped, line breaks kept; never rendered as HTML
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    place: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    hours: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    how_to_apply: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # last day (Brussels calendar date) the vacancy is listed
    closes_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="submitted")
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    # first approval by staff; kept when the vacancy is edited and approved again, so
    # "vacancies published in a period" counts each vacancy once
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    organization: Mapped[Organization] = relationship()
    submitted_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('job', 'internship', 'volunteer')", name="kind_known"),
        sa.CheckConstraint("status IN ('submitted', 'published', 'rejected', 'withdrawn')",
                           name="status_known"),
        sa.CheckConstraint("status != 'published' OR published_at IS NOT NULL",
                           name="published_has_date"),
        sa.CheckConstraint("status != 'rejected' OR rejection_reason IS NOT NULL",
                           name="rejected_has_reason"),
        sa.Index("ix_vacancies_status_closes_on", "status", "closes_on"),
    )

    @classmethod
    def listed_on(cls, day: date) -> sa.ColumnElement[bool]:
        """SQL predicate: shown on the public list on `day` (published, not yet closed)."""
        return sa.and_(cls.status == "published", cls.closes_on >= day)

    def is_listed_on(self, day: date) -> bool:
        """Python twin of `listed_on` for one loaded vacancy."""
        return self.status == "published" and self.closes_on >= day

    @property
    def kind_label(self) -> str:
        """The kind in the current language."""
        return str(KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        """The status in the current language."""
        return str(STATUS_LABELS[self.status])

    def __repr__(self) -> str:
        return f"<Vacancy {self.id} {self.title!r} {self.status}>"
