"""event series

Revision ID: 8a9cc8f63a61
Revises: 0a8cc393baec
Create Date: 2026-11-28 09:21:14.896965

"""
from alembic import op
import sqlalchemy as sa

import coopnet.db


# revision identifiers, used by Alembic.
revision = '8a9cc8f63a61'
down_revision = '0a8cc393baec'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kind_id'], ['event_kinds.id'], name=op.f('fk_event_series_kind_id_event_kinds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_series')),
    sa.UniqueConstraint('name', name=op.f('uq_event_series_name'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_events_series_id_event_series'), 'event_series', ['series_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_series_id_event_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_events_series_id'))
        batch_op.drop_column('series_id')

    op.drop_table('event_series')
