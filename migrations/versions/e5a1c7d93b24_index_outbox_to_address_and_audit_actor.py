"""indexes: a person's mails (outbox_messages.to_address) and an account's audit entries
(audit_entries.actor_id), for the GDPR export and erasure at any size of history

Revision ID: e5a1c7d93b24
Revises: d4e8b2c61a07
Create Date: 2026-12-01 14:40:00

"""
from alembic import op

revision = 'e5a1c7d93b24'
down_revision = 'd4e8b2c61a07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_to_address', ['to_address'], unique=False)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_actor_id', ['actor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_actor_id')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_to_address')
