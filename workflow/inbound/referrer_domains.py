"""Which email domains belong to agencies that refer professionally, kept by an administrator.

A referral from a domain on the list is acknowledged and its referrer counts as verified; any other
sender is still accepted but flagged for the coordinator to verify, never refused. The list started
as the statutory agencies plus schools, colleges and local charities and housing providers; it is
a table so the service can keep it without a release.
"""

import re
from dataclasses import replace

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.errors import DomainError
from workflow.inbound.personal_mail import is_personal_mail
from workflow.models import ProfessionalDomain
from workflow.models.staff import Role
from workflow.policy import Policy
from workflow.rules.eligibility import referrer_rule
from workflow.rules.outcome import Result
from workflow.store import audit
from workflow.store.db import UnitOfWork

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise(text: str) -> str:
    """Return a domain as stored: lower case, without a leading "@", "*." or dot."""
    domain = text.strip().lower()
    for prefix in ("@", "*.", "."):
        domain = domain.removeprefix(prefix)
    return domain


def check(domain: str) -> None:
    """Refuse what is not a domain, a bare top-level domain, or a personal mail provider."""
    labels = domain.split(".")
    if len(domain) > 253 or not all(_LABEL.match(label) for label in labels):
        raise DomainError("Enter a domain like agency.org.uk, without a name or spaces.")
    if len(labels) < 2 or domain in {"co.uk", "org.uk", "org", "com", "uk", "net"}:
        raise DomainError(f"{domain} is too wide: enter the agency's own domain.")
    if is_personal_mail(domain):
        raise DomainError(
            f"{domain} is a personal mail provider: anyone, victims included, can write from it."
        )


# Where in_force keeps the list it read, with the transaction it was read in.
_KEPT = "professional_domains"


def listed(session: Session) -> list[ProfessionalDomain]:
    """Return the list, alphabetical by domain."""
    return list(session.exec(select(ProfessionalDomain).order_by(col(ProfessionalDomain.domain))))


def in_force(session: Session, policy: Policy) -> Policy:
    """Return the policy with the administrator's list added to any domains it sets itself.

    The list is read once per transaction: sending one referral asks it three times (the rules,
    the confirmation link and the acknowledgement), and add and remove forget the copy.
    """
    transaction = session.get_transaction()
    kept = session.info.get(_KEPT)
    if kept is not None and kept[0] is transaction and transaction is not None:
        stored = kept[1]
    else:
        stored = tuple(session.exec(select(ProfessionalDomain.domain)).all())
        session.info[_KEPT] = (transaction, stored)
    return replace(
        policy, professional_domains=tuple(sorted({*policy.professional_domains, *stored}))
    )


def is_professional(session: Session, email: str | None, policy: Policy) -> bool:
    """Tell whether an address belongs to an agency on the list (or a sub-domain of one)."""
    return referrer_rule(email, in_force(session, policy)).result is Result.MET


def _require_admin(actor: Actor) -> None:
    if actor.role is not Role.ADMIN:
        raise DomainError("Only an administrator can change the referrer domains.")


def add(uow: UnitOfWork, actor: Actor, text: str, agency: str) -> ProfessionalDomain:
    """Add a domain to the list (audited)."""
    _require_admin(actor)
    domain = normalise(text)
    check(domain)
    session = uow.session
    if session.exec(
        select(ProfessionalDomain).where(col(ProfessionalDomain.domain) == domain)
    ).first():
        raise DomainError(f"{domain} is already on the list.")
    row = ProfessionalDomain(domain=domain, agency=agency.strip(), added_by=actor.label)
    session.info.pop(_KEPT, None)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "add",
        "professional_domain",
        row.id,
        domain,
        after={"domain": domain, "agency": row.agency},
    )
    uow.commit()
    return row


def remove(uow: UnitOfWork, actor: Actor, domain_id: int) -> str:
    """Take a domain off the list (audited) and return it; referrals already in keep their flags."""
    _require_admin(actor)
    row = uow.session.get(ProfessionalDomain, domain_id)
    if row is None:
        raise DomainError("That domain is no longer on the list.")
    audit.record(
        uow.session,
        actor,
        "remove",
        "professional_domain",
        row.id,
        row.domain,
        before={"domain": row.domain, "agency": row.agency, "added_by": row.added_by},
    )
    uow.session.info.pop(_KEPT, None)
    uow.session.delete(row)
    uow.commit()
    return row.domain
