"""The lawful bases for sharing a referral without the victim's consent: one list, every form.

The public MARAC form and the coordinator's consent check both offer LAWFUL_BASES and store the
chosen code in Referral.lawful_basis. Before issue 15 each form had its own list (one cited Art
9(2)(b), the employment condition) and stored its own wording; those stored values still display,
marked as recorded under an older list, so nobody reads an old decision as a current one.
To change a basis's wording, edit its label here; never reuse a code for a different basis.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LawfulBasis:
    """One basis: the code stored with a referral and the label forms and pages show."""

    code: str
    label: str


LAWFUL_BASES = (
    LawfulBasis(
        "public_task",
        "Public task and substantial public interest, the usual basis for MARAC: UK GDPR "
        "Article 6(1)(e) and Article 9(2)(g), with DPA 2018 Schedule 1 Part 2 paragraph 18 "
        "(safeguarding of children and of individuals at risk)",
    ),
    LawfulBasis(
        "vital_interests",
        "Vital interests, only where life is at immediate risk and the victim cannot consent: "
        "UK GDPR Article 6(1)(d) and Article 9(2)(c)",
    ),
    LawfulBasis(
        "law_enforcement",
        "Police referrers only: law enforcement processing under DPA 2018 Part 3",
    ),
)
OLDER_LIST = "recorded under an older list"
# What the forms stored before issue 15, exactly as stored, with a label a person can read.
_OLDER_VALUES = {
    "To protect someone's life: UK GDPR Article 6(1)(d) and Article 9(2)(b)": (
        "To protect someone's life: UK GDPR Article 6(1)(d) and Article 9(2)(b) "
        "(9(2)(b) is the employment condition, not vital interests)"
    ),
    "A task in the public interest: UK GDPR Article 6(1)(e) and Article 9(2)(g)": (
        "A task in the public interest: UK GDPR Article 6(1)(e) and Article 9(2)(g)"
    ),
    "UK GDPR Art 6(1)(e) public task; Art 9(2)(g) substantial public interest": (
        "Public task and substantial public interest (Art 6(1)(e), Art 9(2)(g))"
    ),
    "UK GDPR Art 6(1)(d) vital interests; Art 9(2)(c) vital interests": (
        "Vital interests (Art 6(1)(d), Art 9(2)(c))"
    ),
}
_BY_CODE = {basis.code: basis for basis in LAWFUL_BASES}


def choices() -> list[tuple[str, str]]:
    """Return (code, label) for every current basis, in the order forms offer them."""
    return [(basis.code, basis.label) for basis in LAWFUL_BASES]


def is_current(code: str) -> bool:
    """Say whether a stored value is a basis on the current list."""
    return code in _BY_CODE


def describe(stored: str) -> str:
    """Return the label to show for a stored basis; an older value says it is one."""
    value = (stored or "").strip()
    if not value:
        return ""
    if value in _BY_CODE:
        return _BY_CODE[value].label
    return f"{_OLDER_VALUES.get(value, value)} ({OLDER_LIST})"
