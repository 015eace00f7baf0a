"""events: the seat counter is never negative (the model's check constraint, never migrated)

Revision ID: b7d1c0a5e001
Revises: 0fcdea8a9745
Create Date: 2026-12-01 09:51:30.000000

Event declared ck_events_seats_taken_not_negative from the start, but no migration created
it, so a database built by `flask db upgrade` took a negative counter while one built from
the models refused it. tests/core/test_migrations.py now compares check constraints too.

"""
from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d1c0a5e001'
down_revision = '0fcdea8a9745'
branch_labels = None
depends_on = None


def upgrade():
    if not context.is_offline_mode():
        # say which events are wrong rather than fail halfway through SQLite's table rebuild
        negative = op.get_bind().execute(sa.text(
            "SELECT id FROM events WHERE seats_taken < 0 ORDER BY id")).scalars().all()
        if negative:
            raise RuntimeError(f"events {negative} have a negative seats_taken; "
                               "recount their seats before upgrading")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_events_seats_taken_not_negative'),
                                         'seats_taken >= 0')


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_seats_taken_not_negative'), type_='check')
