"""A victim writing in, even with a form attached, goes to a person, never into the queue."""

from __future__ import annotations

import pytest

from mailbox.classify import same_person, signed_professionally
from mailbox.parse import parse_message
from tests.mailbox.builders import DOCX_TYPE, REFERRAL, answers, email_bytes, referral_docx

SELF_FORM = [(label, "Vera Victim" if label == "Referrer name" else v) for label, v in REFERRAL]
SIGNED = "Please find attached a MARAC referral.\n\nRuth Example\nSupport Worker\nEly Women's Aid"


def _message(sender: str, body: str, form: list[tuple[str, str]] = REFERRAL) -> bytes:
    docx = referral_docx(answers("yn"), referral=form)
    return email_bytes(sender=sender, body=body, attachments=[("DASH.docx", docx, DOCX_TYPE)])


@pytest.mark.parametrize(
    ("sender", "body", "form"),
    [
        # Webmail, the victim's own name on the mailbox, a DASH filled in about herself.
        ("Vera Victim <veravictim88@gmail.com>", "Here is the form.", REFERRAL),
        # Webmail, first-person words, someone else's name on the mailbox.
        ("V <v.1988@hotmail.co.uk>", "I am scared, my ex keeps calling. Form attached.", REFERRAL),
        # Webmail, no signature at all: when in doubt, a person looks.
        ("Ruth <ruth.e@yahoo.co.uk>", "Referral attached.", REFERRAL),
        # The referrer named on the form is the victim.
        ("R <r12@outlook.com>", SIGNED, SELF_FORM),
        # An organisation's domain, but the victim writing in her own words about herself.
        (
            "Vera Victim <vera.victim@example-employer.co.uk>",
            "Please help me, I am scared.",
            REFERRAL,
        ),
    ],
)
def test_a_victim_sending_a_form_is_rejected_for_a_person(
    sender: str, body: str, form: list[tuple[str, str]]
) -> None:
    record = parse_message(_message(sender, body, form))
    assert record["disposition"] == "reject_self_referral"
    assert record["referral"] is None  # a victim's own account is not queued as a referral


@pytest.mark.parametrize(
    ("sender", "body"),
    [
        ("Ruth Example <ruth.example@cambs.pnn.police.uk>", "Referral attached."),
        ("Ruth Example <ruth@elywomensaid.org.uk>", "Referral attached."),
        ("Ruth Example <ruth.example1@gmail.com>", SIGNED),  # a volunteer on webmail, signed
    ],
)
def test_a_professional_sending_a_form_is_a_referral(sender: str, body: str) -> None:
    assert parse_message(_message(sender, body))["disposition"] == "referral"


def test_names_and_signatures() -> None:
    assert same_person("pamelaroberts87", "Pamela Roberts")
    assert same_person("Pam Roberts", "Pamela Roberts")
    assert not same_person("Ruth Example", "Vera Victim")
    assert signed_professionally("Thanks\n\nPC 1234 Jones\nCambridgeshire Constabulary")
    assert not signed_professionally(
        "The police gave me a leaflet and said to email.\n\nThanks\nPat"
    )
