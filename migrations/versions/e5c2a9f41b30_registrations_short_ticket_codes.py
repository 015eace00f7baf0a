"""registrations: a short ticket code per registration, unique within its event; people: erased_at

Revision ID: e5c2a9f41b30
Revises: e5a1c7d93b24
Create Date: 2026-12-01 14:40:00.000000

Adds registrations.short_code (8 symbols from an alphabet without 0/O/1/I/L), gives every
existing registration one (unique within its event), then makes it required and unique per
event (uq_registrations_event_short_code). People type it at the door when the QR code does
not scan.

"""
import secrets

from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5c2a9f41b30'
down_revision = 'e5a1c7d93b24'
branch_labels = None
depends_on = None

# kept here, not imported: a migration must not change when the application code does
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def _backfill():
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, event_id FROM registrations WHERE short_code IS NULL ORDER BY id")).all()
    taken = {}
    for registration_id, event_id in rows:
        used = taken.setdefault(event_id, set())
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
            if code not in used:
                break
        used.add(code)
        connection.execute(sa.text("UPDATE registrations SET short_code = :code WHERE id = :id"),
                           {"code": code, "id": registration_id})


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_code', sa.String(length=8), nullable=True))
    if not context.is_offline_mode():
        _backfill()
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('short_code', existing_type=sa.String(length=8), nullable=False)
        batch_op.create_index('uq_registrations_event_short_code', ['event_id', 'short_code'],
                              unique=True)


    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    if not context.is_offline_mode():
        op.execute("UPDATE people SET erased_at = updated_at WHERE first_name = 'Verwijderd' "
                   "AND email IS NULL AND last_name = '#' || CAST(id AS VARCHAR(20))")


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_registrations_event_short_code')
        batch_op.drop_column('short_code')
