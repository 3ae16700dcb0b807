"""The coordinator's MARAC pages through the real app: a sitting from list to done, with the
hygiene every page needs, conflicts kept (409) and other roles refused."""

import re
from datetime import date, datetime, timedelta

from flask.testing import FlaskClient
from sqlmodel import col, select

from tests.factories import actor_for, make_user
from tests.meetings.support import checked_referral
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.deadlines.working_time import LONDON
from workflow.meetings.models import MaracAction, MaracListing, MaracSitting, MeetingState
from workflow.models import AuditEvent
from workflow.models.staff import Role
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


def _signed_in(client: FlaskClient, database: Database, role: Role = Role.COORDINATOR) -> None:
    make_user(database, role)
    sign_in(client, f"{role.value}@example.org")


def _today_sitting(client: FlaskClient) -> int:
    today = _today()
    response = _post(
        client,
        "/marac/sittings/new",
        "/marac/sittings/new",
        {
            "sits_on": [str(today.day), str(today.month), str(today.year)],
            "capacity": "3",
            "chair": "DCI Ward",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_sitting_from_listing_to_done(client: FlaskClient, database: Database) -> None:
    _signed_in(client, database)
    coordinator = actor_for(make_user(database, Role.MANAGER))
    referral = checked_referral(
        database,
        coordinator,
        perpetrators=[{"name": "Dean Allen", "date_of_birth": "1988-04-02"}],
        children=[{"details": "Mia Allen, 3 May 2019"}],
    )
    check_page(client.get("/marac/sittings").get_data(as_text=True))
    sitting_id = _today_sitting(client)

    page = f"/marac/referrals/{referral.id}/list"
    html = client.get(page).get_data(as_text=True)
    check_page(html)
    assert "The next sitting with space" in html and "DCI Ward" in html
    response = _post(client, page, page, {"version": _version(html), "sitting": str(sitting_id)})
    assert response.status_code == 302
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])

    sitting_page = f"/marac/sittings/{sitting_id}"
    html = client.get(sitting_page).get_data(as_text=True)
    check_page(html)
    assert referral.reference in html and "Jade Allen" in html and "Dean Allen" in html
    assert "2 April 1988" in html and "Mia Allen, 3 May 2019" in html
    # The agenda holds nothing beyond what agencies search by: no risk, no narrative.
    assert "DASH" not in html and "holly.martin" not in html
    printed = client.get(f"{sitting_page}/print").get_data(as_text=True)
    check_page(printed)
    assert "Confidential: MARAC" in printed and "Jade Allen" in printed

    response = _post(
        client,
        sitting_page,
        f"{sitting_page}/attendance",
        {
            "attendance-version": _version(html, "attendance"),
            "attendance-agency": "Police",
            "attendance-present": "yes",
            "attendance-attendee": "DS Khan",
        },
    )
    assert response.status_code == 302
    assert "DS Khan" in client.get(sitting_page).get_data(as_text=True)

    case = f"/marac/cases/{listing_id}"
    html = client.get(case).get_data(as_text=True)
    check_page(html)
    response = _post(
        client,
        case,
        f"{case}/research",
        {"research-agency": "Health", "research-known": "yes", "research-summary": "A&E twice"},
    )
    assert response.status_code == 302
    html = client.get(case).get_data(as_text=True)
    response = _post(
        client,
        case,
        f"{case}/hearing",
        {
            "hearing-version": _version(html, "hearing"),
            "hearing-risks": "Escalating",
            "hearing-outcome": "Actions agreed",
        },
    )
    assert response.status_code == 302
    html = client.get(case).get_data(as_text=True)
    check_page(html)
    assert "Known to us: A&amp;E twice" in html and "Escalating" in html
    due = _today() + timedelta(days=14)
    response = _post(
        client,
        case,
        f"{case}/actions",
        {
            "action-version": _version(html, "action"),
            "action-agency": "Police",
            "action-description": "Flag the address",
            "action-due_on": [str(due.day), str(due.month), str(due.year)],
        },
    )
    assert response.status_code == 302
    with database.uow() as uow:
        action = uow.session.exec(select(MaracAction)).one()
    html = client.get(case).get_data(as_text=True)
    check_page(html)
    response = _post(
        client,
        case,
        f"{case}/actions/{action.id}",
        {f"end{action.id}-version": _version(html, f"end{action.id}"), f"end{action.id}-done": "y"},
    )
    assert response.status_code == 302
    with database.uow() as uow:
        listing = uow.session.get(MaracListing, listing_id)
        assert listing is not None and listing.state is MeetingState.DONE
        viewed = uow.session.exec(
            select(AuditEvent.summary).where(
                col(AuditEvent.action) == "view", col(AuditEvent.object_id) == referral.id
            )
        ).all()
    assert any("marac case" in s for s in viewed)


def test_adjourn_page_and_a_conflict_keeps_what_was_typed(
    client: FlaskClient, database: Database
) -> None:
    _signed_in(client, database)
    coordinator = actor_for(make_user(database, Role.MANAGER))
    referral = checked_referral(database, coordinator)
    sitting_id = _today_sitting(client)
    page = f"/marac/referrals/{referral.id}/list"
    html = client.get(page).get_data(as_text=True)
    response = _post(client, page, page, {"version": _version(html), "sitting": str(sitting_id)})
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])

    adjourn = f"/marac/cases/{listing_id}/adjourn"
    html = client.get(adjourn).get_data(as_text=True)
    check_page(html)
    stale = str(int(_version(html)) + 1)
    response = _post(
        client, adjourn, adjourn, {"version": stale, "reason": "Police late", "sitting": "next"}
    )
    assert response.status_code == 409
    assert "Police late" in response.get_data(as_text=True)
    response = _post(
        client,
        adjourn,
        adjourn,
        {"version": _version(html), "reason": "Police late", "sitting": "later"},
    )
    assert response.status_code == 302
    relist = f"/marac/cases/{listing_id}/relist"
    html = client.get(relist).get_data(as_text=True)
    check_page(html)
    response = _post(client, relist, relist, {"version": _version(html), "sitting": "next"})
    assert response.status_code == 302
    with database.uow() as uow:
        rows = uow.session.exec(select(MaracListing).order_by(col(MaracListing.id))).all()
        later = uow.session.get(MaracSitting, rows[1].sitting_id)
    assert [r.state for r in rows] == [MeetingState.ADJOURNED, MeetingState.LISTED]
    assert later is not None and later.sits_on > _today()


def test_an_empty_form_is_refused_with_the_reason(client: FlaskClient, database: Database) -> None:
    _signed_in(client, database)
    response = _post(client, "/marac/sittings/new", "/marac/sittings/new", {"capacity": "0"})
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Enter the date of the sitting" in html and "Enter a number from 1 to 200" in html


def test_idvas_and_admins_do_not_see_marac_pages(client: FlaskClient, database: Database) -> None:
    for role in (Role.IDVA, Role.ADMIN):
        client.post("/sign-out")
        _signed_in(client, database, role)
        assert client.get("/marac/sittings").status_code == 403
