"""A fillable PDF's fields as mailbox/readers/pdf_fields.py walks them: pypdf's names and values,
without pypdf's failures on boxes that have no appearance, and with limits on hostile trees."""

import io
from typing import Any

import pytest
from pypdf import PdfReader

from mailbox.readers.pdf_fields import KEYS, form_fields
from mailbox.safety import UnreadablePart
from tests.mailbox.builders import (
    DASH_QUESTIONS,
    _assemble,
    answers,
    expected_answers,
    parse_attachment,
    pdf_bytes,
)

PDF = "application/pdf"
AP = "/AP << /N << /Yes 5 0 R /Off 5 0 R >> >>"  # any object will do as the appearance here
PAGE = (
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    "/Resources << /Font << /F1 5 0 R >> >> >>"
)


def _with_fields(field_objects: list[str], top: str, text: str = "") -> bytes:
    """A one-page PDF whose AcroForm lists `top` (references) and holds `field_objects` from 6 0."""
    stream = " ".join(
        f"BT /F1 9 Tf 1 0 0 1 40 {600 - 12 * i} Tm ({line}) Tj ET"
        for i, line in enumerate(text.splitlines())
    )
    return _assemble(
        [
            f"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{top}] >> >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE,
            f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
            *field_objects,
        ]
    )


def _ours_and_pypdfs(
    data: bytes,
) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]]]:
    ours = form_fields(PdfReader(io.BytesIO(data)))
    theirs = PdfReader(io.BytesIO(data)).get_fields() or {}
    keep = {
        k: {key: f.get(key) for key in KEYS if f.get(key) is not None} for k, f in theirs.items()
    }
    return ours, keep


def test_same_names_and_values_as_pypdf_for_flat_fields() -> None:
    fields: list[dict[str, Any]] = [
        {"name": "VictimName", "type": "text", "value": "Vera Victim", "label": "Victim name"},
        {"name": "Consent_Yes", "type": "box", "value": True},
        {"name": "Consent_No", "type": "box", "value": False},
        {"name": "Q1", "type": "radio", "value": "DK"},
    ]
    ours, theirs = _ours_and_pypdfs(pdf_bytes([(40, 800, "MARAC")], fields))
    assert ours == theirs
    assert ours["VictimName"]["/TU"] == "Victim name"


def test_nested_fields_are_named_by_their_parents_as_pypdf_names_them() -> None:
    # "victim" holds "name" and "dob"; "q" holds "1" whose two kids are widgets (no /T).
    objects = [
        "<< /T (victim) /Kids [7 0 R 8 0 R] >>",
        "<< /T (name) /FT /Tx /V (Vera Victim) /Parent 6 0 R >>",
        "<< /T (dob) /FT /Tx /V (14/07/1988) /Parent 6 0 R >>",
        "<< /T (q) /Kids [10 0 R] >>",
        "<< /T (1) /FT /Btn /Ff 49152 /V /Yes /Parent 9 0 R /Kids [11 0 R 12 0 R] >>",
        f"<< /Subtype /Widget /Parent 10 0 R /AS /Yes {AP} >>",
        f"<< /Subtype /Widget /Parent 10 0 R /AS /Off {AP} >>",
    ]
    ours, theirs = _ours_and_pypdfs(_with_fields(objects, "6 0 R 9 0 R"))
    assert ours == theirs
    assert ours["victim.name"]["/V"] == "Vera Victim"
    assert ours["q.1"]["/V"] == "/Yes"


def test_radio_group_whose_widgets_have_no_appearance_is_still_read() -> None:
    # pypdf's get_fields raises on a radio kid without /AP, which made the whole PDF unreadable.
    given = answers("ynd")
    words = {"yes": "Yes", "no": "No", "dont_know": "DK"}
    objects: list[str] = []
    refs: list[str] = []
    for n in range(1, 25):
        parent = 6 + len(objects)
        refs.append(f"{parent} 0 R")
        objects.append(
            f"<< /T (Q{n}) /FT /Btn /Ff 49152 /V /{words[given[n]]} /Kids [{parent + 1} 0 R] >>"
        )
        objects.append(f"<< /Subtype /Widget /Parent {parent} 0 R /AS /{words[given[n]]} >>")
    objects.append("<< /T (VictimName) /FT /Tx /V (Vera Victim) >>")
    refs.append(f"{6 + len(objects) - 1} 0 R")
    text = "\n".join(f"{i}. {q[:70]}" for i, q in enumerate(DASH_QUESTIONS, start=1))
    data = _with_fields(objects, " ".join(refs), text)
    with pytest.raises(Exception):  # noqa: B017 - whatever pypdf raises, it does not read it
        PdfReader(io.BytesIO(data)).get_fields()
    record = parse_attachment("form.pdf", data, PDF)
    assert record["disposition"] != "quarantine"
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_a_parent_loop_is_unreadable_not_endless() -> None:
    objects = ["<< /T (a) /FT /Tx /V (x) /Parent 7 0 R >>", "<< /T (b) /Parent 6 0 R >>"]
    data = _with_fields(objects, "6 0 R")
    with pytest.raises(UnreadablePart):
        form_fields(PdfReader(io.BytesIO(data)))
    record = parse_attachment("loop.pdf", data, PDF)
    assert record["disposition"] == "quarantine"
    assert record["unreadable_parts"] == ["loop.pdf"]


def test_fields_nested_without_end_are_unreadable() -> None:
    depth = 40
    objects = [f"<< /T (f{i}) /Kids [{7 + i} 0 R] >>" for i in range(depth)]
    objects.append("<< /T (leaf) /FT /Tx /V (x) >>")
    with pytest.raises(UnreadablePart):
        form_fields(PdfReader(io.BytesIO(_with_fields(objects, "6 0 R"))))


def test_a_pdf_without_a_form_has_no_fields() -> None:
    data = pdf_bytes([(40, 800, "MARAC")])
    assert form_fields(PdfReader(io.BytesIO(data))) == {}
