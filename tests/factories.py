"""Plain factory functions for tests: make_referral(**overrides), make_user(...)."""

from datetime import date
from typing import Any

from workflow.actors import Actor
from workflow.contact import Attempt, record_contact_attempt
from workflow.db import Database, UnitOfWork
from workflow.intake import NewAssessment, NewReferral, receive_referral
from workflow.models import ContactLog, Referral, User, utcnow
from workflow.models.referral import Instrument, Pathway, Source
from workflow.models.staff import Role
from workflow.policy import CAMBS, Policy
from workflow.staff import create_user

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
