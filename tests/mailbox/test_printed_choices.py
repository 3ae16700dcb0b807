"""A form that prints every choice ("Yes / No / Don't know") is never read as its first choice.

Found by the widened generator (issue 12, item 4): a checklist whose answer cell prints the
choices, the picked one only in bold, was scored 24 when 8 answers were Yes, and unflagged; so
was the same checklist pasted as text ("3. Question? Yes / No / Don't know"). Word's bold is
read; text, where the pick is lost, lists every answer for review.
"""

import io
from typing import Any

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from mailbox.parse import parse
from mailbox.values import answer_word, lists_options, read_yes_no
from tests.mailbox.builders import DASH_QUESTIONS, DOCX_TYPE, REFERRAL, email_bytes

WORDS = {"yes": "Yes", "no": "No", "dont_know": "Don't know"}
GIVEN = [("yes", "no", "dont_know")[(n * 5) % 3] for n in range(len(DASH_QUESTIONS))]


@pytest.mark.parametrize(
    "text", ["Yes / No / Don't know", "Yes No Don't know", "Y | N", "No/Yes", "yes, no", "N / DK"]
)
def test_printed_choices_are_no_answer(text: str) -> None:
    assert lists_options(text)
    assert answer_word(text) is None
    assert read_yes_no(text) == (None, True)


@pytest.mark.parametrize("text", ["Yes – he has a knife", "No.", "Don't know – not asked", "Y"])
def test_an_answer_with_its_note_is_still_an_answer(text: str) -> None:
    assert not lists_options(text)
    assert answer_word(text) is not None


def _docx(emphasis: str | None) -> bytes:
    document = docx.Document()
    document.add_paragraph("MARAC Referral Form")
    details = document.add_table(rows=len(REFERRAL), cols=2)
    for r, (label, value) in enumerate(REFERRAL):
        details.cell(r, 0).text, details.cell(r, 1).text = label, value
    document.add_paragraph("DASH Risk Identification Checklist")
    table = document.add_table(rows=1, cols=3)
    for cell, word in zip(table.rows[0].cells, ("Q", "Question", "Answer"), strict=True):
        cell.text = word
    for n, (question, answer) in enumerate(zip(DASH_QUESTIONS, GIVEN, strict=True), start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(n), question
        paragraph = cells[2].paragraphs[0]
        for k, (value, word) in enumerate(WORDS.items()):
            run = paragraph.add_run(word)
            if value == answer and emphasis == "bold":
                run.bold = True
            elif value == answer and emphasis == "highlight":
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            if k < 2:
                paragraph.add_run(" / ")
    out = io.BytesIO()
    document.save(out)
    return email_bytes(attachments=[("MARAC referral.docx", out.getvalue(), DOCX_TYPE)])


def _dash(raw: bytes) -> tuple[dict[str, Any], list[str]]:
    record = parse(raw).record
    return (record["referral"] or {}).get("dash") or {}, record["needs_review"]


@pytest.mark.parametrize("emphasis", ["bold", "highlight"])
def test_the_choice_picked_out_in_a_word_cell_is_read(emphasis: str) -> None:
    dash, review = _dash(_docx(emphasis))
    expected = {str(n): a for n, a in enumerate(GIVEN, start=1)}
    assert dash["answers"] == expected
    assert not [path for path in review if path.startswith("dash.answers") or path == "dash.score"]
    assert dash["score"] == GIVEN.count("yes")


def test_printed_choices_none_picked_are_all_listed() -> None:
    dash, review = _dash(_docx(None))
    assert all(v is None for v in dash["answers"].values())
    assert {f"dash.answers.{n}" for n in range(1, 25)} <= set(review)


def test_printed_choices_pasted_as_text_are_all_listed() -> None:
    lines = [f"{label}: {value}" for label, value in REFERRAL] + ["", "DASH risk checklist"]
    lines += [f"{n}. {q} Yes / No / Don't know" for n, q in enumerate(DASH_QUESTIONS, start=1)]
    dash, review = _dash(email_bytes(body="\n".join(lines)))
    assert all(v is None for v in dash["answers"].values())
    assert {f"dash.answers.{n}" for n in range(1, 25)} <= set(review)
    assert dash.get("score") is None or "dash.score" in review
