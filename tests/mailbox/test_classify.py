"""Mail that is not a referral: auto-replies, bounces, victims writing in, notes with no form."""

from mailbox.parse import parse, parse_message
from tests.mailbox.builders import DOCX_TYPE, answers, email_bytes, referral_docx


def test_out_of_office_reply() -> None:
    raw = email_bytes(
        subject="Automatic reply: [REF-2026-000001] MARAC referral received",
        body="I am out of the office until Monday.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert parse_message(raw)["disposition"] == "ignore_autoreply"


def test_out_of_office_by_subject_alone() -> None:
    raw = email_bytes(subject="Out of Office: MARAC referral", body="Away until Monday.")
    assert parse_message(raw)["disposition"] == "ignore_autoreply"


def test_delivery_failure_report() -> None:
    raw = (
        b"From: Mail Delivery System <MAILER-DAEMON@example.org>\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type="delivery-status"; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nCould not be delivered.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; example.org\r\n\r\nAction: failed\r\n--B--\r\n"
    )
    assert parse_message(raw)["disposition"] == "ignore_bounce"


def test_victim_writing_in_is_rejected_for_a_person_to_answer() -> None:
    raw = email_bytes(
        sender="Pat <pat1987@gmail.com>",
        subject="help please",
        body="My ex keeps turning up at my house and I am scared. Can someone call me?",
    )
    assert parse_message(raw)["disposition"] == "reject_self_referral"


def test_covering_note_without_a_form_is_quarantined() -> None:
    raw = email_bytes(body="I will send the DASH and referral form once my manager signs it.")
    record = parse_message(raw)
    assert record == {
        "disposition": "quarantine",
        "referral": None,
        "unreadable_parts": [],
        "needs_review": [],
    }


def test_a_form_from_an_automated_system_is_still_a_referral() -> None:
    raw = email_bytes(
        attachments=[("MARAC.docx", referral_docx(answers("y")), DOCX_TYPE)],
        headers={"Auto-Submitted": "auto-generated"},
    )
    assert parse_message(raw)["disposition"] == "referral"


def test_our_own_mail_coming_back_is_ignored() -> None:
    raw = email_bytes(sender="MARAC Referrals <marac.referrals@example.org.uk>")
    own = frozenset({"marac.referrals@example.org.uk"})
    assert parse(raw, own_addresses=own).record["disposition"] == "ignore_autoreply"


def test_a_professional_address_is_never_taken_for_a_victim() -> None:
    raw = email_bytes(
        sender="Nurse <a.nurse@nhs.net>",
        body="She said: my ex keeps calling, I am scared. Form to follow.",
    )
    assert parse_message(raw)["disposition"] == "quarantine"


def test_a_signature_block_is_not_a_referral_form() -> None:
    body = (
        "Hi, I will send the referral form tomorrow.\n\n"
        "Name: Ruth Example\nJob title: Police Constable\nTel: 0345 456 4564\n"
        "Email: ruth.example@cambs.pnn.police.uk\n"
    )
    assert parse_message(email_bytes(body=body))["disposition"] == "quarantine"


def test_questions_scattered_through_a_letter_are_not_a_checklist() -> None:
    filler = "\n".join(f"Line {n} of an ordinary letter." for n in range(12))
    body = "\n".join(
        [
            "Is the abuse getting worse? - Yes, I think so.",
            filler,
            "Has he ever used weapons or objects to hurt anyone? - No.",
            filler,
            "Are there any financial issues? - Yes.",
        ]
    )
    assert parse_message(email_bytes(body=body))["disposition"] == "quarantine"
