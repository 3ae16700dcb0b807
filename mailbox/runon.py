"""Find where a typed value runs into the next label, and labels typed without a colon.

Flattened PDFs and pasted text lose the gap between one box and the next: "Jane Doe Completed
26/02/2026" is a name followed by the next box's label and value. Only the catalogue's own wordings
(mailbox/labels.py), word for word, count as a label here: the looser meaning rules would find a
label in half the names and addresses people write.
"""

from __future__ import annotations

from mailbox.fields import is_listed

MAX_LABEL_WORDS = 7
MAX_VALUE_WORDS = 40  # longer text is prose, not a box's value
# Free text may name a label in passing ("call her mobile"): there only "Label:" counts.
FREE_TEXT = ("address", "reason_for_referral", "safe_contact_notes")


def cut_run_on(path: str, value: str) -> tuple[str, tuple[str, str] | None]:
    """Split a value at the first known label inside it: (value before, (label, rest)) or none."""
    words = value.split()
    if len(words) < 2 or len(words) > MAX_VALUE_WORDS:
        return value, None
    # Where the writer used colons, a label without one inside the value is just words.
    free = path.rsplit(".", 1)[-1] in FREE_TEXT or any(w.endswith((":", "?")) for w in words)
    for start in range(1, len(words)):
        found = _label_at(words, start, needs_colon=free)
        if found is not None:
            end, label = found
            if start == 1 and path.endswith(".name") and _shorter(words, start, end, free):
                # "Vera Victim DOB 14/07/1988": "Victim DOB" and "DOB" are both labels. A full
                # name has two words at least, so the name keeps "Victim" (still checked).
                start, label = start + 1, " ".join(words[start + 1 : end]).rstrip(":")
            rest = " ".join(words[end:]).lstrip(":? ")
            return " ".join(words[:start]).rstrip(" ,;-"), (label, rest)
    return value, None


def _label_at(words: list[str], start: int, *, needs_colon: bool) -> tuple[int, str] | None:
    """Return (end, label) for the longest catalogue label starting at words[start]."""
    if not words[start][:1].isupper():
        return None  # a form's label starts with a capital; a run of prose does not
    for end in range(min(len(words), start + MAX_LABEL_WORDS), start, -1):
        label = " ".join(words[start:end])
        colon = label.endswith((":", "?"))
        if is_listed(label) and (colon or not needs_colon) and (colon or end < len(words)):
            return end, label.rstrip(":")
    return None


def _shorter(words: list[str], start: int, end: int, needs_colon: bool) -> bool:
    """Tell whether the label words[start:end] without its first word is a label still."""
    rest = words[start + 1 : end]
    colon = bool(rest) and rest[-1].endswith((":", "?"))
    return (
        bool(rest)
        and rest[0][:1].isupper()
        and is_listed(" ".join(rest))
        and (colon or not needs_colon)
    )


def leading_label(text: str) -> tuple[str, str] | None:
    """Split a colon-less line "Victim name Vera Victim" into its catalogue label and value."""
    words = text.split()
    if len(words) < 2 or len(words) > MAX_VALUE_WORDS:
        return None
    for end in range(min(len(words) - 1, MAX_LABEL_WORDS), 0, -1):
        if is_listed(" ".join(words[:end])) and _starts_a_value(words[end]):
            return " ".join(words[:end]).rstrip(":"), " ".join(words[end:]).lstrip(":? ")
    return None


def _starts_a_value(word: str) -> bool:
    """Tell a typed value ("Vera", "14/07/1988", "ruth@…") from prose ("Name withheld …")."""
    return word[:1].isupper() or word[:1].isdigit() or "@" in word or word[:1] in "+(☒☐"
