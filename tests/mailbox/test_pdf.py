"""PDF referrals: fillable AcroForm fields, printed (flattened) forms, and PDFs we cannot read."""

import io

from pypdf import PdfReader, PdfWriter

from tests.mailbox.builders import (
    DASH_QUESTIONS,
    PARAPHRASED,
    answers,
    expected_answers,
    flat_pdf_lines,
    parse_attachment,
    pdf_bytes,
)

PDF = "application/pdf"


def _acroform(given: dict[int, str]) -> bytes:
    fields = [
        {"name": "VictimName", "type": "text", "value": "Vera Victim", "label": "Victim name"},
        {"name": "DateOfBirth", "type": "text", "value": "14/07/1988"},
        {"name": "ReferrerName", "type": "text", "value": "Ruth Example"},
        {"name": "Agency", "type": "text", "value": "Cambridgeshire Constabulary"},
        {"name": "DASHDate", "type": "text", "value": "01/03/2026"},
    ]
    for n in range(1, 25):
        for option, suffix in (("yes", "Yes"), ("no", "No"), ("dont_know", "DK")):
            fields.append({"name": f"Q{n}_{suffix}", "type": "box", "value": given[n] == option})
    lines = [(40, 800, "MARAC Referral Form"), (40, 600, "DASH Risk Identification Checklist")]
    lines += [(40, 580 - 12 * i, f"{i + 1}. {q[:70]}") for i, q in enumerate(DASH_QUESTIONS)]
    return pdf_bytes(lines, fields)


def test_fillable_pdf_fields_and_check_boxes() -> None:
    given = answers("yndy")
    record = parse_attachment("referral.pdf", _acroform(given), PDF)
    referral = record["referral"]
    assert record["disposition"] == "referral"
    assert referral["victim"]["name"] == "Vera Victim"
    assert referral["victim"]["date_of_birth"] == "1988-07-14"
    assert referral["referrer"]["agency"] == "Cambridgeshire Constabulary"
    assert referral["dash"]["answers"] == expected_answers(given)
    assert referral["dash"]["completed_date"] == "2026-03-01"


def test_flattened_pdf_reads_marks_by_column() -> None:
    given = answers("ynd")
    record = parse_attachment("printed.pdf", pdf_bytes(flat_pdf_lines(given)), PDF)
    got = record["referral"]["dash"]["answers"]
    for q, answer in expected_answers(given).items():
        assert got[q] == answer or f"dash.answers.{q}" in record["needs_review"]
    assert sum(got[q] == a for q, a in expected_answers(given).items()) >= 22
    assert record["referral"]["victim"]["name"] == "Vera Victim"


def test_image_only_pdf_is_unreadable_and_quarantined() -> None:
    record = parse_attachment("scan0001.pdf", pdf_bytes([]), PDF)
    assert record["disposition"] == "quarantine"
    assert record["unreadable_parts"] == ["scan0001.pdf"]


def test_password_protected_pdf_is_unreadable() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(flat_pdf_lines(answers("y"))))))
    writer.encrypt(user_password="secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    record = parse_attachment("locked.pdf", out.getvalue(), PDF)
    assert record["disposition"] == "quarantine"
    assert record["unreadable_parts"] == ["locked.pdf"]


def test_pdf_sent_as_octet_stream_is_still_read() -> None:
    data = pdf_bytes(flat_pdf_lines(answers("y")))
    record = parse_attachment("referral", data, "application/octet-stream")
    assert record["disposition"] == "referral"


def test_fillable_boxes_with_no_question_text_are_placed_by_number_and_listed() -> None:
    given = answers("yn")
    fields = [{"name": "VictimName", "type": "text", "value": "Vera Victim"}]
    fields += [{"name": "ReferrerName", "type": "text", "value": "Ruth Example"}]
    fields += [{"name": "Agency", "type": "text", "value": "Example Agency"}]
    for n in range(1, 25):
        fields += [
            {"name": f"DASH{n}Yes", "type": "box", "value": given[n] == "yes"},
            {"name": f"DASH{n}No", "type": "box", "value": given[n] == "no"},
        ]
    record = parse_attachment("form.pdf", pdf_bytes([(40, 800, "MARAC referral")], fields), PDF)
    assert record["referral"]["dash"]["answers"] == expected_answers(given)
    assert "dash.answers.1" in record["needs_review"]


def test_radio_group_per_question() -> None:
    given = answers("ynd")
    words = {"yes": "Yes", "no": "No", "dont_know": "DK"}
    fields = [{"name": "VictimName", "type": "text", "value": "Vera Victim"}]
    fields += [{"name": "ReferrerName", "type": "text", "value": "Ruth Example"}]
    fields += [{"name": "PerpetratorName", "type": "text", "value": "Peter Perp"}]
    fields += [{"name": f"Q{n}", "type": "radio", "value": words[given[n]]} for n in range(1, 25)]
    lines = [(40, 600 - 12 * i, f"{i + 1}. {q[:70]}") for i, q in enumerate(DASH_QUESTIONS)]
    record = parse_attachment("form.pdf", pdf_bytes(lines, fields), PDF)
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_mark_printed_between_two_columns_is_listed() -> None:
    given = answers("y")
    lines = flat_pdf_lines(given)
    first_mark = next(i for i, (x, _, text) in enumerate(lines) if text == "X")
    _, y, _ = lines[first_mark]
    lines[first_mark] = (441, y, "X")  # halfway between "Yes" (420) and "No" (460)
    record = parse_attachment("printed.pdf", pdf_bytes(lines), PDF)
    assert "dash.answers.1" in record["needs_review"]
    assert record["referral"]["dash"]["answers"]["2"] == "yes"


def test_printed_form_with_shaded_answer_cells() -> None:
    given = answers("ynd")
    lines = [line for line in flat_pdf_lines({}) if line[2] != "X"]
    header_y = next(y for x, y, text in lines if text == "Question")
    columns = {"yes": 420, "no": 460, "dont_know": 500}
    shaded = [
        (columns[given[n]] - 6, header_y - 11 * n - 3, 30, 11) for n in range(1, 25) if n in given
    ]
    record = parse_attachment("printed.pdf", pdf_bytes(lines, shaded=shaded), PDF)
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_printed_form_with_banded_rows_reads_its_marks() -> None:
    given = answers("ny")
    lines = flat_pdf_lines(given)
    header_y = next(y for x, y, text in lines if text == "Question")
    bands = [(410, header_y - 11 * n - 3, 120, 11) for n in range(2, 25, 2)]
    record = parse_attachment("printed.pdf", pdf_bytes(lines, shaded=bands), PDF)
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_a_question_wrapped_in_a_narrow_column_keeps_its_tick_on_the_first_line() -> None:
    """LibreOffice prints "Perp | x" then "drug/alcohol/" and "MH issues?" below: "Perp" reads
    like the perpetrator's label, but the tick under the checklist makes it a question's line."""
    given = answers("yndy")
    lines = flat_pdf_lines(given)
    lines = [line for line in lines if line[1] > 380]  # the form and the checklist's heading
    y = lines[-1][1]
    lines = [(x, ly, t) for x, ly, t in lines if t != "Q"]  # an unnumbered checklist
    for n, q in enumerate(PARAPHRASED, start=1):
        y -= 11
        words = ["Perp", "drug/alcohol/", "MH issues?"] if n == 21 else [q]
        lines.append(({"yes": 422, "no": 462, "dont_know": 502}[given[n]], y, "X"))
        for i, word in enumerate(words):
            lines.append((60, y - 11 * i, word))
        y -= 11 * (len(words) - 1)
    record = parse_attachment("referral.pdf", pdf_bytes(lines), PDF)
    dash = record["referral"]["dash"]
    assert dash["answers"] == expected_answers(given)
    assert "dash.answers.21" not in record["needs_review"]
    assert "perpetrator.name" not in record["needs_review"]
