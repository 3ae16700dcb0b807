"""Render a case as the raw email a referrer sends: Word, Excel, bodies and hand-written PDFs."""

from __future__ import annotations

import io
import textwrap
from email.message import EmailMessage
from typing import Any

import docx
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tests.mailbox.builders import (
    DOCX_TYPE,
    REFERRAL,
    XLSX_TYPE,
    Box,
    _fill,
    email_bytes,
    pdf_bytes,
)
from tests.mailbox.generated.layouts import (
    CODE,
    OPTION,
    SPAN,
    WORD,
    Cell,
    Table,
    Tick,
    tables,
    text_tick,
    title,
)
from tests.mailbox.generated.pdf import fields_pdf, flat_pdf
from tests.mailbox.generated.spec import Case

FORM_TITLE = "MARAC Referral Form"
WRAP = 60  # a plain-text table wraps its questions at this width
COMPLETED = "Date completed: 01/03/2026"


def _spans(row: list[Cell]) -> list[tuple[Cell, int]]:
    """Group a row's repeated neighbouring headings into one merged cell each."""
    out: list[tuple[Cell, int]] = []
    for cell in row:
        if out and cell == SPAN:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((cell, 1))
    return out


def flat(row: list[Cell]) -> list[str]:
    """Return a row as text cells, a merged heading written once."""
    cells: list[str] = []
    for cell, span in _spans(row):
        cells += [cell if isinstance(cell, str) else text_tick(cell)] + [""] * (span - 1)
    return cells


# --- Word ---------------------------------------------------------------------------------------
def _docx_mark(tick: Tick) -> Any:
    if tick.style in ("formcheckbox_checked", "sdt", "wingdings", "shaded", "highlight"):
        return Box(tick.style, tick.ticked, tick.word)
    return None


def _put(cell: Any, value: Cell) -> None:
    if isinstance(value, str):
        cell.text = value
    elif (box := _docx_mark(value)) is not None:
        _fill(cell, box)
    elif value.style == "bold":  # every option printed, the chosen one in bold
        run = cell.paragraphs[0].add_run(value.word)
        run.bold = value.ticked
    elif value.style == "printed":  # "Yes / **No** / Don't know" in one cell
        for k, word in enumerate(WORD.values()):
            run = cell.paragraphs[0].add_run(word)
            run.bold = word == value.word
            if k < len(WORD) - 1:
                cell.paragraphs[0].add_run(" / ")
    else:
        cell.text = text_tick(value)


def _docx_table(document: Any, table: Table) -> None:
    width = max(len(r) for r in table)
    grid = document.add_table(rows=len(table), cols=width)
    for r, row in enumerate(table):
        c = 0
        for value, span in _spans(row):
            cell = grid.cell(r, c)
            if span > 1:
                cell = cell.merge(grid.cell(r, c + span - 1))
            _put(cell, value)
            c += span


def docx_form(case: Case, details: bool = True, checklist: bool = True) -> bytes:
    """Return the referral as a Word document: details table, heading, checklist table(s)."""
    document = docx.Document()
    document.add_paragraph(FORM_TITLE if details else "")
    if details:
        grid = document.add_table(rows=len(REFERRAL), cols=2)
        for r, (label, value) in enumerate(REFERRAL):
            grid.cell(r, 0).text, grid.cell(r, 1).text = label, value
    if checklist:
        _docx_checklist(document, case)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_checklist(document: Any, case: Case) -> None:
    if case.shape != "merged":
        document.add_paragraph(title(case))
    if case.instrument == "dash":
        document.add_paragraph(COMPLETED)
    for table in tables(case):
        _docx_table(document, table)
        document.add_paragraph("")


# --- Excel --------------------------------------------------------------------------------------
def _checklist_rows(case: Case) -> list[list[Any]]:
    rows: list[list[Any]] = [[title(case)]]
    if case.instrument == "dash":
        rows.append([COMPLETED])
    for table in tables(case):
        rows += [flat(row) for row in table]
    return rows


def xlsx_form(case: Case) -> bytes:
    """Return the referral as a workbook: the checklist below the details, beside them (from
    column D), or on a sheet of its own, as the case's seed picks.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "Referral"
    details: list[list[Any]] = [[label, value] for label, value in REFERRAL]
    checklist = _checklist_rows(case)
    if case.tick in ("TRUE", "1"):  # what Excel stores: booleans and numbers, not their text
        checklist = [[CELL_VALUES.get(c, c) for c in row] for row in checklist]
    where = case.seed % 3
    if where == 0:
        for row in [*details, [], *checklist]:
            sheet.append(row)
    elif where == 1:  # the referral block beside the answers
        for i in range(max(len(details), len(checklist))):
            left = details[i] if i < len(details) else ["", ""]
            sheet.append([*left, None, *(checklist[i] if i < len(checklist) else [])])
    else:
        for row in details:
            sheet.append(row)
        other = book.create_sheet("DASH" if case.instrument == "dash" else "S-DASH")
        for row in checklist:
            other.append(row)
    if case.tick == "code" and case.seed % 2:
        _numeric_codes(book.worksheets[-1], case, first=4 if where == 1 else 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NUMERIC = {"Y": 1, "N": 2, "DK": 3}
CELL_VALUES: dict[Any, Any] = {"TRUE": True, "FALSE": False, "1": 1, "0": 0}


def _numeric_codes(sheet: Any, case: Case, first: int) -> None:
    """Answer with numbers that only the column's drop-down list explains ("1 - Yes")."""
    column = get_column_letter(first + case.columns.split().index("a"))
    for (cell,) in sheet[f"{column}1:{column}{sheet.max_row}"]:
        if cell.value in NUMERIC:
            cell.value = NUMERIC[cell.value]
    codes = DataValidation(type="list", formula1='"1 - Yes,2 - No,3 - Don\'t know"')
    sheet.add_data_validation(codes)
    codes.add(f"{column}1:{column}{sheet.max_row}")


# --- Bodies -------------------------------------------------------------------------------------
def _details_lines() -> list[str]:
    return [f"{label}: {value}" for label, value in REFERRAL]


def fixed_width(table: Table) -> list[str]:
    """Lay a table out in fixed-width columns, as a plain-text email or a report does.

    A long question wraps onto the lines below in its own column; a title row is one line.
    """
    lines = [str(row[0]) for row in table if all(c == SPAN for c in row[1:])]
    texts = [[textwrap.wrap(c, WRAP) or [""] for c in flat(row)] for row in table]
    texts = [r for r, row in zip(texts, table, strict=True) if not all(c == SPAN for c in row[1:])]
    widths = [max(len(part) for r in texts for part in r[i]) for i in range(len(texts[0]))]
    for row in texts:
        for k in range(max(len(parts) for parts in row)):
            cells = [
                (p[k] if k < len(p) else "").ljust(w) for p, w in zip(row, widths, strict=True)
            ]
            lines.append("   ".join(cells).rstrip())
    return lines


def plain_body(case: Case) -> str:
    """Return the referral typed into a plain-text body, the checklist in columns."""
    lines = ["Please accept this MARAC referral.", "", *_details_lines(), "", title(case)]
    if case.instrument == "dash":
        lines.append(COMPLETED)
    for table in tables(case):
        lines += ["", *fixed_width(table)]
    return "\n".join([*lines, "", "Ruth Example", "Police Constable"])


def compact_body(case: Case) -> str:
    """Return the checklist as a compact 'Q01 [Y]' list, with or without the question words."""
    lines = ["Please accept this MARAC referral.", "", *_details_lines(), "", title(case)]
    if case.instrument == "dash":
        lines.append(COMPLETED)
    with_words = case.seed % 2 == 0
    for n, (q, a) in enumerate(zip(case.questions, case.given, strict=True), start=1):
        code = CODE[a] if a else " "
        lines.append(f"Q{n:02d} [{code}]" + (f" {q}" if with_words else ""))
    return "\n".join([*lines, "", "Ruth Example"])


# What a word processor's or a web page's list items turn into when pasted into an email.
BULLETS = ("•", "-", "*", "o", "▪", "➢", "\uf0b7", "·", "", "–", "→")
NUMBERS = ("Q{n}.", "Q{n}", "{n}.", "{n})", "Q{n:02d}:")
SEPARATORS = (" ", " - ", " – ", ": ")


def qlines_body(case: Case) -> str:
    """Return the checklist pasted as one line per question: "• Q1. Question? Yes"."""
    lines = ["Please accept this MARAC referral.", "", *_details_lines(), "", title(case)]
    if case.instrument == "dash":
        lines.append(COMPLETED)
    bullet = BULLETS[case.seed % len(BULLETS)]
    number = NUMBERS[case.seed // 7 % len(NUMBERS)]
    separator = SEPARATORS[case.seed // 3 % len(SEPARATORS)]
    words = WORD if case.tick == "word" else CODE
    for n, (q, a) in enumerate(zip(case.questions, case.given, strict=True), start=1):
        answer = f"{separator}{words[a]}" if a else ""
        lines.append(f"{bullet} {number.format(n=n)} {q}{answer}".strip())
    return "\n".join([*lines, "", "Ruth Example", "Police Constable"])


def _html_cell(cell: Cell) -> str:
    if isinstance(cell, str):
        return cell
    if cell.style == "printed":  # a Word table pasted into a mail keeps the pick's bold
        return " / ".join(f"<b>{w}</b>" if w == cell.word else w for w in WORD.values())
    return text_tick(cell)


def html_body(case: Case) -> str:
    """Return the referral as an HTML-only body with the checklist as tables."""
    parts = ["<p>Please accept this MARAC referral.</p>"]
    parts += [f"<p>{label}: {value}</p>" for label, value in REFERRAL]
    parts.append(f"<h2>{title(case)}</h2>")
    if case.instrument == "dash":
        parts.append(f"<p>{COMPLETED}</p>")
    for table in tables(case):
        rows = "".join(
            "<tr>"
            + "".join(f'<td colspan="{span}">{_html_cell(cell)}</td>' for cell, span in _spans(row))
            + "</tr>"
            for row in table
        )
        parts.append(f"<table>{rows}</table>")
    return "<html><body>" + "".join(parts) + "<p>Ruth Example</p></body></html>"


def _mail(
    body: str | None = None, html: str | None = None, charset: str = "utf-8", **kw: Any
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ruth Example <ruth.example@cambs.pnn.police.uk>"
    msg["To"] = "MARAC referrals <marac.referrals@example.org.uk>"
    msg["Subject"] = "OFFICIAL-SENSITIVE: MARAC referral"
    msg["Message-ID"] = "<generated.1@example.org.uk>"
    if html is not None:
        msg.set_content(html, subtype="html", charset=charset)
    else:
        msg.set_content(body or "", charset=charset, cte="8bit" if charset != "utf-8" else None)
    return msg.as_bytes()


LATIN = str.maketrans({"✓": "x", "✔": "x", "☒": "X", "☐": " ", "■": "X", "●": "X", "○": " "})


def message(case: Case, lo_pdf: bytes | None = None) -> bytes:
    """Return the raw email for a case (`lo_pdf`: the LibreOffice rendering, for pdf_lo)."""
    fmt = case.format
    if fmt == "docx":
        return email_bytes(attachments=[("MARAC referral.docx", docx_form(case), DOCX_TYPE)])
    if fmt == "docx_two":  # the MARAC form and the checklist as two attachments
        form = docx_form(case, checklist=False)
        checklist = docx_form(case, details=False)
        return email_bytes(
            attachments=[
                ("MARAC referral form.docx", form, DOCX_TYPE),
                ("DASH.docx", checklist, DOCX_TYPE),
            ]
        )
    if fmt == "xlsx":
        return email_bytes(attachments=[("referral.xlsx", xlsx_form(case), XLSX_TYPE)])
    if fmt == "body_plain":
        return _mail(plain_body(case))
    if fmt == "body_compact":
        return _mail(compact_body(case))
    if fmt == "body_qlines":
        return _mail(qlines_body(case))
    if fmt == "body_8bit":
        return _mail(plain_body(case).translate(LATIN).replace("'", "\u2019"), charset="cp1252")
    if fmt == "body_html":
        return _mail(html=html_body(case))
    if fmt == "pdf_flat":
        data = flat_pdf(case)
    elif fmt in ("pdf_fields", "pdf_radio"):
        data = fields_pdf(case)
    else:
        assert lo_pdf is not None, "pdf_lo cases need their LibreOffice rendering"
        data = lo_pdf
    return email_bytes(attachments=[("referral.pdf", data, "application/pdf")])


__all__ = ["OPTION", "message", "pdf_bytes"]
