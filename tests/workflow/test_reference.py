"""References carry a random check part, so mail cannot be attached to a case by guessing the
next number in the sequence; references made before keep matching their own cases (issue 16)."""

from __future__ import annotations

import re

from sqlmodel import col, select

from mailbox.ingest import IngestConfig, ingest
from tests.factories import make_referral
from tests.ingest.support import message
from tests.mailbox.builders import DOCX_TYPE, answers, referral_docx
from workflow.actors import Actor
from workflow.models import Referral
from workflow.models.mail import Disposition
from workflow.referrals.reference import CHECK_ALPHABET, reference_in, staff_finds, without_check
from workflow.store.db import Database

CONFIG = IngestConfig(own_addresses=frozenset({"referrals@example-desk.org.uk"}))
ROBOT = Actor.system("test")
NEW_FORM = re.compile(rf"^REF-\d{{4}}-\d{{6}}-[{CHECK_ALPHABET}]{{4}}$")


def _update(database: Database, n: int, tag: str) -> Disposition:
    form = referral_docx(answers("nyd"[: n % 3 + 1]), referral=None)  # not the same form twice
    raw = message(n, subject=f"RE: [{tag}] MARAC", attachments=[("DASH.docx", form, DOCX_TYPE)])
    settled, _ = ingest(database, raw, CONFIG, ROBOT, channel="cli")
    return settled.disposition


def test_a_new_reference_has_a_random_check_part_within_its_column(database: Database) -> None:
    first, second = make_referral(database), make_referral(database)
    for made in (first, second):
        assert NEW_FORM.match(made.reference) and len(made.reference) <= 20


def test_a_subject_gives_the_reference_with_its_check_part() -> None:
    assert reference_in("RE: [ref-2026-000123-k7qm] received") == "REF-2026-000123-K7QM"
    assert reference_in("RE: [REF-2026-000123] received") == "REF-2026-000123"
    assert reference_in("REF-2026-000123-Referral received") == "REF-2026-000123"
    assert without_check("REF-2026-000123-K7QM") == "REF-2026-000123"


def test_mail_matches_only_the_whole_reference(database: Database) -> None:
    referral = make_referral(database)
    guessed = without_check(referral.reference)
    wrong = guessed + ("-AAAA" if not referral.reference.endswith("AAAA") else "-BBBB")
    assert _update(database, 1, guessed) is Disposition.REFERRAL  # a new referral, not an update
    assert _update(database, 2, wrong) is Disposition.REFERRAL
    assert _update(database, 3, referral.reference.lower()) is Disposition.UPDATE


def test_an_old_reference_without_a_check_still_matches_its_case(database: Database) -> None:
    old = make_referral(database)
    with database.uow() as uow:
        stored = uow.session.get(Referral, old.id)
        assert stored is not None
        stored.reference = "REF-2025-000042"
        uow.commit()
    assert _update(database, 1, "REF-2025-000042") is Disposition.UPDATE


def test_staff_find_a_reference_with_or_without_its_check(database: Database) -> None:
    referral = make_referral(database)
    with database.uow() as uow:
        for typed in (referral.reference, without_check(referral.reference).lower()):
            found = uow.session.exec(select(Referral.id).where(staff_finds(typed))).all()
            assert found == [referral.id]
        assert uow.session.exec(select(Referral).where(col(Referral.reference) == "x")).all() == []
