"""Every answer a referrer gives reaches the five places staff read a referral.

Each web form is filled in full (every free-text field with its own value, options spread
across the fields) and sent; each answer must then be on the coordinator's page, the IDVA's
view, the print view, `flask export-referrals` and the queue CSV with every answer. A field
added to a form later fails here twice: first as unfilled, then, once filled, if it reaches
no page.
"""

import html
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from mailbox.ingest import IngestConfig, ingest
from tests.ingest.support import message
from tests.mailbox.builders import DOCX_TYPE, answers, referral_docx
from tests.queue import every_field
from tests.queue.round_trip import expected, outputs, reach, send, unfilled
from workflow.actors import Actor
from workflow.assessment.checklists import ANSWER_LABELS, DASH
from workflow.models import Referral, User
from workflow.store.db import Database

# Every referral sent: (form, answers). Together they fill every field of each form.
SENT = {
    "marac": ("marac", every_field.MARAC),
    "marac-ages": ("marac", every_field.MARAC_SWAPPED),
    "stalking": ("stalking", every_field.STALKING),
}


def _sent(client: FlaskClient, database: Database, name: str) -> Referral:
    kind, pages = SENT[name]
    send(client, kind, pages)
    with database.uow() as uow:
        return uow.session.exec(select(Referral)).one()


@pytest.mark.parametrize("kind", ["marac", "stalking"])
def test_every_field_of_the_form_is_filled(kind: str, app: Flask) -> None:
    with app.test_request_context():
        left = [set(unfilled(k, pages)) for k, pages in SENT.values() if k == kind]
        assert set.intersection(*left) == set()


@pytest.mark.parametrize("name", sorted(SENT))
def test_every_answer_reaches_every_output(
    name: str,
    app: Flask,
    database: Database,
    desk: FlaskClient,
    idva_client: FlaskClient,
    idva: User,
) -> None:
    public = app.test_client()
    referral = _sent(public, database, name)
    with app.test_request_context():
        wanted = expected(*SENT[name])
    texts = outputs(app, database, desk, idva_client, idva.id or 0, referral.id or 0)
    missing = reach(wanted, texts)
    counts = {name: len(wanted) - len(gone) for name, gone in missing.items()}
    print(f"\n{name}: {len(wanted)} fields; reaching each output: {counts}")
    assert missing == {name: [] for name in missing}


def test_line_breaks_and_the_safety_block_come_first(
    app: Flask, database: Database, desk: FlaskClient
) -> None:
    referral = _sent(app.test_client(), database, "marac")
    markup = desk.get(f"/referrals/{referral.id}").get_data(as_text=True)
    warning = html.escape("Do NOT speak to her mother-in-law:\nshe passes everything to him")
    assert warning in markup
    assert markup.index('id="safety"') < markup.index('id="answers"')
    assert markup.index('id="safety"') < markup.index("govuk-button")
    assert "Don&#39;t know — treat as not safe" in markup


def _values(pages: dict[str, dict[str, Any]]) -> list[str]:
    return [v for page in pages.values() for v in page.values() if isinstance(v, str)]


def test_free_text_answers_are_distinct() -> None:
    for name in ("marac", "stalking"):
        texts = [v for v in _values(SENT[name][1]) if len(v) > 12]
        assert len(texts) == len(set(texts))


# A mailed MARAC form (Word) with every field the mailbox reader extracts, each value distinct.
MAILED = [
    ("Referrer name", "Rosa Mailreferrer", "Rosa Mailreferrer"),
    ("Agency", "Fenland District Council Housing", "Fenland District Council Housing"),
    ("Role", "Housing Options Officer", "Housing Options Officer"),
    ("Email", "rosa.m@cambs.pnn.police.uk", "rosa.m@cambs.pnn.police.uk"),
    ("Telephone", "01354 654321", "01354 654321"),
    ("Victim name", "Vanessa Mailvictim", "Vanessa Mailvictim"),
    ("Date of birth", "14/07/1988", "14 July 1988"),
    ("Gender", "Female", "Female"),  # read as the code female
    ("Address", "3 Mailbox Row, Ely", "3 Mailbox Row, Ely"),
    ("Postcode", "CB7 4AA", "CB7 4AA"),
    ("Victim telephone", "07700 900321", "07700 900321"),
    ("Safe to contact?", "No", "Not safe"),
    ("Safe contact arrangements", "Only via her support worker Ann", "support worker Ann"),
    ("Perpetrator name", "Paul Mailperp", "Paul Mailperp"),
    ("Perpetrator date of birth", "01/01/1980", "1 January 1980"),
    ("Relationship to victim", "Ex-partner", "Ex-partner"),
    ("Number of children in household", "3", "Children in the household 3"),
    ("Victim consents to referral?", "Yes", "Yes, they have agreed"),
    ("Referral based on professional judgement?", "Yes", "professional judgement Yes"),
    ("Reason for referral", "Threats to burn the house down", "Threats to burn the house down"),
]


def test_every_answer_of_a_mailed_form_reaches_every_output(
    app: Flask, database: Database, desk: FlaskClient, idva_client: FlaskClient, idva: User
) -> None:
    given = answers("ynd")
    details = [(label, value) for label, value, _ in MAILED]
    form = referral_docx(
        given, referral=[*details[:5], ("Date of referral", "02/03/2026"), *details[5:]]
    )
    raw = message(1, attachments=[("MARAC referral.docx", form, DOCX_TYPE)])
    ingest(database, raw, IngestConfig(), Actor.system("test"), channel="cli")
    with database.uow() as uow:
        referral = uow.session.exec(select(Referral)).one()
    wanted = {label: [words] for label, _, words in MAILED}
    wanted |= {
        f"DASH {q.number}": [f"{q.number}. {q.text} {ANSWER_LABELS[given[q.number]]}"] for q in DASH
    }
    wanted["DASH completed on"] = ["1 March 2026"]
    texts = outputs(app, database, desk, idva_client, idva.id or 0, referral.id or 0)
    lowered = {name: text.lower() for name, text in texts.items()}
    missing = reach({k: [w.lower() for w in v] for k, v in wanted.items()}, lowered)
    counts = {name: len(wanted) - len(gone) for name, gone in missing.items()}
    print(f"\nmailed: {len(wanted)} fields; reaching each output: {counts}")
    assert missing == {name: [] for name in missing}
