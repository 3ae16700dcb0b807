"""Translate between the extraction record of docs/contract.md and a referral, both ways."""

from datetime import date
from typing import Any

from workflow.models import Assessment, Referral
from workflow.models.referral import Consent, Instrument, Pathway, Source
from workflow.record.catalogue import UnknownField
from workflow.referrals.receiving import NewAssessment, NewReferral

_CONSENT_IN = {"yes": Consent.GIVEN, "no": Consent.REFUSED}
_CONSENT_OUT = {Consent.GIVEN: "yes", Consent.REFUSED: "no", Consent.NOT_ASKED_UNSAFE: "no"}


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _answers(answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(n): {"answer": a} for n, a in answers.items()}


def _assessments(record: dict[str, Any], instrument: Instrument | None) -> list[NewAssessment]:
    found = []
    dash = record.get("dash")
    if dash:
        found.append(
            NewAssessment(
                instrument or Instrument.SAFELIVES_DASH_24,
                _answers(dash.get("answers") or {}),
                _date(dash.get("completed_date")),
            )
        )
    screen = record.get("stalking_screen")
    if screen:
        found.append(NewAssessment(Instrument.S_DASH_11, _answers(screen.get("answers") or {})))
    return found


# Each person's fields in the extraction record (docs/contract.md), in the order a reader fills
# them (mailbox/extract.py reads them from here).
PERSON_FIELDS: dict[str, tuple[str, ...]] = {
    "referrer": ("name", "agency", "role", "email", "phone"),
    "victim": (
        "name",
        "date_of_birth",
        "gender",
        "address",
        "postcode",
        "phone",
        "safe_to_contact",
        "safe_contact_notes",
    ),
    "perpetrator": ("name", "date_of_birth", "relationship_to_victim"),
}
# The extraction record's keys (docs/contract.md): a reader that names another loses that answer.
RECORD_KEYS: dict[str, set[str]] = {
    "": {
        "pathway",
        "referrer",
        "victim",
        "perpetrator",
        "children_in_household",
        "consent",
        "dash",
        "stalking_screen",
        "professional_judgement",
        "reason_for_referral",
    },
    **{person: set(names) for person, names in PERSON_FIELDS.items()},
}


def check_record(record: dict[str, Any]) -> None:
    """Refuse an extraction record with a key the contract does not name (a misspelt one)."""
    unknown = [k for k in record if k not in RECORD_KEYS[""]]
    for part in ("referrer", "victim", "perpetrator"):
        unknown += [f"{part}.{k}" for k in record.get(part) or {} if k not in RECORD_KEYS[part]]
    if unknown:
        raise UnknownField(f"Not in the extraction record: {', '.join(sorted(unknown))}")


def to_new_referral(
    record: dict[str, Any],
    source: Source,
    needs_review: list[str] | None = None,
    instrument: Instrument | None = None,
) -> NewReferral:
    """Return a NewReferral from the `referral` part of an extraction record."""
    check_record(record)
    referrer = record.get("referrer") or {}
    victim = record.get("victim") or {}
    perpetrator = record.get("perpetrator") or {}
    fields: dict[str, Any] = {
        "referrer_name": referrer.get("name") or "",
        "referrer_agency": referrer.get("agency") or "",
        "referrer_role": referrer.get("role") or "",
        "referrer_email": referrer.get("email") or "",
        "referrer_phone": referrer.get("phone") or "",
        "victim_name": victim.get("name") or "",
        "victim_date_of_birth": _date(victim.get("date_of_birth")),
        "victim_gender": victim.get("gender") or "",
        "victim_address": victim.get("address") or "",
        "victim_postcode": victim.get("postcode") or "",
        "victim_phone": victim.get("phone") or "",
        "safe_contact": {
            "overall": victim.get("safe_to_contact"),
            "notes": victim.get("safe_contact_notes") or "",
        },
        "perpetrators": [perpetrator] if any(perpetrator.values()) else [],
        "children_in_household": record.get("children_in_household"),
        "consent": _CONSENT_IN.get(record.get("consent") or ""),
        "professional_judgement": bool(record.get("professional_judgement")),
        "reason_for_referral": record.get("reason_for_referral") or "",
    }
    if fields["professional_judgement"]:
        fields["professional_judgement_reason"] = fields["reason_for_referral"]
    return NewReferral(
        pathway=Pathway(record.get("pathway") or Pathway.MARAC),
        source=source,
        fields=fields,
        assessments=_assessments(record, instrument),
        needs_review=list(needs_review or []),
    )


def _checklist(assessment: Assessment | None) -> dict[str, Any] | None:
    if assessment is None:
        return None
    return {
        "answers": {n: (a or {}).get("answer") for n, a in assessment.answers.items()},
        "score": assessment.score,
        "completed_date": assessment.completed_date.isoformat()
        if assessment.completed_date
        else None,
    }


def to_record(referral: Referral, assessments: list[Assessment]) -> dict[str, Any]:
    """Return the referral in the extraction record's shape (newest checklist of each kind)."""
    newest = {a.instrument: a for a in sorted(assessments, key=lambda a: (a.version, a.id or 0))}
    dash = newest.get(Instrument.SAFELIVES_DASH_24) or newest.get(Instrument.ACPO_DASH_27)
    screen = _checklist(newest.get(Instrument.S_DASH_11))
    perpetrator = referral.perpetrators[0] if referral.perpetrators else {}
    return {
        "pathway": referral.pathway.value,
        "referrer": {
            "name": referral.referrer_name,
            "agency": referral.referrer_agency,
            "role": referral.referrer_role,
            "email": referral.referrer_email,
            "phone": referral.referrer_phone,
        },
        "victim": {
            "name": referral.victim_name,
            "date_of_birth": referral.victim_date_of_birth.isoformat()
            if referral.victim_date_of_birth
            else None,
            "gender": referral.victim_gender,
            "address": referral.victim_address,
            "postcode": referral.victim_postcode,
            "phone": referral.victim_phone,
            "safe_to_contact": referral.safe_contact.get("overall"),
            "safe_contact_notes": referral.safe_contact.get("notes", ""),
        },
        "perpetrator": {
            "name": perpetrator.get("name", ""),
            "date_of_birth": perpetrator.get("date_of_birth"),
            "relationship_to_victim": perpetrator.get("relationship_to_victim", ""),
        },
        "children_in_household": referral.children_in_household,
        "consent": _CONSENT_OUT.get(referral.consent) if referral.consent else None,
        "dash": _checklist(dash),
        "stalking_screen": {"answers": screen["answers"]} if screen else None,
        "professional_judgement": referral.professional_judgement,
        "reason_for_referral": referral.reason_for_referral,
    }
