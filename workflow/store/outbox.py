"""Queue outgoing mail in the caller's transaction; the scheduler's sender delivers it later.

Queueing in the same transaction as the change that caused it means a crash can never leave
a change without its mail, or a mail without its change. The dedupe key makes queueing
idempotent: a second attempt with the same key is a no-op, so a job that runs twice sends once.
"""

from collections.abc import Sequence

from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session

from workflow.models import Outbox
from workflow.store.db import upsert

# Every message we send is machine-made: RFC 3834 tells well-behaved responders not to answer,
# and our own poller recognises X-Referral-Desk to ignore mail that loops back to us.
AUTOMATIC_HEADERS = {
    "Auto-Submitted": "auto-generated",
    "X-Auto-Response-Suppress": "All",
    "X-Referral-Desk": "1",
}

# The last line of every staff or referrer mail about a case: the text itself never names anyone.
NO_VICTIM_DETAILS = "This message holds no details of the victim. Do not forward it."


def enqueue(
    session: Session,
    *,
    kind: str,
    to: Sequence[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    dedupe_key: str | None = None,
    referral_id: int | None = None,
    headers: dict[str, str] | None = None,
) -> Outbox | None:
    """Add one message to the outbox; return None when this dedupe key was already queued."""
    mail = Outbox(
        kind=kind,
        to=[address.strip() for address in to if address.strip()],
        subject=" ".join(subject.split())[:998],  # no header injection through a subject
        body_text=body_text,
        body_html=body_html,
        headers={**AUTOMATIC_HEADERS, **(headers or {})},
        dedupe_key=dedupe_key,
        referral_id=referral_id,
    )
    if dedupe_key is None:
        session.add(mail)
        return mail
    # One statement looks for the key and queues the message (it was a SELECT, then the INSERT at
    # the next flush): a referral's acknowledgement is written while every send waits on the
    # year's reference counter. A message with this key queued earlier, committed or still
    # pending in this session (hence the flush), leaves the outbox as it was.
    session.flush()
    table = Outbox.__table__  # type: ignore[attr-defined]
    values = {
        column.key: getattr(mail, column.key) for column in table.columns if column.key != "id"
    }
    statement = (
        upsert(session, table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(table.c.id)
    )
    mail.id = session.connection().execute(statement).scalar_one_or_none()
    if mail.id is None:
        return None
    make_transient_to_detached(mail)  # the row written above, now the session's to track
    session.add(mail)
    return mail
