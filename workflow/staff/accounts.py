"""Account lifecycle: disable, enable, unlock, and role changes that need a second person.

A role that reads cases (coordinator, IDVA, manager) is granted only when a second administrator
or manager approves it: an "accounts only" administrator cannot give themselves, or an account
they made, access to every victim's record.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.errors import DomainError
from workflow.models import User, utcnow
from workflow.models.staff import Role
from workflow.permissions import ACCOUNT_APPROVERS, SECOND_APPROVAL
from workflow.staff import sessions, sign_in, sign_in_limits
from workflow.store import audit, outbox
from workflow.store.db import UnitOfWork


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
    sign_in_limits.forget_email(uow.session, user.email)
    audit.record(uow.session, actor, "unlock", "user", user.id)
    uow.commit()
    return user


def request_role(uow: UnitOfWork, actor: Actor, user_id: int, role: Role) -> User:
    """Change an account's role; a case-reading role waits for a second person's approval."""
    user = _account(uow.session, user_id)
    if role == user.role and user.pending_role is None:
        raise DomainError(f"{user.email} is already {role.value}.")
    if role not in SECOND_APPROVAL:
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
    if user.role not in SECOND_APPROVAL:
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
    if approver.role not in ACCOUNT_APPROVERS:
        raise DomainError("Only an administrator or a manager can approve a role.")
    if approver.label == user.pending_role_by or approver.id == user.id:
        raise DomainError("A second person must approve this: you asked for it, or it is yours.")
    return user.pending_role


def waiting(session: Session) -> list[User]:
    """Accounts with a role waiting for approval."""
    query = select(User).where(col(User.pending_role).is_not(None)).order_by(col(User.email))
    return list(session.exec(query))


SETUP_VALID = timedelta(hours=72)
SETUP_KIND = "account_setup"
LINK_INVALID = "This set-up link is not valid or has expired. Ask an administrator for a new one."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_password(uow: UnitOfWork, actor: Actor, user_id: int, base_url: str) -> User:
    """Replace an account's password with a one-time set-up link mailed to the account itself.

    The old password stops working and every session ends at once; the link is valid for 72
    hours and once. Nobody but the mailbox's owner ever sees it, the administrator included.
    """
    user = _account(uow.session, user_id)
    if actor.id is not None and actor.id == user.id:
        raise DomainError("To change your own password, use Change your password.")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    user.password_hash = sign_in.hash_password(secrets.token_urlsafe(32))  # known to nobody
    user.must_change_password = True
    user.locked_until, user.failed_logins = None, 0
    user.setup_token_hash, user.setup_expires_at = _digest(token), now + SETUP_VALID
    sessions.end_all(uow.session, user_id, "password reset")
    outbox.enqueue(
        uow.session,
        kind=SETUP_KIND,
        to=[user.email],
        subject="Set your password for the referral desk",
        body_text=(
            "Your password for the referral desk has been reset.\n\n"
            f"Choose a new one here within 72 hours (the link works once):\n"
            f"{base_url.rstrip('/')}/set-up/{token}\n\n"
            "If you did not expect this, tell your administrator or manager."
        ),
    )
    audit.record(uow.session, actor, "reset_password", "user", user.id, "set-up link mailed")
    uow.commit()
    return user


def account_for_link(session: Session, token: str, now: datetime | None = None) -> User:
    """The account a set-up link is for, while it is still valid."""
    now = now or utcnow()
    user = session.exec(select(User).where(col(User.setup_token_hash) == _digest(token))).first()
    if user is None or user.setup_expires_at is None or not user.active:
        raise DomainError(LINK_INVALID)
    expires = user.setup_expires_at
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    if expires <= now:
        raise DomainError(LINK_INVALID)
    return user


def finish_setup(uow: UnitOfWork, token: str, password: str) -> User:
    """Set the password through a set-up link, which then stops working."""
    user = account_for_link(uow.session, token)
    sign_in.check_password_strength(password, user.email)
    user.password_hash = sign_in.hash_password(password)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    user.setup_token_hash, user.setup_expires_at = None, None
    audit.record(uow.session, Actor.of(user), "change", "user", user.id, "password set by link")
    uow.commit()
    return user
