"""A DASH read with any doubt says so: comments, contradictions, missing rows, printed totals."""

from mailbox.parse import parse
from tests.mailbox.builders import (
    DASH_QUESTIONS,
    DOCX_TYPE,
    REFERRAL,
    Spec,
    answers,
    docx_bytes,
    email_bytes,
)


def _form(rows: list[list[Spec]], extra: list[str] | None = None) -> bytes:
    details: list[list[Spec]] = [[label, value] for label, value in REFERRAL]
    return docx_bytes(
        [
            "MARAC Referral Form",
            details,
            "DASH Risk Identification Checklist",
            "Date DASH completed: 01/03/2026",
            rows,
            *(extra or []),
        ]
    )


def _header() -> list[Spec]:
    return ["Q", "Question", "Yes", "No", "Don't know", "Comments"]


def _read(data: bytes):  # type: ignore[no-untyped-def]
    return parse(email_bytes(attachments=[("referral.docx", data, DOCX_TYPE)]))


def test_answers_written_only_in_the_comments_are_read_and_flagged() -> None:
    rows = [_header()]
    for n, q in enumerate(DASH_QUESTIONS, start=1):
        comment = "Yes – see log" if n <= 20 else "No."
        rows.append([str(n), q, "", "", "", comment])
    parsed = _read(_form(rows))
    dash = parsed.record["referral"]["dash"]
    assert dash["score"] == 20
    review = parsed.record["needs_review"]
    assert {f"dash.answers.{n}" for n in range(1, 25)} <= set(review)
    assert "dash.score" in review
    assert "answer only in the comment" in parsed.sources["dash.answers.3"].where


def test_a_tick_the_comment_contradicts_is_flagged() -> None:
    given = answers("n")
    rows = [_header()]
    for n, q in enumerate(DASH_QUESTIONS, start=1):
        comment = "Yes – held a knife to her" if n == 13 else ""
        rows.append([str(n), q, "", "X", "", comment])
    parsed = _read(_form(rows))
    dash = parsed.record["referral"]["dash"]
    assert dash["answers"]["13"] == given[13]
    assert parsed.record["needs_review"] == ["dash.answers.13", "dash.score"]
    assert "tick and comment disagree" in parsed.sources["dash.answers.13"].where


def test_a_comment_that_agrees_or_only_explains_is_no_doubt() -> None:
    rows = [_header()]
    for n, q in enumerate(DASH_QUESTIONS, start=1):
        rows.append([str(n), q, "X", "", "", "Yes – daily" if n % 2 else "No contact since May"])
    parsed = _read(_form(rows))
    assert parsed.record["referral"]["dash"]["score"] == 24
    assert parsed.record["needs_review"] == []


def test_missing_questions_are_listed_and_the_score_doubted() -> None:
    rows = [_header()]
    for n, q in enumerate(DASH_QUESTIONS[:18], start=1):
        rows.append([str(n), q, "X", "", "", ""])
    record = _read(_form(rows)).record
    assert record["referral"]["dash"]["score"] == 18
    missing = {f"dash.answers.{n}" for n in range(19, 25)}
    assert missing | {"dash.score"} == set(record["needs_review"])


def test_a_printed_total_that_differs_from_the_answers_is_flagged() -> None:
    rows = [_header()] + [[str(n), q, "X", "", "", ""] for n, q in enumerate(DASH_QUESTIONS, 1)]
    parsed = _read(_form(rows, ["Total score: 11"]))
    assert parsed.record["referral"]["dash"]["score"] == 24  # recomputed, never the printed one
    assert parsed.record["needs_review"] == ["dash.score"]
    assert "printed total 11" in parsed.sources["dash.score"].where


def test_a_printed_total_that_agrees_is_no_doubt() -> None:
    rows = [_header()] + [[str(n), q, "X", "", "", ""] for n, q in enumerate(DASH_QUESTIONS, 1)]
    assert _read(_form(rows, ["Total score: 24"])).record["needs_review"] == []


def test_questions_found_only_by_number_are_flagged() -> None:
    rows = [_header()] + [[str(n), f"Item {n}", "X", "", "", ""] for n in range(1, 25)]
    parsed = _read(_form(rows))
    assert parsed.record["referral"]["dash"]["answers"]["7"] == "yes"
    assert "dash.answers.7" in parsed.record["needs_review"]
    assert "by its number" in parsed.sources["dash.answers.7"].where


def test_a_comment_wrapped_over_two_lines_still_answers_and_is_flagged() -> None:
    from mailbox.checklist import find_checklists
    from mailbox.grid import Cell, Document, Row

    lines = [["Q", "Question", "Yes", "No", "DK", "Comments"]]
    for n, q in enumerate(DASH_QUESTIONS, start=1):
        lines += [[str(n), q, "", "", "", "Don't"], ["", "", "", "", "", "know – not asked"]]
    rows = [
        Row(tuple(Cell(t, float(x)) for x, t in enumerate(line) if t), f"p line {n}")
        for n, line in enumerate(lines, start=1)
    ]
    (checklist,), _ = find_checklists(Document("p", rows))
    answer = checklist.answers["5"]
    assert (answer.value, answer.doubt, answer.why) == (
        "dont_know",
        True,
        "answer only in the comment",
    )


def test_boxes_that_lost_their_places_are_never_read_as_the_printed_word() -> None:
    """A word processor's PDF may draw the boxes after all the words ("Yes No Don't know☒ ☐ ☐")
    or split them over lines ("pet? Yes ☐ ☒" / "No Don't know ☐"): no answer is taken from
    such a line without a person, and a printed option word is never the answer."""
    from mailbox.grid import Cell, Row
    from mailbox.rows import from_text
    from mailbox.values import boxes_paired, read_yes_no

    def line(text: str) -> Row:
        return Row((Cell(text, 0.0),), "r.pdf page 1 line 1")

    lost = from_text(
        line("19. Has the abuser ever mistreated an animal or the family pet? Yes ☐ ☒")
    )
    assert (lost.value, lost.doubt) == (None, True)
    after = from_text(
        line("1. Has the current incident resulted in injury? Yes No Don't know☒ ☐ ☐")
    )
    assert after.doubt
    clean = from_text(
        line("1. Has the current incident resulted in injury? ☒ Yes ☐ No ☐ Don't know")
    )
    assert (clean.value, clean.doubt) == ("yes", False)
    assert boxes_paired("☒ Yes ☐ No") and boxes_paired("Yes ☐ No ☒")
    assert not boxes_paired("Yes No ☒ ☐")
    assert read_yes_no("Yes No ☐ ☒")[1]
