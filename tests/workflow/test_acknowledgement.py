"""The referrer's acknowledgement: professional senders only, once, with no victim details."""

from sqlmodel import select

from tests.factories import make_referral
from workflow.models import Outbox, Referral
from workflow.policy import CAMBS
from workflow.referrals.acknowledgement import ACKNOWLEDGEMENTS_PER_HOUR, queue_acknowledgement
from workflow.referrals.reference import reference_in, subject_tag
from workflow.store.db import Database


def _acknowledge(database: Database, referral: Referral, **kwargs: str) -> Outbox | None:
    with database.uow() as uow:
        mail = queue_acknowledgement(uow.session, uow.session.merge(referral), CAMBS, **kwargs)
        uow.commit()
        return mail


def test_a_professional_referrer_is_acknowledged_without_victim_details(
    database: Database,
) -> None:
    referral = make_referral(database)
    mail = _acknowledge(database, referral)
    assert mail is not None
    assert mail.to == ["holly.martin@cambs.pnn.police.uk"]
    assert mail.subject.startswith(subject_tag(referral.reference))
    assert mail.headers["Auto-Submitted"] == "auto-generated"
    for detail in ("Jade", "Allen", "PE7", "1990"):
        assert detail not in mail.body_text + mail.subject


def test_an_unknown_sender_gets_no_automatic_mail(database: Database) -> None:
    referral = make_referral(database, referrer_email="jade.allen@gmail.com")
    assert _acknowledge(database, referral) is None


def test_a_referral_is_acknowledged_once(database: Database) -> None:
    referral = make_referral(database)
    _acknowledge(database, referral)
    assert _acknowledge(database, referral) is None
    with database.uow() as uow:
        assert len(uow.session.exec(select(Outbox)).all()) == 1


def test_a_reply_threads_under_the_referrers_message(database: Database) -> None:
    referral = make_referral(database)
    mail = _acknowledge(database, referral, in_reply_to="<abc@nhs.net>")
    assert mail is not None and mail.headers["In-Reply-To"] == "<abc@nhs.net>"


def test_a_flood_to_one_address_is_capped(database: Database) -> None:
    sent = [
        _acknowledge(database, make_referral(database))
        for _ in range(ACKNOWLEDGEMENTS_PER_HOUR + 2)
    ]
    assert sum(mail is not None for mail in sent) == ACKNOWLEDGEMENTS_PER_HOUR


def test_a_reference_is_found_in_a_reply_subject() -> None:
    assert reference_in("RE: [ref-2026-000123] Referral received") == "REF-2026-000123"
    assert reference_in("RE: new referral") is None
