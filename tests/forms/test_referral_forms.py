"""The public referral forms through the Flask test client: rules, drafts, sending once."""

import re
import threading
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from app import create_app
from mailbox.questions import DASH as DASH_KIND
from mailbox.questions import SDASH, match_question
from tests.factories import make_referral, make_user
from tests.forms.answers import (
    MARAC_EXAMPLE,
    STALKING,
    fill,
    marac,
    post_page,
    start,
    submit_token,
)
from tests.web.pages import check_page, sign_in
from workflow.assessment.checklists import DASH, STALKING_SCREEN
from workflow.models import Assessment, Outbox, Referral, ReferralDraft, utcnow
from workflow.models.referral import Instrument, Pathway
from workflow.models.staff import Role
from workflow.store.db import Database

LEAFLET_NUMBERS = {
    "0808 802 0300",
    "0808 2000 247",
    "0808 801 0327",
    "0800 999 5428",
    "0808 802 4040",
    "01480 847718",
    "999",
}


def send(client: FlaskClient, kind: str, csrf: str) -> Any:
    """Open check-your-answers and press Send; return the response to the send."""
    page = client.get(f"/refer/{kind}/check")
    assert page.status_code == 200, page.headers.get("Location")
    check_page(page.get_data(as_text=True))
    token = submit_token(page.get_data(as_text=True))
    return client.post(f"/refer/{kind}/check", data={"csrf_token": csrf, "submit_token": token})


def referrals(database: Database) -> list[Referral]:
    with database.uow() as work:
        return list(work.session.exec(select(Referral).order_by(Referral.id)))


def outcomes(referral: Referral) -> dict[str, str]:
    return {o["rule"]: o["result"] for o in referral.rule_outcomes}


def only(database: Database) -> Referral:
    found = referrals(database)
    assert len(found) == 1, len(found)
    return found[0]


def test_a_stalking_referral_arrives_received_with_its_screening_and_acknowledgement(
    client: FlaskClient, database: Database
) -> None:
    csrf = fill(client, "stalking", STALKING)
    response = send(client, "stalking", csrf)
    assert response.headers["Location"].endswith("/refer/stalking/done")
    done = client.get("/refer/stalking/done").get_data(as_text=True)
    check_page(done)
    referral = only(database)
    assert referral.reference in done
    assert referral.pathway is Pathway.STALKING_IDVA and referral.state.value == "received"
    assert referral.consent.value == "given"  # type: ignore[union-attr]
    assert referral.victim_aliases == ["Jade Smith"]
    assert referral.safe_contact["call"] is True and referral.safe_contact["voicemail"] is False
    assert referral.safe_contact["email"] is None
    assert referral.perpetrators[0]["relationship_to_victim"] == "neighbour"
    # The typed police address counts once its owner opens the link mailed to it.
    assert outcomes(referral) == {
        "age": "met",
        "area": "met",
        "recency": "met",
        "referrer": "check",
    }
    with database.uow() as work:
        screen = work.session.exec(select(Assessment)).one()
        mail = work.session.exec(select(Outbox)).one()
    assert screen.instrument is Instrument.S_DASH_11 and screen.score == 3
    assert screen.answers["7"]["answer"] == "dont_know"
    assert mail.to == ["holly.martin@cambs.pnn.police.uk"]
    assert referral.reference in mail.subject
    assert "Jade" not in mail.body_text and "PE1" not in mail.body_text


@pytest.mark.parametrize(
    ("yes", "routing", "visible_high_risk", "meaning"),
    [
        (15, "DASH 14-16: IDVA service with consent.", "not_met", "14 to 16 goes to the IDVA"),
        (18, "Meets a MARAC criterion: list for MARAC.", "met", "meets the MARAC threshold"),
    ],
)
def test_a_marac_referral_is_scored_by_the_server(
    client: FlaskClient,
    database: Database,
    yes: int,
    routing: str,
    visible_high_risk: str,
    meaning: str,
) -> None:
    pages = marac(yes)
    pages["dash-1"] = {**pages["dash-1"], "score": "0", "q3_sub": ["kill_self"]}  # a typed score
    csrf = fill(client, "marac", pages)
    check = client.get("/refer/marac/check").get_data(as_text=True)
    assert f"DASH score: {yes} out of 24" in check and meaning in check
    send(client, "marac", csrf)
    referral = only(database)
    assert referral.dash_score == yes
    assert outcomes(referral)["visible_high_risk"] == visible_high_risk
    assert next(o for o in referral.rule_outcomes if o["rule"] == "routing")["reason"] == routing
    with database.uow() as work:
        dash, screen = work.session.exec(select(Assessment).order_by(Assessment.id)).all()
    assert dash.instrument is Instrument.SAFELIVES_DASH_24 and dash.score == yes
    assert dash.answers["3"]["sub"] == ["kill_self"]
    assert screen.instrument is Instrument.S_DASH_11 and screen.score == 2  # asked after Q8 Yes
    assert referral.children_in_household == 2 and referral.police_incidents_12m == 1


def test_a_double_submit_and_back_and_resubmit_make_exactly_one_referral(
    client: FlaskClient, database: Database
) -> None:
    csrf = fill(client, "stalking", STALKING)
    token = submit_token(client.get("/refer/stalking/check").get_data(as_text=True))
    form = {"csrf_token": csrf, "submit_token": token}
    first = client.post("/refer/stalking/check", data=form)
    second = client.post("/refer/stalking/check", data=form)
    assert first.headers["Location"] == second.headers["Location"]
    assert client.get("/refer/stalking/check").headers["Location"].endswith("/done")
    assert client.get("/refer/stalking/wants").headers["Location"].endswith("/done")
    referral = only(database)
    with database.uow() as work:
        draft = work.session.exec(select(ReferralDraft)).one()
        assert len(list(work.session.exec(select(Outbox)))) == 1
    assert draft.reference == referral.reference
    # The sent answers stay an hour at most, for the referrer's printable copy.
    assert draft.pages["victim"]["victim_name"] == [STALKING["victim"]["victim_name"]]
    expires = (
        draft.expires_at.replace(tzinfo=UTC)
        if draft.expires_at.tzinfo is None
        else draft.expires_at
    )
    assert expires <= datetime.now(UTC) + timedelta(hours=1)


def test_answers_changed_after_the_check_page_are_checked_again_before_sending(
    client: FlaskClient, database: Database
) -> None:
    csrf = fill(client, "stalking", STALKING)
    old = submit_token(client.get("/refer/stalking/check").get_data(as_text=True))
    post_page(client, "stalking", "wants", {"victim_wants": "Changed"}, csrf)
    response = client.post("/refer/stalking/check", data={"csrf_token": csrf, "submit_token": old})
    assert response.headers["Location"].endswith("/refer/stalking/check")
    assert referrals(database) == []


def test_an_under_16_is_signposted_and_nothing_is_sent(
    client: FlaskClient, database: Database
) -> None:
    csrf = start(client, "stalking")
    post_page(client, "stalking", "referrer", STALKING["referrer"], csrf)
    young = date.today() - timedelta(days=15 * 365)
    victim = {
        **STALKING["victim"],
        "victim_date_of_birth": [str(young.day), str(young.month), str(young.year)],
    }
    response = post_page(client, "stalking", "victim", victim, csrf)
    assert response.headers["Location"].endswith("/refer/stalking/stop/under-16")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    check_page(html)
    assert "aged 16 and over" in html and "children's social care" in html
    assert "safeguarding lead" in html
    # Only the leaflet's numbers (docs/domain.md) and 999: none made up for the under-16 advice.
    assert set(re.findall(r"\b0\d{3}[\d ]{3,9}\d\b|\b999\b", html)) <= LEAFLET_NUMBERS
    assert client.get("/refer/stalking/check").status_code == 302
    assert referrals(database) == []


def test_outside_the_area_is_signposted_and_a_border_postcode_goes_on_with_a_note(
    client: FlaskClient, database: Database
) -> None:
    csrf = start(client, "stalking")
    outside = {**STALKING["contact"], "victim_postcode": "NR1 1AA"}
    response = post_page(client, "stalking", "contact", outside, csrf)
    assert response.headers["Location"].endswith("/stop/out-of-area")
    assert "outside Cambridgeshire and Peterborough" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    pages = {**STALKING, "contact": {**STALKING["contact"], "victim_postcode": "cb6 1aa"}}
    csrf = fill(client, "stalking", pages)
    assert "CB6 1AA is on the county border" in client.get("/refer/stalking/check").get_data(
        as_text=True
    )
    send(client, "stalking", csrf)
    referral = only(database)
    assert referral.victim_postcode == "CB6 1AA" and outcomes(referral)["area"] == "check"


def test_without_consent_the_stalking_form_explains_and_gives_the_helplines(
    client: FlaskClient,
) -> None:
    csrf = start(client, "stalking")
    for answer in ("refused", "not_asked"):
        response = post_page(client, "stalking", "consent", {"consent": answer}, csrf)
        assert response.headers["Location"].endswith("/stop/no-consent")
    html = client.get("/refer/stalking/stop/no-consent").get_data(as_text=True)
    check_page(html)
    assert "voluntary" in html and "0808 802 0300" in html and "01480 847718" in html


def test_a_partner_suspect_is_domestic_abuse_and_the_marac_route_keeps_the_answers(
    client: FlaskClient,
) -> None:
    csrf = fill(client, "stalking", {k: STALKING[k] for k in ("referrer", "victim", "contact")})
    response = post_page(
        client, "stalking", "suspect", {"suspect_relationship": "ex_partner"}, csrf
    )
    assert response.headers["Location"].endswith("/stop/domestic-abuse")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This is domestic abuse" in html
    moved = client.post("/refer/marac/start", data={"csrf_token": csrf, "carry": "stalking"})
    assert moved.headers["Location"].endswith("/refer/marac/safe-contact")
    assert "Holly Martin" in client.get("/refer/marac/referrer").get_data(as_text=True)


def test_an_unknown_referrer_address_is_accepted_flagged_and_not_acknowledged(
    client: FlaskClient, database: Database
) -> None:
    pages = {**STALKING, "referrer": {**STALKING["referrer"], "referrer_email": "holly@gmail.com"}}
    csrf = fill(client, "stalking", pages)
    assert "not on our list of agency addresses" in client.get("/refer/stalking/check").get_data(
        as_text=True
    )
    send(client, "stalking", csrf)
    assert outcomes(only(database))["referrer"] == "check"
    with database.uow() as work:
        assert list(work.session.exec(select(Outbox))) == []


def test_a_repeat_marac_is_flagged(client: FlaskClient, database: Database) -> None:
    # Referred before the form's incident of 20 November 2026: a further incident, so a repeat.
    first = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    earlier = make_referral(database, victim_postcode="PE1 1AA", received_at=first)
    csrf = fill(client, "marac", marac(5))
    send(client, "marac", csrf)
    latest = referrals(database)[-1]
    assert outcomes(latest)["repeat_marac"] == "met" and latest.marac_criteria_met
    assert latest.details["repeat_of"] == earlier.reference


PAGE_ERRORS = [
    (
        "referrer",
        {**STALKING["referrer"], "referrer_email": "holly.martin"},
        "Enter an email address in the correct format",
    ),
    ("referrer", {**STALKING["referrer"], "referrer_phone": "call me"}, "Enter a telephone number"),
    (
        "referrer",
        {**STALKING["referrer"], "referrer_name": "x" * 201},
        "Your full name must be 200 characters or fewer",
    ),
    (
        "victim",
        {**STALKING["victim"], "victim_date_of_birth": ["31", "2", "1990"]},
        "Date of birth must be a real date",
    ),
    (
        "victim",
        {**STALKING["victim"], "victim_date_of_birth": ["1", "", "1990"]},
        "Date of birth must include a month",
    ),
    (
        "victim",
        {**STALKING["victim"], "victim_date_of_birth": ["1", "1", "90"]},
        "Year must include 4 numbers",
    ),
    (
        "victim",
        {**STALKING["victim"], "victim_date_of_birth": ["1", "1", "1890"]},
        "Date of birth must be after",
    ),
    (
        "victim",
        {**STALKING["victim"], "victim_date_of_birth": ["1", "1", "2099"]},
        "Date of birth must be in the past",
    ),
    (
        "victim",
        {**STALKING["victim"], "victim_date_of_birth": ["", "", ""]},
        "Enter the victim's date of birth, or tick",
    ),
    ("contact", {**STALKING["contact"], "victim_postcode": "PE1"}, "Enter a real postcode"),
    (
        "contact",
        {**STALKING["contact"], "victim_postcode": ""},
        "Enter the postcode, or tick that you do not know it",
    ),
    ("contact", {**STALKING["contact"], "victim_postcode_unknown": "y"}, "Either enter it or tick"),
    (
        "suspect",
        {**STALKING["suspect"], "suspect_date_of_birth": ["1", "1", "1066"]},
        "Date of birth must be after",
    ),
    (
        "behaviour",
        {**STALKING["behaviour"], "behaviour_last": ["1", "1", "2099"]},
        "The date it last happened must be today or in the past",
    ),
    ("safe-contact", {}, "Select whether it is safe to call the victim"),
    (
        "safe-contact",
        {**STALKING["safe-contact"], "safe_call": "maybe"},
        "Select whether it is safe to call the victim",
    ),
    ("screening-1", {"q1": "yes"}, "Select Yes, No or Don't know for question 2"),
]


@pytest.mark.parametrize(("slug", "data", "message"), PAGE_ERRORS)
def test_bad_input_is_refused_with_a_govuk_message(
    client: FlaskClient, slug: str, data: dict[str, Any], message: str
) -> None:
    csrf = start(client, "stalking")
    response = post_page(client, "stalking", slug, data, csrf)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    page = check_page(html)
    assert page.error_summary and page.title.startswith("Error:")
    assert message in html


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("children", {"children_count": "two"}, "must be a number"),
        ("children", {"children_count": ""}, "Enter how many children"),
        (
            "criteria",
            {**MARAC_EXAMPLE["criteria"], "professional_judgement": "yes"},
            "Enter the reason for your professional judgement",
        ),
        (
            "consent",
            {"victim_aware": "no", "consent": "refused"},
            "Enter why the victim has not agreed",
        ),
        (
            "consent",
            {"victim_aware": "no", "consent": "refused", "consent_refused_reason": "Unsafe"},
            "Select the lawful basis",
        ),
    ],
)
def test_marac_pages_ask_for_what_their_answers_need(
    client: FlaskClient, slug: str, data: dict[str, Any], message: str
) -> None:
    csrf = start(client, "marac")
    html = unescape(post_page(client, "marac", slug, data, csrf).get_data(as_text=True))
    check_page(html)
    assert message in html


def test_the_i_do_not_know_path_is_accepted(client: FlaskClient, database: Database) -> None:
    pages = {
        **STALKING,
        "victim": {
            "victim_name": "Jade Allen",
            "victim_dob_unknown": "y",
            "victim_gender": "not_known",
            "victim_date_of_birth": ["", "", ""],
        },
        "contact": {
            "victim_address": "Not known",
            "victim_postcode_unknown": "y",
            "victim_phone_unknown": "y",
        },
    }
    send(client, "stalking", fill(client, "stalking", pages))
    referral = only(database)
    assert referral.victim_date_of_birth is None and referral.victim_postcode == ""
    assert outcomes(referral)["age"] == "check" and outcomes(referral)["area"] == "check"


def test_html_is_stored_as_typed_and_shown_escaped(client: FlaskClient, database: Database) -> None:
    script = '<script>alert("x")</script><b>Jade</b>'
    pages = {**STALKING, "victim": {**STALKING["victim"], "victim_name": script}}
    csrf = fill(client, "stalking", pages)
    check = client.get("/refer/stalking/check").get_data(as_text=True)
    assert script not in check and "&lt;script&gt;alert(" in check
    send(client, "stalking", csrf)
    assert only(database).victim_name == script


def test_too_many_referrals_from_one_client_are_refused_clearly(
    app: Flask, client: FlaskClient
) -> None:
    app.config.update(REFERRAL_STARTS_PER_HOUR=2, REFERRAL_SENDS_PER_HOUR=1)
    start(client, "stalking")
    csrf = start(client, "stalking")
    refused = client.post("/refer/stalking/start", data={"csrf_token": csrf})
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    check_page(html)
    assert "Wait an hour and try again" in html


def test_the_draft_is_kept_on_the_server_under_an_opaque_token_and_expires(
    client: FlaskClient, database: Database
) -> None:
    csrf = fill(client, "stalking", {"referrer": STALKING["referrer"]})
    cookie = client.get_cookie("referral-draft-stalking", path="/refer/")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    token = cookie.value
    with database.uow() as work:
        draft = work.session.exec(select(ReferralDraft)).one()
        assert token not in draft.token_hash and draft.pages["referrer"]["referrer_name"] == [
            "Holly Martin"
        ]
        draft.expires_at = utcnow() - timedelta(seconds=1)
        work.session.add(draft)
        work.commit()
    response = client.get("/refer/stalking/victim")
    assert response.headers["Location"].endswith("/refer/stalking")
    assert "were deleted because they were not used" in client.get("/refer/stalking").get_data(
        as_text=True
    )
    assert post_page(client, "stalking", "victim", STALKING["victim"], csrf).status_code == 302


def test_a_draft_can_be_resumed_and_deleted(client: FlaskClient, database: Database) -> None:
    csrf = fill(client, "marac", {"referrer": STALKING["referrer"]})
    start_page = client.get("/refer/marac").get_data(as_text=True)
    assert "Continue your referral" in start_page and "/refer/marac/victim" in start_page
    client.post("/refer/marac/delete", data={"csrf_token": csrf})
    with database.uow() as work:
        assert list(work.session.exec(select(ReferralDraft))) == []


@pytest.mark.parametrize(
    ("address", "shown"),
    [("idvareferrals@example.org", True), ("", False)],
)
def test_the_referrals_mailbox_is_offered_on_the_start_pages_when_set(
    app: Flask, client: FlaskClient, address: str, shown: bool
) -> None:
    app.config["REFERRALS_MAILBOX_ADDRESS"] = address
    for kind in ("marac", "stalking"):
        html = client.get(f"/refer/{kind}").get_data(as_text=True)
        assert ('href="mailto:idvareferrals@example.org"' in html) is shown, kind
        assert ("Another way to refer" in html) is shown, kind
        check_page(html)


def test_every_page_of_both_forms_is_clean(client: FlaskClient) -> None:
    for kind, pages in (("stalking", STALKING), ("marac", MARAC_EXAMPLE)):
        start(client, kind)
        for slug in pages:
            check_page(client.get(f"/refer/{kind}/{slug}").get_data(as_text=True))
    for url in ("/refer/", "/refer/marac", "/refer/stalking"):
        check_page(client.get(url).get_data(as_text=True))
    for stop in ("under-16", "out-of-area", "no-consent", "domestic-abuse"):
        check_page(client.get(f"/refer/stalking/stop/{stop}").get_data(as_text=True))
    assert client.get("/refer/stalking/stop/nonsense").status_code == 404
    assert client.get("/refer/nonsense").status_code == 404


def test_a_draft_outlives_a_staff_members_idle_time_out(
    client: FlaskClient, database: Database
) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    fill(client, "stalking", {"referrer": STALKING["referrer"]})
    with client.session_transaction() as browser_session:
        browser_session["seen_at"] -= 3600  # an hour idle: the staff session is cleared
    assert "/sign-in" in client.get("/refer/stalking/victim").headers["Location"]
    assert "Holly Martin" in client.get("/refer/stalking/referrer").get_data(as_text=True)


def test_a_page_posted_after_its_session_expired_keeps_what_was_typed(client: FlaskClient) -> None:
    start(client, "stalking")
    data = {**STALKING["referrer"], "referrer_name": "Typed Before Timeout"}
    response = post_page(client, "stalking", "referrer", data, "stale-token")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "this page had expired" in html
    assert 'value="Typed Before Timeout"' in html
    check_page(html)


def test_two_simultaneous_sends_make_one_referral(committed_database: Database) -> None:
    app = create_app({"DATABASE_URL": committed_database.url, "SECRET_KEY": "k", "TESTING": True})
    app.extensions["database"] = committed_database
    first = app.test_client()
    csrf = fill(first, "marac", marac(15))
    token = submit_token(first.get("/refer/marac/check").get_data(as_text=True))
    second = app.test_client()
    for cookie in ("session", "referral-draft-marac"):
        found = first.get_cookie(cookie, path="/refer/" if cookie != "session" else "/")
        assert found is not None
        second.set_cookie(cookie, found.value, path=found.path)
    barrier = threading.Barrier(2)
    landed: list[str] = []

    def send(client: FlaskClient) -> None:
        barrier.wait()
        response = client.post(
            "/refer/marac/check", data={"csrf_token": csrf, "submit_token": token}
        )
        landed.append(response.headers["Location"])

    threads = [threading.Thread(target=send, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert landed == ["/refer/marac/done"] * 2
    assert len(referrals(committed_database)) == 1


def test_the_form_questions_are_the_ones_the_mailbox_reader_recognises() -> None:
    assert [q.number for q in DASH] == list(range(1, 25))
    assert [q.number for q in STALKING_SCREEN] == list(range(1, 12))
    for kind, questions in ((DASH_KIND, DASH), (SDASH, STALKING_SCREEN)):
        for question in questions:
            match = match_question(question.text, kind)
            assert match is not None and match.qid == str(question.number), question.text
