"""Referrers complete both public forms in real Chromium, by mouse, by keyboard and without
JavaScript; axe-core and the checks axe misses run on every page and every error state."""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect
from sqlmodel import select

from app import create_app
from commands.db import upgrade
from tests.forms.answers import MARAC_STALKING, STALKING, marac
from tests.support.browser import AXE_JS, serve_app
from tests.support.postgres import ADMIN_URL, create_database, drop_database
from workflow.models import Assessment, Referral
from workflow.store.db import Database

pytestmark = pytest.mark.browser

SERVICE = "Stalking, Harassment and MARAC Referrals"


@dataclass
class Live:
    base: str
    app: Flask
    database: Database

    def referral(self, reference: str) -> tuple[Referral, list[Assessment]]:
        with self.database.uow() as work:
            found = work.session.exec(select(Referral).where(Referral.reference == reference)).one()
            checklists = list(
                work.session.exec(
                    select(Assessment)
                    .where(Assessment.referral_id == found.id)
                    .order_by(Assessment.id)
                )
            )
        return found, checklists

    def victims(self) -> list[str]:
        with self.database.uow() as work:
            return [r.victim_name for r in work.session.exec(select(Referral))]


@pytest.fixture(scope="module")
def live(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app served on loopback over a database of its own whose commits are real."""
    admin_url = os.environ.get("TEST_PG_ADMIN_URL", ADMIN_URL)
    if db_backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite3'}"
    else:
        url = create_database(admin_url)
    try:
        upgrade(url)
        database = Database(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test-key", "TESTING": True})
        app.extensions["database"] = database
        with serve_app(app) as base:
            yield Live(base, app, database)
        database.bind.dispose()  # type: ignore[union-attr]
    finally:
        if db_backend != "sqlite":
            drop_database(admin_url, url)


# --- What every page must pass -----------------------------------------------------------------

PAGE_CHECKS = """service => {
  const problems = [];
  const shown = el => !!el && el.getClientRects().length > 0 && el.textContent.trim() !== '';
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  const title = document.title.trim();
  if (!title.endsWith(service)) problems.push(`title "${title}"`);
  const summary = document.querySelector('.govuk-error-summary');
  if (!!summary !== title.startsWith('Error:')) problems.push('"Error:" prefix does not match');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    // A question inside a closed GOV.UK reveal is not shown, so neither is its label.
    if (el.closest('.govuk-radios__conditional--hidden, .govuk-checkboxes__conditional--hidden')
        && el.getClientRects().length === 0) continue;
    const label = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    if (!shown(label)) problems.push(`no visible label for ${el.name} (#${el.id})`);
    const group = document.querySelectorAll(`[name="${CSS.escape(el.name)}"]`).length > 1;
    if (el.type === 'radio' || group) {
      const legend = el.closest('fieldset')?.querySelector(':scope > legend');
      if (!shown(legend)) problems.push(`no visible legend for ${el.name}`);
    }
  }
  return problems;
}"""


def audit(page: Page) -> None:
    """axe-core (0 violations) plus one h1, a title, 'Error:' with errors, visible labels."""
    problems = page.evaluate(PAGE_CHECKS, SERVICE)
    assert not problems, f"{page.url}: {problems}"
    # The app's CSP forbids inline scripts, so axe is evaluated rather than added as a tag.
    page.evaluate("src => { if (!window.axe) { (0, eval)(src); } }", AXE_JS.read_text())
    violations = page.evaluate("() => axe.run(document).then(r => r.violations)")
    report = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert not report, f"{page.url}: {report}"


ERROR_TITLE = re.compile(r"^Error: ")


def click(page: Page, target: Locator) -> None:
    """Click something that loads a new page, and wait for it."""
    with page.expect_navigation():
        target.click()


def save(page: Page, expect_error: bool = False) -> None:
    click(page, page.get_by_role("button", name="Save and continue"))
    if expect_error:
        expect(page).to_have_title(ERROR_TITLE)


def more_box(name: str) -> str | None:
    """The "Add the source … or a comment" box that reveals a checklist question's extras."""
    found = re.fullmatch(r"(q\d+)_(source|comment)", name)
    return f"{found.group(1)}_more" if found else None


def fill_page(page: Page, answers: dict[str, Any]) -> None:
    """Answer a page with the mouse (ticking the box that reveals a source or comment)."""
    for name, value in answers.items():
        toggle = more_box(name)
        if toggle and not page.locator(f'[name="{name}"]').is_visible():
            page.check(f'input[name="{toggle}"]')
        boxes = page.locator(f'input[type="checkbox"][name="{name}"]')
        if boxes.count() > 1 or (boxes.count() == 1 and isinstance(value, list)):
            for v in value:
                page.check(f'input[name="{name}"][value="{v}"]')
        elif boxes.count() == 1:
            page.check(f'input[name="{name}"]')
        elif isinstance(value, list):
            for part, v in zip(("day", "month", "year"), value, strict=True):
                page.fill(f"#{name}-{part}", v)
        elif page.locator(f'input[type="radio"][name="{name}"]').count():
            page.check(f'input[name="{name}"][value="{value}"]')
        elif page.locator(f'select[name="{name}"]').count():
            page.select_option(f'select[name="{name}"]', value)
        else:
            page.fill(f'[name="{name}"]', value)


def each_page_with_its_errors(page: Page, answers: dict[str, dict[str, Any]]) -> None:
    """Show each page's error state first, audit both states, then answer and go on."""
    for slug, data in answers.items():
        expect(page).to_have_url(at(slug))
        audit(page)
        save(page, expect_error=True)
        audit(page)
        fill_page(page, data)
        save(page)


def at(slug: str) -> re.Pattern[str]:
    return re.compile(rf"/{re.escape(slug)}$")


def reference_on(page: Page) -> str:
    expect(page).to_have_title(f"Referral sent – {page_title_kind(page)} – {SERVICE}")
    audit(page)
    return page.locator("#reference").inner_text().strip()


def page_title_kind(page: Page) -> str:
    return "MARAC referral" if "/marac/" in page.url else "Stalking and harassment referral"


def outcomes(referral: Referral) -> dict[str, str]:
    return {o["rule"]: o["result"] for o in referral.rule_outcomes}


# --- The tests ---------------------------------------------------------------------------------


def test_a_referrer_sends_a_stalking_referral_through_every_error_state(
    live: Live, page: Page
) -> None:
    page.goto(live.base + "/refer/")
    audit(page)
    click(page, page.get_by_role("link", name="Stalking and harassment referral"))
    audit(page)
    click(page, page.get_by_role("button", name="Start now"))
    # The error summary links to the field it is about (GOV.UK Frontend moves the focus).
    save(page, expect_error=True)
    page.locator(".govuk-error-summary a").first.click()
    expect(page.locator("#referrer_name")).to_be_focused()
    pages = {**STALKING, "victim": {**STALKING["victim"], "victim_name": "<b>Ann</b> Other"}}
    each_page_with_its_errors(page, pages)
    expect(page).to_have_title(f"Check your answers – Stalking and harassment referral – {SERVICE}")
    audit(page)
    expect(page.get_by_text("<b>Ann</b> Other")).to_be_visible()  # shown as typed, not as HTML
    click(page, page.get_by_role("button", name="Send referral"))
    referral, checklists = live.referral(reference_on(page))
    assert referral.victim_name == "<b>Ann</b> Other" and referral.state.value == "received"
    # The typed police address counts once its owner opens the link mailed to it.
    assert outcomes(referral) == {
        "age": "met",
        "area": "met",
        "recency": "met",
        "referrer": "check",
    }
    assert [(c.instrument.value, c.score) for c in checklists] == [("s_dash_11", 3)]


KEYS = """([name, id]) => { const a = document.activeElement;
  return id ? a.id === id : name ? a.name === name : a.tagName === 'BUTTON'; }"""


def tab_to(page: Page, name: str | None = None, element_id: str | None = None) -> None:
    """Press Tab until the named field (or, with neither, the next button) has the focus."""
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate(KEYS, [name, element_id]):
            return
    raise AssertionError(f"{name or element_id or 'a button'} cannot be reached with Tab")


def type_page(page: Page, answers: dict[str, Any]) -> None:
    """Answer a page with the keyboard alone, in the order the fields come."""
    for name, value in answers.items():
        toggle = more_box(name)
        if toggle and not page.locator(f'[name="{name}"]').is_visible():
            tab_to(page, toggle)
            page.keyboard.press("Space")
        kind = page.evaluate(
            "n => { const e = document.getElementsByName(n)[0];"
            " return e.tagName === 'INPUT' ? e.type : e.tagName; }",
            name,
        )
        if kind == "radio":
            values = page.eval_on_selector_all(f'[name="{name}"]', "els => els.map(e => e.value)")
            tab_to(page, name)
            page.keyboard.press("Space")  # the first option; arrows move and select
            for _ in range(values.index(value)):
                page.keyboard.press("ArrowDown")
        elif kind == "checkbox":
            for v in value:
                tab_to(page, element_id=page.get_attribute(f'[name="{name}"][value="{v}"]', "id"))
                page.keyboard.press("Space")
        elif isinstance(value, list):
            for part, v in zip(("day", "month", "year"), value, strict=True):
                tab_to(page, element_id=f"{name}-{part}")
                page.keyboard.type(v)
        elif kind == "SELECT":
            tab_to(page, name)
            page.keyboard.type(
                page.inner_text(f'select[name="{name}"] option[value="{value}"]')[:6]
            )
        else:
            tab_to(page, name)
            page.keyboard.type(value)


def press_button(page: Page) -> None:
    tab_to(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_referrer_sends_a_marac_referral_by_keyboard_alone(live: Live, page: Page) -> None:
    page.goto(live.base + "/refer/marac")
    audit(page)
    press_button(page)
    answers = marac(17)
    answers["victim"] = {**answers["victim"], "victim_name": "Kay Keyboard"}
    answers["dash-1"] = {**answers["dash-1"], "q3_sub": ["kill_self", "injury_children"]}
    for slug, data in answers.items():
        expect(page).to_have_url(at(slug))
        if slug in MARAC_STALKING:  # asked after a Yes to DASH Q8, and optional: no error state
            expect(page.get_by_text("You answered Yes to question 8")).to_be_visible()
            audit(page)
        else:
            press_button(page)  # nothing answered: the error state
            expect(page).to_have_title(ERROR_TITLE)
            audit(page)
        if slug == "referrer":  # the summary has the focus; its first link leads to the field
            expect(page.locator(".govuk-error-summary")).to_be_focused()
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            expect(page.locator("#referrer_name")).to_be_focused()
        type_page(page, data)
        if slug == "dash-2":  # the live hint counts this page's Yes answers on top of page 1's
            expect(page.locator("#dash-hint")).to_be_visible()
            expect(page.locator("#dash-hint")).to_contain_text("DASH score so far: 12")
        press_button(page)
    expect(page).to_have_title(f"Check your answers – MARAC referral – {SERVICE}")
    audit(page)
    expect(page.locator("#dash-score")).to_contain_text("DASH score: 17 out of 24")
    expect(page.locator("#dash-score")).to_contain_text("meets the MARAC threshold")
    press_button(page)
    referral, checklists = live.referral(reference_on(page))
    assert referral.victim_name == "Kay Keyboard" and referral.dash_score == 17
    assert outcomes(referral)["visible_high_risk"] == "met" and referral.marac_criteria_met
    assert checklists[0].answers["3"]["sub"] == ["kill_self", "injury_children"]
    screen = checklists[1]
    assert screen.instrument.value == "s_dash_11" and screen.score == 2
    assert screen.answers["5"]["comment"] == "Follows her car"


def test_under_16_out_of_area_no_consent_and_domestic_abuse_stop_and_explain(
    live: Live, page: Page
) -> None:
    page.goto(live.base + "/refer/stalking")
    click(page, page.get_by_role("button", name="Start now"))
    fill_page(page, STALKING["referrer"])
    save(page)
    young = date.today() - timedelta(days=15 * 365)
    fill_page(
        page,
        {
            **STALKING["victim"],
            "victim_name": "Una Der",
            "victim_date_of_birth": [str(young.day), str(young.month), str(young.year)],
        },
    )
    save(page)
    expect(page.locator("h1")).to_have_text("This service is for people aged 16 and over")
    audit(page)
    click(page, page.get_by_role("link", name="change it"))
    fill_page(page, {"victim_date_of_birth": ["1", "1", "2000"]})
    save(page)
    fill_page(page, {**STALKING["contact"], "victim_postcode": "NR1 1AA"})
    save(page)
    expect(page.locator("h1")).to_contain_text("live in Cambridgeshire or Peterborough")
    audit(page)
    click(page, page.get_by_role("link", name="change it"))
    fill_page(page, STALKING["contact"])
    save(page)
    for slug in ("safe-contact", "about-victim"):
        fill_page(page, STALKING[slug])
        save(page)
    fill_page(page, {"consent": "refused"})
    save(page)
    expect(page.locator("h1")).to_contain_text("without the victim's agreement")
    expect(page.get_by_text("0808 802 0300").first).to_be_visible()
    audit(page)
    click(page, page.get_by_role("link", name="change your answer"))
    fill_page(page, {"consent": "given"})
    save(page)
    fill_page(page, {"suspect_relationship": "partner"})
    save(page)
    expect(page.locator("h1")).to_contain_text("This is domestic abuse")
    audit(page)
    click(page, page.get_by_role("button", name="Make a MARAC referral"))
    expect(page).to_have_url(at("perpetrator"))  # every shared page came across
    page.goto(live.base + "/refer/marac/victim")
    expect(page.locator("#victim_name")).to_have_value("Una Der")
    assert "Una Der" not in live.victims()
    allowed = live.app.config["REFERRAL_STARTS_PER_HOUR"]
    live.app.config["REFERRAL_STARTS_PER_HOUR"] = 0
    try:
        page.goto(live.base + "/refer/stalking")
        click(page, page.get_by_role("button", name="Delete your answers"))
        page.goto(live.base + "/refer/stalking")
        click(page, page.get_by_role("button", name="Start now"))
        expect(page.locator("h1")).to_have_text("Too many referrals from your connection")
        audit(page)
    finally:
        live.app.config["REFERRAL_STARTS_PER_HOUR"] = allowed


def test_the_stalking_form_works_without_javascript(live: Live, chromium: Browser) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live.base + "/refer/stalking")
        click(page, page.get_by_role("button", name="Start now"))
        save(page, expect_error=True)
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your full name")
        pages = {**STALKING, "victim": {**STALKING["victim"], "victim_name": "Nora Script"}}
        for data in pages.values():
            fill_page(page, data)
            save(page)
        click(page, page.get_by_role("button", name="Send referral"))
        expect(page).to_have_title(f"Referral sent – Stalking and harassment referral – {SERVICE}")
        page.go_back()  # back to check your answers: it is already sent, so no second referral
        expect(page).to_have_title(f"Referral sent – Stalking and harassment referral – {SERVICE}")
        assert live.victims().count("Nora Script") == 1
    finally:
        context.close()


# --- Check your answers, reveals, Exit this page (issue 15) --------------------------------------

# The MARAC check page was 20,954 px tall (155 Change links) for a realistic referral: one
# summary list row per field, mostly "Not given". The goal is under a third of that.
CHECK_PAGE_HEIGHT_BEFORE = 20954


def realistic_marac() -> dict[str, dict[str, Any]]:
    """A MARAC referral as a referrer fills it: DASH 17, a few sub-options and comments."""
    answers = marac(17)
    answers["dash-1"] = {
        **answers["dash-1"],
        "q3_sub": ["kill_self", "injury_children"],
        "q1_comment": "Broken wrist in October",
    }
    answers["dash-2"] = {**answers["dash-2"], "q8_source": "Her sister"}
    answers["victim"] = {**answers["victim"], "victim_name": "Tess Tall"}
    return answers


def post_pages(live: Live, page: Page, kind: str, pages: dict[str, dict[str, Any]]) -> None:
    """Start a draft in this browser and save its pages over HTTP (quicker than typing)."""
    page.goto(f"{live.base}/refer/{kind}")
    click(page, page.get_by_role("button", name="Start now"))
    post_more(live, page, kind, pages)


def post_more(live: Live, page: Page, kind: str, pages: dict[str, dict[str, Any]]) -> None:
    """Save more pages of this browser's draft over HTTP."""
    page.goto(f"{live.base}/refer/{kind}")
    csrf = page.locator('input[name="csrf_token"]').first.get_attribute("value") or ""
    for slug, data in pages.items():
        body = urlencode({**data, "csrf_token": csrf}, doseq=True)
        response = page.request.post(
            f"{live.base}/refer/{kind}/{slug}",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            max_redirects=0,
        )
        assert response.status == 302, (slug, response.text()[:2000])


def test_the_check_page_is_a_third_of_its_old_height(live: Live, page: Page) -> None:
    post_pages(live, page, "marac", realistic_marac())
    page.goto(f"{live.base}/refer/marac/check")
    expect(page).to_have_title(f"Check your answers – MARAC referral – {SERVICE}")
    height = page.evaluate("document.body.scrollHeight")
    changes = page.get_by_role("link", name=re.compile("^Change")).count()
    print(f"check page: {height} px, {changes} Change links")
    audit(page)
    assert height < CHECK_PAGE_HEIGHT_BEFORE / 3, height


def up_to(pages: dict[str, dict[str, Any]], slug: str) -> dict[str, dict[str, Any]]:
    slugs = list(pages)
    return {s: pages[s] for s in slugs[: slugs.index(slug)]}


def test_sub_options_source_and_comment_are_revealed_with_javascript(
    live: Live, page: Page
) -> None:
    post_pages(live, page, "marac", up_to(realistic_marac(), "dash-3"))
    page.goto(f"{live.base}/refer/marac/dash-3")
    threatened = page.locator("#conditional-q14")
    expect(threatened).to_be_hidden()
    expect(page.locator('[name="q13_comment"]')).to_be_hidden()
    audit(page)
    page.check("#q14")  # Yes reveals who was threatened
    expect(threatened).to_be_visible()
    page.check('[name="q14_sub"][value="children"]')
    page.check('[name="q13_more"]')  # the box reveals the source and the comment
    expect(page.locator('[name="q13_source"]')).to_be_visible()
    expect(page.locator('[name="q13_comment"]')).to_be_visible()
    audit(page)
    page.check("#q14-2")  # No: the ticks go with the Yes they belonged to
    expect(threatened).to_be_hidden()
    assert not page.is_checked('[name="q14_sub"][value="children"]')
    page.check("#q14")
    page.check('[name="q14_sub"][value="children"]')
    fill_page(page, {**realistic_marac()["dash-3"], "q14": "yes", "q13_comment": "A hammer"})
    save(page)
    expect(page).to_have_url(at("dash-4"))
    page.goto(f"{live.base}/refer/marac/dash-3")  # saved: open again, the comment's box ticked
    expect(page.locator('[name="q13_comment"]')).to_have_value("A hammer")
    expect(threatened).to_be_visible()


def test_without_javascript_every_reveal_shows_and_a_contradiction_is_refused(
    live: Live, chromium: Browser
) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        post_pages(live, page, "marac", up_to(realistic_marac(), "dash-3"))
        page.goto(f"{live.base}/refer/marac/dash-3")
        for name in ("q14_sub", "q13_source", "q13_comment", "q18_sub"):
            expect(page.locator(f'[name="{name}"]').first).to_be_visible()
        fill_page(page, {**realistic_marac()["dash-3"], "q14": "no", "q14_sub": ["children"]})
        save(page, expect_error=True)
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Question 14 is No: answer Yes, or untick 'who was threatened'"
        )
        expect(page.locator("#q14_sub-error")).to_be_visible()  # beside the ticks, visible
        page.check("#q14")
        save(page)
        expect(page).to_have_url(at("dash-4"))
    finally:
        context.close()


def between(pages: dict[str, dict[str, Any]], first: str, last: str) -> dict[str, Any]:
    """The pages after `first` and before `last`."""
    slugs = list(pages)
    return {s: pages[s] for s in slugs[slugs.index(first) + 1 : slugs.index(last)]}


def test_follow_up_questions_show_under_their_answer_and_hidden_ones_are_not_sent(
    live: Live, page: Page
) -> None:
    """Gender in their words, the professional-judgement reason, the earlier MARAC and the
    consent reasons each show only under the answer they belong to; what was typed under an
    answer then changed is not sent as if it applied."""
    answers = realistic_marac()
    answers["victim"]["victim_name"] = "Rhea Veal"
    post_pages(live, page, "marac", up_to(answers, "victim"))
    page.goto(f"{live.base}/refer/marac/victim")
    described = page.locator('[name="victim_gender_description"]')
    expect(described).to_be_hidden()
    audit(page)
    page.check('[name="victim_gender"][value="self_describe"]')
    expect(described).to_be_visible()
    described.fill("Agender")
    audit(page)
    page.check('[name="victim_gender"][value="female"]')
    expect(described).to_be_hidden()
    fill_page(page, answers["victim"])
    save(page)  # the hidden description is not sent, so no contradiction is refused
    expect(page).to_have_url(at("contact"))

    post_more(live, page, "marac", between(answers, "victim", "criteria"))
    page.goto(f"{live.base}/refer/marac/criteria")
    reason = page.locator('[name="professional_judgement_reason"]')
    earlier = page.locator("#previous_marac_date-day")
    expect(reason).to_be_hidden()
    expect(earlier).to_be_hidden()
    audit(page)
    page.check('[name="professional_judgement"][value="yes"]')
    expect(reason).to_be_visible()
    reason.fill("She minimises it")
    page.check('[name="previous_marac"][value="yes"]')
    expect(earlier).to_be_visible()
    expect(page.locator('[name="previous_marac_where"]')).to_be_visible()
    fill_page(page, {"previous_marac_date": ["1", "2", "2026"], "previous_marac_where": "Ely"})
    audit(page)
    page.check('[name="professional_judgement"][value="no"]')  # changed their mind
    expect(reason).to_be_hidden()
    fill_page(page, {k: v for k, v in answers["criteria"].items() if "previous" not in k})
    page.check('[name="previous_marac"][value="yes"]')
    save(page)
    expect(page).to_have_url(at("consent"))

    refused = page.locator('[name="consent_refused_reason"]')
    unsafe = page.locator('[name="consent_not_sought_reason"]')
    expect(refused).to_be_hidden()
    expect(unsafe).to_be_hidden()
    page.check('[name="consent"][value="refused"]')
    expect(refused).to_be_visible()
    expect(unsafe).to_be_hidden()
    refused.fill("Frightened of him")
    page.check('[name="consent"][value="not_asked_unsafe"]')
    expect(refused).to_be_hidden()
    expect(unsafe).to_be_visible()
    unsafe.fill("He reads her phone")
    fill_page(page, {"victim_aware": "no", "lawful_basis": "public_task"})
    audit(page)
    save(page)
    expect(page).to_have_url(at("safety"))

    post_more(live, page, "marac", {"safety": answers["safety"]})
    page.goto(f"{live.base}/refer/marac/check")
    click(page, page.get_by_role("button", name="Send referral"))
    referral, _ = live.referral(reference_on(page))
    assert referral.victim_gender == "female"
    assert "Agender" not in str(referral.details)
    assert not referral.professional_judgement and referral.professional_judgement_reason == ""
    assert referral.details["previous_marac"] == {
        "referred": "yes",
        "date": "2026-02-01",
        "where": "Ely",
    }
    assert referral.consent_not_sought_reason == "He reads her phone"


def test_without_javascript_every_follow_up_shows_and_a_contradiction_is_refused(
    live: Live, chromium: Browser
) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        answers = realistic_marac()
        post_pages(live, page, "marac", up_to(answers, "criteria"))
        page.goto(f"{live.base}/refer/marac/criteria")
        for name in ("professional_judgement_reason", "previous_marac_where"):
            expect(page.locator(f'[name="{name}"]')).to_be_visible()
        expect(page.locator("#previous_marac_date-day")).to_be_visible()
        fill_page(
            page,
            {**answers["criteria"], "professional_judgement_reason": "She minimises it"},
        )
        save(page, expect_error=True)  # a reason under No
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Select Yes above, or leave the reason empty"
        )
        expect(page.locator("#professional_judgement_reason-error")).to_be_visible()
        page.check('[name="professional_judgement"][value="yes"]')
        save(page)
        expect(page).to_have_url(at("consent"))
        for name in ("consent_refused_reason", "consent_not_sought_reason"):
            expect(page.locator(f'[name="{name}"]')).to_be_visible()
        fill_page(
            page,
            {"victim_aware": "no", "consent": "refused", "consent_not_sought_reason": "Unsafe"},
        )
        save(page, expect_error=True)  # the other answer's reason, and none for this one
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter why the victim has not agreed to this referral"
        )
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Select 'They have not been asked because it is not safe' above"
        )
        page.goto(f"{live.base}/refer/marac/victim")
        expect(page.locator('[name="victim_gender_description"]')).to_be_visible()
    finally:
        context.close()


def test_exit_this_page_leaves_by_button_and_by_shift_three_times(live: Live, page: Page) -> None:
    # The weather page stands in for the real one: the test machine has no internet.
    page.route(
        "https://www.bbc.co.uk/**", lambda route: route.fulfill(body="<title>Weather</title>")
    )
    post_pages(live, page, "marac", up_to(realistic_marac(), "victim"))
    page.goto(f"{live.base}/refer/marac/victim")
    exit_button = page.get_by_role("button", name="Emergency Exit this page")
    expect(exit_button).to_be_visible()
    audit(page)
    click(page, exit_button)
    expect(page).to_have_url("https://www.bbc.co.uk/weather")
    page.goto(f"{live.base}/refer/marac/check")
    page.locator("h1").click()  # focus in the page, not on a field
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url("https://www.bbc.co.uk/weather")


def test_the_confirmation_page_prints_the_referrers_copy(live: Live, page: Page) -> None:
    post_pages(live, page, "marac", realistic_marac())
    page.goto(f"{live.base}/refer/marac/check")
    click(page, page.get_by_role("button", name="Send referral"))
    reference_on(page)  # audited
    expect(page.get_by_role("button", name="Print your copy")).to_be_visible()
    expect(page.locator(".govuk-summary-card").first).to_contain_text("Holly Martin")
    page.emulate_media(media="print")
    for hidden in (".govuk-exit-this-page", ".app-header", ".app-footer", ".app-print"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("#reference")).to_be_visible()
    expect(page.get_by_text("Tess Tall").first).to_be_visible()
    page.emulate_media(media="screen")
