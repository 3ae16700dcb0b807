"""After the meeting through the real app: the coordinator publishes a heard case's minutes, the
invited agency sees them only then; allocation takes "IDVA" or "MARAC only" with a reason."""

import re
from datetime import date, datetime, timedelta

from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import actor_for, make_user
from tests.meetings.support import checked_referral
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.deadlines.working_time import LONDON
from workflow.meetings import access, actions, sittings
from workflow.meetings import listing as listings
from workflow.meetings.actions import NewAction
from workflow.meetings.calendar import SittingPattern
from workflow.models import AuditEvent, Referral
from workflow.models.staff import Role
from workflow.referrals.states import State
from workflow.store.db import Database


def _today() -> date:
    return datetime.now(LONDON).date()


def _post(client: FlaskClient, page: str, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


def _version(html: str, prefix: str = "") -> str:
    name = f"{prefix}-version" if prefix else "version"
    match = re.search(rf'name="{name}" type="hidden" value="(\d+)"', html)
    assert match, f"no {name} on the page"
    return match.group(1)


def test_minutes_are_published_to_the_invited_agency(
    client: FlaskClient, database: Database
) -> None:
    coordinator_user = make_user(database, Role.COORDINATOR)
    coordinator = actor_for(coordinator_user)
    rep = make_user(database, Role.AGENCY, "rep@police.example.org")
    today = _today()
    with database.uow() as uow:
        sitting = sittings.add_one_off(uow, coordinator, today, 5, "", today)
    referral = checked_referral(database, coordinator)
    with database.uow() as uow:
        listing = listings.list_referral(
            uow, coordinator, referral.id or 0, None, SittingPattern(), today, sitting.id
        )
    with database.uow() as uow:
        access.invite(uow, coordinator, sitting.id or 0, rep.email, "Police")
    with database.uow() as uow:
        actions.record_hearing(uow, coordinator, listing.id or 0, None, "Stalking", "Heard", today)
    with database.uow() as uow:
        new = NewAction("Police", "Flag the address", today + timedelta(days=7))
        actions.add_action(uow, coordinator, listing.id or 0, None, new)

    agenda = f"/marac/agency/sittings/{sitting.id}"
    sign_in(client, rep.email)
    _post(client, agenda, f"{agenda}/accept", {"accept": "y"})
    html = client.get(agenda).get_data(as_text=True)
    check_page(html)
    assert "Minutes: heard on" not in html and "Flag the address" not in html
    client.post("/sign-out", data={"csrf_token": csrf_token(client, agenda)})

    sign_in(client, coordinator_user.email)
    case = f"/marac/cases/{listing.id}"
    html = client.get(case).get_data(as_text=True)
    check_page(html)
    assert "Not published yet. Due by" in html
    response = _post(client, case, f"{case}/minutes", {"minutes-version": "1"})
    assert response.status_code == 409  # loaded at another version: refused, not lost
    check_page(response.get_data(as_text=True))
    response = _post(
        client, case, f"{case}/minutes", {"minutes-version": _version(html, "minutes")}
    )
    assert response.status_code == 302
    html = client.get(case).get_data(as_text=True)
    check_page(html)
    assert (
        "Published on" in html
        and 'action="/marac/cases/' + str(listing.id) + '/minutes"' not in html
    )
    client.post("/sign-out", data={"csrf_token": csrf_token(client, case)})

    sign_in(client, rep.email)
    html = client.get(agenda).get_data(as_text=True)
    check_page(html)
    assert "Minutes: heard on" in html and "Stalking" in html and "Flag the address" in html


def test_allocation_takes_marac_only_with_a_reason(client: FlaskClient, database: Database) -> None:
    coordinator_user = make_user(database, Role.COORDINATOR)
    referral = checked_referral(database, actor_for(coordinator_user))
    sign_in(client, coordinator_user.email)
    page = f"/referrals/{referral.id}/allocate"
    html = client.get(page).get_data(as_text=True)
    check_page(html)
    assert "MARAC only" in html and "Why is there no IDVA?" in html
    version = _version(html)
    refused = _post(client, page, page, {"version": version, "service": "marac_only"})
    assert refused.status_code == 200
    assert "Enter why the case goes ahead at MARAC with no IDVA" in refused.get_data(as_text=True)
    check_page(refused.get_data(as_text=True))
    refused = _post(client, page, page, {"version": version, "service": "idva"})
    assert "Choose an IDVA" in refused.get_data(as_text=True)
    response = _post(
        client,
        page,
        page,
        {"version": version, "service": "marac_only", "marac_only_reason": "Declined an IDVA"},
    )
    assert response.status_code == 302
    html = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "MARAC only, no IDVA: Declined an IDVA" in html
    with database.uow() as uow:
        stored = uow.session.get(Referral, referral.id)
        assert stored is not None and stored.state is State.ALLOCATED
        assert stored.allocated_idva_id is None
        trail = uow.session.exec(
            select(AuditEvent.after).where(
                col(AuditEvent.object_id) == referral.id, col(AuditEvent.action) == "change"
            )
        ).all()
    assert any((after or {}).get("marac_only_reason") == "Declined an IDVA" for after in trail)
