"""The one cleaner for a sender's file name, used where it is stored, shown and downloaded.

The name is the sender's choice. A path in it is not part of the name; line breaks would split a
Content-Disposition header; quotes and reserved characters confuse browsers and file systems;
invisible, bidirectional and other format characters (U+202E RIGHT-TO-LEFT OVERRIDE) can make
"report\u202efdp.exe" display as "reportexe.pdf".
"""

import re
import unicodedata
from pathlib import PurePath

MAX_FILENAME = 150
_DROPPED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})  # controls, format, unassigned
_RESERVED = re.compile(r'[<>:"|?*]')


def clean_filename(name: str | None, fallback: str = "attachment") -> str:
    """Return the name without path, invisible or format characters, reserved characters or
    surrounding dots and spaces, at most MAX_FILENAME characters (its extension kept)."""
    if not name:
        return fallback
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED)
    text = re.split(r"[\\/]", text)[-1]
    text = _RESERVED.sub("_", text).strip(" .")
    if not text:
        return fallback
    if len(text) > MAX_FILENAME:
        suffix = PurePath(text).suffix[:16]
        text = text[: MAX_FILENAME - len(suffix)] + suffix
    return text
