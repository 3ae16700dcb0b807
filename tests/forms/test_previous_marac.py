"""The MARAC form asks whether the victim has been referred to a MARAC before (issue 15)."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from tests.forms.answers import fill, marac, post_page, submit_token
from workflow.models import Referral
from workflow.store.db import Database


def _criteria(**change: Any) -> dict[str, Any]:
    return {**marac()["criteria"], **change}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"previous_marac": ""}, "Select whether the victim has been referred to a MARAC before"),
        (
            {"previous_marac": "no", "previous_marac_date": ["1", "2", "2026"]},
            "Select Yes above, or leave the date empty",
        ),
        (
            {"previous_marac": "dont_know", "previous_marac_where": "Norfolk"},
            "Select Yes above, or leave which MARAC empty",
        ),
        (
            {"previous_marac": "yes", "previous_marac_date": ["1", "1", "2099"]},
            "must be today or in the past",
        ),
    ],
)
def test_the_question_refuses_contradictions(
    client: FlaskClient, change: dict[str, Any], error: str
) -> None:
    csrf = fill(client, "marac", {})
    response = post_page(client, "marac", "criteria", _criteria(**change), csrf)
    assert response.status_code == 200 and error in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "change",
    [
        {"previous_marac": "no"},
        {"previous_marac": "dont_know"},
        {"previous_marac": "yes"},
        {"previous_marac": "yes", "previous_marac_date": ["1", "2", "2026"]},
    ],
)
def test_the_question_accepts(client: FlaskClient, change: dict[str, Any]) -> None:
    csrf = fill(client, "marac", {})
    assert post_page(client, "marac", "criteria", _criteria(**change), csrf).status_code == 302


def test_a_told_recent_marac_is_kept_and_made_a_check_not_met(
    client: FlaskClient, database: Database
) -> None:
    pages = marac(yes=5)  # below every threshold: only the told referral could lift it
    pages["criteria"] = _criteria(
        previous_marac="yes", previous_marac_date=["1", "6", "2026"], previous_marac_where="Ely"
    )
    csrf = fill(client, "marac", pages)
    check = client.get("/refer/marac/check").get_data(as_text=True)
    assert "Has this victim been referred to a MARAC before" in check
    client.post(
        "/refer/marac/check", data={"csrf_token": csrf, "submit_token": submit_token(check)}
    )
    with database.uow() as work:
        referral = work.session.exec(select(Referral)).one()
        assert referral.details["previous_marac"] == {
            "referred": "yes",
            "date": "2026-06-01",
            "where": "Ely",
        }
        repeat = next(o for o in referral.rule_outcomes if o["rule"] == "repeat_marac")
        assert repeat["result"] == "check" and "2026-06-01" in repeat["reason"]
        assert referral.marac_criteria_met is False
