"""The queue: open referrals most urgent first, every filter, search, pages, counts and export."""

import csv
import io
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import SYSTEM, actor_for, make_referral, make_user
from tests.queue.builders import age, audit_actions, references, search
from tests.web.pages import check_page, csrf_token, sign_in
from workflow.errors import PermissionDenied
from workflow.models import User
from workflow.models.referral import Consent, Outcome, Pathway, Source
from workflow.models.staff import Role
from workflow.queue import listing
from workflow.queue.keys import name_codes, phonetic
from workflow.referrals import casework
from workflow.referrals.casework import ConsentDecision
from workflow.store.db import Database


def _page(client: FlaskClient, url: str = "/queue") -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page(html)
    return html


def test_the_queue_lists_open_referrals_most_urgent_first(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    standard = make_referral(database, dash_yes=5)
    standard_late = make_referral(database, dash_yes=5)
    high_new = make_referral(database, dash_yes=15)
    high_late = make_referral(database, dash_yes=15)
    highest = make_referral(database, dash_yes=20)
    no_dash = make_referral(database, pathway=Pathway.STALKING_IDVA, dash_yes=None)
    closed = make_referral(database, dash_yes=24)
    age(database, high_late, 10)
    age(database, standard_late, 10)
    with database.uow() as uow:
        casework.close(uow, actor_for(coordinator), closed.id, None, Outcome.DUPLICATE)
    listed = references(_page(desk))
    if hasattr(listing.Referral, "due_at"):
        # Overdue high risk, then high risk by score, then other overdue work, then the rest.
        expected = [high_late, highest, high_new, standard_late, standard, no_dash]
    else:
        expected = [highest, high_late, high_new, standard_late, standard, no_dash]
    assert listed == [r.reference for r in expected]
    assert closed.reference not in listed


def test_the_queue_shows_risk_age_flags_and_idva(
    desk: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    referral = make_referral(database, needs_review=["victim.postcode"], victim_postcode="CB6 1AA")
    age(database, referral, 7)
    html = _page(desk)
    assert "DASH 18 (high)" in html and "MARAC criteria met" in html
    assert "working days" in html
    for label in ("Needs review", "Border postcode", "No consent"):
        assert label in html
    assert "Not allocated" in html
    assert "Jade Allen" in html, "the queue names the victim to those who may see the case"
    assert "27/01/1990" not in html, "dates of birth are shown only for a search"


def test_counts_per_state(desk: FlaskClient, database: Database, coordinator: User) -> None:
    make_referral(database)
    second = make_referral(database)
    with database.uow() as uow:
        casework.check_consent(
            uow, actor_for(coordinator), second.id, None, ConsentDecision(Consent.GIVEN)
        )
    with database.uow() as uow:
        counts = listing.counts_by_state(uow)
    assert counts[listing.State.RECEIVED] == 1 and counts[listing.State.CONSENT_CHECKED] == 1
    assert listing.State.CLOSED not in counts
    assert "<strong>1</strong> consent checked" in _page(desk)


@pytest.fixture
def varied(database: Database, coordinator: User, idva: User) -> dict[str, str]:
    """One referral per filter value, by name."""
    made = {
        "marac_high": make_referral(database, dash_yes=18),
        "stalking": make_referral(database, pathway=Pathway.STALKING_IDVA, dash_yes=None),
        "medium": make_referral(database, dash_yes=11),
        "standard": make_referral(database, dash_yes=3, referrer_agency="Addenbrooke's Hospital"),
        "unverified": make_referral(database, referrer_email="someone@gmail.com"),
        "review": make_referral(database, needs_review=["dash.answers.3"]),
        "out_of_area": make_referral(database, victim_postcode="PE30 1AA"),
    }
    with database.uow() as uow:
        uow.session.get(type(made["medium"]), made["medium"].id).source = Source.EMAIL
        uow.commit()
    actor = actor_for(coordinator)
    allocated = made["marac_high"]
    with database.uow() as uow:
        casework.check_consent(uow, actor, allocated.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        casework.allocate(uow, actor, allocated.id, None, idva.id)
    return {name: r.reference for name, r in made.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=allocated", {"marac_high"}),
        ("pathway=stalking_idva", {"stalking"}),
        ("band=medium", {"medium"}),
        ("band=standard", {"standard"}),
        ("band=none", {"stalking"}),
        ("flag=unverified_referrer", {"unverified"}),
        ("flag=needs_review", {"review"}),
        ("flag=ineligible", {"out_of_area"}),
        ("agency=addenbrooke", {"standard"}),
        ("source=email", {"medium"}),
        ("idva=IDVA", {"marac_high"}),
        ("pathway=marac&band=high&idva=0", {"unverified", "review", "out_of_area"}),
    ],
)
def test_each_filter(
    desk: FlaskClient, varied: dict[str, str], idva: User, query: str, expected: set[str]
) -> None:
    query = query.replace("idva=IDVA", f"idva={idva.id}")
    listed = set(references(_page(desk, f"/queue?{query}")))
    assert listed == {varied[name] for name in expected}


def test_nonsense_filters_are_ignored_not_errors(desk: FlaskClient, varied: dict[str, str]) -> None:
    listed = references(_page(desk, "/queue?state=nope&pathway=x&band=y&flag=z&idva=q&page=zz"))
    assert len(listed) == len(varied)


def test_the_overdue_filter_finds_only_overdue_referrals(
    desk: FlaskClient, database: Database
) -> None:
    make_referral(database)
    late = make_referral(database)
    age(database, late, 10)
    html = _page(desk, "/queue?overdue=y")
    if not hasattr(listing.Referral, "due_at"):
        assert references(html) == [], "without due times nothing can be overdue"
        return
    assert references(html) == [late.reference]
    assert "Overdue" in html


def test_names_sound_alike_in_codes() -> None:
    assert phonetic("jayde") == phonetic("jade")
    assert phonetic("alen") == phonetic("allen")
    assert phonetic("katherine") == phonetic("catherine")
    assert phonetic("mohammed") == phonetic("muhammad")
    assert phonetic("smith") != phonetic("jones")
    assert name_codes(["Zoë O'Brien"]) == name_codes(["Zoe OBrien"])


@pytest.fixture
def people(database: Database) -> dict[str, str]:
    made = {
        "jade": make_referral(database, victim_name="Jade Allen"),
        "alias": make_referral(
            database, victim_name="Sam Hughes", victim_aliases=["Samantha Hewson"]
        ),
        "other_dob": make_referral(
            database, victim_name="Jade Allen", victim_date_of_birth=date(1985, 5, 5)
        ),
        "elsewhere": make_referral(
            database,
            victim_name="Kate Price",
            victim_postcode="CB1 2AB",
            victim_date_of_birth=date(2000, 2, 2),
        ),
    }
    return {name: r.reference for name, r in made.items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jayde Alen", {"jade", "other_dob"}),
        ("allen", {"jade", "other_dob"}),
        ("Samantha Hewson", {"alias"}),
        ("Jade Allen 27/01/1990", {"jade"}),
        ("1985-05-05", {"other_dob"}),
        ("cb12ab", {"elsewhere"}),
        ("Price CB1 2AB", {"elsewhere"}),
        ("cb1", {"elsewhere"}),
        ("Jade PE7", {"jade", "other_dob"}),
        ("Zachary Quinn", set()),
    ],
)
def test_search_by_name_alias_date_of_birth_and_postcode(
    desk: FlaskClient, people: dict[str, str], text: str, expected: set[str]
) -> None:
    html = search(desk, text)
    check_page(html)
    assert set(references(html)) == {people[name] for name in expected}


def test_search_by_reference(desk: FlaskClient, people: dict[str, str]) -> None:
    reference = people["alias"]
    assert references(search(desk, reference.lower())) == [reference]
    assert references(search(desk, str(int(reference[9:15])))) == [reference]
    assert references(search(desk, reference[:15])) == [reference]  # without its check part


def test_a_search_that_asks_for_nothing_finds_nothing(
    desk: FlaskClient, people: dict[str, str]
) -> None:
    assert references(search(desk, "!!")) == []


def test_search_results_show_victim_names_and_are_audited(
    desk: FlaskClient, database: Database, people: dict[str, str], coordinator: User
) -> None:
    html = search(desk, "Jayde Alen")
    assert "Jade Allen" in html and "27/01/1990" in html
    event = audit_actions(database, "queue")[-1]
    assert (event.action, event.actor_id) == ("search", coordinator.id)
    assert event.after == {"search": "Jayde Alen"}


def test_a_search_never_travels_in_the_url(desk: FlaskClient, people: dict[str, str]) -> None:
    html = _page(desk, "/queue?q=Jade+Allen&search=Jade+Allen")
    assert len(references(html)) == len(people), "a query string does not search"
    assert 'method="post" action="/queue/search' in html
    assert desk.get("/queue/search?q=Jade").status_code == 405


def test_search_keeps_the_filters_of_the_page(
    desk: FlaskClient, database: Database, people: dict[str, str]
) -> None:
    make_referral(database, victim_name="Jade Allen", pathway=Pathway.STALKING_IDVA, dash_yes=None)
    html = search(desk, "Jade Allen", query="?pathway=stalking_idva")
    assert len(references(html)) == 1


def test_an_empty_search_asks_for_something(desk: FlaskClient, people: dict[str, str]) -> None:
    html = search(desk, "  ")
    assert "Enter something to search for" in html
    check_page(html)


def test_pages_of_fifty(desk: FlaskClient, database: Database) -> None:
    for _ in range(listing.PER_PAGE + 3):
        make_referral(database, dash_yes=None, pathway=Pathway.STALKING_IDVA)
    first = _page(desk)
    second = _page(desk, "/queue?page=2")
    assert len(references(first)) == listing.PER_PAGE and len(references(second)) == 3
    assert "Page 2 of 2" in second and "53 referrals" in first
    assert references(_page(desk, "/queue?page=99")) == references(second)
    assert not set(references(first)) & set(references(second))


def test_search_results_page_through_posts(desk: FlaskClient, database: Database) -> None:
    for _ in range(listing.PER_PAGE + 2):
        make_referral(database, victim_name="Jade Allen", dash_yes=None)
    assert len(references(search(desk, "Jade Allen", page=2))) == 2


def test_export_holds_what_the_filter_shows_and_is_audited(
    desk: FlaskClient, database: Database, varied: dict[str, str], coordinator: User
) -> None:
    token = csrf_token(desk, "/queue?pathway=stalking_idva")
    export = desk.post("/queue/export?pathway=stalking_idva", data={"csrf_token": token})
    assert export.status_code == 200
    assert export.mimetype == "text/csv"
    assert export.headers["Content-Disposition"].startswith("attachment;")
    assert export.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][0] == "reference" and "victim_name" not in rows[0]
    assert [row[0] for row in rows[1:]] == [varied["stalking"]]
    event = audit_actions(database, "queue")[-1]
    assert (event.action, event.actor_id) == ("export", coordinator.id)
    assert event.after["references"] == [varied["stalking"]]
    assert event.after["filter"] == {"pathway": "stalking_idva"}


def test_an_export_of_a_search_carries_the_names_shown_and_escapes_formulas(
    desk: FlaskClient, database: Database
) -> None:
    make_referral(database, victim_name="=HYPERLINK Allen")
    token = csrf_token(desk, "/queue")
    export = desk.post("/queue/export", data={"csrf_token": token, "q": "Allen"})
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][-2:] == ["victim_name", "victim_date_of_birth"]
    assert rows[1][-2] == "'=HYPERLINK Allen"


def test_the_mail_panel_says_what_is_off_and_waiting(
    desk: FlaskClient, database: Database, coordinator: User, idva: User
) -> None:
    referral = make_referral(database)
    actor = actor_for(coordinator)
    with database.uow() as uow:
        casework.check_consent(uow, actor, referral.id, None, ConsentDecision(Consent.GIVEN))
    with database.uow() as uow:
        casework.allocate(uow, actor, referral.id, None, idva.id)
    html = _page(desk)
    assert "Mailbox polling is off" in html
    assert "Outgoing mail is off" in html and "1 message kept unsent" in html


def test_only_coordinators_and_managers_see_the_queue(
    app: Flask, database: Database, idva: User
) -> None:
    manager = make_user(database, Role.MANAGER)
    for user, status in ((idva, 403), (manager, 200)):
        client = app.test_client()
        sign_in(client, user.email)
        assert client.get("/queue").status_code == status
    with database.uow() as uow, pytest.raises(PermissionDenied):
        listing.queue_page(uow, SYSTEM, listing.QueueFilter())
