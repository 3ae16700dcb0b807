"""Turn what a referrer typed into record values, saying when the reading is doubtful."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from mailbox.grid import Mark, glyph_mark

MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_YES = r"y|yes|yep|true|agreed|given"
_NO = r"n|no|none given|false|refused|declined|not given"
_DK = r"dk|d/k|don'?t know|do not know|unknown|not known|unsure|n/k|nk"

_OPTION = r"(yes|no|don'?t know|dk|unknown)"
_GLYPH = r"([☒☑✓✔✗✘■☐□xX])"
# A box glyph (or a bracketed X) before an option word: "☒ Yes ☐ No", "[X] Don't know".
_INLINE_BOX = re.compile(rf"(?:^|(?<=[\s\[(])){_GLYPH}\]?\)?\s*{_OPTION}\b", re.I)
# The same with the word first: "Yes ☐ No ☒".
_WORD_THEN_BOX = re.compile(rf"\b{_OPTION}\s*\[?{_GLYPH}(?=$|[\s\]])", re.I)

# A parsed value and whether it is doubtful (then its path goes to needs_review).
Reading = tuple[Any, bool]


def answer_word(text: str) -> str | None:
    """Return yes/no/dont_know for a Yes/No/Don't know word at the start of `text`.

    None when the text opens with the form's printed choices ("Yes / No / Don't know"): which
    one was picked (in bold, circled, the others struck through) is not in the words.
    """
    t = text.lower().replace("\u2019", "'").strip(" \t-:.()")
    if lists_options(t):
        return None
    for value, pattern in (("dont_know", _DK), ("yes", _YES), ("no", _NO)):
        if re.match(rf"(?:{pattern})(?![\w'/])", t):  # "n/a" and "y/n" are not answers
            return value
    return None


_CHOICE = r"(yes|no|y|n|don'?t know|dk|d/k|unknown|not known)"
# Two choices side by side, the second ending the text or followed by punctuation or a third:
# "Yes / No / Don't know", "Yes No", "N / DK – see log"; but "Yes, no objection" is a Yes.
_CHOICES = re.compile(
    rf"^[\W_]*{_CHOICE}\s*[/|,\\]?\s*{_CHOICE}(?![\w'])(?=\s*($|[/|,\\.;:()–—-]|{_CHOICE}(?![\w'])))",
    re.I,
)


def lists_options(text: str) -> bool:
    """Tell whether a text opens with two different choices side by side ("Yes / No", "Yes No
    Don't know", "Y | N"): a form's printed options, not an answer."""
    found = _CHOICES.match(text.replace("\u2019", "'"))
    return found is not None and _choice(found[1]) != _choice(found[2])


def _choice(word: str) -> str:
    word = word.lower()
    return "yes" if word in ("yes", "y") else "no" if word in ("no", "n") else "dont_know"


def ticked_options(text: str) -> list[str]:
    """Return the options ticked in inline text like '☒ Yes ☐ No ☐ Don't know'."""
    box_first, word_first = _INLINE_BOX.search(text), _WORD_THEN_BOX.search(text)
    if box_first and (not word_first or box_first.start() <= word_first.start()):
        pairs = _INLINE_BOX.findall(text)
    else:  # whichever layout starts first is the one the writer used
        pairs = [(glyph, word) for word, glyph in _WORD_THEN_BOX.findall(text)]
    return [answer_word(word) or "" for glyph, word in pairs if glyph_mark(glyph) is Mark.TICKED]


_BOX_CHARS = re.compile(r"[☒☑✓✔✗✘■☐□]")


def boxes_paired(text: str) -> bool:
    """Tell whether every box printed in the text sits beside an option word, all one way round.

    A word processor's PDF can lose the boxes' places ("Yes No Don't know☒ ☐ ☐"): a box then
    pairs with the wrong word, or with none, and the reading must go to a person.
    """
    box_first, word_first = _INLINE_BOX.search(text), _WORD_THEN_BOX.search(text)
    if box_first and (not word_first or box_first.start() <= word_first.start()):
        glyphs = [glyph for glyph, _ in _INLINE_BOX.findall(text)]
    else:
        glyphs = [glyph for _, glyph in _WORD_THEN_BOX.findall(text)]
    paired = sum(1 for g in glyphs if _BOX_CHARS.fullmatch(g))
    return paired == len(_BOX_CHARS.findall(text))


def has_boxes(text: str) -> bool:
    """Tell whether the text prints any box glyph (ticked or empty)."""
    return _BOX_CHARS.search(text) is not None


def read_yes_no(text: str) -> Reading:
    """Read a yes/no value (possibly written with tick boxes); None when blank."""
    if not text.strip():
        return None, False
    if _INLINE_BOX.search(text) or _WORD_THEN_BOX.search(text):
        chosen = ticked_options(text)
        if len(chosen) == 1 and chosen[0] != "dont_know":
            return chosen[0], not boxes_paired(text)
        return None, True
    word = answer_word(text)
    if word in ("yes", "no"):
        return word, len(text.split()) > 3  # a yes/no with an explanation: read, but check
    return None, True


def read_bool(text: str) -> Reading:
    """Read a yes/no value as a boolean."""
    value, doubt = read_yes_no(text)
    return (None if value is None else value == "yes"), doubt


def read_date(text: str) -> Reading:
    """Read a UK-style date (day first) into ISO form."""
    t = text.strip().lower()
    if not t:
        return None, False
    if m := re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", t):
        return _iso(int(m[1]), int(m[2]), int(m[3]), False)
    if m := re.search(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b", t):
        # Two-digit years need a century guess: read it, but ask a person to check.
        return _iso(_century(int(m[3])), int(m[2]), int(m[1]), len(m[3]) == 2)
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]{3})[a-z]*\.?,?[\s-]+(\d{4}|\d{2})\b", t)
    if m and m[2] in MONTHS:
        return _iso(_century(int(m[3])), MONTHS[m[2]], int(m[1]), len(m[3]) == 2)
    return None, True


def _century(year: int) -> int:
    """Put a two-digit year in a century (a guess: the reading is then doubted)."""
    if year >= 100:
        return year
    return year + (2000 if year <= dt.date.today().year % 100 else 1900)


def _iso(year: int, month: int, day: int, doubt: bool) -> Reading:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None, True
    implausible = date.year < 1900 or date > dt.date.today()  # a typo, or day and month swapped
    return date.isoformat(), doubt or implausible


_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(["none", "one", "two", "three", "four", "five", "six", "seven", "eight"])
}


def read_count(text: str) -> Reading:
    """Read a small count such as the number of children in the household."""
    t = text.strip().lower()
    if not t:
        return None, False
    if re.fullmatch(r"\d{1,2}", t):
        return int(t), False
    if t in _NUMBER_WORDS or t in ("no", "nil", "0"):
        return _NUMBER_WORDS.get(t, 0), False
    if m := re.match(r"(\d{1,2})\b", t):
        return int(m[1]), True
    return None, True


def read_gender(text: str) -> Reading:
    """Read a gender into female/male, keeping anything else as written (checked)."""
    t = text.strip().lower()
    if not t:
        return None, False
    if t in ("f", "female", "woman", "girl"):
        return "female", False
    if t in ("m", "male", "man", "boy"):
        return "male", False
    return text.strip(), True


def read_text(text: str) -> Reading:
    """Read free text, collapsing whitespace."""
    t = " ".join(text.split())
    return (t or None), False


def read_name(text: str) -> Reading:
    """Read a person's name as written; "KOWALSKA, Maria" (surname first) is checked by a person."""
    t = " ".join(text.split())
    return (t or None), "," in t


def read_email(text: str) -> Reading:
    """Read an email address."""
    t = text.strip().strip("<>")
    if not t:
        return None, False
    m = re.search(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+", t)
    return (m[0], m[0] != t) if m else (t, True)


def read_phone(text: str) -> Reading:
    """Read a phone number as written, doubting it when the digits do not look like one."""
    t = " ".join(text.split())
    if not t:
        return None, False
    digits = re.sub(r"\D", "", t)
    # A UK number starts 0 or 44; a spreadsheet that stored it as a number lost the 0.
    uk = digits.startswith(("0", "44"))
    return t, not (10 <= len(digits) <= 13 and uk)


POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"


def read_postcode(text: str) -> Reading:
    """Read a UK postcode in upper case."""
    t = " ".join(text.split()).upper()
    if not t:
        return None, False
    if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}", t):
        t = f"{t[:-3]} {t[-3:]}"  # the inward code is always the last three characters
    ok = re.fullmatch(POSTCODE, t)
    return t, not ok


READERS = {
    "name": read_name,
    "date_of_birth": read_date,
    "completed_date": read_date,
    "gender": read_gender,
    "email": read_email,
    "phone": read_phone,
    "postcode": read_postcode,
    "safe_to_contact": read_bool,
    "professional_judgement": read_bool,
    "consent": read_yes_no,
    "children_in_household": read_count,
}


def read_value(path: str, text: str) -> Reading:
    """Read the text given for record path `path`."""
    return READERS.get(path.rsplit(".", 1)[-1], read_text)(text)
