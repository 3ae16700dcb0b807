"""Referrals typed into the message: plain text, HTML tables, odd charsets."""

from mailbox.parse import parse_message
from tests.mailbox.builders import (
    DASH_QUESTIONS,
    EXPECTED,
    REFERRAL,
    WORDS,
    answers,
    email_bytes,
    expected_answers,
)


def _typed(given: dict[int, str]) -> str:
    lines = ["Hi,", "", "I have typed the referral below.", "", "MARAC REFERRAL", ""]
    lines += [f"{label}: {value}" for label, value in REFERRAL]
    lines += ["", "DASH RISK CHECKLIST", "Date completed: 01/03/2026"]
    lines += [
        f"{n}. {q} - {WORDS[given[n]]} (comment)" for n, q in enumerate(DASH_QUESTIONS, start=1)
    ]
    return "\n".join([*lines, "", "Total score: 24", "", "Ruth"])


def test_plain_text_referral() -> None:
    given = answers("yndn")
    record = parse_message(email_bytes(body=_typed(given)))
    referral = record["referral"]
    assert record["disposition"] == "referral"
    assert referral["dash"]["answers"] == expected_answers(given)
    assert referral["dash"]["score"] == sum(a == "yes" for a in given.values())
    for key, value in EXPECTED.items():
        assert referral[key] == value, key


def test_html_table_referral() -> None:
    given = answers("ny")
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in REFERRAL)
    dash = "".join(
        f"<tr><td>{n}</td><td>{q}</td>"
        + "".join(f"<td>{'X' if given[n] == o else '&nbsp;'}</td>" for o in WORDS)
        + "</tr>"
        for n, q in enumerate(DASH_QUESTIONS, start=1)
    )
    html = (
        f"<html><body><p>MARAC referral</p><table>{rows}</table>"
        "<p><b>DASH risk checklist</b></p><table><tr><td>No</td><td>Question</td><td>Yes</td>"
        f"<td>No</td><td>Don&#39;t know</td></tr>{dash}</table></body></html>"
    )
    record = parse_message(email_bytes(body="see HTML", html=html))
    assert record["referral"]["dash"]["answers"] == expected_answers(given)
    assert record["referral"]["victim"]["name"] == "Vera Victim"


def test_windows_1252_body_keeps_accented_names() -> None:
    text = _typed(answers("y")).replace("Vera Victim", "Zoë Müller")
    raw = (
        b"From: ruth@nhs.net\r\nSubject: MARAC referral\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=windows-1252\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + text.encode("cp1252")
    )
    assert parse_message(raw)["referral"]["victim"]["name"] == "Zoë Müller"


def test_tab_separated_details_and_checklist_columns() -> None:
    given = answers("ydn")
    words = {"yes": "Yes", "no": "No", "dont_know": "DK"}
    lines = ["MARAC referral", *(f"{label}\t{value}" for label, value in REFERRAL)]
    lines += ["", "DASH", "Q\tQuestion\tAnswer"]
    lines += [f"{n}\t{q}\t{words[given[n]]}" for n, q in enumerate(DASH_QUESTIONS, start=1)]
    record = parse_message(email_bytes(body="\n".join(lines)))
    assert record["referral"]["victim"]["date_of_birth"] == "1988-07-14"
    assert record["referral"]["dash"]["answers"] == expected_answers(given)


def test_a_value_running_on_to_the_next_line_is_listed() -> None:
    text = _typed(answers("y")).replace(
        "Reason for referral: Visible high risk",
        "Reason for referral: Visible high risk\nand rising",
    )
    record = parse_message(email_bytes(body=text))
    assert record["referral"]["reason_for_referral"] == "Visible high risk"
    assert "reason_for_referral" in record["needs_review"]


def test_html_with_bold_labels_and_a_numbered_list_of_answers() -> None:
    """Inline tags stay in their line ("<b>Victim name:</b> Vera"); an <ol> shows its numbers."""
    given = answers("ynd")
    details = "".join(f"<p><b>{label}:</b> {value}</p>" for label, value in REFERRAL)
    dash = "".join(
        f"<li>{q} <strong>{WORDS[given[n]]}</strong></li>"
        for n, q in enumerate(DASH_QUESTIONS, start=1)
    )
    html = f"<html><body>{details}<h3>DASH</h3><p>Date completed: 01/03/2026</p><ol>{dash}</ol>"
    record = parse_message(email_bytes(body="", html=html + "<p>Ruth</p></body></html>"))
    referral = record["referral"]
    for key, value in EXPECTED.items():
        assert referral[key] == value, key
    assert referral["dash"]["answers"] == expected_answers(given)
    assert record["needs_review"] == []


def _printed_choices_html(pick: dict[int, str]) -> str:
    """A DASH pasted from Word into a mail: "Yes / No / Don't know" in each row, as `pick` marks."""
    rows = "".join(
        f"<tr><td>{n}</td><td>{q}</td><td>{pick.get(n, 'Yes / No / Don&#39;t know')}</td></tr>"
        for n, q in enumerate(DASH_QUESTIONS, start=1)
    )
    return (
        "<html><body><p>MARAC referral</p><p>Victim name: Vera Victim</p>"
        "<p><b>DASH risk checklist</b></p><table><tr><td>No</td><td>Question</td><td>Answer</td>"
        f"</tr>{rows}</table></body></html>"
    )


def test_html_printed_choices_read_the_one_in_bold_or_highlight() -> None:
    marks = {
        "<b>Yes</b> / No / Don't know": "yes",
        "Yes / <strong>No</strong> / Don't know": "no",
        "Yes / No / <mark>Don't know</mark>": "dont_know",
        '<span style="font-weight: 700">Yes</span> / No / Don\'t know': "yes",
        'Yes / <span style="background-color:yellow">No</span> / Don\'t know': "no",
    }
    pick = {n: list(marks)[n % len(marks)] for n in range(1, 25)}
    record = parse_message(email_bytes(body="see HTML", html=_printed_choices_html(pick)))
    answers_read = record["referral"]["dash"]["answers"]
    assert answers_read == {str(n): marks[pick[n]] for n in range(1, 25)}
    assert not any(path.startswith("dash.answers") for path in record["needs_review"])


def test_html_printed_choices_with_no_single_pick_are_listed_not_guessed() -> None:
    doubtful = {
        1: "<b>Yes</b> / <b>No</b> / Don't know",  # two in bold
        2: "<b>Yes / No / Don't know</b>",  # the whole cell in bold
        3: "Yes / No / Don't know",  # none
        4: '<span style="background:white">Yes</span> / No / Don\'t know',  # white is no mark
    }
    pick = {n: doubtful.get(n, "<b>No</b> / Yes / Don't know") for n in range(1, 25)}
    record = parse_message(email_bytes(body="see HTML", html=_printed_choices_html(pick)))
    answers_read = record["referral"]["dash"]["answers"]
    for n in doubtful:
        assert answers_read[str(n)] is None or f"dash.answers.{n}" in record["needs_review"]
    assert all(answers_read[str(n)] == "no" for n in range(5, 25))
