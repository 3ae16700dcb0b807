"""Our content-stream reader gives pypdf's operations; our layout text is pypdf's layout text.

The reader (mailbox/readers/pdf_content.py) exists for speed only, so the one thing to hold is
sameness: the same operations, of the same types, as pypdf's `ContentStream.operations`, or the
same error, on forms as producers write them and on streams built to be awkward.
"""

from __future__ import annotations

import io
import random
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream, DecodedStreamObject

from mailbox.readers.pdf_content import content_operations
from mailbox.readers.pdf_text import layout_text


def _typed(value: Any) -> Any:
    """A value with its pypdf type at every level: FloatObject(1) is not NumberObject(1)."""
    if isinstance(value, dict):
        return type(value).__name__, {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value).__name__, [_typed(v) for v in value]
    return type(value).__name__, value


def _read(data: bytes, ours: bool) -> Any:
    stream = DecodedStreamObject()
    stream.set_data(data)
    content = ContentStream(stream, None, "bytes")
    try:
        return _typed(content_operations(content) if ours else content.operations)
    except Exception as exc:  # pypdf's own errors on a broken stream: the same ones, both ways
        return "error", type(exc).__name__


def test_operations_match_pypdf_on_generated_forms(producer_pdfs: list[bytes]) -> None:
    pages = 0
    for pdf in producer_pdfs:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            data = page.get_contents().get_data()
            assert _read(data, ours=True) == _read(data, ours=False)
            pages += 1
    assert pages >= len(producer_pdfs)


def test_layout_text_matches_pypdf(producer_pdfs: list[bytes]) -> None:
    for pdf in producer_pdfs:
        pages = PdfReader(io.BytesIO(pdf)).pages
        theirs = [p.extract_text(extraction_mode="layout") for p in pages]
        ours = [layout_text(p) for p in PdfReader(io.BytesIO(pdf)).pages]
        assert ours == theirs


def test_the_parsed_stream_serves_plain_extraction_too(producer_pdfs: list[bytes]) -> None:
    """The shading pass's plain extraction reads the operations left on the page."""
    for pdf in producer_pdfs:
        theirs = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
        pages = PdfReader(io.BytesIO(pdf)).pages
        for page in pages:
            layout_text(page)
        assert [p.extract_text() for p in pages] == theirs


# Tokens as producers write them, and as a hostile or broken file might.
_TOKENS = [
    *("0", "1", "-2.5", ".5", "1.", "+3", "12.75", "0.0", "1,2", "--1", "1.2.3", "-", "."),
    *("12345678901234567890123", "1 0 R", "3 0 obj", "7 0 Rx", "1 0 R "),
    *("/F1", "/A#20B", "/", "/Name\x00x", "/\xc3\xa9", "/\xff", "/a/b", "/" + "n" * 1100),
    *("(abc)", "(a\\(b)", "(a(b)c)", "(x\\101y)", "(\\\nz)", "(line\rbreak)", "(", "()"),
    *("<41 42>", "<4>", "<>", "<zz>", "<4", "<<", "<</MCID 0>>", "<</A [1 2]>>", ">>"),
    *("[", "]", "[1 (a) -250 <42>]", "[[1] [2]]", "[true null false]", "[abc]", "{", "}"),
    *("Tj", "TJ", "BT", "ET", "Tf", "re", "f", "'", '"', "T*", "true", "null", "BI", "EI"),
    *("q", "Q", "cm", "BDC", "EMC", "x" * 140, "Do", "ID"),
    *(" ", "\n", "\r\n", "\t", "\x00", "\x0c", "\x0b", "%comment\n", "\x80", ")", "\\"),
]


def test_operations_match_pypdf_on_awkward_streams() -> None:
    rng = random.Random(1206)
    fast = 0
    for _ in range(3000):
        parts = [rng.choice(_TOKENS) for _ in range(rng.randint(1, 14))]
        data = rng.choice((" ", "\n", "")).join(parts).encode("latin-1")
        ours, theirs = _read(data, ours=True), _read(data, ours=False)
        assert ours == theirs, data
        fast += b"%" not in data and b"\x0b" not in data
    assert fast > 2000  # most streams were read by our own path, not handed back whole


def test_random_bytes_give_the_same_result() -> None:
    rng = random.Random(612)
    alphabet = b"0123456789.-+/()<>[]{}% \n\x00ABTJfjqQRen#\\"
    for _ in range(2000):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert _read(data, ours=True) == _read(data, ours=False), data


def test_deep_nesting_is_left_to_pypdf() -> None:
    """pypdf recurses into nested arrays; a hostile nest gets its answer, not a deep object."""
    for depth in (49, 50, 51, 5000):
        data = b"[" * depth + b"(x)" + b"]" * depth + b" TJ"
        assert _read(data, ours=True) == _read(data, ours=False)
