"""Recognise referral-form labels by meaning and turn their values into record values."""

from __future__ import annotations

import functools
import re

from mailbox.labels import LABELS

VICTIM = (
    r"victim|client|service user|person at risk|adult at risk|survivor|young person"
    r"|being (stalked|harassed)|person affected"
)
PERPETRATOR = r"perpetrator|abuser|alleged|suspect|stalker|offender|harasser|\bperp\b"
CHILD = r"\bchild|\bchildren|\bdependants?\b|\bson\b|\bdaughter|\bbaby\b"
REFERRER = r"referrer|referring|referred by|your |completed by|reporting officer"

# Whole-label rules, tried in order before the role + attribute rules below.
_LABELS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("_referral_date", (r"date (of )?referr|referral date|date referred|date sent",), None),
    ("dash.completed_date", (r"date", r"dash|complet|assess|checklist|ric\b"), r"birth|referr"),
    ("perpetrator.relationship_to_victim", (r"relationship",), None),
    ("professional_judgement", (r"professional", r"judg|referral\b|based on|opinion"), None),
    ("professional_judgement", (r"\breferral based on$",), None),  # the rest wrapped or lost
    (
        "victim.safe_contact_notes",
        (
            r"safe|contact",
            r"arrangement|note|how to|detail|method"
            r"|instruction|way|times?\b|comment",
        ),
        r"number",
    ),
    ("victim.safe_to_contact", (r"safe", r"contact|call|phone|text|approach"), None),
    ("consent", (r"consent",), None),
    ("reason_for_referral", (r"reason|grounds|why|summary|concern", r"referr|concern|risk"), None),
    ("children_in_household", (r"child|kids", r"household|number|how many|home|living"), None),
    ("_total", (r"total|score",), None),
)

_ATTRIBUTES: tuple[tuple[str, str, str | None], ...] = (
    ("email", r"\be-?mail", None),
    ("date_of_birth", r"date of birth|\bdob\b|d\.o\.b|birth ?date|born", None),
    ("gender", r"gender|\bsex\b", None),
    ("postcode", r"post ?code|postal code", None),
    ("address", r"address", r"\be-?mail"),
    ("phone", r"phone|\btel\b|\btel\.|telephone|mobile|contact (number|no)", None),
    ("agency", r"agency|organi[sz]ation|service\b|employer|team", None),
    ("role", r"\brole\b|job title|position|designation|occupation", None),
    ("first_name", r"first name|forename|given name|christian name", None),
    ("surname", r"surname|last name|family name", None),
    ("name", r"name|\bwho\b", None),
)

_NAMES = {"name", "first_name", "surname"}
_ALLOWED = {
    "referrer": {"agency", "role", "email", "phone"} | _NAMES,
    "victim": {"date_of_birth", "gender", "address", "postcode", "phone"} | _NAMES,
    "perpetrator": {"date_of_birth"} | _NAMES,
    "child": set(),
}


_CAMEL, _PUNCTUATION = re.compile(r"([a-z])([A-Z])"), re.compile(r"[\s:*?]+")


@functools.lru_cache(maxsize=8192)  # every cell of a form is tried as a label, some many times
def normalise_label(text: str) -> str:
    """Lower-case a label and drop the punctuation forms put around it."""
    text = _CAMEL.sub(r"\1 \2", text).lower().replace("\u2019", "'")
    return _PUNCTUATION.sub(" ", text).strip(" .-")


def role_of(label: str) -> str | None:
    """Return whose detail a label or heading names (victim, perpetrator, referrer, child)."""
    if re.search(CHILD, label):
        return "child"  # children's names and dates of birth are not the adults'
    if re.search(PERPETRATOR, label):
        return "perpetrator"
    if re.search(VICTIM, label):
        return "victim"
    if re.search(REFERRER, label):
        return "referrer"
    return None


@functools.lru_cache(maxsize=8192)  # forms repeat the same labels, and rows ask more than once
def match_label(label: str, context: str | None) -> str | None:
    """Return the record path a form label asks for, using the section for bare labels."""
    norm = normalise_label(label)
    if not norm or len(norm) > 80:
        return None
    listed = _listed(norm, context)
    if listed is not None:
        return listed or None
    for key, groups, exclude in _LABELS:
        if all(re.search(g, norm) for g in groups) and not (exclude and re.search(exclude, norm)):
            return key
    for attr, pattern, exclude in _ATTRIBUTES:
        if re.search(pattern, norm) and not (exclude and re.search(exclude, norm)):
            role = "referrer" if attr in ("agency", "role") else role_of(norm) or context
            if role and attr in _ALLOWED[role]:
                return f"{role}.{attr}"
            return None
    who = rf"({PERPETRATOR}|{VICTIM}|{REFERRER})( (professional|practitioner|officer|worker))?"
    bare = rf"(the )?((alleged|suspected|name of( the)?) )?{who}"
    if re.fullmatch(bare, norm):
        return f"{role_of(norm)}.name"  # a bare "Alleged perpetrator:" label is followed by a name
    return None


_ROLES = ("referrer", "victim", "perpetrator")
_INDEX: dict[str, tuple[str, ...]] = {}
for _path, _variants in LABELS.items():
    for _variant in _variants:
        _INDEX[normalise_label(_variant)] = (*_INDEX.get(normalise_label(_variant), ()), _path)
_ALL_PATHS = frozenset(LABELS)


def is_listed(text: str) -> bool:
    """Tell whether a text is, word for word, one of the catalogue's labels."""
    return normalise_label(text) in _INDEX


def _listed(norm: str, context: str | None) -> str | None:
    """Return the catalogue's path for a label ("" for "no field"), None when it is not listed."""
    paths = _INDEX.get(norm, ())
    in_section = [p for p in paths if p.split(".")[0] == context]
    if len(in_section) == 1:
        return in_section[0]
    if len(paths) != 1:
        return None  # ambiguous without a section ("Name", "Contact number"): the rules decide
    root, _, attr = paths[0].rpartition(".")
    if root not in _ROLES or role_of(norm) or context not in _ROLES or context == root:
        return paths[0]
    if attr in ("agency", "role"):
        return paths[0]  # only the referrer has an agency and a role
    # A bare label ("Tel") in another person's section is that person's detail, if they have it.
    mine = f"{context}.{attr}"
    return mine if mine in _ALL_PATHS else ""


def split_camel(name: str) -> str:
    """Turn a form-field name like `VictimDateOfBirth` into words."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[_\-.]+", " ", name)
    return re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", " ", words)
