"""Read a PDF's plain indirect objects by regular expression, as pypdf's `get_object` reads them.

pypdf parses an object a byte at a time in Python, with a seek for each peek: a form field's
dictionary (some sixty tokens) cost about 0.3 ms, and reading a ReportLab form's fields was about
37 ms of its PDF. Here an object written plainly in the file (`N G obj`, a value of names,
numbers, references, strings, arrays and dictionaries, then `endobj`) is matched by `re` from its
offset in the cross-reference table. Two ways:

- `value` builds the whole object with the constructors pypdf's own reader calls (a number told
  from a reference as pypdf tells them, in its twenty-byte peek) and puts it in pypdf's cache with
  `cache_indirect_object`, as `get_object` would, so later reads by pypdf get this very object.
- `node`, for a dictionary only looked into (the form, a field), matches each entry's value whole
  by one pattern (`_entry_patterns`), and builds only the entries asked for. Matched, the whole
  object is of tokens pypdf reads as we would; the partial dictionary is kept for the caller's
  walk (one object per reference), never in pypdf's cache, which must hold whole objects. Most
  of a field's sixty tokens (its appearance, border, colours, rectangle) are never built.

Anything else goes to `reader.get_object`, for the whole object: an encrypted file (strings need
decrypting), an object in an object stream, a free or missing entry, a header that does not say
the object asked for, a stream, a comment, white space other than space, tab, CR and LF, a name
with `#` escapes or bytes outside ASCII, an odd number, a repeated key, a dictionary key that is
not a name, nesting deeper than `_MAX_DEPTH` (for a node's skipped entries, `_ENTRY_DEPTH`), or
any token not known here. A string with escapes or brackets is read by pypdf's own string reader,
from the same place in the same bytes. Nothing here raises on hostile bytes: it gives up, and
pypdf reads (or refuses) as it always did; every run is possessive, so bytes that are no token
fail once, not once per length. `tests/mailbox/test_pdf_fields_fast.py` holds the two equal,
type for type, on generated, rewritten, object-stream, encrypted, awkward and mutated files.
"""

from __future__ import annotations

import binascii
import functools
import io
import re
from typing import Any

from pypdf._configuration import get_configuration
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    create_string_object,
)
from pypdf.generic._utils import read_string_from_stream

_WS = rb"[\t\n\r ]"  # white space every pypdf reader skips alike (not NUL, form feed, VT)
_DELIMITED = rb"(?=[\s()<>\[\]{}/%])"  # pypdf's NameObject.delimiter_pattern ends the token
_HEADER = re.compile(_WS + rb"*(\d{1,20})" + _WS + rb"+(\d{1,20})" + _WS + rb"+obj" + _WS + b"*")
# One token after any white space, told by the number of its last group. A name without "#" or
# bytes outside printable ASCII; a reference as pypdf's IndirectPattern has it, but for white
# space other than this (which then stops the next token); a number int() or float() reads
# whole, ended by a byte that is not one of pypdf's number bytes; a string without escapes or
# brackets (pypdf's string reader reads the others). Possessive runs: a token has one reading,
# and a long run of digits or name bytes that is no token fails once, not once per length.
_NAME_PATTERN = rb"/[^\x00-\x20\x7f-\xff()<>\[\]{}/%#]{0,1000}+" + _DELIMITED
_TOKEN = re.compile(
    _WS
    + rb"*+(?:("  # 1 name
    + _NAME_PATTERN
    + rb")"
    + rb"|([+-]?\d++)"  # 2, 3: a reference
    + _WS
    + rb"++(\d++)"
    + _WS
    + rb"++R(?=[^a-zA-Z])"
    + rb"|([+-]?(?>\d+(?:\.\d*)?|\.\d+))(?![+,\-.0-9])"  # 4 number
    + rb"|\(([^()\\]*+)\)"  # 5 string
    + rb"|(<<)|(>>)|(\[)|(\])"  # 6 to 9
    + rb"|<([0-9A-Fa-f\t\n\r ]*+)>"  # 10 hex string
    + rb"|(true|false|null)"  # 11
    + _DELIMITED
    + rb"|(\()"  # 12 a string for pypdf's reader
    + rb")"
)
_NAME, _REF, _NUMBER, _STRING = 1, 3, 4, 5
_DICT, _DICT_END, _ARRAY, _ARRAY_END = 6, 7, 8, 9
_HEX, _WORD, _PYPDF_STRING = 10, 11, 12
_END = re.compile(_WS + rb"*endobj")


def _value_pattern(depth: int) -> bytes:
    """A value nested at most `depth` deep, as one pattern: matched, its tokens are all ours.

    The same tokens as _TOKEN's, but a reference or number only as short as pypdf's peek holds
    whole (a longer one fails here; "R" alone is no token, so it cannot pass as numbers), and no
    string with escapes. Atomic groups: each place has one reading, so nothing is retried.
    """
    simple = (
        rb"(?>"
        + _NAME_PATTERN
        + rb"|[+-]?\d{1,7}"  # at most 18 bytes: with the byte after it, in the peek of 20
        + _WS
        + rb"{1,2}\d{1,5}"
        + _WS
        + rb"{1,2}R(?=[^a-zA-Z])"
        + rb"|(?=[+,\-.0-9]{1,19}(?![+,\-.0-9]))[+-]?(?>\d+(?:\.\d*)?|\.\d+)(?![+,\-.0-9])"
        + rb"|\([^()\\]*+\)|<[0-9A-Fa-f\t\n\r ]*+>|(?:true|false|null)"
        + _DELIMITED
        + rb")"
    )
    value = simple
    for _ in range(depth):
        array = rb"\[(?>" + _WS + rb"*+" + value + rb")*+" + _WS + rb"*+\]"
        entries = (
            rb"<<(?>"
            + (_WS + rb"*+" + _NAME_PATTERN + _WS + rb"*+" + value)
            + (rb")*+" + _WS + rb"*+>>")
        )
        value = rb"(?>" + simple + b"|" + array + b"|" + entries + b")"
    return value


# A node's dictionary is passed over entry by entry, each entry's value matched whole by one
# pattern, and only the entries asked for are built.
_ENTRY_DEPTH = 3  # a widget's /AP << /N << /Yes 5 0 R >> >> is a value 2 deep


@functools.cache
def _entry_patterns(keys: frozenset[bytes]) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Patterns for a dictionary's entries: the next one in `keys` (its key, and where its value
    starts), and the dictionary's end; both pass over the entries before it in the same match."""
    value = _value_pattern(_ENTRY_DEPTH)
    wanted = b"|".join(re.escape(key) for key in sorted(keys)) or rb"(?!)"
    wanted = rb"(?:" + wanted + rb")" + _DELIMITED
    others = (
        rb"(?>" + _WS + rb"*+(?!" + wanted + rb")" + _NAME_PATTERN + _WS + rb"*+" + value + rb")*+"
    )
    return (
        re.compile(others + _WS + rb"*+(" + wanted + rb")" + _WS + rb"*+()" + value),
        re.compile(others + _WS + rb"*+>>" + _WS + rb"*+endobj"),
    )


_HEX_SPACE = re.compile(_WS)
_PEEK = 20  # pypdf reads a number or reference from a peek this long, the byte ending it in it
_MAX_DEPTH = 32  # pypdf recurses into nesting; past this, its own reader meets a deep file


class _GiveUp(Exception):
    """This object is for pypdf's own reader."""


class PlainObjects:
    """Resolve references in one reader: plain objects by regex, the rest by pypdf.

    `value` gives what `get_object` gives, and caches it where pypdf does. `node` is for
    dictionaries only looked into: a plain one is read with just the entries named in `keys`,
    kept here (one object per reference for this reader's walk) and not in pypdf's cache, which
    must hold whole objects.
    """

    def __init__(self, reader: Any, keys: frozenset[str] = frozenset()) -> None:
        self.reader = reader
        self.keys = frozenset(key.encode("ascii") for key in keys)
        self.nodes: dict[tuple[int, int], Any] = {}
        stream = getattr(reader, "stream", None)
        # Only a file held in memory is read here, its bytes the ones pypdf would seek in; and
        # only by a reader built as this was written for, not encrypted (its strings need
        # decrypting): with any other, pypdf reads everything.
        self.data: bytes | None = None
        if isinstance(stream, io.BytesIO) and _unencrypted_pypdf_reader(reader):
            self.data = stream.getvalue()

    def value(self, value: Any) -> Any:
        """Return what `value.get_object()` returns, reading a plain object here when it can."""
        if not self._plain(value):
            return value.get_object() if value is not None else None
        reader, key = self.reader, (value.generation, value.idnum)
        if key not in reader.resolved_objects:
            found = self._read(value.idnum, value.generation, whole=True)
            if found is not None:
                # What get_object does with what it read, so pypdf later finds this very object.
                reader.cache_indirect_object(value.generation, value.idnum, found)
                return found
        return reader.get_object(value)

    def _plain(self, value: Any) -> bool:
        """Whether `value` is a reference this reader may read from the bytes it holds."""
        return isinstance(value, IndirectObject) and value.pdf is self.reader and bool(self.data)

    def node(self, value: Any) -> Any:
        """Return `value`'s object to look into: a plain dictionary with only `keys` in it."""
        if not self._plain(value):
            return self.value(value)
        if self.reader.strict:
            return self.value(value)  # it refuses a repeated key, even one never looked up
        key = (value.generation, value.idnum)
        if key not in self.nodes:
            found = None
            if key not in self.reader.resolved_objects:
                found = self._read(value.idnum, value.generation, whole=False)
            self.nodes[key] = self.value(value) if found is None else found
        return self.nodes[key]

    def _read(self, idnum: int, generation: int, whole: bool) -> Any:
        start = self._offset(idnum, generation)
        if start is None or self.data is None:
            return None
        header = _HEADER.match(self.data, start)
        if header is None or (int(header[1]), int(header[2])) != (idnum, generation):
            return None  # pypdf repairs or refuses this one itself
        parser = _Parser(self.data, self.reader)
        try:
            if whole:
                return parser.object_at(header.end())
            return parser.node_at(header.end(), self.keys)
        except _GiveUp:
            return None
        except Exception:  # a surprise in pypdf's constructors: pypdf reads it, and decides
            return None

    def _offset(self, idnum: int, generation: int) -> int | None:
        """The object's offset, when pypdf's get_object would read it plainly from there."""
        reader = self.reader
        if (generation == 0 and idnum in reader.xref_objStm) or (
            (idnum, generation) in reader._known_objects  # a read of it failed: pypdf says loop
        ):
            return None
        if reader.xref_free_entry.get(generation, {}).get(idnum, False):
            return None
        start = reader.xref.get(generation, {}).get(idnum)
        if not isinstance(start, int) or not 0 <= start < len(self.data or b""):
            return None
        return start


def _unencrypted_pypdf_reader(reader: Any) -> bool:
    """Whether the reader has the tables get_object reads by (pypdf 7's), and no encryption."""
    tables = ("resolved_objects", "xref", "xref_objStm", "xref_free_entry", "_known_objects")
    return (
        all(isinstance(getattr(reader, name, None), dict | set) for name in tables)
        and getattr(reader, "_encryption", True) is None
        and getattr(reader, "_override_encryption", True) is False
    )


class _Parser:
    """One object's value, read from `data` token by token, open containers kept on a stack."""

    def __init__(self, data: bytes, reader: Any) -> None:
        self.data = data
        self.reader = reader
        config = get_configuration()
        self.max_array = config.array_maximum_element_count
        self.max_dict = config.dictionary_maximum_element_count

    def object_at(self, pos: int) -> Any:
        """Return the value starting at `pos` and ended by `endobj`; _GiveUp on anything else."""
        value, end = self.value_at(pos)
        if _END.match(self.data, end) is None:
            raise _GiveUp  # a stream, or something pypdf would leave after the value
        return value

    def node_at(self, pos: int, keys: frozenset[bytes]) -> DictionaryObject:
        """Return the dictionary at `pos`, ended by `endobj`, with only its entries in `keys`.

        A key repeated outside `keys` is let be: pypdf keeps the first and warns (only a strict
        reader refuses, and none is read here).
        """
        data, start = self.data, pos
        if not data.startswith(b"<<", pos):
            raise _GiveUp
        next_wanted, end = _entry_patterns(keys)
        pos += 2
        wanted: dict[bytes, int] = {}  # key -> where its value starts
        while (entry := next_wanted.match(data, pos)) is not None:
            if entry[1] in wanted:
                raise _GiveUp  # pypdf keeps the first, and warns
            wanted[entry[1]] = entry.start(2)
            pos = entry.end()
        closed = end.match(data, pos)
        # An entry or element takes a byte at least: a shorter object is within pypdf's counts.
        if closed is None or closed.end() - start >= min(self.max_array, self.max_dict):
            raise _GiveUp
        made = DictionaryObject()
        made.update(
            {NameObject(k.decode("ascii")): self.value_at(at)[0] for k, at in wanted.items()}
        )
        return made

    def value_at(self, pos: int) -> tuple[Any, int]:
        """Return the value starting at `pos`, and where it ends; _GiveUp on anything unusual."""
        data, match = self.data, _TOKEN.match
        top: Any = None  # the innermost open container: an ArrayObject or a dictionary's entries
        key: Any = None  # in a dictionary, the key read and awaiting its value
        outer: list[tuple[Any, Any]] = []  # the containers (and keys) around `top`
        while True:
            token = match(data, pos)
            if token is None:
                raise _GiveUp
            kind, pos = token.lastindex, token.end()
            if kind == _NAME:
                value: Any = NameObject(token[_NAME].decode("ascii"))
            elif kind == _STRING:
                value = create_string_object(token[_STRING], None)
            elif kind in (_REF, _NUMBER):
                value = self._number(token, kind, pos)
            elif kind in (_DICT, _ARRAY):
                if len(outer) >= _MAX_DEPTH:
                    raise _GiveUp
                outer.append((top, key))
                top, key = ({} if kind == _DICT else ArrayObject()), None
                continue
            elif kind in (_DICT_END, _ARRAY_END):
                value = _closed(kind, top, key)
                top, key = outer.pop()
            else:
                value, pos = self._rare(token, kind, pos)
            if top is None:
                return value, pos
            key = self._place(value, kind, top, key)

    def _place(self, value: Any, kind: int | None, top: Any, key: Any) -> Any:
        """Put the value in the innermost container; return the dictionary key now awaited."""
        if type(top) is ArrayObject:
            if len(top) >= self.max_array:
                raise _GiveUp  # let pypdf refuse it
            top.append(value)
            return None
        if key is not None:
            top[key] = value
            return None
        if kind != _NAME or value in top or len(top) >= self.max_dict:
            raise _GiveUp  # pypdf warns and skips, keeps the first of a repeated key, or refuses
        return value

    def _number(self, token: re.Match[bytes], kind: int, end: int) -> Any:
        """A reference or number, as pypdf's read_object reads it from its peek."""
        start = token.start(2 if kind == _REF else _NUMBER)
        if end - start >= _PEEK:
            raise _GiveUp  # the byte after it is not in pypdf's peek: pypdf reads it otherwise
        if kind == _REF:
            return IndirectObject(int(token[2]), int(token[3]), self.reader)
        text = token[_NUMBER]
        return FloatObject(text) if b"." in text else NumberObject(text)

    def _rare(self, token: re.Match[bytes], kind: int | None, end: int) -> tuple[Any, int]:
        """A hex string, true, false, null, or a string with escapes; and where it ends."""
        if kind == _HEX:
            digits = _HEX_SPACE.sub(b"", token[_HEX])
            digits += b"0" * (len(digits) % 2)
            return create_string_object(binascii.unhexlify(digits), None), end
        if kind == _WORD:
            word = token[_WORD]
            return (NullObject() if word == b"null" else BooleanObject(word == b"true")), end
        return self._escaped_string(token.start(_PYPDF_STRING))

    def _escaped_string(self, start: int) -> tuple[Any, int]:
        """A string with escapes or brackets, read by pypdf's own reader from the same place."""
        slow = io.BytesIO(self.data)
        slow.seek(start)
        try:
            value = read_string_from_stream(slow, None)
        except Exception as exc:  # pypdf's dictionary reader would make a partial dictionary
            raise _GiveUp from exc
        return value, slow.tell()


def _closed(kind: int, top: Any, key: Any) -> Any:
    """The container a `>>` or `]` ends, as pypdf builds it."""
    if kind == _ARRAY_END and type(top) is ArrayObject:
        return top
    if kind == _DICT_END and type(top) is dict and key is None:
        made = DictionaryObject()
        made.update(top)
        return made
    raise _GiveUp  # an unmatched close, or a key without its value
