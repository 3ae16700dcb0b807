"""Each rule at its boundaries, with the Cambs defaults and with a different local policy."""

from datetime import UTC, date, datetime

import pytest

from workflow.policy import CAMBS, CAMBS_CHECK, CAMBS_IN, CAMBS_OUT, Policy
from workflow.rules import eligibility, prompts, risk
from workflow.rules.calendar import add_months
from workflow.rules.evaluate import ReferralFacts, evaluate
from workflow.rules.outcome import Result
from workflow.web_referrals.screening import Stop, check_age, london_today

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("yes", "band"),
    [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (24, "high")],
)
def test_dash_band_boundaries(yes: int, band: str) -> None:
    answers = {str(n): ("yes" if n <= yes else "no") for n in range(1, 25)}
    assert risk.dash_band(risk.dash_score(answers), CAMBS).value == band


def test_dont_know_and_blank_score_nothing() -> None:
    assert risk.dash_score({"1": "yes", "2": "dont_know", "3": None, "4": "no"}) == 1


def test_only_the_24_questions_score() -> None:
    all_yes = {str(n): "yes" for n in range(1, 25)}
    extra = {"acpo:children": "yes", "acpo:hurt_children": "yes", "25": "yes", "0": "yes"}
    assert risk.dash_score(all_yes | extra) == 24
    assert risk.dash_score({}) == 0


@pytest.mark.parametrize(
    ("score", "result", "said"),
    [
        (None, Result.CHECK, "No DASH score"),
        (0, Result.NOT_MET, "below the IDVA threshold of 14"),
        (13, Result.NOT_MET, "below the IDVA threshold of 14"),
        (14, Result.MET, "IDVA service with consent"),
        (16, Result.MET, "IDVA service with consent"),
        (17, Result.MET, "MARAC"),  # 17 meets visible high risk, so marac_met is True
    ],
)
def test_cambs_routing_table(score: int | None, result: Result, said: str) -> None:
    marac_met = risk.visible_high_risk(score, CAMBS).result is Result.MET
    found = risk.routing(score, marac_met, CAMBS)
    assert found.result is result and said in found.reason


@pytest.mark.parametrize(("score", "result"), [(16, Result.NOT_MET), (17, Result.MET)])
def test_visible_high_risk_at_the_cambs_marac_threshold(score: int, result: Result) -> None:
    outcome = risk.visible_high_risk(score, CAMBS)
    assert outcome.result is result
    assert str(score) in outcome.reason


def test_visible_high_risk_follows_a_national_policy() -> None:
    national = Policy(marac_from=14)
    assert risk.visible_high_risk(14, national).result is Result.MET


@pytest.mark.parametrize(
    ("score", "expected"),
    [(13, Result.NOT_MET), (14, Result.MET), (16, Result.MET)],
)
def test_routing_to_idva_from_14(score: int, expected: Result) -> None:
    outcome = risk.routing(score, marac_met=False, policy=CAMBS)
    assert outcome.result is expected
    if expected is Result.MET:
        assert "IDVA" in outcome.reason


def test_routing_to_marac_when_a_criterion_is_met() -> None:
    assert "MARAC" in risk.routing(3, marac_met=True, policy=CAMBS).reason


def test_professional_judgement_needs_a_reason() -> None:
    assert risk.professional_judgement(True, "  ").result is Result.CHECK
    assert risk.professional_judgement(True, "Escalating threats").result is Result.MET
    assert risk.professional_judgement(False, None).result is Result.NOT_MET


@pytest.mark.parametrize(("incidents", "result"), [(2, Result.NOT_MET), (3, Result.MET)])
def test_potential_escalation_at_three_incidents(incidents: int, result: Result) -> None:
    assert risk.potential_escalation(incidents, CAMBS).result is result


# A dated further incident, referred the day it happened (the referral date only bounds it).
@pytest.mark.parametrize(
    ("last_marac", "incident", "result"),
    [
        (date(2025, 11, 28), date(2026, 11, 28), Result.MET),  # 12 months to the day
        (date(2025, 11, 28), date(2026, 11, 29), Result.NOT_MET),  # the day after
        (date(2023, 3, 1), date(2024, 3, 1), Result.MET),  # 366 days across 29 February
        (date(2023, 3, 1), date(2024, 3, 2), Result.NOT_MET),
        (date(2024, 2, 29), date(2025, 2, 28), Result.MET),  # leap day: ends 28 February
        (date(2024, 2, 29), date(2025, 3, 1), Result.NOT_MET),
        (date(2026, 11, 27), date(2026, 11, 28), Result.MET),  # the day after the referral
        (date(2026, 11, 28), date(2026, 11, 28), Result.CHECK),  # same day: same incident?
    ],
)
def test_repeat_marac_window_is_twelve_calendar_months(
    last_marac: date, incident: date, result: Result
) -> None:
    assert risk.repeat_marac(last_marac, incident, CAMBS, incident).result is result


# Last MARAC referral 1 November 2025; the new referral arrives 20 November 2026. Issue 15 (the
# corrected docs/domain.md): no incident date was "met" on the referral date, which let the case
# past the consent guard; it is now a check, as is an incident on the last referral's day.
@pytest.mark.parametrize(
    ("incident", "result", "said"),
    [
        (date(2026, 11, 1), Result.MET, "Incident 2026-11-01"),  # further, inside the window
        (date(2025, 11, 2), Result.MET, "Incident 2025-11-02"),  # the day after the referral
        (date(2026, 11, 2), Result.NOT_MET, "repeat up to 2026-11-01"),  # after the window
        (date(2025, 11, 1), Result.CHECK, "possible duplicate"),  # the day of the referral
        (date(2025, 10, 31), Result.CHECK, "possible duplicate"),  # before it
        (date(2026, 11, 21), Result.CHECK, "after this referral's date"),  # a mistyped date
        (None, Result.CHECK, "No incident date given"),
    ],
)
def test_repeat_marac_counts_only_a_dated_further_incident(
    incident: date | None, result: Result, said: str
) -> None:
    found = risk.repeat_marac(date(2025, 11, 1), date(2026, 11, 20), CAMBS, incident)
    assert found.result is result and said in found.reason


@pytest.mark.parametrize("referred", [date(2025, 11, 1), date(2026, 11, 1), date(2030, 1, 1)])
def test_repeat_marac_without_an_incident_date_is_never_met(referred: date) -> None:
    found = risk.repeat_marac(date(2025, 11, 1), referred, CAMBS, None)
    assert found.result is Result.CHECK


def test_repeat_marac_without_an_earlier_referral() -> None:
    assert risk.repeat_marac(None, TODAY, CAMBS).result is Result.NOT_MET


@pytest.mark.parametrize(
    ("born", "result"),
    [
        (date(2010, 11, 29), Result.NOT_MET),  # 15, sixteenth birthday tomorrow
        (date(2010, 11, 28), Result.MET),  # 16 today
        (date(1950, 1, 1), Result.MET),
        (None, Result.CHECK),
    ],
)
def test_age_boundary(born: date | None, result: Result) -> None:
    assert eligibility.age_rule(born, TODAY, CAMBS).result is result


def test_leap_day_birthday_counts_from_first_of_march() -> None:
    assert eligibility.age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert eligibility.age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16


# Someone born on 29 February turns 16 in a leap year (16 is a multiple of 4), so the minimum
# age falls on 29 February itself; other birthdays fall on 1 March in common years.
@pytest.mark.parametrize(
    ("referred", "result"),
    [
        (date(2024, 2, 28), Result.NOT_MET),
        (date(2024, 2, 29), Result.MET),
        (date(2024, 3, 1), Result.MET),
    ],
)
def test_leap_day_victim_on_the_referral_date(referred: date, result: Result) -> None:
    assert eligibility.age_rule(date(2008, 2, 29), referred, CAMBS).result is result


def test_leap_day_birthday_in_a_common_year_is_first_of_march() -> None:
    assert eligibility.age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16
    assert eligibility.age_on(date(2008, 2, 29), date(2025, 3, 1)) == 17


@pytest.mark.parametrize(
    ("postcode", "result"),
    [
        ("CB1 2AB", Result.MET),
        ("cb21 5xy", Result.MET),
        ("PE29 1AA", Result.MET),
        ("pe74tq", Result.MET),
        ("CB6 1AA", Result.CHECK),  # border: Ely area, partly Suffolk
        ("PE28 9ZZ", Result.CHECK),
        ("SG8 0AA", Result.CHECK),
        ("IP28 7AA", Result.CHECK),
        ("CB10 1AA", Result.NOT_MET),  # Saffron Walden, Essex
        ("PE10 0AA", Result.NOT_MET),
        ("PE30 1AA", Result.NOT_MET),
        ("SW1A 1AA", Result.NOT_MET),
        ("not a postcode", Result.CHECK),
        ("", Result.CHECK),
        (None, Result.CHECK),
        # Every listed district, spaced, unspaced and in lower case.
        *[(f"{d} 1AA", Result.MET) for d in sorted(CAMBS_IN)],
        *[(f"{d.lower()}1aa", Result.MET) for d in sorted(CAMBS_IN)],
        *[(f" {d}  9ZZ ", Result.CHECK) for d in sorted(CAMBS_CHECK)],
        *[(f"{d}1AA", Result.NOT_MET) for d in sorted(CAMBS_OUT)],
        ("PE25 1AA", Result.NOT_MET),  # last of PE20-PE25
        ("PE38 1AA", Result.NOT_MET),  # last of PE30-PE38
        ("CB1", Result.MET),  # outward code only: the whole district is in
        ("CB6", Result.CHECK),
        ("CB1 2", Result.CHECK),  # partial inward code
        ("CB 1AA", Result.CHECK),
        ("PE1O 1AA", Result.CHECK),  # letter O for zero: a typo, not out of area
        ("PE17 1AA", Result.CHECK),  # a PE district on no list (retired): check, not out
        ("CB30 1AA", Result.CHECK),  # no such district
        ("SW1A 1AA", Result.NOT_MET),
        ("NR1 1AA", Result.NOT_MET),  # Norwich
        ("SG1 1AA", Result.NOT_MET),  # Stevenage: only SG8 and SG19 are border
        ("MK40 1AA", Result.NOT_MET),
        ("IP1 1AA", Result.NOT_MET),
    ],
)
def test_area_in_check_out(postcode: str | None, result: Result) -> None:
    assert eligibility.area_rule(postcode, CAMBS).result is result


def test_cb1_is_not_confused_with_cb10() -> None:
    assert eligibility.postcode_district("CB10 1AA") == "CB10"
    assert eligibility.postcode_district("CB1 1AA") == "CB1"


@pytest.mark.parametrize(
    ("email", "result"),
    [
        ("holly.martin@cambs.pnn.police.uk", Result.MET),
        ("a.nurse@nhs.net", Result.MET),
        ("someone@gmail.com", Result.CHECK),
        ("evil@nhs.net.attacker.com", Result.CHECK),
        ("x@notnhs.net", Result.CHECK),
        ("", Result.CHECK),
    ],
)
def test_professional_referrer_by_domain(email: str, result: Result) -> None:
    # The pure rule matches the policy's domains; the list in force adds the administrator's
    # (tests/workflow/test_referrer_domains.py).
    policy = Policy(professional_domains=("police.uk", "nhs.net"))
    assert eligibility.referrer_rule(email, policy).result is result


@pytest.mark.parametrize(
    ("last", "referred", "result"),
    [
        (date(2026, 8, 28), date(2026, 11, 28), Result.MET),  # 3 months to the day
        (date(2026, 8, 27), date(2026, 11, 28), Result.CHECK),  # confirm current risk
        (date(2026, 2, 28), date(2026, 5, 31), Result.MET),  # 31 May less 3 months: 28 Feb
        (date(2026, 2, 27), date(2026, 5, 31), Result.CHECK),
        (date(2020, 1, 1), date(2026, 5, 31), Result.CHECK),  # never "ineligible" (issue 15)
        (date(2026, 11, 28), date(2026, 11, 28), Result.MET),
        (date(2026, 11, 29), date(2026, 11, 28), Result.CHECK),  # after the referral: a typo
        (None, date(2026, 11, 28), Result.CHECK),
    ],
)
def test_abuse_recency_is_three_calendar_months(
    last: date | None, referred: date, result: Result
) -> None:
    assert eligibility.recency_rule(last, referred, CAMBS).result is result


@pytest.mark.parametrize(
    ("born", "age", "result", "said"),
    [
        (date(2010, 11, 29), None, Result.CHECK, "Ryan is 15: MARAC is for abuse by someone"),
        (date(2010, 11, 28), None, Result.MET, "16 or over"),
        (None, 15, Result.CHECK, "Ryan is 15"),
        (None, 40, Result.MET, "16 or over"),
        (None, None, Result.CHECK, "No perpetrator's date of birth or age given"),
    ],
)
def test_a_perpetrator_under_16_is_flagged_not_refused(
    born: date | None, age: int | None, result: Result, said: str
) -> None:
    found = eligibility.perpetrator_age_rule(
        [eligibility.PerpetratorAge("Ryan", born, age)], TODAY, CAMBS
    )
    assert found.result is result and said in found.reason


def test_a_second_perpetrator_under_16_is_named_in_the_reason() -> None:
    both = [
        eligibility.PerpetratorAge("Ryan", date(1990, 1, 1)),
        eligibility.PerpetratorAge("", date(2012, 1, 1)),
    ]
    found = eligibility.perpetrator_age_rule(both, TODAY, CAMBS)
    assert found.result is Result.CHECK and found.reason.startswith("Perpetrator 2 is 14")


def test_evaluate_gives_every_rule_a_reason() -> None:
    facts = ReferralFacts("marac", TODAY, date(1990, 1, 1), "PE7 4TQ", "x@nhs.net", 15)
    outcomes = evaluate(facts, CAMBS)
    assert [o.rule for o in outcomes] == [
        "age",
        "area",
        "recency",
        "referrer",
        "perpetrator_age",
        "visible_high_risk",
        "professional_judgement",
        "potential_escalation",
        "repeat_marac",
        "routing",
    ]
    assert all(o.reason for o in outcomes)


OLD = date(2026, 1, 1)  # the last incident, almost 11 months before TODAY


# Issue 15: the 3-month rule is the IDVA service's, as a check: the stalking pathway and DASH
# 14-16 routed to the IDVA service; never MARAC (it tagged MARAC cases "ineligible").
@pytest.mark.parametrize(
    ("pathway", "dash", "incidents", "recency"),
    [
        ("stalking_idva", None, None, Result.CHECK),
        ("stalking_idva", 18, None, Result.CHECK),  # the IDVA service, even at MARAC risk
        ("marac", 14, 0, Result.CHECK),  # Cambs 14-16: IDVA service with consent
        ("marac", 16, 0, Result.CHECK),
        ("marac", 17, 0, None),  # visible high risk: MARAC
        ("marac", 13, 0, None),  # neither service on these facts
        ("marac", 15, 3, None),  # potential escalation: MARAC
        ("marac", None, 0, None),  # no DASH: a person routes it
    ],
)
def test_recency_is_a_check_for_the_idva_service_only(
    pathway: str, dash: int | None, incidents: int | None, recency: Result | None
) -> None:
    facts = ReferralFacts(
        pathway, TODAY, date(1990, 1, 1), "PE7 4TQ", "x@nhs.net", dash,
        police_incidents_12m=incidents, last_incident=OLD,
    )  # fmt: skip
    found = {o.rule: o.result for o in evaluate(facts, CAMBS)}
    assert found.get("recency") is recency
    assert Result.NOT_MET not in {found["age"], found["area"]}


def test_stalking_referral_without_dash_skips_marac_criteria() -> None:
    facts = ReferralFacts("stalking_idva", TODAY, date(1990, 1, 1), "PE7 4TQ", "x@nhs.net", None)
    assert [o.rule for o in evaluate(facts, CAMBS)] == ["age", "area", "recency", "referrer"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_the_web_form_checks_age_on_the_london_date() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: a victim born 1 July 2010 is 16.
    today = london_today(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert today == date(2026, 7, 1)
    assert check_age(date(2010, 7, 1), today, CAMBS) is None
    assert check_age(date(2010, 7, 2), today, CAMBS) is Stop.UNDER_AGE
    assert london_today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("yes", "blank", "result"),
    [
        (16, 0, Result.NOT_MET),
        (16, 1, Result.CHECK),  # one blank could make it 17
        (14, 2, Result.NOT_MET),  # two blanks cannot
        (14, 3, Result.CHECK),
        (17, 5, Result.MET),
    ],
)
def test_blank_dash_answers_that_could_reach_marac_are_checked(
    yes: int, blank: int, result: Result
) -> None:
    answers: dict[str, str | None] = {str(n): "no" for n in range(1, 25)}
    answers.update({str(n): "yes" for n in range(1, yes + 1)})
    answers.update({str(n): None for n in range(25 - blank, 25)})
    answers["24"] = answers["24"] if blank else "dont_know"  # Don't know is an answer
    score, unanswered = risk.dash_score(answers), risk.dash_unanswered(answers)
    assert (score, unanswered) == (yes, blank)
    assert risk.visible_high_risk(score, CAMBS, unanswered).result is result


def test_a_missing_question_counts_as_unanswered() -> None:
    assert risk.dash_unanswered({"1": "yes", "2": "dont_know", "acpo:children": "yes"}) == 22


# Issue 15: a victim aged 16 or 17 prompts a safeguarding-referral check; no other age does.
@pytest.mark.parametrize(
    ("born", "prompted"),
    [
        (date(2010, 11, 29), False),  # 15: the age rule refuses, this one says nothing
        (date(2010, 11, 28), True),  # 16 today
        (date(2008, 11, 29), True),  # 17, eighteenth birthday tomorrow
        (date(2008, 11, 28), False),  # 18 today
        (date(1990, 1, 1), False),
        (None, False),  # the age rule already asks for the date of birth
    ],
)
def test_a_victim_of_16_or_17_prompts_a_safeguarding_check(
    born: date | None, prompted: bool
) -> None:
    found = prompts.safeguarding_prompt(born, TODAY, CAMBS)
    assert (found is not None) is prompted
    if found is not None:
        assert found.result is Result.CHECK and "safeguarding referral" in found.reason
    for pathway in ("marac", "stalking_idva"):
        facts = ReferralFacts(pathway, TODAY, born, "PE7 4TQ", "x@nhs.net", None)
        rules = [o.rule for o in evaluate(facts, CAMBS)]
        assert ("safeguarding" in rules) is prompted


@pytest.mark.parametrize(
    ("relationships", "said"),
    [
        (("partner",), None),
        (("ex_partner", "family"), None),
        ((), None),
        (("",), None),
        (("other",), "perpetrator 1"),
        (("partner", "other"), "perpetrator 2"),
        (("Other - neighbour",), "perpetrator 1"),  # as a mailed form may put it
        (("OTHER: lodger",), "perpetrator 1"),
        (("mother",), None),  # family, not "other"
        (("brother",), None),
    ],
)
def test_relationship_other_on_a_marac_referral_is_flagged(
    relationships: tuple[str, ...], said: str | None
) -> None:
    found = prompts.relationship_prompt(relationships)
    assert (found.reason if found else None) == (said and _reason_naming(said))
    marac = ReferralFacts(
        "marac", TODAY, date(1990, 1, 1), "PE7 4TQ", "x@nhs.net", 18,
        perpetrator_relationships=relationships,
    )  # fmt: skip
    flagged = {o.rule: o.result for o in evaluate(marac, CAMBS)}.get("relationship")
    assert flagged is (Result.CHECK if said else None)


def test_relationship_other_on_the_stalking_pathway_is_not_flagged() -> None:
    # The stalking service is for suspects who are not partners or family: "other" is its case.
    facts = ReferralFacts(
        "stalking_idva", TODAY, date(1990, 1, 1), "PE7 4TQ", "x@nhs.net", None,
        perpetrator_relationships=("other",),
    )  # fmt: skip
    assert "relationship" not in [o.rule for o in evaluate(facts, CAMBS)]


def _reason_naming(which: str) -> str:
    return (
        f"Relationship to the victim given as 'Other' ({which}): MARAC is for abuse by a "
        "partner, ex-partner or family member. Check the relationship and the route."
    )
