"""contact persons from the register only; events know their Brussels day

Two changes:

1. `events.starts_on`: the Brussels calendar day an event starts on, filled from
   `starts_at` (the model keeps it in step from now on).
2. Contact persons are made by the member register only. Until now a registration or a
   walk-in wrote the organisation someone typed onto the person, which made them a
   "contact person" of that co-op (member sign-in, members-only events, vacancies).
   A person keeps their organisation when the register made them its contact person:
   an audit entry `person.created`/`person.updated` for them (staff, and the member-list
   import which goes through the same service), or a phone number or job title (fields
   only the register writes). A person without such evidence whose organisation also
   stands on one of their registrations got it from that registration and loses it.
   Nothing is deleted: the registration keeps the organisation as the person's claim,
   which staff can confirm with one click on the person's page, and an audit entry
   `person.contact_status_removed` records each change (the downgrade restores them).

Revision ID: c3a7e1d2f010
Revises: b7d1c0a5e001
Create Date: 2026-12-01 10:00:00
"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = 'c3a7e1d2f010'
down_revision = 'b7d1c0a5e001'
branch_labels = None
depends_on = None

BRUSSELS = ZoneInfo("Europe/Brussels")
ACTION = "person.contact_status_removed"


def _as_utc(value):
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _fill_starts_on(bind):
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("starts_at"),
                      sa.column("starts_on", sa.Date))
    rows = bind.execute(sa.select(events.c.id, events.c.starts_at)).all()
    for event_id, starts_at in rows:
        day = _as_utc(starts_at).astimezone(BRUSSELS).date()
        bind.execute(sa.update(events).where(events.c.id == event_id).values(starts_on=day))


def _registration_made_contacts(bind):
    """(person id, organisation id) of contacts whose organisation came from a registration."""
    people = sa.table("people", sa.column("id", sa.Integer),
                      sa.column("organization_id", sa.Integer), sa.column("phone"),
                      sa.column("role"))
    registrations = sa.table("registrations", sa.column("person_id", sa.Integer),
                             sa.column("organization_id", sa.Integer))
    audit = sa.table("audit_entries", sa.column("action"), sa.column("object_type"),
                     sa.column("object_id", sa.Integer))
    register_evidence = sa.exists().where(
        audit.c.object_type == "person", audit.c.object_id == people.c.id,
        audit.c.action.in_(("person.created", "person.updated")))
    from_a_registration = sa.exists().where(
        registrations.c.person_id == people.c.id,
        registrations.c.organization_id == people.c.organization_id)
    stmt = (sa.select(people.c.id, people.c.organization_id)
            .where(people.c.organization_id.is_not(None),
                   sa.func.coalesce(people.c.phone, "") == "",
                   sa.func.coalesce(people.c.role, "") == "",
                   ~register_evidence, from_a_registration)
            .order_by(people.c.id))
    return bind.execute(stmt).all()


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
    bind = op.get_bind()
    _fill_starts_on(bind)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('starts_on', existing_type=sa.Date(), nullable=False)

    people = sa.table("people", sa.column("id", sa.Integer),
                      sa.column("organization_id", sa.Integer))
    audit = sa.table("audit_entries", sa.column("at"), sa.column("actor_id", sa.Integer),
                     sa.column("action"), sa.column("object_type"),
                     sa.column("object_id", sa.Integer), sa.column("details", sa.JSON))
    now = datetime.now(UTC)
    for person_id, organization_id in _registration_made_contacts(bind):
        bind.execute(sa.update(people).where(people.c.id == person_id)
                     .values(organization_id=None))
        bind.execute(sa.insert(audit).values(
            at=now, actor_id=None, action=ACTION, object_type="person", object_id=person_id,
            details={"organization_id": organization_id,
                     "reason": "organisation typed at a registration, not made by the register"}))


def downgrade():
    bind = op.get_bind()
    audit = sa.table("audit_entries", sa.column("id", sa.Integer), sa.column("action"),
                     sa.column("object_type"), sa.column("object_id", sa.Integer),
                     sa.column("details", sa.JSON))
    people = sa.table("people", sa.column("id", sa.Integer),
                      sa.column("organization_id", sa.Integer))
    organizations = sa.table("organizations", sa.column("id", sa.Integer))
    rows = bind.execute(sa.select(audit.c.id, audit.c.object_id, audit.c.details)
                        .where(audit.c.action == ACTION)).all()
    for entry_id, person_id, details in rows:
        organization_id = (details or {}).get("organization_id")
        still_there = organization_id is not None and bind.execute(
            sa.select(organizations.c.id).where(organizations.c.id == organization_id)).first()
        if still_there:
            bind.execute(sa.update(people).where(people.c.id == person_id,
                                                 people.c.organization_id.is_(None))
                         .values(organization_id=organization_id))
        bind.execute(sa.delete(audit).where(audit.c.id == entry_id))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('starts_on')
