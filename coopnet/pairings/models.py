"""Micro-meeting opt-ins and the pairings (duos, trios) formed from them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopnet.db import TimestampMixin
from coopnet.extensions import db

if TYPE_CHECKING:
    from coopnet.events.models import Event
    from coopnet.members.models import Organization, Person

# the small fixed list of themes members offer help with or look for
THEMES = ("governance", "members", "finance", "hr", "communication", "digital", "energy",
          "legal", "growth", "sustainability")
THEME_LABELS = {
    "governance": _l("Governance and board"),
    "members": _l("Member participation"),
    "finance": _l("Finance and raising capital"),
    "hr": _l("HR and staff"),
    "communication": _l("Communication and marketing"),
    "digital": _l("Digital tools"),
    "energy": _l("Energy and climate"),
    "legal": _l("Legal questions"),
    "growth": _l("Starting up and growing"),
    "sustainability": _l("Sustainability and impact"),
}
PAIRING_STATUSES = ("proposed", "accepted", "held", "cancelled")
STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "accepted": _l("Accepted"),
    "held": _l("Held"),
    "cancelled": _l("Cancelled"),
}


class MeetingProfile(TimestampMixin, db.Model):
    """A co-op's opt-in for micro-meetings: what it can offer and what it looks for."""

    __tablename__ = "meeting_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    # theme codes from THEMES
    offers: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False, default=list)
    needs: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False, default=list)
    offer_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    need_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # who meets on the co-op's behalf; the first contact person when empty
    contact_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL")
    )

    organization: Mapped[Organization] = relationship()
    contact_person: Mapped[Person | None] = relationship()

    @property
    def offer_labels(self) -> list[str]:
        """The offered themes in the current language."""
        return [str(THEME_LABELS[t]) for t in self.offers if t in THEME_LABELS]

    @property
    def need_labels(self) -> list[str]:
        """The themes looked for, in the current language."""
        return [str(THEME_LABELS[t]) for t in self.needs if t in THEME_LABELS]


class Pairing(TimestampMixin, db.Model):
    """Two or three member co-ops paired to meet; held pairings count for the plan."""

    __tablename__ = "pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="accepted")
    held_on: Mapped[date | None] = mapped_column(sa.Date)
    # the micro-ontmoeting event its members are registered for
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    # why this match, in Dutch as proposed (kept as the coordinator saw it)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event | None] = relationship()
    members: Mapped[list[PairingMember]] = relationship(
        back_populates="pairing", cascade="all, delete-orphan", order_by="PairingMember.id"
    )

    __table_args__ = (
        sa.CheckConstraint("status IN ('proposed', 'accepted', 'held', 'cancelled')",
                           name="status_known"),
        sa.CheckConstraint("status != 'held' OR held_on IS NOT NULL", name="held_has_date"),
        sa.Index("ix_pairings_status_held_on", "status", "held_on"),
    )

    @property
    def status_label(self) -> str:
        """The status in the current language."""
        return str(STATUS_LABELS[self.status])

    def __repr__(self) -> str:
        return f"<Pairing {self.id} {self.status}>"


class PairingMember(db.Model):
    """One co-op in a pairing, and the person who meets for it."""

    __tablename__ = "pairing_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pairings.id", ondelete="CASCADE"), nullable=False
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))

    pairing: Mapped[Pairing] = relationship(back_populates="members")
    organization: Mapped[Organization] = relationship()
    person: Mapped[Person | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("pairing_id", "organization_id"),
    )
