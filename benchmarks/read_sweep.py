"""A large seeded sweep of generated checklists: per-format and per-field accuracy, silent errors.

Not a test (tests/mailbox/generated/test_generated.py runs a small slice). From the repository root:
    .venv/bin/python -m benchmarks.read_sweep [--seed 2026] [--count 448]
"Right" is a message whose every answer and score is right; a silent error is a wrong value not
listed in needs_review, and must stay at 0.
"""

from __future__ import annotations

import argparse
from collections import Counter

from tests.mailbox.generated.cases import Verdict, read_all
from tests.mailbox.generated.spec import cases


def _field(path: str) -> str:
    return "score" if path.endswith("score") else path.split(".")[0] + " answers"


def report(verdicts: list[Verdict]) -> None:
    """Print messages right per format, per-field accuracy and the silent-error count."""
    total, right = Counter[str](), Counter[str]()
    for v in verdicts:
        total[v.case.format] += 1
        right[v.case.format] += v.all_right
    for fmt in sorted(total):
        print(f"  {fmt:14} {right[fmt]:4}/{total[fmt]:<4} messages right")
    seen, ok = Counter[str](), Counter[str]()
    for v in verdicts:
        for path in v.right + v.flagged + v.silent:
            seen[_field(path)] += 1
            ok[_field(path)] += path in v.right
    for name in sorted(seen):
        print(f"  {name:24} {ok[name]}/{seen[name]} ({100 * ok[name] / seen[name]:.1f}%)")
    silent = [v for v in verdicts if v.silent]
    for v in silent:
        print(f"  SILENT {v.case.name} seed {v.case.seed}: {', '.join(v.silent)}")
    n = len(verdicts)
    print(f"messages: {n}, right: {sum(v.all_right for v in verdicts)} ", end="")
    print(f"({100 * sum(v.all_right for v in verdicts) / n:.1f}%)")
    print(f"silent errors: {sum(len(v.silent) for v in verdicts)} in {len(silent)} messages")


def main() -> None:
    """Generate, read and judge a seeded sweep."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--count", type=int, default=448)
    args = parser.parse_args()
    report(read_all(cases(args.seed, args.count)))


if __name__ == "__main__":
    main()
