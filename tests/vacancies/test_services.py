"""Vacancy rules: who may post and change what, moderation, mails, error codes."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from coopnet.audit.models import AuditEntry
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from coopnet.vacancies.services import (
    VacancyInput,
    approve_vacancy,
    reject_vacancy,
    submit_vacancy,
    update_vacancy,
    withdraw_vacancy,
)
from tests.factories import make_member_user, make_organization, make_user, make_vacancy

NOW = datetime(2022, 3, 10, 10, 0, tzinfo=UTC)


def _input(**changes: object) -> VacancyInput:
    data = VacancyInput(kind="job", title="  Boekhouder  (4/5) ",
                        description="Je houdt de boeken bij.\r\nStart: mei.",
                        closes_on=date(2022, 4, 30), place="Gent", hours="30 uur per week",
                        how_to_apply="Mail naar jobs@zonnekracht.test")
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def _mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.kind == kind))
                .scalars())


def test_member_posts_a_vacancy_for_their_own_coop_awaiting_review(ctx):
    org = make_organization("Zonnekracht")
    member = make_member_user(org)
    vacancy = submit_vacancy(org, _input(), actor=member, now=NOW)
    db.session.commit()
    assert vacancy.status == "submitted"
    assert vacancy.title == "Boekhouder (4/5)"
    assert vacancy.description == "Je houdt de boeken bij.\nStart: mei."
    assert vacancy.submitted_by_id == member.id
    assert vacancy.published_at is None
    assert vacancy.created_at == NOW


def test_member_cannot_post_for_another_coop(ctx):
    mine, other = make_organization("Mijn coop"), make_organization("Andere coop")
    member = make_member_user(mine)
    with pytest.raises(DomainError) as error:
        submit_vacancy(other, _input(), actor=member, now=NOW)
    assert error.value.code == "forbidden"


def test_former_member_coop_cannot_post(ctx):
    former = make_organization("Oud lid", member_since=date(2015, 1, 1),
                               member_until=date(2021, 6, 30))
    member = make_member_user(former)
    with pytest.raises(DomainError) as error:
        submit_vacancy(former, _input(), actor=member, now=NOW)
    assert error.value.code == "not_a_member"


@pytest.mark.parametrize("changes,field", [
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"description": ""}, "description"),
    ({"kind": "freelance"}, "kind"),
    ({"closes_on": None}, "closes_on"),
    ({"closes_on": date(2022, 3, 9)}, "closes_on"),
    ({"hours": "h" * 121}, "hours"),
])
def test_invalid_input_names_the_field(ctx, changes, field):
    org = make_organization()
    member = make_member_user(org)
    with pytest.raises(DomainError) as error:
        submit_vacancy(org, _input(**changes), actor=member, now=NOW)
    assert error.value.code == "invalid"
    assert list(error.value.fields) == [field]


def test_closing_today_is_allowed(ctx):
    org = make_organization()
    member = make_member_user(org)
    # 10 March 2022 in Brussels
    assert submit_vacancy(org, _input(closes_on=date(2022, 3, 10)), actor=member,
                          now=NOW).closes_on == date(2022, 3, 10)


def test_staff_approve_publishes_and_mails_the_submitter(ctx):
    org = make_organization("Zonnekracht")
    member = make_member_user(org, email="lid@zonnekracht.test")
    staff = make_user("staff")
    vacancy = make_vacancy(org, title="Boekhouder", closes_on=date(2022, 4, 30),
                           submitted_by=member)
    approve_vacancy(vacancy, actor=staff, now=NOW)
    db.session.commit()
    assert vacancy.status == "published"
    assert vacancy.published_at == NOW
    [mail] = _mails("vacancy_published")
    assert mail.to_address == "lid@zonnekracht.test"
    assert mail.subject == "Je vacature staat online: Boekhouder"
    assert f"http://coopnet.test/vacatures/{vacancy.id}" in mail.body_text
    assert "30/04/2022" in mail.body_text
    audit = db.session.execute(sa.select(AuditEntry.action)).scalars().all()
    assert audit == ["vacancy.published"]


def test_member_cannot_approve(ctx):
    org = make_organization()
    member = make_member_user(org)
    vacancy = make_vacancy(org)
    with pytest.raises(DomainError) as error:
        approve_vacancy(vacancy, actor=member, now=NOW)
    assert error.value.code == "forbidden"


def test_only_submitted_vacancies_are_approved(ctx):
    org = make_organization()
    vacancy = make_vacancy(org, status="withdrawn")
    with pytest.raises(DomainError) as error:
        approve_vacancy(vacancy, actor=make_user("staff"), now=NOW)
    assert error.value.code == "not_submitted"


def test_a_vacancy_past_its_closing_date_is_not_published(ctx):
    org = make_organization()
    vacancy = make_vacancy(org, closes_on=date(2022, 3, 9))
    with pytest.raises(DomainError) as error:
        approve_vacancy(vacancy, actor=make_user("staff"), now=NOW)
    assert error.value.code == "vacancy_closed"


def test_reject_needs_a_reason_and_mails_it(ctx):
    org = make_organization()
    member = make_member_user(org, email="lid@coop.test")
    staff = make_user("staff")
    vacancy = make_vacancy(org, title="Stagiair", submitted_by=member)
    with pytest.raises(DomainError) as error:
        reject_vacancy(vacancy, "  ", actor=staff, now=NOW)
    assert error.value.code == "invalid" and "reason" in error.value.fields
    reject_vacancy(vacancy, "Het loon ontbreekt.", actor=staff, now=NOW)
    db.session.commit()
    assert vacancy.status == "rejected"
    assert vacancy.rejection_reason == "Het loon ontbreekt."
    [mail] = _mails("vacancy_rejected")
    assert mail.to_address == "lid@coop.test"
    assert "Reden: Het loon ontbreekt." in mail.body_text
    with pytest.raises(DomainError) as again:
        reject_vacancy(vacancy, "Nog steeds niet.", actor=staff, now=NOW)
    assert again.value.code == "not_reviewable"


def test_member_edit_of_a_published_vacancy_goes_back_to_review_keeping_first_publication(ctx):
    org = make_organization()
    member = make_member_user(org)
    vacancy = make_vacancy(org, status="published")
    first_published = vacancy.published_at
    update_vacancy(vacancy, _input(title="Boekhouder (voltijds)"), actor=member, now=NOW)
    db.session.commit()
    assert vacancy.status == "submitted"
    assert vacancy.title == "Boekhouder (voltijds)"
    approve_vacancy(vacancy, actor=make_user("staff"), now=NOW)
    assert vacancy.published_at == first_published


def test_member_edit_of_a_rejected_vacancy_resubmits_it(ctx):
    org = make_organization()
    member = make_member_user(org)
    vacancy = make_vacancy(org, status="rejected")
    update_vacancy(vacancy, _input(), actor=member, now=NOW)
    assert vacancy.status == "submitted" and vacancy.rejection_reason is None


def test_member_cannot_edit_or_withdraw_another_coops_vacancy(ctx):
    mine, other = make_organization(), make_organization()
    member = make_member_user(mine)
    vacancy = make_vacancy(other)
    with pytest.raises(DomainError) as edit:
        update_vacancy(vacancy, _input(), actor=member, now=NOW)
    with pytest.raises(DomainError) as withdraw:
        withdraw_vacancy(vacancy, actor=member, now=NOW)
    assert edit.value.code == withdraw.value.code == "forbidden"
    assert vacancy.status == "submitted"


def test_withdraw_once(ctx):
    org = make_organization()
    member = make_member_user(org)
    vacancy = make_vacancy(org, status="published")
    withdraw_vacancy(vacancy, actor=member, now=NOW)
    assert vacancy.status == "withdrawn"
    with pytest.raises(DomainError) as error:
        withdraw_vacancy(vacancy, actor=member, now=NOW)
    assert error.value.code == "already_withdrawn"
    with pytest.raises(DomainError) as edit:
        update_vacancy(vacancy, _input(), actor=member, now=NOW)
    assert edit.value.code == "vacancy_withdrawn"


def test_database_refuses_a_published_vacancy_without_date(ctx):
    org = make_organization()
    vacancy = make_vacancy(org)
    vacancy.status = "published"
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
