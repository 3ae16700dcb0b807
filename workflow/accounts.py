"""Account lifecycle: disable, enable, unlock, and role changes that need a second person.

A role that reads cases (coordinator, IDVA, manager) is granted only when a second administrator
or manager approves it: an "accounts only" administrator cannot give themselves, or an account
they made, access to every victim's record.
"""

from sqlmodel import Session, col, select

from workflow import audit, sessions
from workflow.actors import Actor
from workflow.db import UnitOfWork
from workflow.errors import DomainError
from workflow.models import User
from workflow.models.staff import Role

CASE_READING = frozenset({Role.COORDINATOR, Role.IDVA, Role.MANAGER})
APPROVERS = frozenset({Role.ADMIN, Role.MANAGER})


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise DomainError("There is no such account.")
    return user


def find(session: Session, email: str) -> User:
    """The account for an email address, for the command line."""
    user = session.exec(select(User).where(col(User.email) == email.strip().lower())).first()
    if user is None:
        raise DomainError(f"There is no account for {email}.")
    return user


def disable(uow: UnitOfWork, actor: Actor, user_id: int) -> User:
    """Stop an account signing in, and end every session it has at once."""
    user = _account(uow.session, user_id)
    if actor.id is not None and actor.id == user.id:
        raise DomainError("You cannot disable your own account.")
    user.active = False
    ended = sessions.end_all(uow.session, user_id, sessions.DISABLED)
    audit.record(uow.session, actor, "disable", "user", user.id, f"{ended} sessions ended")
    uow.commit()
    return user


def enable(uow: UnitOfWork, actor: Actor, user_id: int) -> User:
    """Let a disabled account sign in again (an account awaiting approval stays waiting)."""
    user = _account(uow.session, user_id)
    if user.pending_role is not None and user.pending_role_new_account:
        raise DomainError("This account is waiting for its role to be approved.")
    user.active = True
    audit.record(uow.session, actor, "enable", "user", user.id)
    uow.commit()
    return user


def unlock(uow: UnitOfWork, actor: Actor, user_id: int) -> User:
    """Clear a lockout after failed sign-ins."""
    user = _account(uow.session, user_id)
    user.locked_until, user.failed_logins = None, 0
    audit.record(uow.session, actor, "unlock", "user", user.id)
    uow.commit()
    return user


def request_role(uow: UnitOfWork, actor: Actor, user_id: int, role: Role) -> User:
    """Change an account's role; a case-reading role waits for a second person's approval."""
    user = _account(uow.session, user_id)
    if role == user.role and user.pending_role is None:
        raise DomainError(f"{user.email} is already {role.value}.")
    if role not in CASE_READING:
        before = user.role
        user.role, user.pending_role, user.pending_role_by = role, None, None
        audit.record(
            uow.session, actor, "change_role", "user", user.id, f"{before.value} to {role.value}"
        )
    else:
        user.pending_role, user.pending_role_by = role, actor.label
        audit.record(
            uow.session, actor, "request_role", "user", user.id, f"{role.value}, to be approved"
        )
    uow.commit()
    return user


def hold_new_account(uow: UnitOfWork, actor: Actor, user: User) -> None:
    """A new account with a case-reading role stays off until a second person approves it."""
    if user.role not in CASE_READING:
        return
    user.active = False
    user.pending_role, user.pending_role_by = user.role, actor.label
    user.pending_role_new_account = True
    audit.record(
        uow.session, actor, "request_role", "user", user.id, f"{user.role.value}, to be approved"
    )
    uow.commit()


def approve_role(uow: UnitOfWork, approver: Actor, user_id: int) -> User:
    """Grant the waiting role; the approver must be another administrator or manager."""
    user = _account(uow.session, user_id)
    role = _waiting(user, approver)
    before = user.role
    user.role, user.pending_role, user.pending_role_by = role, None, None
    if user.pending_role_new_account:
        user.active, user.pending_role_new_account = True, False
    sessions.end_all(uow.session, user_id, "role changed")  # the next sign-in carries the new role
    audit.record(
        uow.session, approver, "approve_role", "user", user.id, f"{before.value} to {role.value}"
    )
    uow.commit()
    return user


def reject_role(uow: UnitOfWork, approver: Actor, user_id: int) -> User:
    """Refuse the waiting role; an account made for it stays off."""
    user = _account(uow.session, user_id)
    role = _waiting(user, approver)
    user.pending_role, user.pending_role_by = None, None
    audit.record(uow.session, approver, "reject_role", "user", user.id, role.value)
    uow.commit()
    return user


def _waiting(user: User, approver: Actor) -> Role:
    if user.pending_role is None:
        raise DomainError(f"{user.email} has no role change waiting.")
    if approver.role not in APPROVERS:
        raise DomainError("Only an administrator or a manager can approve a role.")
    if approver.label == user.pending_role_by or approver.id == user.id:
        raise DomainError("A second person must approve this: you asked for it, or it is yours.")
    return user.pending_role


def waiting(session: Session) -> list[User]:
    """Accounts with a role waiting for approval."""
    query = select(User).where(col(User.pending_role).is_not(None)).order_by(col(User.email))
    return list(session.exec(query))
