"""Coordinator corrections of what was read from a referral, each with before, after and reason.

A field is named by its path in the extraction record (docs/contract.md), the same path
`needs_review` lists, so a correction also settles the review of that field. Every correction
re-runs the rules.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select

from workflow.actors import Actor
from workflow.assessment.assessing import apply_rules, score_assessment
from workflow.assessment.checklists import DASH_QUESTIONS, S_DASH_QUESTIONS
from workflow.errors import GuardFailed, NotFound
from workflow.models import Assessment, Referral, utcnow
from workflow.models.referral import Instrument, Pathway
from workflow.permissions import CASEWORKERS, require_role
from workflow.policy import Policy
from workflow.referrals.casework import load
from workflow.referrals.receiving import normalise_postcode
from workflow.rules.risk import ANSWERS
from workflow.store import audit
from workflow.store.db import UnitOfWork

CHECKLISTS = {
    "dash": (Instrument.SAFELIVES_DASH_24, Instrument.ACPO_DASH_27),
    "stalking_screen": (Instrument.S_DASH_11,),
}
QUESTIONS = {"dash": DASH_QUESTIONS, "stalking_screen": S_DASH_QUESTIONS}


def _text(value: str) -> str:
    return value.strip()


def _date(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise GuardFailed("Enter a real date, for example 2026-11-27.") from None


def _count(value: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise GuardFailed("Enter a whole number, for example 2.")
    return int(value)


def _postcode(value: str) -> str:
    return normalise_postcode(value) if value.strip() else ""


def _pathway(value: str) -> Pathway:
    try:
        return Pathway(value.strip())
    except ValueError:
        raise GuardFailed("Choose MARAC or stalking IDVA.") from None


@dataclass(frozen=True)
class Editable:
    """A field a coordinator may correct: its column, label and how typed text is read."""

    attribute: str
    label: str
    parse: Callable[[str], Any] = _text


EDITABLE = {
    "pathway": Editable("pathway", "Pathway", _pathway),
    "victim.name": Editable("victim_name", "Victim's name"),
    "victim.date_of_birth": Editable("victim_date_of_birth", "Victim's date of birth", _date),
    "victim.gender": Editable("victim_gender", "Victim's gender"),
    "victim.address": Editable("victim_address", "Victim's address"),
    "victim.postcode": Editable("victim_postcode", "Victim's postcode", _postcode),
    "victim.phone": Editable("victim_phone", "Victim's phone"),
    "referrer.name": Editable("referrer_name", "Referrer's name"),
    "referrer.agency": Editable("referrer_agency", "Referrer's agency"),
    "referrer.role": Editable("referrer_role", "Referrer's role"),
    "referrer.email": Editable("referrer_email", "Referrer's email"),
    "referrer.phone": Editable("referrer_phone", "Referrer's phone"),
    "children_in_household": Editable("children_in_household", "Children in household", _count),
    "police_incidents_12m": Editable(
        "police_incidents_12m", "Police-reported incidents in 12 months", _count
    ),
    "last_incident": Editable("last_incident", "Date of the last incident", _date),
    "reason_for_referral": Editable("reason_for_referral", "Reason for referral"),
}


def as_json(value: Any) -> Any:
    """Return a corrected value as the audit trail keeps it (a date as ISO, an enum's value)."""
    return value.isoformat() if isinstance(value, date) else getattr(value, "value", value)


def record_correction(
    uow: UnitOfWork,
    actor: Actor,
    referral: Referral,
    policy: Policy,
    what: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> Referral:
    """Re-run the rules on a corrected referral, audit the correction and commit."""
    apply_rules(uow.session, referral, policy)
    audit.record(
        uow.session,
        actor,
        "correct",
        "referral",
        referral.id,
        f"Corrected {what}",
        before=before,
        after=after,
    )
    uow.commit()
    return referral


def split_answer_path(path: str) -> tuple[str, str] | None:
    """Return (checklist, question) for a path like dash.answers.7, else None."""
    parts = path.split(".")
    if len(parts) != 3 or parts[0] not in QUESTIONS or parts[1] != "answers":
        return None
    if not parts[2].isdigit() or not 1 <= int(parts[2]) <= QUESTIONS[parts[0]]:
        return None
    return parts[0], parts[2]


def _settle(referral: Referral, path: str) -> None:
    referral.needs_review = [p for p in referral.needs_review if p != path]
    referral.updated_at = utcnow()  # the row changes, so its version moves on


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise GuardFailed("Give the reason for the correction.")
    return reason.strip()


def correct_field(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    path: str,
    value: str,
    reason: str,
    policy: Policy,
) -> Referral:
    """Correct one field, recording before, after and reason, and re-run the rules."""
    require_role(actor, CASEWORKERS)
    reason = _require_reason(reason)
    editable = EDITABLE.get(path)
    if editable is None:
        raise NotFound("That value cannot be corrected here.")
    referral = load(uow.session, referral_id, expected_version)
    before = getattr(referral, editable.attribute)
    after = editable.parse(value)
    setattr(referral, editable.attribute, after)
    _settle(referral, path)
    return record_correction(
        uow,
        actor,
        referral,
        policy,
        f"{editable.label}: {reason}",
        before={path: as_json(before)},
        after={path: as_json(after), "reason": reason},
    )


def latest_checklist(uow: UnitOfWork, referral_id: int, checklist: str) -> Assessment | None:
    """Return the newest assessment of a checklist kind (dash or stalking_screen)."""
    query = (
        select(Assessment)
        .where(col(Assessment.referral_id) == referral_id)
        .where(col(Assessment.instrument).in_(CHECKLISTS[checklist]))
        .order_by(col(Assessment.version).desc(), col(Assessment.id).desc())
    )
    return uow.session.exec(query).first()


def correct_answer(
    uow: UnitOfWork,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    path: str,
    answer: str | None,
    reason: str,
    policy: Policy,
) -> Referral:
    """Correct one checklist answer; the score, band and rule outcomes are worked out again."""
    require_role(actor, CASEWORKERS)
    reason = _require_reason(reason)
    where = split_answer_path(path)
    if where is None:
        raise NotFound("No such question.")
    if answer is not None and answer not in ANSWERS:
        raise GuardFailed("Choose Yes, No, Don't know or Not answered.")
    checklist, question = where
    referral = load(uow.session, referral_id, expected_version)
    assessment = latest_checklist(uow, referral_id, checklist)
    if assessment is None:
        raise GuardFailed("This referral has no such checklist to correct.")
    old = dict(assessment.answers.get(question) or {})
    before = {path: old.get("answer"), "score": assessment.score, "band": referral.risk_band}
    # A new dict, so the JSON column sees the change.
    assessment.answers = {**assessment.answers, question: {**old, "answer": answer}}
    # The answer no longer comes from the document: say who set it instead of a stale cell.
    corrected = {"where": f"corrected by {actor.label}"}
    assessment.provenance = {**(assessment.provenance or {}), question: corrected}
    score_assessment(assessment)
    _settle(referral, path)
    return record_correction(
        uow,
        actor,
        referral,
        policy,
        f"{checklist.replace('_', ' ')} question {question}: {reason}",
        before=before,
        after={
            path: answer,
            "score": assessment.score,
            "band": referral.risk_band,
            "reason": reason,
        },
    )


def confirm(
    uow: UnitOfWork, actor: Actor, referral_id: int, expected_version: int | None, path: str
) -> Referral:
    """Confirm a value marked for review was read correctly, as it stands."""
    require_role(actor, CASEWORKERS)
    referral = load(uow.session, referral_id, expected_version)
    if path not in referral.needs_review:
        raise GuardFailed("That value is not waiting for review.")
    _settle(referral, path)
    audit.record(
        uow.session,
        actor,
        "confirm",
        "referral",
        referral.id,
        f"Confirmed {path} as read",
        after={"confirmed": path},
    )
    uow.commit()
    return referral


@dataclass(frozen=True)
class ReviewItem:
    """A value read with doubt, shown beside where it came from until a person settles it."""

    path: str
    label: str
    value: Any
    source: str
    correctable: bool
    written: str = ""  # the whole text, when it was too long for its field and cut to fit


def _answer_value(assessments: list[Assessment], checklist: str, question: str) -> Any:
    newest = [a for a in assessments if a.instrument in CHECKLISTS[checklist]]
    if not newest:
        return None
    return (newest[-1].answers.get(question) or {}).get("answer")


def _as_written(referral: Referral, attribute: str) -> str:
    return str(((referral.details or {}).get("as_written") or {}).get(attribute) or "")


def review_items(
    referral: Referral, assessments: list[Assessment], sources: dict[str, str]
) -> list[ReviewItem]:
    """Return the values waiting for review, with the value as read and its source."""
    items = []
    for path in referral.needs_review:
        answer = split_answer_path(path)
        editable = EDITABLE.get(path)
        if answer:
            label = f"{answer[0].replace('_', ' ').upper()} question {answer[1]}".replace(
                "STALKING SCREEN", "S-DASH"
            )
            value = _answer_value(assessments, *answer)
        elif editable:
            label, value = editable.label, getattr(referral, editable.attribute)
        else:
            label, value = path, None
        correctable = bool(answer or editable)
        written = _as_written(referral, editable.attribute if editable else path)
        items.append(ReviewItem(path, label, value, sources.get(path, ""), correctable, written))
    return items
