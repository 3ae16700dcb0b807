"""Our layout pass gives pypdf's layout-mode text groups, value for value.

mailbox/readers/pdf_layout.py exists for speed only, so the one thing to hold is sameness with
`_layout_mode.text_show_operations`: on pages as producers write them, and on operation lists
built at random from the operators and operands the pass reads, awkward ones included. Where
our walk gives up, pypdf's pass answers; the tests also count how often our own walk answered,
so a walk that always gave up could not pass.
"""

from __future__ import annotations

import io
import random
from typing import Any

from pypdf import PdfReader
from pypdf._text_extraction._layout_mode import _fixed_width_page as pypdf_layout
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from mailbox.readers.pdf_layout import _Walk, text_groups
from mailbox.readers.pdf_text import Fonts, layout_text, page_fonts, parsed_contents


def _theirs(operations: list[Any], fonts: dict[str, Any]) -> Any:
    try:
        return pypdf_layout.text_show_operations(iter(operations), fonts, True, None)
    except Exception as exc:  # the same failure, both ways
        return "error", type(exc).__name__


def _ours(operations: list[Any], fonts: dict[str, Any]) -> Any:
    try:
        return text_groups(operations, fonts)
    except Exception as exc:
        return "error", type(exc).__name__


def _walked(operations: list[Any], fonts: dict[str, Any]) -> bool:
    """Tell whether our own walk answered, without handing the page to pypdf."""
    try:
        _Walk(fonts).groups(iter(operations))
    except Exception:
        return False
    return True


def _pages(pdfs: list[bytes]) -> list[Any]:
    return [page for pdf in pdfs for page in PdfReader(io.BytesIO(pdf)).pages]


def test_groups_match_pypdf_on_producers_pages(
    producer_pdfs: list[bytes], libreoffice_forms: list[bytes]
) -> None:
    pages = _pages(producer_pdfs + libreoffice_forms)
    for page in pages:
        operations = parsed_contents(page).operations
        fonts = page._layout_mode_fonts()
        assert _walked(operations, fonts)
        assert text_groups(operations, fonts) == _theirs(operations, fonts)
    assert len(pages) >= 20


def test_layout_text_matches_pypdf_on_libreoffice_forms(libreoffice_forms: list[bytes]) -> None:
    for pdf in libreoffice_forms:
        theirs = [
            p.extract_text(extraction_mode="layout") for p in PdfReader(io.BytesIO(pdf)).pages
        ]
        fonts: Fonts = {}  # read once for the document, as read_pdf does
        assert [layout_text(p, fonts) for p in PdfReader(io.BytesIO(pdf)).pages] == theirs


def test_each_font_is_read_once_per_document(
    producer_pdfs: list[bytes], libreoffice_forms: list[bytes]
) -> None:
    shared_somewhere = False
    for pdf in producer_pdfs + libreoffice_forms:
        known: Fonts = {}
        pages = PdfReader(io.BytesIO(pdf)).pages
        found = [page_fonts(page, known) for page in pages]
        assert found == [page._layout_mode_fonts() for page in pages]
        if len(pages) > 1:
            shared = set(found[0]) & set(found[1])
            assert all(found[0][name] is found[1][name] for name in shared)
            shared_somewhere |= bool(shared)
    assert shared_somewhere


def _fonts(pdfs: list[bytes]) -> dict[str, Any]:
    """Real fonts (simple and composite), from reportlab's and LibreOffice's pages, renamed."""
    fonts: dict[str, Any] = {}
    for page in _pages(pdfs):
        for font in page._layout_mode_fonts().values():
            fonts[f"/F{len(fonts)}"] = font
    return fonts


_NUMBERS = (0, 1, -1, 2, 12, -250, 1000, 0.5, -0.25, 11.04, 595.3, -72.1, 1e-7, 100, 3.3333)
_MATRICES = (
    (1, 0, 0, 1, 72, 700),
    (0.5, 0, 0, 0.5, 10, 20),
    (0, 1, -1, 0, 300, 100),  # a quarter turn
    (0, -1, 1, 0, 50, 600),
    (-1, 0, 0, -1, 500, 500),  # upside down
    (1, 0, 0, -1, 0, 842),  # y flipped, as Word's "publish" writes
    (1, 0.2, 0, 1, 5, 5),
    (12, 0, 0, 12, 100, 400),
)
_WORDS = (b"Yes", b"No", b" ", b"", b"Q1 Has", b"\x00\x41", b"\xff\xfe", b"  x  ", b"\x01\x02\x03")


def _number(rng: random.Random) -> Any:
    value = rng.choice(_NUMBERS)
    return NumberObject(value) if isinstance(value, int) else FloatObject(value)


def _string(rng: random.Random) -> Any:
    if rng.random() < 0.1:
        return TextStringObject("typed")
    return ByteStringObject(rng.choice(_WORDS))


def _operation(rng: random.Random, names: list[str]) -> tuple[list[Any], bytes]:
    kind = rng.randrange(17)
    if kind == 0:
        size = rng.choice((_number(rng), NameObject("/x"), None))
        name = NameObject(rng.choice([*names, "/Missing"]))
        return [name] + ([] if size is None else [size]), b"Tf"
    if kind == 1:
        return [_number(rng)], rng.choice((b"Tc", b"Tw", b"Tz", b"TL", b"Ts"))
    if kind == 2:
        return [_number(rng) for _ in range(rng.choice((2, 2, 2, 1, 3)))], rng.choice(
            (b"Td", b"TD")
        )
    if kind in (3, 4):
        matrix = rng.choice(_MATRICES)
        operands = [NumberObject(v) if isinstance(v, int) else FloatObject(v) for v in matrix]
        return operands[: rng.choice((6, 6, 6, 4))], rng.choice((b"Tm", b"cm"))
    if kind in (5, 6, 7):
        return [_string(rng)], b"Tj"
    if kind in (8, 9, 10):
        items = [
            _string(rng) if rng.random() < 0.5 else _number(rng) for _ in range(rng.randint(0, 12))
        ]
        if rng.random() < 0.05:
            items.append(NameObject("/odd"))
        return [ArrayObject(items)], b"TJ"
    if kind == 11:
        return [_string(rng)], b"'"
    if kind == 12:
        return [_number(rng), _number(rng), _string(rng)], b'"'
    if kind == 13:
        return [], b"T*"
    if kind == 14:
        return [], rng.choice((b"BT", b"ET"))
    if kind == 15:
        return [], rng.choice((b"q", b"Q"))
    return [_number(rng) for _ in range(4)], rng.choice((b"re", b"f", b"BDC"))


def _stream(rng: random.Random, names: list[str]) -> list[tuple[list[Any], bytes]]:
    """Mostly well formed (a font, then text objects), now and then broken."""
    operations: list[tuple[list[Any], bytes]] = []
    if rng.random() < 0.9:
        operations.append(([NameObject(rng.choice(names)), NumberObject(10)], b"Tf"))
    for _ in range(rng.randint(1, 6)):
        block = [_operation(rng, names) for _ in range(rng.randint(1, 12))]
        wrap = rng.random()
        if wrap < 0.7:
            block = [([], b"BT"), *block, ([], b"ET")]
        if wrap < 0.2:
            block = [([], b"q"), *block, ([], b"Q")]
        operations += block
    return operations


def test_groups_match_pypdf_on_random_operations(
    producer_pdfs: list[bytes], libreoffice_forms: list[bytes]
) -> None:
    fonts = _fonts(producer_pdfs[:2] + libreoffice_forms[:1])
    names = list(fonts)
    rng = random.Random(1206)
    walked = 0
    for _ in range(4000):
        operations = _stream(rng, names)
        assert _ours(operations, fonts) == _theirs(operations, fonts), operations
        walked += _walked(operations, fonts)
    assert walked > 3000  # most were answered by our own walk, not handed to pypdf


def test_overflowing_numbers_give_pypdf_s_answer(
    producer_pdfs: list[bytes], libreoffice_forms: list[bytes]
) -> None:
    """Finite operands whose products overflow to inf, and inf times 0 to nan."""
    fonts = _fonts(producer_pdfs[:1] + libreoffice_forms[:1])
    names = list(fonts)
    rng = random.Random(61206)
    huge = (FloatObject("1" + "0" * 300), FloatObject("-" + "7" * 305), NumberObject(10**200))
    for _ in range(1500):
        operations = _stream(rng, names)
        for _ in range(rng.randint(1, 4)):
            operands, _op = operations[rng.randrange(len(operations))]
            if operands:
                operands[rng.randrange(len(operands))] = rng.choice(huge)
        assert repr(_ours(operations, fonts)) == repr(_theirs(operations, fonts)), operations


def test_a_non_finite_number_is_left_to_pypdf(producer_pdfs: list[bytes]) -> None:
    fonts = _fonts(producer_pdfs[:1])
    name = NameObject(next(iter(fonts)))
    for huge in (FloatObject("1" + "0" * 400), FloatObject("-" + "9" * 400)):
        operations = [
            ([], b"BT"),
            ([name, NumberObject(10)], b"Tf"),
            (
                [
                    NumberObject(1),
                    NumberObject(0),
                    NumberObject(0),
                    NumberObject(1),
                    huge,
                    NumberObject(5),
                ],
                b"Tm",
            ),
            ([ArrayObject([ByteStringObject(b"A"), huge, ByteStringObject(b"B")])], b"TJ"),
            ([], b"ET"),
        ]
        assert not _walked(operations, fonts)
        assert repr(_ours(operations, fonts)) == repr(_theirs(operations, fonts))  # nan != nan
