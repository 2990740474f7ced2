"""Tell a file's type from its first bytes, never from its name or Content-Type."""

import io
import struct
import zipfile

from indexer.errors import UnsupportedFile
from indexer.extract.base import DOCX, ODT, PDF, RTF, TEXT

_PLEASE = "Please upload your CV as PDF or DOCX."

# (magic bytes at offset 0, what the job seeker is told the file is)
_KNOWN_UNSUPPORTED: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office document (.doc, .xls or .ppt)"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a program or Java class file"),
    (b"\x1f\x8b", "a compressed archive (gzip)"),
    (b"BZh", "a compressed archive (bzip2)"),
    (b"\xfd7zXZ\x00", "a compressed archive (xz)"),
    (b"7z\xbc\xaf\x27\x1c", "a compressed archive (7-Zip)"),
    (b"Rar!\x1a\x07", "a compressed archive (RAR)"),
    (b"%!PS", "a PostScript file"),
    (b"SQLite format 3\x00", "a database file"),
)

_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("xl/", "an Excel spreadsheet"),
    ("ppt/", "a PowerPoint presentation"),
)

_ODF_KINDS: dict[str, str] = {
    "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation",
    "application/vnd.oasis.opendocument.graphics": "an OpenDocument drawing",
    "application/epub+zip": "an e-book (EPUB)",
}

# Enough of the start of a text file to judge its encoding without reading all of it.
_TEXT_PROBE = 16 * 1024


def unsupported(what: str) -> UnsupportedFile:
    """Return the error that tells the job seeker what the file is and what to send instead."""
    return UnsupportedFile(f"This file is {what}. {_PLEASE}", code="unsupported_format")


def sniff(data: bytes) -> str:
    """Return the MIME type of the bytes, or raise why cvbank cannot read them."""
    if not data:
        raise UnsupportedFile("The file is empty.", code="empty_file")
    if data.startswith(b"%PDF-"):
        return _sniff_pdf(data)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data)
    if data.startswith(b"{\\rtf"):
        return RTF
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise unsupported("a WebP image")
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        raise unsupported("a HEIC image")
    for magic, what in _KNOWN_UNSUPPORTED:
        if data.startswith(magic):
            raise unsupported(what)
    # PDF readers accept junk before the header within the first kilobyte, so we do too.
    if b"%PDF-" in data[:1024]:
        return _sniff_pdf(data)
    return _sniff_text(data)


def _sniff_pdf(data: bytes) -> str:
    """Return the PDF type unless the file is a ZIP archive as well."""
    if _is_zip(data):
        # A file that is both a PDF and a ZIP shows different content to different readers:
        # what the job seeker sees would not be what employers search.
        raise unsupported("both a PDF and a ZIP archive (a polyglot file)")
    return PDF


def _is_zip(data: bytes) -> bool:
    """Tell whether the bytes end with a valid ZIP end-of-central-directory record."""
    return zipfile.is_zipfile(io.BytesIO(data))


def _sniff_zip(data: bytes) -> str:
    """Tell DOCX and ODT from other ZIP-based files by their entry names, without inflating."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        # sniff raises only UnsupportedFile, so the upload view needs one except clause.
        raise UnsupportedFile(
            "The file is a damaged ZIP archive (DOCX and ODT files are ZIP archives). "
            "Please save your CV again and upload it.",
            code="corrupt_file",
        ) from exc
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return DOCX
        for prefix, what in _ZIP_KINDS:
            if any(name.startswith(prefix) for name in names):
                raise unsupported(what)
    # ODF stores its type uncompressed as the first entry, so it can be read in place.
    declared = _odf_mimetype(data)
    if declared is not None:
        if declared in (ODT, ODT + "-template"):
            return ODT
        raise unsupported(_ODF_KINDS.get(declared, "an OpenDocument file that is not a text"))
    # Some converters compress the "mimetype" entry or move it; the manifest still tells ODF.
    if "content.xml" in names and "META-INF/manifest.xml" in names:
        return ODT
    raise unsupported("a ZIP archive, not a Word (DOCX) or OpenDocument (ODT) document")


def _odf_mimetype(data: bytes) -> str | None:
    """Return the content of a stored first entry named "mimetype", as ODF requires."""
    if len(data) < 30:
        return None
    method, size = struct.unpack("<H8xI", data[8:22])
    name_len, extra_len = struct.unpack("<HH", data[26:30])
    if data[30 : 30 + name_len] != b"mimetype" or method != 0 or size > 200:
        return None
    start = 30 + name_len + extra_len
    return data[start : start + size].decode("ascii", "replace").strip()


def _sniff_text(data: bytes) -> str:
    """Accept the bytes as plain text when they decode as text, else name them binary."""
    probe = data[:_TEXT_PROBE]
    if probe.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _refuse_markup(probe.decode("utf-16", "ignore"))
    if b"\x00" in probe:
        raise unsupported("binary data, not a document")
    try:
        text = probe.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The probe may end inside a multi-byte character; only an earlier error counts.
        if exc.start < len(probe) - 3:
            text = _decode_legacy(probe)
        else:
            text = probe[: exc.start].decode("utf-8")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > len(text) // 100:
        raise unsupported("binary data, not a document")
    return _refuse_markup(text)


# Text that is not UTF-8 comes, in the Nordics, from Windows, old Macs or DOS. Statistical
# detectors guess wrong on short Nordic texts (cp850 for cp1252), so these are scored first by
# how many Nordic letters they produce.
_NORDIC_ENCODINGS = ("cp1252", "mac_roman", "cp865")
_NORDIC_LETTERS = frozenset("åäöæøéüÅÄÖÆØÉÜ")


def decode_legacy(data: bytes) -> str | None:
    """Decode non-UTF-8 text in its most likely legacy encoding, or return None."""
    scored = []
    for encoding in _NORDIC_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        high = [char for char in text if ord(char) > 127]
        nordic = sum(1 for char in high if char in _NORDIC_LETTERS)
        scored.append((nordic - (len(high) - nordic), encoding, text))
    scored.sort(key=lambda item: item[0], reverse=True)
    if scored and scored[0][0] > 0:
        return scored[0][2]
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else str(best)


def _decode_legacy(probe: bytes) -> str:
    """Decode a probe that is not UTF-8, or refuse it as binary."""
    text = decode_legacy(probe)
    if text is None:
        raise unsupported("binary data, not a document")
    return text


def _refuse_markup(text: str) -> str:
    """Return the plain-text MIME type unless the text is HTML or XML."""
    start = text.lstrip("\ufeff \t\r\n")[:256].lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")):
        raise unsupported("a web page (HTML)")
    if start.startswith("<?xml") or start.startswith("<!doctype"):
        raise unsupported("an XML file")
    return TEXT
