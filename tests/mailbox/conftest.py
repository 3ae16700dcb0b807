"""Fixtures shared by the PDF reader's sameness tests."""

from __future__ import annotations

import pytest

from mailbox import legacy
from tests.mailbox.builders import answers, flat_pdf_lines, pdf_bytes
from tests.mailbox.generated.cases import libreoffice_pdfs
from tests.mailbox.generated.pdf import fields_pdf, flat_pdf
from tests.mailbox.generated.render import docx_form
from tests.mailbox.generated.spec import cases


def _pdfs() -> list[bytes]:
    made = cases(4242, 6, "pdf")
    return [
        pdf_bytes(flat_pdf_lines(answers("yndy"))),
        pdf_bytes([(40, 800, "Shaded (cell) \\ form")], shaded=[(300, 700, 20, 12)]),
        *(flat_pdf(case) for case in made[:3]),
        *(fields_pdf(case) for case in made[3:]),
    ]


@pytest.fixture(scope="session")
def producer_pdfs() -> list[bytes]:
    """Generated forms from reportlab, and one Word form printed to PDF by LibreOffice."""
    case = cases(77, 1, "docx")[0]
    return [*_pdfs(), legacy.convert(docx_form(case), "docx", "pdf")]


@pytest.fixture(scope="session")
def libreoffice_forms() -> list[bytes]:
    """Word forms of several layouts and tick styles, printed to PDF by LibreOffice in one run."""
    return list(libreoffice_pdfs(cases(1206, 8, "pdf_lo")).values())
