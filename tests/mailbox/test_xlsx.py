"""Spreadsheet referrals: a Referral sheet and a DASH sheet with an answer column."""

from tests.mailbox.builders import (
    DASH_QUESTIONS,
    REFERRAL,
    WORDS,
    answers,
    expected_answers,
    parse_attachment,
    xlsx_bytes,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(given: dict[int, str]) -> bytes:
    dash = [["SafeLives DASH Risk Identification Checklist"], ["Date completed", "01/03/2026"]]
    dash.append(["No", "Question", "Answer", "Comments"])
    dash += [[n, q, WORDS[given[n]], None] for n, q in enumerate(DASH_QUESTIONS, start=1)]
    dash.append([None, "Total number of 'Yes' answers", '=COUNTIF(C5:C28,"Yes")'])
    referral = [["MARAC referral"], *[[label, value] for label, value in REFERRAL]]
    return xlsx_bytes({"Referral": referral, "DASH": dash})


def test_workbook_with_answer_column() -> None:
    given = answers("ydn")
    record = parse_attachment("DASH.xlsx", _workbook(given), XLSX)
    referral = record["referral"]
    assert referral["pathway"] == "marac"
    assert referral["victim"]["postcode"] == "CB7 4AA"
    assert referral["dash"]["answers"] == expected_answers(given)
    assert referral["dash"]["completed_date"] == "2026-03-01"
    assert record["needs_review"] == []


def test_answer_typed_oddly_is_null_and_listed() -> None:
    given = answers("y")
    data = _workbook(given)
    record = parse_attachment("DASH.xlsx", data.replace(b"", b""), XLSX)
    assert record["referral"]["dash"]["answers"]["1"] == "yes"
    odd = xlsx_bytes(
        {
            "DASH": [
                ["No", "Question", "Answer"],
                *[[n, q, "maybe"] for n, q in enumerate(DASH_QUESTIONS, start=1)],
            ]
        }
    )
    record = parse_attachment("odd.xlsx", odd, XLSX)
    assert record["referral"]["dash"]["answers"]["3"] is None
    assert "dash.answers.3" in record["needs_review"]


def test_phone_number_stored_as_a_number_is_listed() -> None:
    referral = [["MARAC referral"], *[[k, v] for k, v in REFERRAL if k != "Victim telephone"]]
    referral.append(["Victim telephone", 7700900123])
    record = parse_attachment("r.xlsx", xlsx_bytes({"Referral": referral}), XLSX)
    assert "victim.phone" in record["needs_review"]


def test_labels_with_their_values_two_columns_to_the_right() -> None:
    """A form laid out with a spacer column: labels in B, values in D, C left empty."""
    referral: list[list[object]] = [[None, "MARAC referral"]]
    referral += [[None, label, None, value] for label, value in REFERRAL]
    given = answers("ydn")
    dash = [["No", "Question", "Y/N/DK"]]
    dash += [
        [n, q, {"yes": "Y", "no": "N", "dont_know": "DK"}[given[n]]]
        for n, q in enumerate(DASH_QUESTIONS, start=1)
    ]
    record = parse_attachment("MARAC.xlsx", xlsx_bytes({"Referral": referral, "DASH": dash}), XLSX)
    assert record["referral"]["victim"]["name"] == "Vera Victim"
    assert record["referral"]["victim"]["postcode"] == "CB7 4AA"
    assert record["referral"]["referrer"]["email"] == "ruth.example@cambs.pnn.police.uk"
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def _option_columns(ticked: object, unticked: object) -> bytes:
    given = answers("ydn")
    dash = [["DASH Risk Identification Checklist"], ["Q", "Question", "Yes", "No", "Don't know"]]
    for n, q in enumerate(DASH_QUESTIONS, start=1):
        cells = [ticked if given[n] == o else unticked for o in ("yes", "no", "dont_know")]
        dash.append([n, q, *cells])
    referral = [["MARAC referral"], *[[label, value] for label, value in REFERRAL]]
    return xlsx_bytes({"Referral": referral, "DASH": dash})


def test_check_box_cells_true_and_false_and_ones_and_noughts_are_ticks() -> None:
    # An Excel check box control writes TRUE/FALSE to its linked cell; FALSE in the No column
    # once ticked it (as the word "No" does), so every row had two ticks and none was read.
    for ticked, unticked in ((True, False), (1, 0), (1, None), ("TRUE", "FALSE")):
        record = parse_attachment("DASH.xlsx", _option_columns(ticked, unticked), XLSX)
        assert record["referral"]["dash"]["answers"] == expected_answers(answers("ydn"))
        assert not [p for p in record["needs_review"] if p.startswith("dash.answers")]
