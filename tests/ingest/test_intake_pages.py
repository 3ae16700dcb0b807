"""The coordinator's upload page and re-processing: the same path as mail, guarded and audited."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import make_user
from tests.ingest.support import hostile_messages, message, outbox
from tests.mailbox.builders import answers, flat_pdf_lines, pdf_bytes, referral_docx
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.models import AuditEvent, InboundMessage, Referral
from workflow.models.mail import Disposition
from workflow.models.referral import Source
from workflow.models.staff import Role
from workflow.store.db import Database

UPLOAD = "/intake/upload"


@pytest.fixture
def coordinator(client: FlaskClient, database: Database) -> FlaskClient:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    return client


def _upload(client: FlaskClient, name: str, data: bytes):  # type: ignore[no-untyped-def]
    token = csrf_token(client, UPLOAD)
    return client.post(
        UPLOAD,
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _messages(database: Database) -> list[InboundMessage]:
    with database.uow() as uow:
        return list(uow.session.exec(select(InboundMessage).order_by(col(InboundMessage.id))))


def test_the_upload_page_is_clean(coordinator: FlaskClient) -> None:
    html = coordinator.get(UPLOAD).get_data(as_text=True)
    assert check_page(html).title.startswith("Upload a referral")
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("MARAC referral.docx", referral_docx(answers("y"))),
        ("printed form.pdf", pdf_bytes(flat_pdf_lines(answers("y")))),
    ],
)
def test_an_uploaded_form_becomes_a_referral_without_an_acknowledgement(
    coordinator: FlaskClient, database: Database, name: str, data: bytes
) -> None:
    response = _upload(coordinator, name, data)
    html = response.get_data(as_text=True)
    check_page(html)
    assert "A new referral was created" in html
    [kept] = _messages(database)
    assert (kept.channel, kept.disposition) == ("upload", Disposition.REFERRAL)
    with database.uow() as uow:
        referral = uow.session.get(Referral, kept.referral_id)
        assert referral is not None and referral.source is Source.UPLOAD
    assert referral.reference in html
    assert outbox(database) == []


def test_an_uploaded_email_is_read_as_mail(coordinator: FlaskClient, database: Database) -> None:
    raw = message(1)
    html = _upload(coordinator, "saved.eml", raw).get_data(as_text=True)
    assert "A new referral was created" in html
    [kept] = _messages(database)
    assert kept.raw == raw and kept.message_id == "<referral.1@cambs.pnn.police.uk>"


def test_a_file_of_another_kind_is_refused_with_an_error(
    coordinator: FlaskClient, database: Database
) -> None:
    html = _upload(coordinator, "notes.txt", b"hello").get_data(as_text=True)
    page = check_page(html)
    assert page.title.startswith("Error:")
    assert "must be an EML, MSG, DOCX, PDF or XLSX" in html
    assert _messages(database) == []


def test_no_file_is_an_error(coordinator: FlaskClient) -> None:
    token = csrf_token(coordinator, UPLOAD)
    html = coordinator.post(UPLOAD, data={"csrf_token": token}).get_data(as_text=True)
    assert check_page(html).title.startswith("Error:")
    assert "Select a file to upload" in html


def test_a_quarantined_upload_is_read_again_after_the_cause_is_fixed(
    app: Flask, coordinator: FlaskClient, database: Database
) -> None:
    app.config["MAX_ATTACHMENT_BYTES"] = 1_000
    html = _upload(coordinator, "MARAC.docx", referral_docx(answers("y"))).get_data(as_text=True)
    assert "could not be read and is in quarantine" in html
    assert "size limit" in html and "Read this message again" in html
    [kept] = _messages(database)
    page = f"/intake/messages/{kept.id}"
    app.config["MAX_ATTACHMENT_BYTES"] = 25 * 1024 * 1024
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    response = coordinator.post(
        f"{page}/reprocess", data={"csrf_token": token.group(1)}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Read again. A new referral was created" in html
    assert "Read this message again" not in html
    with database.uow() as uow:
        actions = set(
            uow.session.exec(
                select(AuditEvent.action).where(
                    col(AuditEvent.object_type) == "inbound_message",
                    col(AuditEvent.object_id) == kept.id,
                )
            ).all()
        )
    assert {"view", "reprocess", "settle"} <= actions


def test_a_settled_message_is_not_read_again(coordinator: FlaskClient, database: Database) -> None:
    html = _upload(coordinator, "saved.eml", hostile_messages()["xxe"]).get_data(as_text=True)
    assert "DTD" in html
    [kept] = _messages(database)
    with database.uow() as uow:
        row = uow.session.get(InboundMessage, kept.id)
        assert row is not None
        row.disposition = Disposition.DUPLICATE
        uow.commit()
    token = csrf_token(coordinator, UPLOAD)
    response = coordinator.post(
        f"/intake/messages/{kept.id}/reprocess", data={"csrf_token": token}, follow_redirects=True
    )
    assert "already settled as duplicate" in response.get_data(as_text=True)


def test_an_unknown_message_is_not_found(coordinator: FlaskClient) -> None:
    assert coordinator.get("/intake/messages/999999").status_code == 404
    token = csrf_token(coordinator, UPLOAD)
    response = coordinator.post("/intake/messages/999999/reprocess", data={"csrf_token": token})
    assert response.status_code == 404


def test_an_idva_cannot_upload(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.IDVA)
    sign_in(client, "idva@example.org")
    assert client.get(UPLOAD).status_code == 403
