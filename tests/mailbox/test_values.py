"""Typed values: read what is certain, and give what is a guess to a person."""

import pytest

from mailbox.values import read_date, read_name, read_postcode, read_yes_no


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("PE1 2AB", ("PE1 2AB", False)),
        ("pe1 2ab", ("PE1 2AB", False)),
        ("PE12AB", ("PE1 2AB", False)),  # the inward code is always the last three characters
        ("CB74AA", ("CB7 4AA", False)),
        ("PE15 4PQ (staying with her mother)", ("PE15 4PQ (STAYING WITH HER MOTHER)", True)),
    ],
)
def test_postcodes(typed: str, reading: tuple[str, bool]) -> None:
    assert read_postcode(typed) == reading


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("12/04/1991", ("1991-04-12", False)),
        ("12th April 1991", ("1991-04-12", False)),
        ("12-Apr-1991", ("1991-04-12", False)),
        ("12 Apr 91", ("1991-04-12", True)),  # a two-digit year is a century guess
        ("12/04/91", ("1991-04-12", True)),
        ("sometime in spring", (None, True)),
    ],
)
def test_dates(typed: str, reading: tuple[str | None, bool]) -> None:
    assert read_date(typed) == reading


def test_a_name_written_surname_first_is_kept_as_written_and_checked() -> None:
    assert read_name("KOWALSKA, Maria") == ("KOWALSKA, Maria", True)
    assert read_name("Maria  Kowalska") == ("Maria Kowalska", False)


def test_a_yes_or_no_with_its_reason_is_read_and_checked() -> None:
    assert read_yes_no("Yes - verbal consent given") == ("yes", True)
    assert read_yes_no("No - referral on professional judgement") == ("no", True)
    assert read_yes_no("N/A") == (None, True)
