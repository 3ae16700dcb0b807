"""OpenDocument (LibreOffice) referrals are read like Word ones."""

from tests.mailbox.builders import (
    DASH_QUESTIONS,
    REFERRAL,
    answers,
    expected_answers,
    odt_bytes,
    parse_attachment,
)

ODT = "application/vnd.oasis.opendocument.text"


def test_odt_referral_with_ticks() -> None:
    given = answers("ydn")
    rows = [["Q", "Question", "Yes", "No", "Don't know"]]
    rows += [
        [str(n), q, *("☒" if given[n] == o else "☐" for o in ("yes", "no", "dont_know"))]
        for n, q in enumerate(DASH_QUESTIONS, start=1)
    ]
    data = odt_bytes(["MARAC Referral Form", [list(p) for p in REFERRAL], "DASH", rows])
    record = parse_attachment("referral.odt", data, ODT)
    assert record["referral"]["victim"]["name"] == "Vera Victim"
    assert record["referral"]["dash"]["answers"] == expected_answers(given)
