"""Plain factory functions for tests: make_referral(**overrides), make_user(...)."""

from datetime import date, datetime
from typing import Any

import pyotp
from sqlmodel import col, select

from workflow.actors import Actor
from workflow.models import ContactLog, Referral, User, utcnow
from workflow.models.referral import Instrument, Pathway, Source
from workflow.models.staff import Role
from workflow.policy import CAMBS, Policy
from workflow.referrals.contact import Attempt, record_contact_attempt
from workflow.referrals.receiving import NewAssessment, NewReferral, receive_referral
from workflow.staff import two_factor
from workflow.staff.sign_in import create_user
from workflow.store.db import Database, UnitOfWork

PASSWORD = "correct horse battery staple"
SYSTEM = Actor.system("test")


def dash_answers(yes: int, dont_know: int = 0) -> dict[str, dict[str, Any]]:
    """Return 24 DASH answers with `yes` Yes answers, then Don't knows, then No."""
    answers = {}
    for n in range(1, 25):
        value = "yes" if n <= yes else "dont_know" if n <= yes + dont_know else "no"
        answers[str(n)] = {"answer": value, "comment": "", "source": ""}
    return answers


def new_referral(
    pathway: Pathway = Pathway.MARAC, dash_yes: int | None = 18, **fields: Any
) -> NewReferral:
    """Return a valid, eligible NewReferral; keyword arguments override Referral fields."""
    values: dict[str, Any] = {
        "referrer_name": "Holly Martin",
        "referrer_agency": "Cambridgeshire Constabulary",
        "referrer_role": "Police Sergeant",
        "referrer_email": "holly.martin@cambs.pnn.police.uk",
        "victim_name": "Jade Allen",
        "victim_date_of_birth": date(1990, 1, 27),
        "victim_postcode": "PE7 4TQ",
        "safe_contact": {"call": True, "text": False},
        "police_incidents_12m": 1,
    }
    values.update(fields)
    assessments = []
    if dash_yes is not None:
        assessments.append(NewAssessment(Instrument.SAFELIVES_DASH_24, dash_answers(dash_yes)))
    return NewReferral(pathway, Source.WEB_FORM, values, assessments)


def make_referral(
    database: Database,
    policy: Policy = CAMBS,
    pathway: Pathway = Pathway.MARAC,
    dash_yes: int | None = 18,
    needs_review: list[str] | None = None,
    **fields: Any,
) -> Referral:
    """Receive a referral through the real intake use case and return it."""
    new = new_referral(pathway, dash_yes, **fields)
    new.needs_review = list(needs_review or [])
    with database.uow() as uow:
        return receive_referral(uow, SYSTEM, new, policy)


def make_user(database: Database, role: Role, email: str | None = None, **changes: Any) -> User:
    """Create a staff account with the test password; it need not change it unless told."""
    email = email or f"{role.value}@example.org"
    with database.uow() as uow:
        user = create_user(uow, SYSTEM, email, role, PASSWORD, role.value.title())
        user.must_change_password = changes.pop("must_change_password", False)
        for name, value in changes.items():
            setattr(user, name, value)
        uow.commit()
        return user


def actor_for(user: User) -> Actor:
    """Return the workflow actor for a user."""
    return Actor.of(user)


def record_first_contact(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int | None,
    expected_version: int | None = None,
    policy: Policy = CAMBS,
) -> ContactLog:
    """Record first contact made now by telephone, which new_referral marks safe."""
    attempt = Attempt(utcnow(), "call", made=True)
    return record_contact_attempt(uow, actor, referral_id or 0, expected_version, attempt, policy)


def totp_code(secret: str, after_step: int | None = None, now: datetime | None = None) -> str:
    """The code an authenticator app shows now, or for the next step when this one is used.

    The service refuses a step it has accepted already, and allows one step of drift, so a test
    that signs in twice within 30 seconds uses the next step's code the second time.
    """
    current = int((now or utcnow()).timestamp()) // two_factor.STEP_SECONDS
    step = current if after_step is None else max(current, after_step + 1)
    return pyotp.TOTP(secret).at(step * two_factor.STEP_SECONDS)


def enrol_two_factor(database: Database, user: User) -> str:
    """Enrol an account in two-factor sign-in as its owner would; return the TOTP secret."""
    with database.uow() as uow:
        secret = two_factor.begin(uow, user.id or 0).secret
    with database.uow() as uow:
        two_factor.confirm(uow, user.id or 0, totp_code(secret))
    return secret


def next_totp_code(database: Database, email: str) -> str:
    """The code an enrolled account's app would give for its next sign-in (never a replay)."""
    with database.uow() as uow:
        user = uow.session.exec(select(User).where(col(User.email) == email)).one()
        assert user.totp_secret, f"{email} has no two-factor sign-in"
        return totp_code(user.totp_secret, user.totp_last_step)
