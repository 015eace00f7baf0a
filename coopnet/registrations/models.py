"""Registrations for events and the history of check-ins.

Attendance ("deelnemer" in the plan) is a registration with `checked_in_at` set: one
definition, `Registration.attended`, used by lists, exports and indicators alike.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopnet.db import TimestampMixin, UTCDateTime, utcnow
from coopnet.extensions import db

if TYPE_CHECKING:
    from coopnet.auth.models import User
    from coopnet.events.models import Event
    from coopnet.members.models import Organization, Person

REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")
# how the registration came about
REGISTRATION_SOURCES = ("online", "staff", "walkin", "import", "api")
# registrations that never hold a seat in Event.seats_taken and are not registrations in
# advance: people who came without a place (walk-ins at the door) and attendees found in a
# webinar report afterwards
SEATLESS_SOURCES = ("walkin", "import")
# the short ticket code a person can read out or type: no 0/O, 1/I/L that look alike
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHORT_CODE_LENGTH = 8


def new_short_code() -> str:
    """A random short code (8 of 31 symbols: about 8.5e11 codes), unique per event by index."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def short_code_from(seed: bytes) -> str:
    """A short code derived from `seed` (repeatable: the demo data stay the same every run)."""
    number = int.from_bytes(hashlib.sha256(seed).digest()[:8], "big")
    symbols = []
    for _ in range(SHORT_CODE_LENGTH):
        number, index = divmod(number, len(SHORT_CODE_ALPHABET))
        symbols.append(SHORT_CODE_ALPHABET[index])
    return "".join(symbols)


def format_short_code(code: str) -> str:
    """The code as printed, in two groups of four: "K7QM-3XHP"."""
    return f"{code[:4]}-{code[4:]}" if len(code) == SHORT_CODE_LENGTH else code


class Registration(TimestampMixin, db.Model):
    """One person's place (or place in the queue) at one event."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    # the organisation the person registered for: a known one, or a typed name
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    organization_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    source: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="online")
    # unguessable: the QR code, and the key of the private manage link
    ticket_code: Mapped[str] = mapped_column(sa.String(43), nullable=False, unique=True)
    # what a person types at the door when the QR will not scan: unique within the event
    short_code: Mapped[str] = mapped_column(sa.String(8), nullable=False, default=new_short_code)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # order of the waiting list: the first waiting person is the earliest waitlisted_at
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()
    person: Mapped[Person] = relationship()
    organization: Mapped[Organization | None] = relationship()
    checked_in_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')",
                           name="status_known"),
        sa.CheckConstraint("source IN ('online', 'staff', 'walkin', 'import', 'api')",
                           name="source_known"),
        sa.CheckConstraint("checked_in_at IS NULL OR status = 'confirmed'",
                           name="only_confirmed_check_in"),
        # one active registration per person per event; cancelled ones may repeat
        sa.Index("uq_registrations_active_person", "event_id", "person_id", unique=True,
                 sqlite_where=sa.text("status != 'cancelled'"),
                 postgresql_where=sa.text("status != 'cancelled'")),
        sa.Index("ix_registrations_event_status", "event_id", "status"),
        sa.Index("uq_registrations_event_short_code", "event_id", "short_code", unique=True),
        sa.Index("ix_registrations_event_checked_in", "event_id", "checked_in_at"),
    )

    @hybrid_property
    def attended(self) -> bool:
        """The person came: checked in at the door, marked present, or imported attendance."""
        return self.checked_in_at is not None

    @attended.inplace.expression
    @classmethod
    def _attended_expression(cls) -> sa.ColumnElement[bool]:
        return cls.checked_in_at.is_not(None)

    @hybrid_property
    def is_advance(self) -> bool:
        """A registration made before the event (online, by staff, through the API): not a
        walk-in and not found afterwards in a webinar report. Cancelled ones included."""
        return self.source not in SEATLESS_SOURCES

    @is_advance.inplace.expression
    @classmethod
    def _is_advance_expression(cls) -> sa.ColumnElement[bool]:
        return cls.source.not_in(SEATLESS_SOURCES)

    @hybrid_property
    def holds_seat(self) -> bool:
        """Occupies one of the event's counted seats (Event.seats_taken): a confirmed
        registration in advance. Walk-ins and imported attendees take no seat."""
        return self.status == "confirmed" and self.source not in SEATLESS_SOURCES

    @holds_seat.inplace.expression
    @classmethod
    def _holds_seat_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == "confirmed", cls.source.not_in(SEATLESS_SOURCES))

    @property
    def short_code_display(self) -> str:
        """The short code as printed on the ticket: "K7QM-3XHP"."""
        return format_short_code(self.short_code or "")

    @property
    def organization_label(self) -> str:
        """The linked co-op's current name, else the organisation as the person typed it."""
        return self.organization.name if self.organization is not None else \
            self.organization_name

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.status}>"


class CheckInEvent(db.Model):
    """History of check-ins and undos (who and when); the registration holds the current state."""

    __tablename__ = "check_in_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    action: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # door scan, attendance list, CSV import, API …
    channel: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="door")

    registration: Mapped[Registration] = relationship()
    by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("action IN ('check_in', 'undo')", name="action_known"),
    )


DOOR_ACTION_TYPES = ("check_in", "undo", "walk_in")


class DoorAction(db.Model):
    """An action a door device recorded (often offline) and sent later: applied once.

    The client's id is unique, so a batch sent twice changes nothing the second time; the
    outcome is kept to answer the repeat exactly as the first time. `device_time` is when
    staff did it on the device (the check-in's time), `received_at` when it reached us.
    """

    __tablename__ = "door_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    type: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    device_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    device_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # the stable code the device was answered with: checked_in, already_checked_in, …
    outcome: Mapped[str] = mapped_column(sa.String(32), nullable=False)

    __table_args__ = (
        sa.CheckConstraint("type IN ('check_in', 'undo', 'walk_in')", name="type_known"),
    )
