"""plan: the coordinator's comment per action, kept with a frozen report

Revision ID: d4e8b2c61a07
Revises: c3a7e1d2f010
Create Date: 2026-12-01 12:00:00

One comment per action per snapshot (unique), between 1 and 4000 characters (an empty
comment is deleted); it goes with the snapshot and the action (cascade).
"""
from alembic import op
import sqlalchemy as sa

import coopnet.db

revision = 'd4e8b2c61a07'
down_revision = 'c3a7e1d2f010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_report_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(text) BETWEEN 1 AND 4000', name=op.f('ck_plan_report_comments_text_length')),
    sa.ForeignKeyConstraint(['action_id'], ['plan_actions.id'], name=op.f('fk_plan_report_comments_action_id_plan_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['plan_report_snapshots.id'], name=op.f('fk_plan_report_comments_snapshot_id_plan_report_snapshots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_plan_report_comments_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_report_comments')),
    sa.UniqueConstraint('snapshot_id', 'action_id', name=op.f('uq_plan_report_comments_snapshot_id_action_id'))
    )
    with op.batch_alter_table('plan_report_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_report_comments_action_id'), ['action_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_report_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_report_comments_action_id'))

    op.drop_table('plan_report_comments')
