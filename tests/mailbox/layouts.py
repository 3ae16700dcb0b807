"""Lay one referral's labelled fields out as real forms do, in every format the mailbox reads.

A form is a list of sections (heading, [(label, value)]); each layout turns it into the raw email
that carries it. `TRUTH` is what every layout must give back (or list in `needs_review`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.mime.text import MIMEText
from typing import Any

from mailbox import legacy
from mailbox.labels import LABELS
from tests.mailbox.builders import (
    DOCX_TYPE,
    XLSX_TYPE,
    docx_bytes,
    email_bytes,
    pdf_bytes,
    xlsx_bytes,
)

Pairs = list[tuple[str, str]]
Sections = list[tuple[str, Pairs]]

# What each field says on the generated forms, and what the record must read from it.
VALUES: dict[str, tuple[str, Any]] = {
    "referrer.name": ("Ruth Example", "Ruth Example"),
    "referrer.agency": ("Cambridgeshire Constabulary", "Cambridgeshire Constabulary"),
    "referrer.role": ("Police Constable", "Police Constable"),
    "referrer.email": ("ruth.example@cambs.pnn.police.uk", "ruth.example@cambs.pnn.police.uk"),
    "referrer.phone": ("0345 456 4564", "0345 456 4564"),
    "victim.name": ("Vera Victim", "Vera Victim"),
    "victim.date_of_birth": ("14/07/1988", "1988-07-14"),
    "victim.gender": ("Female", "female"),
    "victim.address": ("1 Example Street, Ely", "1 Example Street, Ely"),
    "victim.postcode": ("CB7 4AA", "CB7 4AA"),
    "victim.phone": ("07700 900123", "07700 900123"),
    "victim.safe_to_contact": ("Yes", True),
    "victim.safe_contact_notes": ("Text first, after 6pm", "Text first, after 6pm"),
    "perpetrator.name": ("Peter Perp", "Peter Perp"),
    "perpetrator.date_of_birth": ("01/01/1980", "1980-01-01"),
    "perpetrator.relationship_to_victim": ("Ex-partner", "Ex-partner"),
    "children_in_household": ("2", 2),
    "consent": ("Yes", "yes"),
    "professional_judgement": ("No", False),
    "reason_for_referral": ("Visible high risk", "Visible high risk"),
    "dash.completed_date": ("01/03/2026", "2026-03-01"),
}
TRUTH = {path: truth for path, (_, truth) in VALUES.items()}
_HEADINGS = {
    "referrer": "Referrer details",
    "victim": "Victim details",
    "perpetrator": "Perpetrator details",
    "other": "Referral",
}


# The address typed over two lines, as most forms' address boxes invite.
ADDRESS_LINES = "1 Example Street\nEly"


def form(variant: int, *, address_lines: bool = False) -> Sections:
    """Return the form that labels each field with its `variant`-th wording (cycling)."""
    sections: dict[str, Pairs] = {}
    for path, (text, _) in VALUES.items():
        if path == "victim.address" and address_lines:
            text = ADDRESS_LINES
        wordings = LABELS[path]
        label = wordings[variant % len(wordings)]
        root = path.split(".")[0]
        sections.setdefault(root if root in _HEADINGS else "other", []).append((label, text))
    return [(_HEADINGS[key], pairs) for key, pairs in sections.items()]


def same(value: Any, truth: Any) -> bool:
    """Compare as the acceptance scorer does: text folded for case, commas and spaces."""
    if isinstance(value, str) and isinstance(truth, str):
        return _fold(value) == _fold(truth)
    return bool(value == truth)


def _fold(text: str) -> str:
    return re.sub(r"[\s,;/]+", " ", text.lower()).strip(" .-")


def _lines(label: str, value: str) -> list[str]:
    """'Label: value' with any further lines of the value below it."""
    first, *rest = value.split("\n")
    return [f"{_colon(label)} {first}", *rest]


def read(record: dict[str, Any], path: str) -> Any:
    """Return the record's value at a dotted path (None when a level is missing)."""
    value: Any = record["referral"]
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _colon(label: str) -> str:
    return label if label.endswith("?") else f"{label}:"


def _mail(name: str, data: bytes, ctype: str) -> bytes:
    return email_bytes(attachments=[(name, data, ctype)])


_DASH = "DASH Risk Identification Checklist"


def _table_docx(sections: Sections) -> bytes:
    blocks: list[Any] = ["MARAC Referral Form"]
    for heading, pairs in sections:
        blocks += [heading, [[label, value] for label, value in pairs]]
    blocks.append(_DASH)  # announces a checklist, so the record has its completed date
    return docx_bytes(blocks)


def _lines_docx(sections: Sections) -> bytes:
    blocks: list[Any] = ["MARAC Referral Form"]
    for heading, pairs in sections:
        blocks += [heading, *(line for pair in pairs for line in _lines(*pair))]
    blocks.append(_DASH)
    return docx_bytes(blocks)


def docx_table(sections: Sections) -> bytes:
    """Label | value rows in one table per section, headings between."""
    return _mail("referral.docx", _table_docx(sections), DOCX_TYPE)


def docx_lines(sections: Sections) -> bytes:
    """'Label: value' paragraphs."""
    return _mail("referral.docx", _lines_docx(sections), DOCX_TYPE)


def libreoffice_pdf_table(sections: Sections) -> bytes:
    """The Word table form printed to PDF by LibreOffice (a second PDF producer)."""
    pdf = legacy.convert(_table_docx(sections), "docx", "pdf")
    return _mail("referral.pdf", pdf, "application/pdf")


def libreoffice_pdf_lines(sections: Sections) -> bytes:
    """The 'Label: value' Word form printed to PDF by LibreOffice."""
    pdf = legacy.convert(_lines_docx(sections), "docx", "pdf")
    return _mail("referral.pdf", pdf, "application/pdf")


def word_97_table(sections: Sections) -> bytes:
    """The Word table form saved as Word 97-2003 .doc (by way of RTF, see test_legacy)."""
    rtf = legacy.convert(_table_docx(sections), "docx", "rtf")
    return _mail("referral.doc", legacy.convert(rtf, "rtf", "doc"), "application/msword")


def docx_side_by_side(sections: Sections) -> bytes:
    """Two label | value pairs per table row, a merged heading row per section."""
    rows: list[list[Any]] = []
    for heading, pairs in sections:
        rows.append([heading, "", "", ""])
        for i in range(0, len(pairs), 2):
            row = [cell for pair in pairs[i : i + 2] for cell in pair]
            rows.append(row + [""] * (4 - len(row)))
    return _mail("referral.docx", docx_bytes(["MARAC Referral Form", rows, _DASH]), DOCX_TYPE)


def docx_stacked(sections: Sections) -> bytes:
    """A row of labels over a row of values, three to a row."""
    return _mail("referral.docx", _stacked_docx(sections), DOCX_TYPE)


def docx_one_cell(sections: Sections) -> bytes:
    """Each section's details typed into one table cell, a 'Label: value' line each."""
    rows: list[list[Any]] = []
    for heading, pairs in sections:
        rows += [[heading], ["\n".join(f"{label}: {value}" for label, value in pairs)]]
    return _mail("referral.docx", docx_bytes(["MARAC Referral Form", rows, _DASH]), DOCX_TYPE)


def xlsx_spacer(sections: Sections) -> bytes:
    """Labels in column B, values in D: a spacer column C left empty all the way down."""
    rows: list[list[Any]] = [[None, "MARAC Referral Form"]]
    for heading, pairs in sections:
        rows.append([None, heading])
        for label, value in pairs:
            first, *rest = value.split("\n")
            rows += [[None, label, None, first], *([None, None, None, t] for t in rest)]
    rows.append([None, _DASH])
    return _mail("referral.xlsx", xlsx_bytes({"Referral": rows}), XLSX_TYPE)


def _stacked_docx(sections: Sections) -> bytes:
    rows: list[list[Any]] = []
    for heading, pairs in sections:
        rows.append([heading, "", ""])
        for i in range(0, len(pairs), 3):
            chunk = pairs[i : i + 3] + [("", "")] * (3 - len(pairs[i : i + 3]))
            rows += [[label for label, _ in chunk], [value for _, value in chunk]]
    return docx_bytes(["MARAC Referral Form", rows, _DASH])


def libreoffice_pdf_stacked(sections: Sections) -> bytes:
    """Labels over values, three to a row, printed to PDF: long words wrap inside their column."""
    pdf = legacy.convert(_stacked_docx(sections), "docx", "pdf")
    return _mail("referral.pdf", pdf, "application/pdf")


def _pdf_lines(sections: Sections, colon: bool) -> list[tuple[float, float, str]]:
    lines: list[tuple[float, float, str]] = [(40, 810, "MARAC Referral Form")]
    y = 790.0
    for heading, pairs in sections:
        lines.append((40, y, heading))
        y -= 13
        for label, value in pairs:
            first, *rest = value.split("\n")
            if colon:
                lines.append((40, y, f"{_colon(label)} {first}"))
            else:
                lines += [(40, y, label), (300, y, first)]
            for further in rest:  # a further line of the value, under its first
                y -= 12
                lines.append((40 if colon else 300, y, further))
            y -= 12
    return [*lines, (40, y - 6, _DASH)]


def _run_on_lines(sections: Sections, colon: bool) -> list[tuple[float, float, str]]:
    """Two boxes per line with the gap between them lost, as a flattened PDF gives them."""
    lines: list[tuple[float, float, str]] = [(40, 810, "MARAC Referral Form")]
    y = 790.0
    for heading, pairs in sections:
        lines.append((40, y, heading))
        y -= 13
        for i in range(0, len(pairs), 2):
            texts = [f"{_colon(lb) if colon else lb} {value}" for lb, value in pairs[i : i + 2]]
            lines.append((40, y, " ".join(texts)))
            y -= 12
    return [*lines, (40, y - 6, _DASH)]


def pdf_run_on(sections: Sections) -> bytes:
    """'Label: value Label: value' lines: each value runs into the next box's label."""
    return _mail("referral.pdf", pdf_bytes(_run_on_lines(sections, True)), "application/pdf")


def pdf_colonless(sections: Sections) -> bytes:
    """'Label value Label value' lines: no colons, one space between the boxes."""
    return _mail("referral.pdf", pdf_bytes(_run_on_lines(sections, False)), "application/pdf")


def pdf_side_by_side(sections: Sections) -> bytes:
    """A printed form: label at the left, value in a column to its right."""
    return _mail("referral.pdf", pdf_bytes(_pdf_lines(sections, False)), "application/pdf")


def pdf_lines(sections: Sections) -> bytes:
    """A report generator's 'Label: value' lines."""
    return _mail("referral.pdf", pdf_bytes(_pdf_lines(sections, True)), "application/pdf")


def pdf_fields(sections: Sections) -> bytes:
    """A fillable PDF: text fields (label as tooltip), yes/no as radio groups (name only)."""
    fields: list[dict[str, Any]] = []
    for heading, pairs in sections:
        for label, value in pairs:
            # Field names carry the section ("Victim_Name"); the tooltip carries the bare label.
            name = heading.split()[0] + "_" + re.sub(r"\W+", "", label.title())
            if value in ("Yes", "No"):
                fields.append({"name": name, "type": "radio", "value": value})
            else:
                fields.append({"name": name, "type": "text", "value": value, "label": label})
    lines = [(40, 810, "MARAC Referral Form"), (40, 600, _DASH)]
    return _mail("referral.pdf", pdf_bytes(lines, fields), "application/pdf")


def pdf_boxes(sections: Sections) -> bytes:
    """A fillable PDF asking yes/no as a pair of check boxes ("Consent_Yes", "Consent_No")."""
    fields: list[dict[str, Any]] = []
    for heading, pairs in sections:
        for label, value in pairs:
            name = heading.split()[0] + "_" + re.sub(r"\W+", "", label.title())
            if value in ("Yes", "No"):
                for option in ("Yes", "No"):
                    fields.append(
                        {"name": f"{name}_{option}", "type": "box", "value": value == option}
                    )
            else:
                fields.append({"name": name, "type": "text", "value": value, "label": label})
    lines = [(40, 810, "MARAC Referral Form"), (40, 600, _DASH)]
    return _mail("referral.pdf", pdf_bytes(lines, fields), "application/pdf")


def xlsx_block(sections: Sections) -> bytes:
    """A spreadsheet with the referral block starting at C4 on its second sheet."""
    rows: list[list[Any]] = [[], [], [None, None, "MARAC Referral Form"]]
    for heading, pairs in sections:
        rows.append([None, None, heading])
        for label, value in pairs:
            first, *rest = value.split("\n")
            rows += [[None, None, label, first], *([None, None, None, t] for t in rest)]
    rows.append([None, None, _DASH])
    sheets = {"Guidance": [["Complete every box."]], "Referral": rows}
    return _mail("referral.xlsx", xlsx_bytes(sheets), XLSX_TYPE)


def body_lines(sections: Sections) -> bytes:
    """'Label: value' lines typed in a plain-text email body."""
    text = ["MARAC referral", ""]
    for heading, pairs in sections:
        text += [heading, *(line for pair in pairs for line in _lines(*pair)), ""]
    return email_bytes(body="\n".join([*text, _DASH, "", "Ruth Example", "Police Constable"]))


def body_html(sections: Sections) -> bytes:
    """An HTML-only-looking body: a two-column table per section."""
    html = ["<p>MARAC referral</p>"]
    for heading, pairs in sections:
        cells = "".join(
            f"<tr><td>{label}</td><td>{value.replace(chr(10), '<br>')}</td></tr>"
            for label, value in pairs
        )
        html.append(f"<h3>{heading}</h3><table>{cells}</table>")
    html.append(f"<p>{_DASH}</p>")
    return email_bytes(body="See the referral below.", html="".join(html))


def body_tabs_8bit(sections: Sections) -> bytes:
    """A windows-1252 plain body, 'Label:<tab>value', the address's town typed under the label."""
    text = ["MARAC referral", ""]
    for heading, pairs in sections:
        text.append(heading)
        for label, value in pairs:
            first, *rest = value.split("\n")
            text += [f"{_colon(label)}\t{first}", *rest]
        text.append("")
    body = "\n".join([*text, _DASH, "", "Ruth Example", "Police Constable"])
    return _headers(MIMEText(body.replace("Don't", "Don\u2019t"), "plain", "windows-1252"))


def body_html_only(sections: Sections) -> bytes:
    """An HTML-only message (no text part): 'Label: value' paragraphs, <br> inside a value."""
    html = ["<html><body><p>MARAC referral</p>"]
    for heading, pairs in sections:
        html.append(f"<p><b>{heading}</b></p>")
        html += [f"<p>{_colon(lb)} {v.replace(chr(10), '<br>')}</p>" for lb, v in pairs]
    html.append(f"<p>{_DASH}</p><p>Ruth Example<br>Police Constable</p></body></html>")
    return _headers(MIMEText("".join(html), "html", "utf-8"))


def _headers(part: MIMEText) -> bytes:
    part["From"] = "Ruth Example <ruth.example@cambs.pnn.police.uk>"
    part["To"] = "MARAC referrals <marac.referrals@example.org.uk>"
    part["Subject"] = "MARAC referral"
    part["Message-ID"] = "<layout.1@example.org.uk>"
    return part.as_bytes()


LAYOUTS: dict[str, Callable[[Sections], bytes]] = {
    "docx_table": docx_table,
    "docx_lines": docx_lines,
    "docx_side_by_side": docx_side_by_side,
    "docx_stacked": docx_stacked,
    "docx_one_cell": docx_one_cell,
    "xlsx_spacer": xlsx_spacer,
    "pdf_side_by_side": pdf_side_by_side,
    "pdf_lines": pdf_lines,
    "pdf_fields": pdf_fields,
    "pdf_boxes": pdf_boxes,
    "xlsx_block": xlsx_block,
    "body_lines": body_lines,
    "body_html": body_html,
    "body_tabs_8bit": body_tabs_8bit,
    "body_html_only": body_html_only,
}
# Typed text where an address's town sits under its label: read, and flagged for a person.
TOWN_UNDER_LABEL = {"body_tabs_8bit"}
# Layouts that lose the gap between boxes: every value right or flagged, most of them right.
RUN_ON_LAYOUTS: dict[str, Callable[[Sections], bytes]] = {
    "pdf_run_on": pdf_run_on,
    "pdf_colonless": pdf_colonless,
}
# Made with LibreOffice (seconds each): the benchmark sweep runs them all, the suite a slice.
LIBREOFFICE_LAYOUTS: dict[str, Callable[[Sections], bytes]] = {
    "libreoffice_pdf_table": libreoffice_pdf_table,
    "libreoffice_pdf_lines": libreoffice_pdf_lines,
    "word_97_table": word_97_table,
    "libreoffice_pdf_stacked": libreoffice_pdf_stacked,
}
VARIANTS = max(len(v) for v in LABELS.values())
