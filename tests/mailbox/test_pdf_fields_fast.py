"""Our plain-object reader gives pypdf's form fields, type for type, and leaves pypdf's cache sound.

mailbox/readers/pdf_objects.py exists for speed only, so the one thing to hold is sameness:
`form_fields(reader)` equal to `form_fields(reader, fast=False)` (pypdf's own `get_object`), the
same keys in the same order, the same values of the same pypdf types, or the same error; and
afterwards pypdf reading any object gives what it would have given. On forms written as ReportLab
writes them (the corpus's fillable forms), on the same forms rewritten by pypdf, in object streams
or encrypted, on dictionaries built to be awkward, and on mutated files.
"""

from __future__ import annotations

import functools
import io
import itertools
import random
import zlib
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf import _reader as pypdf_reader
from pypdf.generic import IndirectObject, StreamObject, TextStringObject, read_object

from mailbox.readers import pdf_objects
from mailbox.readers.pdf_fields import form_fields
from tests.mailbox.builders import _assemble, pdf_bytes
from tests.mailbox.generated.pdf import fields_pdf
from tests.mailbox.generated.spec import cases

Field = dict[str, Any]


def _typed(value: Any, depth: int = 0) -> Any:
    """A value with its pypdf type at every level (FloatObject(1) is not NumberObject(1)), a
    string with how pypdf decoded it, a reference by number (the two readers differ)."""
    if depth > 60:
        return "deep"
    if isinstance(value, IndirectObject):
        return "ref", value.idnum, value.generation
    if isinstance(value, dict):
        items = [(_typed(k, depth + 1), _typed(v, depth + 1)) for k, v in value.items()]
        data = value.get_data() if isinstance(value, StreamObject) else None
        return type(value).__name__, items, data
    if isinstance(value, list | tuple):
        return type(value).__name__, [_typed(v, depth + 1) for v in value]
    if isinstance(value, TextStringObject):
        decoded = (value.autodetect_pdfdocencoding, value.autodetect_utf16, value.utf16_bom)
        return "TextStringObject", str(value), getattr(value, "_original_bytes", None), decoded
    return type(value).__name__, value


def _reader(data: bytes, strict: bool = False) -> PdfReader:
    """Open as mailbox/readers/pdf.py::read_pdf does (not strict)."""
    reader = PdfReader(io.BytesIO(data), strict=strict)
    if reader.is_encrypted:
        reader.decrypt("")
    return reader


def _fields(data: bytes, fast: bool, strict: bool = False) -> tuple[Any, PdfReader | None]:
    try:
        reader = _reader(data, strict)
    except Exception as exc:  # the file does not open: nothing of ours ran
        return ("open error", type(exc).__name__), None
    try:
        return _typed(form_fields(reader, fast=fast)), reader
    except Exception as exc:  # pypdf's errors on a broken file: the same ones, both ways
        return ("error", type(exc).__name__), reader


def _later_reads(reader: PdfReader | None) -> list[Any]:
    """Every object as pypdf gives it after the walk, from its cache or the file."""
    if reader is None:
        return []
    out = []
    for generation, table in sorted(reader.xref.items()):
        for idnum in sorted(table):
            try:
                out.append(_typed(reader.get_object(IndirectObject(idnum, generation, reader))))
            except Exception as exc:  # a broken object, the same both ways
                out.append(("error", type(exc).__name__))
    return out


def _assert_same(data: bytes, later: bool = True, strict: bool = False) -> Any:
    """Fast and pypdf's walks agree on `data`, and so does everything pypdf reads afterwards."""
    ours, our_reader = _fields(data, fast=True, strict=strict)
    theirs, their_reader = _fields(data, fast=False, strict=strict)
    assert ours == theirs
    if later:
        assert _later_reads(our_reader) == _later_reads(their_reader)
    return ours


# Forms written as ReportLab writes them: the corpus's "ReportLab PDF Library" fillable forms.


def _appearance(text: str) -> str:
    data = zlib.compress(f"/Tx BMC q BT /Helv 8 Tf 2 4 Td ({text}) Tj ET Q EMC".encode())
    return (
        "<<\n/BBox [ 0 0 317.4803 17.00787 ] /Filter [ /FlateDecode ] /FormType 1 "
        f"/Length {len(data)} /Matrix [ 1 0 0 1 0 0 ] /Resources << /ProcSet [/PDF /Text] "
        "/Font <</Helv 4 0 R>> >> \n  /Subtype /Form /Type /XObject\n>>\nstream\n"
        + data.decode("latin-1")
        + "endstream"
    )


_MK = "/MK <<\n/BC [ .1 .1 .1 ] /BG [ .8 .843 1 ]{ca}\n>>"


def _widget(f: Field, page: int, rect: str, refs: dict[str, int], parent: int | None) -> str:
    """A field's dictionary in ReportLab's layout: its line breaks, spacing and key order."""
    owner = f"/Parent {parent} 0 R " if parent else ""
    if f["type"] == "text":
        return (
            f"<<\n/AP <<\n/N {refs['N']} 0 R\n>> /BS <<\n/S /S /W .5\n>> "
            f"/DA (/Helv 8 Tf .1 .1 .1 rg) /DV {f['value']} /F 4 /FT /Tx \n  /Ff {f.get('ff', 0)} "
            f"{_MK.format(ca='')} /MaxLen 100 /P {page} 0 R /Rect {rect} /Subtype /Widget \n"
            f"  /T {f['name']} /TU {f['label']} /Type /Annot /V {f['value']}\n>>"
        )
    states = " ".join(f"/{state} {refs[state]} 0 R" for state in ("Off", f["on"]))
    kind = "" if parent else f"/FT /Btn /Ff {f.get('ff', 2)} \n  "
    named = "" if parent else f"/T {f['name']} \n  /TU {f['label']} "
    return (
        f"<<\n/AP <<\n/D <<\n{states}\n>> /N <<\n{states}\n>> /R <<\n{states}\n>>\n>> "
        f"/AS /{f['state']} /BS <<\n/S /S /W .5\n>> /F 4 {kind}/H /N "
        f"{_MK.format(ca=' /CA (5)')} {owner}/P {page} 0 R /Rect {rect} /Subtype /Widget "
        f"{named}/Type /Annot" + ("" if parent else f" /V /{f['state']}") + "\n>>"
    )


def reportlab_form(fields: list[Field], *, trailer_comment: bool = True) -> bytes:
    """A one-page fillable form laid out object by object as ReportLab writes one."""
    objects: dict[int, str] = {
        1: "<<\n/F1 2 0 R\n>>",
        2: "<<\n/BaseFont /Helvetica /Encoding /WinAnsiEncoding /Name /F1 /Subtype /Type1 "
        "/Type /Font\n>>",
        3: "<</Type /Encoding /Differences [24 /breve /caron 39 /quotesingle 96 /grave "
        "128 /bullet /dagger]>>",
        4: "<< /BaseFont /Helvetica /Subtype /Type1 /Name /Helv /Type /Font /Encoding 3 0 R >>",
    }
    page, form, catalog, info, pages, contents = 5, 6, 7, 8, 9, 10
    top: list[int] = []
    annots: list[int] = []
    for i, f in enumerate(fields):
        rect = f"[ {396.8504 - i:g} {717.1654 - 14 * i:.4f} 409.6063 729.9213 ]"
        if f["type"] == "radio":  # a parent field, its options its kids
            parent = _add(objects, "")
            kids = []
            for option in f["options"]:
                refs = {s: _add(objects, _appearance(s)) for s in ("Off", option)}
                state = option if option == f["value"] else "Off"
                kid = {"type": "box", "on": option, "state": state}
                kids.append(_add(objects, _widget(kid, page, rect, refs, parent)))
            objects[parent] = (
                f"<<\n/FT /Btn /Ff 49152 /Kids [ {' '.join(f'{k} 0 R' for k in kids)} ] "
                f"/T {f['name']} /V /{f['value']}\n>>"
            )
            top.append(parent)
            annots += kids
            continue
        if f["type"] == "text":
            refs = {"N": _add(objects, _appearance("x"))}
        else:
            refs = {s: _add(objects, _appearance(s)) for s in ("Off", f["on"])}
        widget = _add(objects, _widget(f, page, rect, refs, None))
        top.append(widget)
        annots.append(widget)
    listed = " ".join(f"{n} 0 R" for n in annots)
    objects[page] = (
        f"<<\n/Annots [ {listed} ] /Contents {contents} 0 R /MediaBox [ 0 0 595.2756 841.8898 ] "
        f"/Parent {pages} 0 R /Resources <<\n/Font 1 0 R /ProcSet [ /PDF /Text ]\n>> "
        "/Rotate 0 \n  /Trans <<\n\n>> /Type /Page\n>>"
    )
    fields_list = " ".join(f"{n} 0 R" for n in top)
    objects[form] = (
        "<<\n/DA (/Helv 0 Tf 0 g) /DR << /Encoding\n<<\n/RLAFencoding\n3 0 R\n>>\n"
        f"/Font << /Helv 4 0 R >>\n>> /Fields [ {fields_list} ] /NeedAppearances true\n>>"
    )
    objects[catalog] = (
        f"<<\n/AcroForm {form} 0 R /PageMode /UseNone /Pages {pages} 0 R /Type /Catalog\n>>"
    )
    objects[info] = (
        "<<\n/Author (anonymous) /Creator (Microsoft\\256 Word) /Producer (ReportLab PDF "
        "Library - \\(opensource\\)) \n  /Title (MARAC) /Trapped /False\n>>"
    )
    objects[pages] = f"<<\n/Count 1 /Kids [ {page} 0 R ] /Type /Pages\n>>"
    text = zlib.compress(b"BT /F1 9 Tf 40 800 Td (MARAC referral) Tj ET")
    objects[contents] = (
        f"<<\n/Filter [ /FlateDecode ] /Length {len(text)}\n>>\nstream\n"
        + text.decode("latin-1")
        + "endstream"
    )
    return _write(objects, catalog, info, trailer_comment)


def _add(objects: dict[int, str], body: str) -> int:
    number = max(objects) + 1 if max(objects) >= 10 else 11
    objects[number] = body
    return number


def _write(objects: dict[int, str], root: int, info: int, comment: bool) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\x93\x8c\x8b\x9e ReportLab Generated PDF document (opensource)\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n{objects[number]}\nendobj\n".encode("latin-1"))
    xref, size = out.tell(), max(objects) + 1
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for number in range(1, size):
        kind = "n" if number in offsets else "f"
        out.write(f"{offsets.get(number, 0):010d} 00000 {kind} \n".encode())
    note = "% ReportLab generated PDF document -- digest (opensource)\n" if comment else ""
    out.write(
        f"trailer\n<<\n/ID \n[<110bef26d10e8421><110bef26d10e8421>]\n{note}\n/Info {info} 0 R\n"
        f"/Root {root} 0 R\n/Size {size}\n>>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _string(rng: random.Random, text: str) -> str:
    """A string as a producer may write it: plain, escaped, octal, hex or UTF-16."""
    way = rng.randrange(6)
    if way == 0 or not text:
        return f"({text})"
    if way == 1:
        return "(" + text.replace("(", "\\(").replace(")", "\\)") + " \\(note\\))"
    if way == 2:
        return f"({text}\\351\\050)"
    if way == 3:
        return "<" + text.encode("latin-1").hex() + ">"
    if way == 4:
        return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
    return f"({text} \\\\ back)"


def _random_fields(rng: random.Random, count: int) -> list[Field]:
    fields: list[Field] = []
    for n in range(count):
        kind = rng.choice(("text", "text", "box", "radio"))
        name = _string(rng, f"Q{n}_{rng.choice(['Yes', 'No', 'Name', 'DoB'])}")
        label = _string(rng, f"Question {n} label")
        if kind == "text":
            value = _string(rng, rng.choice(["Frank Sharp", "", "14/07/1988", "Café", "a(b)"]))
            ff = rng.choice([0, 4096, 12582912])
            fields.append({"type": "text", "name": name, "label": label, "value": value, "ff": ff})
        elif kind == "box":
            on = rng.choice(["Yes", "On", "1"])
            state = rng.choice([on, "Off"])
            fields.append({"type": "box", "name": name, "label": label, "on": on, "state": state})
        else:
            options = ["Yes", "No", "DK"]
            value = rng.choice([*options, "Off"])
            fields.append({"type": "radio", "name": name, "options": options, "value": value})
    return fields


@pytest.fixture(scope="module")
def reportlab_forms() -> list[bytes]:
    rng = random.Random(2026)
    return [reportlab_form(_random_fields(rng, rng.randint(1, 14))) for _ in range(24)]


def test_reportlab_forms_match_pypdf(reportlab_forms: list[bytes]) -> None:
    total = 0
    for data in reportlab_forms:
        fields = _assert_same(data)
        total += len(fields[1])
    assert total > 100


def test_reportlab_forms_are_read_without_pypdfs_object_parser(
    reportlab_forms: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The speed is real: on ReportLab's forms no object goes to pypdf's reader."""
    calls = []
    read_object = pypdf_reader.read_object

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return read_object(*args, **kwargs)

    monkeypatch.setattr(pypdf_reader, "read_object", counted)
    for data in reportlab_forms:
        reader = _reader(data)
        _ = reader.root_object
        calls.clear()
        assert form_fields(reader)
        assert not calls
        assert form_fields(_reader(data), fast=False)
        assert calls


def test_generated_suite_forms_match_pypdf() -> None:
    made = cases(9090, 8, "pdf")
    for case in made:
        _assert_same(fields_pdf(case))


def test_forms_rewritten_by_pypdf_match(reportlab_forms: list[bytes]) -> None:
    """pypdf's writer lays objects out its own way; an incremental update adds an xref stream."""
    for data in reportlab_forms[:8]:
        writer = PdfWriter(clone_from=_reader(data))
        out = io.BytesIO()
        writer.write(out)
        _assert_same(out.getvalue())
        incremental = PdfWriter(io.BytesIO(data), incremental=True)
        incremental.add_metadata({"/Title": "changed"})
        fields = incremental.get_fields() or {}
        for name in list(fields)[:1]:
            incremental.update_page_form_field_values(
                incremental.pages[0], {name: "new value"}, auto_regenerate=False
            )
        out = io.BytesIO()
        incremental.write(out)
        _assert_same(out.getvalue())


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_encrypted_forms_are_pypdfs_to_read(reportlab_forms: list[bytes], algorithm: str) -> None:
    for data in reportlab_forms[:3]:
        writer = PdfWriter(clone_from=_reader(data))
        writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
        out = io.BytesIO()
        writer.write(out)
        fields = _assert_same(out.getvalue())
        assert fields[1], "the form reads, decrypted"


def _with_object_stream(objects: list[str], packed: set[int]) -> bytes:
    """Objects 1.. with those in `packed` inside one object stream, listed by an xref stream."""
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets: dict[int, int] = {}
    head, body = [], b""
    for number, text in enumerate(objects, start=1):
        if number in packed:
            head.append(f"{number} {len(body)}")
            body += text.encode("latin-1") + b"\n"
    stream_number, xref_number = len(objects) + 1, len(objects) + 2
    for number, text in enumerate(objects, start=1):
        if number not in packed:
            offsets[number] = out.tell()
            out.write(f"{number} 0 obj\n{text}\nendobj\n".encode("latin-1"))
    first = (" ".join(head) + "\n").encode()
    data = first + body
    offsets[stream_number] = out.tell()
    out.write(
        f"{stream_number} 0 obj\n<< /Type /ObjStm /N {len(head)} /First {len(first)} "
        f"/Length {len(data)} >>\nstream\n".encode()
        + data
        + b"\nendstream\nendobj\n"
    )
    entries = b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"
    index = 0
    for number in range(1, xref_number + 1):
        if number in packed:
            entries += b"\x02" + stream_number.to_bytes(4, "big") + index.to_bytes(2, "big")
            index += 1
        else:
            entries += b"\x01" + offsets.get(number, out.tell()).to_bytes(4, "big") + b"\x00\x00"
    xref = out.tell()
    out.write(
        f"{xref_number} 0 obj\n<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] "
        f"/Root 1 0 R /Length {len(entries)} >>\nstream\n".encode()
        + entries
        + f"\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def test_objects_in_an_object_stream_are_pypdfs_to_read() -> None:
    objects = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm 3 0 R >>",
        "<< /Type /Pages /Kids [] /Count 0 >>",
        "<< /Fields [4 0 R 5 0 R 6 0 R] >>",
        "<< /T (inside) /FT /Tx /V (packed) /TU (In a stream) >>",
        "<< /T (outside) /FT /Tx /V 7 0 R >>",
        "<< /T (group) /Kids [8 0 R] >>",
        "(an indirect value)",
        "<< /T (kid) /FT /Btn /V /Yes /Parent 6 0 R >>",
    ]
    for packed in ({3, 4}, {4, 7}, {6, 8}, {3, 4, 5, 6, 7, 8}, set()):
        fields = _assert_same(_with_object_stream(objects, packed))
        assert len(fields[1]) == 4, packed


# Dictionaries built to be awkward: every token our reader knows, and many it must hand back.

_FIELD = "<< /T (f{n}) /FT /Tx /V {value} {extra} >>"
_VALUES = [
    *("(plain)", "()", "(a(b)c)", "(esc \\) \\\\ \\101 \\n)", "(line\rbreak)", "(\\\nz)"),
    *("<414243>", "<4>", "<>", "<FEFF00410042>", "<zz>", "<41 42\n43>", "<EF BB BF 41>"),
    *("/Name", "/", "/A#20B", "/\xe9", "/a/b", "/" + "n" * 1001, "/Tx\x00", "/x\x0c"),
    *("0", "-2.5", ".5", "1.", "+3", "1,2", "--1", "1.2.3", "-", ".", "12345678901234567890"),
    *("7 0 R", "7 0 R/X", "-7 0 R", "7  0  R", "7 0 Rx", "7\x0c0 R", "1234567 12345 R"),
    *("12345678 123456 R", "1234567890123456 0 R", "7 0 obj", "7 0"),
    *("true", "false", "null", "truex", "nul", "endobj", "stream", "R"),
    *("[]", "[1 (a) /b]", "[[1] [2 [3]]]", "[7 0 R 8 0 R]", "[", "]", "[null null]"),
    *("<< >>", "<< /A 1 >>", "<< /A << /B << /C [1] >> >> >>", "<<", ">>", "<< /A >>"),
    *("<< 1 2 >>", "<< /A 1 /A 2 >>", "<< null >>", "%comment\n(after)", "\x0b(x)", "{", "}"),
]
_EXTRAS = [
    "",
    "/TU (Label)",
    "/Ff 4096",
    "/TM (alt.name)",
    "/Kids [7 0 R]",
    "/Parent 7 0 R",
    "/T (second)",
    "/MK << /BC [ .1 .1 .1 ] /CA (5) >>",
    "/AP << /N << /Yes 7 0 R /Off 7 0 R >> >>",
    "/V (again)",
    "/X [[[[[1]]]]]",
    "/Y <</Z (%)>>",
]


def _awkward_pdf(rng: random.Random) -> bytes:
    """A form whose fields and referenced objects are drawn from the awkward tokens."""
    count = rng.randint(1, 3)
    bodies = []
    for n in range(count):
        value = " ".join(rng.choice(_VALUES) for _ in range(rng.choice((1, 1, 1, 2, 3))))
        extra = " ".join(rng.choice(_EXTRAS) for _ in range(rng.randint(0, 3)))
        bodies.append(_FIELD.format(n=n, value=value, extra=extra))
    # Object 7 (after catalog, pages, form and up to three fields): something a field points at.
    while len(bodies) < 3:
        bodies.append("<< /T (filler) /FT /Tx /V (x) >>")
    bodies.append(rng.choice([*_VALUES, "<< /T (kid) /V (k) /Parent 4 0 R >>"]))
    fields = " ".join(f"{4 + n} 0 R" for n in range(count))
    return _assemble(
        [
            "<< /Type /Catalog /Pages 2 0 R /AcroForm 3 0 R >>",
            "<< /Type /Pages /Kids [] /Count 0 >>",
            f"<< /Fields [{fields}] /DA (/Helv 0 Tf 0 g) >>",
            *bodies,
        ]
    )


def test_awkward_dictionaries_match_pypdf() -> None:
    rng = random.Random(1206)
    read = 0
    for _ in range(1200):
        fields = _assert_same(_awkward_pdf(rng))
        read += fields[0] == "dict" and bool(fields[1])
    assert read > 600  # most forms read at all (by our reader or pypdf's)


def test_fields_that_are_streams_are_pypdfs_to_read() -> None:
    """A field dictionary followed by a stream is a stream object to pypdf, or an error."""
    for stream in (
        "/Length 5 >>\nstream\nabcde\nendstream",
        "/Length 4 0 R >>\nstream\nabcde\nendstream",
        "/Length 500 >>\nstream\nab",
        "/Length 2 >>\nstream\nabcde\nendstream",
        ">>\nstream\nabcde",
        ">> trailing words",
    ):
        data = _assemble(
            [
                "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
                "<< /Type /Pages /Kids [] /Count 0 >>",
                "<< /T (s) /FT /Tx /V (v) " + stream,
                "5",
            ]
        )
        _assert_same(data)
        _assert_same(data, strict=True)


def test_a_strict_reader_matches_pypdf() -> None:
    """A strict pypdf refuses a repeated key even where the walk never looks."""
    rng = random.Random(31)
    for _ in range(200):
        _assert_same(_awkward_pdf(rng), strict=True)
    _assert_same(_one_field("<< /T (f) /FT /Tx /V (v) /X 1 /X 2 >>"), strict=True)


def test_deep_long_and_repeated_entries_match_pypdf() -> None:
    deep = [
        "[" * depth + "1" + "]" * depth
        for depth in (3, 4, 5, 31, 32, 33, 200)  # around our pattern's and our stack's limits
    ]
    dicts = ["<< /A " * depth + "1" + " >>" * depth for depth in (3, 4, 31, 33, 200)]
    for value in [*deep, *dicts, "(" + "x" * 100_000 + ")", "/" + "n" * 5000, "9" * 100_000]:
        for where in ("/V {v}", "/MK {v}", "/Kids [7 0 R] /X {v}", "/X 1 /V {v} /X {v} /V 2"):
            body = "<< /T (f) /FT /Tx " + where.format(v=value) + " >>"
            _assert_same(_one_field(body), later=False)


def _one_field(body: str) -> bytes:
    return _assemble(
        [
            "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
            "<< /Type /Pages /Kids [] /Count 0 >>",
            body,
        ]
    )


def test_references_at_the_edge_of_pypdfs_peek_match_pypdf() -> None:
    """pypdf tells a reference from a number in a 20-byte peek; ours must end where it ends.

    Past the peek, pypdf reads numbers and then fails on the "R", leaving the dictionary empty
    from there: the reference comes first, in an entry we build (/Parent) or only match (/X).
    """
    for sign, digits, generation, spaces in itertools.product(
        ("", "-"), (1, 5, 7, 8, 9, 10), ("0", "12", "12345"), (" ", "  ")
    ):
        ref = sign + "1" * digits + spaces + generation + spaces + "R"
        _assert_same(_one_field(f"<< /X [{ref}] /T (f) /FT /Tx /V /x >>"))
        _assert_same(_one_field(f"<< /Parent {ref} /T (f) /FT /Tx /V /x >>"))
    for length in range(15, 23):
        number = "1" * (length - 2) + ".5"
        _assert_same(_one_field(f"<< /X {number} /T (f) /FT /Tx /V {number} >>"))
        _assert_same(_one_field(f"<< /X {'2' * length} /T (f) /FT /Tx /Ff {'2' * length} >>"))


def test_objects_pypdf_repairs_or_misses_match() -> None:
    """A wrong offset, a wrong header, a free entry, a missing object: pypdf's way, both ways."""
    base = reportlab_form(_random_fields(random.Random(5), 6))
    xref = base.rindex(b"xref\n")
    table = base[xref:].split(b"\n")
    variants = []
    for line in range(3, min(len(table), 14)):
        for change in (b"0000000001 00000 n ", b"0000000000 00000 f ", b"9999999999 00000 n "):
            lines = list(table)
            lines[line] = change
            variants.append(base[:xref] + b"\n".join(lines))
    variants.append(base.replace(b"\n11 0 obj", b"\n11 1 obj"))
    variants.append(base.replace(b"\n12 0 obj", b"\n99 0 obj"))
    variants.append(base.replace(b"\n13 0 obj\n", b"\n13 0 obj %c\n"))
    for data in variants:
        _assert_same(data)


def test_objects_pypdf_already_read_are_pypdfs(reportlab_forms: list[bytes]) -> None:
    """Fields pypdf has already cached are the ones walked, as they were before."""
    for data in reportlab_forms[:6]:
        ours, theirs = _reader(data), _reader(data)
        for reader in (ours, theirs):
            for generation, table in reader.xref.items():
                for idnum in list(table)[::3]:
                    reader.get_object(IndirectObject(idnum, generation, reader))
        assert _typed(form_fields(ours)) == _typed(form_fields(theirs, fast=False))
        assert _later_reads(ours) == _later_reads(theirs)


def _mutated(rng: random.Random, data: bytes) -> bytes:
    """A few bytes flipped, put in or taken out, mostly inside the objects' text."""
    out = bytearray(data)
    alphabet = b"0123456789 /()<>[]\\%#\n\r\t\x00\x0cRenobj.-+TV"
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(out))
        byte = rng.choice(alphabet) if rng.random() < 0.7 else rng.randrange(256)
        way = rng.randrange(4)
        if way == 0:
            out.insert(at, byte)
        elif way == 1 and len(out) > 1:
            del out[at]
        else:
            out[at] = byte
    return bytes(out)


def test_mutated_forms_match_pypdf() -> None:
    rng = random.Random(4711)
    seeds = [reportlab_form(_random_fields(rng, 5)) for _ in range(4)]
    outcomes = set()
    for _ in range(400):
        data = _mutated(rng, rng.choice(seeds))
        outcomes.add(_assert_same(data, later=rng.random() < 0.25)[0])
    assert "dict" in outcomes and len(outcomes) > 1  # some still read, some refused


def _pypdf_value(data: bytes, reader: PdfReader) -> Any:
    try:
        return _typed(read_object(io.BytesIO(data), reader))
    except Exception as exc:  # pypdf refusing is an answer too
        return "error", type(exc).__name__


def _our_value(read: Any) -> Any:
    try:
        return _typed(read(0))
    except pdf_objects._GiveUp:
        return None


def test_our_parser_reads_values_as_pypdfs_read_object_or_gives_up() -> None:
    """Token by token, without the fallback to hide a mistake: ours is pypdf's, or nothing."""
    rng = random.Random(77)
    reader = _reader(pdf_bytes([(40, 800, "x")]))
    keys = frozenset({b"/K", b"/T", b"/V"})
    read = 0
    for _ in range(3000):
        glue = rng.choice(("", " ", "\n"))
        parts = [rng.choice(_VALUES) for _ in range(rng.randint(1, 6))]
        if rng.random() < 0.5:  # a dictionary: mostly names as keys
            parts = [p for v in parts for p in (rng.choice(("/K", "/T", "/V", "/W")), v)]
            parts = ["<<", *parts, ">>"]
        else:
            parts = ["[", *parts, "]"]
        data = glue.join(parts).encode("latin-1") + b" endobj"
        parser = pdf_objects._Parser(data, reader)
        ours = _our_value(parser.object_at)
        if ours is None:
            continue
        theirs = _pypdf_value(data, reader)
        assert ours == theirs, data
        read += 1
        node = _our_value(functools.partial(parser.node_at, keys=keys))
        if node is not None:
            kept = [item for item in theirs[1] if item[0][1].encode() in keys]
            assert node == ("DictionaryObject", kept, None), data
    assert read > 300


def test_the_reader_gives_up_rather_than_raise_on_any_bytes() -> None:
    """Our parser either reads a value or gives up: no other error, whatever the bytes."""
    rng = random.Random(99)
    alphabet = b"0123456789abcdefABCDEF.-+/()<>[]{}% \n\r\x00\x0cRtruefalsn#\\endobj"
    reader = _reader(pdf_bytes([(40, 800, "x")]))
    for _ in range(3000):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        parser = pdf_objects._Parser(data + b" endobj", reader)
        for read in (parser.object_at, functools.partial(parser.node_at, keys=frozenset({b"/T"}))):
            _our_value(read)
