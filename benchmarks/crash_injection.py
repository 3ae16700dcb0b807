"""Crash injection, the big run: hundreds of messages into a real Dovecot, `flask poll-mailbox`
SIGKILLed many times at random points (fixed seed), optionally Dovecot killed or the database
cut off mid-run, then a run that finishes; the invariants of tests/ingest/test_crash_injection.py
are checked and counted.

Not a test. Run from the repository root:
    .venv/bin/python -m benchmarks.crash_injection [--messages 300] [--kills 36] [--seed 14]
        [--dovecot-kills 0] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--kills", type=int, default=36)
    parser.add_argument("--dovecot-kills", type=int, default=0)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    from commands.db import upgrade
    from tests.ingest.support import deliver
    from tests.ingest.test_crash_injection import check_invariants, mailbox, run_with_kills
    from tests.support.dovecot import DovecotServer
    from tests.support.postgres import ADMIN_URL, create_database, drop_database
    from workflow.store.db import Database

    url = (
        create_database(ADMIN_URL)
        if args.database == "postgresql"
        else f"sqlite:///{Path(tempfile.mkdtemp()) / 'crash.sqlite3'}"
    )
    try:
        upgrade(url)
        database = Database(url)
        rng = random.Random(args.seed)
        with DovecotServer() as dovecot:
            sent = mailbox(args.messages)
            deliver(dovecot, *sent)
            start = time.perf_counter()
            dovecot_kills = args.dovecot_kills

            def crash_dovecot() -> None:
                nonlocal dovecot_kills
                if dovecot_kills > 0:
                    dovecot_kills -= 1
                    dovecot.crash()
                    time.sleep(1.0)
                    dovecot.restart()

            runs = run_with_kills(database, dovecot, rng, args.kills, mid_run=crash_dovecot)
            check_invariants(database, dovecot, sent)
            elapsed = time.perf_counter() - start
        print(
            f"crash injection: {args.messages} messages, {args.kills} SIGKILLs, "
            f"{args.dovecot_kills} Dovecot kills, seed {args.seed}, {args.database}: "
            f"invariants held (inbox empty, each message moved once, one row each, no referral "
            f"twice, nothing pending); finishing runs: {runs}; {elapsed:.0f} s"
        )
    finally:
        if args.database == "postgresql":
            drop_database(ADMIN_URL, url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
