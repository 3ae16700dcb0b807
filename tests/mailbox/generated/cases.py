"""Read generated cases and judge each against its truth: right, flagged, or silently wrong."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailbox.parse import parse_message
from tests.mailbox.generated.render import docx_form, message
from tests.mailbox.generated.spec import Case


@dataclass
class Verdict:
    """How one message was read: each checked path right, flagged, or wrong and quiet."""

    case: Case
    right: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # wrong (or missing) but in needs_review
    silent: list[str] = field(default_factory=list)  # wrong and not in needs_review

    @property
    def all_right(self) -> bool:
        """Tell whether every checked value was right."""
        return not self.flagged and not self.silent


def judge(case: Case, record: dict[str, Any]) -> Verdict:
    """Compare a record with the case's truth: every answer, and the DASH score."""
    verdict = Verdict(case)
    review = set(record.get("needs_review") or [])
    referral = record.get("referral") or {}
    checklist = referral.get(case.instrument) or {}
    got = checklist.get("answers") or {}
    expected: dict[str, Any] = {
        f"{case.instrument}.answers.{q}": a for q, a in case.truth().items()
    }
    read = {f"{case.instrument}.answers.{q}": a for q, a in got.items()}
    if case.instrument == "dash":
        expected["dash.score"] = case.score()
        read["dash.score"] = checklist.get("score")
    if record.get("disposition") != "referral":
        verdict.silent.append("disposition")
    for path, truth in expected.items():
        if read.get(path) == truth:
            verdict.right.append(path)
        else:
            (verdict.flagged if path in review else verdict.silent).append(path)
    return verdict


def libreoffice_pdfs(items: Iterable[Case]) -> dict[int, bytes]:
    """Render the Word form of each case to PDF with LibreOffice headless, in one run.

    LibreOffice now and then skips a file of a long batch without a word: those are converted
    again in a second run.
    """
    wanted = [c for c in items if c.format == "pdf_lo"]
    if not wanted:
        return {}
    # Each rendering is filed under its case's seed: two cases with one seed would swap PDFs.
    assert len({c.seed for c in wanted}) == len(wanted), "pdf_lo cases need distinct seeds"
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: apt-get install libreoffice-writer-nogui"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case in wanted:
            (folder / f"{case.seed}.docx").write_bytes(docx_form(case))
        for _ in range(2):
            missing = [c for c in wanted if not (folder / f"{c.seed}.pdf").exists()]
            if missing:
                _convert(soffice, folder, missing)
        return {c.seed: (folder / f"{c.seed}.pdf").read_bytes() for c in wanted}


def _convert(soffice: str, folder: Path, items: list[Case]) -> None:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(folder / f"{c.seed}.docx") for c in items),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )


def read_all(items: list[Case]) -> list[Verdict]:
    """Render, parse and judge every case."""
    pdfs = libreoffice_pdfs(items)
    return [judge(c, parse_message(message(c, pdfs.get(c.seed)))) for c in items]
