"""The DASH's closing sections and completion date on the MARAC web form (issue 15)."""

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from tests.forms.answers import DASH_CLOSING, fill, marac, post_page, submit_token
from workflow.assessment.checklists import DASH
from workflow.models import Assessment, Referral
from workflow.models.referral import Instrument
from workflow.store.db import Database


def _options(number: int) -> dict[str, str]:
    return dict(DASH[number - 1].sub_options)


@pytest.mark.parametrize(
    ("number", "code", "label"),
    [
        (3, "other", "Other (please clarify in the comment)"),
        (23, "occupation", "Occupation order"),
        (23, "non_molestation", "Non-molestation order"),
    ],
)
def test_the_published_dash_options_are_offered(number: int, code: str, label: str) -> None:
    assert _options(number)[code] == label


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"dash_completed_date": ["", "", ""]}, "Enter the date the DASH was completed"),
        ({"dash_completed_date": ["1", "1", "2099"]}, "must be today or in the past"),
        ({"dash_completed_with": ""}, "completed with the victim or from other sources"),
        ({"dash_children_at_risk": ""}, "Select whether there are risks facing the children"),
        ({"dash_children_at_risk": "yes"}, "referral has been made to safeguard the children"),
        ({"dash_safeguarding_date": ["1", "1", "2099"]}, "must be today or in the past"),
    ],
)
def test_the_closing_page_refuses(client: FlaskClient, change: dict[str, Any], error: str) -> None:
    csrf = fill(client, "marac", {})
    response = post_page(client, "marac", "dash-closing", {**DASH_CLOSING, **change}, csrf)
    assert response.status_code == 200
    assert error in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"dash_children_at_risk": "dont_know"},
        {"dash_children_at_risk": "yes", "dash_safeguarding_referral": "no"},
        {"dash_completed_with": "other_sources"},
    ],
)
def test_the_closing_page_accepts(client: FlaskClient, change: dict[str, Any]) -> None:
    csrf = fill(client, "marac", {})
    response = post_page(client, "marac", "dash-closing", {**DASH_CLOSING, **change}, csrf)
    assert response.status_code == 302


def test_the_dash_keeps_the_day_it_was_completed_not_the_send_date(
    client: FlaskClient, database: Database
) -> None:
    pages = marac()
    pages["dash-closing"] = {
        **DASH_CLOSING,
        "dash_completed_date": ["2", "11", "2026"],
        "dash_completed_with": "other_sources",
        "dash_weapons": "Shotgun licence",
    }
    csrf = fill(client, "marac", pages)
    token = submit_token(client.get("/refer/marac/check").get_data(as_text=True))
    client.post("/refer/marac/check", data={"csrf_token": csrf, "submit_token": token})
    with database.uow() as work:
        referral = work.session.exec(select(Referral)).one()
        dash = work.session.exec(
            select(Assessment).where(Assessment.instrument == Instrument.SAFELIVES_DASH_24)
        ).one()
        assert dash.completed_date == date(2026, 11, 2)
        assert referral.details["dash"] == {
            "completed_date": "2026-11-02",
            "completed_with": "other_sources",
            "weapons": "Shotgun licence",
            "children_at_risk": "no",
        }
