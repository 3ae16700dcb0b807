"""The professional referrer domains: a list an administrator keeps, which the rules follow."""

import pytest
from sqlmodel import select

from tests.factories import SYSTEM, actor_for, make_referral, make_user
from workflow.errors import DomainError
from workflow.inbound import referrer_domains
from workflow.inbound.personal_mail import is_personal_mail
from workflow.models import AuditEvent, ProfessionalDomain, Referral
from workflow.models.staff import Role
from workflow.policy import CAMBS
from workflow.store.db import Database


def _referrer_result(referral: Referral) -> str:
    return next(o["result"] for o in referral.rule_outcomes if o["rule"] == "referrer")


def _is_professional(database: Database, email: str) -> bool:
    with database.uow() as uow:
        return referrer_domains.is_professional(uow.session, email, CAMBS)


@pytest.mark.parametrize(
    "email",
    [
        "holly.martin@cambs.pnn.police.uk",
        "gp@nhs.net",
        "dsl@stives.cambs.sch.uk",  # a school: on the list from the start
        "welfare@aru.ac.uk",  # a university
        "outreach@cambridgewomensaid.org.uk",  # a local charity
        "tenancy@crosskeyshomes.co.uk",  # a housing provider
    ],
)
def test_the_starting_list_covers_statutory_agencies_schools_charities_and_housing(
    database: Database, email: str
) -> None:
    assert _is_professional(database, email)


@pytest.mark.parametrize("email", ["jade@gmail.com", "x@police.uk.evil.com", "x@notnhs.net", ""])
def test_anyone_else_is_verified_by_a_person(database: Database, email: str) -> None:
    assert not _is_professional(database, email)


def test_an_added_domain_verifies_new_referrals_and_is_audited(database: Database) -> None:
    admin = actor_for(make_user(database, Role.ADMIN))
    before = make_referral(database, referrer_email="ann@fenlandhomes.org.uk")
    assert _referrer_result(before) == "check"
    with database.uow() as uow:
        referrer_domains.add(uow, admin, " @FenlandHomes.org.uk ", "Fenland housing")
    after = make_referral(database, referrer_email="ann@fenlandhomes.org.uk")
    assert _referrer_result(after) == "met"
    with database.uow() as uow:
        event = uow.session.exec(
            select(AuditEvent).where(AuditEvent.object_type == "professional_domain")
        ).one()
    assert event.action == "add" and event.after == {
        "domain": "fenlandhomes.org.uk",
        "agency": "Fenland housing",
    }


def test_a_removed_domain_is_flagged_again_and_the_removal_audited(database: Database) -> None:
    admin = actor_for(make_user(database, Role.ADMIN))
    with database.uow() as uow:
        row = uow.session.exec(
            select(ProfessionalDomain).where(ProfessionalDomain.domain == "refuge.org.uk")
        ).one()
        referrer_domains.remove(uow, admin, row.id or 0)
    assert not _is_professional(database, "worker@refuge.org.uk")
    referral = make_referral(database, referrer_email="worker@refuge.org.uk")
    assert _referrer_result(referral) == "check"
    with database.uow() as uow:
        event = uow.session.exec(select(AuditEvent).where(AuditEvent.action == "remove")).one()
    assert event.before and event.before["domain"] == "refuge.org.uk"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("gmail.com", "personal mail provider"),
        ("hotmail.co.uk", "personal mail provider"),
        ("org.uk", "too wide"),
        ("uk", "too wide"),
        ("jane smith@agency.org", "Enter a domain"),
        ("agency..org", "Enter a domain"),
        ("-agency.org", "Enter a domain"),
        ("police.uk", "already on the list"),
    ],
)
def test_what_cannot_be_added_says_why(database: Database, text: str, why: str) -> None:
    admin = actor_for(make_user(database, Role.ADMIN))
    with pytest.raises(DomainError, match=why), database.uow() as uow:
        referrer_domains.add(uow, admin, text, "Someone")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.IDVA, Role.MANAGER])
def test_only_an_administrator_changes_the_list(database: Database, role: Role) -> None:
    someone = actor_for(make_user(database, role))
    with pytest.raises(DomainError, match="administrator"), database.uow() as uow:
        referrer_domains.add(uow, someone, "agency.org.uk", "Agency")
    with pytest.raises(DomainError, match="administrator"), database.uow() as uow:
        referrer_domains.add(uow, SYSTEM, "agency.org.uk", "Agency")


@pytest.mark.parametrize(
    ("domain", "personal"),
    [
        ("gmail.com", True),
        ("hotmail.co.uk", True),
        ("proton.me", True),
        ("mail.cambridgeshire.gov.uk", False),  # an agency's own mail host
        ("outlook.office365.com.agency.org.uk", False),
    ],
)
def test_personal_mail_is_a_provider_and_a_public_suffix(domain: str, personal: bool) -> None:
    assert is_personal_mail(domain) is personal
