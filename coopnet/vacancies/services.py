"""Changes to vacancies: members post and edit their co-op's vacancies, staff moderate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.db import utcnow
from coopnet.errors import DomainError, Forbidden, Invalid
from coopnet.extensions import db
from coopnet.mail.services import queue_mail
from coopnet.members.models import Organization
from coopnet.members.rules import member_organization_of, organization_is_member_on
from coopnet.timezones import brussels_today
from coopnet.vacancies.models import VACANCY_KINDS, Vacancy

TITLE_MAX = 200
SHORT_MAX = 120
TEXT_MAX = 10_000


@dataclass
class VacancyInput:
    """What a member fills in for a vacancy (the shape of the form and of the API)."""

    kind: str
    title: str
    description: str
    closes_on: date | None
    place: str = ""
    hours: str = ""
    how_to_apply: str = ""


def organization_of(user: User, now: datetime | None = None) -> Organization | None:
    """The member co-op a signed-in contact person acts for today, if any."""
    return member_organization_of(user.person, now or utcnow())


def may_manage(user: User, vacancy: Vacancy) -> bool:
    """Staff manage every vacancy; a member only their own co-op's."""
    if user.has_role("staff"):
        return True
    organization = organization_of(user)
    return organization is not None and organization.id == vacancy.organization_id




def _clean(data: VacancyInput, today: date) -> VacancyInput:
    """Trimmed input, or Invalid with a message per field."""
    fields: dict[str, str] = {}
    cleaned = VacancyInput(
        kind=(data.kind or "").strip(), title=" ".join((data.title or "").split()),
        description=(data.description or "").strip().replace("\r\n", "\n"),
        closes_on=data.closes_on, place=(data.place or "").strip(),
        hours=(data.hours or "").strip(),
        how_to_apply=(data.how_to_apply or "").strip().replace("\r\n", "\n"),
    )
    if cleaned.kind not in VACANCY_KINDS:
        fields["kind"] = _("Choose a kind of vacancy.")
    if not cleaned.title:
        fields["title"] = _("Enter a title.")
    elif len(cleaned.title) > TITLE_MAX:
        fields["title"] = _("Use at most %(max)s characters.", max=TITLE_MAX)
    if not cleaned.description:
        fields["description"] = _("Describe the vacancy.")
    elif len(cleaned.description) > TEXT_MAX:
        fields["description"] = _("Use at most %(max)s characters.", max=TEXT_MAX)
    if len(cleaned.how_to_apply) > TEXT_MAX:
        fields["how_to_apply"] = _("Use at most %(max)s characters.", max=TEXT_MAX)
    for name in ("place", "hours"):
        if len(getattr(cleaned, name)) > SHORT_MAX:
            fields[name] = _("Use at most %(max)s characters.", max=SHORT_MAX)
    if cleaned.closes_on is None:
        fields["closes_on"] = _("Enter the closing date.")
    elif cleaned.closes_on < today:
        fields["closes_on"] = _("The closing date cannot be in the past.")
    if fields:
        raise Invalid(fields, _("Some fields are not filled in correctly."))
    return cleaned


def _apply(vacancy: Vacancy, data: VacancyInput) -> None:
    vacancy.kind = data.kind
    vacancy.title = data.title
    vacancy.description = data.description
    vacancy.place = data.place
    vacancy.hours = data.hours
    vacancy.how_to_apply = data.how_to_apply
    assert data.closes_on is not None  # _clean guarantees it
    vacancy.closes_on = data.closes_on


def submit_vacancy(organization: Organization, data: VacancyInput, *, actor: User,
                   now: datetime | None = None) -> Vacancy:
    """A contact person posts a vacancy for their own co-op; it waits for staff review.

    Errors: `forbidden` (not this co-op's contact), `not_a_member` (the co-op is not a
    member today), `invalid` (fields).
    """
    now = now or utcnow()
    today = brussels_today(now)
    # first "is this your co-op" (the register's contact link), then "is it a member today"
    if not actor.has_role("staff") and (
        actor.person is None or actor.person.organization_id != organization.id
    ):
        raise Forbidden("forbidden", _("You can only post vacancies for your own co-op."))
    if not organization_is_member_on(organization, today):
        raise DomainError("not_a_member",
                          _("Only member co-ops of the network can post vacancies."))
    cleaned = _clean(data, today)
    vacancy = Vacancy(organization=organization, status="submitted", submitted_by_id=actor.id)
    _apply(vacancy, cleaned)
    vacancy.created_at = vacancy.updated_at = now
    db.session.add(vacancy)
    db.session.flush()
    return vacancy


def update_vacancy(vacancy: Vacancy, data: VacancyInput, *, actor: User,
                   now: datetime | None = None) -> Vacancy:
    """Change a vacancy. A member's change to a published or rejected vacancy goes back to review.

    Errors: `forbidden`, `vacancy_withdrawn`, `invalid`.
    """
    now = now or utcnow()
    if not may_manage(actor, vacancy):
        raise Forbidden("forbidden", _("You can only change your own co-op's vacancies."))
    if vacancy.status == "withdrawn":
        raise DomainError("vacancy_withdrawn", _("This vacancy was withdrawn; post a new one."))
    cleaned = _clean(data, brussels_today(now))
    _apply(vacancy, cleaned)
    if not actor.has_role("staff") and vacancy.status in ("published", "rejected"):
        # staff approved the old text, not this one
        vacancy.status = "submitted"
        vacancy.rejection_reason = None
    vacancy.updated_at = now
    return vacancy


def withdraw_vacancy(vacancy: Vacancy, *, actor: User, now: datetime | None = None) -> Vacancy:
    """Take a vacancy off the list for good (e.g. the post is filled).

    Errors: `forbidden`, `already_withdrawn`.
    """
    if not may_manage(actor, vacancy):
        raise Forbidden("forbidden", _("You can only change your own co-op's vacancies."))
    if vacancy.status == "withdrawn":
        raise DomainError("already_withdrawn", _("This vacancy was already withdrawn."))
    vacancy.status = "withdrawn"
    vacancy.updated_at = now or utcnow()
    return vacancy


def _notify_submitter(vacancy: Vacancy, kind: str, now: datetime) -> None:
    submitter = vacancy.submitted_by
    # an erased submitter's account is switched off and has no real address any more
    if submitter is None or not submitter.is_active_account:
        return
    base = current_app.config["COOPNET_BASE_URL"]
    # the submitter reads Dutch, whatever language the staff member uses
    with force_locale("nl"):
        if kind == "vacancy_published":
            subject = _("Your vacancy is published: %(title)s", title=vacancy.title)
            text = _(
                "Hello,\n\nYour vacancy \"%(title)s\" is now on the Coopkracht vacancy list "
                "until %(closes_on)s:\n%(url)s\n\nKind regards,\nCoopkracht",
                title=vacancy.title, closes_on=vacancy.closes_on.strftime("%d/%m/%Y"),
                url=f"{base}/vacatures/{vacancy.id}",
            )
        else:
            subject = _("Your vacancy was not published: %(title)s", title=vacancy.title)
            text = _(
                "Hello,\n\nWe did not publish your vacancy \"%(title)s\".\n\nReason: "
                "%(reason)s\n\nYou can change it and submit it again:\n%(url)s\n\n"
                "Kind regards,\nCoopkracht",
                title=vacancy.title, reason=vacancy.rejection_reason or "",
                url=f"{base}/me/vacancies/{vacancy.id}/edit",
            )
    queue_mail(kind=kind, to=submitter.email, subject=subject, text=text, now=now)


def approve_vacancy(vacancy: Vacancy, *, actor: User, now: datetime | None = None) -> Vacancy:
    """Staff publish a submitted vacancy; the submitter is told by e-mail.

    Errors: `forbidden` (not staff), `not_submitted`, `vacancy_closed` (closing date passed).
    """
    now = now or utcnow()
    if not actor.has_role("staff"):
        raise Forbidden("forbidden", _("Only staff can publish vacancies."))
    if vacancy.status != "submitted":
        raise DomainError("not_submitted", _("Only a vacancy awaiting review can be published."))
    if vacancy.closes_on < brussels_today(now):
        raise DomainError("vacancy_closed",
                          _("The closing date has passed; this vacancy cannot be published."))
    vacancy.status = "published"
    vacancy.rejection_reason = None
    if vacancy.published_at is None:
        vacancy.published_at = now
    vacancy.updated_at = now
    record_audit("vacancy.published", object_type="vacancy", object_id=vacancy.id, actor=actor,
                 now=now)
    _notify_submitter(vacancy, "vacancy_published", now)
    return vacancy


def reject_vacancy(vacancy: Vacancy, reason: str, *, actor: User,
                   now: datetime | None = None) -> Vacancy:
    """Staff refuse (or take down) a vacancy with a reason; the submitter is told by e-mail.

    Errors: `forbidden`, `invalid` (no reason), `not_reviewable` (withdrawn or already rejected).
    """
    now = now or utcnow()
    if not actor.has_role("staff"):
        raise Forbidden("forbidden", _("Only staff can reject vacancies."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": _("Say why, so the co-op can correct it.")})
    if len(reason) > TEXT_MAX:
        raise Invalid({"reason": _("Use at most %(max)s characters.", max=TEXT_MAX)})
    if vacancy.status not in ("submitted", "published"):
        raise DomainError("not_reviewable",
                          _("Only a vacancy awaiting review or published can be rejected."))
    vacancy.status = "rejected"
    vacancy.rejection_reason = reason
    vacancy.updated_at = now
    record_audit("vacancy.rejected", object_type="vacancy", object_id=vacancy.id, actor=actor,
                 now=now, details={"reason": reason})
    _notify_submitter(vacancy, "vacancy_rejected", now)
    return vacancy
