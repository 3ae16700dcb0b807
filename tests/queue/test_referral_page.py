"""One referral: what was read and from where, corrections, actions, conflicts and the audit."""

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import actor_for, make_referral, make_user
from tests.queue.builders import add_message, audit_actions, fetch
from tests.web.pages import check_page, csrf_token, post_form, sign_in
from workflow.models import Note, Outbox, Referral, StateChange, User, utcnow
from workflow.models.mail import Disposition
from workflow.models.referral import Consent, Outcome, Pathway
from workflow.models.staff import Role
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.referrals.states import State
from workflow.store.db import Database


def _html(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    html = response.get_data(as_text=True)
    check_page(html)
    return html


def test_the_page_shows_everything_read_grouped_with_sources(
    desk: FlaskClient, database: Database
) -> None:
    referral = make_referral(database, needs_review=["dash.answers.7"], victim_gender="Female")
    add_message(
        database,
        referral.id,
        attachments=[("MARAC form.docx", "application/vnd.openxmlformats", b"PK..")],
        extraction={
            "sources": {"victim.name": {"document": "MARAC form.docx", "where": "cell B4"}}
        },
    )
    html = _html(desk, f"/referrals/{referral.id}")
    headings = (
        "Safety: read before contacting anyone",
        "About the referrer",
        "The victim",
        "Safe ways to contact the victim",
        "Perpetrators",
        "Risk",
        "History",
    )
    for heading in headings:
        assert f">{heading}</h" in html
    assert "Read from MARAC form.docx, cell B4" in html
    assert "24. Does the victim know if the abuser has ever been in trouble" in html
    assert "Rule outcomes" in html and "reaches the MARAC threshold" in html
    assert "Download the original email" in html and "Download MARAC form.docx" in html
    assert "Check 1 value against the original" in html


def test_every_view_is_audited(desk: FlaskClient, database: Database, coordinator: User) -> None:
    referral = make_referral(database)
    desk.get(f"/referrals/{referral.id}")
    desk.get(f"/referrals/{referral.id}/consent")
    views = [e for e in audit_actions(database, "referral") if e.action == "view" and e.object_id]
    assert [e.actor_id for e in views] == [coordinator.id, coordinator.id]
    assert "consent" in views[1].summary


def test_pages_with_personal_data_are_not_stored(desk: FlaskClient, database: Database) -> None:
    referral = make_referral(database)
    for url in ("/queue", f"/referrals/{referral.id}", "/needs-a-person"):
        assert desk.get(url).headers["Cache-Control"] == "no-store"


def test_needs_review_blocks_the_consent_check_until_confirmed(
    desk: FlaskClient, database: Database
) -> None:
    referral = make_referral(database, needs_review=["victim.postcode"])
    url = f"/referrals/{referral.id}/consent"
    response = post_form(desk, url, {"consent": "given", "version": str(referral.version)})
    html = response.get_data(as_text=True)
    assert "Confirm or correct the values marked for review first" in html
    check_page(html)
    stored = fetch(database, referral.id)
    token = csrf_token(desk, f"/referrals/{referral.id}")
    confirm = desk.post(
        f"/referrals/{referral.id}/confirm",
        data={"path": "victim.postcode", "version": str(stored.version), "csrf_token": token},
    )
    assert confirm.status_code == 302
    assert fetch(database, referral.id).needs_review == []
    event = audit_actions(database, "referral")[-1]
    assert (event.action, event.after) == ("confirm", {"confirmed": "victim.postcode"})
    stored = fetch(database, referral.id)
    post_form(desk, url, {"consent": "given", "version": str(stored.version)})
    assert fetch(database, referral.id).state is State.CONSENT_CHECKED


def test_correcting_a_dash_answer_recomputes_score_band_and_rules(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    # 17 Yes: visible high risk for MARAC in Cambs. Question 7 was misread as Yes.
    referral = make_referral(database, dash_yes=17, needs_review=["dash.answers.7"])
    assert referral.marac_criteria_met
    url = f"/referrals/{referral.id}/correct/dash.answers.7"
    assert "Read as: <strong>Yes</strong>" in _html(desk, url)
    response = post_form(
        desk,
        url,
        {"answer": "no", "reason": "Form shows No ticked", "version": str(referral.version)},
    )
    assert response.status_code == 302
    stored = fetch(database, referral.id)
    assert stored.dash_score == 16 and stored.risk_band == "high"
    rules = {o["rule"]: o for o in stored.rule_outcomes}
    assert rules["visible_high_risk"]["result"] == "not_met"
    assert "16 is below" in rules["visible_high_risk"]["reason"]
    assert stored.needs_review == []
    event = audit_actions(database, "referral")[-1]
    assert event.action == "correct" and event.actor_id == coordinator.id
    assert event.before == {"dash.answers.7": "yes", "score": 17, "band": "high"}
    assert event.after == {
        "dash.answers.7": "no",
        "score": 16,
        "band": "high",
        "reason": "Form shows No ticked",
    }


def test_correcting_a_field_re_runs_the_rules_and_needs_a_reason(
    desk: FlaskClient, database: Database
) -> None:
    referral = make_referral(database, victim_postcode="PE30 1AA")
    url = f"/referrals/{referral.id}/correct/victim.postcode"
    version = str(referral.version)
    missing = post_form(desk, url, {"value": "pe7 4tq", "reason": "", "version": version})
    assert "Enter the reason for the correction" in missing.get_data(as_text=True)
    post_form(desk, url, {"value": "pe7 4tq", "reason": "Typo in form", "version": version})
    stored = fetch(database, referral.id)
    assert stored.victim_postcode == "PE7 4TQ"
    assert {o["rule"]: o["result"] for o in stored.rule_outcomes}["area"] == "met"
    event = audit_actions(database, "referral")[-1]
    assert event.before == {"victim.postcode": "PE30 1AA"}
    assert event.after == {"victim.postcode": "PE7 4TQ", "reason": "Typo in form"}


def test_a_bad_date_correction_says_so(desk: FlaskClient, database: Database) -> None:
    referral = make_referral(database)
    html = post_form(
        desk,
        f"/referrals/{referral.id}/correct/victim.date_of_birth",
        {"value": "31/02/1990", "reason": "x", "version": str(referral.version)},
    ).get_data(as_text=True)
    assert "Enter a real date" in html
    assert fetch(database, referral.id).victim_date_of_birth == date(1990, 1, 27)


def test_an_unknown_field_cannot_be_corrected(desk: FlaskClient, database: Database) -> None:
    referral = make_referral(database)
    assert desk.get(f"/referrals/{referral.id}/correct/state").status_code == 404
    assert desk.get(f"/referrals/{referral.id}/correct/dash.answers.25").status_code == 404


def test_the_second_person_is_told_and_loses_nothing(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = make_referral(database, pathway=Pathway.MARAC)
    url = f"/referrals/{referral.id}/consent"
    token = csrf_token(desk, url)  # this person opened the form at the first version
    other = make_user(database, Role.MANAGER)
    with database.uow() as uow:  # meanwhile a manager corrects the referral
        from workflow.policy import CAMBS
        from workflow.record.review import correct_field

        correct_field(
            uow, actor_for(other), referral.id, None, "victim.phone", "07700900123", "call", CAMBS
        )
    typed = {
        "consent": "not_asked_unsafe",
        "victim_aware": "no",
        "not_sought_reason": "Perpetrator monitors her phone",
        "lawful_basis": "public_task",  # the one list of workflow.record.lawful_bases (issue 15)
        "version": str(referral.version),
        "csrf_token": token,
    }
    response = desk.post(url, data=typed)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Someone else changed this referral" in html
    assert "Perpetrator monitors her phone" in html, "what they typed is still in the form"
    assert 'value="not_asked_unsafe" checked' in html
    stored = fetch(database, referral.id)
    assert stored.state is State.RECEIVED and stored.victim_phone == "07700900123"
    assert f'name="version" type="hidden" value="{stored.version}"' in html
    again = desk.post(url, data={**typed, "version": str(stored.version)})
    assert again.status_code == 302
    assert fetch(database, referral.id).consent is Consent.NOT_ASKED_UNSAFE


def test_stalking_referrals_need_consent(desk: FlaskClient, database: Database) -> None:
    referral = make_referral(database, pathway=Pathway.STALKING_IDVA, dash_yes=None)
    html = post_form(
        desk,
        f"/referrals/{referral.id}/consent",
        {"consent": "refused", "version": str(referral.version)},
    ).get_data(as_text=True)
    assert "needs the victim&#39;s consent" in html or "needs the victim's consent" in html


def test_allocation_tells_the_idva_with_a_reference_and_link_only(
    app: Flask, desk: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    referral = make_referral(database)
    with database.uow() as uow:
        casework.check_consent(
            uow, actor_for(coordinator), referral.id, None, ConsentDecision(Consent.GIVEN)
        )
    stored = fetch(database, referral.id)
    url = f"/referrals/{referral.id}/allocate"
    assert "Ivy Idva" in _html(desk, url)
    response = post_form(
        desk,
        url,
        {
            "idva": str(idva.id),
            "meeting_date": ["3", "12", "2026"],
            "version": str(stored.version),
        },
    )
    assert response.status_code == 302
    stored = fetch(database, referral.id)
    assert stored.state is State.ALLOCATED and stored.meeting_date == date(2026, 12, 3)
    with database.uow() as uow:
        mail = uow.session.exec(select(Outbox).where(col(Outbox.kind) == "allocation")).one()
    assert mail.to == [idva.email] and mail.referral_id == referral.id
    assert referral.reference in mail.subject
    assert f"/referrals/{referral.id}" in mail.body_text
    for detail in ("Jade", "Allen", "1990", "PE7", "Holly"):
        assert detail not in mail.subject + mail.body_text


def test_an_inactive_or_missing_idva_cannot_be_chosen(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    gone = make_user(database, Role.IDVA, "gone@example.org", name="Gone Idva", active=False)
    referral = make_referral(database)
    with database.uow() as uow:
        casework.check_consent(
            uow, actor_for(coordinator), referral.id, None, ConsentDecision(Consent.GIVEN)
        )
    url = f"/referrals/{referral.id}/allocate"
    assert "Gone Idva" not in _html(desk, url)
    stored = fetch(database, referral.id)
    html = post_form(desk, url, {"idva": str(gone.id), "version": str(stored.version)}).get_data(
        as_text=True
    )
    assert "Not a valid choice" in html or "Choose an active IDVA" in html


def test_the_idva_sees_their_own_caseload_and_nothing_else(
    app: Flask, database: Database, coordinator: User, idva: User
) -> None:
    mine, theirs = make_referral(database), make_referral(database)
    other = make_user(database, Role.IDVA, "other.idva@example.org")
    actor = actor_for(coordinator)
    for referral, user in ((mine, idva), (theirs, other)):
        with database.uow() as uow:
            casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
        with database.uow() as uow:
            casework.allocate(uow, actor, referral.id, None, user.id)
    client = app.test_client()
    sign_in(client, idva.email)
    html = _html(client, "/caseload")
    assert mine.reference in html and theirs.reference not in html
    assert "First contact with the victim by" in html
    assert client.get(f"/referrals/{mine.id}").status_code == 200
    assert client.get(f"/referrals/{theirs.id}").status_code == 403
    assert client.get(f"/referrals/{mine.id}/consent").status_code == 403
    note = post_form(client, f"/referrals/{mine.id}/note", {"text": "Called, safe to talk"})
    assert note.status_code == 302
    refused = post_form(client, f"/referrals/{theirs.id}/note", {"text": "x"})
    assert refused.status_code == 403


def test_closing_offers_the_outcome_list(desk: FlaskClient, database: Database) -> None:
    referral = make_referral(database)
    url = f"/referrals/{referral.id}/close"
    assert "Heard at MARAC" in _html(desk, url)
    post_form(desk, url, {"outcome": "not_eligible", "version": str(referral.version)})
    stored = fetch(database, referral.id)
    assert stored.state is State.CLOSED and stored.outcome is Outcome.NOT_ELIGIBLE
    html = _html(desk, f"/referrals/{referral.id}")
    assert "Check consent" not in html and ">Close</a>" not in html


def test_actions_are_offered_only_when_allowed(desk: FlaskClient, database: Database) -> None:
    html = _html(desk, f"/referrals/{make_referral(database).id}")
    assert "Check consent" in html and ">Allocate<" not in html


def test_notes_and_duplicate_links(desk: FlaskClient, database: Database) -> None:
    first, second = make_referral(database), make_referral(database)
    post_form(desk, f"/referrals/{second.id}/note", {"text": "Spoke to the referrer"})
    html = _html(desk, f"/referrals/{second.id}")
    assert "Spoke to the referrer" in html
    assert first.reference in html, "the earlier referral is offered as a possible duplicate"
    stored = fetch(database, second.id)
    url = f"/referrals/{second.id}/duplicate"
    unknown = post_form(
        desk, url, {"original": "REF-1999-000001", "reason": "x", "version": str(stored.version)}
    )
    assert "There is no referral REF-1999-000001" in unknown.get_data(as_text=True)
    post_form(
        desk,
        url,
        {"original": first.reference, "reason": "Same form twice", "version": str(stored.version)},
    )
    assert fetch(database, second.id).duplicate_of_id == first.id
    with database.uow() as uow:
        kinds = [n.kind for n in uow.session.exec(select(Note).order_by(col(Note.id)))]
    assert kinds == ["note", "duplicate_link"]


def test_repeat_marac_is_flagged_with_a_link(desk: FlaskClient, database: Database) -> None:
    # A further incident after the earlier referral (the same day's would be a check).
    earlier = make_referral(database, received_at=utcnow() - timedelta(days=30))
    repeat = make_referral(
        database, victim_name="Jayde Allen", last_incident=utcnow().date() - timedelta(days=2)
    )
    html = _html(desk, f"/referrals/{repeat.id}")
    assert "Repeat MARAC" in html
    assert f'href="/referrals/{earlier.id}">{earlier.reference}</a>' in html


def test_history_shows_every_step(
    desk: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    referral = make_referral(database)
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        casework.allocate(uow, actor, referral.id, None, idva.id)
    with database.uow() as uow:
        casework.close(uow, actor, referral.id, None, Outcome.SUPPORT_COMPLETED)
    html = _html(desk, f"/referrals/{referral.id}")
    for step in ("new → received", "received → consent checked", "→ allocated", "→ closed"):
        assert step in html
    with database.uow() as uow:
        assert len(list(uow.session.exec(select(StateChange)))) == 4


@pytest.mark.parametrize(
    ("filename", "content_type", "content"),
    [
        (
            "form.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04",
        ),
        ("evil.html", "text/html", b"<script>alert(1)</script>"),
        ("odd.bin", "text/html\r\nX-Injected: 1", b"\x00\x01"),
    ],
)
def test_attachments_download_never_inline(
    desk: FlaskClient,
    database: Database,
    coordinator: User,
    filename: str,
    content_type: str,
    content: bytes,
) -> None:
    referral = make_referral(database)
    message = add_message(database, referral.id, attachments=[(filename, content_type, content)])
    with database.uow() as uow:
        from workflow.models import Attachment

        attachment = uow.session.exec(
            select(Attachment).where(col(Attachment.message_id) == message.id)
        ).one()
    response = desk.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert filename in response.headers["Content-Disposition"]
    # Types a browser would render (HTML) or that are malformed go out as plain bytes.
    renderable = "html" in content_type or "\n" in content_type
    expected = "application/octet-stream" if renderable else content_type
    assert response.mimetype == expected
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "X-Injected" not in response.headers
    assert response.data == content
    event = audit_actions(database, "attachment")[-1]
    assert (event.action, event.actor_id, event.object_id) == (
        "download",
        coordinator.id,
        attachment.id,
    )


def test_the_original_email_downloads_as_rfc822(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = make_referral(database)
    message = add_message(database, referral.id)
    response = desk.get(f"/messages/{message.id}/original")
    assert response.mimetype == "message/rfc822"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data == message.raw
    trail = [(e.object_type, e.action) for e in audit_actions(database)[-2:]]
    assert trail == [("message", "download"), ("referral", "download")]


def test_an_idva_cannot_download_what_is_not_theirs(
    idva_client: FlaskClient, database: Database
) -> None:
    referral = make_referral(database)
    message = add_message(database, referral.id)
    quarantined = add_message(database, None, Disposition.QUARANTINE, "encrypted PDF")
    assert idva_client.get(f"/messages/{message.id}/original").status_code == 403
    assert idva_client.get(f"/messages/{quarantined.id}/original").status_code == 403
    assert idva_client.get("/messages/999999/original").status_code == 404


def test_needs_a_person_lists_self_referrals_quarantine_and_unverified(
    desk: FlaskClient, database: Database
) -> None:
    add_message(database, None, Disposition.REJECT_SELF_REFERRAL)
    add_message(database, None, Disposition.QUARANTINE, "The PDF is encrypted")
    unverified = make_referral(database, referrer_email="a.person@hotmail.com")
    make_referral(database)
    html = _html(desk, "/needs-a-person")
    assert "National Stalking Helpline: 0808 802 0300" in html
    assert "The PDF is encrypted" in html
    assert unverified.reference in html
    # Staff read each message as safe text first; the original is offered only from there.
    assert html.count("Read it safely") == 2
    assert "/original" not in html
    with database.uow() as uow:
        assert list(uow.session.exec(select(Outbox))) == [], "nothing is sent to a victim"


def test_a_referral_that_does_not_exist_is_404(desk: FlaskClient) -> None:
    assert desk.get("/referrals/999999").status_code == 404
    assert desk.get("/referrals/999999/consent").status_code == 404


def test_admins_see_no_case_content(app: Flask, database: Database) -> None:
    admin = make_user(database, Role.ADMIN)
    referral = make_referral(database)
    client = app.test_client()
    sign_in(client, admin.email)
    for url in ("/queue", f"/referrals/{referral.id}", "/needs-a-person", "/caseload"):
        assert client.get(url).status_code == 403
    assert isinstance(fetch(database, referral.id), Referral)


def test_a_form_with_errors_still_catches_a_change_made_meanwhile(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = make_referral(database)
    url = f"/referrals/{referral.id}/close"
    token = csrf_token(desk, url)
    loaded = {"version": str(referral.version), "csrf_token": token}
    first = desk.post(url, data=loaded)
    assert "Select the outcome" in first.get_data(as_text=True)
    assert f'name="version" type="hidden" value="{referral.version}"' in first.get_data(
        as_text=True
    )
    with database.uow() as uow:
        casework.check_consent(
            uow, actor_for(coordinator), referral.id, None, ConsentDecision(Consent.GIVEN)
        )
    again = desk.post(url, data={**loaded, "outcome": "duplicate"})
    assert again.status_code == 409
    assert fetch(database, referral.id).state is State.CONSENT_CHECKED


def test_the_allocated_idva_can_download_their_referrals_original(
    idva_client: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    referral = make_referral(database)
    message = add_message(database, referral.id)
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        casework.allocate(uow, actor, referral.id, None, idva.id)
    response = idva_client.get(f"/messages/{message.id}/original")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
