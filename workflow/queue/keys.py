"""What the queue indexes about a referral: phonetic name codes and the flags it filters by.

Pure functions over a referral's values; workflow.models.queue keeps the index tables in step.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

# Soundex classes, but the first letter is coded too, so Catherine and Katherine share a code.
_CLASSES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}
_VOWELS = frozenset("aeiouy")
MAX_CODE = 8

FLAG_LABELS = {
    "needs_review": "Needs review",
    "repeat_marac": "Repeat MARAC",
    "ineligible": "Ineligible",
    "check_area": "Border postcode",
    "unverified_referrer": "Unverified referrer",
    "no_consent": "No consent",
    # Kept by workflow.inbound.proposals, not derived from the referral's own values.
    "proposed_update": "Update to accept or reject",
    # Worked out at the time asked (workflow.meetings.follow_up), as it depends on today.
    "not_heard_in_time": "Not heard at MARAC in time",
}
# Recency is not here: an old incident is a check for the IDVA service, never ineligible
# (docs/domain.md, corrected 2026-12-04), including in outcomes stored before the correction.
_ELIGIBILITY = ("age", "area")


def name_words(name: str) -> list[str]:
    """Return a name's words folded to lower-case ASCII letters."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("'", "")  # O'Brien and OBrien are one word
    return re.findall(r"[a-z]+", folded)


def phonetic(word: str) -> str:
    """Return a sound-alike code for one word: Jayde and Jade, Alen and Allen share one."""
    code = "v" if word[:1] in _VOWELS else ""
    last = ""
    for letter in word:
        digit = _CLASSES.get(letter, "")
        if letter in _VOWELS:
            last = ""  # a vowel separates two of the same class (as Soundex does)
        elif digit and digit != last:
            code += digit
            last = digit
    return (code or word[:1])[:MAX_CODE]


def name_codes(names: Iterable[str]) -> set[str]:
    """Return the codes of every word of every name (the victim's name and aliases)."""
    return {phonetic(word) for name in names for word in name_words(name) if len(word) > 1}


def _results(outcomes: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for outcome in outcomes:
        found.setdefault(str(outcome.get("rule")), set()).add(str(outcome.get("result")))
    return found


def flags(
    needs_review: list[str], rule_outcomes: list[dict[str, Any]], consent: str | None
) -> set[str]:
    """Return the flags the queue shows and filters by for a referral's values."""
    results = _results(rule_outcomes)
    found = set()
    if needs_review:
        found.add("needs_review")
    if "met" in results.get("repeat_marac", set()):
        found.add("repeat_marac")
    if any("not_met" in results.get(rule, set()) for rule in _ELIGIBILITY):
        found.add("ineligible")
    if "check" in results.get("area", set()):
        found.add("check_area")
    if "check" in results.get("referrer", set()):
        found.add("unverified_referrer")
    if consent != "given":
        found.add("no_consent")
    return found
