"""vacancies

Revision ID: 092450649978
Revises: 5ff3e4a6a504
Create Date: 2026-11-28 08:43:22.667778

"""
from alembic import op
import sqlalchemy as sa

import coopnet.db


# revision identifiers, used by Alembic.
revision = '092450649978'
down_revision = '5ff3e4a6a504'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vacancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('hours', sa.String(length=120), nullable=False),
    sa.Column('how_to_apply', sa.Text(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('published_at', coopnet.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('job', 'internship', 'volunteer')", name=op.f('ck_vacancies_kind_known')),
    sa.CheckConstraint("status != 'published' OR published_at IS NOT NULL", name=op.f('ck_vacancies_published_has_date')),
    sa.CheckConstraint("status != 'rejected' OR rejection_reason IS NOT NULL", name=op.f('ck_vacancies_rejected_has_reason')),
    sa.CheckConstraint("status IN ('submitted', 'published', 'rejected', 'withdrawn')", name=op.f('ck_vacancies_status_known')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_vacancies_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_vacancies_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancies'))
    )
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacancies_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_vacancies_status_closes_on', ['status', 'closes_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_submitted_by_id'), ['submitted_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vacancies_submitted_by_id'))
        batch_op.drop_index('ix_vacancies_status_closes_on')
        batch_op.drop_index(batch_op.f('ix_vacancies_organization_id'))

    op.drop_table('vacancies')
