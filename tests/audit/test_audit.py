"""The audit log records who did what, in the same transaction as the change."""

from datetime import UTC, datetime

import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.audit.services import record_audit
from coopnet.extensions import db
from tests.factories import make_user


def test_record_audit_is_committed_with_the_change_and_rolled_back_with_it(ctx):
    staff = make_user("staff")
    at = datetime(2022, 2, 10, 18, 2, tzinfo=UTC)
    record_audit("registration.checked_in", object_type="registration", object_id=7,
                 actor=staff, now=at, details={"channel": "door"})
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(AuditEntry.id))).scalar_one() == 0
    record_audit("registration.checked_in", object_type="registration", object_id=7,
                 actor=staff, now=at, details={"channel": "door"})
    db.session.commit()
    entry = db.session.execute(sa.select(AuditEntry)).scalar_one()
    assert (entry.action, entry.actor_id, entry.object_id, entry.at, entry.details) == (
        "registration.checked_in", staff.id, 7, at, {"channel": "door"})
