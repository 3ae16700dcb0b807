"""The pages both public referral forms ask first: the referrer, the victim, their address and
telephone, safe ways to contact them, and language and diversity."""

from typing import Any

from wtforms.validators import Optional, StopValidation

from forms.referral.check_answers import question
from forms.referral.fields import MEDIUM, DateField, area, dont_know, radios, select, text
from forms.referral.page import PageForm
from forms.referral.stepper import Page
from forms.referral.validators import (
    WORK_EMAIL,
    phone_number,
    plausible_birth_date,
    postcode,
    unless_ticked,
)
from workflow.record.options import (
    AGENCY_TYPES,
    CHANNEL_NAMES,
    CHANNELS,
    ETHNIC_GROUPS,
    GENDERS,
    SELF_DESCRIBE,
    YES_NO_DK,
)

GENDER_HINT = "As the victim describes it. Select Not known if you do not know."


class ReferrerForm(PageForm):
    intro = "We will contact you about this referral. Give your work details, not personal ones."
    # The referrer's own details: browsers may offer what they know (WCAG 1.3.5).
    purposes = (
        ("referrer_name", "name", "text"),
        ("referrer_role", "organization-title", "text"),
        ("referrer_agency", "organization", "text"),
        ("referrer_phone", "work tel", "tel"),
        ("referrer_email", "work email", "email"),
    )
    widths = (
        ("referrer_phone", "govuk-input--width-20"),
        ("referrer_email", "govuk-!-width-two-thirds"),
    )

    referrer_name = text("Your full name", "Enter your full name")
    referrer_role = text("Your job title or role", "Enter your job title or role")
    referrer_agency_type = select(
        "Type of agency", AGENCY_TYPES, "Select the type of agency you work for"
    )
    referrer_agency = text(
        "Name of your organisation and team", "Enter the name of your organisation"
    )
    referrer_phone = text(
        "Work telephone number", "Enter your work telephone number", 40, validators=[phone_number]
    )
    referrer_email = text(
        "Work email address",
        "Enter your work email address",
        254,
        description="We send an acknowledgement with the referral number to this address.",
        validators=[WORK_EMAIL],
    )


class VictimForm(PageForm):
    widths = (("victim_gender_description", "govuk-input--width-20"),)
    reveals = (("victim_gender", SELF_DESCRIBE, ("victim_gender_description",)),)

    victim_name = text("Victim's full name", "Enter the victim's full name")
    victim_aliases = text(
        "Other names they use or have used (optional)",
        max_length=MEDIUM,
        description="Separate names with a comma.",
    )
    victim_date_of_birth = DateField(
        "Date of birth",
        description="For example, 27 3 1990. If you do not know it, tick the box below.",
        validators=[
            plausible_birth_date,
            unless_ticked(
                "victim_dob_unknown",
                "Enter the victim's date of birth, or tick that you do not know it",
            ),
        ],
    )
    victim_dob_unknown = dont_know("I do not know their date of birth")
    victim_gender = radios(
        "Gender", GENDERS, "Select the victim's gender, or Not known", description=GENDER_HINT
    )
    # check_empty: its own check below demands it when the victim prefers to self-describe.
    victim_gender_description = text(
        "Their gender in their words",
        max_length=100,
        check_empty=True,
    )

    def validate_victim_gender_description(self, field: Any) -> None:
        given = bool((field.data or "").strip())
        if self.victim_gender.data == SELF_DESCRIBE and not given:
            raise StopValidation("Enter the victim's gender in their words")
        if given and self.victim_gender.data != SELF_DESCRIBE:
            raise StopValidation("Select Prefer to self-describe, or leave this empty")


class ContactForm(PageForm):
    # Someone else's details: the right keyboard, but no autofill of the referrer's own.
    purposes = (
        ("victim_phone", "off", "tel"),
        ("victim_email", "off", "email"),
    )
    widths = (
        ("victim_postcode", "govuk-input--width-10"),
        ("victim_phone", "govuk-input--width-20"),
    )

    victim_address = area("Victim's address", "Enter the victim's address", MEDIUM)
    victim_postcode = text(
        "Postcode",
        max_length=10,
        check_empty=True,
        validators=[
            postcode,
            unless_ticked(
                "victim_postcode_unknown", "Enter the postcode, or tick that you do not know it"
            ),
        ],
    )
    victim_postcode_unknown = dont_know("I do not know the postcode")
    victim_phone = text(
        "Victim's telephone number",
        max_length=40,
        check_empty=True,
        validators=[
            phone_number,
            unless_ticked(
                "victim_phone_unknown",
                "Enter the victim's telephone number, or tick that they have none or "
                "you do not know it",
            ),
        ],
    )
    victim_phone_unknown = dont_know("They have no telephone or I do not know the number")
    victim_email = text(
        "Victim's email address (optional)", max_length=254, validators=[Optional(), WORK_EMAIL]
    )


class SafeContactForm(PageForm):
    intro = (
        "We will only contact the victim in the ways you say are safe. If you are not sure, say so."
    )
    inline = tuple(f"safe_{c}" for c, _ in CHANNELS)

    safe_call = radios(CHANNELS[0][1], YES_NO_DK, "Select whether it is safe to call the victim")
    safe_voicemail = radios(
        CHANNELS[1][1], YES_NO_DK, "Select whether it is safe to leave a voicemail"
    )
    safe_text = radios(
        CHANNELS[2][1], YES_NO_DK, "Select whether it is safe to send a text message"
    )
    safe_email = radios(CHANNELS[3][1], YES_NO_DK, "Select whether it is safe to send an email")
    safe_letter = radios(CHANNELS[4][1], YES_NO_DK, "Select whether it is safe to send a letter")
    safe_times = text(
        "Safe times to contact them (optional)",
        max_length=MEDIUM,
        description="For example, weekdays 9am to 3pm while the children are at school.",
    )
    alternative_contact = area(
        "An alternative safe contact (optional)",
        max_length=MEDIUM,
        description=(
            "A friend, relative or professional we can contact instead: name, "
            "relationship and number."
        ),
    )

    def summary(self) -> list[tuple[str, list[str]]]:
        """The five channels as three rows, safe, not safe and not known: quicker to check."""
        channels = {f"safe_{code}" for code, _ in CHANNELS}
        by_answer: dict[str, list[str]] = {}
        for code, _ in CHANNELS:
            by_answer.setdefault(self[f"safe_{code}"].data or "", []).append(CHANNEL_NAMES[code])
        rows = [
            (heading, [", ".join(by_answer[answer])])
            for answer, heading in SAFE_HEADINGS
            if by_answer.get(answer)
        ]
        return rows + [row for row in super().summary() if row[0] not in self._labels(channels)]

    def _labels(self, names: set[str]) -> set[str]:
        return {question(self[name]) for name in names}


SAFE_HEADINGS = (
    ("yes", "Safe ways to contact them"),
    ("no", "Not safe"),
    ("dont_know", "Not known (treated as not safe)"),
)


class AboutVictimForm(PageForm):
    intro = (
        "The diversity questions are optional. They help the partnership check "
        "its service reaches everyone."
    )
    inline = ("interpreter", "disability", "lgbt")
    widths = (("language", "govuk-input--width-20"),)

    language = text("First or preferred language (optional)", max_length=60)
    interpreter = radios(
        "Do they need an interpreter?", YES_NO_DK, "Select whether they need an interpreter"
    )
    ethnicity = radios("Ethnic group (optional)", ETHNIC_GROUPS)
    disability = radios("Do they consider themselves disabled? (optional)", YES_NO_DK)
    lgbt = radios("Do they identify as LGBT+? (optional)", YES_NO_DK)


def victim_fields(forms: dict[str, PageForm]) -> dict[str, Any]:
    """Map the shared pages (referrer, victim, contact, safety, diversity) to Referral columns."""
    r, v, c, s, a = (
        forms[k].data for k in ("referrer", "victim", "contact", "safe-contact", "about-victim")
    )
    agency_type = dict(AGENCY_TYPES).get(r["referrer_agency_type"], "")
    safe = {ch: {"yes": True, "no": False}.get(s[f"safe_{ch}"]) for ch, _ in CHANNELS}
    return {
        "referrer_name": r["referrer_name"],
        "referrer_role": r["referrer_role"],
        "referrer_agency": r["referrer_agency"],
        "referrer_phone": r["referrer_phone"],
        "referrer_email": r["referrer_email"],
        "victim_name": v["victim_name"],
        "victim_aliases": [n.strip() for n in (v["victim_aliases"] or "").split(",") if n.strip()],
        "victim_date_of_birth": v["victim_date_of_birth"],
        "victim_gender": v["victim_gender"] or "",  # a code: workflow.record.options.GENDERS
        "victim_address": c["victim_address"],
        "victim_postcode": (c["victim_postcode"] or "").upper(),
        "victim_phone": c["victim_phone"] or "",
        "safe_contact": {
            **safe,
            "safe_times": s["safe_times"] or "",
            "alternative_contact": s["alternative_contact"] or "",
        },
        "victim_details": {
            "email": c["victim_email"] or "",
            "gender_description": (v["victim_gender_description"] or "").strip(),
            "language": a["language"] or "",
            "interpreter": a["interpreter"],
            "ethnicity": a["ethnicity"],
            "disability": a["disability"],
            "lgbt": a["lgbt"],
        },
        "details": {"referrer_agency_type": agency_type},
    }


SHARED_PAGES = [
    Page("referrer", "About you, the referrer", ReferrerForm),
    Page("victim", "The victim", VictimForm),
    Page("contact", "The victim's address and telephone", ContactForm),
    Page("safe-contact", "Safe ways to contact the victim", SafeContactForm),
    Page("about-victim", "Language and diversity", AboutVictimForm),
]
