"""A PDF page's laid-out text, from a content stream parsed once for every pass over the page.

pypdf parses a page's content stream in pure Python: for a printed (flat) form, about a quarter
of the time the PDF takes to read. Here the stream is read once by our tokeniser
(`pdf_content`), put back on the page as a parsed `ContentStream` (which pypdf's plain extraction
with visitors, the shading pass in `pdf_shading`, reuses as it stands), and laid out by pypdf's
own layout-mode steps from those operations. `tests/mailbox/test_pdf_content.py` holds the text
equal to `page.extract_text(extraction_mode="layout")`, so a pypdf upgrade that moves these
steps fails there, not in a reading.
"""

from __future__ import annotations

from typing import Any

from pypdf._text_extraction import _layout_mode
from pypdf.generic import ArrayObject, ContentStream, NameObject, StreamObject

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


def layout_text(page: Any) -> str:
    """Return the page's text in fixed-width lines placed as the page draws them."""
    stream = parsed_contents(page)
    if stream is None:
        return ""
    groups = text_groups(stream.operations, page._layout_mode_fonts())
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
