"""Every wording in the label catalogue, in every layout: each field read right or flagged."""

from __future__ import annotations

from typing import Any

import pytest

from mailbox.fields import match_label
from mailbox.parse import parse_message
from mailbox.runon import cut_run_on, leading_label
from tests.mailbox.builders import DOCX_TYPE, docx_bytes, parse_attachment
from tests.mailbox.layouts import (
    LAYOUTS,
    LIBREOFFICE_LAYOUTS,
    RUN_ON_LAYOUTS,
    TOWN_UNDER_LABEL,
    TRUTH,
    VARIANTS,
    form,
    read,
    same,
)


def check(raw: bytes) -> tuple[list[str], list[str]]:
    """Return the fields read wrong without a flag (silent) and the fields flagged."""
    record = parse_message(raw)
    assert record["disposition"] == "referral"
    review = record["needs_review"]
    silent = [
        f"{path}={read(record, path)!r}"
        for path, truth in TRUTH.items()
        if not same(read(record, path), truth) and path not in review
    ]
    return silent, [p for p in TRUTH if p in review]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_label_variant_is_read_or_flagged(layout: str) -> None:
    for variant in range(VARIANTS):
        silent, flagged = check(LAYOUTS[layout](form(variant)))
        assert silent == [], f"variant {variant}"
        assert flagged == [], f"variant {variant}"  # these plain layouts are read outright


@pytest.mark.parametrize(
    ("label", "section", "path"),
    [
        ("Contact number", "victim", "victim.phone"),
        ("Contact number", "referrer", "referrer.phone"),
        ("Tel", "victim", "victim.phone"),
        ("Agency", "victim", "referrer.agency"),
        ("Email", "victim", None),  # the record keeps no victim email: never the referrer's
        ("Name", None, None),  # whose name? a person checks
        ("Service user name", None, "victim.name"),
        ("Safe contact number", "victim", "victim.phone"),
    ],
)
def test_a_bare_label_belongs_to_its_section(
    label: str, section: str | None, path: str | None
) -> None:
    assert match_label(label, section) == path


@pytest.mark.parametrize("layout", sorted(RUN_ON_LAYOUTS))
def test_boxes_run_together_are_cut_at_the_next_label_and_flagged(layout: str) -> None:
    right = total = 0
    for variant in range(VARIANTS):
        raw = RUN_ON_LAYOUTS[layout](form(variant))
        silent, _ = check(raw)
        assert silent == [], f"variant {variant}"
        record = parse_message(raw)
        right += sum(same(read(record, path), truth) for path, truth in TRUTH.items())
        total += len(TRUTH)
    assert right / total >= 0.95  # "Vera Victim DOB:" may be cut at "Victim DOB", flagged


def test_a_value_running_into_the_next_label_is_cut_and_listed() -> None:
    rows = [
        ["Victim name", "Jane Doe Completed 26/02/2026"],
        ["Gender", "Female Referral based on No"],
        ["Date of birth", "14/07/1988"],
        ["Perpetrator name", "Peter Perp"],
    ]
    record = parse_attachment("referral.docx", docx_bytes(["MARAC referral", rows]), DOCX_TYPE)
    victim = record["referral"]["victim"]
    assert (victim["name"], victim["gender"]) == ("Jane Doe", "female")
    assert {"victim.name", "victim.gender"} <= set(record["needs_review"])
    assert record["referral"]["professional_judgement"] is False
    assert "professional_judgement" in record["needs_review"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_an_address_over_two_lines_keeps_its_town(layout: str) -> None:
    for variant in (0, 3):
        record = parse_message(LAYOUTS[layout](form(variant, address_lines=True)))
        assert same(record["referral"]["victim"]["address"], "1 Example Street, Ely")
        silent, flagged = check(LAYOUTS[layout](form(variant, address_lines=True)))
        assert silent == []
        assert flagged == (["victim.address"] if layout in TOWN_UNDER_LABEL else [])


def test_an_address_stops_at_the_next_box_and_gives_its_postcode() -> None:
    lines = [
        "MARAC referral form",
        "Victim name: Vera Victim",
        "Date of birth: 14/07/1988",
        "Address: Flat 2",
        "1 Example Street",
        "Ely",
        "CB7 4AA",
        "Ethnicity White British",
        "Perpetrator name: Peter Perp",
    ]
    record = parse_attachment("referral.docx", docx_bytes(lines), DOCX_TYPE)
    victim = record["referral"]["victim"]
    assert victim["address"] == "Flat 2, 1 Example Street, Ely, CB7 4AA"
    assert victim["postcode"] == "CB7 4AA"
    assert "victim.postcode" in record["needs_review"]  # read from the address: a person confirms


@pytest.mark.parametrize("layout", sorted(LIBREOFFICE_LAYOUTS))
def test_forms_made_by_libreoffice_are_read_or_flagged(layout: str) -> None:
    # One wording and a two-line address each: benchmarks/field_sweep.py runs every wording.
    silent, _ = check(LIBREOFFICE_LAYOUTS[layout](form(3, address_lines=True)))
    assert silent == []


def test_a_colonless_line_is_split_only_where_a_value_starts() -> None:
    assert leading_label("Victim name Vera Victim") == ("Victim name", "Vera Victim")
    assert leading_label("Email ruth.example@cambs.pnn.police.uk") is not None
    assert leading_label("Name withheld for her safety") is None  # prose in a letter
    assert cut_run_on("victim.name", "Jane Doe Completed 26/02/2026") == (
        "Jane Doe",
        ("Completed", "26/02/2026"),
    )
    assert cut_run_on("victim.address", "12 Mobile Close, Ely") == ("12 Mobile Close, Ely", None)


def _lines(*lines: list[tuple[float, str]]) -> Any:
    from mailbox.grid import Cell, Document, Row

    doc = Document("r.pdf")
    for n, cells in enumerate(lines, start=1):
        doc.rows.append(Row(tuple(Cell(t, x) for x, t in cells), f"r.pdf page 1 line {n}"))
    return doc


def test_labels_over_values_in_a_pdf_take_their_wrapped_words_and_flag_them() -> None:
    from mailbox.form_reading import read_form

    doc = _lines(
        [(0, "Victim name"), (20, "Victim"), (40, "Postcode")],
        [(20, "address")],
        [(0, "Maria"), (20, "14 Lincoln Road,"), (40, "PE1 2AB")],
        [(0, "Kowalska"), (20, "Peterborough")],
    )
    fields = read_form(doc).fields
    assert fields["victim.name"].text == "Maria Kowalska" and fields["victim.name"].doubt
    assert fields["victim.address"].text == "14 Lincoln Road, Peterborough"
    assert (fields["victim.postcode"].text, fields["victim.postcode"].doubt) == ("PE1 2AB", False)


def test_a_long_value_naming_a_field_is_no_label_row() -> None:
    from mailbox.form_reading import read_form

    doc = _lines(
        [(0, "Reason for referral"), (44, "Professional judgement - serious escalation")],
        [(0, "DASH Risk Identification Checklist")],
    )
    fields = read_form(doc).fields
    assert fields["reason_for_referral"].text == "Professional judgement - serious escalation"
