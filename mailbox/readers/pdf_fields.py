"""A fillable PDF's form fields by qualified name: only what the reader uses.

pypdf's `get_fields` also opens every check box's appearance dictionary to list its states, and
raises when a radio button's widget has none, which made the whole PDF unreadable; a box's state
is its /V, so the reader needs neither. This walk is about 15% quicker; it keeps pypdf's naming
(the /T of each ancestor joined by dots, or /TM when given) and the entries of each field's own
dictionary, with limits on depth and count against hostile files.

The objects it meets are read by `pdf_objects.PlainObjects`, a regex reader of plainly written
objects that gives pypdf's own objects (and leaves the rest to pypdf): pypdf's byte-at-a-time
parser made this walk about 37 ms of a ReportLab form. A field's or the form's dictionary is only
looked into, so only the entries the walk looks up (NODE_KEYS) are built, and it is kept for this
walk, not in pypdf's cache; what the walk returns is whole, and cached as pypdf caches it.
`fast=False` resolves by pypdf alone, as the tests that hold the two equal need.
"""

from __future__ import annotations

from typing import Any

from pypdf.generic import DictionaryObject, EncodedStreamObject

from mailbox.readers.pdf_objects import PlainObjects
from mailbox.safety import UnreadablePart

KEYS = ("/FT", "/V", "/TU", "/Ff")
# What the walk looks up in the form and its fields: the rest of a plain dictionary is not built.
NODE_KEYS = frozenset({"/Fields", "/Kids", "/Parent", "/T", "/TM", *KEYS})
MAX_DEPTH = 20
MAX_FIELDS = 5_000


class _Pypdf:
    """pypdf's own resolution, for both what is looked into and what is returned: the slow path,
    kept for the tests that hold the two equal."""

    @staticmethod
    def node(value: Any) -> Any:
        return value.get_object() if value is not None else None

    value = node


Objects = PlainObjects | _Pypdf


def form_fields(reader: Any, *, fast: bool = True) -> dict[str, dict[str, Any]]:
    """Return each named field's /FT, /V, /TU and /Ff, keyed by its fully qualified name."""
    objects: Objects = PlainObjects(reader, NODE_KEYS) if fast else _Pypdf()
    form = objects.node(reader.root_object.get("/AcroForm"))
    if not isinstance(form, DictionaryObject):
        return {}
    found: dict[str, dict[str, Any]] = {}
    seen: set[int] = set()
    for ref in _array(form.get("/Fields"), objects):
        _walk(objects.node(ref), found, seen, 0, objects)
    return found


def _walk(
    node: Any, found: dict[str, dict[str, Any]], seen: set[int], depth: int, objects: Objects
) -> None:
    if not isinstance(node, DictionaryObject) or id(node) in seen:
        return
    if depth > MAX_DEPTH or len(seen) >= MAX_FIELDS:
        raise UnreadablePart("PDF form fields nested too deep or too many")
    seen.add(id(node))
    if "/T" in node or "/TM" in node:
        found[_name(node, objects)] = {
            key: _value(node[key], objects) for key in KEYS if key in node
        }
    for kid in _array(node.get("/Kids"), objects):
        _walk(objects.node(kid), found, seen, depth + 1, objects)


def _name(node: DictionaryObject, objects: Objects) -> str:
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
        node = objects.node(node.get("/Parent"))
    return ".".join(reversed(parts))


def _array(value: Any, objects: Objects) -> list[Any]:
    value = objects.value(value)
    return list(value) if isinstance(value, list) else []


def _value(value: Any, objects: Objects) -> Any:
    value = objects.value(value)
    if isinstance(value, EncodedStreamObject):  # a long text value kept as a stream
        data = value.get_data()
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data or "")
    return value
