"""action plan: goals, actions, indicators, manual values, snapshots, event links

Revision ID: 5ff3e4a6a504
Revises: 40036c455317
Create Date: 2026-11-28 08:43:43.223960

"""
from alembic import op
import sqlalchemy as sa

import coopnet.db


# revision identifiers, used by Alembic.
revision = '5ff3e4a6a504'
down_revision = '40036c455317'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_plans_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    op.create_table('plan_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('(level = 1) = (parent_id IS NULL)', name=op.f('ck_plan_goals_parent_by_level')),
    sa.CheckConstraint('level IN (1, 2)', name=op.f('ck_plan_goals_level_known')),
    sa.ForeignKeyConstraint(['parent_id'], ['plan_goals.id'], name=op.f('fk_plan_goals_parent_id_plan_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_goals_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_goals'))
    )
    with op.batch_alter_table('plan_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_goals_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_goals_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goals.id'], name=op.f('fk_plan_actions_goal_id_plan_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_actions'))
    )
    with op.batch_alter_table('plan_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_actions_goal_id'), ['goal_id'], unique=False)

    op.create_table('plan_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('target', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('measure', sa.String(length=40), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'confirmed')", name=op.f('ck_plan_indicators_status_known')),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_plan_indicators_ends_after_start')),
    sa.ForeignKeyConstraint(['action_id'], ['plan_actions.id'], name=op.f('fk_plan_indicators_action_id_plan_actions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_indicators'))
    )
    with op.batch_alter_table('plan_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_indicators_action_id'), ['action_id'], unique=False)

    op.create_table('plan_report_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('taken_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_report_snapshots_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_plan_report_snapshots_taken_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_report_snapshots'))
    )
    with op.batch_alter_table('plan_report_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_report_snapshots_plan_id'), ['plan_id'], unique=False)

    op.create_table('event_actions',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['plan_actions.id'], name=op.f('fk_event_actions_action_id_plan_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_actions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'action_id', name=op.f('pk_event_actions'))
    )
    with op.batch_alter_table('event_actions', schema=None) as batch_op:
        batch_op.create_index('ix_event_actions_action_id', ['action_id'], unique=False)

    op.create_table('plan_manual_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_plan_manual_values_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['plan_indicators.id'], name=op.f('fk_plan_manual_values_indicator_id_plan_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_manual_values'))
    )
    with op.batch_alter_table('plan_manual_values', schema=None) as batch_op:
        batch_op.create_index('ix_plan_manual_values_indicator_recorded', ['indicator_id', 'recorded_on'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_manual_values', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_manual_values_indicator_recorded')

    op.drop_table('plan_manual_values')
    with op.batch_alter_table('event_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_event_actions_action_id')

    op.drop_table('event_actions')
    with op.batch_alter_table('plan_report_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_report_snapshots_plan_id'))

    op.drop_table('plan_report_snapshots')
    with op.batch_alter_table('plan_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_indicators_action_id'))

    op.drop_table('plan_indicators')
    with op.batch_alter_table('plan_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_actions_goal_id'))

    op.drop_table('plan_actions')
    with op.batch_alter_table('plan_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_goals_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_goals_parent_id'))

    op.drop_table('plan_goals')
    op.drop_table('plans')
