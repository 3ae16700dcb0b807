"""The Stalking & Harassment (non-domestic abuse) IDVA referral, page by page."""

from datetime import date
from typing import Any

from forms.referral.checklist_pages import checklist_answers, checklist_form
from forms.referral.fields import MEDIUM, DateField, area, radios, text, ticks
from forms.referral.page import PageForm
from forms.referral.shared_pages import SHARED_PAGES, victim_fields
from forms.referral.stepper import Flow, Page
from forms.referral.validators import not_in_future, plausible_birth_date
from workflow.assessment.checklists import STALKING_SCREEN
from workflow.models.referral import Consent, Instrument, Pathway, Source
from workflow.policy import Policy
from workflow.record.options import (
    BEHAVIOUR_WHERE,
    STALKING_CONSENT,
    SUSPECT_RELATIONSHIPS,
    YES_NO_DK,
)
from workflow.referrals.receiving import NewAssessment, NewReferral
from workflow.web_referrals.screening import Stop, check_relationship, check_stalking_consent

RELATIONSHIPS = SUSPECT_RELATIONSHIPS


class ConsentForm(PageForm):
    intro = (
        "The Stalking and Harassment IDVA service is voluntary: the victim must agree to the "
        "referral before we can accept it."
    )

    consent = radios(
        "Has the victim agreed to this referral?",
        STALKING_CONSENT,
        "Select whether the victim has agreed to this referral",
    )


class SuspectForm(PageForm):
    widths = (("suspect_name", "govuk-!-width-two-thirds"),)

    suspect_name = text("Suspect's name, if known (optional)")
    suspect_date_of_birth = DateField(
        "Suspect's date of birth, if known (optional)",
        description="For example, 14 6 1985",
        validators=[plausible_birth_date],
    )
    suspect_relationship = radios(
        "What is the suspect's relationship to the victim?",
        RELATIONSHIPS,
        "Select the suspect's relationship to the victim",
    )
    suspect_description = area(
        "Description of the suspect (optional)",
        max_length=2000,
        description="Appearance, vehicle, address or workplace if known.",
    )


class BehaviourForm(PageForm):
    intro = (
        "Think of the FOUR pattern: behaviour that is Fixated, Obsessive, Unwanted and Repeated."
    )

    behaviour_what = area("What has the suspect been doing?", "Describe what the suspect has done")
    behaviour_since = DateField(
        "When did it start?",
        "Enter the date the behaviour started",
        description=(
            "If you do not know the exact day, give your best estimate. For example, 1 3 2026"
        ),
        validators=[not_in_future("The date it started")],
    )
    behaviour_last = DateField(
        "When did it last happen?",
        "Enter the date of the most recent incident",
        validators=[not_in_future("The date it last happened")],
    )
    behaviour_how_often = text("How often does it happen?", "Enter how often it happens", MEDIUM)
    behaviour_where = ticks(
        "Where does it happen? (select all that apply)",
        BEHAVIOUR_WHERE,
        validators=[],
    )


class PoliceForm(PageForm):
    inline = ("police_reported",)
    widths = (("crime_reference", "govuk-input--width-20"),)

    police_reported = radios(
        "Has it been reported to the police?",
        YES_NO_DK,
        "Select whether it has been reported to the police",
    )
    crime_reference = text("Crime reference number (optional)", max_length=60)
    police_officer = text(
        "Officer in the case (optional)",
        max_length=MEDIUM,
        description="Name, collar number and contact details.",
    )
    bail_or_orders = area(
        "Bail conditions or court orders (optional)",
        max_length=2000,
        description=(
            "For example a stalking protection order, restraining order or bail conditions."
        ),
    )


class OthersAtRiskForm(PageForm):
    inline = ("children_at_risk", "others_at_risk")

    children_at_risk = radios(
        "Are any children at risk?", YES_NO_DK, "Select whether any children are at risk"
    )
    others_at_risk = radios(
        "Are any other people at risk, such as family, friends or colleagues?",
        YES_NO_DK,
        "Select whether any other people are at risk",
    )
    at_risk_details = area("Who is at risk and how (optional)", max_length=2000)


class WantsForm(PageForm):
    victim_wants = area(
        "What does the victim want from the service?",
        "Enter what the victim wants from the service",
        description="For example, safety planning, support through court, help with the police.",
    )
    anything_else = area("Anything else we should know (optional)", max_length=2000)


def _stop(slug: str, form: PageForm, policy: Policy) -> Stop | None:
    if slug == "consent":
        return check_stalking_consent(form.data["consent"])
    if slug == "suspect":
        return check_relationship(form.data["suspect_relationship"])
    return None


SCREEN_1 = checklist_form("StalkingScreen1", STALKING_SCREEN[:6], with_source=False)
SCREEN_2 = checklist_form("StalkingScreen2", STALKING_SCREEN[6:], with_source=False)

FLOW = Flow(
    "stalking",
    "Stalking and harassment referral",
    [
        *SHARED_PAGES,
        Page("consent", "The victim's consent", ConsentForm),
        Page("suspect", "The suspect", SuspectForm),
        Page("behaviour", "The stalking or harassment", BehaviourForm),
        Page("screening-1", "Stalking screening questions 1 to 6", SCREEN_1),
        Page("screening-2", "Stalking screening questions 7 to 11", SCREEN_2),
        Page("police", "Police involvement", PoliceForm),
        Page("others-at-risk", "Children and other people at risk", OthersAtRiskForm),
        Page("wants", "What the victim wants", WantsForm),
    ],
    own_stop=_stop,
)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def to_new_referral(forms: dict[str, PageForm]) -> NewReferral:
    """Turn the validated pages into a referral for intake."""
    d: dict[str, Any] = {slug: f.data for slug, f in forms.items()}
    fields = victim_fields(forms)
    s, b, p, o, w = d["suspect"], d["behaviour"], d["police"], d["others-at-risk"], d["wants"]
    fields.update(
        consent=Consent.GIVEN,
        victim_aware=True,
        perpetrators=[
            {
                "name": s["suspect_name"] or "",
                "date_of_birth": _iso(s["suspect_date_of_birth"]),
                "relationship_to_victim": s["suspect_relationship"],
                "description": s["suspect_description"] or "",
            }
        ],
        last_incident=b["behaviour_last"],
        crime_reference=p["crime_reference"] or "",
        reason_for_referral=b["behaviour_what"],
    )
    fields["details"] = {
        **fields["details"],
        "behaviour": {
            "what": b["behaviour_what"],
            "since": _iso(b["behaviour_since"]),
            "how_often": b["behaviour_how_often"],
            "where": list(b["behaviour_where"] or []),
        },
        "police": {
            "reported": p["police_reported"],
            "officer": p["police_officer"] or "",
            "bail_or_orders": p["bail_or_orders"] or "",
        },
        "at_risk": {
            "children": o["children_at_risk"],
            "others": o["others_at_risk"],
            "details": o["at_risk_details"] or "",
        },
        "victim_wants": w["victim_wants"],
        "anything_else": w["anything_else"] or "",
    }
    screen = NewAssessment(
        Instrument.S_DASH_11,
        checklist_answers([forms["screening-1"], forms["screening-2"]]),
        completed_date=date.today(),
    )
    return NewReferral(Pathway.STALKING_IDVA, Source.WEB_FORM, fields, [screen])
