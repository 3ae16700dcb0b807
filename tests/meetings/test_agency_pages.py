"""The agency representative's pages through the real app, route × role: an agency user sees
only the cases of a sitting they are invited to, inside its window, after accepting the
confidentiality statement, and adds only their own agency's research."""

from datetime import date, datetime, timedelta

from flask.testing import FlaskClient
from sqlmodel import select

from tests.factories import actor_for, make_user
from tests.meetings.support import checked_referral
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.deadlines.working_time import LONDON
from workflow.meetings import access, sittings
from workflow.meetings import listing as listings
from workflow.meetings.calendar import SittingPattern
from workflow.meetings.models import AgencyResearch, Invitation, MaracListing, MaracSitting
from workflow.models.staff import Role
from workflow.store.db import Database


def _today() -> date:
    return datetime.now(LONDON).date()


def _post(client: FlaskClient, page: str, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


def test_an_agency_representative_sees_only_their_invited_sitting(
    client: FlaskClient, database: Database
) -> None:
    coordinator = actor_for(make_user(database, Role.COORDINATOR))
    rep = make_user(database, Role.AGENCY, "rep@police.example.org")
    today = _today()
    with database.uow() as uow:
        mine = sittings.add_one_off(uow, coordinator, today, 5, "", today)
    with database.uow() as uow:
        other = sittings.add_one_off(uow, coordinator, today + timedelta(days=1), 5, "", today)
    listed: list[MaracListing] = []
    for sitting in (mine, other):
        referral = checked_referral(database, coordinator)
        with database.uow() as uow:
            listed.append(
                listings.list_referral(
                    uow, coordinator, referral.id or 0, None, SittingPattern(), today, sitting.id
                )
            )
    # A sitting whose access ended (ten days ago, seven days' access after it).
    with database.uow() as uow:
        old = MaracSitting(sits_on=today - timedelta(days=10), capacity=5, one_off=True)
        uow.session.add(old)
        uow.session.flush()
        uow.session.add(Invitation(sitting_id=old.id or 0, user_id=rep.id or 0, agency="Police"))
        uow.commit()
    with database.uow() as uow:
        access.invite(uow, coordinator, mine.id or 0, rep.email, "Cambridgeshire Constabulary")

    sign_in(client, rep.email)
    assert client.get("/").headers["Location"].endswith("/marac/agency/")
    html = client.get("/marac/agency/").get_data(as_text=True)
    check_page(html)
    assert f"/marac/agency/sittings/{mine.id}" in html and f"sittings/{old.id}" not in html

    page = f"/marac/agency/sittings/{mine.id}"
    html = client.get(page).get_data(as_text=True)
    check_page(html)
    assert "Confidentiality statement" in html and "Jade Allen" not in html
    refused = _post(client, page, f"{page}/accept", {})
    assert "Tick the box" in refused.get_data(as_text=True)
    assert _post(client, page, f"{page}/accept", {"accept": "y"}).status_code == 302
    html = client.get(page).get_data(as_text=True)
    check_page(html)
    assert "Confidential: MARAC" in html and "Jade Allen" in html

    mine_listing = listed[0].id
    response = _post(
        client,
        page,
        f"{page}/cases/{mine_listing}/research",
        {
            f"case{mine_listing}-known": "yes",
            f"case{mine_listing}-summary": "Two call-outs",
            f"case{mine_listing}-agency": "Someone else",
        },
    )
    assert response.status_code == 302
    with database.uow() as uow:
        (row,) = uow.session.exec(select(AgencyResearch)).all()
    assert row.agency == "Cambridgeshire Constabulary" and row.summary == "Two call-outs"

    # Another sitting's cases, one whose access ended, and every coordinator page: refused.
    for url in (
        f"/marac/agency/sittings/{other.id}",
        f"/marac/agency/sittings/{old.id}",
        f"/marac/cases/{mine_listing}",
        f"/marac/sittings/{mine.id}",
        f"/marac/sittings/{mine.id}/print",
        f"/referrals/{listed[0].referral_id}",
        "/queue",
    ):
        assert client.get(url).status_code == 403, url
    other_listing = listed[1].id
    response = client.post(
        f"/marac/agency/sittings/{other.id}/cases/{other_listing}/research",
        data={
            f"case{other_listing}-known": "no",
            "csrf_token": csrf_token(client, page),
        },
    )
    assert response.status_code == 403


def test_other_roles_do_not_reach_the_agency_pages(client: FlaskClient, database: Database) -> None:
    make_user(database, Role.COORDINATOR)
    sign_in(client, "coordinator@example.org")
    assert client.get("/marac/agency/").status_code == 403


def test_the_research_form_shows_its_errors_beside_its_case(
    client: FlaskClient, database: Database
) -> None:
    # The case list writes each case's form out in GOV.UK markup (meetings/_research_form.html):
    # an error must still be shown at its field and linked from the summary.
    coordinator = actor_for(make_user(database, Role.COORDINATOR))
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
    sign_in(client, rep.email)
    page = f"/marac/agency/sittings/{sitting.id}"
    _post(client, page, f"{page}/accept", {"accept": "y"})
    url = f"{page}/cases/{listing.id}/research"
    prefix = f"case{listing.id}"
    for data, message in (
        ({}, "Select whether the case is known to the agency"),
        ({f"{prefix}-known": "yes", f"{prefix}-summary": ""}, "Say what your agency knows"),
    ):
        html = _post(client, page, url, data).get_data(as_text=True)
        check_page(html)
        assert message in html and f'href="#{prefix}-known"' in html
        assert f'id="{prefix}-known-error"' in html
