"""Every answer of many referrals as CSV columns: the queue download 'with every answer'."""

from collections import defaultdict

from sqlmodel import Session, col, select

from workflow.models import Assessment, Referral
from workflow.record.answers import flat


def answer_table(session: Session, ids: list[int]) -> tuple[list[str], dict[int, list[str]]]:
    """Return the answer columns (in order of first use) and each referral's values."""
    assessments: dict[int, list[Assessment]] = defaultdict(list)
    for a in session.exec(select(Assessment).where(col(Assessment.referral_id).in_(ids))):
        assessments[a.referral_id].append(a)
    answers = {}
    for referral in session.exec(select(Referral).where(col(Referral.id).in_(ids))):
        rid = referral.id or 0
        answers[rid] = flat(referral, assessments[rid])
    columns = list(dict.fromkeys(name for one in answers.values() for name in one))
    return columns, {rid: [one.get(c, "") for c in columns] for rid, one in answers.items()}
