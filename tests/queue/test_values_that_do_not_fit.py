"""A value too long for its column makes a referral with the field flagged, never a quarantine."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from mailbox.ingest import IngestConfig, ingest
from tests.ingest.support import message
from tests.mailbox.builders import DOCX_TYPE, REFERRAL, answers, referral_docx
from workflow.actors import Actor
from workflow.models import Referral
from workflow.models.mail import Disposition
from workflow.record.fitting import fit_fields, review_path
from workflow.store.db import Database

LONG_POSTCODE = "PE15 4PQ (staying with her mother)"


def _referral_mail(**values: str) -> bytes:
    details = [(label, values.get(label, value)) for label, value in REFERRAL]
    form = referral_docx(answers("y"), referral=details)
    return message(1, attachments=[("MARAC referral.docx", form, DOCX_TYPE)])


def test_a_long_postcode_line_gives_the_postcode_flagged_with_the_whole_line(
    database: Database, desk: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    raw = _referral_mail(**{"Postcode": LONG_POSTCODE})
    settled, _ = ingest(
        database, raw, IngestConfig(parse_timeout=0), Actor.system("t"), channel="cli"
    )
    assert settled.disposition is Disposition.REFERRAL, settled.reason
    with database.uow() as uow:
        referral = uow.session.get(Referral, settled_referral_id(database, settled.reference))
        assert referral is not None
        assert referral.victim_postcode == "PE15 4PQ"
        assert "victim.postcode" in referral.needs_review
        written = referral.details["as_written"]["victim_postcode"]
        assert written.upper() == LONG_POSTCODE.upper()  # the reader upper-cases postcodes
        referral_id = referral.id
    html = desk.get(f"/referrals/{referral_id}").get_data(as_text=True)
    assert "Victim&#39;s postcode" in html or "Victim's postcode" in html
    assert "(staying with her mother)" in html.lower()
    for detail in ("Vera", "07700", "Peter Perp", "STAYING WITH"):
        assert detail.lower() not in caplog.text.lower()


def settled_referral_id(database: Database, reference: str | None) -> int:
    with database.uow() as uow:
        found = uow.session.exec(select(Referral).where(Referral.reference == reference)).one()
        assert found.id is not None
        return found.id


def test_every_text_column_overflow_is_cut_kept_and_flagged() -> None:
    fields = {
        "victim_name": "V" * 250,
        "referrer_phone": "01234 567890 (desk) or 07700 900000 (mobile, after 6pm weekdays only)",
        "victim_postcode": "no postcode given, she is moving",
        "victim_gender": "Female",
    }
    fitted, written = fit_fields(fields)
    assert len(fitted["victim_name"]) == 200 and len(fitted["referrer_phone"]) <= 40
    assert len(fitted["victim_postcode"]) <= 10 and fitted["victim_gender"] == "Female"
    assert set(written) == {"victim_name", "referrer_phone", "victim_postcode"}
    assert written["referrer_phone"] == fields["referrer_phone"]
    assert [review_path(n) for n in written] == ["victim.name", "referrer.phone", "victim.postcode"]
