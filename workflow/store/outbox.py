"""Queue outgoing mail in the caller's transaction; the scheduler's sender delivers it later.

Queueing in the same transaction as the change that caused it means a crash can never leave
a change without its mail, or a mail without its change. The dedupe key makes queueing
idempotent: a second attempt with the same key is a no-op, so a job that runs twice sends once.
"""

from collections.abc import Sequence

from sqlmodel import Session, select

from workflow.models import Outbox

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
    if dedupe_key is not None:
        existing = session.exec(select(Outbox).where(Outbox.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return None
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
    session.add(mail)
    return mail
