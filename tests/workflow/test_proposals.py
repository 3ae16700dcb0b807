"""A mailed update is a proposal: it changes nothing until a coordinator accepts it (issue 16).

The threat: anyone can copy a reference into a subject and forge a From: address, so a DASH
answered all "No" must not drop a high-risk case out of "overdue high risk" on its own.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from mailbox.ingest import IngestConfig, ingest
from tests.factories import actor_for, make_user
from tests.ingest.support import FREEMAIL, message
from tests.mailbox.builders import DOCX_TYPE, answers, referral_docx
from workflow.actors import Actor
from workflow.errors import GuardFailed, PermissionDenied, StaleReferral
from workflow.inbound import proposals
from workflow.inbound.arrival import Settled
from workflow.models import Assessment, AuditEvent, Referral, ReferralFlag, utcnow
from workflow.models.mail import Disposition
from workflow.models.proposals import ProposalStatus, ProposedAssessment
from workflow.models.staff import Role
from workflow.queue import listing
from workflow.queue.listing import QueueFilter
from workflow.store.db import Database

CONFIG = IngestConfig(own_addresses=frozenset({"referrals@example-desk.org.uk"}))
ROBOT = Actor.system("test")
RECORDED = ("dash_score", "risk_band", "marac_criteria_met", "rule_outcomes", "state")
RECORDED += ("due_at", "due_kind", "needs_review", "version")


def _take(database: Database, raw: bytes) -> Settled:
    settled, _ = ingest(database, raw, CONFIG, ROBOT, channel="cli")
    return settled


def _referral(database: Database, reference: str | None) -> Referral:
    with database.uow() as uow:
        query = select(Referral).where(col(Referral.reference) == reference)
        return uow.session.exec(query).one()


def _recorded(referral: Referral) -> dict[str, object]:
    return {name: getattr(referral, name) for name in RECORDED}


def _all_no_update(
    n: int, reference: str | None, sender: str | None = None, pattern: str = "n"
) -> bytes:
    form = referral_docx(answers(pattern), referral=None)
    extra = {"sender": sender} if sender else {}
    return message(
        n,
        subject=f"RE: [{reference}] MARAC referral",
        attachments=[("DASH update.docx", form, DOCX_TYPE)],
        **extra,  # type: ignore[arg-type]
    )


def _overdue_high_risk(database: Database) -> Referral:
    """A high-risk referral (all Yes) whose consent check is overdue."""
    settled = _take(database, message(1))
    with database.uow() as uow:
        stored = uow.session.exec(
            select(Referral).where(col(Referral.reference) == settled.reference)
        ).one()
        assert stored.due_at is not None
        stored.due_at = utcnow() - timedelta(days=2)
        uow.commit()
    return _referral(database, settled.reference)


def _proposal(database: Database, referral: Referral) -> proposals.ProposalView:
    with database.uow() as uow:
        [waiting] = proposals.waiting(uow.session, referral.id or 0)
    return waiting


def _audit(database: Database, action: str) -> list[AuditEvent]:
    with database.uow() as uow:
        query = select(AuditEvent).where(col(AuditEvent.action) == action)
        return list(uow.session.exec(query))


@pytest.fixture
def coordinator(database: Database) -> Actor:
    return actor_for(make_user(database, Role.COORDINATOR))


def test_a_mailed_all_no_dash_changes_nothing_until_accepted(
    database: Database, coordinator: Actor
) -> None:
    referral = _overdue_high_risk(database)
    assert referral.risk_band == "high" and referral.marac_criteria_met
    before = _recorded(referral)
    update = _take(database, _all_no_update(2, referral.reference))
    assert update.disposition is Disposition.UPDATE
    after = _referral(database, referral.reference)
    assert _recorded(after) == before  # score, band, criteria, deadline, state, flags, version
    with database.uow() as uow:
        overdue = listing.queue_page(uow, coordinator, QueueFilter(overdue=True))
        kept = [a.score for a in uow.session.exec(select(Assessment))]
    assert [r.referral.reference for r in overdue.rows] == [referral.reference]
    assert "proposed_update" in overdue.rows[0].flags
    assert kept == [24]
    waiting = _proposal(database, after)
    assert (waiting.current_score, waiting.proposed_score) == (24, 0)
    assert (waiting.current_band, waiting.proposed_band) == ("high", "standard")
    assert waiting.changed == 24 and all(p.changed for p in waiting.pairs)


def test_accepting_makes_it_the_current_version_reruns_the_rules_and_is_audited(
    database: Database, coordinator: Actor
) -> None:
    referral = _overdue_high_risk(database)
    _take(database, _all_no_update(2, referral.reference))
    waiting = _proposal(database, referral)
    with database.uow() as uow:
        proposals.accept(uow, coordinator, referral.id or 0, referral.version, waiting.id)
    after = _referral(database, referral.reference)
    assert (after.dash_score, after.risk_band, after.marac_criteria_met) == (0, "standard", False)
    assert after.version > referral.version
    assert after.details["risk_change"]["from"] == 24 and after.details["risk_change"]["to"] == 0
    with database.uow() as uow:
        versions = [
            (a.version, a.score)
            for a in uow.session.exec(select(Assessment).order_by(col(Assessment.version)))
        ]
        stored = uow.session.get(ProposedAssessment, waiting.id)
        flagged = uow.session.exec(
            select(ReferralFlag.flag).where(col(ReferralFlag.referral_id) == referral.id)
        ).all()
        assert proposals.waiting(uow.session, referral.id or 0) == []
    assert versions == [(1, 24), (2, 0)]
    assert stored is not None and stored.status is ProposalStatus.ACCEPTED
    assert stored.decided_by == coordinator.label and stored.assessment_id is not None
    assert "proposed_update" not in flagged
    [event] = _audit(database, "accept_update")
    assert event.actor_id == coordinator.id and event.object_id == referral.id
    assert event.before is not None and event.after is not None
    assert (event.before["dash_score"], event.after["dash_score"]) == (24, 0)
    assert (event.before["risk_band"], event.after["risk_band"]) == ("high", "standard")


def test_rejecting_needs_a_reason_keeps_the_record_and_is_audited(
    database: Database, coordinator: Actor
) -> None:
    referral = _overdue_high_risk(database)
    _take(database, _all_no_update(2, referral.reference))
    waiting = _proposal(database, referral)
    with database.uow() as uow, pytest.raises(GuardFailed, match="reason"):
        proposals.reject(uow, coordinator, referral.id or 0, referral.version, waiting.id, " ")
    reason = "The referrer says she did not send it."
    with database.uow() as uow:
        proposals.reject(uow, coordinator, referral.id or 0, referral.version, waiting.id, reason)
    after = _referral(database, referral.reference)
    assert (after.dash_score, after.risk_band, after.due_at) == (24, "high", referral.due_at)
    with database.uow() as uow:
        stored = uow.session.get(ProposedAssessment, waiting.id)
        assert len(uow.session.exec(select(Assessment)).all()) == 1
    assert stored is not None and stored.status is ProposalStatus.REJECTED
    assert stored.decision_reason == reason
    [event] = _audit(database, "reject_update")
    assert event.actor_id == coordinator.id and event.after == {
        "status": "rejected",
        "reason": reason,
    }
    with database.uow() as uow, pytest.raises(GuardFailed, match="already rejected"):
        proposals.accept(uow, coordinator, referral.id or 0, after.version, waiting.id)


def test_two_decisions_on_the_same_version_cannot_both_win(
    database: Database, coordinator: Actor
) -> None:
    referral = _overdue_high_risk(database)
    _take(database, _all_no_update(2, referral.reference))
    waiting = _proposal(database, referral)
    with database.uow() as uow:
        proposals.reject(uow, coordinator, referral.id or 0, referral.version, waiting.id, "No")
    with database.uow() as uow, pytest.raises(StaleReferral):
        proposals.accept(uow, coordinator, referral.id or 0, referral.version, waiting.id)


def test_an_unknown_sender_must_be_checked_before_accepting(
    database: Database, coordinator: Actor
) -> None:
    referral = _overdue_high_risk(database)
    _take(database, _all_no_update(2, referral.reference, sender=FREEMAIL))
    waiting = _proposal(database, referral)
    assert not waiting.sender_known
    with database.uow() as uow, pytest.raises(GuardFailed, match="checked with the referrer"):
        proposals.accept(uow, coordinator, referral.id or 0, referral.version, waiting.id)
    with database.uow() as uow:
        proposals.accept(uow, coordinator, referral.id or 0, referral.version, waiting.id, True)
    [event] = _audit(database, "accept_update")
    assert event.after is not None and event.after["sender_checked"] is True


def test_a_rejected_sender_does_not_become_known_by_writing_again(
    database: Database, coordinator: Actor
) -> None:
    referral = _overdue_high_risk(database)
    _take(database, _all_no_update(2, referral.reference, sender=FREEMAIL))
    first = _proposal(database, referral)
    with database.uow() as uow:
        proposals.reject(uow, coordinator, referral.id or 0, referral.version, first.id, "Forged")
    # Another form (the same one again would be a duplicate of the rejected message).
    _take(database, _all_no_update(3, referral.reference, sender=FREEMAIL, pattern="nd"))
    again = _proposal(database, referral)
    assert again.id != first.id and not again.sender_known


def test_only_coordinators_and_managers_decide(database: Database) -> None:
    referral = _overdue_high_risk(database)
    _take(database, _all_no_update(2, referral.reference))
    waiting = _proposal(database, referral)
    idva = actor_for(make_user(database, Role.IDVA))
    with database.uow() as uow, pytest.raises(PermissionDenied):
        proposals.accept(uow, idva, referral.id or 0, referral.version, waiting.id)
