"""Every answer a referral keeps, declared once: where it is stored, its label, group and kind.

The referral page, the IDVA's view, the print view, the exports and the corrections all read
this catalogue, so an answer a form stores but the catalogue does not declare reaches no one —
tests/queue/test_every_answer_reaches.py fails on such a field. To add a question to a form:
store it under a path here, with the label staff read and the group the form asks it in.

A path is a Referral attribute, then keys inside its JSON column ("details.police.officer").
Per-person answers (PERPETRATOR, CHILD) are keys inside each entry of a JSON list.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from workflow.assessment import checklists
from workflow.assessment.checklists import ANSWER_LABELS
from workflow.record import lawful_bases
from workflow.record.options import (
    AGENCY_TYPES,
    BEHAVIOUR_WHERE,
    CHANNEL_NAMES,
    ETHNIC_GROUPS,
    GENDERS,
    MARAC_CONSENT,
    STALKING_CONSENT,
    SUSPECT_RELATIONSHIPS,
    YES_NO,
    YES_NO_DK,
)

NOT_GIVEN = "Not given"
MARAC, STALKING, MAIL = "marac", "stalking", "mail"
WEB = frozenset({MARAC, STALKING})
EVERY = frozenset({MARAC, STALKING, MAIL})


class Kind(StrEnum):
    TEXT = "text"
    LINES = "lines"  # multi-line: line breaks kept on every page
    DATE = "date"  # a date or an ISO date string, shown in UK format
    CHOICE = "choice"  # a code shown by its label
    CHOICES = "choices"  # a list of codes
    LIST = "list"  # a list of free-text values
    BOOL = "bool"
    NUMBER = "number"
    BASIS = "basis"  # a lawful basis code (workflow.record.lawful_bases)
    CHANNEL = "channel"  # True safe, False not safe, None "Don't know"


@dataclass(frozen=True)
class Item:
    """One kept answer: its storage path, label, group, kind and the forms that ask it."""

    path: str
    label: str
    group: str
    kind: Kind = Kind.TEXT
    options: tuple[tuple[str, str], ...] = ()
    asked_by: frozenset[str] = WEB
    # The same value's path in the extraction record (docs/contract.md): review marks and sources.
    record_path: str = ""

    def value(self, holder: Any) -> Any:
        """Return the stored value from a referral (or a person's dict), None when absent."""
        return value_at(holder, self.path)

    def shown(self, value: Any) -> str:
        """Return the value in words: labels, never codes; UK dates; 'Not given' if blank."""
        return shown(self, value)


def value_at(holder: Any, path: str) -> Any:
    """Walk a dotted path through attributes and dict keys; None where any step is missing."""
    current = holder
    for key in path.split("."):
        if isinstance(current, list):
            current = current[int(key)] if key.isdigit() and int(key) < len(current) else None
        elif isinstance(current, dict):
            current = current.get(key)
        else:
            current = getattr(current, key, None)
        if current is None:
            return None
    return current


def uk_date(value: Any) -> str:
    """Return a date (or an ISO date string) as '27 January 1990'; other text unchanged."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return str(value)
    return f"{value.day} {value.strftime('%B %Y')}" if isinstance(value, date) else str(value)


def _label(options: tuple[tuple[str, str], ...], code: Any) -> str:
    return dict(options).get(str(code), str(code))


def shown(item: Item, value: Any) -> str:
    """Return a stored value in the words a person reads."""
    if item.kind is Kind.CHANNEL:
        return {True: "Safe", False: "Not safe"}.get(value, "Don't know — treat as not safe")
    if value is None or value == "" or value == []:
        return NOT_GIVEN
    if item.kind is Kind.DATE:
        return uk_date(value)
    if item.kind is Kind.CHOICE:
        return _label(item.options, getattr(value, "value", value))
    if item.kind in (Kind.CHOICES, Kind.LIST) and isinstance(value, str):
        value = [value]  # one answer kept on its own, not in a list
    if item.kind is Kind.CHOICES:
        return ", ".join(_label(item.options, v) for v in value)
    if item.kind is Kind.LIST:
        return ", ".join(str(v) for v in value)
    if item.kind is Kind.BOOL:
        return "Yes" if value else "No"
    if item.kind is Kind.BASIS:
        return lawful_bases.describe(str(value))
    return str(value)


# Groups in the order the forms ask them (both forms' pages, then the mailed form's extras).
REFERRER = "About the referrer"
VICTIM = "The victim"
CONTACT = "The victim's address and telephone"
SAFE_CONTACT = "Safe ways to contact the victim"
DIVERSITY = "Language and diversity"
PERPETRATORS = "Perpetrators"
CHILDREN = "Children in the household"
DASH_END = "The DASH risk checklist: completing it"
BEHAVIOUR = "The stalking or harassment"
POLICE = "Police involvement"
AT_RISK = "Children and other people at risk"
CRITERIA = "Reason for referral"
CONSENT = "Consent and the victim's knowledge of the referral"
SAFETY = "Who is safe to speak to"
WANTS = "What the victim wants"
GROUPS = (
    REFERRER,
    VICTIM,
    CONTACT,
    SAFE_CONTACT,
    DIVERSITY,
    PERPETRATORS,
    CHILDREN,
    DASH_END,
    BEHAVIOUR,
    POLICE,
    AT_RISK,
    CRITERIA,
    CONSENT,
    SAFETY,
    WANTS,
)
CONSENT_OPTIONS = tuple(dict(MARAC_CONSENT + STALKING_CONSENT).items())
RELATIONSHIPS = SUSPECT_RELATIONSHIPS  # every relationship either form offers
_MARAC = frozenset({MARAC})
_STALKING = frozenset({STALKING})
_MARAC_MAIL = frozenset({MARAC, MAIL})


def _channel(code: str) -> Item:
    return Item(f"safe_contact.{code}", CHANNEL_NAMES[code], SAFE_CONTACT, Kind.CHANNEL)


ITEMS: tuple[Item, ...] = (
    Item("referrer_name", "Name", REFERRER, asked_by=EVERY, record_path="referrer.name"),
    Item(
        "referrer_role", "Job title or role", REFERRER, asked_by=EVERY, record_path="referrer.role"
    ),
    Item("details.referrer_agency_type", "Type of agency", REFERRER, Kind.CHOICE, AGENCY_TYPES),
    Item(
        "referrer_agency",
        "Organisation and team",
        REFERRER,
        asked_by=EVERY,
        record_path="referrer.agency",
    ),
    Item(
        "referrer_phone", "Work telephone", REFERRER, asked_by=EVERY, record_path="referrer.phone"
    ),
    Item("referrer_email", "Work email", REFERRER, asked_by=EVERY, record_path="referrer.email"),
    Item("victim_name", "Full name", VICTIM, asked_by=EVERY, record_path="victim.name"),
    Item("victim_aliases", "Other names", VICTIM, Kind.LIST),
    Item(
        "victim_date_of_birth",
        "Date of birth",
        VICTIM,
        Kind.DATE,
        asked_by=EVERY,
        record_path="victim.date_of_birth",
    ),
    Item(
        "victim_gender",
        "Gender",
        VICTIM,
        Kind.CHOICE,
        GENDERS,  # a value that is no code (older or mailed free text) is shown as written
        EVERY,
        record_path="victim.gender",
    ),
    Item("victim_details.gender_description", "Gender, in their words", VICTIM),
    Item(
        "victim_address",
        "Address",
        CONTACT,
        Kind.LINES,
        asked_by=EVERY,
        record_path="victim.address",
    ),
    Item("victim_postcode", "Postcode", CONTACT, asked_by=EVERY, record_path="victim.postcode"),
    Item("victim_phone", "Telephone", CONTACT, asked_by=EVERY, record_path="victim.phone"),
    Item("victim_details.email", "Email address", CONTACT),
    *(_channel(code) for code in CHANNEL_NAMES),
    Item("safe_contact.safe_times", "Safe times to contact them", SAFE_CONTACT, Kind.LINES),
    Item(
        "safe_contact.alternative_contact",
        "Alternative safe contact",
        SAFE_CONTACT,
        Kind.LINES,
    ),
    Item(
        "safe_contact.overall",
        "Safe to contact",
        SAFE_CONTACT,
        Kind.CHANNEL,
        asked_by=frozenset({MAIL}),
        record_path="victim.safe_to_contact",
    ),
    Item(
        "safe_contact.notes",
        "Safe contact notes",
        SAFE_CONTACT,
        Kind.LINES,
        asked_by=frozenset({MAIL}),
        record_path="victim.safe_contact_notes",
    ),
    Item("victim_details.language", "First or preferred language", DIVERSITY),
    Item("victim_details.interpreter", "Needs an interpreter", DIVERSITY, Kind.CHOICE, YES_NO_DK),
    Item("victim_details.ethnicity", "Ethnic group", DIVERSITY, Kind.CHOICE, ETHNIC_GROUPS),
    Item(
        "victim_details.disability",
        "Considers themselves disabled",
        DIVERSITY,
        Kind.CHOICE,
        YES_NO_DK,
    ),
    Item("victim_details.lgbt", "Identifies as LGBT+", DIVERSITY, Kind.CHOICE, YES_NO_DK),
    Item("details.other_perpetrators", "More perpetrators", PERPETRATORS, Kind.LINES, (), _MARAC),
    Item(
        "children_in_household",
        "Children in the household",
        CHILDREN,
        Kind.NUMBER,
        asked_by=_MARAC_MAIL,
        record_path="children_in_household",
    ),
    Item(
        "details.dash.completed_date",
        checklists.DASH_COMPLETED_DATE,
        DASH_END,
        Kind.DATE,
        asked_by=_MARAC,
    ),
    Item(
        "details.dash.completed_with",
        "Completed",
        DASH_END,
        Kind.CHOICE,
        checklists.COMPLETED_WITH,
        _MARAC,
    ),
    *(
        Item(f"details.dash.{q.key}", q.label, DASH_END, Kind.LINES, asked_by=_MARAC)
        for q in checklists.DASH_CLOSING
    ),
    Item(
        "details.dash.children_at_risk",
        "Risks facing the children",
        DASH_END,
        Kind.CHOICE,
        YES_NO_DK,
        _MARAC,
    ),
    Item(
        "details.dash.safeguarding_referral",
        "Referral made to safeguard the children",
        DASH_END,
        Kind.CHOICE,
        YES_NO,
        _MARAC,
    ),
    Item(
        "details.dash.safeguarding_date",
        checklists.DASH_SAFEGUARDING_DATE,
        DASH_END,
        Kind.DATE,
        asked_by=_MARAC,
    ),
    Item(
        "details.behaviour.what",
        "What the suspect has been doing",
        BEHAVIOUR,
        Kind.LINES,
        (),
        _STALKING,
    ),
    Item("details.behaviour.since", "When it started", BEHAVIOUR, Kind.DATE, (), _STALKING),
    Item("details.behaviour.how_often", "How often it happens", BEHAVIOUR, asked_by=_STALKING),
    Item(
        "details.behaviour.where",
        "Where it happens",
        BEHAVIOUR,
        Kind.CHOICES,
        BEHAVIOUR_WHERE,
        _STALKING,
    ),
    Item(
        "details.police.reported",
        "Reported to the police",
        POLICE,
        Kind.CHOICE,
        YES_NO_DK,
        _STALKING,
    ),
    Item("details.police.officer", "Officer in the case", POLICE, asked_by=_STALKING),
    Item(
        "details.police.bail_or_orders",
        "Bail conditions or court orders",
        POLICE,
        Kind.LINES,
        asked_by=_STALKING,
    ),
    Item(
        "details.at_risk.children", "Children at risk", AT_RISK, Kind.CHOICE, YES_NO_DK, _STALKING
    ),
    Item(
        "details.at_risk.others", "Other people at risk", AT_RISK, Kind.CHOICE, YES_NO_DK, _STALKING
    ),
    Item("details.at_risk.details", "Who is at risk and how", AT_RISK, Kind.LINES, (), _STALKING),
    Item(
        "reason_for_referral",
        "Why the referral is made",
        CRITERIA,
        Kind.LINES,
        asked_by=_MARAC_MAIL,
        record_path="reason_for_referral",
    ),
    Item(
        "professional_judgement",
        "Referred on professional judgement",
        CRITERIA,
        Kind.BOOL,
        asked_by=_MARAC_MAIL,
        record_path="professional_judgement",
    ),
    Item(
        "professional_judgement_reason",
        "Reason for the professional judgement",
        CRITERIA,
        Kind.LINES,
        asked_by=_MARAC,
    ),
    Item(
        "police_incidents_12m",
        "Police-recorded incidents in the last 12 months",
        CRITERIA,
        Kind.NUMBER,
        asked_by=_MARAC,
        record_path="police_incidents_12m",
    ),
    Item(
        "last_incident",
        "Date of the most recent incident",
        CRITERIA,
        Kind.DATE,
        record_path="last_incident",
    ),
    Item("crime_reference", "Police crime or incident reference", CRITERIA),
    Item(
        "details.previous_marac.referred",
        "Referred to a MARAC before, here or elsewhere",
        CRITERIA,
        Kind.CHOICE,
        YES_NO_DK,
        _MARAC,
    ),
    Item(
        "details.previous_marac.date",
        "Date of the most recent MARAC referral",
        CRITERIA,
        Kind.DATE,
        asked_by=_MARAC,
    ),
    Item("details.previous_marac.where", "Which MARAC", CRITERIA, asked_by=_MARAC),
    Item("victim_aware", "The victim knows about the referral", CONSENT, Kind.BOOL),
    Item(
        "consent",
        "The victim has agreed to the referral",
        CONSENT,
        Kind.CHOICE,
        CONSENT_OPTIONS,
        EVERY,
        record_path="consent",
    ),
    Item(
        "consent_not_sought_reason",
        "Why they have not agreed",
        CONSENT,
        Kind.LINES,
        asked_by=_MARAC,
    ),
    Item("lawful_basis", "Lawful basis for sharing", CONSENT, Kind.BASIS, asked_by=_MARAC),
    Item("details.victim_afraid_of", "Who the victim is afraid of", SAFETY, Kind.LINES, (), _MARAC),
    Item("details.safe_to_speak_to", "Who is safe to speak to", SAFETY, Kind.LINES, (), _MARAC),
    Item(
        "details.unsafe_to_speak_to",
        "Who must not be spoken to",
        SAFETY,
        Kind.LINES,
        asked_by=_MARAC,
    ),
    Item("details.victim_wants", "What the victim wants", WANTS, Kind.LINES, (), _STALKING),
    Item("details.anything_else", "Anything else", WANTS, Kind.LINES, (), _STALKING),
)

# Inside each entry of Referral.perpetrators.
PERPETRATOR: tuple[Item, ...] = (
    Item("name", "Name", PERPETRATORS, asked_by=EVERY, record_path="perpetrator.name"),
    Item(
        "date_of_birth",
        "Date of birth",
        PERPETRATORS,
        Kind.DATE,
        asked_by=EVERY,
        record_path="perpetrator.date_of_birth",
    ),
    Item("age", "Age", PERPETRATORS, Kind.NUMBER, asked_by=_MARAC),
    Item(
        "relationship_to_victim",
        "Relationship to the victim",
        PERPETRATORS,
        Kind.CHOICE,
        RELATIONSHIPS,
        EVERY,
        record_path="perpetrator.relationship_to_victim",
    ),
    Item("address", "Address", PERPETRATORS, Kind.LINES, asked_by=_MARAC),
    Item("description", "Description", PERPETRATORS, Kind.LINES, asked_by=_STALKING),
)
# Inside each entry of Referral.children.
CHILD: tuple[Item, ...] = (
    Item("details", "Names and dates of birth", CHILDREN, Kind.LINES, asked_by=_MARAC),
)
BY_PATH = {item.path: item for item in ITEMS}


def form_of(pathway: str, source: str) -> str:
    """Return which form a referral came on: the MARAC or stalking web form, or the mail."""
    if source != "web_form":
        return MAIL
    return MARAC if pathway == "marac" else STALKING


def items_for(form: str) -> tuple[Item, ...]:
    """Return the referral-level items a form asks."""
    return tuple(item for item in ITEMS if form in item.asked_by)


# Kept by the service itself, not given by a referrer: shown elsewhere on the page.
SYSTEM_KEYS = (
    "details.repeat_of",
    "details.risk_change",
    "details.as_written",
    "details.referrer_unconfirmed",
)
JSON_COLUMNS = ("safe_contact", "victim_details", "details")


def _leaves(value: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}")]
    return [(path, value)]


def undeclared(referral: Any) -> list[tuple[str, Any]]:
    """Return stored answers the catalogue does not declare (each page shows them anyway)."""
    found = []
    for column in JSON_COLUMNS:
        for path, value in _leaves(getattr(referral, column) or {}, column):
            if path not in BY_PATH and not path.startswith(SYSTEM_KEYS):
                found.append((path, value))
    return found


class UnknownField(ValueError):
    """A form or a reader gave a key the referral does not keep: its answer would be lost."""


def _entries(name: str, entries: Any, declared: tuple[Item, ...]) -> list[str]:
    keys = {item.path for item in declared}
    return [f"{name}.{k}" for entry in entries or [] for k in entry if k not in keys]


def check_fields(fields: dict[str, Any], columns: set[str]) -> None:
    """Refuse a referral whose fields name a column, or a key inside one, that nobody declared.

    SQLModel drops unknown keyword arguments without a word, so a misspelt key in a form's or a
    reader's mapping would lose an answer silently; here it fails the test that fills the form.
    """
    unknown = [name for name in fields if name not in columns]
    for column in JSON_COLUMNS:
        unknown += [
            path
            for path, _ in _leaves(fields.get(column) or {}, column)
            if path not in BY_PATH and not path.startswith(SYSTEM_KEYS)
        ]
    unknown += _entries("perpetrators", fields.get("perpetrators"), PERPETRATOR)
    unknown += _entries("children", fields.get("children"), CHILD)
    if unknown:
        raise UnknownField(f"Not a field a referral keeps: {', '.join(sorted(unknown))}")


BY_RECORD_PATH = {i.record_path: i for i in (*ITEMS, *PERPETRATOR) if i.record_path}


def in_words(record_path: str, value: Any) -> str:
    """Return a value named by its extraction-record path in words (the review list's)."""
    item = BY_RECORD_PATH.get(record_path)
    if value is None:
        return "Not read"
    if ".answers." in record_path:
        return ANSWER_LABELS.get(str(value), str(value))
    return item.shown(value) if item else str(value)
