"""Correct any answer the referral page shows, by its catalogue path, before and after audited.

workflow.record.review corrects the values the mailbox reads (by their extraction-record path) and
the checklist answers; this covers every other answer the catalogue declares, a perpetrator's
("perpetrators.1.address") and the children's ("children.0.details") included. Each correction
writes a new JSON value (an in-place change would not be saved) and re-runs the rules.
"""

import copy
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflow.actors import Actor
from workflow.assessment.checklists import DASH, STALKING_SCREEN
from workflow.errors import GuardFailed, NotFound
from workflow.models import Referral, utcnow
from workflow.models.referral import Consent
from workflow.permissions import CASEWORKERS, require_role
from workflow.policy import Policy
from workflow.record import lawful_bases
from workflow.record.catalogue import BY_PATH, CHILD, PERPETRATOR, Item, Kind, value_at
from workflow.record.review import as_json, latest_checklist, record_correction
from workflow.referrals.casework import load
from workflow.store.db import UnitOfWork

_PERSON = re.compile(r"^(perpetrators|children)\.(\d+)\.(\w+)$")
_PART = re.compile(r"^(dash|stalking_screen)\.answers\.(\d+)\.(comment|source|sub)$")
_TRUE = {"yes": True, "y": True, "safe": True, "true": True}
_FALSE = {"no": False, "n": False, "not safe": False, "false": False}


@dataclass(frozen=True)
class Target:
    """An answer to correct: its path, its catalogue item and what to type."""

    path: str
    item: Item

    @property
    def lines(self) -> bool:
        """Say whether the answer is multi-line (corrected in a text area)."""
        return self.item.kind is Kind.LINES

    @property
    def hint(self) -> str:
        """Say what to type for this kind of answer."""
        return _hint(self.item)


def _checklist_part(path: str) -> Target | None:
    found = _PART.match(path)
    if not found:
        return None
    kind, number, part = found[1], int(found[2]), found[3]
    questions = DASH if kind == "dash" else STALKING_SCREEN
    if not 1 <= number <= len(questions):
        return None
    q = questions[number - 1]
    name = f"{'DASH' if kind == 'dash' else 'S-DASH'} question {number}"
    if part == "sub":
        if not q.sub_options:
            return None
        return Target(path, Item(path, f"{name}: {q.sub_legend}", "", Kind.CHOICES, q.sub_options))
    label = "comment" if part == "comment" else "source if not the victim"
    return Target(path, Item(path, f"{name}: {label}", "", Kind.LINES))


def target(path: str) -> Target | None:
    """Return the catalogued answer at this path (a checklist's comment, source or sub-options
    included), or None."""
    if path in BY_PATH:
        return Target(path, BY_PATH[path])
    if _PART.match(path):
        return _checklist_part(path)
    found = _PERSON.match(path)
    if not found:
        return None
    declared = PERPETRATOR if found[1] == "perpetrators" else CHILD
    item = next((i for i in declared if i.path == found[3]), None)
    return Target(path, item) if item else None


def _hint(item: Item) -> str:
    if item.kind in (Kind.CHOICE, Kind.CHOICES):
        many = " (several: separate with commas)" if item.kind is Kind.CHOICES else ""
        return f"Type one of: {'; '.join(label for _, label in item.options)}{many}."
    if item.kind is Kind.BASIS:
        return "Type one of: " + "; ".join(b.code for b in lawful_bases.LAWFUL_BASES) + "."
    return {
        Kind.DATE: "Dates as YYYY-MM-DD, for example 1990-01-27.",
        Kind.NUMBER: "A whole number, for example 2.",
        Kind.BOOL: "Yes or No.",
        Kind.CHANNEL: "Yes (safe), No (not safe) or Don't know.",
        Kind.LIST: "Separate several with commas.",
    }.get(item.kind, "")


def _code(item: Item, text: str) -> str:
    wanted = text.strip().lower()
    for code, label in item.options:
        if wanted in (code.lower(), label.lower()):
            return code
    raise GuardFailed(f"{_hint(item)}")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise GuardFailed("Enter a real date, for example 2026-11-27.") from None


def parse(item: Item, text: str) -> Any:
    """Read typed text as the kind of answer the item keeps; blank clears it."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return {Kind.LIST: [], Kind.CHOICES: [], Kind.TEXT: "", Kind.LINES: ""}.get(item.kind)
    if item.kind is Kind.DATE:
        return _date(text)
    if item.kind is Kind.NUMBER:
        if not text.isdigit():
            raise GuardFailed("Enter a whole number, for example 2.")
        return int(text)
    if item.kind in (Kind.BOOL, Kind.CHANNEL):
        word = text.lower().replace("’", "'")
        if item.kind is Kind.CHANNEL and word in ("don't know", "dont know", "dont_know"):
            return None
        if word not in {**_TRUE, **_FALSE}:
            raise GuardFailed(_hint(item))
        return {**_TRUE, **_FALSE}[word]
    if item.kind is Kind.CHOICE:
        return _code(item, text)
    if item.kind is Kind.CHOICES:
        return [_code(item, part) for part in text.split(",") if part.strip()]
    if item.kind is Kind.LIST:
        return [part.strip() for part in text.split(",") if part.strip()]
    if item.kind is Kind.BASIS:
        if not lawful_bases.is_current(text):
            raise GuardFailed(_hint(item))
        return text
    return text


def _stored(referral: Referral, path: str, value: Any) -> Any:
    """Return the value as its column keeps it: dates in JSON as ISO text, consent as its enum."""
    if "." in path and isinstance(value, date):
        return value.isoformat()
    if path == "consent":
        return Consent(value) if value else None
    column = Referral.model_fields.get(path)
    if value is None and column is not None and column.default is not None:
        return column.default  # a column that cannot be empty goes back to its default
    return value


def _set(referral: Referral, path: str, value: Any) -> None:
    column, *keys = path.split(".")
    if not keys:
        setattr(referral, column, value)
        return
    whole = copy.deepcopy(getattr(referral, column) or ({} if not keys[0].isdigit() else []))
    holder: Any = whole
    for key in keys[:-1]:
        holder = holder[int(key)] if isinstance(holder, list) else holder.setdefault(key, {})
    holder[keys[-1]] = value
    setattr(referral, column, whole)  # a new value: the JSON column sees the change


def current(uow: UnitOfWork, referral: Referral, found: Target) -> Any:
    """Return the answer as kept now (a checklist's from its newest version)."""
    part = _PART.match(found.path)
    if not part:
        return value_at(referral, found.path)
    assessment = latest_checklist(uow, referral.id or 0, part[1])
    return value_at(assessment.answers, f"{part[2]}.{part[3]}") if assessment else None


def typed(value: Any, found: Target) -> str:
    """Return the answer as a person would type it back: codes as labels, dates as ISO."""
    if value is None or value == "" or value == []:
        return ""
    kind = found.item.kind
    if kind in (Kind.TEXT, Kind.LINES, Kind.NUMBER, Kind.BASIS):
        return str(getattr(value, "value", value))
    if kind is Kind.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    return found.item.shown(value)


def correct_answer(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    path: str,
    text: str,
    reason: str,
    policy: Policy,
) -> Referral:
    """Correct one catalogued answer, recording before, after and reason, and re-run the rules."""
    require_role(actor, CASEWORKERS)
    if not reason.strip():
        raise GuardFailed("Give the reason for the correction.")
    found = target(path)
    if found is None:
        raise NotFound("That value cannot be corrected here.")
    referral = load(uow.session, referral_id, expected_version)
    if _PART.match(path):
        before, after = _correct_part(uow, referral, found, text)
    else:
        before, after = _correct_referral(referral, found, text)
    referral.updated_at = utcnow()
    return record_correction(
        uow,
        actor,
        referral,
        policy,
        f"{found.item.label}: {reason.strip()}",
        before={path: as_json(before)},
        after={path: as_json(after), "reason": reason.strip()},
    )


def _correct_part(uow: UnitOfWork, referral: Referral, found: Target, text: str) -> tuple[Any, Any]:
    part = _PART.match(found.path)
    assessment = latest_checklist(uow, referral.id or 0, part[1]) if part else None
    if part is None or assessment is None:
        raise GuardFailed("This referral has no such checklist to correct.")
    given = dict(assessment.answers.get(part[2]) or {})
    before, after = given.get(part[3]), parse(found.item, text)
    # A new dict, so the JSON column sees the change.
    assessment.answers = {**assessment.answers, part[2]: {**given, part[3]: after}}
    return before, after


def _correct_referral(referral: Referral, found: Target, text: str) -> tuple[Any, Any]:
    path = found.path
    if (
        path.startswith(("perpetrators.", "children."))
        and value_at(referral, path.rsplit(".", 1)[0]) is None
    ):
        raise NotFound("No such person on this referral.")
    before = value_at(referral, path)
    after = _stored(referral, path, parse(found.item, text))
    _set(referral, path, after)
    return before, after
