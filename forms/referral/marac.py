"""The MARAC referral with the SafeLives DASH risk checklist, page by page."""

from datetime import date
from typing import Any

from wtforms.validators import StopValidation

from forms.referral.checklist_pages import checklist_answers, checklist_form
from forms.referral.fields import MEDIUM, DateField, area, number, radios, text
from forms.referral.page import PageForm
from forms.referral.shared_pages import SHARED_PAGES, victim_fields
from forms.referral.stepper import PREFILL, Flow, Page
from forms.referral.validators import OLDEST_PLAUSIBLE_AGE, not_in_future, plausible_birth_date
from workflow.assessment import checklists
from workflow.assessment.assessing import perpetrator_age
from workflow.assessment.checklists import DASH, STALKING_SCREEN
from workflow.models.referral import Consent, Instrument, Pathway, Source
from workflow.policy import Policy
from workflow.record import lawful_bases
from workflow.record.options import MARAC_CONSENT, PERPETRATOR_RELATIONSHIPS, YES_NO, YES_NO_DK
from workflow.referrals.receiving import NewAssessment, NewReferral
from workflow.rules.eligibility import perpetrators_under_age
from workflow.rules.risk import dash_score

LAWFUL_BASES = lawful_bases.choices()


def _age(label: str) -> Any:
    return number(
        label,
        None,
        OLDEST_PLAUSIBLE_AGE,
        description="Only if you do not know their date of birth. Your best estimate will do.",
    )


class PerpetratorForm(PageForm):
    """The perpetrator, and a second one if there is one (a fixed block: works without JS)."""

    intro = "If more than one person is abusing the victim, give the second one below."
    widths = (
        ("perpetrator_name", "govuk-!-width-two-thirds"),
        ("perpetrator_age", "govuk-input--width-3"),
        ("second_perpetrator_name", "govuk-!-width-two-thirds"),
        ("second_perpetrator_age", "govuk-input--width-3"),
    )
    headings = (("second_perpetrator_name", "A second perpetrator (optional)"),)

    perpetrator_name = text("Perpetrator's full name", "Enter the perpetrator's name")
    perpetrator_date_of_birth = DateField(
        "Perpetrator's date of birth, if known (optional)",
        description="For example, 14 6 1985",
        validators=[plausible_birth_date],
    )
    perpetrator_age = _age("Perpetrator's age (optional)")
    perpetrator_relationship = radios(
        "What is the perpetrator's relationship to the victim?",
        PERPETRATOR_RELATIONSHIPS,
        "Select the perpetrator's relationship to the victim",
    )
    perpetrator_address = area("Perpetrator's address, if known (optional)", max_length=MEDIUM)
    # check_empty: its own check below runs on an empty name (needed once the block is begun).
    second_perpetrator_name = text("Second perpetrator's full name (optional)", check_empty=True)
    second_perpetrator_date_of_birth = DateField(
        "Second perpetrator's date of birth, if known (optional)",
        description="For example, 14 6 1985",
        validators=[plausible_birth_date],
    )
    second_perpetrator_age = _age("Second perpetrator's age (optional)")
    second_perpetrator_relationship = radios(
        "What is the second perpetrator's relationship to the victim? (optional)",
        PERPETRATOR_RELATIONSHIPS,
    )
    second_perpetrator_address = area(
        "Second perpetrator's address, if known (optional)", max_length=MEDIUM
    )
    other_perpetrators = area(
        "Any more perpetrators (optional)",
        max_length=2000,
        description="Name, date of birth or age, and relationship to the victim of each.",
    )

    def validate_perpetrator_age(self, field: Any) -> None:
        _one_age(self.perpetrator_date_of_birth, field)

    def validate_second_perpetrator_age(self, field: Any) -> None:
        _one_age(self.second_perpetrator_date_of_birth, field)

    def validate_second_perpetrator_name(self, field: Any) -> None:
        if self._second_given() and not (field.data or "").strip():
            raise StopValidation("Enter the second perpetrator's name, or 'Not known'")

    def validate_second_perpetrator_relationship(self, field: Any) -> None:
        if self._second_given() and not field.data:
            raise StopValidation("Select the second perpetrator's relationship to the victim")

    def _second_given(self) -> bool:
        return any(
            self[f"second_perpetrator_{part}"].data not in (None, "")
            for part in ("name", "date_of_birth", "age", "relationship", "address")
        )


def _one_age(date_of_birth: Any, age: Any) -> None:
    """A date of birth or an age, not both: two that disagree would leave the rule guessing."""
    if age.data is not None and date_of_birth.data is not None:
        raise StopValidation("Enter the date of birth or the age, not both")


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
    # GOV.UK conditional reveals: each follow-up shows only under the answer it belongs to (all
    # show without JavaScript, and a follow-up given with another answer is refused below).
    reveals = (
        ("professional_judgement", "yes", ("professional_judgement_reason",)),
        ("previous_marac", "yes", ("previous_marac_date", "previous_marac_where")),
    )
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
        "Reason for your professional judgement", max_length=4000, check_empty=True
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
    previous_marac = radios(
        "Has this victim been referred to a MARAC before, here or elsewhere?",
        YES_NO_DK,
        "Select whether the victim has been referred to a MARAC before",
    )
    previous_marac_date = DateField(
        "Date of the most recent MARAC referral (optional)",
        description="For example, 14 2 2026. Your best estimate will do.",
        validators=[not_in_future("The date of the most recent MARAC referral")],
    )
    previous_marac_where = text("Which MARAC? (optional)", max_length=200)

    def validate_previous_marac_date(self, field: Any) -> None:
        if field.data is not None and self.previous_marac.data != "yes":
            raise StopValidation("Select Yes above, or leave the date empty")

    def validate_previous_marac_where(self, field: Any) -> None:
        if (field.data or "").strip() and self.previous_marac.data != "yes":
            raise StopValidation("Select Yes above, or leave which MARAC empty")

    def validate_professional_judgement_reason(self, field: Any) -> None:
        given = bool((field.data or "").strip())
        if self.professional_judgement.data == "yes" and not given:
            raise StopValidation("Enter the reason for your professional judgement")
        if given and self.professional_judgement.data != "yes":
            raise StopValidation("Select Yes above, or leave the reason empty")


class ConsentForm(PageForm):
    intro = (
        "Consent to a MARAC referral is preferred but not essential. If the victim has not "
        "agreed, say why and on what legal basis their information is shared."
    )
    inline = ("victim_aware",)
    # Each answer without consent reveals its own question why (GOV.UK reveals one block per
    # answer); the two are stored as the one reason, Referral.consent_not_sought_reason.
    reveals = (
        ("consent", "refused", ("consent_refused_reason",)),
        ("consent", "not_asked_unsafe", ("consent_not_sought_reason",)),
    )

    victim_aware = radios(
        "Does the victim know about this referral?",
        YES_NO,
        "Select whether the victim knows about this referral",
    )
    consent = radios(
        "Has the victim agreed to this referral?",
        MARAC_CONSENT,
        "Select whether the victim has agreed to this referral",
    )
    consent_refused_reason = area("Why have they not agreed?", max_length=2000, check_empty=True)
    consent_not_sought_reason = area(
        "Why is it not safe to ask them?", max_length=2000, check_empty=True
    )
    lawful_basis = radios("If they have not agreed, the lawful basis for sharing", LAWFUL_BASES)

    def validate_consent_refused_reason(self, field: Any) -> None:
        missing = "Enter why the victim has not agreed to this referral"
        _reason_for(self.consent.data, "refused", field, missing)

    def validate_consent_not_sought_reason(self, field: Any) -> None:
        missing = "Enter why it is not safe to ask the victim"
        _reason_for(self.consent.data, "not_asked_unsafe", field, missing)

    def validate_lawful_basis(self, field: Any) -> None:
        if self.consent.data in ("refused", "not_asked_unsafe") and not field.data:
            raise StopValidation("Select the lawful basis for sharing without consent")


def _reason_for(answer: str | None, needs: str, field: Any, missing: str) -> None:
    """Demand the reason under the answer that reveals it, and refuse it under any other."""
    given = bool((field.data or "").strip())
    if answer == needs and not given:
        raise StopValidation(missing)
    if given and answer != needs:
        chosen = dict(MARAC_CONSENT)[needs]
        raise StopValidation(f"Select '{chosen}' above, or leave this reason empty")


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


def _closing(q: checklists.Closing) -> Any:
    return area(q.text, max_length=4000, description=q.hint)


class DashClosingForm(PageForm):
    """The DASH's closing sections and when and how it was completed (the published form's end)."""

    intro = (
        "The end of the DASH. Give the date the checklist was completed, which may be before "
        "today, and whether the answers came from the victim."
    )

    dash_completed_date = DateField(
        checklists.DASH_COMPLETED_DATE,
        "Enter the date the DASH was completed",
        description="For example, 20 11 2026",
        validators=[not_in_future("The date the DASH was completed")],
    )
    dash_completed_with = radios(
        checklists.DASH_COMPLETED_WITH,
        checklists.COMPLETED_WITH,
        "Select whether the DASH was completed with the victim or from other sources",
    )
    dash_other_information = _closing(checklists.DASH_OTHER_INFORMATION)
    dash_weapons = _closing(checklists.DASH_WEAPONS)
    dash_victim_priorities = _closing(checklists.DASH_PRIORITIES)
    dash_children_at_risk = radios(
        checklists.DASH_CHILDREN_AT_RISK,
        YES_NO_DK,
        "Select whether there are risks facing the children",
    )
    dash_safeguarding_referral = radios(
        f"{checklists.DASH_SAFEGUARDING_REFERRAL} (needed if there are risks to the children)",
        YES_NO,
    )
    dash_safeguarding_date = DateField(
        f"{checklists.DASH_SAFEGUARDING_DATE} (optional)",
        description="For example, 20 11 2026",
        validators=[not_in_future("The date the safeguarding referral was made")],
    )

    def validate_dash_safeguarding_referral(self, field: Any) -> None:
        if self.dash_children_at_risk.data == "yes" and not field.data:
            raise StopValidation(
                "Select whether a referral has been made to safeguard the children"
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
STALKING_Q = 8  # DASH Q8: constantly texts, calls, contacts, follows, stalks or harasses
STALKING_INTRO = (
    "You answered Yes to question 8 of the DASH: the perpetrator stalks or harasses the victim. "
    "These 11 stalking screening questions (S-DASH) help the MARAC judge the risk. They are "
    "optional: leave any you cannot answer."
)


def stalking_reported(stored: dict[str, Any]) -> bool:
    """Whether the saved DASH answers say the perpetrator stalks or harasses the victim."""
    page = DASH_SLUGS[(STALKING_Q - 1) // 6]
    return (stored.get(page) or {}).get(f"q{STALKING_Q}") == ["yes"]


def _screen(name: str, questions: Any) -> type[PageForm]:
    form = checklist_form(name, questions, with_source=False, optional=True)
    form.intro = STALKING_INTRO
    return form


STALKING_PAGES = [
    Page(
        "stalking-1",
        "Stalking screening questions 1 to 6",
        _screen("MaracStalking1", STALKING_SCREEN[:6]),
        when=stalking_reported,
    ),
    Page(
        "stalking-2",
        "Stalking screening questions 7 to 11",
        _screen("MaracStalking2", STALKING_SCREEN[6:]),
        when=stalking_reported,
    ),
]

FLOW = Flow(
    "marac",
    "MARAC referral",
    [
        *SHARED_PAGES,
        Page("perpetrator", "The perpetrator", PerpetratorForm),
        Page("children", "Children in the household", ChildrenForm),
        *DASH_PAGES,
        *STALKING_PAGES,
        Page("dash-closing", "DASH risk checklist: completing it", DashClosingForm),
        Page("criteria", "Reason for referral", CriteriaForm),
        Page("consent", "Consent and the victim's knowledge of the referral", ConsentForm),
        Page("safety", "Who is safe to speak to", SafetyForm),
    ],
    own_notes=lambda forms, policy: young_perpetrators(forms, policy),
)


def from_stalking(stalking: dict[str, Any]) -> dict[str, Any]:
    """What a stalking draft that turned out to be domestic abuse carries to this form.

    The shared pages come as saved; the suspect becomes the perpetrator, shown on that page for
    the referrer to check and save (not saved for them). The suspect's description has no place
    on the MARAC form and stays behind.
    """
    shared = {p.slug: stalking[p.slug] for p in SHARED_PAGES if p.slug in stalking}
    suspect = stalking.get("suspect") or {}
    relationship = suspect.get("suspect_relationship") or []
    perpetrator = {
        "perpetrator_name": suspect.get("suspect_name") or [],
        "perpetrator_date_of_birth": suspect.get("suspect_date_of_birth") or [],
        "perpetrator_relationship": [
            r for r in relationship if r in dict(PERPETRATOR_RELATIONSHIPS)
        ],
    }
    if any(any(v) for v in perpetrator.values()):
        shared[PREFILL + "perpetrator"] = perpetrator
    return shared


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
    closing = d["dash-closing"]
    fields.update(
        perpetrators=perpetrators(p),
        children_in_household=ch["children_count"],
        children=[{"details": ch["children_details"]}] if ch["children_details"] else [],
        consent=Consent(co["consent"]),
        victim_aware=co["victim_aware"] == "yes",
        consent_not_sought_reason=consent_reason(co),
        lawful_basis=co["lawful_basis"] or "",  # the code: workflow.record.lawful_bases
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
        "dash": dash_closing(closing),
        "previous_marac": previous_marac(cr),
    }
    dash = NewAssessment(
        Instrument.SAFELIVES_DASH_24,
        checklist_answers([forms[slug] for slug in DASH_SLUGS]),
        completed_date=closing["dash_completed_date"],  # the DASH's own date, not the send date
    )
    return NewReferral(Pathway.MARAC, Source.WEB_FORM, fields, [dash, *stalking_screen(forms)])


def consent_reason(page: dict[str, Any]) -> str:
    """The one reason the consent page gives for going ahead without consent, or ''."""
    given = page["consent_refused_reason"] or page["consent_not_sought_reason"] or ""
    return str(given).strip()


def previous_marac(page: dict[str, Any]) -> dict[str, Any]:
    """The referrer's answer about an earlier MARAC referral, as details.previous_marac."""
    told = page["previous_marac_date"]
    found = {
        "referred": page["previous_marac"],
        "date": told.isoformat() if told else "",
        "where": (page["previous_marac_where"] or "").strip(),
    }
    return {k: v for k, v in found.items() if v}


def dash_closing(page: dict[str, Any]) -> dict[str, Any]:
    """The closing page as details.dash (workflow.record.catalogue): the answers given."""
    dates = ("completed_date", "safeguarding_date")
    return {
        key: page[f"dash_{key}"].isoformat() if key in dates else page[f"dash_{key}"]
        for key in (
            "completed_date",
            "completed_with",
            "other_information",
            "weapons",
            "victim_priorities",
            "children_at_risk",
            "safeguarding_referral",
            "safeguarding_date",
        )
        if page[f"dash_{key}"]
    }


def stalking_screen(forms: dict[str, PageForm]) -> list[NewAssessment]:
    """The S-DASH asked after DASH Q8, when the referrer answered any of it."""
    pages = [forms[p.slug] for p in STALKING_PAGES if p.slug in forms]
    answers = checklist_answers(pages)
    if not any(a["answer"] or a["comment"] or a["sub"] for a in answers.values()):
        return []
    return [NewAssessment(Instrument.S_DASH_11, answers, completed_date=date.today())]


def _person(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    dob, age = data[f"{prefix}_date_of_birth"], data[f"{prefix}_age"]
    person = {
        "name": data[f"{prefix}_name"] or "",
        "date_of_birth": dob.isoformat() if dob else "",
        "relationship_to_victim": data[f"{prefix}_relationship"] or "",
        "address": data[f"{prefix}_address"] or "",
    }
    return {**person, "age": age} if age is not None else person


def perpetrators(page: dict[str, Any]) -> list[dict[str, Any]]:
    """The perpetrator page as Referral.perpetrators: the first, and the second if given."""
    found = [_person(page, "perpetrator")]
    if page["second_perpetrator_name"]:
        found.append(_person(page, "second_perpetrator"))
    return found


def young_perpetrators(forms: dict[str, PageForm], policy: Policy) -> list[str]:
    """Note for check-your-answers that a perpetrator under 16 is flagged, not refused."""
    people = [perpetrator_age(p) for p in perpetrators(forms["perpetrator"].data)]
    if perpetrators_under_age(people, date.today(), policy):
        return [
            f"A perpetrator is under {policy.perpetrator_minimum_age}. We still take the "
            "referral: the coordinator will decide the right route for it."
        ]
    return []
