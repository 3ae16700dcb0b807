"""Checklist sub-options go only with a Yes; sub-options, source and comment are GOV.UK
conditional reveals (all shown without JavaScript, which the markup alone decides)."""

import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from tests.forms.answers import dash_pages, fill, marac, post_page


def before_the_dash(client: FlaskClient) -> str:
    pages = marac(17)
    slugs = list(pages)
    return fill(client, "marac", {s: pages[s] for s in slugs[: slugs.index("dash-1")]})


@pytest.mark.parametrize(
    ("answer", "said"),
    [("no", "No"), ("dont_know", "Don&#39;t know"), ("", "not answered")],
)
def test_sub_options_with_anything_but_yes_are_refused_with_a_clear_error(
    client: FlaskClient, answer: str, said: str
) -> None:
    csrf = before_the_dash(client)
    dash3 = {**dash_pages(17)["dash-3"], "q14": answer, "q14_sub": ["children"]}
    response = post_page(client, "marac", "dash-3", dash3, csrf)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Question 14 is {said}: answer Yes, or untick &#39;who was threatened&#39;" in html
    assert 'href="#q14_sub"' in html  # the summary leads to the ticks


def test_sub_options_with_yes_are_kept(client: FlaskClient) -> None:
    csrf = before_the_dash(client)
    dash3 = {**dash_pages(17)["dash-3"], "q14": "yes", "q14_sub": ["children"]}
    assert post_page(client, "marac", "dash-3", dash3, csrf).status_code == 302
    page = client.get("/refer/marac/dash-3").get_data(as_text=True)
    assert re.search(r'name="q14_sub" type="checkbox" value="children" checked', page)


def test_sub_options_are_revealed_by_yes_and_source_and_comment_by_their_own_box(
    client: FlaskClient,
) -> None:
    before_the_dash(client)
    html = unescape(client.get("/refer/marac/dash-1").get_data(as_text=True))
    yes = re.search(r'<input[^>]*id="q3"[^>]*>', html)
    assert yes and 'value="yes"' in yes[0] and 'data-aria-controls="conditional-q3"' in yes[0]
    reveal = html[html.index('id="conditional-q3"') :]
    assert reveal.index('name="q3_sub"') < reveal.index('name="q4"')
    box = re.search(r'<input[^>]*name="q1_more"[^>]*>', html)
    assert box and 'data-aria-controls="conditional-q1_more"' in box[0]
    assert "checked" not in box[0]  # nothing written yet: closed
    comment = html[html.index('id="conditional-q1_more"') :]
    assert comment.index('name="q1_source"') < comment.index('name="q1_comment"')
    assert comment.index('name="q1_comment"') < comment.index('name="q2"')
    # The conditionals carry GOV.UK's hidden class, which only hides them once GOV.UK
    # Frontend's script has marked the page as supported: with JavaScript off they show.
    assert 'class="govuk-checkboxes__conditional govuk-checkboxes__conditional--hidden"' in html


def test_a_saved_comment_opens_its_box(client: FlaskClient) -> None:
    csrf = before_the_dash(client)
    dash1 = {**dash_pages(17)["dash-1"], "q2_comment": "Sleeps at her sister's"}
    assert post_page(client, "marac", "dash-1", dash1, csrf).status_code == 302
    html = client.get("/refer/marac/dash-1").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="q2_more"[^>]*>', html)
    assert box and "checked" in box[0]
    assert 'id="conditional-q2_more"' in html
    assert 'class="govuk-checkboxes__conditional" id="conditional-q2_more"' in html


def test_a_stalking_screen_reveals_only_a_comment(client: FlaskClient) -> None:
    from tests.forms.answers import STALKING

    slugs = list(STALKING)
    fill(client, "stalking", {s: STALKING[s] for s in slugs[: slugs.index("screening-1")]})
    html = unescape(client.get("/refer/stalking/screening-1").get_data(as_text=True))
    assert "Add a comment" in html and "source" not in html.lower().split("<main")[1]
