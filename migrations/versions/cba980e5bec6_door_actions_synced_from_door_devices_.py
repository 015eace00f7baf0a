"""door: actions synced from door devices, each applied once

Revision ID: cba980e5bec6
Revises: e5c2a9f41b30
Create Date: 2026-12-01 14:28:29.231234

One row per action a door device sent (client id unique: a batch sent twice changes
nothing), with the device time, who sent it and the outcome the device was answered.

"""
import sqlalchemy as sa
from alembic import op

import coopnet.db

# revision identifiers, used by Alembic.
revision = 'cba980e5bec6'
down_revision = 'e5c2a9f41b30'
branch_labels = None
depends_on = None


def upgrade():
    # the door_actions table: one row per action a door device recorded, applied once
    op.create_table('door_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('device_time', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.CheckConstraint("type IN ('check_in', 'undo', 'walk_in')", name=op.f('ck_door_actions_type_known')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_door_actions_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_door_actions_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_door_actions_registration_id_registrations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_door_actions')),
    sa.UniqueConstraint('action_id', name=op.f('uq_door_actions_action_id'))
    )
    with op.batch_alter_table('door_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_door_actions_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_door_actions_registration_id'), ['registration_id'], unique=False)


def downgrade():
    # the door_actions table and its indexes go
    with op.batch_alter_table('door_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_door_actions_registration_id'))
        batch_op.drop_index(batch_op.f('ix_door_actions_event_id'))

    op.drop_table('door_actions')
