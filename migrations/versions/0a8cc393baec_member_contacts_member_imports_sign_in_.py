"""member contacts, member imports, sign-in links

Revision ID: 0a8cc393baec
Revises: 092450649978
Create Date: 2026-11-28 08:43:31.958655

"""
from alembic import op
import sqlalchemy as sa

import coopnet.db


# revision identifiers, used by Alembic.
revision = '0a8cc393baec'
down_revision = '092450649978'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_done_on', sa.Date(), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('intro', 'conversation', 'visit', 'phone', 'email')", name=op.f('ck_member_contacts_kind_known')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_member_contacts_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_member_contacts_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_member_contacts_staff_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_contacts'))
    )
    with op.batch_alter_table('member_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_member_contacts_follow_up', ['follow_up_on'], unique=False)
        batch_op.create_index('ix_member_contacts_organization_contacted', ['organization_id', 'contacted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_contacts_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_contacts_staff_user_id'), ['staff_user_id'], unique=False)

    op.create_table('member_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('rejected', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('applied_at', coopnet.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_member_imports_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_imports')),
    sa.UniqueConstraint('token', name=op.f('uq_member_imports_token'))
    )
    op.create_table('sign_in_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', coopnet.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', coopnet.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_links_token_hash'))
    )
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_links_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_links_user_id'))

    op.drop_table('sign_in_links')
    op.drop_table('member_imports')
    with op.batch_alter_table('member_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_contacts_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_member_contacts_person_id'))
        batch_op.drop_index('ix_member_contacts_organization_contacted')
        batch_op.drop_index('ix_member_contacts_follow_up')

    op.drop_table('member_contacts')
