"""Build referral fixtures in code: Word, PDF and Excel forms and the emails that carry them."""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from openpyxl import Workbook

DASH_QUESTIONS = [
    "Has the current incident resulted in injury?",
    "Are you very frightened?",
    "What are you afraid of? Is it further injury or violence?",
    "Do you feel isolated from family/friends?",
    "Are you feeling depressed or having suicidal thoughts?",
    "Have you separated or tried to separate from the abuser within the past year?",
    "Is there conflict over child contact?",
    "Does the abuser constantly text, call, contact, follow, stalk or harass you?",
    "Are you pregnant or have you recently had a baby (within the last 18 months)?",
    "Is the abuse happening more often?",
    "Is the abuse getting worse?",
    "Does the abuser try to control everything you do and/or are they excessively jealous?",
    "Has the abuser ever used weapons or objects to hurt you?",
    "Has the abuser ever threatened to kill you or someone else and you believed them?",
    "Has the abuser ever attempted to strangle/choke/suffocate/drown you?",
    "Does the abuser do or say things of a sexual nature that make you feel bad or that "
    "physically hurt you or someone else?",
    "Is there any other person who has threatened you or who you are afraid of?",
    "Do you know if the abuser has hurt anyone else?",
    "Has the abuser ever mistreated an animal or the family pet?",
    "Are there any financial issues?",
    "Has the abuser had problems in the past year with drugs, alcohol or mental health leading "
    "to problems in leading a normal life?",
    "Has the abuser ever threatened or attempted suicide?",
    "Has the abuser ever broken bail/an injunction and/or formal agreement for when they can see "
    "you and/or the children?",
    "Do you know if the abuser has ever been in trouble with the police or has a criminal history?",
]

# The same 24 as a police officer or a nurse might shorten them.
PARAPHRASED = [
    "Injured in this incident?",
    "Victim very scared?",
    "Fears of what - further violence?",
    "Cut off from friends and family?",
    "Low mood / suicidal?",
    "Separation in last 12 months?",
    "Child contact disputes?",
    "Constant calls/texts/stalking?",
    "Pregnant or new baby (<18m)?",
    "Incidents more frequent?",
    "Escalating?",
    "Controlling/jealous behaviour?",
    "Weapons used?",
    "Threats to kill?",
    "Strangulation/choking?",
    "Sexual abuse?",
    "Anyone else threatening the victim?",
    "Has perp hurt others?",
    "Animal cruelty?",
    "Money problems?",
    "Perp drug/alcohol/MH issues?",
    "Perp suicide threats/attempts?",
    "Breach of bail/court order?",
    "Criminal record/police history?",
]

# ACPO DASH 2009: three questions on children and dependants after question 9.
ACPO_EXTRA = [
    "Are there any children, step-children that aren't the abuser's in the household? Or are "
    "there other dependants in the household (i.e. older relative)?",
    "Has the abuser ever hurt the children/dependants?",
    "Has the abuser ever threatened to hurt or kill the children/dependants?",
]
ACPO_QUESTIONS = DASH_QUESTIONS[:9] + ACPO_EXTRA + DASH_QUESTIONS[9:]

SDASH_QUESTIONS = [
    "Is the victim very frightened?",
    "Is there previous domestic abuse or harassment history?",
    "Has the stalker vandalised or destroyed property?",
    "Has the stalker turned up unannounced more than 3 times a week?",
    "Has the stalker followed the victim or loitered near their home or workplace?",
    "Has the stalker made threats of physical or sexual violence?",
    "Has the stalker been harassing any third party since the harassment began?",
    "Has the stalker acted violently to anyone else during the stalking incident?",
    "Has the stalker engaged others to help?",
    "Has the stalker had problems in the past year with drugs, alcohol or mental health?",
    "Has the stalker been violent in the past?",
]

OPTIONS = ("yes", "no", "dont_know")
WORDS = {"yes": "Yes", "no": "No", "dont_know": "Don't know"}

REFERRAL = [
    ("Referrer name", "Ruth Example"),
    ("Agency", "Cambridgeshire Constabulary"),
    ("Role", "Police Constable"),
    ("Email", "ruth.example@cambs.pnn.police.uk"),
    ("Telephone", "0345 456 4564"),
    ("Date of referral", "02/03/2026"),
    ("Victim name", "Vera Victim"),
    ("Date of birth", "14/07/1988"),
    ("Gender", "Female"),
    ("Address", "1 Example Street, Ely"),
    ("Postcode", "CB7 4AA"),
    ("Victim telephone", "07700 900123"),
    ("Safe to contact?", "Yes"),
    ("Safe contact arrangements", "Text first"),
    ("Perpetrator name", "Peter Perp"),
    ("Perpetrator date of birth", "01/01/1980"),
    ("Relationship to victim", "Ex-partner"),
    ("Number of children in household", "2"),
    ("Victim consents to referral?", "Yes"),
    ("Referral based on professional judgement?", "No"),
    ("Reason for referral", "Visible high risk"),
]

# What REFERRAL should come back as.
EXPECTED = {
    "referrer": {
        "name": "Ruth Example",
        "agency": "Cambridgeshire Constabulary",
        "role": "Police Constable",
        "email": "ruth.example@cambs.pnn.police.uk",
        "phone": "0345 456 4564",
    },
    "victim": {
        "name": "Vera Victim",
        "date_of_birth": "1988-07-14",
        "gender": "female",
        "address": "1 Example Street, Ely",
        "postcode": "CB7 4AA",
        "phone": "07700 900123",
        "safe_to_contact": True,
        "safe_contact_notes": "Text first",
    },
    "perpetrator": {
        "name": "Peter Perp",
        "date_of_birth": "1980-01-01",
        "relationship_to_victim": "Ex-partner",
    },
    "children_in_household": 2,
    "consent": "yes",
    "professional_judgement": False,
    "reason_for_referral": "Visible high risk",
}


def answers(pattern: str = "ynd", count: int = 24) -> dict[int, str]:
    """Return answers 1..count cycling through a pattern of y/n/d letters."""
    letters = {"y": "yes", "n": "no", "d": "dont_know"}
    return {n: letters[pattern[(n - 1) % len(pattern)]] for n in range(1, count + 1)}


@dataclass(frozen=True)
class Box:
    """A check box in a Word cell, drawn in one of the ways Word and referrers draw them."""

    style: str  # formcheckbox_checked|formcheckbox_default|sdt|wingdings|shaded|highlight|glyph
    ticked: bool
    word: str = ""  # the option's word, printed in the cell by the "highlight" style


_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
)


def _box_xml(box: Box) -> str:
    on = "1" if box.ticked else "0"
    if box.style.startswith("formcheckbox"):
        state = f'<w:default w:val="{on}"/>'
        if box.style == "formcheckbox_checked":
            state = '<w:default w:val="0"/>' + ("<w:checked/>" if box.ticked else "")
        return (
            '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/>'
            f"<w:enabled/><w:checkBox><w:sizeAuto/>{state}</w:checkBox></w:ffData></w:fldChar>"
            '</w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )
    if box.style == "sdt":
        glyph = "☒" if box.ticked else "☐"
        return (
            f'<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{on}"/></w14:checkbox>'
            f"</w:sdtPr><w:sdtContent><w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"
        )
    if box.style == "wingdings":
        char = "F0FE" if box.ticked else "F0A8"
        return f'<w:r><w:sym w:font="Wingdings" w:char="{char}"/></w:r>'
    return f"<w:r><w:t>{'☒' if box.ticked else '☐'}</w:t></w:r>"


Spec = str | Box


def _fill(cell: Any, spec: Spec) -> None:
    if isinstance(spec, str):
        cell.text = spec
        return
    paragraph = cell.paragraphs[0]._p
    if spec.style == "highlight":  # the option words printed in every cell, one highlighted
        highlight = '<w:rPr><w:highlight w:val="yellow"/></w:rPr>' if spec.ticked else ""
        run = f"<w:r {_NS}>{highlight}<w:t>{escape(spec.word)}</w:t></w:r>"
        paragraph.append(parse_xml(run))
        return
    if spec.style == "shaded":
        if spec.ticked:
            shading = f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FFFF00"/>'
            cell._tc.get_or_add_tcPr().append(parse_xml(shading))
        return
    wrapper = parse_xml(f"<w:p {_NS}>{_box_xml(spec)}</w:p>")
    for child in list(wrapper):
        paragraph.append(child)


def docx_bytes(blocks: list[str | list[list[Spec]]]) -> bytes:
    """Build a .docx from paragraphs (str) and tables (lists of rows of cell specs)."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=max(len(r) for r in block))
        for r, row in enumerate(block):
            for c, spec in enumerate(row):
                _fill(table.cell(r, c), spec)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def checklist_rows(
    given: dict[int, str], style: str = "x", questions: list[str] | None = None
) -> list[list[Spec]]:
    """Return a Q | Question | Yes | No | Don't know table with answers marked in `style`."""
    questions = questions or DASH_QUESTIONS
    if style == "word":
        rows: list[list[Spec]] = [["Q", "Question", "Answer"]]
        for n, q in enumerate(questions, start=1):
            rows.append([str(n), q, WORDS.get(given.get(n, ""), "")])
        return rows
    rows = [["Q", "Question", "Yes", "No", "Don't know"]]
    for n, q in enumerate(questions, start=1):
        rows.append([str(n), q, *(_mark(style, given.get(n) == o, WORDS[o]) for o in OPTIONS)])
    return rows


def _mark(style: str, ticked: bool, word: str = "") -> Spec:
    if style == "x":
        return "X" if ticked else ""
    if style == "tick":
        return "✓" if ticked else ""
    return Box(style, ticked, word)


def referral_docx(
    given: dict[int, str],
    style: str = "x",
    *,
    title: str = "MARAC Referral Form and DASH Risk Checklist",
    referral: list[tuple[str, str]] | None = None,
    questions: list[str] | None = None,
    paragraphs: bool = False,
) -> bytes:
    """Build the usual one-file MARAC referral: details, then the DASH table."""
    pairs = referral if referral is not None else REFERRAL
    details: list[str | list[list[Spec]]] = (
        [f"{label}: {value}" for label, value in pairs]
        if paragraphs
        else [[[label, value] for label, value in pairs]]
    )
    return docx_bytes(
        [
            title,
            *details,
            "DASH Risk Identification Checklist",
            "Date DASH completed: 01/03/2026",
            checklist_rows(given, style, questions),
        ]
    )


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """Return a copy of a zip with one member's content replaced."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info))
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    """Build an .xlsx with one sheet per entry."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf_str(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(
    lines: list[tuple[float, float, str]],
    fields: list[dict[str, Any]] | None = None,
    shaded: list[tuple[float, float, float, float]] | None = None,
) -> bytes:
    """Build a one-page PDF: text at (x, y) in Courier, grey-shaded cells, AcroForm fields.

    A field is {"name", "type": "text"|"box"|"radio", "value"}: a box's value is True/False, a
    radio group's the chosen option's name ("Yes", "DK"). A text field's /TU is its "label".
    """
    fields = fields or []
    cells = " ".join(f"0.8 g {x} {y} {w} {h} re f" for x, y, w, h in shaded or [])
    # One text object per item, as LibreOffice writes one per table cell.
    text = " ".join(f"BT /F1 9 Tf 1 0 0 1 {x} {y} Tm ({_pdf_str(t)}) Tj ET" for x, y, t in lines)
    stream = f"{cells} 0 g {text}"
    first_field = 6
    refs = " ".join(f"{first_field + i} 0 R" for i in range(len(fields)))
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{refs}] >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        f"/Resources << /Font << /F1 5 0 R >> >> /Annots [{refs}] >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    for i, f in enumerate(fields):
        x0, y0 = f.get("at", (400, 800 - 14 * i))  # where the widget sits (its lower left)
        rect = f"[{x0} {y0} {x0 + 10} {y0 + 10}]"
        if f["type"] == "radio":
            objects.append(
                f"<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 49152 /T ({f['name']}) "
                f"/V /{f['value']} /AS /{f['value']} /Rect {rect} /P 3 0 R >>"
            )
        elif f["type"] == "box":
            state = "/Yes" if f["value"] else "/Off"
            objects.append(
                f"<< /Type /Annot /Subtype /Widget /FT /Btn /T ({f['name']}) /V {state} "
                f"/AS {state} /Rect {rect} /P 3 0 R >>"
            )
        else:
            objects.append(
                f"<< /Type /Annot /Subtype /Widget /FT /Tx /T ({f['name']}) "
                f"/TU ({_pdf_str(f.get('label', f['name']))}) /V ({_pdf_str(f['value'])}) "
                f"/Rect {rect} /P 3 0 R >>"
            )
    return _assemble(objects)


def _assemble(objects: list[str]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def flat_pdf_lines(
    given: dict[int, str], questions: list[str] | None = None
) -> list[tuple[float, float, str]]:
    """Lay out a referral and a DASH table as a printed (flattened) form: X marks in columns."""
    questions = questions or DASH_QUESTIONS
    lines: list[tuple[float, float, str]] = [(40, 810, "MARAC Referral Form")]
    y = 790.0
    for label, value in REFERRAL:
        lines += [(40, y, label), (250, y, value)]
        y -= 11
    lines.append((40, y - 6, "DASH Risk Identification Checklist"))
    lines.append((40, y - 17, "Date DASH completed: 01/03/2026"))
    y -= 30
    lines += [(40, y, "Q"), (60, y, "Question"), (420, y, "Yes"), (460, y, "No"), (500, y, "DK")]
    for n, q in enumerate(questions, start=1):
        y -= 11
        lines += [(40, y, str(n)), (60, y, q[:60])]
        if n in given:
            lines.append(({"yes": 422, "no": 462, "dont_know": 502}[given[n]], y, "X"))
    return lines


def email_bytes(
    *,
    body: str = "Please find attached a referral.\n\nRuth Example\nPolice Constable",
    html: str | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    sender: str = "Ruth Example <ruth.example@cambs.pnn.police.uk>",
    subject: str = "OFFICIAL-SENSITIVE: MARAC referral - V. Victim",
    headers: dict[str, str] | None = None,
) -> bytes:
    """Build an RFC 822 message with a text (and HTML) body and attachments."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "MARAC referrals <marac.referrals@example.org.uk>"
    msg["Subject"] = subject
    msg["Message-ID"] = "<fixture.1@example.org.uk>"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, data, ctype in attachments or []:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def odt_bytes(blocks: list[str | list[list[str]]]) -> bytes:
    """Build a minimal OpenDocument text from paragraphs and tables of plain-text cells."""
    body = []
    for block in blocks:
        if isinstance(block, str):
            body.append(f"<text:p>{escape(block)}</text:p>")
            continue
        rows = "".join(
            "<table:table-row>"
            + "".join(
                f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>" for c in row
            )
            + "</table:table-row>"
            for row in block
        )
        body.append(f"<table:table>{rows}</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
        f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as odt:
        odt.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        odt.writestr("content.xml", content)
    return out.getvalue()


def tnef_bytes(files: list[tuple[str, bytes]]) -> bytes:
    """Build a minimal winmail.dat (TNEF) carrying the given files."""

    def attribute(level: int, kind: int, data: bytes) -> bytes:
        return (
            struct.pack("<BII", level, kind, len(data))
            + data
            + struct.pack("<H", sum(data) & 0xFFFF)
        )

    blob = struct.pack("<IH", 0x223E9F78, 1) + attribute(1, 0x89006, struct.pack("<I", 0x10000))
    for name, data in files:
        blob += attribute(2, 0x69002, b"\x00" * 14)  # attAttachRendData starts an attachment
        blob += attribute(2, 0x18010, name.encode("latin-1") + b"\x00")
        blob += attribute(2, 0x6800F, data)
    return blob


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_attachment(name: str, data: bytes, ctype: str = DOCX_TYPE, **kw: Any) -> dict[str, Any]:
    """Parse a message carrying one attachment and return its record."""
    from mailbox.parse import parse_message

    return parse_message(email_bytes(attachments=[(name, data, ctype)]), **kw)


def expected_answers(given: dict[int, str]) -> dict[str, str | None]:
    """Return DASH answers as the record gives them."""
    return {str(n): given.get(n) for n in range(1, 25)}
