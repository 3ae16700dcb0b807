"""The consent check shows what the referrer recorded and starts from it, never a blank form;
the referrer's record stays in the audit trail once the coordinator's decision replaces it."""

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_referral
from tests.queue.builders import audit_actions, fetch
from tests.web.pages import check_page, csrf_token
from workflow.models import AuditEvent, User
from workflow.models.referral import Consent, Pathway
from workflow.record.lawful_bases import describe
from workflow.referrals.states import State
from workflow.store.db import Database

REASON = "He reads her texts;\nasking her would tell him."


def _recorded(database: Database):  # type: ignore[no-untyped-def]
    return make_referral(
        database,
        consent=Consent.NOT_ASKED_UNSAFE,
        victim_aware=False,
        consent_not_sought_reason=REASON,
        lawful_basis="public_task",
    )


def _consent_event(database: Database) -> AuditEvent:
    events = audit_actions(database, "referral")
    return next(e for e in events if e.summary.startswith("check_consent"))


def test_the_check_shows_and_starts_from_the_referrers_record(
    desk: FlaskClient, database: Database
) -> None:
    referral = _recorded(database)
    html = desk.get(f"/referrals/{referral.id}/consent").get_data(as_text=True)
    check_page(html)
    assert "What the referrer recorded" in html
    assert "Not asked, because asking was not safe" in html
    assert describe("public_task") in html
    assert 'value="not_asked_unsafe" checked' in html
    assert 'value="no" checked' in html
    assert 'value="public_task" checked' in html
    assert f">{REASON}</textarea>" in html


def test_confirming_the_record_unchanged_keeps_it_and_audits_before_and_after(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = _recorded(database)
    url = f"/referrals/{referral.id}/consent"
    sent = {
        "consent": "not_asked_unsafe",
        "victim_aware": "no",
        "not_sought_reason": REASON,
        "lawful_basis": "public_task",
        "version": str(referral.version),
        "csrf_token": csrf_token(desk, url),
    }
    assert desk.post(url, data=sent).status_code == 302
    stored = fetch(database, referral.id)
    assert stored.state is State.CONSENT_CHECKED and stored.consent_not_sought_reason == REASON
    check = _consent_event(database)
    assert check.actor_id == coordinator.id
    assert check.before == {
        "state": "received",
        "consent": "not_asked_unsafe",
        "victim_aware": False,
        "consent_not_sought_reason": REASON,
        "lawful_basis": "public_task",
    }
    assert check.after["consent"] == "not_asked_unsafe"


def test_a_decision_that_differs_is_recorded_with_the_referrers_version_before_it(
    desk: FlaskClient, database: Database
) -> None:
    referral = _recorded(database)
    url = f"/referrals/{referral.id}/consent"
    sent = {"consent": "given", "version": str(referral.version)}
    assert desk.post(url, data={**sent, "csrf_token": csrf_token(desk, url)}).status_code == 302
    check = _consent_event(database)
    assert check.before["consent"] == "not_asked_unsafe"
    assert check.after == {
        "state": "consent_checked",
        "consent": "given",
        "victim_aware": True,
        "consent_not_sought_reason": "",
        "lawful_basis": "",
    }


def test_nothing_recorded_is_said_plainly_and_nothing_is_chosen(
    desk: FlaskClient, database: Database
) -> None:
    referral = make_referral(database, pathway=Pathway.MARAC)
    html = desk.get(f"/referrals/{referral.id}/consent").get_data(as_text=True)
    assert "The referrer recorded nothing about consent" in html
    assert " checked" not in html


def test_an_older_lawful_basis_is_shown_but_not_chosen(
    desk: FlaskClient, database: Database
) -> None:
    older = "UK GDPR Art 6(1)(e) public task; Art 9(2)(g) substantial public interest"
    referral = make_referral(database, consent=Consent.REFUSED, lawful_basis=older)
    html = desk.get(f"/referrals/{referral.id}/consent").get_data(as_text=True)
    assert "recorded under an older list" in html
    assert 'value="refused" checked' in html
    assert not any(f'value="{code}" checked' in html for code in ("public_task", "vital_interests"))


def test_an_idva_cannot_open_the_consent_check(
    app: Flask, database: Database, idva_client: FlaskClient
) -> None:
    referral = _recorded(database)
    assert idva_client.get(f"/referrals/{referral.id}/consent").status_code == 403
