"""Working-day deadlines: when each open referral's current step is due, and how late it is.

How many working days each step gets is the local policy's (`Policy.deadline_rules`); the
counting itself is workflow/deadlines/working_time.py.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from workflow.deadlines import working_time
from workflow.deadlines.working_time import add_working_days
from workflow.models import Referral, utcnow
from workflow.policy import CAMBS, Policy
from workflow.referrals.states import OPEN_STATES, State

NO_DEADLINE = "none"  # due_kind of an open referral whose step has no deadline in the policy


class DeadlineKind(StrEnum):
    CONSENT_CHECK = "consent_check"
    ALLOCATION = "allocation"
    FIRST_CONTACT = "first_contact"
    REVIEW = "review"


KIND_LABELS = {
    DeadlineKind.CONSENT_CHECK: "consent check",
    DeadlineKind.ALLOCATION: "allocation",
    DeadlineKind.FIRST_CONTACT: "first contact with the victim",
    DeadlineKind.REVIEW: "case review",
}


@dataclass(frozen=True)
class Deadline:
    """The step a referral is waiting for, and when it is due (an aware UTC datetime)."""

    kind: DeadlineKind
    due_at: datetime
    started_at: datetime

    @property
    def label(self) -> str:
        """Return the step's name as staff say it."""
        return KIND_LABELS[self.kind]


def _days_for(kind: DeadlineKind, referral: Referral, policy: Policy) -> int | None:
    high_risk = referral.marac_criteria_met or referral.risk_band == "high"
    for rule in policy.deadline_rules:
        if rule.kind != kind.value:
            continue
        if rule.pathway is not None and rule.pathway != referral.pathway:
            continue
        if rule.high_risk is not None and rule.high_risk != high_risk:
            continue
        return rule.working_days
    return None


def _step(referral: Referral) -> tuple[DeadlineKind, datetime] | None:
    entered = working_time.aware(referral.state_entered_at or referral.received_at)
    if referral.state is State.RECEIVED:
        return DeadlineKind.CONSENT_CHECK, entered
    if referral.state is State.CONSENT_CHECKED:
        return DeadlineKind.ALLOCATION, entered
    if referral.state is State.ALLOCATED and referral.marac_only_reason:
        # "MARAC only": no IDVA to make contact; the meeting's own follow-up chases the case
        # (workflow/meetings/chasing.py).
        return None
    if referral.state is State.ALLOCATED and referral.first_contact_at is None:
        # Local IDVA protocols count first contact from receipt of the referral, not from
        # allocation: the consent check and allocation come out of the same working days.
        return DeadlineKind.FIRST_CONTACT, working_time.aware(referral.received_at)
    if referral.state is State.ALLOCATED:
        activity = referral.last_activity_at or referral.first_contact_at or entered
        return DeadlineKind.REVIEW, working_time.aware(activity)
    return None


def current_deadline(referral: Referral, policy: Policy = CAMBS) -> Deadline | None:
    """Return the deadline of the step an open referral waits for; None when closed or no rule."""
    step = _step(referral)
    if step is None:
        return None
    kind, started = step
    days = _days_for(kind, referral, policy)
    if days is None:
        return None
    return Deadline(kind, add_working_days(started, days, policy), started)


def _columns(referral: Referral, deadline: Deadline | None) -> tuple[datetime | None, str]:
    # "" only when closed: an open referral with no rule for its step says "none", so the
    # reminder job's backfill can tell it from one whose due time was never worked out.
    kind = deadline.kind.value if deadline else NO_DEADLINE
    return deadline.due_at if deadline else None, kind if referral.state in OPEN_STATES else ""


def due_columns(referral: Referral, policy: Policy = CAMBS) -> tuple[datetime | None, str]:
    """Return the (due_at, due_kind) the queue stores for the referral's current step."""
    return _columns(referral, current_deadline(referral, policy))


def refresh_deadline(referral: Referral, policy: Policy = CAMBS) -> Deadline | None:
    """Store the referral's current deadline in `due_at`/`due_kind` for the queue to query."""
    deadline = current_deadline(referral, policy)
    referral.due_at, referral.due_kind = _columns(referral, deadline)
    return deadline


def note_state_entered(referral: Referral, at: datetime | None = None) -> None:
    """Start the clock of a new state and count the change as activity."""
    referral.state_entered_at = at or utcnow()
    referral.last_activity_at = referral.state_entered_at


def note_activity(referral: Referral, at: datetime | None = None, policy: Policy = CAMBS) -> None:
    """Count something done on the referral as activity (restarts the review clock)."""
    referral.last_activity_at = at or utcnow()
    refresh_deadline(referral, policy)


def overdue_by(deadline: Deadline | datetime | None, now: datetime) -> timedelta:
    """Return how long past due the deadline is at `now` (zero when not yet due)."""
    due = deadline.due_at if isinstance(deadline, Deadline) else deadline
    return working_time.overdue_by(due, now)


def describe_overdue(due_at: datetime | None, now: datetime) -> str:
    """Say how overdue a step is in words for pages and mail, e.g. "2 working days"."""
    if due_at is None:
        return ""
    return working_time.how_late(due_at, now) or "not overdue"
