"""Mailed updates on the referral page and in the queue: shown beside the current checklist,
differing answers marked, and accepted or rejected by a coordinator (issue 16)."""

from typing import Any

from flask.testing import FlaskClient

from tests.factories import SYSTEM, make_referral
from tests.queue.builders import add_message, audit_actions, fetch
from tests.web.pages import check_page, csrf_token
from workflow.inbound import proposals
from workflow.models import Referral
from workflow.models.mail import Disposition
from workflow.models.referral import Instrument
from workflow.referrals.receiving import NewAssessment
from workflow.store.db import Database


def _dash(yes: int) -> dict[str, dict[str, Any]]:
    return {str(n): {"answer": "yes" if n <= yes else "no"} for n in range(1, 25)}


def _proposed(database: Database, known: bool = True) -> tuple[Referral, int]:
    referral = make_referral(database, dash_yes=18)
    message = add_message(database, referral.id, Disposition.UPDATE)
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None and message.id is not None
        checklist = NewAssessment(Instrument.SAFELIVES_DASH_24, _dash(0))
        proposals.propose(
            uow.session, SYSTEM, stored, message.id, "x@y.org", [checklist], [], known
        )
        uow.commit()
    with database.uow() as uow:
        [waiting] = proposals.waiting(uow.session, referral.id or 0)
    return fetch(database, referral.id), waiting.id


def _decide(client: FlaskClient, referral: Referral, pid: int, **data: str) -> Any:
    url = f"/referrals/{referral.id}/updates/{pid}"
    form = {"version": str(referral.version), "csrf_token": csrf_token(client, url), **data}
    return client.post(url, data=form)


def test_the_referral_page_shows_the_update_beside_the_current_checklist(
    desk: FlaskClient, database: Database
) -> None:
    referral, pid = _proposed(database)
    page = desk.get(f"/referrals/{referral.id}").get_data(as_text=True)
    check_page(page)
    assert "Updates waiting" in page and "1 mailed update to accept or reject" in page
    assert f'href="/referrals/{referral.id}/updates/{pid}"' in page
    assert "Now 18 (high risk); if accepted 0 (standard risk)" in page
    assert page.count(">Changed</strong>") == 18  # questions 1-18 went from Yes to No
    assert "Update to accept or reject" in page  # the flag
    queue = desk.get("/queue?flag=proposed_update").get_data(as_text=True)
    assert referral.reference in queue and "Update to accept or reject" in queue


def test_a_coordinator_accepts_the_update_from_its_page(
    desk: FlaskClient, database: Database
) -> None:
    referral, pid = _proposed(database)
    form = desk.get(f"/referrals/{referral.id}/updates/{pid}").get_data(as_text=True)
    check_page(form)
    assert "Accept or reject a mailed update" in form
    response = _decide(desk, referral, pid, decision="accept")
    assert response.status_code == 302
    stored = fetch(database, referral.id)
    assert (stored.dash_score, stored.risk_band) == (0, "standard")
    assert "accept_update" in [e.action for e in audit_actions(database, "referral")]
    page = desk.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Updates waiting" not in page and "Mailed updates decided" in page
    again = desk.get(f"/referrals/{referral.id}/updates/{pid}").get_data(as_text=True)
    assert "This update was accepted by" in again


def test_rejecting_needs_a_reason_and_keeps_the_risk(desk: FlaskClient, database: Database) -> None:
    referral, pid = _proposed(database)
    refused = _decide(desk, referral, pid, decision="reject", reason="")
    assert refused.status_code == 200
    assert "Enter why the update is rejected" in refused.get_data(as_text=True)
    response = _decide(desk, referral, pid, decision="reject", reason="Not from the referrer")
    assert response.status_code == 302
    stored = fetch(database, referral.id)
    assert (stored.dash_score, stored.risk_band) == (18, "high")
    [event] = [e for e in audit_actions(database, "referral") if e.action == "reject_update"]
    assert event.after == {"status": "rejected", "reason": "Not from the referrer"}


def test_a_stale_decision_is_refused_and_an_unknown_sender_must_be_checked(
    desk: FlaskClient, database: Database
) -> None:
    referral, pid = _proposed(database, known=False)
    page = desk.get(f"/referrals/{referral.id}/updates/{pid}").get_data(as_text=True)
    assert "The sender is not known on this referral" in page
    refused = _decide(desk, referral, pid, decision="accept")
    assert "checked with the referrer" in refused.get_data(as_text=True)
    stale = Referral(**{**referral.model_dump(), "version": referral.version - 1})
    assert _decide(desk, stale, pid, decision="accept", sender_checked="y").status_code == 409
    done = _decide(desk, referral, pid, decision="accept", sender_checked="y")
    assert done.status_code == 302


def test_an_idva_cannot_decide(idva_client: FlaskClient, database: Database) -> None:
    referral, pid = _proposed(database)
    assert idva_client.get(f"/referrals/{referral.id}/updates/{pid}").status_code == 403
