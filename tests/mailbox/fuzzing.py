"""Fuzzing the mail path: generated referral mail, mutated, over the MIME walker, each document
reader and the per-message boundary (the reader ingestion calls, and storing's description).

Used by tests/mailbox/test_fuzz.py (a short fixed-seed run) and benchmarks/fuzz_mail.py (long
runs, optionally seeded with ../shared/corpus/realworld read in place).

What counts:
- escaped: an exception out of the per-message boundary (read_now, arrival). Must be 0: such a
  message would stop the mailbox.
- crashed: an exception inside, other than the ones that say "unreadable" (UnreadablePart,
  MimeLimit). The boundary catches them (the message is quarantined), but each is a reader bug.
- slow: one call over SLOW_SECONDS (the reading child's limit would stop it in service).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from mailbox.ingest import IngestConfig, arrival, read_now
from mailbox.mime import MimeLimit, parse_bytes, walk
from mailbox.readers.csv import read_csv
from mailbox.readers.docx import read_docx
from mailbox.readers.odt import read_odt
from mailbox.readers.pdf import read_pdf
from mailbox.readers.xlsx import read_xlsx
from mailbox.safety import UnreadablePart
from tests.ingest.support import message, referral_form
from tests.mailbox.builders import (
    email_bytes,
    odt_bytes,
    pdf_bytes,
    tnef_bytes,
    xlsx_bytes,
)

SLOW_SECONDS = 10.0
EXPECTED = (UnreadablePart, MimeLimit)
# Header lines a mutation splices in: the shapes that broke parsers before.
HOSTILE_LINES = (
    b'Content-Type: multipart/mixed; boundary="x"\r\n',
    b"Content-Type: multipart/mixed\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Type: message/rfc822\r\n",
    b"Content-Disposition: attachment; filename*=utf-8''%E2%80%AEcod.exe\r\n",
    b"Subject: =?utf-8?q?x=00y?=\r\n",
    b"Message-ID: =?utf-8?q?<a=0D=0Ab>?=\r\n",
    b"Content-Type: application/ms-tnef; name=winmail.dat\r\n",
    b"--x\r\n",
    b"--x--\r\n",
)


@cache
def seeds() -> tuple[bytes, ...]:
    """Referral mail as professionals send it, built in code: docx, PDF, xlsx, ODT, CSV, TNEF,
    a forward, and bodies."""
    form = referral_form("Fuzz Victim")
    rows = [["Victim name", "Fuzz Victim"], ["Date of birth", "14/07/1988"]]
    return (
        message(1),
        message(
            2,
            attachments=[
                ("r.pdf", pdf_bytes([(72, 700, "Victim name: Fuzz Victim")]), "application/pdf")
            ],
        ),
        message(
            3,
            attachments=[
                (
                    "r.xlsx",
                    xlsx_bytes({"Referral": rows}),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
            ],
        ),
        message(
            4,
            attachments=[
                (
                    "r.odt",
                    odt_bytes([[["Victim name", "Fuzz Victim"]]]),
                    "application/vnd.oasis.opendocument.text",
                )
            ],
        ),
        message(5, attachments=[("r.csv", b"Victim name,Fuzz Victim\n", "text/csv")]),
        message(
            6, attachments=[("winmail.dat", tnef_bytes([("r.docx", form)]), "application/ms-tnef")]
        ),
        message(7, attachments=[("fwd.eml", message(8), "message/rfc822")]),
        email_bytes(
            body="Victim name: Fuzz Victim\nDate of birth: 14/07/1988\n",
            html="<table><tr><td>Victim name</td><td>Fuzz</td></tr></table>",
        ),
    )


@cache
def documents() -> dict[str, bytes]:
    """One generated document per reader."""
    rows = [["Victim name", "Fuzz Victim"], ["Postcode", "PE15 4PQ"]]
    return {
        "docx": referral_form("Fuzz Victim"),
        "pdf": pdf_bytes([(72, 700, "Victim name: Fuzz Victim"), (72, 680, "Postcode: PE15")]),
        "xlsx": xlsx_bytes({"Referral": rows}),
        "odt": odt_bytes(["Referral", [["Victim name", "Fuzz Victim"]]]),
        "csv": b"Victim name,Fuzz Victim\nPostcode,PE15 4PQ\n",
    }


def _read_csv(name: str, data: bytes) -> Any:
    return read_csv(name, data.decode("utf-8", "replace"))


READERS: dict[str, Callable[[str, bytes], Any]] = {
    "docx": read_docx,
    "pdf": read_pdf,
    "xlsx": read_xlsx,
    "odt": read_odt,
    "csv": _read_csv,
}


def mutate(data: bytes, choices: list[tuple[int, int, int]]) -> bytes:
    """Apply mutations, each (kind, position, amount) from the fuzzer's draws."""
    out = bytearray(data)
    for kind, position, amount in choices:
        at = position % (len(out) + 1)
        if kind == 0 and out:  # flip a byte
            out[at % len(out)] ^= (amount % 255) + 1
        elif kind == 1:  # insert bytes
            out[at:at] = bytes((amount * 7 + i) % 256 for i in range(amount % 64 + 1))
        elif kind == 2:  # delete a run
            del out[at : at + amount % 512]
        elif kind == 3:  # duplicate a run (repeats parts, boundaries, zip members)
            out[at:at] = out[at : at + amount % 2048]
        elif kind == 4:  # splice in a hostile header line at a line start
            line_start = out.rfind(b"\n", 0, at) + 1
            out[line_start:line_start] = HOSTILE_LINES[amount % len(HOSTILE_LINES)]
        else:  # truncate
            del out[max(at, 1) :]
    return bytes(out)


@dataclass
class Tally:
    """Iterations and findings per target."""

    iterations: Counter[str] = field(default_factory=Counter)
    escaped: Counter[str] = field(default_factory=Counter)
    crashed: Counter[str] = field(default_factory=Counter)
    slow: Counter[str] = field(default_factory=Counter)
    examples: dict[str, bytes] = field(default_factory=dict)

    def line(self) -> str:
        """The one-line report the script and the test print."""
        return (
            f"fuzz: {sum(self.iterations.values())} iterations "
            f"({dict(sorted(self.iterations.items()))}); "
            f"escaped {sum(self.escaped.values())}, crashed {sum(self.crashed.values())} "
            f"{dict(self.crashed)}, slow {sum(self.slow.values())}"
        )


def _timed(
    tally: Tally, target: str, data: bytes, call: Callable[[], Any], *, boundary: bool
) -> None:
    tally.iterations[target] += 1
    start = time.monotonic()
    try:
        call()
    except EXPECTED:
        pass
    except Exception as exc:  # the finding itself
        kind = f"{target}:{type(exc).__name__}"
        (tally.escaped if boundary else tally.crashed)[kind] += 1
        tally.examples.setdefault(kind, data)
    if time.monotonic() - start > SLOW_SECONDS:
        tally.slow[target] += 1
        tally.examples.setdefault(f"{target}:slow", data)


CONFIG = IngestConfig(parse_timeout=0)


def run_message(tally: Tally, raw: bytes) -> None:
    """One mutated message over the walker and the per-message boundary."""
    _timed(tally, "mime", raw, lambda: walk(parse_bytes(raw)), boundary=False)
    _timed(tally, "read", raw, lambda: read_now(raw, 200_000, frozenset()), boundary=True)
    _timed(tally, "arrival", raw, lambda: arrival(raw, CONFIG, channel="cli"), boundary=True)


def run_document(tally: Tally, kind: str, data: bytes) -> None:
    """One mutated document over its reader."""
    _timed(tally, kind, data, lambda: READERS[kind](f"fuzz.{kind}", data), boundary=False)
