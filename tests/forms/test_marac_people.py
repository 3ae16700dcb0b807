"""The MARAC form's perpetrators (a second one, a young one) and the stalking questions it asks
after a Yes to DASH question 8; escaping on the coordinator's page; the limit on sending."""

from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from tests.factories import make_user
from tests.forms.answers import STALKING, fill, marac, post_page, start, submit_token
from tests.forms.test_referral_forms import only, outcomes, referrals, send
from tests.web.pages import check_page, sign_in
from workflow.models import Assessment, AuditEvent
from workflow.models.referral import Instrument
from workflow.models.staff import Role
from workflow.store.db import Database


def born(years: int) -> list[str]:
    day = date.today() - timedelta(days=years * 365 + 30)
    return [str(day.day), str(day.month), str(day.year)]


SECOND = {
    "perpetrator_name": "Ryan Allen",
    "perpetrator_date_of_birth": ["3", "4", "1988"],
    "perpetrator_relationship": "ex_partner",
    "perpetrator_address": "4 Other Street, Wisbech",
    "second_perpetrator_name": "Lee Allen",
    "second_perpetrator_age": "15",
    "second_perpetrator_relationship": "family",
    "second_perpetrator_address": "Not known",
}


def checklists(database: Database) -> list[Assessment]:
    with database.uow() as work:
        return list(work.session.exec(select(Assessment).order_by(Assessment.id)))


def test_two_perpetrators_are_stored_and_one_under_16_is_flagged_not_refused(
    client: FlaskClient, database: Database
) -> None:
    csrf = fill(client, "marac", {**marac(18), "perpetrator": SECOND})
    check = client.get("/refer/marac/check").get_data(as_text=True)
    assert "Lee Allen" in check and "A perpetrator is under 16" in unescape(check)
    send(client, "marac", csrf)
    referral = only(database)
    first, second = referral.perpetrators
    assert first == {
        "name": "Ryan Allen",
        "date_of_birth": "1988-04-03",
        "relationship_to_victim": "ex_partner",
        "address": "4 Other Street, Wisbech",
    }
    assert second["name"] == "Lee Allen" and second["age"] == 15
    assert second["relationship_to_victim"] == "family" and second["date_of_birth"] == ""
    assert referral.state.value == "received"
    flag = next(o for o in referral.rule_outcomes if o["rule"] == "perpetrator_age")
    assert flag["result"] == "check"
    assert flag["reason"].startswith("Lee Allen is 15: MARAC is for abuse by someone aged 16")


@pytest.mark.parametrize(
    ("perpetrator", "result"),
    [
        ({"perpetrator_date_of_birth": born(15)}, "check"),
        ({"perpetrator_date_of_birth": born(16)}, "met"),
        ({}, "check"),  # no age given: a person checks, nothing is assumed
    ],
)
def test_the_perpetrators_age_is_judged_from_the_date_of_birth(
    client: FlaskClient, database: Database, perpetrator: dict[str, Any], result: str
) -> None:
    pages = marac(5)
    pages["perpetrator"] = {**pages["perpetrator"], **perpetrator}
    send(client, "marac", fill(client, "marac", pages))
    assert outcomes(only(database))["perpetrator_age"] == result


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {**SECOND, "second_perpetrator_name": ""},
            "Enter the second perpetrator's name, or 'Not known'",
        ),
        (
            {**SECOND, "second_perpetrator_relationship": ""},
            "Select the second perpetrator's relationship to the victim",
        ),
        ({**SECOND, "perpetrator_age": "36"}, "Enter the date of birth or the age, not both"),
        ({**SECOND, "second_perpetrator_age": "fifteen"}, "Second perpetrator's age must be a"),
    ],
)
def test_the_second_perpetrator_is_checked_like_the_first(
    client: FlaskClient, data: dict[str, Any], message: str
) -> None:
    csrf = start(client, "marac")
    response = post_page(client, "marac", "perpetrator", data, csrf)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and message in html
    assert check_page(html).error_summary


def test_the_stalking_questions_follow_a_yes_to_dash_question_8_and_are_optional(
    client: FlaskClient, database: Database
) -> None:
    csrf = fill(client, "marac", marac(5))  # question 8 answered No: no stalking questions
    assert client.get("/refer/marac/stalking-1").headers["Location"].endswith("/marac/check")
    dash2 = {**marac(5)["dash-2"], "q8": "yes"}
    changed = post_page(client, "marac", "dash-2?change=1", dash2, csrf)
    assert changed.headers["Location"].endswith("/refer/marac/stalking-1?change=1")
    page = client.get("/refer/marac/stalking-1?change=1").get_data(as_text=True)
    check_page(page)
    assert "You answered Yes to question 8" in page and "step 11 of 15, follow-on questions" in page
    answers = {"q1": "yes", "q4": "yes", "q5": "no", "q4_comment": "<i>Every day</i>"}
    following = post_page(client, "marac", "stalking-1?change=1", answers, csrf)
    assert following.headers["Location"].endswith("/refer/marac/stalking-2?change=1")
    last = post_page(client, "marac", "stalking-2?change=1", {}, csrf)  # nothing: allowed
    assert last.headers["Location"].endswith("/refer/marac/check")
    send(client, "marac", csrf)
    dash, screen = checklists(database)
    assert dash.instrument is Instrument.SAFELIVES_DASH_24 and dash.score == 6
    assert screen.instrument is Instrument.S_DASH_11 and screen.score == 2
    assert screen.answers["4"]["comment"] == "<i>Every day</i>"
    assert screen.answers["7"]["answer"] is None
    assert only(database).dash_score == 6  # the stalking questions never add to the DASH


def test_stalking_questions_left_blank_or_no_longer_asked_store_no_checklist(
    client: FlaskClient, database: Database
) -> None:
    pages = marac(18)
    pages["stalking-1"] = {}
    csrf = fill(client, "marac", pages)
    send(client, "marac", csrf)
    assert [c.instrument for c in checklists(database)] == [Instrument.SAFELIVES_DASH_24]
    csrf = fill(client, "marac", marac(18))
    dash2 = {**marac(18)["dash-2"], "q8": "no"}  # changed after answering them
    assert post_page(client, "marac", "dash-2?change=1", dash2, csrf).status_code == 302
    check = client.get("/refer/marac/check").get_data(as_text=True)
    assert "Stalking screening questions" not in check
    send(client, "marac", csrf)
    assert [c.instrument for c in checklists(database)][1:] == [Instrument.SAFELIVES_DASH_24]


def test_script_typed_in_is_shown_escaped_on_the_coordinators_page(
    client: FlaskClient, database: Database
) -> None:
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    pages = {
        **STALKING,
        "victim": {**STALKING["victim"], "victim_name": script},
        "suspect": {**STALKING["suspect"], "suspect_name": script},
    }
    send(client, "stalking", fill(client, "stalking", pages))
    referral = only(database)
    assert referral.victim_name == script and referral.perpetrators[0]["name"] == script
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    html = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert script not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    with database.uow() as work:
        viewed = work.session.exec(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert any(e.object_id == referral.id for e in viewed)


def test_too_many_sends_from_one_client_get_a_clear_429_page_and_keep_the_answers(
    app: Flask, client: FlaskClient, database: Database
) -> None:
    app.config.update(REFERRAL_SENDS_PER_HOUR=1)
    send(client, "stalking", fill(client, "stalking", STALKING))
    csrf = fill(client, "stalking", STALKING)
    token = submit_token(client.get("/refer/stalking/check").get_data(as_text=True))
    refused = client.post("/refer/stalking/check", data={"csrf_token": csrf, "submit_token": token})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    html = refused.get_data(as_text=True)
    page = check_page(html)
    assert page.title.startswith("Too many referrals from your connection")
    assert "Wait an hour and try again" in html and "01480 847718" in html
    assert "govuk-heading-l" in html and "govuk-template" in html
    assert len(referrals(database)) == 1
    assert client.get("/refer/stalking/check").status_code == 200  # the answers are still there
