"""people: the language a person registered in, so their mails come in it

Revision ID: f1b7c3d9a2e4
Revises: cba980e5bec6
Create Date: 2026-12-01 16:10:00

A French-speaking member who registers in French gets the reminder (sent by a timer), the
promotion (set off by someone else's cancellation) and staff's change notices in French too.
Existing people have none: their mails stay Dutch, as before.

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f1b7c3d9a2e4'
down_revision = 'cba980e5bec6'
branch_labels = None
depends_on = None


def upgrade():
    # one nullable column: None means the network's default language (Dutch)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('language')
