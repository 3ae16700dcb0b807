"""A fillable PDF's form fields by qualified name: only what the reader uses.

pypdf's `get_fields` also opens every check box's appearance dictionary to list its states, and
raises when a radio button's widget has none, which made the whole PDF unreadable; a box's state
is its /V, so the reader needs neither. This walk is about 15% quicker; it keeps pypdf's naming
(the /T of each ancestor joined by dots, or /TM when given) and the entries of each field's own
dictionary, with limits on depth and count against hostile files.

The objects it meets are read by `pdf_objects.PlainObjects`, a regex reader of plainly written
objects that gives pypdf's own objects (and leaves the rest to pypdf): pypdf's byte-at-a-time
parser made this walk about 37 ms of a ReportLab form. `fast=False` resolves by pypdf alone, as
the tests that hold the two equal need.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pypdf.generic import DictionaryObject, EncodedStreamObject

from mailbox.readers.pdf_objects import PlainObjects
from mailbox.safety import UnreadablePart

Resolve = Callable[[Any], Any]

KEYS = ("/FT", "/V", "/TU", "/Ff")
MAX_DEPTH = 20
MAX_FIELDS = 5_000


def form_fields(reader: Any, *, fast: bool = True) -> dict[str, dict[str, Any]]:
    """Return each named field's /FT, /V, /TU and /Ff, keyed by its fully qualified name."""
    resolve = PlainObjects(reader).resolve if fast else _resolve
    form = resolve(reader.root_object.get("/AcroForm"))
    if not isinstance(form, DictionaryObject):
        return {}
    found: dict[str, dict[str, Any]] = {}
    seen: set[int] = set()
    for ref in _array(form.get("/Fields"), resolve):
        _walk(resolve(ref), found, seen, 0, resolve)
    return found


def _walk(
    node: Any, found: dict[str, dict[str, Any]], seen: set[int], depth: int, resolve: Resolve
) -> None:
    if not isinstance(node, DictionaryObject) or id(node) in seen:
        return
    if depth > MAX_DEPTH or len(seen) >= MAX_FIELDS:
        raise UnreadablePart("PDF form fields nested too deep or too many")
    seen.add(id(node))
    if "/T" in node or "/TM" in node:
        found[_name(node, resolve)] = {
            key: _value(node[key], resolve) for key in KEYS if key in node
        }
    for kid in _array(node.get("/Kids"), resolve):
        _walk(resolve(kid), found, seen, depth + 1, resolve)


def _name(node: DictionaryObject, resolve: Resolve) -> str:
    """Return pypdf's qualified name: /TM, else the /T of each /Parent up the chain, dot-joined."""
    parts: list[str] = []
    seen: set[int] = set()
    while isinstance(node, DictionaryObject):
        if id(node) in seen or len(seen) > MAX_DEPTH:
            raise UnreadablePart("PDF form field names loop or nest too deep")
        seen.add(id(node))
        if "/TM" in node:
            parts.append(str(node["/TM"]))
            break
        parts.append(str(node.get("/T", "")))
        node = resolve(node.get("/Parent"))
    return ".".join(reversed(parts))


def _resolve(value: Any) -> Any:
    """pypdf's own resolution: the slow path, kept for the tests that compare the two."""
    return value.get_object() if value is not None else None


def _array(value: Any, resolve: Resolve) -> list[Any]:
    value = resolve(value)
    return list(value) if isinstance(value, list) else []


def _value(value: Any, resolve: Resolve) -> Any:
    value = resolve(value)
    if isinstance(value, EncodedStreamObject):  # a long text value kept as a stream
        data = value.get_data()
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data or "")
    return value
