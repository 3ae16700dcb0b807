"""Eligibility: the victim's age, where they live, how recent the abuse is, who referred them."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from workflow.policy import Policy
from workflow.rules.calendar import add_months
from workflow.rules.outcome import Result, RuleOutcome

# A full or outward-only UK postcode; the outward code (district) is what the area list holds.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})?$")
# Only central London areas have districts ending in a letter (SW1A, EC1V, W1T); "PE1O" elsewhere
# is a typo, so it is checked by a person rather than ruled out of area.
_LETTER_DISTRICT_AREAS = frozenset({"E", "EC", "N", "NW", "SE", "SW", "W", "WC"})


def age_on(date_of_birth: date, on: date) -> int:
    """Return a person's age in whole years on a given date."""
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


def age_rule(date_of_birth: date | None, referral_date: date, policy: Policy) -> RuleOutcome:
    """The victim must be at least the minimum age on the date of referral."""
    if date_of_birth is None:
        return RuleOutcome("age", Result.CHECK, "Date of birth not given: check the victim's age.")
    age = age_on(date_of_birth, referral_date)
    if age < policy.minimum_age:
        return RuleOutcome(
            "age",
            Result.NOT_MET,
            f"Victim is {age}; the service is for people aged {policy.minimum_age} and over.",
        )
    return RuleOutcome("age", Result.MET, f"Victim is {age}.")


def postcode_district(postcode: str | None) -> str | None:
    """Return the outward code of a UK postcode, or None when it is not one."""
    match = _POSTCODE.match((postcode or "").strip().upper())
    if not match:
        return None
    district = match.group(1)
    if district[-1].isalpha() and _area(district) not in _LETTER_DISTRICT_AREAS:
        return None
    return district


def _area(district: str) -> str:
    """Return the postcode area: the leading letters of a district (PE of PE29)."""
    return re.sub(r"[0-9].*$", "", district)


def area_rule(postcode: str | None, policy: Policy) -> RuleOutcome:
    """The victim must live in Cambridgeshire & Peterborough; border districts need a person."""
    district = postcode_district(postcode)
    if district is None:
        return RuleOutcome("area", Result.CHECK, "No valid postcode: check where the victim lives.")
    if district in policy.area_in:
        return RuleOutcome("area", Result.MET, f"{district} is in Cambridgeshire & Peterborough.")
    if district in policy.area_check:
        return RuleOutcome(
            "area",
            Result.CHECK,
            f"{district} crosses the county boundary: check the address is in the area.",
        )
    if district not in policy.area_out and _area(district) in policy.area_postcode_areas:
        return RuleOutcome(
            "area",
            Result.CHECK,
            f"{district} is not a district on the area lists: check the postcode and address.",
        )
    return RuleOutcome(
        "area", Result.NOT_MET, f"{district} is outside Cambridgeshire & Peterborough."
    )


def recency_rule(last_incident: date | None, referral_date: date, policy: Policy) -> RuleOutcome:
    """For the IDVA service only: is the abuse current, the last incident within the recency
    window (calendar months, the boundary day included: referred 28 November, an incident on 28
    August is current)? An older incident is a check ("confirm current risk"), never ineligible:
    risk can still be current (docs/domain.md, corrected 2026-12-04)."""
    if last_incident is None:
        return RuleOutcome(
            "recency", Result.CHECK, "Date of the last incident not given: confirm current risk."
        )
    days = (referral_date - last_incident).days
    if days < 0:
        # An incident after the referral date is a typo or a misread date: a person decides.
        return RuleOutcome(
            "recency",
            Result.CHECK,
            f"Last incident {last_incident.isoformat()} is after the referral date: check it.",
        )
    months = policy.abuse_recency_months
    if last_incident < add_months(referral_date, -months):
        return RuleOutcome(
            "recency",
            Result.CHECK,
            f"Last incident {days} days ago, more than {months} months: confirm current risk "
            "with the referrer.",
        )
    return RuleOutcome("recency", Result.MET, f"Last incident {days} days ago.")


def referrer_rule(email: str | None, policy: Policy, unconfirmed: str = "") -> RuleOutcome:
    """A referrer's email domain should belong to a known professional agency, and the address
    be confirmed: a typed or forged address proves nothing until its owner answers."""
    domain = (email or "").rpartition("@")[2].strip().lower()
    if not domain:
        return RuleOutcome("referrer", Result.CHECK, "No referrer email: verify the referrer.")
    if unconfirmed:
        return RuleOutcome("referrer", Result.CHECK, f"{unconfirmed} Verify the referrer.")
    known = any(domain == d or domain.endswith("." + d) for d in policy.professional_domains)
    if known:
        return RuleOutcome("referrer", Result.MET, f"{domain} is a known professional domain.")
    return RuleOutcome(
        "referrer",
        Result.CHECK,
        f"{domain} is not on the professional-domain list: verify the referrer.",
    )


@dataclass(frozen=True)
class PerpetratorAge:
    """What a referral says about one perpetrator's age: a date of birth, an age, or neither."""

    name: str
    date_of_birth: date | None = None
    age: int | None = None


def perpetrators_under_age(
    perpetrators: Sequence[PerpetratorAge], referral_date: date, policy: Policy
) -> list[str]:
    """Return "<name> is <age>" for each perpetrator known to be under the MARAC minimum age."""
    young = []
    for n, p in enumerate(perpetrators, start=1):
        age = age_on(p.date_of_birth, referral_date) if p.date_of_birth else p.age
        if age is not None and age < policy.perpetrator_minimum_age:
            young.append(f"{p.name or f'Perpetrator {n}'} is {age}")
    return young


def perpetrator_age_rule(
    perpetrators: Sequence[PerpetratorAge], referral_date: date, policy: Policy
) -> RuleOutcome:
    """MARAC perpetrators are 16 or over. A younger one is flagged for a person, never refused:
    the coordinator decides the route (for example a child who abuses a parent)."""
    young = perpetrators_under_age(perpetrators, referral_date, policy)
    if young:
        return RuleOutcome(
            "perpetrator_age",
            Result.CHECK,
            f"{'; '.join(young)}: MARAC is for abuse by someone aged "
            f"{policy.perpetrator_minimum_age} or over. Not refused: decide the route.",
        )
    if all(p.date_of_birth is None and p.age is None for p in perpetrators):
        return RuleOutcome(
            "perpetrator_age", Result.CHECK, "No perpetrator's date of birth or age given."
        )
    return RuleOutcome(
        "perpetrator_age",
        Result.MET,
        f"Every perpetrator whose age is given is {policy.perpetrator_minimum_age} or over.",
    )
