"""Every label wording in every layout: per-layout and per-field accuracy, and silent errors.

Not a test (tests/mailbox/test_field_labels.py runs the fast layouts and a LibreOffice slice).
From the repository root:
    .venv/bin/python -m benchmarks.field_sweep [--no-libreoffice]
"Right" is a value equal to the truth (text folded as the acceptance scorer folds it); a silent
error is a wrong value not listed in needs_review, and must stay at 0.
"""

from __future__ import annotations

import argparse
from collections import Counter

from mailbox.parse import parse_message
from tests.mailbox.layouts import (
    LAYOUTS,
    LIBREOFFICE_LAYOUTS,
    RUN_ON_LAYOUTS,
    TRUTH,
    VARIANTS,
    form,
    read,
    same,
)


def main() -> None:
    """Generate, read and judge every wording x layout x address shape."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the slow layouts")
    args = parser.parse_args()
    layouts = {**LAYOUTS, **RUN_ON_LAYOUTS}
    if not args.no_libreoffice:
        layouts |= LIBREOFFICE_LAYOUTS
    seen, right, silent, messages, whole = Counter[str](), Counter[str](), [], Counter[str](), 0
    for name, layout in sorted(layouts.items()):
        for variant in range(VARIANTS):
            for lines in (False, True):
                record = parse_message(layout(form(variant, address_lines=lines)))
                ok = record["disposition"] == "referral"
                for path, truth in TRUTH.items():
                    value = read(record, path) if ok else None
                    seen[path] += 1
                    right[path] += same(value, truth)
                    if not same(value, truth) and path not in record["needs_review"]:
                        silent.append(f"{name} variant {variant}: {path}={value!r}")
                all_right = ok and all(same(read(record, p), t) for p, t in TRUTH.items())
                messages[name] += 1
                whole += all_right
                right[f"layout {name}"] += all_right
    for name in sorted(messages):
        print(f"  {name:24} {right[f'layout {name}']:4}/{messages[name]:<4} messages right")
    for path in TRUTH:
        print(f"  {path:36} {right[path]}/{seen[path]} ({100 * right[path] / seen[path]:.1f}%)")
    for line in silent:
        print(f"  SILENT {line}")
    total = sum(messages.values())
    print(f"messages: {total}, right: {whole} ({100 * whole / total:.1f}%)")
    print(f"silent errors: {len(silent)}")


if __name__ == "__main__":
    main()
