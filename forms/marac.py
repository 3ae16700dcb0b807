"""The MARAC referral with the SafeLives DASH risk checklist, page by page."""

from datetime import date
from typing import Any

from wtforms.validators import StopValidation

from forms.referral_common import (
    MEDIUM,
    SHARED_PAGES,
    YES_NO,
    DateField,
    Flow,
    Page,
    PageForm,
    area,
    checklist_answers,
    checklist_form,
    not_in_future,
    number,
    plausible_birth_date,
    radios,
    text,
    victim_fields,
)
from workflow.checklists import DASH
from workflow.intake import NewAssessment, NewReferral
from workflow.models.referral import Consent, Instrument, Pathway, Source
from workflow.rules.risk import dash_score

PERPETRATOR_RELATIONSHIPS = [
    ("partner", "Partner"),
    ("ex_partner", "Ex-partner"),
    ("family", "Family member"),
    ("other", "Other"),
]
LAWFUL_BASES = [
    (
        "vital_interests",
        "To protect someone's life: UK GDPR Article 6(1)(d) and Article 9(2)(b)",
    ),
    (
        "public_task",
        "A task in the public interest: UK GDPR Article 6(1)(e) and Article 9(2)(g)",
    ),
]


class PerpetratorForm(PageForm):
    widths = (("perpetrator_name", "govuk-!-width-two-thirds"),)

    perpetrator_name = text("Perpetrator's full name", "Enter the perpetrator's name")
    perpetrator_date_of_birth = DateField(
        "Perpetrator's date of birth, if known (optional)",
        description="For example, 14 6 1985",
        validators=[plausible_birth_date],
    )
    perpetrator_relationship = radios(
        "What is the perpetrator's relationship to the victim?",
        PERPETRATOR_RELATIONSHIPS,
        "Select the perpetrator's relationship to the victim",
    )
    perpetrator_address = area("Perpetrator's address, if known (optional)", max_length=MEDIUM)
    other_perpetrators = area(
        "Any other perpetrators (optional)",
        max_length=2000,
        description="Name, date of birth and relationship to the victim of each.",
    )


class ChildrenForm(PageForm):
    widths = (("children_count", "govuk-input--width-3"),)

    children_count = number(
        "How many children live in the household?",
        "Enter how many children live in the household, or 0",
        30,
        description="Enter 0 if there are none.",
    )
    children_details = area(
        "Names and dates of birth of the children (optional)",
        max_length=2000,
        description="Say if a child is the perpetrator's. Put each child on its own line.",
    )


class CriteriaForm(PageForm):
    intro = (
        "The DASH score is worked out from your answers: you do not need to add it up. A "
        "referral to MARAC can also rest on professional judgement or on escalation."
    )
    inline = ("professional_judgement",)
    widths = (
        ("police_incidents_12m", "govuk-input--width-3"),
        ("crime_reference", "govuk-input--width-20"),
    )

    reason_for_referral = area(
        "Why are you making this referral?", "Enter why you are making this referral"
    )
    professional_judgement = radios(
        "Are you referring on professional judgement?",
        YES_NO,
        "Select whether you are referring on professional judgement",
        description="Your concern about the victim's safety, whatever the DASH score.",
    )
    professional_judgement_reason = area(
        "Reason for your professional judgement (needed if yes)", max_length=4000, check_empty=True
    )
    police_incidents_12m = number(
        "How many incidents has the police recorded in the last 12 months? (optional)",
        None,
        500,
        description="Leave empty if you do not know.",
    )
    last_incident = DateField(
        "Date of the most recent incident",
        "Enter the date of the most recent incident",
        validators=[not_in_future("The date of the most recent incident")],
    )
    crime_reference = text("Police crime or incident reference (optional)", max_length=60)

    def validate_professional_judgement_reason(self, field: Any) -> None:
        if self.professional_judgement.data == "yes" and not (field.data or "").strip():
            raise StopValidation("Enter the reason for your professional judgement")


class ConsentForm(PageForm):
    intro = (
        "Consent to a MARAC referral is preferred but not essential. If the victim has not "
        "agreed, say why and on what legal basis their information is shared."
    )
    inline = ("victim_aware",)

    victim_aware = radios(
        "Does the victim know about this referral?",
        YES_NO,
        "Select whether the victim knows about this referral",
    )
    consent = radios(
        "Has the victim agreed to this referral?",
        [
            ("given", "Yes, they have agreed"),
            ("refused", "No, they do not agree"),
            ("not_asked_unsafe", "They have not been asked because it is not safe"),
        ],
        "Select whether the victim has agreed to this referral",
    )
    consent_not_sought_reason = area(
        "If they have not agreed, why not?", max_length=2000, check_empty=True
    )
    lawful_basis = radios("If they have not agreed, the lawful basis for sharing", LAWFUL_BASES)

    def validate_consent_not_sought_reason(self, field: Any) -> None:
        if self.consent.data in ("refused", "not_asked_unsafe") and not (field.data or "").strip():
            raise StopValidation("Enter why the victim has not agreed to this referral")

    def validate_lawful_basis(self, field: Any) -> None:
        if self.consent.data in ("refused", "not_asked_unsafe") and not field.data:
            raise StopValidation("Select the lawful basis for sharing without consent")


class SafetyForm(PageForm):
    victim_afraid_of = area(
        "Who is the victim afraid of?", "Enter who the victim is afraid of", 2000
    )
    safe_to_speak_to = area(
        "Who is it safe to speak to about the victim? (optional)", max_length=2000
    )
    unsafe_to_speak_to = area(
        "Who must we not speak to about the victim? (optional)",
        max_length=2000,
        description="For example, family members who side with the perpetrator.",
    )


DASH_PAGES = [
    Page(
        f"dash-{n + 1}",
        f"DASH risk checklist: questions {n * 6 + 1} to {n * 6 + 6}",
        checklist_form(f"Dash{n + 1}", DASH[n * 6 : n * 6 + 6], with_source=True),
    )
    for n in range(4)
]
DASH_SLUGS = tuple(p.slug for p in DASH_PAGES)

FLOW = Flow(
    "marac",
    "MARAC referral",
    [
        *SHARED_PAGES,
        Page("perpetrator", "The perpetrator", PerpetratorForm),
        Page("children", "Children in the household", ChildrenForm),
        *DASH_PAGES,
        Page("criteria", "Reason for referral", CriteriaForm),
        Page("consent", "Consent and the victim's knowledge of the referral", ConsentForm),
        Page("safety", "Who is safe to speak to", SafetyForm),
    ],
)


def score_so_far(stored: dict[str, Any], exclude: str | None = None) -> int:
    """Return the DASH score of the answers saved on the DASH pages, leaving out `exclude`."""
    answers: dict[str, str | None] = {}
    for page in DASH_PAGES:
        if page.slug != exclude and page.slug in stored:
            form = FLOW.load(page, stored)
            answers.update({k: v["answer"] for k, v in checklist_answers([form]).items()})
    return dash_score(answers)


def to_new_referral(forms: dict[str, PageForm]) -> NewReferral:
    """Turn the validated pages into a referral for intake."""
    d: dict[str, Any] = {slug: f.data for slug, f in forms.items()}
    fields = victim_fields(forms)
    p, ch, cr, co, sa = d["perpetrator"], d["children"], d["criteria"], d["consent"], d["safety"]
    dob = p["perpetrator_date_of_birth"]
    fields.update(
        perpetrators=[
            {
                "name": p["perpetrator_name"],
                "date_of_birth": dob.isoformat() if dob else "",
                "relationship_to_victim": p["perpetrator_relationship"],
                "address": p["perpetrator_address"] or "",
            }
        ],
        children_in_household=ch["children_count"],
        children=[{"details": ch["children_details"]}] if ch["children_details"] else [],
        consent=Consent(co["consent"]),
        victim_aware=co["victim_aware"] == "yes",
        consent_not_sought_reason=co["consent_not_sought_reason"] or "",
        lawful_basis=dict(LAWFUL_BASES).get(co["lawful_basis"] or "", ""),
        professional_judgement=cr["professional_judgement"] == "yes",
        professional_judgement_reason=cr["professional_judgement_reason"] or "",
        police_incidents_12m=cr["police_incidents_12m"],
        last_incident=cr["last_incident"],
        crime_reference=cr["crime_reference"] or "",
        reason_for_referral=cr["reason_for_referral"],
    )
    fields["details"] = {
        **fields["details"],
        "other_perpetrators": p["other_perpetrators"] or "",
        "victim_afraid_of": sa["victim_afraid_of"],
        "safe_to_speak_to": sa["safe_to_speak_to"] or "",
        "unsafe_to_speak_to": sa["unsafe_to_speak_to"] or "",
    }
    dash = NewAssessment(
        Instrument.SAFELIVES_DASH_24,
        checklist_answers([forms[slug] for slug in DASH_SLUGS]),
        completed_date=date.today(),
    )
    return NewReferral(Pathway.MARAC, Source.WEB_FORM, fields, [dash])
