"""Checks a referral page's answers share: dates, telephone numbers, postcodes, email
addresses and the "I do not know" boxes."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from wtforms import Field
from wtforms.validators import Email, StopValidation, ValidationError

OLDEST_PLAUSIBLE_AGE = 120


def not_in_future(label: str) -> Callable[[Any, Field], None]:
    """A date that has already happened (today counts)."""

    def check(form: Any, field: Field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(f"{label} must be today or in the past")

    return check


def plausible_birth_date(form: Any, field: Field) -> None:
    """A date of birth in the past, and not more than 120 years ago."""
    if field.data is None:
        return
    today = date.today()
    if field.data >= today:
        raise ValidationError("Date of birth must be in the past")
    if field.data.year < today.year - OLDEST_PLAUSIBLE_AGE:
        raise ValidationError(f"Date of birth must be after {today.year - OLDEST_PLAUSIBLE_AGE}")


# UK numbers (01…, 02…, 03…, 07…, +44…) and international ones: digits with spaces, dashes or ( ).
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def phone_number(form: Any, field: Field) -> None:
    """A telephone number made of digits, spaces and the usual punctuation."""
    digits = re.sub(r"\D", "", field.data or "")
    if field.data and (not _PHONE.match(field.data) or not 10 <= len(digits) <= 15):
        raise ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")


def postcode(form: Any, field: Field) -> None:
    """A full UK postcode."""
    if field.data and not _POSTCODE.match(" ".join(field.data.upper().split())):
        raise ValidationError("Enter a real postcode, like CB1 2AB")


def unless_ticked(other: str, message: str) -> Callable[[Any, Field], None]:
    """Make a field required unless the 'I do not know' box named `other` is ticked."""

    def check(form: Any, field: Field) -> None:
        ticked = form[other].data
        if ticked and field.data:
            raise StopValidation(f"Either enter it or tick '{form[other].label.text}', not both")
        if not ticked and not field.data:
            raise StopValidation(message)

    return check


WORK_EMAIL = Email("Enter an email address in the correct format, like name@example.org")
