"""The receiving server's Authentication-Results on each message: kept, shown, and a sender it
did not authenticate counts as unknown when TRUSTED_AUTHSERV_ID is set (issue 16, item 5b)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from mailbox.ingest import IngestConfig, ingest
from tests.factories import make_user
from tests.ingest.support import message, outbox
from tests.mailbox.builders import DOCX_TYPE, answers, referral_docx
from tests.web.pages import sign_in
from workflow.actors import Actor
from workflow.inbound.arrival import Settled
from workflow.models import InboundMessage, Referral
from workflow.models.mail import Disposition
from workflow.models.proposals import ProposedAssessment
from workflow.models.staff import Role
from workflow.store.db import Database
from workflow.web_referrals.referrer_confirmation import MAIL_REASON

OURS = "mx.desk.example.org"
CONFIG = IngestConfig(
    own_addresses=frozenset({"referrals@example-desk.org.uk"}), trusted_authserv_id=OURS
)
ROBOT = Actor.system("test")
PASSED = {"Authentication-Results": f"{OURS}; dmarc=pass header.from=cambs.pnn.police.uk"}
FORGED = {"Authentication-Results": f"{OURS}; spf=fail smtp.mailfrom=cambs.pnn.police.uk"}


@pytest.fixture
def desk(client: FlaskClient, database: Database) -> FlaskClient:
    sign_in(client, make_user(database, Role.COORDINATOR).email)
    return client


def _take(database: Database, raw: bytes, config: IngestConfig = CONFIG) -> Settled:
    settled, _ = ingest(database, raw, config, ROBOT, channel="cli")
    return settled


def _stored(database: Database, settled: Settled) -> tuple[InboundMessage, Referral | None]:
    with database.uow() as uow:
        row = uow.session.get(InboundMessage, settled.message_id)
        assert row is not None
        return row, uow.session.get(Referral, row.referral_id) if row.referral_id else None


def _referrer(referral: Referral | None) -> dict[str, str]:
    assert referral is not None
    return next(o for o in referral.rule_outcomes if o["rule"] == "referrer")


def test_an_authenticated_police_referral_is_verified_and_acknowledged(database: Database) -> None:
    settled = _take(database, message(1, headers=PASSED))
    row, referral = _stored(database, settled)
    assert row.sender_check and row.sender_check["verdict"] == "pass"
    assert _referrer(referral)["result"] == "met"
    assert len(outbox(database)) == 1


def test_an_unauthenticated_police_address_is_an_unknown_sender(database: Database) -> None:
    for n, headers in ((1, FORGED), (2, {})):
        settled = _take(database, message(n, headers=headers))
        assert settled.disposition is Disposition.REFERRAL
        row, referral = _stored(database, settled)
        assert row.sender_check and row.sender_check["verdict"] in ("fail", "missing")
        assert _referrer(referral)["result"] == "check"
        assert _referrer(referral)["reason"].startswith(MAIL_REASON)
    assert outbox(database) == []  # never acknowledged: the address may be forged


def test_an_update_from_a_forged_referrer_address_must_have_its_sender_checked(
    database: Database,
) -> None:
    first = _take(database, message(1, headers=PASSED))
    form = referral_docx(answers("n"), referral=None)
    reply = message(
        2,
        subject=f"RE: [{first.reference}]",
        attachments=[("DASH.docx", form, DOCX_TYPE)],
        headers=FORGED,
    )
    update = _take(database, reply)
    assert update.disposition is Disposition.UPDATE
    assert "someone not yet on this referral" in update.reason
    with database.uow() as uow:
        [proposal] = uow.session.exec(select(ProposedAssessment)).all()
    assert not proposal.sender_known


def test_without_the_setting_the_from_address_is_taken_as_it_is(database: Database) -> None:
    plain = IngestConfig(own_addresses=CONFIG.own_addresses)
    settled = _take(database, message(1, headers=FORGED), plain)
    row, referral = _stored(database, settled)
    assert row.sender_check == {**(row.sender_check or {}), "verdict": "not_checked"}
    assert _referrer(referral)["result"] == "met"


def test_the_message_page_shows_the_verdict(desk: FlaskClient, database: Database) -> None:
    passed = _take(database, message(1, headers=PASSED))
    forged = _take(database, message(2, headers=FORGED))
    page = desk.get(f"/intake/messages/{passed.message_id}").get_data(as_text=True)
    assert "Sender checked" in page and "Authenticated: the receiving server confirmed" in page
    assert "DMARC pass" in page
    page = desk.get(f"/intake/messages/{forged.message_id}").get_data(as_text=True)
    assert "Not authenticated: the receiving server could not confirm" in page
    assert "This came from an address we do not know" in page
