"""Values too long for their column are never a failure: take what the field means, keep the
whole text beside it, and list the field for a person to check.

A postcode line such as "PE15 4PQ (staying with her mother)" gives the postcode PE15 4PQ, with
the whole line kept on the referral and "Victim's postcode" listed for review. Any other text
too long for its column is cut to fit, kept whole, and listed the same way.
"""

import re
from typing import Any

from workflow.models import Referral

# A UK postcode anywhere in a line: outward code, optional space, inward code.
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
# Where each referral column is listed for review (the paths of the extraction record).
_GROUPS = ("victim_", "referrer_")


def column_limits(model: Any = Referral) -> dict[str, int]:
    """Return the maximum length in characters of each text column of the model's table."""
    limits = {}
    for name, column in model.__table__.columns.items():
        length = getattr(column.type, "length", None)  # String and SQLModel's AutoString alike
        if isinstance(length, int) and length > 0:
            limits[name] = length
    return limits


def review_path(attribute: str) -> str:
    """Return the needs_review path of a referral column: victim_postcode -> victim.postcode."""
    for group in _GROUPS:
        if attribute.startswith(group):
            return f"{group[:-1]}.{attribute[len(group) :]}"
    return attribute


def fit_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the fields cut to fit their columns, and the whole text of each one that did not."""
    limits = column_limits()
    fitted, written = dict(fields), {}
    for name, value in fields.items():
        limit = limits.get(name)
        if isinstance(value, str) and limit and len(value) > limit:
            fitted[name] = _meaning(name, value)[:limit].strip()
            written[name] = value
    return fitted, written


def _meaning(name: str, value: str) -> str:
    """What a too-long value means: the postcode in a postcode line, else its beginning."""
    if name.endswith("postcode"):
        found = _POSTCODE.search(value)
        if found:
            return f"{found.group(1)} {found.group(2)}".upper()
    return value
