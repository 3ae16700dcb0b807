"""Guards for hostile attachments: sizes, zip bombs, XML entities, file names."""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from workflow.inbound.filenames import clean_filename

DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
# An Office file's parts are small; anything beyond these is a bomb or not a form.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 2000


class UnreadablePart(Exception):
    """An attachment that cannot be read safely; the message names it in unreadable_parts."""


def open_zip(data: bytes) -> zipfile.ZipFile:
    """Open an archive after checking every member's declared size and ratio."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as exc:  # zipfile raises many kinds of error on a corrupt archive
        raise UnreadablePart(f"not a readable zip: {type(exc).__name__}") from exc
    if len(members) > MAX_MEMBERS:
        raise UnreadablePart("too many zip members")
    total = 0
    for info in members:
        total += info.file_size
        # Small parts may compress extremely well and harmlessly; a bomb is large as well.
        bomb_like = info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size
        if info.file_size > MAX_MEMBER_BYTES or bomb_like:
            raise UnreadablePart(f"zip member {info.filename!r} would inflate too far")
    if total > MAX_TOTAL_BYTES:
        raise UnreadablePart("zip would inflate too far")
    return archive


def read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """Read one member, capped at its (already checked) declared size; None when absent."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    try:
        with archive.open(info) as fh:
            # Never trust the declared size alone: read one byte past it to catch a liar.
            data = fh.read(info.file_size + 1)
    except Exception as exc:  # zlib, struct and zipfile errors alike mean a corrupt member
        raise UnreadablePart(f"zip member {name!r} is corrupt: {type(exc).__name__}") from exc
    if len(data) > info.file_size:
        raise UnreadablePart(f"zip member {name!r} is larger than it says")
    return data


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
)


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted OOXML; refuse any DTD, since Office never writes one."""
    if re.search(rb"<!DOCTYPE|<!ENTITY", data, re.IGNORECASE):
        raise UnreadablePart("XML declares a DTD or entities")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadablePart(f"XML is malformed: {exc}") from exc
    if root.getroottree().docinfo.doctype:  # in an encoding the byte scan cannot see
        raise UnreadablePart("XML declares a DTD")
    return root


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """Return a file name fit to store and show (workflow.inbound.filenames: the one cleaner)."""
    return clean_filename(name, fallback)
