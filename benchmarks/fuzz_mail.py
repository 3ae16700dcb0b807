"""Long fuzz run over the mail path: mutated referral mail over the MIME walker, each document
reader and the per-message boundary (tests/mailbox/fuzzing.py says what is counted).

Not a test. Run from the repository root:
    .venv/bin/python -m benchmarks.fuzz_mail [--iterations N] [--seed S] [--corpus DIR]
--corpus adds real-world messages as seeds, read where they are (e.g. ../shared/corpus/realworld);
nothing is copied into the project. Each finding's input is written to --out (default: a temp
directory) to become a regression test. Exit status 1 when anything escaped or crashed.
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
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    sys.setrecursionlimit(1000)  # as in service: a deep structure must be refused, not recursed
    from tests.mailbox.fuzzing import READERS, Tally, documents, mutate, run_document, run_message
    from tests.mailbox.fuzzing import seeds as generated

    messages = list(generated())
    if args.corpus:
        messages += [p.read_bytes() for p in sorted(args.corpus.rglob("*")) if p.is_file()]
    docs = documents()
    rng = random.Random(args.seed)
    tally = Tally()
    start = time.perf_counter()
    for n in range(args.iterations):
        choices = [
            (rng.randrange(6), rng.randrange(2**20), rng.randrange(4097))
            for _ in range(rng.randint(1, 6))
        ]
        if n % 2 == 0:
            run_message(tally, mutate(rng.choice(messages), choices))
        else:
            kind = rng.choice(sorted(READERS))
            run_document(tally, kind, mutate(docs[kind], choices))
    elapsed = time.perf_counter() - start
    out = args.out or Path(tempfile.mkdtemp(prefix="fuzz-findings-"))
    for name, data in tally.examples.items():
        (out / name.replace(":", "-")).write_bytes(data)
    print(f"seeds: {len(messages)} messages ({len(messages) - len(generated())} real-world), "
          f"{len(docs)} documents; seed {args.seed}")  # fmt: skip
    print(tally.line())
    print(f"elapsed: {elapsed:.1f} s ({sum(tally.iterations.values()) / elapsed:.0f} calls/s)")
    if tally.examples:
        print(f"findings written to {out}")
    return 1 if tally.escaped or tally.crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
