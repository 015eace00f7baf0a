"""Organisations (member co-ops and others), people and memberships."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopnet.db import TimestampMixin, UTCDateTime
from coopnet.extensions import db

if TYPE_CHECKING:
    from coopnet.auth.models import User


class Organization(TimestampMixin, db.Model):
    """A co-op or other organisation; a member of the network while a membership runs."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # Belgian enterprise number (KBO/BCE), 10 digits without dots
    enterprise_number: Mapped[str | None] = mapped_column(sa.String(10), unique=True)
    legal_form: Mapped[str | None] = mapped_column(sa.String(80))
    sector: Mapped[str | None] = mapped_column(sa.String(80))
    province: Mapped[str | None] = mapped_column(sa.String(80))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    website: Mapped[str | None] = mapped_column(sa.String(300))

    people: Mapped[list[Person]] = relationship(back_populates="organization")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", order_by="Membership.starts_on"
    )

    __table_args__ = (
        sa.Index("ix_organizations_name", "name"),
        # the register's filters list the sectors and provinces in use from these alone
        sa.Index("ix_organizations_sector", "sector"),
        sa.Index("ix_organizations_province", "province"),
        sa.CheckConstraint("enterprise_number IS NULL OR length(enterprise_number) = 10",
                           name="enterprise_number_length"),
    )

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


class Membership(TimestampMixin, db.Model):
    """One period of membership: from `starts_on` until `ends_on` (inclusive), open if null."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)

    organization: Mapped[Organization] = relationship(back_populates="memberships")

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    @classmethod
    def active_on(cls, day: date | sa.SQLColumnExpression[date]) -> sa.ColumnElement[bool]:
        """SQL predicate: this membership runs on `day` (one definition for every query)."""
        return sa.and_(cls.starts_on <= day, sa.or_(cls.ends_on.is_(None), cls.ends_on >= day))

    def runs_on(self, day: date) -> bool:
        """Python form of `active_on` (the two are tested to agree)."""
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    @classmethod
    def overlaps(cls, start: date, end: date) -> sa.ColumnElement[bool]:
        """SQL predicate: this membership runs on at least one day from `start` to `end`."""
        return sa.and_(cls.starts_on <= end, sa.or_(cls.ends_on.is_(None), cls.ends_on >= start))


class Person(TimestampMixin, db.Model):
    """A person: a contact person of an organisation, a registrant, or a staff member.

    `organization_id` is the organisation the member register made this person a contact
    person of (staff adding or confirming a contact, the member-list import). What someone
    types at a registration or at the door stays on that registration as a claim
    (`Registration.organization_id` / `organization_name`) and never sets it.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    # stored lower-cased; unique so one e-mail address is one person
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    role: Mapped[str | None] = mapped_column(sa.String(120))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    # set when the personal data was erased (GDPR): the row stays only to keep counts right,
    # and lists, door pages and search leave it out
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the language the person last registered in ("nl", "fr", "en"): their mails, also those
    # sent later by a timer or set off by someone else, are written in it (None: Dutch)
    language: Mapped[str | None] = mapped_column(sa.String(5))

    organization: Mapped[Organization | None] = relationship(back_populates="people")
    user: Mapped[User | None] = relationship(back_populates="person")

    @property
    def is_erased(self) -> bool:
        """The person's data was erased: show them nowhere by name."""
        return self.erased_at is not None

    @property
    def full_name(self) -> str:
        """First and last name, as shown on lists."""
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.full_name!r}>"


# kinds of member contact (their translated labels: CONTACT_KIND_LABELS in members/forms.py)
CONTACT_KINDS = ("intro", "conversation", "visit", "phone", "email")


class MemberContact(TimestampMixin, db.Model):
    """One contact of staff with a member co-op: an intro conversation, a visit, a call ..."""

    __tablename__ = "member_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
    )
    # the person spoken to, if known
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    staff_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    contacted_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    follow_up_on: Mapped[date | None] = mapped_column(sa.Date)
    follow_up_done_on: Mapped[date | None] = mapped_column(sa.Date)

    organization: Mapped[Organization] = relationship()
    person: Mapped[Person | None] = relationship()
    staff_user: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_member_contacts_organization_contacted", "organization_id", "contacted_on"),
        sa.Index("ix_member_contacts_follow_up", "follow_up_on"),
        sa.CheckConstraint(
            "kind IN ('intro', 'conversation', 'visit', 'phone', 'email')", name="kind_known"
        ),
    )


class MemberImport(db.Model):
    """An uploaded member list between preview and confirm (no state in process memory).

    `rows` holds the parsed, validated rows; the plan is recomputed on confirm against
    the register as it is then. `applied_at` is set once: a second confirm is refused.
    """

    __tablename__ = "member_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(43), nullable=False, unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False, default=list)
    rejected: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False, default=list)
    notes: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False, default=list)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
