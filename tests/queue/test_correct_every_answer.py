"""Corrections reach every answer the referral page shows, with before and after audited."""

import re

from flask.testing import FlaskClient
from sqlmodel import select

from tests.factories import make_referral
from tests.queue.builders import audit_actions, fetch
from tests.web.pages import check_page, post_form
from workflow.models import Assessment, User
from workflow.record.catalogue import CHILD, ITEMS, PERPETRATOR
from workflow.store.db import Database

FULL = {
    "details": {"unsafe_to_speak_to": "Her mother-in-law", "behaviour": {"since": "2026-03-01"}},
    "perpetrators": [{"name": "Ravi One", "relationship_to_victim": "ex_partner"}],
    "children": [{"details": "Amy 1 2 2019\nBen 3 4 2021"}],
}


def test_every_answer_shown_has_a_working_correct_link(
    desk: FlaskClient, database: Database
) -> None:
    referral = make_referral(database, **FULL)
    html = desk.get(f"/referrals/{referral.id}").get_data(as_text=True)
    links = set(re.findall(rf'/referrals/{referral.id}/correct/([\w.]+)"', html))
    record_paths = {i.record_path for i in ITEMS if i.record_path}
    for item in ITEMS:
        if "marac" not in item.asked_by and item.path != "details.behaviour.since":
            continue  # another form's question, shown only when given
        assert item.path in links or item.record_path in links, item.path
    people = {f"perpetrators.0.{i.path}" for i in PERPETRATOR if i.record_path == ""}
    assert people - {"perpetrators.0.description"} <= links  # asked by the stalking form only
    assert f"children.0.{CHILD[0].path}" in links
    for path in sorted(links - record_paths)[:60]:
        page = desk.get(f"/referrals/{referral.id}/correct/{path}")
        assert page.status_code == 200, path
        check_page(page.get_data(as_text=True))


def test_a_multi_line_answer_is_corrected_in_a_text_area_and_audited(
    desk: FlaskClient, database: Database, coordinator: User
) -> None:
    referral = make_referral(database, **FULL)
    url = f"/referrals/{referral.id}/correct/details.unsafe_to_speak_to"
    page = desk.get(url).get_data(as_text=True)
    assert "<textarea" in page and "Her mother-in-law</textarea>" in page
    new = "Her mother-in-law\nand his cousin Dev"
    data = {"value": new, "reason": "Checked with the referrer", "version": str(referral.version)}
    assert post_form(desk, url, data).status_code == 302
    assert fetch(database, referral.id).details["unsafe_to_speak_to"] == new
    event = audit_actions(database, "referral")[-1]
    assert event.action == "correct" and event.actor_id == coordinator.id
    assert event.before == {"details.unsafe_to_speak_to": "Her mother-in-law"}
    assert event.after == {"details.unsafe_to_speak_to": new, "reason": "Checked with the referrer"}


def test_a_perpetrators_answers_are_corrected_by_label_and_date(
    desk: FlaskClient, database: Database
) -> None:
    referral = make_referral(database, **FULL)
    base = f"/referrals/{referral.id}/correct/perpetrators.0."
    for field, typed in (
        ("relationship_to_victim", "Family member"),
        ("date_of_birth", "1985-06-14"),
    ):
        data = {
            "value": typed,
            "reason": "Misread",
            "version": str(fetch(database, referral.id).version),
        }
        assert post_form(desk, base + field, data).status_code == 302, field
    person = fetch(database, referral.id).perpetrators[0]
    assert person == {
        "name": "Ravi One",
        "relationship_to_victim": "family",
        "date_of_birth": "1985-06-14",
    }
    html = desk.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Family member" in html and "14 June 1985" in html


def test_a_value_of_the_wrong_kind_says_what_to_type(desk: FlaskClient, database: Database) -> None:
    referral = make_referral(database, **FULL)
    url = f"/referrals/{referral.id}/correct/victim_details.interpreter"
    data = {"value": "Perhaps", "reason": "Misread", "version": str(referral.version)}
    html = post_form(desk, url, data).get_data(as_text=True)
    assert "Type one of: Yes; No; Don&#39;t know." in html
    assert desk.get(f"/referrals/{referral.id}/correct/perpetrators.5.name").status_code in (
        200,
        404,
    )
    missing = post_form(desk, f"/referrals/{referral.id}/correct/perpetrators.5.name", data)
    assert missing.status_code == 404


def test_a_checklist_comment_and_sub_options_are_corrected_on_the_newest_version(
    desk: FlaskClient, database: Database
) -> None:
    referral = make_referral(database, **FULL)
    with database.uow() as uow:
        dash = uow.session.exec(select(Assessment)).one()
        dash.answers = {**dash.answers, "23": {"answer": "yes", "comment": "Old", "sub": ["bail"]}}
        uow.commit()
    html = desk.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "/correct/dash.answers.23.comment" in html and "/correct/dash.answers.23.sub" in html
    url = f"/referrals/{referral.id}/correct/dash.answers.23.comment"
    assert ">Old</textarea>" in desk.get(url).get_data(as_text=True)
    version = str(fetch(database, referral.id).version)
    data = {"value": "Broke bail twice\nin October", "reason": "Misread", "version": version}
    assert post_form(desk, url, data).status_code == 302
    sub = f"/referrals/{referral.id}/correct/dash.answers.23.sub"
    version = str(fetch(database, referral.id).version)
    data = {
        "value": "Bail conditions, Non-molestation order",
        "reason": "Misread",
        "version": version,
    }
    assert post_form(desk, sub, data).status_code == 302
    with database.uow() as uow:
        given = uow.session.exec(select(Assessment)).one().answers["23"]
    assert given == {
        "answer": "yes",
        "comment": "Broke bail twice\nin October",
        "sub": ["bail", "non_molestation"],
    }
    event = audit_actions(database, "referral")[-1]
    assert event.before == {"dash.answers.23.sub": ["bail"]}
