"""Read a PDF: fillable (AcroForm) fields first, then the laid-out text of each page."""

from __future__ import annotations

import io
import logging
import re
from functools import partial
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from mailbox.fields import match_label, split_camel
from mailbox.grid import Cell, Document, Mark, Row
from mailbox.readers import pdf_boxes
from mailbox.readers.layout import text_rows
from mailbox.readers.pdf_fields import form_fields
from mailbox.readers.pdf_shading import Carried, with_shading
from mailbox.readers.pdf_text import Fonts, layout_text
from mailbox.safety import UnreadablePart
from mailbox.values import answer_word

log = logging.getLogger(__name__)
MAX_PAGES = 40
_BOX_NAME = re.compile(
    r"^(?P<prefix>.*?)(?P<num>\d{1,2})[\W_]*"
    r"(?P<opt>yes|no|dk|don'?t ?know|dont ?know|unknown|y|n)$",
    re.I,
)
_RADIO_NAME = re.compile(r"^(?P<prefix>\D*?)[\W_]*(?P<num>\d{1,2})$")
RADIO_FLAG = 1 << 15  # a button field that is a radio group, not a check box
_OPTIONS = {"y": "yes", "yes": "yes", "n": "no", "no": "no"}
_WORDS = {"yes": "Yes", "no": "No", "dont_know": "Don't know"}
# A yes/no question's answer box without a number: "Consent_No", "SafeToContactYes".
_OPTION_BOX = re.compile(
    r"^(?P<prefix>.+?)(?:[\W_]+(?P<opt>(?i:yes|no|dk|don'?t ?know|dont ?know|unknown|y|n))"
    r"|(?<=[a-z])(?P<camel>Yes|No|DK|DontKnow|Unknown))$"
)


def read_pdf(name: str, data: bytes) -> Document:
    """Read a PDF's form fields and text; refuse encrypted or image-only files."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are about the file, not us
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePart("password-protected PDF")
        fields = form_fields(reader)
        fonts: Fonts = {}
        pages = [_page_text(p, fonts) for p in reader.pages[:MAX_PAGES]]
        unnamed = _unnamed_boxes(fields)
        placed = (
            [pdf_boxes.placed(p, pdf_boxes.widgets(p, unnamed)) for p in reader.pages[:MAX_PAGES]]
            if unnamed
            else []
        )
    except UnreadablePart:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise UnreadablePart(f"PDF unreadable: {type(exc).__name__}") from exc
    if not any(t.strip() for t in pages) and not fields:
        raise UnreadablePart("image-only PDF (no text layer)")
    doc = Document(name)
    doc.rows.extend(_field_rows(name, fields, pages))
    doc.rows.extend(_placed_rows(name, placed, pages))
    carried = Carried()
    for number, text in enumerate(pages, start=1):
        rows = text_rows(text, f"{name} page {number}", columns=not fields)
        if not fields:
            rows = with_shading(rows, reader.pages[number - 1], carried)
        doc.rows.extend(rows)
    return doc


def _page_text(page: Any, fonts: Fonts) -> str:
    """Return a page's laid-out text; a page pypdf cannot lay out gives its plain text, or none."""
    for mode, extract in (("layout", partial(layout_text, fonts=fonts)), ("plain", _plain_text)):
        try:
            return extract(page)
        except Exception as exc:  # pypdf raises many kinds of error on a damaged page
            log.info("page text (%s) unreadable: %s", mode, type(exc).__name__)
    return ""


def _plain_text(page: Any) -> str:
    return str(page.extract_text() or "")


Boxes = dict[str, dict[int, dict[str, bool]]]  # prefix -> question number -> option -> ticked


def _field_rows(name: str, fields: dict[str, Any], pages: list[str]) -> list[Row]:
    rows: list[Row] = []
    boxes: Boxes = {}
    for key, field in fields.items():
        value, kind = field.get("/V"), field.get("/FT")
        if kind == "/Btn" and _tally_box(boxes, key, value, field):
            continue
        if kind == "/Btn" and (option := _OPTION_BOX.match(key)):
            # One box per answer ("Consent_Yes", "Consent_No"): the ticked one's word is the value.
            if _is_on(value):
                word = _OPTIONS.get((option["opt"] or option["camel"]).lower(), "dont_know")
                rows.append(_pair(split_camel(option["prefix"]), _WORDS[word], name))
            continue
        label = _label(field.get("/TU"), key)
        if kind == "/Btn" and _is_on(value):
            rows.append(_pair(label, str(value).lstrip("/"), name))
        elif kind in ("/Tx", "/Ch"):
            rows.append(_pair(label, str(value or ""), name))
    lists = numbered_lists("\n".join(pages))
    for index, (prefix, group) in enumerate(boxes.items()):
        rows.extend(_checklist_rows(name, prefix, group, _pick(lists, group, index)))
    return rows


def _unnamed_boxes(fields: dict[str, Any]) -> set[str]:
    """Return the check boxes whose names say no question and option ("Check Box17")."""
    return {
        key
        for key, field in fields.items()
        if field.get("/FT") == "/Btn" and not _radio(field) and not _BOX_NAME.match(key)
    }


def _radio(field: Any) -> bool:
    return bool(int(field.get("/Ff") or 0) & RADIO_FLAG)


def _placed_rows(name: str, placed: list[pdf_boxes.Placed], pages: list[str]) -> list[Row]:
    """Return checklist rows for boxes placed by position, the question words from the page."""
    group: pdf_boxes.Placed = {}
    for page in placed:
        for number, options in page.items():
            group.setdefault(number, {}).update(options)
    if not group:
        return []
    lists = numbered_lists("\n".join(pages))
    return _checklist_rows(name, "placed ", group, _pick(lists, group, 0))


def _label(tooltip: Any, key: str) -> str:
    """Return a field's label: its tooltip, unless only its name says whose detail it is."""
    named = split_camel(key)
    if not tooltip or (match_label(str(tooltip), None) is None and match_label(named, None)):
        return named  # a bare "Name" tooltip on the field "Victim_Name"
    return str(tooltip)


def _is_on(value: Any) -> bool:
    return value is not None and str(value) not in ("/Off", "Off", "")


def _tally_box(boxes: Boxes, key: str, value: Any, field: Any) -> bool:
    """Record a checklist box ("Q7_Yes") or radio group ("Q7" = /DK); False if it is neither."""
    if m := _BOX_NAME.match(key):
        option = _OPTIONS.get(m["opt"].lower(), "dont_know")
        boxes.setdefault(m["prefix"], {}).setdefault(int(m["num"]), {})[option] = _is_on(value)
        return True
    if (m := _RADIO_NAME.match(key)) and _radio(field):
        chosen = answer_word(str(value).lstrip("/")) if _is_on(value) else None
        options = boxes.setdefault(m["prefix"], {}).setdefault(int(m["num"]), {})
        options.update({o: o == chosen for o in ("yes", "no", "dont_know")} if chosen else {})
        return True
    return False


def _pair(label: str, value: str, name: str) -> Row:
    return Row((Cell(str(label), 0.0), Cell(value, 1.0)), f"{name} field {label!r}")


def _checklist_rows(
    name: str, prefix: str, group: dict[int, dict[str, bool]], texts: dict[int, str]
) -> list[Row]:
    header = Row(
        tuple(
            Cell(t, float(i)) for i, t in enumerate(("Q", "Question", "Yes", "No", "Don't know"))
        ),
        f"{name} fields {prefix}* row 0",
    )
    rows = [header]
    for num in sorted(group):
        marks = [
            Cell("", float(col), _box(group[num].get(option)))
            for col, option in ((2, "yes"), (3, "no"), (4, "dont_know"))
        ]
        cells = (Cell(str(num), 0.0), Cell(texts.get(num, ""), 1.0), *marks)
        rows.append(Row(cells, f"{name} fields {prefix}* row {num}"))
    return rows


def _box(ticked: bool | None) -> Mark | None:
    return None if ticked is None else (Mark.TICKED if ticked else Mark.EMPTY)


def numbered_lists(text: str) -> list[dict[int, str]]:
    """Return the page text's numbered question lists, a new list wherever numbering restarts."""
    lists: list[dict[int, str]] = []
    current: dict[int, str] | None = None
    last = 0
    for line in text.splitlines():
        stripped = " ".join(line.split())
        m = re.match(r"^(\d{1,2})[.)]?\s+(\D.*)$", stripped)
        if m and (int(m[1]) == last + 1 or (int(m[1]) == 1)):
            last = int(m[1])
            if last == 1 or current is None:
                current = {}
                lists.append(current)
            current[last] = m[2]
        elif current is not None and last and _wrapped(stripped):
            current[last] += " " + stripped
    return lists


def _wrapped(line: str) -> bool:
    """Tell whether a line carries on the question above (it starts in lower case)."""
    return bool(line) and len(line) < 90 and line[0].islower()


def _pick(lists: list[dict[int, str]], group: dict[int, Any], index: int) -> dict[int, str]:
    """Return the question list that matches a group of boxes: same length, else same order."""
    same = [lst for lst in lists if len(lst) == len(group)]
    if len(same) == 1:
        return same[0]
    return lists[index] if index < len(lists) and len(lists[index]) == len(group) else {}
