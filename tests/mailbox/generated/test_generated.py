"""Property: for every generated checklist message, each answer and the score is right or listed.

The generator (spec, layouts, render, pdf) lays the DASH, ACPO 27 and S-DASH out in every tick
style, column order, wording, table shape and format; a fixed-seed slice runs here, and
benchmarks/read_sweep.py runs a large sweep. A wrong value missing from needs_review fails.
"""

import pytest

from mailbox.checklist import find_checklists
from mailbox.grid import Cell as GridCell
from mailbox.grid import Document, Row
from tests.mailbox.builders import PARAPHRASED
from tests.mailbox.generated.cases import Verdict, read_all
from tests.mailbox.generated.spec import FORMATS, WORDINGS, Case, cases

SEED = 2026
PER_FORMAT = 4  # small: CI time; the sweep covers thousands


def _slice() -> list[Case]:
    return [c for fmt in FORMATS for c in cases(SEED, PER_FORMAT, fmt)]


@pytest.fixture(scope="module")
def everything() -> list[Verdict]:
    # One reading of the slice and the named layouts below: LibreOffice starts once.
    return read_all(_slice() + ONCE_WRONG + WIDER + UNPICKED)


@pytest.fixture(scope="module")
def verdicts(everything: list[Verdict]) -> list[Verdict]:
    return everything[: len(_slice())]


def test_never_wrong_and_quiet(verdicts: list[Verdict]) -> None:
    silent = {v.case.name: v.silent for v in verdicts if v.silent}
    assert silent == {}


def test_every_format_is_mostly_read_right(verdicts: list[Verdict]) -> None:
    checked = sum(len(v.right) + len(v.flagged) + len(v.silent) for v in verdicts)
    right = sum(len(v.right) for v in verdicts)
    assert right / checked > 0.8, f"{right} of {checked} values right"
    assert {v.case.format for v in verdicts} == set(FORMATS)


def test_the_generator_is_deterministic() -> None:
    assert cases(SEED, 5) == cases(SEED, 5)
    assert cases(SEED, 5) != cases(SEED + 1, 5)


def _case(
    fmt: str, wording: str, tick: str, columns: str, shape: str = "one", seed: int = 0
) -> Case:
    n = len(WORDINGS[wording])
    given = tuple(("yes", "no", "dont_know")[(i * 7) % 3] for i in range(n))
    return Case(seed, wording, tick, columns, shape, fmt, given)


# Layouts that were once read wrong; each must now be read right, not merely flagged.
ONCE_WRONG = [
    _case("docx", "you", "highlight", "# q Y N D", "split_bare"),  # 2nd table has no heading
    _case("docx", "you", "bold", "Y N D q"),  # the chosen word in bold
    _case("body_compact", "acpo", "field", "# q Y N D", seed=1),  # 'Q01 [Y]', ACPO numbering
    _case("body_compact", "published", "field", "# q Y N D", seed=0),  # with the words
    _case("body_plain", "you", "■", "q Y N D"),  # unnumbered questions wrap onto a 2nd line
    _case("body_plain", "published", "x", "# q D Y N"),  # "Police Constable" signed below
    _case("body_8bit", "sdash_you", "■", "q Y N D"),  # cp1252, wrapped, one unanswered
    _case("pdf_flat", "acpo", "x", "# q N Y D c", "merged"),
    _case("xlsx", "published", "X", "Y N D q", seed=1),  # referral block beside the answers
    _case("xlsx", "you", "code", "# q a", seed=2),  # the checklist on a sheet of its own
    _case("xlsx", "you", "code", "# q a", seed=1),  # answers 1/2/3, explained by a drop-down list
    _case("xlsx", "published", "code", "q a", seed=5),  # the same on a sheet of its own
    _case("pdf_fields", "you", "field", "# q Y N D", seed=3),  # boxes named "Check Box17"
    _case("pdf_fields", "acpo", "field", "# q Y N D", seed=7),  # the same on the ACPO 27
    _case("pdf_lo", "sdash_you", "bold", "# q N Y D c", seed=1),  # the chosen word in bold
    _case("pdf_lo", "sdash", "shaded", "# q Y N D c", "split"),  # shaded cells over pages
    # A merged "Risk factor | Answer" row over the heading, the answers on the pages after it.
    _case("pdf_lo", "you", "highlight", "# q N Y D c", "merged", seed=187),
    # The same on the ACPO 27, a long question's shaded cell most of a page tall.
    _case("pdf_lo", "acpo", "shaded", "# q Y N D c", "merged", seed=192),
    # No question numbers: a bold word or a shaded cell is placed on its row by the row's words.
    _case("pdf_lo", "sdash", "bold", "q D N Y c", seed=177),
    _case("pdf_lo", "sdash_you", "shaded", "q Y N D", "split_bare", seed=417),
    # "Yes / No / **Don't** know" printed in one cell, the pick in a bold font in the PDF.
    _case("pdf_lo", "acpo", "printed", "# q a c", "split", seed=26),
    _case("pdf_lo", "you", "printed", "q a", "split", seed=124),
    # Word's legacy check boxes, which LibreOffice draws as a square and a cross: no text mark.
    _case("pdf_lo", "you", "formcheckbox_checked", "# q Y N D c", seed=258),
    # Unnumbered, in a narrow column: "Perp | x", then "drug/alcohol/" and "MH issues?" below.
    _case("pdf_lo", "paraphrased", "x", "q D N Y c", "sections", seed=328),
]


def test_layouts_once_read_wrong(everything: list[Verdict]) -> None:
    named = everything[len(_slice()) : len(_slice()) + len(ONCE_WRONG)]
    assert {v.case.name: v.flagged + v.silent for v in named if not v.all_right} == {}


# Layouts the generator gained later (issue 12, item 4), each named so CI reads every one: the
# answer columns in other orders under Y / N / DK headings, section headings inside the table
# (the ACPO form's "Current situation", "Abuser(s)"), and a checklist pasted as "• Q1. … Yes"
# lines with the bullets word processors and web pages leave behind.
WIDER = [
    _case("docx", "acpo", "formcheckbox_checked", "# q N D Y", "sections"),
    _case("docx", "published", "x", "q D N Y c", "sections", seed=1),
    _case("pdf_lo", "acpo", "☒", "q D N Y c", "sections", seed=101),  # a seed no other pdf_lo has
    _case("pdf_flat", "acpo", "x", "# q N D Y", "sections", seed=1),
    _case("xlsx", "you", "X", "q D N Y c", "sections"),
    _case("body_html", "paraphrased", "✓", "# q N D Y", "sections", seed=1),
    _case("body_plain", "published", "Y", "# q N D Y", seed=1),
    *(_case("body_qlines", "you", "word", "# q a", seed=s) for s in range(11)),
    *(_case("body_qlines", w, "code", "# q a", seed=s) for s, w in enumerate(WORDINGS)),
    _case("docx", "published", "printed", "# q a"),  # "Yes / **No** / Don't know" in one cell
    _case("docx_two", "sdash", "printed", "q a c", seed=1),
    _case("xlsx", "published", "TRUE", "# q N D Y"),  # a check box control's linked cells
    _case("xlsx", "acpo", "1", "q D N Y c", seed=1),  # 1 and 0 typed in the answer columns
]
# Every choice printed, the pick lost with the bold (text, a spreadsheet, a PDF's text layer; an
# HTML mail keeps it, and is read like Word):
# once read as the first choice, Yes, and scored 24; now every answer is listed for review.
UNPICKED = [
    _case(fmt, "published", "printed", columns)
    for fmt, columns in (("body_plain", "# q a"), ("body_8bit", "q a c"), ("xlsx", "# q a"))
] + [_case("pdf_flat", "acpo", "printed", "# q a c", seed=1)]


def test_wider_layouts_are_read_right(everything: list[Verdict]) -> None:
    named = everything[len(_slice()) + len(ONCE_WRONG) :][: len(WIDER)]
    assert [v.case.name for v in named] == [c.name for c in WIDER]
    assert {v.case.name: v.flagged + v.silent for v in named if not v.all_right} == {}


def test_a_numbered_row_whose_words_read_like_a_label_is_still_a_question() -> None:
    # A word processor wrapped "Perp drug/alcohol/MH issues?" in a narrow column: "Perp" alone
    # reads like the perpetrator's name label, and its wrapped lines must not join question 20.
    lines = [["Q", "Question", "Yes", "No", "DK"]]
    for n, question in enumerate(PARAPHRASED, start=1):
        if n == 21:
            lines += [["21", "Perp", "", "", "X"], ["", "drug/alcohol/"], ["", "MH issues?"]]
        else:
            lines.append([str(n), question, "", "X", ""])
    rows = [
        Row(tuple(GridCell(t, float(x)) for x, t in enumerate(line) if t), f"p line {n}")
        for n, line in enumerate(lines, start=1)
    ]
    (checklist,), _ = find_checklists(Document("p", rows))
    assert (checklist.answers["20"].value, checklist.answers["21"].value) == ("no", "dont_know")
    assert not checklist.answers["20"].doubt and not checklist.answers["21"].doubt


def test_printed_choices_without_the_pick_are_listed(everything: list[Verdict]) -> None:
    named = everything[-len(UNPICKED) :]
    assert [v.case.name for v in named] == [c.name for c in UNPICKED]
    assert {v.case.name: v.silent for v in named if v.silent} == {}
    assert all(not v.right or v.right == ["dash.score"] for v in named)  # nothing guessed
