"""Where each value was read: kept from the reader to the coordinator's referral page."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlmodel import col, select

from mailbox.ingest import IngestConfig, ingest
from tests.factories import actor_for, make_user
from tests.ingest.support import message
from tests.mailbox.builders import (
    DASH_QUESTIONS,
    DOCX_TYPE,
    REFERRAL,
    WORDS,
    answers,
    email_bytes,
    referral_docx,
)
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.actors import Actor
from workflow.inbound import proposals
from workflow.inbound.arrival import Settled
from workflow.models import Assessment, InboundMessage, Referral
from workflow.models.staff import Role
from workflow.policy import CAMBS
from workflow.record import review
from workflow.store.db import Database

ROBOT = Actor.system("test")


@pytest.fixture
def coordinator(client: FlaskClient, database: Database) -> FlaskClient:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    return client


def _take(database: Database, raw: bytes) -> Settled:
    settled, _ = ingest(database, raw, IngestConfig(), ROBOT, channel="cli")
    return settled


def _referral_id(database: Database, settled: Settled) -> int:
    with database.uow() as uow:
        found = uow.session.exec(
            select(Referral.id).where(col(Referral.reference) == settled.reference)
        ).one()
        assert found is not None
        return found


def _page(client: FlaskClient, referral_id: int) -> str:
    response = client.get(f"/referrals/{referral_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page(html)
    return html


def _rows(html: str, question: str) -> list[str]:
    """The question's row in each version of the checklist, oldest first, tags stripped."""
    kind, number = question.split("-")
    pattern = rf'<div class="govuk-summary-list__row" id="{kind}-\d+-{number}">(.*?)</div>'
    rows = re.findall(pattern, html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows]


def _typed_body() -> str:
    given = answers("yn")
    lines = ["Hi,", "", "I have typed the referral below.", "", "MARAC REFERRAL", ""]
    lines += [f"{label}: {value}" for label, value in REFERRAL]
    lines += ["", "DASH RISK CHECKLIST", "Date completed: 01/03/2026"]
    lines += [f"{n}. {q} - {WORDS[given[n]]}" for n, q in enumerate(DASH_QUESTIONS, start=1)]
    return "\n".join([*lines, "", "Ruth"])


def test_the_referral_page_shows_the_file_and_row_beside_each_answer_read_from_a_docx(
    coordinator: FlaskClient, database: Database
) -> None:
    settled = _take(database, message(1))
    referral_id = _referral_id(database, settled)
    with database.uow() as uow:
        kept = uow.session.get(InboundMessage, settled.message_id)
        assessment = uow.session.exec(select(Assessment)).one()
    assert kept is not None and kept.extraction is not None
    where = {"document": "MARAC referral 1.docx", "where": "table 2 row 2"}
    assert kept.extraction["sources"]["dash.answers.1"] == where
    assert assessment.provenance["1"] == where
    html = _page(coordinator, referral_id)
    [first] = _rows(html, "dash-q1")
    assert first.startswith("1. Has the current incident resulted in injury? Yes")
    assert "MARAC referral 1.docx, table 2 row 2" in first
    [last] = _rows(html, "dash-q24")
    assert "MARAC referral 1.docx, table 2 row 25" in last
    assert "Read from MARAC referral 1.docx, table 1 row 7" in html  # the victim's name


def test_answers_typed_into_the_email_are_traced_to_their_line(
    coordinator: FlaskClient, database: Database
) -> None:
    settled = _take(database, email_bytes(body=_typed_body()))
    html = _page(coordinator, _referral_id(database, settled))
    [first] = _rows(html, "dash-q1")
    assert re.search(r"Yes Read from the email text, line \d+", first), first
    assert re.search(r"Read from the email text, line \d+", html)


def test_each_version_of_the_checklist_shows_the_file_it_came_from(
    coordinator: FlaskClient, database: Database
) -> None:
    first = _take(database, message(1))
    form = referral_docx(answers("n"), referral=None)
    reply = message(
        2,
        subject=f"RE: [{first.reference}] MARAC referral",
        attachments=[("DASH update.docx", form, DOCX_TYPE)],
    )
    assert _take(database, reply).reference == first.reference
    referral_id = _referral_id(database, first)
    # A mailed update is only a proposal (issue 16) until a coordinator accepts it.
    with database.uow() as uow:
        [waiting] = proposals.waiting(uow.session, referral_id)
        referral = uow.session.get(Referral, referral_id)
        assert referral is not None
        version = referral.version
    url = f"/referrals/{referral_id}/updates/{waiting.id}"
    form = {"version": str(version), "csrf_token": csrf_token(coordinator, url)}
    accepted = coordinator.post(url, data={**form, "decision": "accept", "sender_checked": "y"})
    assert accepted.status_code == 302
    html = _page(coordinator, referral_id)
    version1, version2 = _rows(html, "dash-q1")
    assert "Yes Read from MARAC referral 1.docx, table 2 row 2" in version1
    assert "No Read from DASH update.docx, table 2 row 2" in version2
    # The update brought a checklist, not new details: those still come from the first form.
    assert "Read from MARAC referral 1.docx, table 1 row 7" in html
    assert "Read from DASH update.docx, table 1" not in html


def test_a_corrected_answer_says_who_set_it_instead_of_the_stale_cell(
    coordinator: FlaskClient, database: Database
) -> None:
    settled = _take(database, message(1))
    referral_id = _referral_id(database, settled)
    actor = actor_for(make_user(database, Role.COORDINATOR, "cc@example.org", name="Cara"))
    with database.uow() as uow:
        review.correct_answer(
            uow, actor, referral_id, None, "dash.answers.3", "no", "phoned the officer", CAMBS
        )
    [row] = _rows(_page(coordinator, referral_id), "dash-q3")
    assert "No Read from corrected by" in row and "table 2 row 4" not in row
