"""Checklist sub-options go only with a Yes; sub-options, source and comment are GOV.UK
conditional reveals (all shown without JavaScript, which the markup alone decides)."""

import re
from html import unescape
from typing import Any

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


# --- Follow-up questions that belong to one answer (issue 15) ------------------------------------
# (page, radio, the answer that reveals, the questions it reveals)
FOLLOW_UPS = [
    ("victim", "victim_gender", "self_describe", ("victim_gender_description",)),
    ("criteria", "professional_judgement", "yes", ("professional_judgement_reason",)),
    ("criteria", "previous_marac", "yes", ("previous_marac_date", "previous_marac_where")),
    ("consent", "consent", "refused", ("consent_refused_reason",)),
    ("consent", "consent", "not_asked_unsafe", ("consent_not_sought_reason",)),
]


def _element(html: str, at: int) -> str:
    """The <div> that starts at `at`, to its matching end tag."""
    depth = 0
    for tag in re.finditer(r"<div\b|</div>", html[at:]):
        depth += 1 if tag[0] == "<div" else -1
        if depth == 0:
            return html[at : at + tag.end()]
    raise AssertionError("unclosed div")


def up_to(slug: str, client: FlaskClient) -> str:
    pages = marac(17)
    slugs = list(pages)
    return fill(client, "marac", {s: pages[s] for s in slugs[: slugs.index(slug)]})


@pytest.mark.parametrize(("slug", "radio", "value", "names"), FOLLOW_UPS)
def test_a_follow_up_is_revealed_only_by_its_own_answer(
    client: FlaskClient, slug: str, radio: str, value: str, names: tuple[str, ...]
) -> None:
    up_to(slug, client)
    html = unescape(client.get(f"/refer/marac/{slug}").get_data(as_text=True))
    option = re.search(rf'<input[^>]*name="{radio}"[^>]*value="{value}"[^>]*>', html)
    assert option, (radio, value)
    controls = re.search(r'data-aria-controls="([^"]+)"', option[0])
    assert controls, option[0]
    start = html.index(f'id="{controls[1]}"')
    block = _element(html, html.rindex("<div", 0, start))
    assert "govuk-radios__conditional--hidden" in block[:120]  # hidden until chosen
    for name in names:
        assert f'name="{name}' in block, name
        assert html.count(f'name="{name}') == block.count(f'name="{name}'), name  # only there
    others = re.findall(rf'<input[^>]*name="{radio}"[^>]*>', html)
    revealing = [o for o in others if "data-aria-controls" in o]
    assert len(revealing) == sum(1 for f in FOLLOW_UPS if f[1] == radio)


CONTRADICTIONS = [
    (
        "victim",
        {"victim_gender": "female", "victim_gender_description": "Woman"},
        "Select Prefer to self-describe, or leave this empty",
    ),
    (
        "criteria",
        {"professional_judgement": "no", "professional_judgement_reason": "Escalating"},
        "Select Yes above, or leave the reason empty",
    ),
    (
        "criteria",
        {"previous_marac": "no", "previous_marac_date": ["1", "2", "2026"]},
        "Select Yes above, or leave the date empty",
    ),
    (
        "criteria",
        {"previous_marac": "dont_know", "previous_marac_where": "Ely"},
        "Select Yes above, or leave which MARAC empty",
    ),
    (
        "consent",
        {"consent": "given", "consent_refused_reason": "Frightened"},
        "Select 'No, they do not agree' above, or leave this reason empty",
    ),
    (
        "consent",
        {
            "consent": "refused",
            "consent_refused_reason": "Frightened",
            "consent_not_sought_reason": "He reads her phone",
            "lawful_basis": "public_task",
        },
        "Select 'They have not been asked because it is not safe' above, or leave this reason "
        "empty",
    ),
    (
        "consent",
        {"consent": "not_asked_unsafe", "lawful_basis": "public_task"},
        "Enter why it is not safe to ask the victim",
    ),
    (
        "consent",
        {"consent": "refused", "lawful_basis": "public_task"},
        "Enter why the victim has not agreed to this referral",
    ),
]


@pytest.mark.parametrize(("slug", "change", "error"), CONTRADICTIONS)
def test_a_follow_up_given_under_another_answer_is_refused_not_stored(
    client: FlaskClient, slug: str, change: dict[str, Any], error: str
) -> None:
    csrf = up_to(slug, client)
    data = {**marac(17)[slug], **change}
    response = post_page(client, "marac", slug, data, csrf)
    assert response.status_code == 200
    assert error in unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("consent", "reason"),
    [
        (
            {"consent_refused_reason": " Frightened of him ", "consent": "refused"},
            "Frightened of him",
        ),
        (
            {"consent_not_sought_reason": "He reads her phone", "consent": "not_asked_unsafe"},
            "He reads her phone",
        ),
        ({"consent": "given"}, ""),
    ],
)
def test_either_reason_is_stored_as_the_one_reason(consent: dict[str, str], reason: str) -> None:
    from forms.referral.marac import consent_reason

    page = {"consent_refused_reason": None, "consent_not_sought_reason": None, **consent}
    assert consent_reason(page) == reason
