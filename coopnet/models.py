"""Imports every area's models so that the metadata knows all tables (Alembic, tests)."""

from coopnet.audit.models import AuditEntry  # noqa: F401
from coopnet.auth.models import ApiToken, SignInLink, User  # noqa: F401
from coopnet.events.models import Event, EventKind, EventSeries  # noqa: F401
from coopnet.mail.models import OutboxAttachment, OutboxMessage  # noqa: F401
from coopnet.members.models import (  # noqa: F401
    MemberContact,
    MemberImport,
    Membership,
    Organization,
    Person,
)
from coopnet.pairings.models import MeetingProfile, Pairing, PairingMember  # noqa: F401
from coopnet.plan.models import (  # noqa: F401
    Action,
    Goal,
    Indicator,
    ManualValue,
    Plan,
    ReportComment,
    ReportSnapshot,
    event_actions,
)
from coopnet.registrations.models import CheckInEvent, DoorAction, Registration  # noqa: F401
from coopnet.vacancies.models import Vacancy  # noqa: F401
