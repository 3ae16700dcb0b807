"""First contact with the victim: when and how it was made, the attempts before it, and the
channels it may use.

Never contact a victim on a channel not marked safe: only a channel the referrer marked safe, or
one they left open ("Don't know", not answered) that staff have since confirmed safe, is offered
or accepted. A channel the referrer marked unsafe is never offered here. A failed attempt is
logged, never counted as contact; a first contact recorded by mistake is withdrawn with a reason
(the first-contact deadline comes back), and stays in the log.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from workflow.actors import Actor
from workflow.deadlines.steps import note_activity, refresh_deadline
from workflow.errors import GuardFailed
from workflow.models import ContactKind, ContactLog, Referral, utcnow
from workflow.models.base import persisted_id
from workflow.permissions import CASE_READERS, require_own, require_role
from workflow.policy import CAMBS, Policy
from workflow.record.options import CHANNEL_NAMES
from workflow.referrals.casework import load
from workflow.referrals.states import State
from workflow.store import audit
from workflow.store.db import UnitOfWork

CLOCK_SKEW = timedelta(minutes=5)  # a time typed "now" on a slightly fast clock is not the future


@dataclass(frozen=True)
class Attempt:
    """One try at reaching the victim: when, on which channel, and whether it reached them."""

    at: datetime
    channel: str
    made: bool
    note: str = ""


def contact_log(session: Session, referral_id: int) -> list[ContactLog]:
    """Return the referral's contact log, in the order things happened."""
    query = (
        select(ContactLog)
        .where(col(ContactLog.referral_id) == referral_id)
        .order_by(col(ContactLog.at), col(ContactLog.id))
    )
    return list(session.exec(query))


def _confirmed(log: list[ContactLog]) -> set[str]:
    return {e.channel for e in log if e.kind is ContactKind.CHANNEL_CONFIRMED}


def safe_channels(referral: Referral, log: list[ContactLog]) -> list[str]:
    """Return the channels that may be used: marked safe by the referrer, or confirmed since."""
    stored = referral.safe_contact or {}
    confirmed = _confirmed(log)
    return [c for c in CHANNEL_NAMES if stored.get(c) is True or c in confirmed]


def open_channels(referral: Referral, log: list[ContactLog]) -> list[str]:
    """Return the channels the referrer left open (not answered or "Don't know"), unconfirmed."""
    stored = referral.safe_contact or {}
    confirmed = _confirmed(log)
    return [c for c in CHANNEL_NAMES if stored.get(c) is None and c not in confirmed]


def _may_act(actor: Actor, referral: Referral) -> None:
    require_role(actor, CASE_READERS)
    require_own(actor, referral, "record contact on")


def _check_time(referral: Referral, at: datetime, now: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("a contact time must be timezone-aware")
    if at > now + CLOCK_SKEW:
        raise GuardFailed("The time of contact must not be in the future.")
    if at < referral.received_at:
        raise GuardFailed("The time of contact must be after the referral was received.")


def _guard_attempt(referral: Referral, attempt: Attempt, log: list[ContactLog]) -> None:
    if referral.state is not State.ALLOCATED:
        raise GuardFailed("Contact is recorded once the referral is allocated.")
    if referral.first_contact_at is not None:
        raise GuardFailed("First contact is already recorded.")
    if attempt.channel not in safe_channels(referral, log):
        raise GuardFailed(
            "Choose a channel marked safe. A channel the referrer left open can be used only "
            "once it is confirmed safe; one they marked unsafe, never."
        )


def record_contact_attempt(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    attempt: Attempt,
    policy: Policy = CAMBS,
    now: datetime | None = None,
) -> ContactLog:
    """Log an attempt to reach the victim; one that reached them is the first contact."""
    now = now or utcnow()
    referral = load(uow.session, referral_id, expected_version)
    _may_act(actor, referral)
    _guard_attempt(referral, attempt, contact_log(uow.session, referral_id))
    _check_time(referral, attempt.at, now)
    kind = ContactKind.MADE if attempt.made else ContactKind.FAILED
    entry = _log(uow.session, actor, referral, kind, attempt.at, attempt.channel, attempt.note)
    if attempt.made:
        referral.first_contact_at = attempt.at
    referral.updated_at = now
    # The review clock runs from the last contact; a failed try still counts as work done.
    note_activity(referral, max(attempt.at, referral.last_activity_at or attempt.at), policy)
    what = "first contact made" if attempt.made else "contact attempt failed"
    audit.referral_changed(
        uow.session,
        actor,
        referral.id,
        f"{what}: {CHANNEL_NAMES[attempt.channel]}",
        before={"first_contact_at": None},
        after={"first_contact_at": _iso(referral.first_contact_at), **_json(entry)},
    )
    uow.commit()
    return entry


def withdraw_first_contact(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    reason: str,
    policy: Policy = CAMBS,
) -> ContactLog:
    """Undo a first contact recorded by mistake: it stays in the log, marked withdrawn."""
    if not reason.strip():
        raise GuardFailed("Say why the first contact is withdrawn.")
    referral = load(uow.session, referral_id, expected_version)
    _may_act(actor, referral)
    made = [e for e in contact_log(uow.session, referral_id) if _active(e, ContactKind.MADE)]
    if referral.first_contact_at is None or not made:
        raise GuardFailed("No first contact is recorded.")
    entry, before = made[-1], _iso(referral.first_contact_at)
    now = utcnow()
    entry.withdrawn_at, entry.withdrawn_by = now, actor.label
    entry.withdrawn_reason = reason.strip()[:2000]
    referral.first_contact_at = None
    referral.updated_at = now
    refresh_deadline(referral, policy)  # first contact is due again, from receipt
    audit.referral_changed(
        uow.session,
        actor,
        referral.id,
        f"first contact withdrawn: {entry.withdrawn_reason}",
        before={"first_contact_at": before},
        after={"first_contact_at": None, "withdrawn": persisted_id(entry)},
    )
    uow.commit()
    return entry


def confirm_safe_channel(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    channel: str,
    how: str,
) -> ContactLog:
    """Record that a channel the referrer left open is safe, and how that was found out."""
    if not how.strip():
        raise GuardFailed("Say how you know this channel is safe.")
    referral = load(uow.session, referral_id, expected_version)
    _may_act(actor, referral)
    if channel not in open_channels(referral, contact_log(uow.session, referral_id)):
        raise GuardFailed(
            "Only a channel the referrer left open can be confirmed; one they marked unsafe "
            "stays unsafe until the referrer changes it."
        )
    now = utcnow()
    entry = _log(uow.session, actor, referral, ContactKind.CHANNEL_CONFIRMED, now, channel, how)
    referral.updated_at = now  # a new version: a page offering the old channels is stale
    audit.referral_changed(
        uow.session,
        actor,
        referral.id,
        f"safe channel confirmed: {CHANNEL_NAMES[channel]}",
        before={"safe_channel": {channel: (referral.safe_contact or {}).get(channel)}},
        after={"safe_channel": {channel: True}, **_json(entry)},
    )
    uow.commit()
    return entry


def _active(entry: ContactLog, kind: ContactKind) -> bool:
    return entry.kind is kind and entry.withdrawn_at is None


def _log(
    session: Session,
    actor: Actor,
    referral: Referral,
    kind: ContactKind,
    at: datetime,
    channel: str,
    note: str,
) -> ContactLog:
    entry = ContactLog(
        referral_id=persisted_id(referral),
        kind=kind,
        at=at,
        channel=channel,
        note=note.strip()[:2000],
        actor_id=actor.id,
        actor_label=actor.label,
    )
    session.add(entry)
    return entry


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="minutes") if moment else None


def _json(entry: ContactLog) -> dict[str, object]:
    return {"kind": entry.kind.value, "channel": entry.channel, "at": _iso(entry.at)}


@dataclass
class ContactSummary:
    """What the referral page and the contact pages show about reaching the victim."""

    log: list[ContactLog]
    safe: list[str]  # channels that may be used
    open: list[str]  # channels the referrer left open, not yet confirmed
    first: ContactLog | None  # the first contact in force, if any


def summary(session: Session, referral: Referral) -> ContactSummary:
    """Return the referral's contact log with the channels it may use now."""
    log = contact_log(session, persisted_id(referral))
    made = [e for e in log if _active(e, ContactKind.MADE)]
    return ContactSummary(
        log, safe_channels(referral, log), open_channels(referral, log), made[-1] if made else None
    )
