"""What a queue or caseload row says about risk and timing, worded for staff triaging.

A stalking referral often comes with the S-DASH alone: saying "No DASH" there reads as "no risk
information", which is wrong, so such a row says how many of the 11 stalking questions were Yes.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from workflow.assessment.checklists import S_DASH_QUESTIONS
from workflow.deadlines.working_time import LONDON
from workflow.models import Assessment
from workflow.models.referral import Instrument, Pathway

CHUNK = 500  # ids per query: a CSV of the whole queue stays under the drivers' parameter limits


def screen_yes_counts(session: Session, referral_ids: Iterable[int]) -> dict[int, int]:
    """Return referral id -> Yes answers on its newest S-DASH, for those that have one."""
    ids = sorted(set(referral_ids))
    counts: dict[int, int] = {}
    for start in range(0, len(ids), CHUNK):
        counts.update(_counts(session, ids[start : start + CHUNK]))
    return counts


def _counts(session: Session, ids: list[int]) -> dict[int, int]:
    query = (
        select(Assessment.referral_id, Assessment.answers)
        .where(
            col(Assessment.referral_id).in_(ids),
            col(Assessment.instrument) == Instrument.S_DASH_11,
        )
        .order_by(col(Assessment.version), col(Assessment.id))
    )
    newest = {rid: answers for rid, answers in session.exec(query)}  # later versions win
    return {rid: _yes(answers) for rid, answers in newest.items()}


def _yes(answers: Mapping[str, Any]) -> int:
    return sum(
        1
        for number, given in answers.items()
        if number.isdigit()
        and 1 <= int(number) <= S_DASH_QUESTIONS
        and str((given or {}).get("answer") or "").lower() == "yes"
    )


def risk_label(row: Any, screen_yes: int | None) -> str:
    """Word a row's risk: the DASH score and band, else the S-DASH count, else what is missing."""
    parts = []
    if row.dash_score is not None:
        parts.append(f"DASH {row.dash_score} ({row.risk_band})")
    if row.pathway is Pathway.STALKING_IDVA and screen_yes is not None:
        parts.append(f"S-DASH {screen_yes} of {S_DASH_QUESTIONS}")
    if parts:
        return " · ".join(parts)
    return "S-DASH not given" if row.pathway is Pathway.STALKING_IDVA else "DASH not given"


def london(moment: datetime | None, with_year: bool = False) -> str:
    """Return a time as staff read it: London time, UK order, e.g. "5 Dec 2026 14:30"."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    day = f"{local.day} {local:%b}" + (f" {local.year}" if with_year else "")
    return f"{day} {local:%H:%M}"
