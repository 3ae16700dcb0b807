"""Read a PDF content stream into pypdf's operations, the common tokens by regular expression.

pypdf reads a content stream a byte at a time in Python; for a printed form, with its table
borders and shaded cells, that was a third of the time a PDF took to read. Here the tokens forms
are made of (numbers, names, hex and plain strings, arrays, operators) are matched by `re`, and
built with the same pypdf constructors pypdf's own reader calls, so the operations are the same
objects. Anything else is handed to pypdf, token by token (`read_object`, at the same place in
the same bytes) or, for what a token cannot be read alone (comments, inline images, an array
left open, a stream past pypdf's limits), for the whole stream. `tests/mailbox/test_pdf_content.py`
holds the two equal on generated forms and on fuzzed streams.
"""

from __future__ import annotations

import binascii
import io
import re
from typing import Any

from pypdf._configuration import get_configuration
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    FloatObject,
    NameObject,
    NumberObject,
    create_string_object,
    read_object,
)

Operation = tuple[Any, bytes]

_SPACE = rb"[\x00\t\n\x0c\r ]"  # pypdf's read_non_whitespace set
_DELIMITER = rb"[\s()<>\[\]{}/%]"  # pypdf's NameObject.delimiter_pattern, also ending operators
# One token after any white space. A name with "#" escapes or bytes outside ASCII, "<<", a string
# with escapes or nested brackets: none of these match, and pypdf reads them.
_TOKEN = re.compile(
    _SPACE
    + rb"*(?:(?P<num>[+\-.0-9][+,\-.0-9]*)"  # pypdf's run of number characters, comma and all
    + rb"|(?P<name>/[^\s()<>\[\]{}/%#\x00\x80-\xff]*)(?="
    + _DELIMITER
    + rb"|\Z)"
    + rb"|<(?P<hex>[0-9A-Fa-f\x00\t\n\x0c\r ]*)>"
    + rb"|\((?P<str>[^()\\]*)\)"
    + rb"|(?P<op>[A-Za-z'\"][^\s()<>\[\]{}/%]*)"
    + rb"|(?P<open>\[)|(?P<close>\])|(?P<end>\Z))"
)
_SPACES = re.compile(_SPACE + rb"*")
_HEX_SPACE = re.compile(_SPACE)
_INDIRECT = re.compile(rb"[+-]?(\d+)\s+(\d+)\s+R[^a-zA-Z]")  # pypdf's IndirectPattern
_PEEK = 20  # pypdf reads a number from a peek this long, or else byte by byte
_MAX_OPERATOR = 100  # pypdf stops near 128 characters
_MAX_NAME = 1000  # pypdf stops near 4096
# pypdf reads nested arrays by recursion, so a deep nest ends in its RecursionError; this loop
# would build it. Past this depth pypdf reads the stream, and fails as it always did.
_MAX_DEPTH = 50


class _Whole(Exception):
    """This stream needs pypdf's own reader from the start."""


def content_operations(stream: ContentStream) -> list[Operation]:
    """Return the stream's operations as pypdf's `ContentStream.operations` would give them."""
    try:
        return _operations(stream.get_data(), stream.forced_encoding)
    except _Whole:
        return list(ContentStream(stream, stream.pdf, stream.forced_encoding).operations)


def _operations(data: bytes, encoding: Any) -> list[Operation]:
    config = get_configuration()
    if b"%" in data or b"\x0b" in data or len(data) > config.stream_parsing_work_maximum_count:
        # A comment may fall anywhere; a vertical tab is white space in an array only; pypdf
        # counts its work on a long stream.
        raise _Whole
    ops: list[Operation] = []
    operands: list[Any] = []
    arrays: list[ArrayObject] = []  # the arrays open, innermost last
    pos, slow = 0, io.BytesIO(data)
    while True:
        target = arrays[-1] if arrays else operands
        token = _TOKEN.match(data, pos)
        if token is None or not _took(token, data, ops, operands, arrays, target, encoding):
            # Anything else is read by pypdf itself, from the same place in the same bytes.
            spaces = _SPACES.match(data, pos)
            slow.seek(spaces.end() if spaces else pos)
            target.append(read_object(slow, None, encoding))
            pos = slow.tell()
            continue
        if token.lastgroup == "end":
            return ops
        if token.lastgroup == "op" and not arrays:
            operands = []  # the operator took the ones before it
        pos = token.end()


def _took(
    token: re.Match[bytes],
    data: bytes,
    ops: list[Operation],
    operands: list[Any],
    arrays: list[ArrayObject],
    target: list[Any],
    encoding: Any,
) -> bool:
    """Add the token to what is being read; False when pypdf must read it instead."""
    kind, text = token.lastgroup, token.group(token.lastgroup or 0)
    if kind == "op" and not arrays:
        if text == b"BI" or len(text) > _MAX_OPERATOR:
            raise _Whole  # an inline image's data is not tokens
        ops.append((operands, text))
    elif kind == "num":
        start, end = token.span(kind)
        if end - start >= _PEEK or end == len(data) or _INDIRECT.match(data, start, start + _PEEK):
            return False  # not whole in pypdf's peek, or "1 0 R" (which pypdf cannot read here)
        target.append(FloatObject(text) if b"." in text else NumberObject(text))
    elif kind == "name" and len(text) <= _MAX_NAME:
        target.append(NameObject(text.decode("ascii")))
    elif kind == "hex":
        digits = _HEX_SPACE.sub(b"", text)
        digits += b"0" * (len(digits) % 2)
        target.append(create_string_object(binascii.unhexlify(digits), encoding))
    elif kind == "str":
        target.append(create_string_object(text, encoding))
    elif kind == "open":
        if len(arrays) >= _MAX_DEPTH:
            raise _Whole
        arrays.append(ArrayObject())
    elif kind == "close" and arrays:
        done = arrays.pop()
        if len(done) > get_configuration().array_maximum_element_count:
            raise _Whole  # let pypdf refuse it
        (arrays[-1] if arrays else operands).append(done)
    elif kind == "end":
        if arrays:
            raise _Whole  # pypdf ends an open array at the end of the stream
    else:
        return False
    return True
