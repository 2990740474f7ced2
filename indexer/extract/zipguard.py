"""Refuse ZIP-based documents (DOCX, ODT) that would cost too much or reach outside themselves.

The checks read only the central directory and the first bytes of each XML part, so a bomb is
refused before anything large is inflated. Python's zipfile stops every entry at the size its
directory entry declares (and fails the CRC check if the data goes on), so a directory that lies
about sizes cannot make a later reader inflate more than was checked here.
"""

import codecs
import io
import struct
import zipfile

from indexer.errors import ParseError
from indexer.extract.base import Limits

# Below this size a part cannot hurt, however well it compresses (empty styles compress 50:1).
_RATIO_FLOOR = 1024 * 1024
# The prolog (declaration, comments, DOCTYPE) of a real document part is a few hundred bytes.
_MAX_PROLOG = 64 * 1024
_CHUNK = 4096
_XML_SUFFIXES = (".xml", ".rels")


def open_checked_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open the archive after checking its entry count, sizes, ratios and XML prologs."""
    declared = _declared_entry_count(data)
    if declared is not None and declared > limits.zip_max_entries:
        # zipfile would build an object per entry before we could count them.
        raise _bomb(f"it holds {declared} files")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _corrupt() from exc
    try:
        check_zip(archive, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def _declared_entry_count(data: bytes) -> int | None:
    """Return the entry count in the end-of-central-directory record, if one is found."""
    # The record is 22 bytes plus a comment of at most 65,535 bytes at the end of the file.
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if at < 0 or at + 22 > len(data):
        return None
    (count,) = struct.unpack_from("<H", data, at + 10)
    # 0xFFFF means the real count is in a ZIP64 record; zipfile reads that one.
    return None if count == 0xFFFF else int(count)


def check_zip(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Raise unless the archive is small, ordinary, and free of DOCTYPE declarations."""
    entries = archive.infolist()
    if len(entries) > limits.zip_max_entries:
        raise _bomb(f"it holds {len(entries)} files")
    total = sum(entry.file_size for entry in entries)
    if total > limits.zip_max_uncompressed:
        raise _bomb(f"it unpacks to {total // (1024 * 1024)} MB")
    for entry in entries:
        if entry.file_size > _RATIO_FLOOR:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > limits.zip_max_ratio:
                raise _bomb(f"a part is compressed {ratio:.0f} times")
    for entry in entries:
        if entry.filename.lower().endswith(_XML_SUFFIXES) and not entry.is_dir():
            _check_prolog(archive, entry)


def _check_prolog(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Refuse an XML part whose prolog declares a DOCTYPE (entities: XXE, billion laughs)."""
    try:
        with archive.open(entry) as part:
            first = part.read(_CHUNK)
            decoder = codecs.getincrementaldecoder(_xml_encoding(first))("replace")
            text = decoder.decode(first)
            read = len(first)
            at_end = len(first) < _CHUNK
            while (verdict := _prolog_verdict(text, at_end)) is None:
                if at_end or read > _MAX_PROLOG:
                    # No root element within the prolog budget: not a document part we can read.
                    raise _corrupt()
                chunk = part.read(_CHUNK)
                read += len(chunk)
                at_end = not chunk
                text += decoder.decode(chunk, final=at_end)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError) as exc:
        raise _corrupt() from exc
    if verdict == "doctype":
        raise ParseError(
            "This document contains an XML DOCTYPE declaration, which Word never writes and "
            "which cvbank refuses for safety. Please save your CV again as DOCX or PDF.",
            code="xml_doctype",
        )


def _xml_encoding(first: bytes) -> str:
    """Guess an XML part's encoding from its byte-order mark or first characters."""
    if first.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le"
    if first.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be"
    return "utf-8"


def _prolog_verdict(text: str, at_end: bool) -> str | None:
    """Return "doctype" or "ok" once the prolog is read, or None when more text is needed."""
    pos = 0
    length = len(text)
    while pos < length:
        char = text[pos]
        if char in "\ufeff \t\r\n":
            pos += 1
            continue
        if char != "<":
            return "ok"  # not XML at all; the document parser will refuse it
        rest = text[pos : pos + 4]
        if len(rest) < 4 and not at_end:
            return None
        if rest.startswith("<?"):
            closer = "?>"
        elif rest.startswith("<!--"):
            closer = "-->"
        elif rest.startswith("<!"):
            return "doctype"  # <!DOCTYPE, in any case, or any other declaration
        else:
            return "ok"  # the root element starts: the prolog is over
        end = text.find(closer, pos + 2)
        if end < 0:
            return None if not at_end else "ok"
        pos = end + len(closer)
    return None if not at_end else "ok"


def _bomb(detail: str) -> ParseError:
    """Return the error for an archive that would unpack to far more than a CV needs."""
    return ParseError(
        f"This document cannot be read safely: {detail}, far more than a CV needs.",
        code="zip_bomb",
    )


def _corrupt() -> ParseError:
    """Return the error for an archive that cannot be read."""
    return ParseError(
        "This document is damaged and cannot be read. Please save it again and upload it.",
        code="corrupt_file",
    )
