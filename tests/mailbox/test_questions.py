"""DASH, ACPO DASH and S-DASH questions are recognised by meaning, whatever their wording."""

import pytest

from mailbox.fields import match_label
from mailbox.questions import DASH, SDASH, match_question, vote_instrument
from tests.mailbox.builders import (
    ACPO_EXTRA,
    DASH_QUESTIONS,
    PARAPHRASED,
    SDASH_QUESTIONS,
)


@pytest.mark.parametrize(("number", "text"), list(enumerate(DASH_QUESTIONS, start=1)))
def test_safelives_wording_is_recognised_confidently(number: int, text: str) -> None:
    found = match_question(text, DASH)
    assert found is not None
    assert (found.qid, found.score, found.unique) == (str(number), 1.0, True)


@pytest.mark.parametrize(("number", "text"), list(enumerate(PARAPHRASED, start=1)))
def test_paraphrases_map_to_the_same_question(number: int, text: str) -> None:
    found = match_question(text, DASH)
    assert found is not None and found.qid == str(number)


# SafeLives' own longer wording, with the guidance notes printed under some questions.
WITH_GUIDANCE = [
    (
        "14",
        "Has (…) ever threatened to kill you or someone else and you believed them? "
        "(If yes, tick who: You / Children / Other)",
    ),
    (
        "18",
        "Do you know if (…) has hurt anyone else? (Please specify whom including the children, "
        "siblings or elderly relatives. Consider HBV.)",
    ),
    (
        "12",
        "Does (…) try to control everything you do and/or are they excessively jealous? (In "
        "terms of relationships, who you see, being 'policed at home', what to wear.)",
    ),
    (
        "20",
        "Are there any financial issues? For example, are you dependent on (…) for money/have "
        "they recently lost their job/other financial issues?",
    ),
    (
        "4",
        "Do you feel isolated from family/friends i.e. does (…) try to stop you from seeing "
        "friends/family/doctor or others?",
    ),
]


@pytest.mark.parametrize(("number", "text"), WITH_GUIDANCE)
def test_questions_with_guidance_notes(number: str, text: str) -> None:
    found = match_question(text, DASH)
    assert found is not None and (found.qid, found.unique) == (number, True)


@pytest.mark.parametrize("text", ACPO_EXTRA)
def test_acpo_children_questions_are_not_taken_for_any_of_the_24(text: str) -> None:
    found = match_question(text, DASH)
    assert found is not None and found.qid.startswith("acpo:")


@pytest.mark.parametrize(("number", "text"), list(enumerate(SDASH_QUESTIONS, start=1)))
def test_stalking_screen_questions(number: int, text: str) -> None:
    found = match_question(text, SDASH)
    assert found is not None and (found.qid, found.unique) == (str(number), True)


SDASH_PARAPHRASED = [
    "Victim very frightened?",
    "Previous history of harassment/DA?",
    "Property damaged?",
    "Turns up more than 3 times a week?",
    "Follows/loiters near home or work?",
    "Threats of physical/sexual violence?",
    "Harassing third parties (family/friends)?",
    "Violent to others during this stalking?",
    "Got others to help (proxy stalking)?",
    "Stalker drug/alcohol/MH problems?",
    "History of violence?",
]


@pytest.mark.parametrize(("number", "text"), list(enumerate(SDASH_PARAPHRASED, start=1)))
def test_stalking_screen_paraphrases(number: int, text: str) -> None:
    found = match_question(text, SDASH)
    assert found is not None and (found.qid, found.unique) == (str(number), True)


def test_instrument_is_chosen_by_the_questions_asked() -> None:
    assert vote_instrument(SDASH_PARAPHRASED) == SDASH
    assert vote_instrument(SDASH_QUESTIONS) == SDASH
    assert vote_instrument(DASH_QUESTIONS) == DASH


def test_unrelated_text_is_not_a_question() -> None:
    assert match_question("Please return this form by secure email.") is None


@pytest.mark.parametrize(
    ("label", "context", "path"),
    [
        ("Name of victim", None, "victim.name"),
        ("Client name", None, "victim.name"),
        ("Victim DOB", None, "victim.date_of_birth"),
        ("D.O.B.", "perpetrator", "perpetrator.date_of_birth"),
        ("Alleged perpetrator", None, "perpetrator.name"),
        ("Referring agency", None, "referrer.agency"),
        ("Job title", None, "referrer.role"),
        ("Tel", "referrer", "referrer.phone"),
        ("Is it safe to contact the victim?", None, "victim.safe_to_contact"),
        ("Safe contact details", None, "victim.safe_contact_notes"),
        ("No. of children in household", None, "children_in_household"),
        ("Has the victim consented?", None, "consent"),
        ("Summary of concerns", None, "reason_for_referral"),
        ("Date of referral", "victim", "_referral_date"),
        ("Date DASH completed", None, "dash.completed_date"),
        ("Is it safe to leave a voicemail?", "referrer", None),
        ("Subject", None, None),
        ("Name of the person being stalked", None, "victim.name"),
        ("Stalker's name", None, "perpetrator.name"),
        ("Child 1 name", "victim", None),
        ("Referring professional", None, "referrer.name"),
    ],
)
def test_form_labels_are_recognised_by_meaning(
    label: str, context: str | None, path: str | None
) -> None:
    assert match_label(label, context) == path
