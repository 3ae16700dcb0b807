"""Staff accounts: creation, sign-in with lockout, and password changes. Hashes are argon2id."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, select

from workflow.actors import Actor
from workflow.errors import DomainError
from workflow.models import User, utcnow
from workflow.models.staff import Role
from workflow.staff import passwords, sessions, sign_in_limits
from workflow.store import audit
from workflow.store.db import UnitOfWork

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Spent on unknown emails too, so response time does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MAX_FAILED_LOGINS = sign_in_limits.FREE_FAILURES
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


class SignInRefused(DomainError):
    """Sign-in failed; the message never says whether the account exists."""


WRONG_CREDENTIALS = "Enter a correct email address and password."


def check_password_strength(password: str, email: str) -> None:
    """Refuse a password that breaks a rule (workflow/staff/passwords.py), saying which one."""
    passwords.check(password, email)


def create_user(
    uow: UnitOfWork, actor: Actor, email: str, role: Role, password: str, name: str = ""
) -> User:
    """Create a staff account that must change its password at first sign-in."""
    email = email.strip().lower()
    check_password_strength(password, email)
    if uow.session.exec(select(User).where(col(User.email) == email)).first():
        raise DomainError(f"An account for {email} already exists.")
    user = User(email=email, role=role, name=name, password_hash=_hasher.hash(password))
    uow.session.add(user)
    uow.session.flush()
    audit.record(uow.session, actor, "create", "user", user.id, f"{email} as {role.value}")
    uow.commit()
    return user


def hash_password(password: str) -> str:
    """Hash a password for storing (argon2id)."""
    return _hasher.hash(password)


def generate_password() -> str:
    """Return a random first password, shown once and changed at first sign-in."""
    return secrets.token_urlsafe(15)


SIGN_IN = Actor.system("sign-in")  # failed attempts: whoever typed them, not the account's owner


def sign_in_identifier(email: str, key: str = "") -> str:
    """A keyed digest of a typed email: ties failed attempts together in the audit and the
    limits without keeping what was typed (often a mistyped address, sometimes a password)."""
    typed = email.strip().lower().encode()
    return hmac.new(key.encode(), typed, hashlib.sha256).hexdigest()[:32]


def locked_message(wait: timedelta) -> str:
    """The refusal while tries must wait: the same words for every typed email."""
    n = sign_in_limits.minutes(wait)
    return (
        "This account is locked after too many failed attempts. "
        f"Try again in {n} minute{'s' if n != 1 else ''}, or ask an administrator to unlock it."
    )


def authenticate(
    uow: UnitOfWork,
    email: str,
    password: str,
    now: datetime | None = None,
    identifier_key: str = "",
    known_browser: str | None = None,
) -> User:
    """Return the user for correct credentials, within the limits of sign_in_limits.

    `known_browser` is the id from a cookie this browser got by signing in to this very account
    (the view checks its signature and email). The limits and the refusals are the same whether or
    not an account has the email, and every failure is audited with the typed email's keyed digest
    (`identifier_key`, the app's secret), never the email itself.
    """
    now = now or utcnow()
    email = email.strip().lower()
    identifier = sign_in_identifier(email, identifier_key)
    bucket = (
        sign_in_limits.browser_bucket(known_browser)
        if known_browser
        else sign_in_limits.email_bucket(email)
    )
    wait = sign_in_limits.begin_attempt(uow.session, bucket, now)
    uow.commit()  # counted before the slow check, so simultaneous tries cannot all slip in
    user = uow.session.exec(select(User).where(col(User.email) == email)).first()
    known = user is not None and user.active
    if wait:
        _verify(_DUMMY_HASH, password)  # as slow as a wrong password, so timing tells nothing
        _refuse(
            uow, user if known else None, f"waiting; identifier {identifier}", locked_message(wait)
        )
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        _refuse(uow, None, f"no active account; identifier {identifier}", WRONG_CREDENTIALS)
    if not _verify(user.password_hash, password):
        user.locked_until = sign_in_limits.held_until(uow.session, bucket)  # for the accounts page
        _refuse(uow, user, f"wrong password; identifier {identifier}", WRONG_CREDENTIALS)
    sign_in_limits.succeeded(uow.session, bucket)
    user.failed_logins = 0
    user.locked_until = None
    # Not yet signed in: a second factor may follow (see signed_in).
    audit.record(uow.session, Actor.of(user), "password_accepted", "user", user.id)
    uow.commit()
    return user


def signed_in(uow: UnitOfWork, user: User, now: datetime | None = None) -> None:
    """Record a completed sign-in (password and, when enrolled, the second factor): the
    accounts page's "last sign-in" and unused accounts count only these (caller commits)."""
    stored = uow.session.get(User, user.id)
    if stored is None:
        return
    stored.last_login_at = now or utcnow()
    audit.record(uow.session, Actor.of(stored), "login", "user", stored.id)


def record_busy_client(uow: UnitOfWork, email: str, identifier_key: str = "") -> None:
    """Audit a sign-in refused because its client address made too many tries (caller commits)."""
    identifier = sign_in_identifier(email, identifier_key)
    summary = f"too many tries from this client; identifier {identifier}"
    audit.record(uow.session, SIGN_IN, "login_failed", "sign_in", None, summary)


def _refuse(uow: UnitOfWork, user: User | None, summary: str, message: str) -> NoReturn:
    """Audit a failed sign-in (against the account, when there is one) and refuse it."""
    if user is not None:
        audit.record(uow.session, SIGN_IN, "login_failed", "user", user.id, summary)
    else:
        audit.record(uow.session, SIGN_IN, "login_failed", "sign_in", None, summary)
    uow.commit()
    raise SignInRefused(message)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def change_password(
    uow: UnitOfWork, user_id: int, current: str, new: str, keep_session: str | None = None
) -> User:
    """Change a user's password after checking the current one; end their other sessions."""
    user = uow.session.get(User, user_id)
    if user is None or not _verify(user.password_hash, current):
        raise DomainError("Your current password is not correct.")
    check_password_strength(new, user.email)
    if new == current:
        raise DomainError("Choose a new password that is different from the current one.")
    user.password_hash = _hasher.hash(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    sessions.end_all(uow.session, user_id, sessions.NEW_PASSWORD, keep_token=keep_session)
    audit.record(uow.session, Actor.of(user), "change", "user", user.id, "password changed")
    uow.commit()
    return user


def has_admin(uow: UnitOfWork) -> bool:
    """Say whether any active administrator account exists."""
    query = select(User).where(col(User.role) == Role.ADMIN, col(User.active).is_(True))
    return uow.session.exec(query).first() is not None
