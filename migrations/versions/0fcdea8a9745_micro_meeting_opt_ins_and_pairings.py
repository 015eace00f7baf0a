"""micro-meeting opt-ins and pairings

Revision ID: 0fcdea8a9745
Revises: 8a9cc8f63a61
Create Date: 2026-11-28 09:16:45.102163

"""
from alembic import op
import sqlalchemy as sa

import coopnet.db


# revision identifiers, used by Alembic.
revision = '0fcdea8a9745'
down_revision = '8a9cc8f63a61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('offers', sa.JSON(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('offer_text', sa.Text(), nullable=False),
    sa.Column('need_text', sa.Text(), nullable=False),
    sa.Column('contact_person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_person_id'], ['people.id'], name=op.f('fk_meeting_profiles_contact_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_meeting_profiles_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_profiles')),
    sa.UniqueConstraint('organization_id', name=op.f('uq_meeting_profiles_organization_id'))
    )
    op.create_table('pairings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status != 'held' OR held_on IS NOT NULL", name=op.f('ck_pairings_held_has_date')),
    sa.CheckConstraint("status IN ('proposed', 'accepted', 'held', 'cancelled')", name=op.f('ck_pairings_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pairings_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_pairings_event_id_events'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairings'))
    )
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairings_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_pairings_status_held_on', ['status', 'held_on'], unique=False)

    op.create_table('pairing_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_pairing_members_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_pairing_members_pairing_id_pairings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_pairing_members_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_members')),
    sa.UniqueConstraint('pairing_id', 'organization_id', name=op.f('uq_pairing_members_pairing_id_organization_id'))
    )
    with op.batch_alter_table('pairing_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_members_organization_id'), ['organization_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pairing_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_members_organization_id'))

    op.drop_table('pairing_members')
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.drop_index('ix_pairings_status_held_on')
        batch_op.drop_index(batch_op.f('ix_pairings_event_id'))

    op.drop_table('pairings')
    op.drop_table('meeting_profiles')
