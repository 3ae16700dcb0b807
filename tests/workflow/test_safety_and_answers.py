"""The safety block and the answers as shown: labels not codes, UK dates, Don't know kept."""

import re
from datetime import date
from typing import Any

import pytest
from flask import Flask
from wtforms import RadioField, SelectField, SelectMultipleField

from forms.referral import marac, stalking
from tests.factories import make_referral, new_referral
from workflow.assessment.checklists import DASH
from workflow.models import Assessment
from workflow.models.referral import Instrument, Source
from workflow.record import answers
from workflow.record.catalogue import (
    BY_PATH,
    ITEMS,
    PERPETRATOR,
    UnknownField,
    in_words,
    uk_date,
    undeclared,
)
from workflow.record.translate import to_new_referral
from workflow.referrals import safety
from workflow.store.db import Database


def _texts(parts: list[safety.SafetyPart]) -> dict[str, str]:
    return {line.label: line.text for part in parts for line in part.lines}


def test_the_safety_block_says_who_not_to_contact_and_treats_dont_know_as_not_safe(
    database: Database,
) -> None:
    referral = make_referral(
        database,
        safe_contact={"call": True, "text": None, "letter": False},
        victim_details={"language": "Punjabi", "interpreter": "yes"},
        details={"unsafe_to_speak_to": "Do NOT speak to her mother-in-law:\nshe tells him"},
    )
    block = safety.safety_block(referral, [])
    shown = _texts(block)
    assert shown["Who must not be spoken to"] == "Do NOT speak to her mother-in-law:\nshe tells him"
    assert shown["Telephone call"] == "Safe"
    assert shown["Text message"] == "Don't know — treat as not safe"
    assert shown["Letter"] == "Not safe"
    assert shown["First or preferred language"] == "Punjabi"
    assert shown["Needs an interpreter"] == "Yes"
    assert shown["Who the victim is afraid of"] == "Not answered"
    assert block[0].title == "Who to avoid and who is safe"
    warned = {line.label for part in block for line in part.lines if line.warning}
    assert {"Who must not be spoken to", "Text message", "Needs an interpreter"} <= warned


def test_a_stalking_referral_says_plainly_what_its_form_does_not_ask(database: Database) -> None:
    referral = make_referral(database, details={"at_risk": {"children": "dont_know"}})
    referral.pathway = referral.pathway.STALKING_IDVA
    shown = _texts(safety.safety_block(referral, []))
    assert shown["Who must not be spoken to"] == "Not asked on this form"
    assert shown["Children at risk"] == "Don't know"


def test_answers_show_labels_uk_dates_and_one_card_per_person(database: Database) -> None:
    referral = make_referral(
        database,
        perpetrators=[
            {
                "name": "Ryan Allen",
                "relationship_to_victim": "ex_partner",
                "date_of_birth": "1985-06-14",
            },
            {"name": "Mo Allen", "relationship_to_victim": "family"},
        ],
        children=[{"details": "Amy Allen 1 2 2019\nBen Allen 3 4 2021"}],
    )
    found = {s.title: s for s in answers.sections(referral)}
    people = found["Perpetrators"].cards
    assert [c.title for c in people] == ["Perpetrator 1", "Perpetrator 2"]
    first = {r.label: r.text for r in people[0].rows}
    assert first["Relationship to the victim"] == "Ex-partner"
    assert first["Date of birth"] == "14 June 1985"
    children = found["Children in the household"].cards
    assert [c.rows[0].text for c in children] == ["Amy Allen 1 2 2019", "Ben Allen 3 4 2021"]
    victim = {r.label: r.text for r in found["The victim"].rows}
    assert victim["Date of birth"] == "27 January 1990"


def test_checklist_answers_carry_sub_options_source_and_comment() -> None:
    given = {"answer": "yes", "sub": ["bail", "fmpo"], "source": "Police log", "comment": "Twice"}
    assessment = Assessment(
        id=1, referral_id=1, instrument=Instrument.SAFELIVES_DASH_24, answers={"23": given}
    )
    q = answers.checklist(assessment).questions[22]
    assert q.answer == "Yes" and q.comment == "Twice" and q.source == "Police log"
    assert q.sub == ("Bail conditions", "Forced marriage protection order")
    assert answers.checklist(assessment).questions[0].answer == "Not answered"


def test_every_item_has_one_path_and_undeclared_answers_are_found(database: Database) -> None:
    assert len(BY_PATH) == len(ITEMS)
    referral = make_referral(database)
    referral.details = {"new_question": "An answer", "repeat_of": "REF-1"}
    assert undeclared(referral) == [("details.new_question", "An answer")]
    assert uk_date("2026-11-20") == "20 November 2026"


@pytest.mark.parametrize(
    "fields",
    [
        {"victim_nmae": "Jade"},
        {"details": {"victim_afriad_of": "him"}},
        {"safe_contact": {"cal": True}},
        {"perpetrators": [{"nmae": "Ryan"}]},
        {"children": [{"names": "Amy"}]},
    ],
)
def test_a_misspelt_key_fails_loudly_instead_of_losing_the_answer(fields: dict[str, Any]) -> None:
    with pytest.raises(UnknownField, match="Not a field a referral keeps"):
        new_referral(**fields)


def test_a_reader_key_the_contract_does_not_name_fails_loudly() -> None:
    record = {"pathway": "marac", "victim": {"name": "Jade", "safe_contact_note": "text"}}
    with pytest.raises(UnknownField, match=r"victim\.safe_contact_note"):
        to_new_referral(record, Source.EMAIL)


def test_every_option_of_every_form_is_shown_by_its_label(app: Flask) -> None:
    with app.test_request_context():
        offered = {
            (page.slug, f.name): {c.value: c.label for c in f.choices}
            for flow in (marac.FLOW, stalking.FLOW)
            for page in flow.pages
            for f in page.form(meta={"csrf": False})
            if isinstance(f, (RadioField, SelectMultipleField, SelectField))
            and not re.fullmatch(r"q\d+(_sub)?", f.name)
        }
    shown_options = {o for item in (*ITEMS, *PERPETRATOR) for o in item.options}
    for field, choices in offered.items():
        for code, label in choices.items():
            if code == "" or field == ("consent", "lawful_basis"):
                continue  # the empty "Choose" entry; lawful bases have their own list
            if (code, label) not in shown_options and label not in ("Yes", "No"):
                raise AssertionError(f"{field}: {code} -> {label} is not shown by its label")
    for item in (*ITEMS, *PERPETRATOR):
        for code, label in item.options:
            assert item.shown(code) == label


def test_the_block_carries_dash_17_and_23_and_the_mailed_forms_contact_notes(
    database: Database,
) -> None:
    referral = make_referral(
        database, safe_contact={"overall": False, "notes": "Only via her support worker"}
    )
    dash = Assessment(
        id=1,
        referral_id=referral.id or 0,
        instrument=Instrument.SAFELIVES_DASH_24,
        answers={
            "17": {"answer": "yes", "comment": "His brother Kamal"},
            "23": {"answer": "yes", "sub": ["bail"], "comment": "Broke bail in October"},
        },
    )
    lines = {
        line.label: line for part in safety.safety_block(referral, [dash]) for line in part.lines
    }
    threat = lines["DASH 17. " + DASH[16].text]
    assert threat.warning and "His brother Kamal" in threat.text
    breach = lines["DASH 23. " + DASH[22].text]
    assert breach.text == "Yes\nBail conditions\nBroke bail in October" and breach.warning
    assert lines["Safe to contact"].text == "Not safe"
    assert lines["Safe contact notes"].text == "Only via her support worker"


def test_values_waiting_for_review_are_shown_in_words() -> None:
    assert in_words("victim.date_of_birth", date(1990, 1, 27)) == "27 January 1990"
    assert in_words("dash.answers.7", "dont_know") == "Don't know"
    assert in_words("victim.safe_to_contact", None) == "Not read"
    assert in_words("victim.safe_to_contact", False) == "Not safe"
