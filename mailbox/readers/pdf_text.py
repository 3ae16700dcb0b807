"""A PDF page's laid-out text, from a content stream parsed once for every pass over the page.

pypdf's layout mode reads a page in pure Python, and for a printed (flat) form that was most of
the time a PDF took to read. Here each of its three costly steps is done by our own code, held
equal to pypdf's:
- the content stream is read once by our tokeniser (`pdf_content`) and put back on the page as a
  parsed `ContentStream`, which pypdf's plain extraction with visitors (the shading pass in
  `pdf_shading`) reuses as it stands;
- the text groups are worked out by `pdf_layout`, with pypdf's arithmetic;
- each font is read once per document, not once per page (`page_fonts`).
pypdf's own steps then place the groups in fixed-width lines. `tests/mailbox/test_pdf_content.py`
and `test_pdf_layout.py` hold the text equal to `page.extract_text(extraction_mode="layout")`,
so a pypdf upgrade that moves its steps fails there, not in a reading.
"""

from __future__ import annotations

from typing import Any

from pypdf._page import _get_font_resources
from pypdf._text_extraction import _layout_mode
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    NameObject,
    NullObject,
    StreamObject,
)
from pypdf.generic._font import Font

from mailbox.readers.pdf_content import content_operations
from mailbox.readers.pdf_layout import text_groups

# pypdf's layout-mode defaults (PageObject.extract_text): weight of a string's length in the
# average character width; blank lines from vertical gaps; rotated text left out.
_SCALE_WEIGHT = 1.25
_FONT_HEIGHT_WEIGHT = 1.0


def parsed_contents(page: Any) -> ContentStream | None:
    """Parse the page's content stream once and keep it on the page for later passes."""
    contents = page.get("/Contents")
    if contents is None:
        return None
    contents = contents.get_object()
    if isinstance(contents, ContentStream):
        return contents
    if not isinstance(contents, ArrayObject | StreamObject):
        return None
    stream = ContentStream(contents, page.pdf, "bytes")
    stream.operations = content_operations(stream)
    page[NameObject("/Contents")] = stream
    return stream


Fonts = dict[int, tuple[DictionaryObject, Font]]  # by id of the font's dictionary


def layout_text(page: Any, fonts: Fonts | None = None) -> str:
    """Return the page's text in fixed-width lines placed as the page draws them.

    `fonts` keeps the fonts already read from the document's other pages.
    """
    stream = parsed_contents(page)
    if stream is None:
        return ""
    groups = text_groups(stream.operations, page_fonts(page, {} if fonts is None else fonts))
    if not groups:
        return ""
    return str(
        _layout_mode.fixed_width_page(
            _layout_mode.y_coordinate_groups(groups, None),
            _layout_mode.fixed_char_width(groups, _SCALE_WEIGHT),
            True,
            _FONT_HEIGHT_WEIGHT,
        )
    )


def page_fonts(page: Any, known: Fonts) -> dict[str, Font]:
    """Return `page._layout_mode_fonts()`, reading each font of the document only once.

    The pages of a form share their fonts, and pypdf reads every font's widths and character
    map again for each page. This is its walk up the page tree, with a font dictionary already
    read (pypdf resolves an object once per document, so it is the same dictionary) reused.
    """
    obj: Any = page
    fonts: dict[str, Font] = {}
    visited: set[int] = set()
    while id(obj) not in visited:
        visited.add(id(obj))
        resources = obj.get("/Resources", DictionaryObject()).get_object()
        if not isinstance(resources, DictionaryObject):
            resources = DictionaryObject()
        if page.pdf is not None:
            declared = _get_font_resources(resources)
            for name in declared:
                font = declared[name].get_object()
                if isinstance(font, DictionaryObject):
                    fonts[name] = _font(font, known)
        parent = obj.get("/Parent", NullObject()).get_object()
        if not isinstance(parent, DictionaryObject):
            break
        obj = parent
    return fonts


def _font(font: DictionaryObject, known: Fonts) -> Font:
    if (found := known.get(id(font))) is None or found[0] is not font:
        found = known[id(font)] = (font, Font.from_font_resource(font))
    return found[1]
