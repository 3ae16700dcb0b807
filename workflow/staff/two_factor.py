"""Two-factor sign-in: a TOTP authenticator app, enrolled at first sign-in, and recovery codes.

After the password, sign-in asks for a code: six digits from the app (RFC 6238, 30-second steps,
one step of clock drift either way) or one of ten one-time recovery codes shown once at
enrolment and kept only as argon2 hashes, like passwords. The last time-step accepted is kept,
so a code seen over someone's shoulder cannot be used again. Every event is audited.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.errors import DomainError
from workflow.models import RecoveryCode, User, utcnow
from workflow.staff import sessions
from workflow.store import audit, throttle
from workflow.store.db import UnitOfWork

ISSUER = "Referral desk"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a phone's clock a little fast or slow still works
RECOVERY_CODE_COUNT = 10
# Codes per account in a window: with three steps accepted, 5 guesses in 15 minutes give an
# attacker who has the password about one chance in 700 a day.
CODE_ATTEMPTS = 5
CODE_WINDOW = timedelta(minutes=15)
# Lower-case letters and digits without look-alikes (no 0/o, 1/l/i): read off paper and typed.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # about 50 bits each
# argon2id like passwords, at OWASP's minimum cost (19 MiB, 2 passes): a random 50-bit code needs
# no more, and ten are made at enrolment and up to ten checked per recovery sign-in.
_recovery_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

WRONG_CODE = "Enter the code your authenticator app shows now, or one of your recovery codes."
WRONG_ENROLMENT_CODE = "Enter the 6-digit code your authenticator app shows now."
TOO_MANY = "Too many codes tried. Wait 15 minutes and try again."
SESSIONS_ENDED_WHY = "two-factor reset"


class CodeRefused(DomainError):
    """A sign-in or enrolment code was wrong, already used, or tried too often."""


@dataclass(frozen=True)
class Enrolment:
    """What a person needs to add the account to their authenticator app."""

    secret: str
    uri: str

    @property
    def grouped_secret(self) -> str:
        """The secret in groups of four, easier to type by hand."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    def qr_data_uri(self) -> str:
        """The otpauth URI as a QR code, an SVG data URI made here (nothing fetched)."""
        qr = segno.make(self.uri, error="m")
        return str(qr.svg_data_uri(scale=5, border=4, dark="#0b0c0c", light="#ffffff"))


def enrolled(user: User) -> bool:
    """Say whether the account signs in with a second factor."""
    return user.totp_enrolled_at is not None and user.totp_secret is not None


def must_enrol(user: User, required: bool) -> bool:
    """Say whether the account must set up two-factor sign-in before reaching any staff page."""
    return required and not enrolled(user)


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise DomainError("There is no such account.")
    return user


def begin(uow: UnitOfWork, user_id: int) -> Enrolment:
    """Start (or show again) enrolment: a secret kept unconfirmed until a code proves it."""
    user = _account(uow.session, user_id)
    if enrolled(user):
        raise DomainError("Two-factor sign-in is already set up for this account.")
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        uow.commit()
    assert user.totp_secret is not None
    return _enrolment(user.email, user.totp_secret)


def _enrolment(email: str, secret: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    return Enrolment(secret, uri)


def confirm(
    uow: UnitOfWork,
    user_id: int,
    code: str,
    keep_session: str | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Finish enrolment with a code from the app; return the recovery codes to show once.

    Every other session of the account ends: it was signed in with the password alone.
    """
    now = now or utcnow()
    user = _account(uow.session, user_id)
    if enrolled(user) or user.totp_secret is None:
        raise DomainError("Start setting up two-factor sign-in again.")
    _count_attempt(uow, user, now)
    step = _matching_step(user.totp_secret, _digits(code), None, now)
    if step is None:
        _refuse(uow, user, "enrolment code wrong", WRONG_ENROLMENT_CODE)
    user.totp_enrolled_at, user.totp_last_step = now, step
    codes = _replace_recovery_codes(uow.session, user, now)
    ended = sessions.end_all(uow.session, user_id, "two-factor set up", keep_token=keep_session)
    audit.record(
        uow.session,
        Actor.of(user),
        "two_factor_enrolled",
        "user",
        user.id,
        f"authenticator app; {len(codes)} recovery codes; {ended} other sessions ended",
    )
    uow.commit()
    return codes


def check_code(uow: UnitOfWork, user_id: int, code: str, now: datetime | None = None) -> User:
    """Accept the second step of sign-in: a fresh TOTP code, or an unused recovery code."""
    now = now or utcnow()
    user = _account(uow.session, user_id)
    if not enrolled(user):
        raise DomainError("Two-factor sign-in is not set up for this account.")
    _count_attempt(uow, user, now)
    assert user.totp_secret is not None
    step = _matching_step(user.totp_secret, _digits(code), user.totp_last_step, now)
    if step is not None:
        user.totp_last_step = step
        audit.record(uow.session, Actor.of(user), "two_factor_accepted", "user", user.id)
        uow.commit()
        return user
    unused = _unused(uow.session, user)
    recovery = _matching_recovery_code(unused, code)
    if recovery is None:
        _refuse(uow, user, "code wrong or already used", WRONG_CODE)
    recovery.used_at = now
    left = len(unused) - 1
    audit.record(uow.session, Actor.of(user), "recovery_code_used", "user", user.id, f"{left} left")
    uow.commit()
    return user


def _count_attempt(uow: UnitOfWork, user: User, now: datetime) -> None:
    within = throttle.allow(uow.session, f"two-factor:{user.id}", CODE_ATTEMPTS, CODE_WINDOW, now)
    uow.commit()
    if not within:
        _refuse(uow, user, "too many codes", TOO_MANY)


def _refuse(uow: UnitOfWork, user: User, why: str, message: str) -> NoReturn:
    audit.record(uow.session, Actor.of(user), "two_factor_failed", "user", user.id, why)
    uow.commit()
    raise CodeRefused(message)


def _digits(code: str) -> str:
    return "".join(code.split())  # apps show "123 456"


def _matching_step(secret: str, code: str, last_step: int | None, now: datetime) -> int | None:
    """The time-step whose code this is, if it is within the drift and newer than the last used."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        fresh = last_step is None or step > last_step
        if fresh and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _normal_recovery(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _replace_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        hashed = _recovery_hasher.hash(_normal_recovery(code))
        session.add(RecoveryCode(user_id=user.id or 0, code_hash=hashed, created_at=now))
    return codes


def _unused(session: Session, user: User) -> list[RecoveryCode]:
    query = select(RecoveryCode).where(
        col(RecoveryCode.user_id) == user.id, col(RecoveryCode.used_at).is_(None)
    )
    return list(session.exec(query))


def _matching_recovery_code(unused: list[RecoveryCode], code: str) -> RecoveryCode | None:
    typed = _normal_recovery(code)
    if len(typed) != _RECOVERY_LENGTH:
        return None  # not a recovery code's shape: spare the argon2 checks
    return next((r for r in unused if _matches(r.code_hash, typed)), None)


def _matches(code_hash: str, typed: str) -> bool:
    try:
        return bool(_recovery_hasher.verify(code_hash, typed))
    except (VerificationError, InvalidHashError):
        return False


def recovery_codes_left(session: Session, user_id: int) -> int:
    """How many recovery codes an account has not used yet."""
    user = session.get(User, user_id)
    return len(_unused(session, user)) if user is not None else 0


def new_recovery_codes(uow: UnitOfWork, user_id: int) -> list[str]:
    """Replace an enrolled account's recovery codes (the old ones stop working); show once."""
    user = _account(uow.session, user_id)
    if not enrolled(user):
        raise DomainError("Set up two-factor sign-in first.")
    codes = _replace_recovery_codes(uow.session, user, utcnow())
    audit.record(
        uow.session, Actor.of(user), "recovery_codes_replaced", "user", user.id, f"{len(codes)}"
    )
    uow.commit()
    return codes


def reset(uow: UnitOfWork, actor: Actor, user_id: int) -> User:
    """Take away an account's second factor (a lost phone): it enrols again at next sign-in.

    Every session of the account ends at once, and its recovery codes are deleted.
    """
    user = uow.session.get(User, user_id)
    if user is None:
        raise DomainError("There is no such account.")
    if actor.id is not None and actor.id == user.id:
        raise DomainError(
            "You cannot reset your own two-factor sign-in; ask another administrator."
        )
    was = "was set up" if enrolled(user) else "was not set up"
    user.totp_secret, user.totp_enrolled_at, user.totp_last_step = None, None, None
    uow.session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    ended = sessions.end_all(uow.session, user_id, SESSIONS_ENDED_WHY)
    audit.record(
        uow.session, actor, "two_factor_reset", "user", user.id, f"{was}; {ended} sessions ended"
    )
    uow.commit()
    return user
