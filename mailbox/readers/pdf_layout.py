"""pypdf's layout-mode text groups, worked out with less Python per string shown.

pypdf's layout pass (`_layout_mode.text_show_operations`) was the largest cost in reading a flat
PDF. For every string a page shows it builds a `TextStateParams` and multiplies its way through
the whole transform stack, a dict per matrix and a function call per product; inside a TJ array
every kerning number pushes one more matrix, so a long array costs the square of its length in
those products.

This module walks the same operations, in the same recursion, with the same state, and does the
same float arithmetic in the same order: a product by a pure translation (what each kerning
number pushes) is done as the two additions it comes to, and a string's width is summed once per
font. The groups it returns are those pypdf returns, value for value;
`tests/mailbox/test_pdf_layout.py` holds them equal on generated forms and on fuzzed streams,
so a pypdf upgrade that moves its steps fails there. Anything this module does not expect (a
non-finite number, a missing font, any error at all) sends the page back to pypdf's own pass.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

from pypdf._text_extraction import LAYOUT_NEW_BT_GROUP_SPACE_WIDTHS, mult, orient
from pypdf._text_extraction._layout_mode import _fixed_width_page as pypdf_layout
from pypdf.generic import ArrayObject
from pypdf.generic._font import Font

Matrix = tuple[float, float, float, float, float, float, bool, bool]  # a..f, is_text, is_render
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_STATE_OPS = {b"Tc": "Tc", b"Tz": "Tz", b"Tw": "Tw", b"TL": "TL", b"Ts": "Ts"}


class _Unexpected(Exception):
    """Something pypdf's own pass should decide."""


def text_groups(operations: list[Any], fonts: dict[str, Font]) -> list[Any]:
    """Return `_layout_mode.text_show_operations(iter(operations), fonts, True)`, quicker."""
    try:
        return _Walk(fonts).groups(iter(operations))
    except Exception:  # pypdf's pass decides, and fails as it always did
        return list(pypdf_layout.text_show_operations(iter(operations), fonts, True, None))


def _number(value: Any, default: float) -> float:
    """pypdf's `_as_float`, refusing what the shortcuts below cannot do exactly."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    if not math.isfinite(number):
        raise _Unexpected
    return number


def _matrix(values: list[Any], text: bool = False, render: bool = False) -> Matrix:
    """pypdf's `new_transform(*values)`: missing or non-numeric entries are the identity's."""
    a, b, c, d, e, f = (
        _number(values[i], default) if i < len(values) else default
        for i, default in enumerate(_IDENTITY)
    )
    return (a, b, c, d, e, f, text, render)


def _product(m: Any, n: Any) -> tuple[float, float, float, float, float, float]:
    """pypdf's `mult`, written out."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


class _Shown:
    """One string shown: the attributes of pypdf's `TextStateParams` that the layout reads."""

    __slots__ = (
        "Tc",
        "Tw",
        "Tz",
        "displaced_tx",
        "flip_vertical",
        "font",
        "font_height",
        "font_size",
        "rotated",
        "space_tx",
        "text",
        "transform",
        "tx",
        "ty",
        "value",
        "width",
        "word",
    )

    font: Font
    font_size: float
    value: Any
    word: str  # the characters measured: the raw ones of a byte string, else the text
    text: str
    width: float
    Tc: float
    Tw: float
    Tz: float
    transform: tuple[float, ...]
    tx: float
    ty: float
    displaced_tx: float
    space_tx: float
    font_height: float
    flip_vertical: bool
    rotated: bool

    def word_tx(self, width: float, length: int, spaces: int, offset: float = 0.0) -> float:
        """`TextStateParams.word_tx` for a word of this summed width, length and space count."""
        return (
            (self.font_size * ((width - offset) / 1000.0)) + length * self.Tc + spaces * self.Tw
        ) * (self.Tz / 100.0)

    def displacement(self, offset: float) -> float:
        """The x a TJ number moves by after this string: `displacement_matrix(td_offset=...)`."""
        word = self.word
        return self.word_tx(self.width, len(word), word.count(self.font.space_char), offset)


def _upright(t: tuple[float, ...]) -> tuple[tuple[float, ...], bool]:
    """`TextStateParams.__post_init__`'s turn of rotated text upright; True if it was rotated."""
    rotated = False
    if orient(list(t)) in (90, 270):
        t = tuple(mult([1.0, -t[1], -t[2], 1.0, 0.0, 0.0], list(t)))
        rotated = True
    if orient(list(t)) == 180 and t[0] < -1e-6:
        t = tuple(mult([-1.0, 0.0, 0.0, -1.0, 0.0, 0.0], list(t)))
        rotated = True
    return t, rotated


class _Walk:
    """pypdf's `TextStateManager` and its recursion, with matrices as tuples in a list."""

    def __init__(self, fonts: dict[str, Font]) -> None:
        self.fonts = fonts
        self.maps: list[Matrix] = [(*_IDENTITY, False, False)]  # the top first, as ChainMap's
        self.q_queue: Counter[int] = Counter()
        self.q_depth = [0]
        self.Tc = self.Tw = self.TL = self.Ts = 0.0
        self.Tz = 100.0
        self.font_stack: list[tuple[Font | None, float]] = []
        self.font: Font | None = None
        self.font_size: float = 0
        self.decoded: dict[tuple[int, Any], tuple[str, str]] = {}
        self.widths: dict[tuple[int, str], float] = {}
        self.spaces: dict[tuple[int, float, float, float, float], float] = {}
        self.unknown: Font | None = None

    # -- the state, as TextStateManager keeps it
    def set_state(self, op: bytes, value: Any) -> None:
        name = _STATE_OPS.get(op)
        if name is None:
            return
        raw = (value[0] if value else None) if isinstance(value, list) else value
        setattr(self, name, _number(raw, getattr(self, name)))

    def set_font(self, operands: list[Any]) -> None:
        name = operands[0] if operands else ""
        size = _number(operands[1] if len(operands) > 1 else None, self.font_size)
        if name in self.fonts:
            self.font = self.fonts[name]
        else:
            if self.unknown is None:
                self.unknown = Font("Unknown", encoding={}, interpretable=False)
            self.font = self.unknown
        self.font_size = size

    def reset_tm(self) -> None:
        while self.maps[0][6] or self.maps[0][7]:
            self.maps.pop(0)

    def reset_trm(self) -> None:
        while self.maps[0][7]:
            self.maps.pop(0)

    def add_q(self) -> None:
        self.font_stack.append((self.font, self.font_size))
        self.q_depth.append(len(self.q_depth))

    def remove_q(self) -> None:
        self.font, self.font_size = self.font_stack.pop(-1)
        self.reset_tm()
        self.maps = self.maps[self.q_queue.pop(self.q_depth.pop(), 0) :]
        if not self.maps:
            raise _Unexpected  # pypdf's ChainMap would fail on its next step

    def add_cm(self, operands: list[Any]) -> None:
        self.reset_tm()
        self.q_queue.update(self.q_depth[-1:])
        self.maps.insert(0, _matrix(operands[-6:]))

    def add_tm(self, operands: list[Any]) -> None:
        if len(operands) == 2:
            operands = [1.0, 0.0, 0.0, 1.0, *operands]
        new = _matrix(operands[-6:], text=True)
        top = self.maps[0]
        if top[6] and not top[7]:
            self.maps[0] = (*_product(new, top), True, False)
        else:
            self.maps.insert(0, new)

    def add_trm(self, dx: float) -> None:
        if not math.isfinite(dx):
            raise _Unexpected
        self.maps.insert(0, (1.0, 0.0, 0.0, 1.0, dx, 0.0, True, True))

    def effective(self) -> tuple[float, ...]:
        """`effective_transform`: the top matrix times each one below it, in pypdf's order."""
        maps = self.maps
        top = maps[0]
        index, count = 1, len(maps)
        if top[7]:
            # Kerning translations on top: mult by [1 0 0 1 e 0] is exactly "+ e" for finite
            # numbers, and the sum runs from the newest down, as pypdf's products do.
            e, f = top[4], top[5]
            while index < count and maps[index][7]:
                e += maps[index][4]
                index += 1
            eff: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, e, f)
        else:
            eff = top
        while index < count:
            eff = _product(eff, maps[index])
            index += 1
        return eff

    # -- a string shown, as TextStateParams works it out
    def shown(self, value: Any = "") -> _Shown:
        font = self.font
        if not isinstance(font, Font):
            raise _Unexpected  # pypdf raises PdfReadError here
        s = _Shown()
        s.font, s.font_size, s.value = font, self.font_size, value
        s.Tc, s.Tw, s.Tz = self.Tc, self.Tw, self.Tz
        raw, s.text = self.decode(font, value)
        t = self.effective()
        s.rotated = False
        if not t[3] > 1e-6:  # not upright (orient() is 90, 180 or 270), or not a number
            t, s.rotated = _upright(t)
        s.transform = t
        word = s.word = raw if isinstance(value, bytes) else value
        s.width = self.width(font, word)
        w = s.word_tx(s.width, len(word), word.count(font.space_char))
        s.displaced_tx = w * t[0] + 0.0 * t[2] + t[4]
        s.tx = t[4]
        s.ty = 0.0 * t[1] + self.Ts * t[3] + t[5]
        s.space_tx = self.space_tx(s)
        s.font_height = self.font_size * math.sqrt(t[1] ** 2 + t[3] ** 2)
        s.flip_vertical = t[3] < -1e-6
        return s

    def space_tx(self, s: _Shown) -> float:
        """`TextStateParams.space_tx`: one per font and text state, so worked out once."""
        key = (id(s.font), s.font_size, s.Tc, s.Tw, s.Tz)
        if (found := self.spaces.get(key)) is not None:
            return found
        font, space = s.font, s.font.space_char
        space_tx = round(s.word_tx(self.width(font, space), len(space), space.count(space)), 3)
        if space_tx < 1e-6:
            space_tx = round(s.word_tx(0.0, 0, 0, -font.space_width), 3)
        self.spaces[key] = space_tx
        return space_tx

    def decode(self, font: Font, value: Any) -> tuple[str, str]:
        """Return (raw characters, text) as `TextStateParams.__post_init__` decodes them."""
        if not isinstance(value, bytes):
            return "", value
        key = (id(font), value)
        if (found := self.decoded.get(key)) is not None:
            return found
        decoded = ""
        if isinstance(font.encoding, str):
            try:
                raw = value.decode(font.encoding, "surrogatepass")
            except UnicodeDecodeError:
                raw = value.decode(font.encoding, "replace")
        else:
            raw = "".join(chr(byte) for byte in value)
            decoded = "".join(font.encoding.get(x, chr(x)) for x in value)
        text = "".join(font.character_map.get(x, x) for x in (decoded or raw))
        self.decoded[key] = (raw, text)
        return raw, text

    def width(self, font: Font, word: str) -> float:
        """The word's width in glyph units, summed a character at a time as `word_tx` sums it."""
        key = (id(font), word)
        if (found := self.widths.get(key)) is not None:
            return found
        width = 0.0
        for char in word:
            if char == font.space_char:
                width += font.space_width
            else:
                width += font.get_text_width(char)
        self.widths[key] = width
        return width

    # -- the walk, as text_show_operations and recurse_to_target_op make it
    def groups(self, ops: Iterator[Any]) -> list[Any]:
        groups: list[Any] = []
        for operands, op in ops:
            if op in (b"BT", b"q"):
                groups.extend(self.until(ops, b"ET" if op == b"BT" else b"Q")[0])
            elif op == b"Tf":
                self.set_font(operands)
            else:
                self.set_state(op, operands)
        min_x = min((x["tx"] for x in groups), default=0.0)
        return [
            dict(g, tx=g["tx"] - min_x, displaced_tx=g["displaced_tx"] - min_x)
            for g in sorted(
                groups, key=lambda x: (x["ty"] * x["flip_sort"], -x["tx"]), reverse=True
            )
        ]

    def until(self, ops: Iterator[Any], end: bytes) -> tuple[list[Any], list[_Shown]]:
        groups: list[Any] = []
        shown: list[_Shown] = []
        if end == b"Q":
            self.add_q()
        for operands, op in ops:
            if op == end:
                if op == b"Q":
                    self.remove_q()
                else:
                    if not shown:
                        return groups, shown
                    groups.extend(_line_groups(shown))
                    self.reset_tm()
                break
            if op == b"q" or (op == b"BT" and end == b"Q"):
                bts, tjs = self.until(ops, b"ET" if op == b"BT" else b"Q")
                groups.extend(bts)
                shown.extend(tjs)
            else:
                self.operate(op, operands, shown)
        return groups, shown

    def operate(self, op: bytes, operands: list[Any], shown: list[_Shown]) -> None:
        if op == b"cm":
            self.add_cm(operands)
        elif op == b"BT":
            self.reset_tm()
        elif op == b"Tj" and operands and isinstance(operands[0], str | bytes):
            shown.append(self.shown(operands[0]))
        elif op == b"TJ" and operands and isinstance(operands[0], ArrayObject):
            last = self.shown()
            for item in operands[0]:
                if isinstance(item, bytes):
                    last = self.shown(item)
                    shown.append(last)
                elif isinstance(item, int | float):
                    self.add_trm(last.displacement(item))
        elif op == b"'":
            self.reset_trm()
            self.add_tm([0, -self.TL])
            self.show_operand(operands, 0, shown)
        elif op == b'"' and len(operands) >= 3:
            self.reset_trm()
            self.set_state(b"Tw", operands[0])
            self.set_state(b"Tc", operands[1])
            self.add_tm([0, -self.TL])
            self.show_operand(operands, 2, shown)
        elif op in (b"Td", b"Tm", b"TD", b"T*"):
            self.reset_trm()
            if op == b"Tm":
                self.reset_tm()
            elif op == b"TD" and len(operands) >= 2 and isinstance(operands[1], int | float):
                self.set_state(b"TL", -operands[1])
            elif op == b"T*":
                operands = [0, -self.TL]
            self.add_tm(operands)
        elif op == b"Tf":
            self.set_font(operands)
        else:
            self.set_state(op, operands)

    def show_operand(self, operands: list[Any], index: int, shown: list[_Shown]) -> None:
        if index < len(operands) and isinstance(text := operands[index], str | bytes):
            shown.append(self.shown(text))


def _line_groups(shown: list[_Shown]) -> list[Any]:
    """The BTGroups of one BT/ET block: pypdf's loop at ET, unchanged."""
    groups: list[Any] = []
    text = ""
    bt_idx = 0
    last_displaced_tx = shown[0].displaced_tx
    last_ty = shown[0].ty
    for idx, tj in enumerate(shown):
        if tj.rotated or not tj.font.interpretable:
            continue
        if abs(tj.ty - last_ty) > tj.font_height:
            if text.strip():
                groups.append(pypdf_layout.bt_group(shown[bt_idx], text, last_displaced_tx))  # type: ignore[arg-type]
            bt_idx = idx
            text = ""
        if last_displaced_tx - tj.tx > tj.space_tx * LAYOUT_NEW_BT_GROUP_SPACE_WIDTHS:
            if text.strip():
                groups.append(pypdf_layout.bt_group(shown[bt_idx], text, last_displaced_tx))  # type: ignore[arg-type]
            bt_idx = idx
            last_displaced_tx = tj.displaced_tx
            text = ""
        excess_tx = round(tj.tx - last_displaced_tx, 3) * (idx != bt_idx)
        page_space_tx = tj.space_tx * abs(tj.transform[0])
        spaces = round(excess_tx / page_space_tx) if excess_tx > 0 and page_space_tx else 0
        spaces = min(spaces, pypdf_layout.WHITESPACE_LIMIT)
        text = f"{text}{' ' * spaces}{tj.text}"
        last_ty = tj.ty
        last_displaced_tx = tj.displaced_tx
    if text:
        groups.append(pypdf_layout.bt_group(shown[bt_idx], text, last_displaced_tx))  # type: ignore[arg-type]
    return groups
