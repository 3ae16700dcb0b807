"""Each rule at its boundaries, with the Cambs defaults and with a different local policy."""

from datetime import date

import pytest

from workflow.policy import CAMBS, Policy
from workflow.rules import eligibility, risk
from workflow.rules.evaluate import ReferralFacts, evaluate
from workflow.rules.outcome import Result

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


@pytest.mark.parametrize(("days", "result"), [(365, Result.MET), (366, Result.NOT_MET)])
def test_repeat_marac_window(days: int, result: Result) -> None:
    earlier = date.fromordinal(TODAY.toordinal() - days)
    assert risk.repeat_marac(earlier, TODAY, CAMBS).result is result


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
    assert eligibility.referrer_rule(email, CAMBS).result is result


@pytest.mark.parametrize(("days", "result"), [(92, Result.MET), (93, Result.NOT_MET)])
def test_abuse_recency(days: int, result: Result) -> None:
    last = date.fromordinal(TODAY.toordinal() - days)
    assert eligibility.recency_rule(last, TODAY, CAMBS).result is result


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


def test_stalking_referral_without_dash_skips_marac_criteria() -> None:
    facts = ReferralFacts("stalking_idva", TODAY, date(1990, 1, 1), "PE7 4TQ", "x@nhs.net", None)
    assert [o.rule for o in evaluate(facts, CAMBS)] == ["age", "area", "recency", "referrer"]
