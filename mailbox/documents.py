"""Recognise what an attachment really is and hand it to the reader for that format."""

from __future__ import annotations

import io
import zipfile

from mailbox.grid import Document
from mailbox.legacy import MODERN, to_modern
from mailbox.parts import Attachment, decode_text
from mailbox.readers.body import read_html, read_plain
from mailbox.readers.csv import read_csv
from mailbox.readers.docx import read_docx
from mailbox.readers.odt import read_odt
from mailbox.readers.pdf import read_pdf
from mailbox.readers.xlsx import read_xlsx
from mailbox.safety import UnreadablePart

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An attached picture this big may be a scanned form, which we cannot read.
SCAN_BYTES = 30 * 1024
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
_UNREADABLE_FORMATS = {
    "ole": "encrypted (password-protected) Office file, or not a Word or Excel one",
    "odf": "OpenDocument files other than text documents and spreadsheets are not read",
    "outlook": "Outlook message or winmail.dat could not be opened",
}


def detect_type(name: str, data: bytes) -> str:
    """Return an attachment's real format from its bytes, its name breaking ties."""
    lower = name.lower()
    if lower.endswith((".msg", "winmail.dat")):
        return "outlook"  # still wrapped: the MIME walk could not open it
    if data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if data[:2] == b"PK" or lower.endswith((".docx", ".docm", ".xlsx", ".xlsm")):
        return _zip_type(lower, data)
    if data[:8] == OLE_MAGIC:
        return _ole_type(data)
    if data[:5] == b"{\\rtf":
        return "rtf"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    if lower.endswith((".htm", ".html")):
        return "html"
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".txt", ".text")):
        return "text"
    return "other"


def _ole_type(data: bytes) -> str:
    """Tell a Word 97-2003 .doc or Excel .xls from an encrypted modern file (also OLE)."""
    import olefile  # imported late: only legacy files need it

    try:
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except Exception:  # olefile raises many kinds of error on a damaged file
        return "ole"
    if "EncryptedPackage" in streams:
        return "ole"  # a password-protected .docx/.xlsx: nothing to convert
    if "WordDocument" in streams:
        return "doc"
    return "xls" if streams & {"Workbook", "Book"} else "ole"


def _zip_type(lower: str, data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except Exception:  # zipfile raises many kinds of error on a corrupt archive
        names = set()
    if "word/document.xml" in names or (not names and lower.endswith((".docx", ".docm"))):
        return "docx"
    if "xl/workbook.xml" in names or (not names and lower.endswith((".xlsx", ".xlsm"))):
        return "xlsx"
    if "content.xml" in names and lower.endswith(".odt"):
        return "odt"
    if "content.xml" in names and lower.endswith(".ods"):
        return "ods"
    return "odf" if "mimetype" in names else "zip"


def read_attachment(att: Attachment, detected: str) -> Document | None:
    """Read an attachment into a document; None when it is not a kind that can hold a form."""
    if att.oversize:
        raise UnreadablePart("larger than the attachment size limit")
    if detected in _UNREADABLE_FORMATS:
        raise UnreadablePart(_UNREADABLE_FORMATS[detected])
    if detected == "image":
        if att.inline or att.size < SCAN_BYTES:
            return None  # a signature logo, not a form
        raise UnreadablePart("a picture (perhaps a scanned form) cannot be read")
    reader = {"docx": read_docx, "pdf": read_pdf, "xlsx": read_xlsx, "odt": read_odt}.get(detected)
    if reader is not None:
        return reader(att.filename, att.data)
    if detected in MODERN:  # .doc, .rtf, .xls, .ods: converted, then read like their modern kin
        modern = MODERN[detected]
        read_modern = read_docx if modern == "docx" else read_xlsx
        return read_modern(att.filename, to_modern(att.data, detected))
    if detected == "csv":
        return read_csv(att.filename, decode_text(att.data, None))
    if detected == "html":
        return read_html(att.filename, decode_text(att.data, None))
    if detected == "text":
        return read_plain(att.filename, decode_text(att.data, None))
    return None
