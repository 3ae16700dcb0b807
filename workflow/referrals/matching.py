"""Find the same victim in earlier referrals: for repeat MARAC and possible duplicates."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workflow.deadlines.working_time import london_date
from workflow.models import Referral
from workflow.models.referral import Outcome, Pathway

# Close enough to be the same name typed twice (Jayde/Jade, Alen/Allen), not close enough to merge
# different people with a shared surname; a person always decides on anything this flags.
SIMILAR_NAME = 0.85
# An earlier referral closed with one of these was never a MARAC referral of this victim in its
# own right (docs/domain.md): it does not open a repeat window.
NOT_A_MARAC_REFERRAL = frozenset(
    {Outcome.DUPLICATE, Outcome.NOT_ELIGIBLE, Outcome.REFERRED_ELSEWHERE}
)


class Victim(Protocol):
    """What matching reads of a referral: a whole Referral, or a narrow row of those columns."""

    @property
    def victim_name(self) -> str: ...
    @property
    def victim_aliases(self) -> list[str]: ...
    @property
    def victim_date_of_birth(self) -> date | None: ...
    @property
    def victim_postcode(self) -> str: ...


class Received(Protocol):
    """Anything with the UTC time a referral was received."""

    @property
    def received_at(self) -> datetime: ...


@dataclass(frozen=True)
class EarlierMarac:
    """The little of an earlier MARAC referral the repeat rule needs: its reference and when."""

    reference: str
    received_at: datetime


def normalise_name(name: str) -> str:
    """Return a name folded for comparison: no accents, punctuation, case or word order."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]+", folded)
    return " ".join(sorted(words))


def names_match(a: str, b: str) -> bool:
    """Say whether two names are probably the same person's, tolerating small misspellings."""
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return False
    return left == right or SequenceMatcher(None, left, right).ratio() >= SIMILAR_NAME


def same_victim(earlier: Victim, referral: Victim) -> bool:
    """Say whether two referrals are probably about the same victim."""
    names = [referral.victim_name, *referral.victim_aliases]
    earlier_names = [earlier.victim_name, *earlier.victim_aliases]
    name_match = any(names_match(a, b) for a in names for b in earlier_names)
    same_dob = (
        referral.victim_date_of_birth is not None
        and earlier.victim_date_of_birth == referral.victim_date_of_birth
    )
    same_postcode = bool(referral.victim_postcode) and _postcode(earlier) == _postcode(referral)
    if same_dob:
        return name_match or same_postcode
    return name_match and same_postcode


def _postcode(referral: Victim) -> str:
    return referral.victim_postcode.replace(" ", "").upper()


def _same_victim_clauses(referral: Referral) -> list[sa.ColumnElement[bool]]:
    """The indexed columns a same-victim candidate must share (date of birth or postcode)."""
    clauses: list[sa.ColumnElement[bool]] = []
    if referral.victim_date_of_birth is not None:
        clauses.append(col(Referral.victim_date_of_birth) == referral.victim_date_of_birth)
    if referral.victim_postcode:
        clauses.append(col(Referral.victim_postcode) == referral.victim_postcode)
    return clauses


def earlier_referrals(session: Session, referral: Referral) -> list[Referral]:
    """Return earlier referrals that are probably about the same victim, newest first."""
    clauses = _same_victim_clauses(referral)
    if not clauses:
        return []
    query = (
        select(Referral)
        .where(sa.or_(*clauses), col(Referral.id) != referral.id)
        .order_by(col(Referral.received_at).desc())
        .limit(200)
    )
    candidates = session.execute(query).scalars()
    return [c for c in candidates if same_victim(c, referral)]


def last_marac_referral(session: Session, referral: Referral) -> EarlierMarac | None:
    """Return the same victim's latest MARAC referral received before this one that counts.

    Whether it makes this one a repeat is the rule's decision (workflow.rules.risk.repeat_marac),
    on London dates, so the window's boundary day is decided in one place.

    An earlier referral counts when it is a MARAC referral not closed as a duplicate, not
    eligible or referred elsewhere, and not linked as a duplicate of another. Asked on every send
    and every rule run, so the query leaves out in SQL what cannot count and reads only the
    columns the decision needs: loading up to 200 whole earlier referrals of a victim, with
    their JSON columns, was the largest part of a send's time.
    """
    clauses = _same_victim_clauses(referral)
    if not clauses:
        return None
    outcome = col(Referral.outcome)
    query = (
        sa.select(
            col(Referral.reference),
            col(Referral.received_at),
            col(Referral.victim_name),
            col(Referral.victim_aliases),
            col(Referral.victim_date_of_birth),
            col(Referral.victim_postcode),
        )
        .where(
            sa.or_(*clauses),
            col(Referral.id) != referral.id,
            col(Referral.pathway) == Pathway.MARAC,
            sa.or_(outcome.is_(None), outcome.not_in(NOT_A_MARAC_REFERRAL)),
            col(Referral.duplicate_of_id).is_(None),
        )
        .order_by(col(Referral.received_at).desc())
        .limit(200)
    )
    for row in session.execute(query):
        if row.received_at <= referral.received_at and same_victim(row, referral):
            return EarlierMarac(row.reference, row.received_at)
    return None


def received_on(referral: Received) -> date:
    """Return the London date a referral was received, for date-based rules.

    received_at is UTC: at 00:30 on a summer morning it is still the day before in UTC.
    """
    return london_date(referral.received_at)
