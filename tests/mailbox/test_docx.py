"""Word referrals: every way of ticking a box, tables or paragraphs, paraphrased or ACPO forms."""

import io
import random
import zipfile

import docx
import pytest

from mailbox.parse import parse_message
from tests.mailbox.builders import (
    ACPO_QUESTIONS,
    DASH_QUESTIONS,
    DOCX_TYPE,
    EXPECTED,
    PARAPHRASED,
    REFERRAL,
    WORDS,
    Box,
    Spec,
    answers,
    checklist_rows,
    docx_bytes,
    email_bytes,
    expected_answers,
    parse_attachment,
    referral_docx,
    replace_member,
)

STYLES = [
    "x",
    "tick",
    "glyph",
    "formcheckbox_checked",
    "formcheckbox_default",
    "sdt",
    "wingdings",
    "shaded",
    "highlight",
    "word",
]


@pytest.mark.parametrize("style", STYLES)
def test_every_tick_style_reads_every_answer(style: str) -> None:
    given = answers("ynd")
    record = parse_attachment("MARAC referral.docx", referral_docx(given, style))
    assert record["disposition"] == "referral"
    dash = record["referral"]["dash"]
    assert dash["answers"] == expected_answers(given)
    assert dash["score"] == sum(1 for a in given.values() if a == "yes")
    assert dash["completed_date"] == "2026-03-01"
    assert record["needs_review"] == []


@pytest.mark.parametrize("paragraphs", [False, True])
def test_referral_details_in_a_table_or_in_paragraphs(paragraphs: bool) -> None:
    record = parse_attachment("r.docx", referral_docx(answers("y"), paragraphs=paragraphs))
    referral = record["referral"]
    assert referral["pathway"] == "marac"
    for key, value in EXPECTED.items():
        assert referral[key] == value, key


def _stacked_details(breaks: bool) -> bytes:
    """Every detail typed into one table cell, a 'Label: value' line each (Shift+Enter or Enter)."""
    lines = [f"{label}: {value}" for label, value in REFERRAL]
    document = docx.Document()
    document.add_paragraph("MARAC referral")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    if breaks:
        cell.text = "\n".join(lines)  # python-docx writes line breaks (w:br) for "\n"
    else:
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    document.add_paragraph("DASH Risk Identification Checklist")
    rows = checklist_rows(answers("y"))
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = str(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("breaks", [True, False])
def test_details_stacked_in_one_cell_are_read_line_by_line(breaks: bool) -> None:
    record = parse_attachment("r.docx", _stacked_details(breaks))
    referral = record["referral"]
    for key, value in EXPECTED.items():
        assert referral[key] == value, key
    assert referral["dash"]["answers"] == expected_answers(answers("y"))
    assert not [p for p in record["needs_review"] if not p.startswith("dash.completed")]


def test_a_plain_line_in_a_stacked_cell_carries_on_the_value_above_a_heading_does_not() -> None:
    lines = ["Victim name: Vera Victim", "Address: 1 Example Street", "Ely", "Postcode: CB7 4AA"]
    lines += ["Perpetrator details", "Perpetrator name: Peter Perp", "Date of birth: 01/01/1980"]
    form = docx_bytes([[["\n".join(lines)]], "DASH", checklist_rows(answers("y"))])
    referral = parse_attachment("r.docx", form)["referral"]
    assert referral["victim"]["address"] == "1 Example Street, Ely"
    assert referral["victim"]["postcode"] == "CB7 4AA"
    assert referral["perpetrator"]["name"] == "Peter Perp"


def test_paraphrased_questions_are_matched_by_meaning() -> None:
    given = answers("yynd")
    record = parse_attachment("r.docx", referral_docx(given, "x", questions=PARAPHRASED))
    assert record["referral"]["dash"]["answers"] == expected_answers(given)
    assert record["needs_review"] == []


def test_acpo_27_question_form_maps_onto_the_24() -> None:
    given27 = answers("yndyn", 27)
    record = parse_attachment("r.docx", referral_docx(given27, "x", questions=ACPO_QUESTIONS))
    skipped = [a for n, a in given27.items() if n not in (10, 11, 12)]
    expected = {str(n): a for n, a in enumerate(skipped, start=1)}
    assert record["referral"]["dash"]["answers"] == expected
    assert record["needs_review"] == []


def test_questions_in_another_order_are_matched_by_meaning_and_flagged() -> None:
    order = list(range(24))
    random.Random(7).shuffle(order)
    given = answers("ynnd")
    shuffled = {row + 1: given[order[row] + 1] for row in range(24)}
    questions = [DASH_QUESTIONS[i] for i in order]
    record = parse_attachment("r.docx", referral_docx(shuffled, "x", questions=questions))
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_unanswered_and_double_ticked_questions_are_null_and_listed() -> None:
    given = answers("y")
    del given[5]
    docx = referral_docx(given, "x")
    record = parse_attachment("r.docx", docx)
    assert record["referral"]["dash"]["answers"]["5"] is None
    assert {"dash.answers.5", "dash.score"} <= set(record["needs_review"])


def test_score_typed_on_the_form_is_never_trusted() -> None:
    rows = [["Q", "Question", "Yes", "No", "Don't know"]]
    rows += [[str(n), q, "X", "", ""] for n, q in enumerate(DASH_QUESTIONS[:3], start=1)]
    rows += [[str(n), q, "", "X", ""] for n, q in enumerate(DASH_QUESTIONS[3:], start=4)]
    data = docx_bytes(["MARAC referral", [list(p) for p in REFERRAL], rows, "Total score: 20"])
    record = parse_attachment("r.docx", data)
    assert record["referral"]["dash"]["score"] == 3


def test_stalking_form_with_screening_questions_only() -> None:
    rows = [["Q", "Question", "Yes", "No", "Don't know"]]
    rows += [[str(n), q, "X", "", ""] for n, q in enumerate(_sdash(), start=1)]
    data = docx_bytes(
        ["Stalking & Harassment Referral Form", [list(p) for p in REFERRAL], "S-DASH", rows]
    )
    referral = parse_attachment("s.docx", data)["referral"]
    assert referral["pathway"] == "stalking_idva"
    assert referral["dash"] is None
    assert referral["stalking_screen"]["answers"] == {str(n): "yes" for n in range(1, 12)}


def _sdash() -> list[str]:
    from tests.mailbox.builders import SDASH_QUESTIONS

    return SDASH_QUESTIONS


def test_four_column_details_table() -> None:
    pairs = REFERRAL
    rows = [
        [pairs[i][0], pairs[i][1], pairs[i + 1][0], pairs[i + 1][1]]
        for i in range(0, len(pairs) - 1, 2)
    ]
    data = docx_bytes(["MARAC referral form", rows])
    referral = parse_attachment("r.docx", data)["referral"]
    assert referral["victim"]["name"] == "Vera Victim"
    assert referral["referrer"]["email"] == "ruth.example@cambs.pnn.police.uk"
    assert referral["perpetrator"]["relationship_to_victim"] == "Ex-partner"


def test_blank_details_are_null_and_listed() -> None:
    pairs = [(label, "" if label == "Date of birth" else value) for label, value in REFERRAL]
    record = parse_attachment("r.docx", referral_docx(answers("y"), referral=pairs))
    assert record["referral"]["victim"]["date_of_birth"] is None
    assert "victim.date_of_birth" in record["needs_review"]


def test_doubtful_values_are_given_and_listed() -> None:
    pairs = [(k, "14/07/88" if k == "Date of birth" else v) for k, v in REFERRAL]
    record = parse_attachment("r.docx", referral_docx(answers("y"), referral=pairs))
    assert record["referral"]["victim"]["date_of_birth"] == "1988-07-14"
    assert "victim.date_of_birth" in record["needs_review"]


def test_name_given_as_first_name_and_surname_is_joined() -> None:
    pairs = [(k, v) for k, v in REFERRAL if k != "Victim name"]
    pairs[6:6] = [("Victim first name", "Vera"), ("Surname", "Victim")]
    record = parse_attachment("r.docx", referral_docx(answers("y"), referral=pairs))
    assert record["referral"]["victim"]["name"] == "Vera Victim"
    assert record["referral"]["perpetrator"]["name"] == "Peter Perp"


def test_checklist_header_with_other_column_titles() -> None:
    given = answers("ny")
    rows: list[list[Spec]] = [["Q no.", "Risk factor", "Y", "N", "Not known", "Source of info"]]
    rows += [
        [str(n), q, *("✔" if given[n] == o else "" for o in ("yes", "no", "dont_know")), ""]
        for n, q in enumerate(DASH_QUESTIONS, start=1)
    ]
    data = docx_bytes(["MARAC referral", [list(p) for p in REFERRAL], rows])
    record = parse_attachment("r.docx", data)
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_labels_over_values_table() -> None:
    rows: list[list[Spec]] = [
        ["Victim name", "Date of birth", "Postcode"],
        ["Vera Victim", "14/07/1988", "CB7 4AA"],
    ]
    data = docx_bytes(["MARAC referral form", rows, [list(p) for p in REFERRAL[:6]]])
    victim = parse_attachment("r.docx", data)["referral"]["victim"]
    assert (victim["name"], victim["date_of_birth"], victim["postcode"]) == (
        "Vera Victim",
        "1988-07-14",
        "CB7 4AA",
    )


def test_unnumbered_checklist_with_columns_in_another_order() -> None:
    given = answers("ndy")
    order = ("dont_know", "no", "yes")
    rows: list[list[Spec]] = [["Question", "DK", "N", "Y"]]
    rows += [
        [q, *(Box("shaded", given[n] == o) for o in order)]
        for n, q in enumerate(PARAPHRASED, start=1)
    ]
    data = docx_bytes(["MARAC referral", [list(p) for p in REFERRAL], rows])
    record = parse_attachment("r.docx", data)
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


@pytest.mark.parametrize(
    ("cells", "consent"),
    [
        (["☒ Yes ☐ No"], "yes"),
        (["Yes ☐", "No ☒"], "no"),
        (
            [Box("formcheckbox_checked", False), "Yes", Box("formcheckbox_checked", True), "No"],
            "no",
        ),
        (["☒ Yes ☒ No"], None),
    ],
)
def test_yes_no_details_given_with_boxes(cells: list[Spec], consent: str | None) -> None:
    rows = [[label, value] for label, value in REFERRAL if "consent" not in label]
    rows.append(["Victim consents to referral?", *cells])
    record = parse_attachment("r.docx", docx_bytes(["MARAC referral form", rows]))
    assert record["referral"]["consent"] == consent
    assert ("consent" in record["needs_review"]) == (consent is None)


def test_postcode_only_in_the_address_is_taken_and_listed() -> None:
    pairs = [(k, "1 Example Street, Ely CB7 4AA" if k == "Address" else v) for k, v in REFERRAL]
    pairs = [(k, v) for k, v in pairs if k != "Postcode"]
    record = parse_attachment("r.docx", referral_docx(answers("y"), referral=pairs))
    assert record["referral"]["victim"]["postcode"] == "CB7 4AA"
    assert "victim.postcode" in record["needs_review"]


def test_a_checklist_named_but_not_readable_is_listed_not_dropped() -> None:
    data = docx_bytes(
        ["MARAC referral form", [list(p) for p in REFERRAL], "DASH Risk Identification Checklist"]
    )
    record = parse_attachment("r.docx", data)
    dash = record["referral"]["dash"]
    assert dash["answers"] == {str(n): None for n in range(1, 25)}
    assert dash["score"] is None
    assert {"dash.answers.1", "dash.answers.24", "dash.score"} <= set(record["needs_review"])


def test_bare_labels_belong_to_the_section_they_are_in() -> None:
    rows: list[list[Spec]] = [
        ["Referrer name", "Ruth Example"],
        ["Postcode", "PE29 1AA"],
        ["Victim name", "Vera Victim"],
        ["Date of birth", "14/07/1988"],
        ["Perpetrator name", "Peter Perp"],
        ["Date of birth", "01/01/1980"],
        ["Postcode", "PE1 1ZZ"],
        ["Gender", "Male"],
    ]
    record = parse_attachment("r.docx", docx_bytes(["MARAC referral form", rows]))
    victim = record["referral"]["victim"]
    assert victim["date_of_birth"] == "1988-07-14"
    assert record["referral"]["perpetrator"]["date_of_birth"] == "1980-01-01"
    assert victim["postcode"] is None and victim["gender"] is None
    assert {"victim.postcode", "victim.gender"} <= set(record["needs_review"])


def test_childrens_details_are_not_taken_for_the_perpetrators() -> None:
    rows: list[list[Spec]] = [
        ["Referrer name", "Ruth Example"],
        ["Victim name", "Vera Victim"],
        ["Perpetrator name", "Peter Perp"],
        ["Child 1 name", "Tom"],
        ["Date of birth", "01/01/2015"],
    ]
    record = parse_attachment("r.docx", docx_bytes(["MARAC referral form", rows]))
    assert record["referral"]["perpetrator"]["date_of_birth"] is None
    assert record["referral"]["perpetrator"]["name"] == "Peter Perp"


def test_banded_row_shading_is_not_taken_for_ticks() -> None:
    given = answers("ny")
    data = bytearray(referral_docx(given, "glyph"))
    document = zipfile.ZipFile(io.BytesIO(bytes(data))).read("word/document.xml").decode()
    shade = '<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/>'
    banded = document.replace("<w:tc><w:tcPr>", f"<w:tc><w:tcPr>{shade}")
    record = parse_attachment(
        "r.docx", replace_member(bytes(data), "word/document.xml", banded.encode())
    )
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_single_answer_column_titled_with_its_options() -> None:
    given = answers("ynd")
    rows: list[list[Spec]] = [["No.", "Question", "Answer (Yes / No / Don't know)"]]
    rows += [[str(n), q, WORDS[given[n]]] for n, q in enumerate(DASH_QUESTIONS, start=1)]
    record = parse_attachment(
        "r.docx", docx_bytes(["MARAC referral", [list(p) for p in REFERRAL], rows])
    )
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_impossible_dates_are_listed() -> None:
    pairs = [(k, "14/07/2088" if k == "Date of birth" else v) for k, v in REFERRAL]
    record = parse_attachment("r.docx", referral_docx(answers("y"), referral=pairs))
    assert "victim.date_of_birth" in record["needs_review"]


def test_cells_that_each_hold_a_label_and_its_value() -> None:
    rows: list[list[Spec]] = [
        ["Referrer name: Ruth Example", "Agency: Example Agency"],
        ["Victim name: Vera Victim", "DOB: 14/07/1988"],
        ["Perpetrator name: Peter Perp", "DOB: 01/01/1980"],
    ]
    referral = parse_attachment("r.docx", docx_bytes(["MARAC referral", rows]))["referral"]
    assert referral["victim"]["name"] == "Vera Victim"
    assert referral["victim"]["date_of_birth"] == "1988-07-14"
    assert referral["perpetrator"]["date_of_birth"] == "1980-01-01"


@pytest.mark.parametrize(
    ("title", "pathway", "doubt"),
    [
        ("Stalking & Harassment Referral Form", "stalking_idva", False),
        ("MARAC Referral Form", "marac", False),
        ("MARAC referral form (domestic abuse, stalking and harassment)", "marac", True),
    ],
)
def test_pathway_from_the_form_title(title: str, pathway: str, doubt: bool) -> None:
    record = parse_message(
        email_bytes(
            subject="Referral",
            attachments=[("r.docx", referral_docx(answers("y"), title=title), DOCX_TYPE)],
        )
    )
    assert record["referral"]["pathway"] == pathway
    assert ("pathway" in record["needs_review"]) == doubt


def test_answer_on_the_line_under_its_question() -> None:
    given = answers("ydn")
    lines: list[str | list[list[Spec]]] = ["MARAC referral", [list(p) for p in REFERRAL]]
    lines.append("DASH Risk Identification Checklist")
    for n, q in enumerate(DASH_QUESTIONS, start=1):
        boxes = " ".join(("☒" if given[n] == o else "☐") + " " + WORDS[o] for o in WORDS)
        lines += [f"{n}. {q}", boxes if n % 2 else f"Answer: {WORDS[given[n]]}"]
    record = parse_attachment("r.docx", docx_bytes(lines))
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_two_checklists_one_heading() -> None:
    from tests.mailbox.builders import SDASH_QUESTIONS

    sdash = answers("yn", 11)
    dash = answers("ndy")
    s_rows: list[list[Spec]] = [["Q", "Question", "Yes", "No", "Don't know"]]
    s_rows += [[str(n), q, *_marks(sdash[n])] for n, q in enumerate(SDASH_QUESTIONS, start=1)]
    d_rows: list[list[Spec]] = [["Q", "Question", "Yes", "No", "Don't know"]]
    d_rows += [[str(n), q, *_marks(dash[n])] for n, q in enumerate(DASH_QUESTIONS, start=1)]
    data = docx_bytes(
        ["Stalking referral form", [list(p) for p in REFERRAL], "S-DASH", s_rows, d_rows]
    )
    referral = parse_attachment("r.docx", data)["referral"]
    assert referral["stalking_screen"]["answers"] == {str(n): a for n, a in sdash.items()}
    assert referral["dash"]["answers"] == expected_answers(dash)


def _marks(answer: str) -> list[Spec]:
    return ["X" if answer == option else "" for option in ("yes", "no", "dont_know")]


def test_labels_over_values_where_a_value_mentions_a_label() -> None:
    """'Yes - verbal consent given' under 'Consent' is that box's value, not another label."""
    table: list[list[Spec]] = [
        ["Victim name", "Postcode", "Victim consents to referral?"],
        ["Vera Victim", "CB74AA", "Yes - verbal consent given"],
    ]
    form = docx_bytes(["MARAC referral", table, "DASH", checklist_rows(answers("y"))])
    record = parse_attachment("r.docx", form)
    assert record["referral"]["victim"]["postcode"] == "CB7 4AA"
    assert record["referral"]["consent"] == "yes"
    assert "consent" in record["needs_review"]  # read with its explanation: a person checks
