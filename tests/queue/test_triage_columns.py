"""The queue and the caseload show what staff triage by: who, from whom, which pathway, the risk,
the MARAC date and when the next step is due; and who was shown on a list is audited."""

import csv
import io
import re
from datetime import UTC, date, datetime
from typing import Any

from flask.testing import FlaskClient

from tests.factories import SYSTEM, actor_for, make_referral, new_referral
from tests.queue.builders import audit_actions
from tests.web.pages import csrf_token
from workflow.models import Assessment, Referral, User
from workflow.models.referral import Consent, Instrument, Pathway
from workflow.policy import CAMBS
from workflow.queue import triage
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.referrals.receiving import NewAssessment, receive_referral
from workflow.store.db import Database


def _screen(yes: int) -> dict[str, dict[str, Any]]:
    return {str(n): {"answer": "yes" if n <= yes else "no"} for n in range(1, 12)}


def _stalking(database: Database, screen_yes: int | None, dash_yes: int | None = None) -> Referral:
    new = new_referral(
        Pathway.STALKING_IDVA,
        dash_yes,
        victim_name="Priya Shah",
        referrer_agency="Cambridge University Hospitals",
    )
    if screen_yes is not None:
        new.assessments.append(NewAssessment(Instrument.S_DASH_11, _screen(screen_yes)))
    with database.uow() as uow:
        return receive_referral(uow, SYSTEM, new, CAMBS)


def _allocated(database: Database, coordinator: User, idva: User, **fields: Any) -> Referral:
    referral = make_referral(database, **fields)
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        return casework.allocate(uow, actor, referral.id, None, idva.id or 0, date(2027, 1, 14))


def _row(html: str, reference: str) -> str:
    rows = re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", html, re.S)
    match = next((row for row in rows if f">{reference}<" in row), None)
    assert match, f"{reference} is not listed"
    return " ".join(re.sub(r"<[^>]+>", " ", match).split())


def test_a_queue_row_names_victim_agency_pathway_risk_marac_date_and_due(
    desk: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    referral = _allocated(
        database, coordinator, idva, victim_name="Jade Allen", referrer_agency="Probation Service"
    )
    html = desk.get("/queue").get_data(as_text=True)
    row = _row(html, referral.reference)
    for shown in ("Jade Allen", "Probation Service", "MARAC", "DASH 18 (high)", "14 Jan 2027"):
        assert shown in row
    assert f"First contact with the victim by {triage.london(referral.due_at)}" in row
    assert "27/01/1990" not in html, "dates of birth only for a search"


def test_a_stalking_referral_with_only_the_s_dash_shows_its_count_never_no_dash(
    desk: FlaskClient, database: Database
) -> None:
    screened = _stalking(database, screen_yes=7)
    both = _stalking(database, screen_yes=3, dash_yes=12)
    neither = _stalking(database, screen_yes=None)
    html = desk.get("/queue").get_data(as_text=True)
    assert "S-DASH 7 of 11" in _row(html, screened.reference)
    assert "DASH 12 (medium) · S-DASH 3 of 11" in _row(html, both.reference)
    assert "S-DASH not given" in _row(html, neither.reference)
    assert "Cambridge University Hospitals" in _row(html, screened.reference)
    assert "No DASH" not in html


def test_the_newest_s_dash_counts(database: Database, coordinator: User) -> None:
    referral = _stalking(database, screen_yes=2)
    with database.uow() as uow:
        uow.session.add(
            Assessment(
                referral_id=referral.id or 0,
                instrument=Instrument.S_DASH_11,
                version=2,
                answers=_screen(9),
            )
        )
        uow.commit()
        assert triage.screen_yes_counts(uow.session, [referral.id or 0]) == {referral.id: 9}


def test_the_caseload_shows_the_idva_their_own_with_the_same_columns(
    idva_client: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    mine = _allocated(database, coordinator, idva, victim_name="Kim Lowe")
    other = make_referral(database, victim_name="Tom Reed")
    html = idva_client.get("/caseload").get_data(as_text=True)
    row = _row(html, mine.reference)
    assert "Kim Lowe" in row and "Cambridgeshire Constabulary" in row and "14 Jan 2027" in row
    assert other.reference not in html and "Tom Reed" not in html


def test_who_was_listed_is_audited(
    desk: FlaskClient,
    idva_client: FlaskClient,
    database: Database,
    coordinator: User,
    idva: User,
) -> None:
    mine = _allocated(database, coordinator, idva)
    waiting = make_referral(database)
    desk.get("/queue?pathway=marac")
    listed = audit_actions(database, "queue")[-1]
    assert (listed.action, listed.actor_id) == ("list", coordinator.id)
    assert set(listed.after["references"]) == {mine.reference, waiting.reference}
    assert listed.after["filter"] == {"pathway": "marac"}
    idva_client.get("/caseload")
    seen = audit_actions(database, "caseload")[-1]
    assert (seen.action, seen.actor_id) == ("list", idva.id)
    assert seen.after["references"] == [mine.reference]


def test_only_idvas_have_a_caseload(desk: FlaskClient) -> None:
    assert desk.get("/caseload").status_code == 403


def test_times_are_shown_in_london() -> None:
    summer = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert triage.london(summer) == "1 Jul 09:30"
    assert triage.london(summer, with_year=True) == "1 Jul 2026 09:30"


def test_the_csv_carries_the_triage_columns(
    desk: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    referral = _allocated(database, coordinator, idva, referrer_agency="=Probation")
    screened = _stalking(database, screen_yes=7)
    export = desk.post("/queue/export", data={"csrf_token": csrf_token(desk, "/queue")})
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(export.get_data(as_text=True)))}
    row = rows[referral.reference]
    assert (row["referred_by"], row["risk"], row["marac_date"]) == (
        "'=Probation",
        "DASH 18 (high)",
        "2027-01-14",
    )
    assert rows[screened.reference]["risk"] == "S-DASH 7 of 11"
