"""Messages parsed per second on the dev corpus, beside a floor that only unzips and parses XML.

Not a test. Run from the repository root:
    .venv/bin/python -m benchmarks.parse_speed [CORPUS_DIR] [--rounds N]
The floor decodes each message's MIME, opens every zip attachment and parses its XML members with
lxml (no extraction at all); the ratio says how much our reading costs on top of that. The ratio
is given twice: by wall clock over all rounds, after one untimed pass of each, and as the median
of rounds timed in CPU seconds with parsing and the floor alternating (steadier on a shared
machine). The floor does nothing for
a PDF, whose objects and content streams pypdf parses in pure Python, so the CPU ratio is also
given for the messages with a PDF and for the rest. It also times reading as ingestion does it,
in the reused child process that enforces PARSE_TIMEOUT_SECONDS (mailbox/worker.py), beside the
same reading in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from mailbox.ingest import IngestConfig, read
from mailbox.mime import parse_bytes, walk
from mailbox.parse import parse_message
from mailbox.worker import READERS

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


def floor(raw: bytes) -> None:
    """Do the least any reader must: decode MIME, unzip attachments, parse their XML."""
    for attachment in walk(parse_bytes(raw)).attachments:
        try:
            archive = zipfile.ZipFile(io.BytesIO(attachment.data))
        except zipfile.BadZipFile:
            continue
        for info in archive.infolist():
            if info.filename.endswith(".xml") and info.file_size < 50_000_000:
                with contextlib.suppress(etree.XMLSyntaxError, zipfile.BadZipFile, OSError):
                    etree.fromstring(archive.read(info), etree.XMLParser(resolve_entities=False))


def rate(work: Callable[[bytes], object], messages: list[bytes], rounds: int) -> float:
    """Return messages handled per second over `rounds` passes."""
    start = time.perf_counter()
    for _ in range(rounds):
        for raw in messages:
            work(raw)
    return rounds * len(messages) / (time.perf_counter() - start)


def cpu_ratios(messages: list[bytes], rounds: int) -> list[float]:
    """Return, per round, the CPU time of parsing over the CPU time of the floor.

    The two alternate round by round and are timed in CPU seconds of this process, so another
    program's load on a shared machine, or a clock that speeds up mid-run, falls on both alike.
    """
    ratios = []
    for _ in range(rounds):
        times = []
        for work in (parse_message, floor):
            start = time.process_time()
            for raw in messages:
                work(raw)
            times.append(time.process_time() - start)
        ratios.append(times[0] / times[1])
    return ratios


def _has_pdf(raw: bytes) -> bool:
    """Tell whether a message carries a PDF: the floor does no PDF work at all (see below)."""
    return any(a.data[:5] == b"%PDF-" for a in walk(parse_bytes(raw)).attachments)


def main() -> None:
    """Print parse and floor rates and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    messages = [p.read_bytes() for p in sorted(args.corpus.glob("*.eml"))]
    if not messages:
        raise SystemExit(f"no .eml files in {args.corpus}")
    for raw in messages:
        # One untimed pass of each: first-use costs (lazy imports, compiled patterns) are paid
        # once per process, and without this pass they fell on parsing alone.
        parse_message(raw)
        floor(raw)
    ours = rate(parse_message, messages, args.rounds)
    base = rate(floor, messages, args.rounds)
    print(f"messages: {len(messages)} x {args.rounds} rounds")
    print(f"parse_message: {ours:8.1f} msg/s")
    print(f"floor (unzip + XML parse only): {base:8.1f} msg/s")
    print(f"ratio (floor / parse): {base / ours:.2f}x slower than the floor (wall clock)")
    pdf = [_has_pdf(m) for m in messages]
    with_pdf = [m for m, has in zip(messages, pdf, strict=True) if has]
    without = [m for m, has in zip(messages, pdf, strict=True) if not has]
    for label, group in (
        ("all", messages),
        ("with a PDF", with_pdf),
        ("without", without),
    ):
        ratios = cpu_ratios(group, max(args.rounds, 5))
        print(
            f"ratio in CPU time, rounds alternating, {label} ({len(group)} messages): "
            f"median {statistics.median(ratios):.2f}x "
            f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
        )
    in_process, limited = IngestConfig(parse_timeout=0), IngestConfig()
    start = time.perf_counter()
    read(messages[0], limited)  # starts the reading child once; it is reused from then on
    print(f"starting the reading child: {time.perf_counter() - start:.2f} s (once)")
    here = rate(lambda raw: read(raw, in_process), messages, args.rounds)
    child = rate(lambda raw: read(raw, limited), messages, args.rounds)
    READERS.close()
    print(f"ingest read, in this process: {here:8.1f} msg/s")
    print(f"ingest read, in the time-limited child: {child:8.1f} msg/s")
    print(f"ratio (in process / child): {here / child:.2f}x")


if __name__ == "__main__":
    main()
