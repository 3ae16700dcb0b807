"""Human references like REF-2026-000123, one sequence per year, never reused."""

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
