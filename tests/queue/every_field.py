"""Every field of both web forms, each free-text answer distinct, options spread across them."""

from typing import Any

from workflow.assessment.checklists import DASH, STALKING_SCREEN, Question

ANSWER_CYCLE = ("yes", "no", "dont_know")


def _checklist(questions: tuple[Question, ...], tag: str, with_source: bool) -> dict[str, Any]:
    page: dict[str, Any] = {}
    for q in questions:
        n = q.number
        page[f"q{n}"] = ANSWER_CYCLE[n % 3]
        if q.sub_options:  # sub-options go only with a Yes
            page[f"q{n}"] = "yes"
            page[f"q{n}_sub"] = [code for code, _ in q.sub_options]
        if with_source:
            page[f"q{n}_source"] = f"{tag} source {n}: her sister Meena"
        page[f"q{n}_comment"] = f"{tag} comment {n}:\nknife to throat, line two {n}"
    return page


def _split(pages: dict[str, Any], slugs: list[str], per: int) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {slug: {} for slug in slugs}
    for key, value in pages.items():
        n = int(key[1:].split("_")[0])
        found[slugs[min((n - 1) // per, len(slugs) - 1)]][key] = value
    return found


SHARED: dict[str, dict[str, Any]] = {
    "referrer": {
        "referrer_name": "Harpreet Referrer-Kaur",
        "referrer_role": "Detective Constable, Safeguarding",
        "referrer_agency_type": "police",
        "referrer_agency": "Cambridgeshire Constabulary, Public Protection Unit",
        "referrer_phone": "01632 960111",
        "referrer_email": "harpreet.kaur@cambs.pnn.police.uk",
    },
    "victim": {
        "victim_name": "Simran Victimname",
        "victim_aliases": "Simran Oldname, Sim Nickname",
        "victim_date_of_birth": ["27", "3", "1990"],
        "victim_gender": "self_describe",
        "victim_gender_description": "Woman (cis), she/her",
    },
    "contact": {
        "victim_address": "Flat 4, 12 Mill Road\nPeterborough",
        "victim_postcode": "PE1 1AA",
        "victim_phone": "07700 900555",
        "victim_email": "simran.v@example.net",
    },
    "safe-contact": {
        "safe_call": "yes",
        "safe_voicemail": "no",
        "safe_text": "dont_know",
        "safe_email": "yes",
        "safe_letter": "no",
        "safe_times": "Tuesdays 10am to noon, at the GP surgery",
        "alternative_contact": "Aunt Jaspreet, 07700 900777\nonly after 6pm",
    },
    "about-victim": {
        "language": "Punjabi",
        "interpreter": "yes",
        "ethnicity": "asian",
        "disability": "dont_know",
        "lgbt": "no",
    },
}

MARAC: dict[str, dict[str, Any]] = {
    **SHARED,
    "perpetrator": {
        "perpetrator_name": "Ravi Abuserone",
        "perpetrator_date_of_birth": ["14", "6", "1985"],
        "perpetrator_relationship": "ex_partner",
        "perpetrator_address": "9 Station Street\nWisbech",
        "second_perpetrator_name": "Kamal Abusertwo",
        "second_perpetrator_age": "61",
        "second_perpetrator_relationship": "family",
        "second_perpetrator_address": "22 Ferry Lane, March",
        "other_perpetrators": "A cousin, Dev, about 30, family",
    },
    "children": {
        "children_count": "2",
        "children_details": "Amrit Childone 1 2 2018 (his)\nJas Childtwo 3 4 2021",
    },
    **_split(_checklist(DASH, "DASH", True), ["dash-1", "dash-2", "dash-3", "dash-4"], 6),
    **_split(_checklist(STALKING_SCREEN, "MARAC S-DASH", False), ["stalking-1", "stalking-2"], 6),
    "dash-closing": {
        "dash_completed_date": ["19", "11", "2026"],
        "dash_completed_with": "other_sources",
        "dash_other_information": "Speaks little English;\nher mother-in-law translates",
        "dash_weapons": "Holds a shotgun licence;\nshoots at the Fen club",
        "dash_victim_priorities": "Keep the children at school;\nmove to a refuge",
        "dash_children_at_risk": "yes",
        "dash_safeguarding_referral": "yes",
        "dash_safeguarding_date": ["21", "11", "2026"],
    },
    "criteria": {
        "reason_for_referral": "Strangled her on 20 November;\nthreats to kill with a knife",
        "professional_judgement": "yes",
        "professional_judgement_reason": "Escalating, and she minimises it",
        "police_incidents_12m": "4",
        "last_incident": ["20", "11", "2026"],
        "crime_reference": "CF0999991126",
        "previous_marac": "yes",
        "previous_marac_date": ["3", "2", "2026"],
        "previous_marac_where": "Fenland MARAC, via Norfolk IDVA",
    },
    "consent": {
        "victim_aware": "no",
        "consent": "not_asked_unsafe",
        "consent_not_sought_reason": "He reads her phone; asking would alert him",
        "lawful_basis": "public_task",
    },
    "safety": {
        "victim_afraid_of": "Ravi, and his brother Kamal",
        "safe_to_speak_to": "Her GP, Dr Okafor",
        "unsafe_to_speak_to": "Do NOT speak to her mother-in-law:\nshe passes everything to him",
    },
}
# DASH Q8 must be Yes for the S-DASH pages to be asked.
MARAC["dash-2"]["q8"] = "yes"

STALKING: dict[str, dict[str, Any]] = {
    **SHARED,
    "consent": {"consent": "given"},
    "suspect": {
        "suspect_name": "Neil Stalkername",
        "suspect_date_of_birth": ["2", "2", "1979"],
        "suspect_relationship": "colleague",
        "suspect_description": "Tall, grey Vauxhall Astra\nworks at the depot",
    },
    "behaviour": {
        "behaviour_what": "Waits outside her work;\nsends 40 messages a night",
        "behaviour_since": ["1", "3", "2026"],
        "behaviour_last": ["21", "11", "2026"],
        "behaviour_how_often": "Several times every day",
        "behaviour_where": ["online", "offline"],
    },
    **_split(_checklist(STALKING_SCREEN, "S-DASH", False), ["screening-1", "screening-2"], 6),
    "police": {
        "police_reported": "dont_know",
        "crime_reference": "CF0888881126",
        "police_officer": "PC Amy Officer 1234, 101 ext 5",
        "bail_or_orders": "Bail: not to contact her;\nbroken twice in October",
    },
    "others-at-risk": {
        "children_at_risk": "yes",
        "others_at_risk": "dont_know",
        "at_risk_details": "Her son Arjun, 9, followed from school",
    },
    "wants": {
        "victim_wants": "Help with a stalking protection order",
        "anything_else": "Prefers a female IDVA",
    },
}

# A date of birth and an age exclude each other: the second MARAC referral gives the others.
_SWAPPED = dict(MARAC["perpetrator"])
_SWAPPED.pop("perpetrator_date_of_birth")
_SWAPPED.pop("second_perpetrator_age")
_SWAPPED.update(perpetrator_age="41", second_perpetrator_date_of_birth=["5", "9", "1962"])
# The other answer without consent reveals its own reason, stored as the same one.
_REFUSED = {
    "victim_aware": "yes",
    "consent": "refused",
    "consent_refused_reason": "Frightened he will find out, wants to wait",
    "lawful_basis": "public_task",
}
MARAC_SWAPPED: dict[str, dict[str, Any]] = {**MARAC, "perpetrator": _SWAPPED, "consent": _REFUSED}

# Where each form field's answer is kept (a catalogue path): the round trip finds every answer
# under its own label, so two answers swapped in a mapping (say, who is safe to speak to and
# who must not be) fail even though both values reach the page.
_SHARED_PATHS = {
    "referrer_name": "referrer_name",
    "referrer_role": "referrer_role",
    "referrer_agency_type": "details.referrer_agency_type",
    "referrer_agency": "referrer_agency",
    "referrer_phone": "referrer_phone",
    "referrer_email": "referrer_email",
    "victim_name": "victim_name",
    "victim_aliases": "victim_aliases",
    "victim_date_of_birth": "victim_date_of_birth",
    "victim_gender": "victim_gender",
    "victim_gender_description": "victim_details.gender_description",
    "victim_address": "victim_address",
    "victim_postcode": "victim_postcode",
    "victim_phone": "victim_phone",
    "victim_email": "victim_details.email",
    **{f"safe_{c}": f"safe_contact.{c}" for c in ("call", "voicemail", "text", "email", "letter")},
    "safe_times": "safe_contact.safe_times",
    "alternative_contact": "safe_contact.alternative_contact",
    **{
        k: f"victim_details.{k}"
        for k in ("language", "interpreter", "ethnicity", "disability", "lgbt")
    },
}
_PERSON = ("name", "date_of_birth", "age", "relationship", "address")
FIELD_PATHS = {
    "marac": {
        **_SHARED_PATHS,
        **{f"perpetrator_{k}": f"perpetrators.0.{k}" for k in _PERSON},
        **{f"second_perpetrator_{k}": f"perpetrators.1.{k}" for k in _PERSON},
        "other_perpetrators": "details.other_perpetrators",
        **{
            f"dash_{k}": f"details.dash.{k}"
            for k in (
                "completed_date",
                "completed_with",
                "other_information",
                "weapons",
                "victim_priorities",
                "children_at_risk",
                "safeguarding_referral",
                "safeguarding_date",
            )
        },
        "children_count": "children_in_household",
        "children_details": "children.0.details",
        "reason_for_referral": "reason_for_referral",
        "professional_judgement": "professional_judgement",
        "professional_judgement_reason": "professional_judgement_reason",
        "police_incidents_12m": "police_incidents_12m",
        "last_incident": "last_incident",
        "crime_reference": "crime_reference",
        "previous_marac": "details.previous_marac.referred",
        "previous_marac_date": "details.previous_marac.date",
        "previous_marac_where": "details.previous_marac.where",
        "victim_aware": "victim_aware",
        "consent": "consent",
        "consent_not_sought_reason": "consent_not_sought_reason",
        "consent_refused_reason": "consent_not_sought_reason",
        "lawful_basis": "lawful_basis",
        "victim_afraid_of": "details.victim_afraid_of",
        "safe_to_speak_to": "details.safe_to_speak_to",
        "unsafe_to_speak_to": "details.unsafe_to_speak_to",
    },
    "stalking": {
        **_SHARED_PATHS,
        "consent": "consent",
        "suspect_name": "perpetrators.0.name",
        "suspect_date_of_birth": "perpetrators.0.date_of_birth",
        "suspect_relationship": "perpetrators.0.relationship",
        "suspect_description": "perpetrators.0.description",
        "behaviour_what": "details.behaviour.what",
        "behaviour_since": "details.behaviour.since",
        "behaviour_last": "last_incident",
        "behaviour_how_often": "details.behaviour.how_often",
        "behaviour_where": "details.behaviour.where",
        "police_reported": "details.police.reported",
        "crime_reference": "crime_reference",
        "police_officer": "details.police.officer",
        "bail_or_orders": "details.police.bail_or_orders",
        "children_at_risk": "details.at_risk.children",
        "others_at_risk": "details.at_risk.others",
        "at_risk_details": "details.at_risk.details",
        "victim_wants": "details.victim_wants",
        "anything_else": "details.anything_else",
    },
}
