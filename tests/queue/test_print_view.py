"""The print view: the safety block first, every answer, no buttons, and every print audited."""

from flask.testing import FlaskClient

from tests.factories import make_referral
from tests.queue.builders import audit_actions
from tests.web.pages import check_page
from workflow.models import User
from workflow.store.db import Database


def test_a_print_is_audited_and_shows_safety_first_without_actions(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = make_referral(database, details={"unsafe_to_speak_to": "Her brother Sam"})
    response = desk.get(f"/referrals/{referral.id}/print")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    check_page(html)
    assert html.index('id="safety"') < html.index('id="answers"')
    assert "Her brother Sam" in html
    assert "govuk-button" not in html and "Correct" not in html
    views = [e for e in audit_actions(database, "referral") if e.action == "view"]
    assert views[-1].actor_id == coordinator.id and views[-1].summary.endswith("print")


def test_an_idva_prints_only_their_own_referrals(
    idva_client: FlaskClient, database: Database
) -> None:
    referral = make_referral(database)
    assert idva_client.get(f"/referrals/{referral.id}/print").status_code == 403
    refused = audit_actions(database, "referral")[-1]
    assert refused.action == "view_refused"
