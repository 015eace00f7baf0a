"""Event kinds and events."""

from __future__ import annotations

import re
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from coopnet.db import TimestampMixin, UTCDateTime
from coopnet.extensions import db
from coopnet.timezones import brussels_today

VISIBILITIES = ("public", "members", "internal")
STATUSES = ("draft", "published", "cancelled")
NOT_CANCELLED = tuple(s for s in STATUSES if s != "cancelled")


# the French names of the event kinds the first migration installs (reference data, by slug)
FRENCH_KIND_NAMES = {
    "webinar": "Webinaire", "lezing": "Conférence", "seminarie": "Séminaire", "debat": "Débat",
    "workshop": "Atelier", "coopborrel": "Coopborrel",
    "dag-van-de-cooperatie": "Journée de la Coopérative", "rondleiding": "Visite guidée",
    "praktijkbezoek": "Visite de terrain", "thematische-groep": "Groupe thématique",
    "micro-ontmoeting": "Micro-rencontre", "infosessie": "Séance d'information",
    "netwerkactiviteit": "Activité de réseautage", "gebruikersgroep": "Groupe d'utilisateurs",
    "managementgroep": "Groupe de direction", "partneroverleg": "Concertation avec les partenaires",
    "stuurgroep": "Comité de pilotage", "werkgroep": "Groupe de travail",
    "bestuursorgaan": "Conseil d'administration", "algemene-vergadering": "Assemblée générale",
    "overleg": "Concertation",
}


class EventKind(db.Model):
    """What sort of event: webinar, coopborrel, … The plan counts events by kind."""

    __tablename__ = "event_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    name_nl: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    name_en: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    # internal meetings (stuurgroep, bestuursorgaan …) never show on the public site
    is_internal: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    sort_order: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=100)

    def name(self, locale: str) -> str:
        """The kind's name in the given language (Dutch unless English or French is asked;
        a kind without a French name shows its Dutch one)."""
        if locale.startswith("en"):
            return self.name_en
        if locale.startswith("fr"):
            return FRENCH_KIND_NAMES.get(self.slug, self.name_nl)
        return self.name_nl

    @property
    def label(self) -> str:
        """The kind's name in the current language."""
        from flask_babel import get_locale

        return self.name(str(get_locale() or "nl"))

    def __repr__(self) -> str:
        return f"<EventKind {self.slug}>"


class EventSeries(TimestampMixin, db.Model):
    """Recurring events under one name, e.g. a thematic group whose meetings are events."""

    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    kind_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event_kinds.id"))
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    def __repr__(self) -> str:
        return f"<EventSeries {self.id} {self.name!r}>"


class Event(TimestampMixin, db.Model):
    """Something that happens at a time: a webinar, a coopborrel, a board meeting …"""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    kind_id: Mapped[int] = mapped_column(sa.ForeignKey("event_kinds.id"), nullable=False, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # the Brussels calendar day the event starts on, kept in step with starts_at by
    # `_keep_starts_on`: day rules (member on the day of the event) compare dates, and
    # SQLite has no time zones to work it out in SQL (00:30 Brussels on 1 January is
    # 23:30 UTC on 31 December: the UTC date is the wrong day)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    location: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    address: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    city: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    # None means unlimited
    capacity: Mapped[int | None] = mapped_column(sa.Integer)
    # confirmed online/staff registrations holding a seat; changed only by a conditional
    # UPDATE in the registration service, so concurrent registrations never oversell
    seats_taken: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0,
                                             server_default="0")
    waitlist_enabled: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    visibility: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="public")
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="published")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # iCalendar SEQUENCE: raised on every change a calendar client should pick up
    sequence: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_series.id", ondelete="SET NULL"), index=True
    )

    kind: Mapped[EventKind] = relationship(lazy="joined", innerjoin=True)
    series: Mapped[EventSeries | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        sa.CheckConstraint("visibility IN ('public', 'members', 'internal')", name="visibility_known"),
        sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status_known"),
        sa.Index("ix_events_status_starts_at", "status", "starts_at"),
        # what the public list filters and counts on (status, visibility, start, kind): its
        # total is counted from this index alone, not from every event's row
        sa.Index("ix_events_status_visibility_starts_at", "status", "visibility", "starts_at",
                 "kind_id"),
    )

    @validates("starts_at")
    def _keep_starts_on(self, _key: str, value: datetime) -> datetime:
        if value is not None and value.tzinfo is not None:
            self.starts_on = brussels_today(value)
        return value

    @property
    def is_online(self) -> bool:
        """True when the event takes place online (it has a link and no city)."""
        return bool(self.online_url) and not self.city

    @property
    def place(self) -> str:
        """Where the event is, each part once: venue, street address, city.

        The address often repeats the venue or the city ("Bar Tuinwijk, Gent"): a part already
        said is left out, so mails, calendar files and pages never print it twice. Empty for an
        online event."""
        if self.is_online:
            return ""
        parts: list[str] = []
        for text in [self.location, *(self.address or "").split(","), self.city]:
            text = " ".join((text or "").split())
            said = re.compile(rf"(?<!\w){re.escape(text.casefold())}(?!\w)")
            if text and not any(said.search(part.casefold()) for part in parts):
                parts.append(text)
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"
