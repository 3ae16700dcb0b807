"""Server-side staff sessions: one row per sign-in, checked on every request, ended at once.

The cookie carries only a random id; the table keeps its SHA-256, so neither a copied cookie
outlives sign-out (or a disable, or a password change) nor a copied table lets anyone in.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.models import StaffSession, User, utcnow
from workflow.store import audit

# Writing "last seen" on every request would make each page a write; a minute is fine-grained
# enough for the idle limit and for the user's list of sessions.
SEEN_RESOLUTION = timedelta(minutes=1)

SIGNED_OUT = "signed out"
EVERYWHERE = "signed out everywhere"
NEW_PASSWORD = "new password"  # noqa: S105  (a reason, not a password)
DISABLED = "account disabled"
IDLE = "idle"
TOO_LONG = "too long"


@dataclass(frozen=True)
class Limits:
    """How long a session may idle, and may last in any case."""

    idle: timedelta
    absolute: timedelta


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user_id: int, browser: str, now: datetime | None = None) -> str:
    """Open a session for a user who has just signed in; return the id for the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        user_id=user_id,
        token_hash=_digest(token),
        browser=_short_browser(browser),
        started_at=now,
        seen_at=now,
    )
    session.add(row)
    return token


def _short_browser(user_agent: str) -> str:
    """Name the browser and system roughly, enough for someone to recognise their own device."""
    agent = user_agent or ""
    browser = next((b for b in ("Edg", "Firefox", "Chrome", "Safari") if b in agent), "Browser")
    system = next(
        (s for s in ("Windows", "Android", "iPhone", "iPad", "Mac OS", "Linux") if s in agent), ""
    )
    label = {"Edg": "Edge"}.get(browser, browser)
    return f"{label} on {system}" if system else label


def current(
    session: Session, user_id: int, token: str | None, limits: Limits, now: datetime | None = None
) -> StaffSession | None:
    """Return the live session `token` names for `user_id`, ending it if it has run out.

    None means the request is not signed in, whatever its cookie says.
    """
    if not token:
        return None
    now = now or utcnow()
    row = session.exec(
        select(StaffSession).where(col(StaffSession.token_hash) == _digest(token))
    ).first()
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    why = _run_out(row, limits, now)
    if why:
        _end(row, why, now)
        return None
    if now - _aware(row.seen_at) >= SEEN_RESOLUTION:
        row.seen_at = now
    return row


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for what was stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _run_out(row: StaffSession, limits: Limits, now: datetime) -> str:
    if now - _aware(row.seen_at) > limits.idle + SEEN_RESOLUTION:
        return IDLE
    if now - _aware(row.started_at) > limits.absolute:
        return TOO_LONG
    return ""


def _end(row: StaffSession, why: str, now: datetime) -> None:
    row.ended_at, row.ended_why = now, why


def end(session: Session, token: str | None, why: str = SIGNED_OUT) -> None:
    """End the session `token` names (signing out); an unknown or ended one is left alone."""
    if not token:
        return
    row = session.exec(
        select(StaffSession).where(col(StaffSession.token_hash) == _digest(token))
    ).first()
    if row is not None and row.ended_at is None:
        _end(row, why, utcnow())


def end_all(session: Session, user_id: int, why: str, keep_token: str | None = None) -> int:
    """End every live session of a user, except the one `keep_token` names; return how many."""
    statement = (
        update(StaffSession)
        .where(col(StaffSession.user_id) == user_id, col(StaffSession.ended_at).is_(None))
        .values(ended_at=utcnow(), ended_why=why)
    )
    if keep_token:
        statement = statement.where(col(StaffSession.token_hash) != _digest(keep_token))
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def sign_out_everywhere(session: Session, user: User) -> int:
    """End all of a user's sessions, this one too, and audit it."""
    ended = end_all(session, user.id or 0, EVERYWHERE)
    audit.record(
        session, Actor.of(user), "sign_out_everywhere", "user", user.id, f"{ended} sessions ended"
    )
    return ended


def live(
    session: Session, user_id: int, limits: Limits, now: datetime | None = None
) -> list[StaffSession]:
    """A user's sessions that are still open, newest first."""
    now = now or utcnow()
    rows = session.exec(
        select(StaffSession)
        .where(col(StaffSession.user_id) == user_id, col(StaffSession.ended_at).is_(None))
        .order_by(col(StaffSession.started_at).desc())
    )
    return [r for r in rows if not _run_out(r, limits, now)]


def is_token(row: StaffSession, token: str | None) -> bool:
    """Say whether `row` is the session this cookie's id names."""
    return bool(token) and row.token_hash == _digest(token or "")
