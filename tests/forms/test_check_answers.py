"""Check your answers: one summary card per page, unanswered optional questions left out."""

import re
from html import unescape

from flask.testing import FlaskClient

from tests.forms.answers import STALKING, fill, marac


def cards(html: str) -> list[str]:
    return re.findall(r'<h2 class="govuk-summary-card__title">\s*(.*?)\s*</h2>', html)


def test_one_card_and_one_change_link_per_page(client: FlaskClient) -> None:
    pages = marac(17)
    fill(client, "marac", pages)
    html = unescape(client.get("/refer/marac/check").get_data(as_text=True))
    assert len(cards(html)) == len(pages)
    assert html.count(">\n  Change<") + html.count(">Change<") == len(pages), "one Change link each"
    assert "Not given" not in html
    assert "Other names they use or have used" in html  # answered: shown
    assert "Victim's email address" not in html  # optional and empty: left out
    assert "(optional)" not in html


def test_a_checklist_question_shows_its_sub_options_source_and_comment_on_its_row(
    client: FlaskClient,
) -> None:
    pages = marac(17)
    pages["dash-1"] = {**pages["dash-1"], "q3_sub": ["kill_self"], "q1_comment": "Broken wrist"}
    pages["dash-2"] = {**pages["dash-2"], "q8_source": "Her sister"}
    fill(client, "marac", pages)
    html = unescape(client.get("/refer/marac/check").get_data(as_text=True))
    assert "Comment: Broken wrist" in html and "Source if not the victim: Her sister" in html
    assert "What and who the victim is afraid for:" in html
    assert "Question 1: comment" not in html  # no row of its own


def test_the_safe_channels_are_grouped_by_answer(client: FlaskClient) -> None:
    fill(client, "stalking", STALKING)
    html = unescape(client.get("/refer/stalking/check").get_data(as_text=True))
    assert re.search(
        r"Safe ways to contact them\s*</dt>.*?Telephone call, Text message", html, re.S
    )
    assert re.search(r"Not safe\s*</dt>.*?Voicemail, Letter", html, re.S)
    assert "Is it safe to call the victim?" not in html
