"""Human references like REF-2026-000123-K7QM: one sequence per year, never reused, and a
random check part, so a reference cannot be guessed from the sequence.

Mail is matched to a referral only by its whole reference: someone who knows that references
count up cannot attach mail to another victim's case. References made before the check part
existed (REF-2026-000123) keep matching their own cases, and only those. Signed-in staff may
still find a referral by its year and number alone.
"""

import re
import secrets

import sqlalchemy as sa
from sqlmodel import Session, col

from workflow.models import ReferenceCounter, Referral
from workflow.store.db import upsert

# No 0/O, 1/I/L or U: read aloud on the phone or copied by hand, the check is not misread.
CHECK_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CHECK_LENGTH = 4  # 30**4 = 810,000 possibilities per referral


def new_check() -> str:
    """Return a fresh random check part."""
    return "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))


def next_reference(session: Session, year: int) -> str:
    """Take the next reference number for `year` inside the caller's transaction.

    One statement takes the number: the year's row is created or counted on, and stays locked
    until the caller commits, so two sends never share a number and none is skipped. On the
    connection, not the session: taking the lock must not first flush the caller's pending rows.
    """
    table = ReferenceCounter.__table__  # type: ignore[attr-defined]
    statement = (
        upsert(session, table)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    number = int(session.connection().execute(statement).scalar_one())
    return f"REF-{year}-{number:06d}-{new_check()}"


REFERENCE_PATTERN = re.compile(r"\bREF-(\d{4})-(\d{6})(?:-([A-Z0-9]{4}))?\b", re.IGNORECASE)


def subject_tag(reference: str) -> str:
    """The tag we put in every subject, so a reply in the thread finds its referral."""
    return f"[{reference}]"


def reference_in(text: str) -> str | None:
    """Return the first reference in `text` (a subject line), normalised, check part included
    when it has one, or None."""
    found = REFERENCE_PATTERN.search(text or "")
    if not found:
        return None
    year, number, check = found.groups()
    return f"REF-{year}-{number}" + (f"-{check.upper()}" if check else "")


def without_check(reference: str) -> str:
    """Return a reference's year and number alone: REF-2026-000123."""
    return reference[:15]


def staff_finds(typed: str) -> sa.ColumnElement[bool]:
    """The condition finding a reference a member of staff typed, with or without its check."""
    wanted = typed.strip().upper()
    if len(wanted) > 15:
        return col(Referral.reference) == wanted
    return sa.or_(col(Referral.reference) == wanted, col(Referral.reference).like(wanted + "-____"))


def serial_ends(number: str) -> sa.ColumnElement[bool]:
    """The condition finding references with this six-digit serial, with or without a check."""
    return sa.or_(
        col(Referral.reference).endswith("-" + number),
        col(Referral.reference).like(f"REF-____-{number}-____"),
    )
