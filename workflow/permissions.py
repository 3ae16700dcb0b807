"""Who may do what: the role groups every use case and every blueprint checks, written once.

Coordinators and managers work every referral; an IDVA reads and acts only on the referrals
allocated to them; an administrator keeps accounts and never sees case content (docs/domain.md).
Views guard their routes with these groups (views/security.py `role_required`), and the use cases
check them again, so a route that forgot its guard still refuses.
"""

from workflow.actors import Actor
from workflow.errors import PermissionDenied
from workflow.models.referral import Referral
from workflow.models.staff import Role

CASEWORKERS = frozenset({Role.COORDINATOR, Role.MANAGER})  # every referral, every action
CASE_READERS = CASEWORKERS | {Role.IDVA}  # referrals' content: an IDVA their own only
IDVAS = frozenset({Role.IDVA})
ACCOUNT_APPROVERS = frozenset({Role.ADMIN, Role.MANAGER})  # the second person on a role change
ADMINS = frozenset({Role.ADMIN})
# MARAC (issue 18): the coordinator runs the meetings; an agency representative sees only the
# sittings they are invited to (workflow/meetings/access.py).
MEETING_STAFF = CASEWORKERS
AGENCY_REPRESENTATIVES = frozenset({Role.AGENCY})
# Roles that show victims' details: granting one waits for a second person's approval.
SECOND_APPROVAL = CASE_READERS | AGENCY_REPRESENTATIVES


def require_role(actor: Actor, allowed: frozenset[Role]) -> None:
    """Refuse an actor whose role may not do this."""
    if actor.role not in allowed:
        raise PermissionDenied("Your role does not allow this action.")


def may_read(actor: Actor, referral: Referral) -> bool:
    """Say whether the actor may see this referral's content (an IDVA: their own only)."""
    if actor.role in CASEWORKERS:
        return True
    return actor.role is Role.IDVA and referral.allocated_idva_id == actor.id


def require_own(actor: Actor, referral: Referral, doing: str) -> None:
    """Refuse an IDVA acting on a referral not allocated to them (`doing`: "close", ...).

    The role itself is checked first (`require_role(actor, CASE_READERS)`)."""
    if actor.role is Role.IDVA and referral.allocated_idva_id != actor.id:
        raise PermissionDenied(f"You can only {doing} referrals allocated to you.")
