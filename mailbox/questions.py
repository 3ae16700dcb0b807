"""Recognise DASH (SafeLives 24, ACPO 27) and S-DASH questions by meaning, not by position."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

DASH = "dash"
SDASH = "stalking_screen"


@dataclass(frozen=True)
class Signature:
    """The ideas a question is made of: each group should be present, the first one must be.

    Any exclusion rules the question out.
    """

    instrument: str
    qid: str  # "1".."24" / "1".."11"; "acpo:…" for ACPO items with no SafeLives twin
    groups: tuple[str, ...]
    exclude: str | None = None


def _sig(instrument: str, qid: str, *groups: str, exclude: str | None = None) -> Signature:
    return Signature(instrument, qid, groups, exclude)


_OTHERS = r"anyone else|someone else|any ?one else|other (person|people|individual)|others|anybody"
_CHILD = r"child|dependant|dependent|step.?child|kids"
# The ACPO items are about harm done to the children themselves, not a SafeLives sub-option
# such as "tick who: you / children / other".
_HARM_CHILD = rf"(hurt|harm|injur\w*|kill)( or (hurt|harm|kill))? (the |any )?({_CHILD})"

SIGNATURES: tuple[Signature, ...] = (
    _sig(DASH, "1", r"injur|hurt|harm|wound|bruis", r"current|this|latest|recent|incident"),
    _sig(
        DASH,
        "2",
        r"frighten|scared|afraid|fear|terrified",
        r"very|extremely|really|terrified",
        exclude=r"what|further|other person|anyone|someone",
    ),
    _sig(
        DASH,
        "3",
        r"what.{0,30}(afraid|scared|fear|frighten)|(afraid|scared|fear)\w* of what"
        r"|further (injury|violence)",
    ),
    _sig(DASH, "4", r"isolat|cut off|kept away|alone", r"family|friend"),
    _sig(
        DASH,
        "5",
        r"depress|suicid|low mood|self.?harm",
        exclude=r"threat|attempt|tried|abuser|perpetrator",
    ),
    _sig(DASH, "6", r"separat|split up|left|leave|ended|break.?up", r"year|12 months|recent"),
    _sig(
        DASH,
        "7",
        r"conflict|dispute|disagree|argu|problem|issue",
        r"contact|access",
        exclude=r"text|call|follow|stalk",
    ),
    _sig(
        DASH,
        "8",
        r"\btexts?\b|\bcalls?\b|messag|contact|follow|\bstalk(s|ing|ed)?\b|harass",
        r"constant|\bstalk(s|ing|ed)?\b|harass(es|ing|ed)? you|follow(s|ing)? you|repeated",
    ),
    _sig(DASH, "9", r"pregnan|baby|given birth|newborn"),
    _sig(DASH, "10", r"more often|frequen|more regular|increas\w* in frequency"),
    _sig(DASH, "11", r"worse|escalat|more (severe|serious|violent)|severity"),
    _sig(DASH, "12", r"control|jealous|possessive"),
    _sig(DASH, "13", r"weapon|object|knife|knives"),
    _sig(
        DASH,
        "14",
        r"threat",
        r"kill|murder|believ",
        exclude=_HARM_CHILD + r"|suicid|themsel|himsel|hersel",
    ),
    _sig(DASH, "15", r"strangl|chok|suffocat|drown|throttl|neck"),
    _sig(DASH, "16", r"sexual|sex\b|rape|things of a|feel bad"),
    _sig(
        DASH,
        "17",
        _OTHERS + r"|another person|other person",
        r"threat|afraid|scared|fear",
        exclude=r"kill|hurt|believ",
    ),
    _sig(
        DASH,
        "18",
        r"hurt|harm|assault|violen|attack",
        _OTHERS,
        exclude=r"threat|stalking|sexual|feel bad",
    ),
    _sig(DASH, "19", r"animal|pet\b|pets\b|dog|cat\b"),
    _sig(DASH, "20", r"financ|money|debt|benefit|rent arrear|income"),
    _sig(DASH, "21", r"drug|alcohol|mental health|\bmh\b|substance|drink"),
    _sig(DASH, "22", r"suicid|kill (him|her|them)sel|own life", r"threat|attempt|tried"),
    _sig(DASH, "23", r"bail|injunction|non.?mol|court order|formal agreement|restraining"),
    _sig(DASH, "24", r"\bpolice\b|criminal|convict|arrest|offend"),
    # ACPO DASH 2009 questions 10-12 have no place in the SafeLives 24: matched so they are skipped.
    _sig(
        DASH,
        "acpo:children",
        r"child|step.?child|dependant",
        r"household|living|home|live",
        exclude=r"contact|number of|hurt|threat",
    ),
    _sig(DASH, "acpo:hurt_children", _HARM_CHILD, exclude=r"threat|kill"),
    _sig(DASH, "acpo:threat_children", r"threat", _HARM_CHILD),
    _sig(SDASH, "1", r"frighten|scared|afraid|fear|terrified", exclude=r"what|other person"),
    _sig(
        SDASH,
        "2",
        r"previous|history|past|prior|before",
        r"harass|abuse|domestic",
        exclude=r"violen|drug|alcohol",
    ),
    _sig(SDASH, "3", r"vandal|destroy|damag|property"),
    _sig(SDASH, "4", r"turn\w* up|unannounced|times a week|visit|appear|show\w* up"),
    _sig(SDASH, "5", r"follow|loiter|watch|hang\w* around|near (their|your|her|his) (home|work)"),
    _sig(SDASH, "6", r"threat", r"physical|sexual|violen", exclude=r"third part"),
    _sig(
        SDASH,
        "7",
        r"third part|friends|family|colleague|other people",
        r"harass|contact|approach|target",
        exclude=r"violen",
    ),
    _sig(
        SDASH,
        "8",
        r"violen|hurt|assault|attack",
        _OTHERS + r"|third part",
        exclude=r"past|history|previous",
    ),
    _sig(SDASH, "9", r"engag|enlist|recruit|others to|got others|help from|to help"),
    _sig(SDASH, "10", r"drug|alcohol|mental health|\bmh\b|substance|drink"),
    _sig(
        SDASH,
        "11",
        r"violen|hurt|assault",
        r"past|previous|history|before|ever",
        exclude=_OTHERS + r"|third part|threat",
    ),
)


@dataclass(frozen=True)
class Match:
    """A question recognised with a confidence between 0 and 1."""

    instrument: str
    qid: str
    score: float
    unique: bool


def normalise(text: str) -> str:
    """Lower-case a question and fold its punctuation for matching."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _score(sig: Signature, text: str) -> float:
    if sig.exclude and _compiled(sig.exclude).search(text):
        return 0.0
    if not _compiled(sig.groups[0]).search(text):
        return 0.0  # the first group is the question's core idea: without it, no match at all
    hits = sum(1 for group in sig.groups if _compiled(group).search(text))
    return hits / len(sig.groups)


@functools.lru_cache(maxsize=4096)  # the same stems recur in every form
def match_question(text: str, instrument: str | None = None) -> Match | None:
    """Return the question `text` asks, within one instrument or across all, if any is close."""
    norm = normalise(text)
    if len(norm) < 4:
        return None
    scored = sorted(
        ((_score(sig, norm), sig) for sig in SIGNATURES if instrument in (None, sig.instrument)),
        key=lambda pair: -pair[0],
    )
    best_score, best = scored[0]
    if best_score < 0.5:
        return None
    rivals = [
        s for score, s in scored[1:] if score == best_score and s.instrument == best.instrument
    ]
    return Match(best.instrument, best.qid, best_score, unique=not rivals)


def vote_instrument(texts: list[str]) -> str | None:
    """Return the instrument most of these questions fully match (DASH on a tie)."""
    votes = {DASH: 0, SDASH: 0}
    for text in texts:
        norm = normalise(text)
        for inst in votes:
            votes[inst] += any(_score(s, norm) == 1.0 for s in SIGNATURES if s.instrument == inst)
    if not any(votes.values()):
        return None
    return SDASH if votes[SDASH] > votes[DASH] else DASH
