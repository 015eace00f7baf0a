"""initial schema: organisations, people, users, event kinds, events

Revision ID: f9676a8f3b2a
Revises: 
Create Date: 2026-11-28 08:27:10.517389

Reviewed: tables, named constraints and indexes as in the models; event kinds seeded.

"""
from alembic import op
import sqlalchemy as sa

import coopnet.db

# The plan's event kinds; reference data every installation needs.
# (slug, Dutch name, English name, internal meeting?)
EVENT_KINDS = [
    ("webinar", "Webinar", "Webinar", False),
    ("lezing", "Lezing", "Lecture", False),
    ("seminarie", "Seminarie", "Seminar", False),
    ("debat", "Debat", "Debate", False),
    ("workshop", "Workshop", "Workshop", False),
    ("coopborrel", "Coopborrel", "Coop drinks", False),
    ("dag-van-de-cooperatie", "Dag van de Coöperatie", "Day of the Co-operative", False),
    ("rondleiding", "Rondleiding", "Guided tour", False),
    ("praktijkbezoek", "Praktijkbezoek", "Site visit", False),
    ("thematische-groep", "Thematische groep", "Thematic group", False),
    ("micro-ontmoeting", "Micro-ontmoeting", "Micro-meeting", False),
    ("infosessie", "Infosessie", "Information session", False),
    ("netwerkactiviteit", "Netwerkactiviteit", "Networking event", False),
    ("gebruikersgroep", "Gebruikersgroep", "User group", True),
    ("managementgroep", "Managementgroep", "Management group", True),
    ("partneroverleg", "Partneroverleg", "Partner meeting", True),
    ("stuurgroep", "Stuurgroep", "Steering group", True),
    ("werkgroep", "Werkgroep", "Working group", True),
    ("bestuursorgaan", "Bestuursorgaan", "Board meeting", True),
    ("algemene-vergadering", "Algemene vergadering", "General assembly", True),
    ("overleg", "Overleg", "Consultation", True),
]


# revision identifiers, used by Alembic.
revision = 'f9676a8f3b2a'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_kinds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name_nl', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('is_internal', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_kinds')),
    sa.UniqueConstraint('slug', name=op.f('uq_event_kinds_slug'))
    )
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('enterprise_number', sa.String(length=10), nullable=True),
    sa.Column('legal_form', sa.String(length=80), nullable=True),
    sa.Column('sector', sa.String(length=80), nullable=True),
    sa.Column('province', sa.String(length=80), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('enterprise_number IS NULL OR length(enterprise_number) = 10', name=op.f('ck_organizations_enterprise_number_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('enterprise_number', name=op.f('uq_organizations_enterprise_number'))
    )
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index('ix_organizations_name', ['name'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_memberships_ends_after_start')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_memberships_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organization_id'), ['organization_id'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('role', sa.String(length=120), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_people_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('email', name=op.f('uq_people_email'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_organization_id'), ['organization_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('is_active_account', sa.Boolean(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('last_login_at', coopnet.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('member', 'staff', 'coordinator')", name=op.f('ck_users_role_known')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_users_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('person_id', name=op.f('uq_users_person_id'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('waitlist_enabled', sa.Boolean(), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('registration_opens_at', coopnet.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('registration_closes_at', coopnet.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name=op.f('ck_events_status_known')),
    sa.CheckConstraint("visibility IN ('public', 'members', 'internal')", name=op.f('ck_events_visibility_known')),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_events_capacity_not_negative')),
    sa.CheckConstraint('ends_at >= starts_at', name=op.f('ck_events_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kind_id'], ['event_kinds.id'], name=op.f('fk_events_kind_id_event_kinds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_kind_id'), ['kind_id'], unique=False)
        batch_op.create_index('ix_events_status_starts_at', ['status', 'starts_at'], unique=False)

    # reference data: the plan's event kinds (EVENT_KINDS above)
    kinds = sa.table('event_kinds', sa.column('slug'), sa.column('name_nl'), sa.column('name_en'),
                     sa.column('is_internal'), sa.column('sort_order'))
    op.bulk_insert(kinds, [
        {'slug': slug, 'name_nl': nl, 'name_en': en, 'is_internal': internal,
         'sort_order': (index + 1) * 10}
        for index, (slug, nl, en, internal) in enumerate(EVENT_KINDS)
    ])


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_status_starts_at')
        batch_op.drop_index(batch_op.f('ix_events_kind_id'))

    op.drop_table('events')
    op.drop_table('users')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_organization_id'))

    op.drop_table('people')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_organization_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index('ix_organizations_name')

    op.drop_table('organizations')
    op.drop_table('event_kinds')
