"""What each message becomes: referral, update, duplicate, ignored, self-referral or quarantine."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from mailbox.ingest import IngestConfig, ingest, reprocess, wrap_upload
from mailbox.outbound import send_pending
from tests.ingest.support import FREEMAIL, POLICE, hostile_messages, message, msgid, outbox
from tests.mailbox.builders import DOCX_TYPE, answers, referral_docx
from tests.support.smtp import SmtpServer
from workflow.actors import Actor
from workflow.errors import DomainError
from workflow.inbound import mailbox_health, settling
from workflow.inbound.arrival import Reading, Settled
from workflow.models import Assessment, Attachment, AuditEvent, InboundMessage, Outbox, Referral
from workflow.models.mail import Disposition
from workflow.models.proposals import ProposalStatus, ProposedAssessment
from workflow.models.referral import Source
from workflow.store.db import Database

CONFIG = IngestConfig(own_addresses=frozenset({"referrals@example-desk.org.uk"}))
ROBOT = Actor.system("test")


def _take(
    database: Database, raw: bytes, channel: str = "cli", config: IngestConfig = CONFIG
) -> Settled:
    settled, _ = ingest(database, raw, config, ROBOT, channel=channel)
    return settled


def _row(database: Database, settled: Settled) -> InboundMessage:
    with database.uow() as uow:
        row = uow.session.get(InboundMessage, settled.message_id)
        assert row is not None
        return row


def _referral(database: Database, reference: str | None) -> Referral:
    with database.uow() as uow:
        found = uow.session.exec(select(Referral).where(col(Referral.reference) == reference)).one()
        return found


def _assessments(database: Database, referral: Referral) -> list[Assessment]:
    with database.uow() as uow:
        query = select(Assessment).where(col(Assessment.referral_id) == referral.id)
        return list(uow.session.exec(query.order_by(col(Assessment.id))))


def test_a_professional_referral_is_created_and_acknowledged(database: Database) -> None:
    raw = message(1)
    settled = _take(database, raw)
    assert settled.disposition is Disposition.REFERRAL and settled.reference
    referral = _referral(database, settled.reference)
    assert referral.source is Source.EMAIL and referral.victim_name == "Vera Victim1"
    row = _row(database, settled)
    assert (row.raw, row.referral_id, row.message_id) == (raw, referral.id, msgid(1))
    assert row.extraction and row.extraction["disposition"] == "referral"
    [dash] = _assessments(database, referral)
    assert dash.source_message_id == row.id and dash.score == 24
    [ack] = outbox(database)
    assert ack.to == ["ruth.example@cambs.pnn.police.uk"]
    assert f"[{settled.reference}]" in ack.subject
    assert ack.headers["Auto-Submitted"] == "auto-generated"
    assert ack.headers["In-Reply-To"] == msgid(1)
    assert "Vera" not in ack.body_text


def test_every_attachment_is_kept_beside_the_raw_message(database: Database) -> None:
    form = referral_docx(answers("n"))
    settled = _take(database, message(1, attachments=[("MARAC.docx", form, DOCX_TYPE)]))
    with database.uow() as uow:
        [kept] = uow.session.exec(
            select(Attachment).where(col(Attachment.message_id) == settled.message_id)
        ).all()
    assert (kept.filename, kept.content, kept.detected_type, kept.size) == (
        "MARAC.docx",
        form,
        "docx",
        len(form),
    )


def test_a_referral_from_an_unknown_sender_is_not_acknowledged(database: Database) -> None:
    settled = _take(database, message(1, sender=FREEMAIL))
    assert settled.disposition is Disposition.REFERRAL
    assert outbox(database) == []


def test_a_victim_writing_in_is_kept_for_a_person_and_never_answered(database: Database) -> None:
    body = "Please help me, my ex keeps following me and I am so scared. He won't stop."
    settled = _take(database, message(1, sender=FREEMAIL, attachments=[], body=body))
    assert settled.disposition is Disposition.REJECT_SELF_REFERRAL
    assert "helplines" in settled.reason and "No automatic reply" in settled.reason
    assert outbox(database) == []
    with database.uow() as uow:
        assert mailbox_health.health(uow.session).self_referrals == 1


@pytest.mark.parametrize(
    ("headers", "sender", "expected"),
    [
        ({"Auto-Submitted": "auto-replied"}, POLICE, Disposition.IGNORE_AUTOREPLY),
        ({"X-Autoreply": "yes"}, POLICE, Disposition.IGNORE_AUTOREPLY),
        ({}, "Referral desk <referrals@example-desk.org.uk>", Disposition.IGNORE_AUTOREPLY),
        ({}, "Mail Delivery System <MAILER-DAEMON@example.org>", Disposition.IGNORE_BOUNCE),
    ],
    ids=["auto-submitted", "x-autoreply", "our-own-mail", "bounce"],
)
def test_automatic_mail_is_ignored_and_never_answered(
    database: Database, headers: dict[str, str], sender: str, expected: Disposition
) -> None:
    subject = "Undelivered Mail Returned to Sender" if "MAILER" in sender else "Out of office"
    settled = _take(database, message(1, sender=sender, headers=headers, subject=subject))
    assert settled.disposition is expected
    assert outbox(database) == []
    assert _row(database, settled).raw


def test_the_same_message_id_again_is_a_duplicate_of_the_referral(database: Database) -> None:
    first = _take(database, message(1))
    resend = b"Received: from relay.example.org; Mon, 9 Mar 2026\r\n" + message(1)
    again = _take(database, resend)
    assert again.disposition is Disposition.DUPLICATE
    assert again.reference == first.reference
    assert "Message-ID" in again.reason
    assert len(outbox(database)) == 1
    with database.uow() as uow:
        assert len(uow.session.exec(select(Referral)).all()) == 1


def test_the_same_bytes_without_a_message_id_are_a_duplicate(database: Database) -> None:
    raw = message(1).replace(b"Message-ID: <referral.1@cambs.pnn.police.uk>\n", b"")
    _take(database, raw)
    again = _take(database, raw)
    assert again.disposition is Disposition.DUPLICATE
    assert again.reason == f"Same content as message {again.message_id - 1}."


def test_the_same_form_sent_again_in_a_new_email_is_a_duplicate(database: Database) -> None:
    form = referral_docx(answers("y"))
    first = _take(database, message(1, attachments=[("MARAC.docx", form, DOCX_TYPE)]))
    again = _take(database, message(2, attachments=[("MARAC again.docx", form, DOCX_TYPE)]))
    assert again.disposition is Disposition.DUPLICATE
    assert again.reference == first.reference
    # The same file from someone else is that person's referral, for a coordinator to match.
    other = _take(
        database, message(3, sender=FREEMAIL, attachments=[("MARAC.docx", form, DOCX_TYPE)])
    )
    assert other.disposition is Disposition.REFERRAL


def _reply(n: int, subject: str, pattern: str = "y", **kw: object) -> bytes:
    form = referral_docx(answers(pattern), referral=None)
    attachments = kw.pop("attachments", [("DASH update.docx", form, DOCX_TYPE)])
    return message(n, subject=subject, attachments=attachments, **kw)  # type: ignore[arg-type]


def test_a_reply_tagged_with_the_reference_proposes_a_new_assessment(
    database: Database,
) -> None:
    first = _take(
        database, message(1, attachments=[("M.docx", referral_docx(answers("n")), DOCX_TYPE)])
    )
    update = _take(database, _reply(2, f"RE: [{first.reference}] MARAC referral", "y"))
    assert update.disposition is Disposition.UPDATE and update.reference == first.reference
    assert update.reason == (
        "Proposed update waiting for a coordinator (DASH score 0 -> 24 if accepted): "
        "nothing changes until then."
    )
    referral = _referral(database, first.reference)
    # Proposed only: the referral keeps its one checklist and its score until someone accepts.
    assert [(a.version, a.score) for a in _assessments(database, referral)] == [(1, 0)]
    assert referral.dash_score == 0 and "risk_change" not in referral.details
    with database.uow() as uow:
        [proposal] = uow.session.exec(select(ProposedAssessment)).all()
    assert (proposal.score, proposal.status, proposal.sender_known) == (
        24,
        ProposalStatus.PROPOSED,
        True,
    )
    assert len(outbox(database)) == 1  # no second acknowledgement for an update
    with database.uow() as uow:
        actions = uow.session.exec(
            select(AuditEvent.action).where(col(AuditEvent.object_id) == referral.id)
        ).all()
    assert "propose_update" in actions


def test_a_reply_in_the_thread_of_the_original_message_is_an_update(database: Database) -> None:
    first = _take(database, message(1))
    headers = {"In-Reply-To": msgid(1), "References": msgid(1)}
    update = _take(database, _reply(2, "RE: MARAC referral", "n", headers=headers))
    assert (update.disposition, update.reference) == (Disposition.UPDATE, first.reference)
    assert "DASH score 24 -> 0 if accepted" in update.reason


def test_a_reply_to_our_acknowledgement_is_an_update(
    database: Database, smtp_server: SmtpServer
) -> None:
    first = _take(database, message(1))
    settings = {**smtp_server.env(), "MAIL_FROM": "referrals@example-desk.org.uk"}
    assert send_pending(database, settings).sent == 1
    [sent] = smtp_server.messages
    ack_id = sent.message["Message-ID"]
    with database.uow() as uow:  # the sender kept the Message-ID it sent on the outbox row
        assert uow.session.exec(select(Outbox)).one().message_id == ack_id
    # Only the acknowledgement's Message-ID ties the reply to the referral: no tag, no References.
    headers = {"In-Reply-To": ack_id}
    update = _take(database, _reply(2, "RE: Referral received", "y", headers=headers))
    assert (update.disposition, update.reference) == (Disposition.UPDATE, first.reference)
    assert "DASH score 24 -> 24 if accepted" in update.reason


def test_an_update_from_a_stranger_is_flagged_for_a_person(database: Database) -> None:
    first = _take(database, message(1))
    update = _take(database, _reply(2, f"RE: [{first.reference}]", "n", sender=FREEMAIL))
    assert update.disposition is Disposition.UPDATE
    assert update.reason.endswith("Sent by someone not yet on this referral: check who sent it.")
    with database.uow() as uow:
        [proposal] = uow.session.exec(select(ProposedAssessment)).all()
    assert not proposal.sender_known
    # The referrer's own reply is not flagged that way.
    own = _take(database, _reply(3, f"RE: [{first.reference}]", "y"))
    assert "someone not yet on this referral" not in own.reason


def test_an_unknown_reference_tag_is_not_an_update(database: Database) -> None:
    settled = _take(database, _reply(2, "RE: [REF-2020-999999] referral"))
    assert settled.disposition is Disposition.REFERRAL


def test_a_reply_without_a_form_is_kept_on_the_referral_for_a_person(database: Database) -> None:
    first = _take(database, message(1))
    note = _take(
        database,
        message(2, subject=f"RE: [{first.reference}]", attachments=[], body="She has moved."),
    )
    assert (note.disposition, note.reference) == (Disposition.UPDATE, first.reference)
    assert f"message.{note.message_id}" in _referral(database, first.reference).needs_review


def test_a_hostile_reply_in_the_thread_is_quarantined_on_its_referral(database: Database) -> None:
    first = _take(database, message(1))
    xxe = hostile_messages()["xxe"].replace(
        b"OFFICIAL-SENSITIVE: MARAC referral 901", f"RE: [{first.reference}]".encode()
    )
    settled = _take(database, xxe)
    assert settled.disposition is Disposition.QUARANTINE and "DTD" in settled.reason
    assert _row(database, settled).referral_id is not None


@pytest.mark.parametrize("kind", ["xxe", "zip bomb", "oversize", "broken MIME"])
def test_hostile_input_is_quarantined_with_its_reason_and_kept(
    database: Database, kind: str
) -> None:
    raw = hostile_messages()[kind]
    settled = _take(database, raw, config=IngestConfig(max_attachment_bytes=200_000))
    assert settled.disposition is Disposition.QUARANTINE and settled.reason
    row = _row(database, settled)
    assert row.raw == raw and row.reason == settled.reason
    assert outbox(database) == []


def test_a_quarantined_message_is_read_again_after_a_fix(database: Database) -> None:
    small = IngestConfig(max_attachment_bytes=1_000)
    settled = _take(database, message(1), config=small)
    assert settled.disposition is Disposition.QUARANTINE and "size limit" in settled.reason
    again = reprocess(database, settled.message_id, CONFIG, ROBOT)
    assert again.disposition is Disposition.REFERRAL and again.reference
    with database.uow() as uow:
        actions = uow.session.exec(
            select(AuditEvent.action).where(col(AuditEvent.object_id) == settled.message_id)
        ).all()
    assert "reprocess" in actions
    with pytest.raises(DomainError, match="already settled as referral"):
        reprocess(database, settled.message_id, CONFIG, ROBOT)


def test_a_failure_while_settling_quarantines_with_the_reason(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise KeyError("a bug in the rules")

    monkeypatch.setattr(settling, "thread_referral", broken)
    settled = _take(database, message(1))
    assert settled.disposition is Disposition.QUARANTINE
    assert settled.reason == "Processing failed (KeyError)."
    monkeypatch.undo()
    assert (
        reprocess(database, settled.message_id, CONFIG, ROBOT).disposition is Disposition.REFERRAL
    )


def test_an_uploaded_form_takes_the_same_path_without_an_acknowledgement(
    database: Database,
) -> None:
    raw = wrap_upload("MARAC referral.docx", referral_docx(answers("y")), "coordinator@example.org")
    settled = _take(database, raw, channel="upload")
    assert settled.disposition is Disposition.REFERRAL
    assert _referral(database, settled.reference).source is Source.UPLOAD
    assert outbox(database) == []


def test_an_uploaded_eml_is_taken_as_it_is() -> None:
    raw = message(1)
    assert wrap_upload("saved.EML", raw, "c@example.org") == raw
    wrapped = wrap_upload("../../form.pdf", b"%PDF-1.4", "c@example.org")
    assert b'filename="form.pdf"' in wrapped and b"application/pdf" in wrapped


def test_settling_twice_changes_nothing(database: Database) -> None:
    settled = _take(database, message(1))
    with database.uow() as uow:
        row = uow.session.get(InboundMessage, settled.message_id)
        assert row is not None
        again = settling.settle(uow, ROBOT, row, Reading({}), CONFIG.policy)
    assert (again.disposition, again.reference) == (Disposition.REFERRAL, settled.reference)
    with database.uow() as uow:
        assert len(uow.session.exec(select(Referral)).all()) == 1
