"""What one generated checklist message is: its layout choices and the truth beside it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.mailbox.builders import (
    ACPO_QUESTIONS,
    DASH_QUESTIONS,
    PARAPHRASED,
    SDASH_QUESTIONS,
)
from workflow.assessment.checklists import DASH, STALKING_SCREEN

# The wordings a checklist arrives in: the published one (workflow/assessment/checklists.py, the
# one home of the wording), the victim-facing "you" form, a professional's shorthand, and the
# ACPO 27.
WORDINGS: dict[str, list[str]] = {
    "published": [q.text for q in DASH],
    "you": DASH_QUESTIONS,
    "paraphrased": PARAPHRASED,
    "acpo": ACPO_QUESTIONS,
    "sdash": [q.text for q in STALKING_SCREEN],
    "sdash_you": SDASH_QUESTIONS,
}
ACPO_SKIPPED = (10, 11, 12)  # the ACPO children questions with no SafeLives twin

# Tick styles that exist as text in any format, and those only Word can draw.
TEXT_TICKS = ("x", "X", "✓", "✔", "☒", "■", "●", "Y")
WORD_TICKS = ("formcheckbox_checked", "sdt", "wingdings", "shaded", "highlight", "bold")
# Answers given as words or codes in one column, or only in the comments; or every choice
# printed in the answer cell ("Yes / No / Don't know"), the picked one in bold where the format
# can show it (Word), else nowhere: then each answer must be listed for review.
TYPED = ("word", "code", "comment_only", "printed")
# Column orders: # number, q question, Y/N/D the option columns, c comments, a one answer column.
COLUMNS = ("# q Y N D", "q Y N D", "# q D Y N", "Y N D q", "# q N Y D c", "# q Y N D c")
COLUMNS += ("# q N D Y", "q D N Y c")  # the answer columns in other orders ("N | DK | Y")
# One table; split over two (the second with or without its heading); merged heading rows; or
# section headings inside the table ("Current situation", "Abuser(s)"), as the ACPO form has.
SHAPES = ("one", "split", "split_bare", "merged", "sections")
FORMATS = (
    "docx",
    "docx_two",
    "xlsx",
    "body_plain",
    "body_compact",
    "body_html",
    "body_8bit",
    "pdf_flat",
    "pdf_fields",
    "pdf_radio",
    "pdf_lo",
    "body_qlines",  # pasted as "• Q1. Question? Yes" lines, bullets of every kind
)


@dataclass(frozen=True)
class Case:
    """One generated message: how its checklist is laid out, and the answers it carries."""

    seed: int
    wording: str
    tick: str
    columns: str
    shape: str
    format: str
    given: tuple[str | None, ...]  # the form's answers in its own numbering (27 for ACPO)

    @property
    def instrument(self) -> str:
        """Return the record key the checklist fills."""
        return "stalking_screen" if self.wording.startswith("sdash") else "dash"

    @property
    def questions(self) -> list[str]:
        """Return the question texts as the form prints them."""
        return WORDINGS[self.wording]

    def truth(self) -> dict[str, str | None]:
        """Return the answers as the record must give them, "1".."24" or "1".."11"."""
        kept = [
            a
            for n, a in enumerate(self.given, start=1)
            if self.wording != "acpo" or n not in ACPO_SKIPPED
        ]
        return {str(n): a for n, a in enumerate(kept, start=1)}

    def score(self) -> int | None:
        """Return the DASH score the truth gives (None for an S-DASH)."""
        if self.instrument != "dash":
            return None
        return sum(1 for a in self.truth().values() if a == "yes")

    @property
    def name(self) -> str:
        """Return a short label for test ids and sweep reports."""
        return (
            f"{self.format}-{self.wording}-{self.tick}-{self.columns.replace(' ', '')}-{self.shape}"
        )


def ticks_for(fmt: str) -> tuple[str, ...]:
    """Return the tick styles a format can carry."""
    if fmt in ("docx", "docx_two", "pdf_lo"):
        return TEXT_TICKS + WORD_TICKS + TYPED
    if fmt in ("pdf_fields", "pdf_radio", "body_compact"):
        return ("field",)
    if fmt == "body_qlines":
        return ("word", "code")
    if fmt == "xlsx":  # a check box control's TRUE/FALSE linked cell, or 1 and 0 typed
        return TEXT_TICKS + TYPED + ("TRUE", "1")
    return TEXT_TICKS + TYPED


def columns_for(tick: str) -> tuple[str, ...]:
    """Return the column orders that fit a tick style (typed answers have one answer column)."""
    if tick in ("word", "code", "printed"):
        return ("# q a", "q a", "# q a c")
    if tick == "comment_only":
        return ("# q Y N D c",)
    return COLUMNS


def make_case(rng: random.Random, seed: int, fmt: str | None = None) -> Case:
    """Draw one case at random (every choice from the lists above)."""
    fmt = fmt or rng.choice(FORMATS)
    wording = rng.choice(tuple(WORDINGS))
    tick = rng.choice(ticks_for(fmt))
    columns = rng.choice(columns_for(tick))
    shape = (
        rng.choice(SHAPES) if fmt in ("docx", "xlsx", "body_html", "pdf_lo", "pdf_flat") else "one"
    )
    count = len(WORDINGS[wording])
    given = [rng.choice(("yes", "no", "dont_know")) for _ in range(count)]
    for n in rng.sample(range(count), rng.choice((0, 0, 0, 1, 2))):
        given[n] = None  # a question left unanswered
    return Case(seed, wording, tick, columns, shape, fmt, tuple(given))


def cases(seed: int, count: int, fmt: str | None = None) -> list[Case]:
    """Return `count` cases drawn from one seed (the same seed gives the same cases)."""
    rng = random.Random(seed)
    return [make_case(rng, seed * 100_000 + i, fmt) for i in range(count)]
