"""Staff accounts: creation, sign-in with lockout, and password changes. Hashes are argon2id."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, select

from workflow import audit, sessions, throttle
from workflow.actors import Actor
from workflow.db import UnitOfWork
from workflow.errors import DomainError
from workflow.models import User, utcnow
from workflow.models.staff import Role

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Spent on unknown emails too, so response time does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12


class SignInRefused(DomainError):
    """Sign-in failed; the message never says whether the account exists."""


WRONG_CREDENTIALS = "Enter a correct email address and password."
LOCKED = (
    "This account is locked after too many failed attempts. "
    "Try again in 15 minutes or ask an administrator."
)


def check_password_strength(password: str, email: str) -> None:
    """Refuse passwords that are short or contain the account's own email name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more.")
    if email.split("@")[0].lower() in password.lower():
        raise DomainError("Password must not contain your email name.")


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


def _locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def authenticate(
    uow: UnitOfWork,
    email: str,
    password: str,
    now: datetime | None = None,
    identifier_key: str = "",
) -> User:
    """Return the user for correct credentials; count failures and lock after too many.

    Every failure is audited with the typed email's keyed digest (`identifier_key`, the app's
    secret), never the email itself, whether or not an account has it.
    """
    now = now or utcnow()
    email = email.strip().lower()
    identifier = sign_in_identifier(email, identifier_key)
    user = uow.session.exec(select(User).where(col(User.email) == email)).first()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        _refuse_unknown(uow, identifier, now)
    if _locked(user, now):
        _verify(_DUMMY_HASH, password)  # as slow as a wrong password, so timing tells nothing
        _audit_failure(uow, user.id, f"account locked; identifier {identifier}")
        uow.commit()
        raise SignInRefused(LOCKED)
    if not _verify(user.password_hash, password):
        _record_failure(uow, user, now, identifier)
        raise SignInRefused(WRONG_CREDENTIALS)
    user.failed_logins = 0
    user.last_login_at = now
    audit.record(uow.session, Actor.of(user), "login", "user", user.id)
    uow.commit()
    return user


def _audit_failure(uow: UnitOfWork, user_id: int | None, summary: str) -> None:
    object_type = "user" if user_id is not None else "sign_in"
    audit.record(uow.session, SIGN_IN, "login_failed", object_type, user_id, summary)


def _refuse_unknown(uow: UnitOfWork, identifier: str, now: datetime) -> NoReturn:
    """Refuse an email with no active account exactly as a real one would be refused.

    Failures are counted per email as for an account, so the sixth in a row says "locked" for an
    unknown address too: the lockout message must not tell an attacker which accounts exist.
    """
    within = throttle.allow(
        uow.session, f"login-email:{identifier}", MAX_FAILED_LOGINS, LOCKOUT, now
    )
    _audit_failure(uow, None, f"no active account; identifier {identifier}")
    uow.commit()
    raise SignInRefused(WRONG_CREDENTIALS if within else LOCKED)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _record_failure(uow: UnitOfWork, user: User, now: datetime, identifier: str) -> None:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
    _audit_failure(uow, user.id, f"wrong password; identifier {identifier}")
    uow.commit()


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
