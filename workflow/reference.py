"""Human references like REF-2026-000123, one sequence per year, never reused."""

import re

from sqlmodel import Session, col, select

from workflow.models import ReferenceCounter


def next_reference(session: Session, year: int) -> str:
    """Take the next reference number for `year` inside the caller's transaction."""
    counter = session.execute(
        select(ReferenceCounter).where(col(ReferenceCounter.year) == year).with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        counter = ReferenceCounter(year=year, last=0)
        session.add(counter)
    counter.last += 1
    session.flush()
    return f"REF-{year}-{counter.last:06d}"


REFERENCE_PATTERN = re.compile(r"\bREF-(\d{4})-(\d{6})\b", re.IGNORECASE)


def subject_tag(reference: str) -> str:
    """The tag we put in every subject, so a reply in the thread finds its referral."""
    return f"[{reference}]"


def reference_in(text: str) -> str | None:
    """Return the first reference tag in `text` (a subject line), normalised, or None."""
    found = REFERENCE_PATTERN.search(text or "")
    return f"REF-{found.group(1)}-{found.group(2)}" if found else None
