"""Is this message one we have already: the same Message-ID, the same bytes, or the same forms
attached by the same sender. A duplicate is kept and linked to the original, never read twice."""

from sqlmodel import Session, col, select

from workflow.models import Attachment, InboundMessage


def duplicate_of(session: Session, message: InboundMessage) -> tuple[InboundMessage | None, str]:
    """Return an earlier message this one repeats (same Message-ID, bytes or forms) and how."""
    earlier = col(InboundMessage.id) < message.id
    if message.message_id:
        query = select(InboundMessage).where(
            earlier, col(InboundMessage.message_id) == message.message_id
        )
        found = session.exec(query.order_by(col(InboundMessage.id))).first()
        if found is not None:
            return found, "Message-ID"
    query = select(InboundMessage).where(
        earlier, col(InboundMessage.content_hash) == message.content_hash
    )
    found = session.exec(query.order_by(col(InboundMessage.id))).first()
    if found is not None:
        return found, "content"
    return _same_forms(session, message), "attached forms from the same sender"


def _forms(session: Session, message_id: int | None) -> set[str]:
    query = select(Attachment.sha256, Attachment.declared_type).where(
        col(Attachment.message_id) == message_id, col(Attachment.size) > 0
    )
    return {sha for sha, ctype in session.exec(query) if sha and not ctype.startswith("image/")}


def _same_forms(session: Session, message: InboundMessage) -> InboundMessage | None:
    """An earlier referral message from the same sender carrying exactly the same files."""
    mine = _forms(session, message.id)
    if not mine or not message.from_address:
        return None
    carrying = (
        select(Attachment.message_id)
        .where(col(Attachment.sha256).in_(mine), col(Attachment.message_id) < message.id)
        .distinct()
    )
    candidates = session.exec(
        select(InboundMessage.id)
        .where(
            col(InboundMessage.id).in_(carrying),
            col(InboundMessage.from_address) == message.from_address,
            col(InboundMessage.referral_id).is_not(None),
        )
        .order_by(col(InboundMessage.id))
    )
    same = next((c for c in candidates if _forms(session, c) == mine), None)
    return session.get(InboundMessage, same) if same is not None else None
