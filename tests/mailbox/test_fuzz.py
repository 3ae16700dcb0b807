"""A short fuzz run with a fixed seed (derandomized Hypothesis): mutated referral mail over the
MIME walker, each document reader and the per-message boundary. benchmarks/fuzz_mail.py runs
the long version. Nothing may escape the boundary; readers may refuse, never crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailbox.ingest import read_now
from mailbox.mime import parse_bytes, walk
from mailbox.readers.csv import read_csv
from mailbox.safety import UnreadablePart
from tests.mailbox.fuzzing import READERS, Tally, documents, mutate, run_document, run_message
from tests.mailbox.fuzzing import seeds as seed_messages

MUTATIONS = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 2**20), st.integers(0, 4096)),
    min_size=1,
    max_size=6,
)
FIXED = settings(
    derandomize=True,  # the same examples every run: a failure here is reproducible
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TALLY = Tally()


@FIXED
@given(st.integers(0, 7), MUTATIONS)
def test_mutated_mail_never_escapes_the_per_message_boundary(
    which: int, mutations: list[tuple[int, int, int]]
) -> None:
    run_message(TALLY, mutate(seed_messages()[which], mutations))
    assert not TALLY.escaped, TALLY.line()
    assert not TALLY.crashed, TALLY.line()


@FIXED
@given(st.sampled_from(sorted(READERS)), MUTATIONS)
def test_mutated_documents_are_read_or_refused_never_crash(
    kind: str, mutations: list[tuple[int, int, int]]
) -> None:
    run_document(TALLY, kind, mutate(documents()[kind], mutations))
    assert not TALLY.crashed, TALLY.line()


# Findings of benchmarks/fuzz_mail.py (seed 2026), kept as regression tests.


def test_a_forward_with_damaged_base64_is_walked_not_raised() -> None:
    raw = (
        b"From: a@example.org\r\nSubject: fwd\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"RnJvbTogYUBleGFtcGxlLm9yZw0KDQpoaQ0KX\r\n--b--\r\n"  # one character too many
    )
    walk(parse_bytes(raw))
    assert read_now(raw, 200_000, frozenset()).record["disposition"] == "quarantine"


@pytest.mark.parametrize("text", ["Victim name,Vera\x00\n", 'a,"b\nc\n', "a,b\rc,d\n"])
def test_a_csv_the_csv_module_refuses_is_unreadable_not_a_crash(text: str) -> None:
    try:
        read_csv("referral.csv", text)
    except UnreadablePart as exc:
        assert "not readable as CSV" in str(exc)
