"""What anyone must know before acting on a referral, first on every page that shows one.

Who must not be contacted, who the victim fears, who is safe; the channels and times it is safe
to use ("Don't know" is treated as not safe); the alternative contact; language and interpreter;
bail, orders and breaches; children and others at risk. An item nobody answered says so.
"""

from dataclasses import dataclass, field

from workflow.models import Assessment, Referral
from workflow.models.referral import Instrument
from workflow.record.answers import NOT_ANSWERED, checklist
from workflow.record.catalogue import BY_PATH, CHILD, Kind, form_of
from workflow.record.options import CHANNEL_NAMES

NOT_ASKED = "Not asked on this form"
BREACH_QUESTION = 23  # DASH: broken bail, an injunction or an agreement about contact
OTHER_THREAT_QUESTION = 17  # DASH: anyone else who has threatened the victim or they fear


@dataclass(frozen=True)
class SafetyLine:
    """One safety item: what it is, the answer in words, and whether it warns."""

    label: str
    text: str
    warning: bool = False
    lines: bool = False


@dataclass
class SafetyPart:
    """A heading of the safety block and its items."""

    title: str
    lines: list[SafetyLine] = field(default_factory=list)


def _line(referral: Referral, form: str, path: str, warn_if_given: bool = False) -> SafetyLine:
    item = BY_PATH[path]
    value = item.value(referral)
    given = value not in (None, "", [])
    if item.kind is Kind.CHANNEL:
        return SafetyLine(item.label, item.shown(value), value is not True)
    if not given:
        return SafetyLine(item.label, NOT_ANSWERED if form in item.asked_by else NOT_ASKED)
    lines = item.kind is Kind.LINES
    return SafetyLine(item.label, item.shown(value), warn_if_given, lines)


def _channels(referral: Referral, form: str) -> list[SafetyLine]:
    stored = referral.safe_contact or {}
    shown = [c for c in (*CHANNEL_NAMES, "overall") if c in stored]
    shown = shown or (["overall"] if form == "mail" else [*CHANNEL_NAMES])
    found = []
    for code in shown:
        line = _line(referral, form, f"safe_contact.{code}")
        if code not in stored:
            line = SafetyLine(line.label, "Not answered — treat as not safe", True)
        found.append(line)
    return found


def _given_or_asked(referral: Referral, form: str) -> bool:
    """The mailed form's safe-contact notes: shown when that form asks them or they are given."""
    return form == "mail" or bool((referral.safe_contact or {}).get("notes"))


def _newest_dash(assessments: list[Assessment]) -> Assessment | None:
    dashes = [a for a in assessments if a.instrument is not Instrument.S_DASH_11]
    return max(dashes, key=lambda a: (a.version, a.id or 0)) if dashes else None


def _dash_answer(assessments: list[Assessment], number: int) -> list[SafetyLine]:
    """The newest DASH answer to one question, with its sub-options and comment."""
    dash = _newest_dash(assessments)
    if dash is None:
        return []
    q = checklist(dash).questions[number - 1]
    parts = [q.answer, ", ".join(q.sub), q.comment]
    text = "\n".join(p for p in parts if p)
    return [SafetyLine(f"DASH {q.number}. {q.question}", text, q.answer == "Yes", True)]


def _children(referral: Referral, form: str) -> list[SafetyLine]:
    found = [_line(referral, form, "children_in_household")]
    details = [str(CHILD[0].value(c) or "") for c in referral.children or []]
    if any(details):
        found.append(SafetyLine(CHILD[0].label, "\n".join(d for d in details if d), False, True))
    paths = ("details.at_risk.children", "details.at_risk.others", "details.at_risk.details")
    return found + [_line(referral, form, p) for p in paths]


def safety_block(referral: Referral, assessments: list[Assessment]) -> list[SafetyPart]:
    """Return the safety block of a referral, in the order a caller must read it."""
    form = form_of(referral.pathway.value, referral.source.value)

    def line(path: str, warn: bool = False) -> SafetyLine:
        return _line(referral, form, path, warn)

    return [
        SafetyPart(
            "Who to avoid and who is safe",
            [
                line("details.unsafe_to_speak_to", warn=True),
                line("details.victim_afraid_of", warn=True),
                *_dash_answer(assessments, OTHER_THREAT_QUESTION),
                line("details.safe_to_speak_to"),
            ],
        ),
        SafetyPart(
            "Safe ways to contact the victim",
            [
                *_channels(referral, form),
                *(
                    [line("safe_contact.notes", warn=True)]
                    if _given_or_asked(referral, form)
                    else []
                ),
                line("safe_contact.safe_times"),
                line("safe_contact.alternative_contact"),
            ],
        ),
        SafetyPart(
            "Language",
            [
                line("victim_details.language"),
                line(
                    "victim_details.interpreter",
                    referral.victim_details.get("interpreter") == "yes",
                ),
            ],
        ),
        SafetyPart(
            "Bail conditions, court orders and breaches",
            [
                line("details.police.bail_or_orders", warn=True),
                *_dash_answer(assessments, BREACH_QUESTION),
            ],
        ),
        SafetyPart("Children and others at risk", _children(referral, form)),
    ]
