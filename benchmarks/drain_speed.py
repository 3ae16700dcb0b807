"""Draining a backlog from a real Dovecot, beside a bare IMAP fetch of the same messages.

Not a test. Run from the repository root:
    .venv/bin/python -m benchmarks.drain_speed [--messages 2000] [--database-url URL]
It starts a private Dovecot (as the test suite does), appends a backlog of distinct referral
emails (a Word MARAC form each, every fifth one a body-only message that is quarantined), then
runs each phase in a fresh process so peak memory (max RSS) is that phase's own:
  bare   connect, SEARCH, FETCH BODY.PEEK[] in batches of 50, and throw the bytes away;
  drain  one `mailbox.poller.poll_once` cycle: fetch, store and commit, read, settle, MOVE.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

ROOT = Path(__file__).resolve().parents[1]
BATCH = 50


def backlog(count: int) -> list[bytes]:
    """Distinct referral emails: each form names its own victim (name, birth date, postcode)."""
    from tests.ingest.support import message, referral_form
    from tests.mailbox.builders import DOCX_TYPE, replace_member

    form = referral_form("Vera Victim")
    document = _member(form, "word/document.xml")
    out = []
    for n in range(1, count + 1):
        if n % 5 == 0:
            out.append(message(n, attachments=[], body=f"Please call me back about case {n}."))
            continue
        born = f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1950 + n % 50}".encode()
        mine = document.replace(b"Vera Victim", f"Vera Victim{n:05d}".encode())
        mine = mine.replace(b"14/07/1988", born).replace(b"CB7 4AA", _postcode(n))
        docx = replace_member(form, "word/document.xml", mine)
        out.append(message(n, attachments=[(f"MARAC referral {n}.docx", docx, DOCX_TYPE)]))
    return out


def _postcode(n: int) -> bytes:
    district = ("CB1", "CB4", "PE1", "PE7", "PE29", "CB22")[n % 6]
    return f"{district} {n % 10}{'ABDEFGHJLN'[n // 10 % 10]}{'PQRSTUWXYZ'[n // 100 % 10]}".encode()


def _member(data: bytes, name: str) -> bytes:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def _rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would count the parent's, too)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare(settings: dict[str, object]) -> dict[str, float]:
    """Fetch every message in the folder and keep nothing: the floor any poller pays."""
    start_rss = _rss_mb()
    start = time.perf_counter()
    fetched = 0
    with IMAPClient(
        str(settings["IMAP_HOST"]), port=int(str(settings["IMAP_PORT"])), ssl=False
    ) as c:
        c.login(str(settings["IMAP_USERNAME"]), str(settings["IMAP_PASSWORD"]))
        c.select_folder("INBOX", readonly=True)
        uids = c.search(["ALL"])
        for i in range(0, len(uids), BATCH):
            fetched += len(c.fetch(uids[i : i + BATCH], ["BODY.PEEK[]"]))
    return {
        "seconds": time.perf_counter() - start,
        "messages": fetched,
        "rss_start_mb": start_rss,
        "rss_peak_mb": _rss_mb(),
    }


def drain(settings: dict[str, object], url: str) -> dict[str, float]:
    """One polling cycle over the whole backlog, into a freshly migrated database."""
    from commands.db import upgrade
    from mailbox.poller import poll_once
    from mailbox.worker import READERS
    from workflow.store.db import Database

    upgrade(url)
    database = Database(url)
    start_rss = _rss_mb()
    start = time.perf_counter()
    report = poll_once(database, settings)
    seconds = time.perf_counter() - start
    if report.error or report.skipped:
        raise SystemExit(f"drain failed: {report.error or report.skipped}")
    # The reading child's own peak, asked of it (ru_maxrss of children would count this process).
    reader_peak = READERS.run(_rss_mb, timeout=30) if report.moved else 0.0
    READERS.close()
    return {
        "seconds": seconds,
        "messages": report.moved,
        "rss_start_mb": start_rss,
        "rss_peak_mb": _rss_mb(),
        "reader_rss_peak_mb": reader_peak,
        "dispositions": dict(report.dispositions),
    }  # type: ignore[dict-item]


def _phase(name: str, settings: dict[str, object], url: str) -> dict[str, float]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.drain_speed",
            "--phase",
            name,
            "--settings",
            json.dumps(settings),
            "--database-url",
            url,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"{name} phase failed:\n{run.stderr[-3000:]}")
    result: dict[str, float] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Set up Dovecot and the backlog, run both phases, print rates, memory and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--phase", choices=["bare", "drain"])
    parser.add_argument("--settings", default="{}")
    parser.add_argument(
        "--parse-timeout", type=int, default=None, help="PARSE_TIMEOUT_SECONDS (0: no child)"
    )
    args = parser.parse_args()
    if args.phase:
        settings = json.loads(args.settings)
        result = bare(settings) if args.phase == "bare" else drain(settings, args.database_url)
        print(json.dumps(result))
        return
    from tests.support.dovecot import DovecotServer

    with tempfile.TemporaryDirectory() as tmp, DovecotServer() as server:
        url = args.database_url or f"sqlite:///{tmp}/drain.sqlite3"
        settings: dict[str, object] = {
            **server.env(),
            "IMAP_PORT": server.port,
            "IMAP_BATCH": BATCH,
            "MAIL_FROM": "referrals@example-desk.org.uk",
        }
        if args.parse_timeout is not None:
            settings["PARSE_TIMEOUT_SECONDS"] = args.parse_timeout
        messages = backlog(args.messages)
        with IMAPClient(server.host, port=server.port, ssl=False) as client:
            client.login(server.user, server.password)
            for raw in messages:
                client.append("INBOX", raw)
        size_mb = sum(len(m) for m in messages) / 1024 / 1024
        del messages
        floor = _phase("bare", settings, url)
        ours = _phase("drain", settings, url)
    n = args.messages
    print(f"backlog: {n} messages, {size_mb:.1f} MB, database {url.split(':')[0]}")
    print(
        f"bare fetch: {floor['messages']:.0f} msgs in {floor['seconds']:.2f} s = "
        f"{floor['messages'] / floor['seconds']:.0f} msg/s; peak RSS {floor['rss_peak_mb']:.0f} MB "
        f"(before fetching: {floor['rss_start_mb']:.0f} MB)"
    )
    print(
        f"drain:      {ours['messages']:.0f} msgs in {ours['seconds']:.2f} s = "
        f"{ours['messages'] / ours['seconds']:.1f} msg/s; peak RSS {ours['rss_peak_mb']:.0f} MB "
        f"(before draining, imports and schema done: {ours['rss_start_mb']:.0f} MB), "
        f"reading child's peak {ours['reader_rss_peak_mb']:.0f} MB (0: read in-process); "
        f"settled {ours['dispositions']}"
    )
    print(
        f"ratio: drain takes {ours['seconds'] / floor['seconds']:.1f}x the bare fetch's time; "
        f"peak memory {ours['rss_peak_mb'] / floor['rss_peak_mb']:.1f}x"
    )


if __name__ == "__main__":
    main()
