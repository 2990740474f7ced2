"""Turn an uploaded CV file into normalised text, safely.

Call :func:`sniff` in the web process to refuse a wrong file at once: it reads magic bytes and,
for ZIP files, the entry names, never parses a document, and raises only UnsupportedFile. Call
:func:`extract_isolated` in the worker: it runs :func:`extract` in a child process with CPU,
memory and wall-clock limits, so a hostile file costs one failed upload and nothing else.

Every failure is an :class:`~indexer.errors.IndexerError` whose ``code`` is one of these stable
strings and whose ``message`` can be shown to the job seeker:

=====================  ================  ===================================================
code                   raised as         meaning
=====================  ================  ===================================================
``empty_file``         UnsupportedFile   the file has no bytes
``too_large``          UnsupportedFile   more bytes than ``Limits.max_bytes``
``unsupported_format`` UnsupportedFile   not PDF/DOCX/ODT/RTF/text; the message names what it
                                         is (PNG, JPEG, legacy .doc, other ZIP, program,
                                         HTML, binary data, PDF+ZIP polyglot, ...)
``corrupt_file``       ParseError        claims a supported format but cannot be read (a
                                         damaged ZIP is already refused by sniff, as
                                         UnsupportedFile with this code)
``encrypted``          ParseError        PDF that needs a password to open
``too_many_pages``     ParseError        more pages than ``Limits.max_pages``
``no_text_layer``      ParseError        image-only PDF, and OCR is unavailable or found nothing
``no_text``            ParseError        a readable document that contains no text at all
``zip_bomb``           ParseError        DOCX/ODT over the entry-count, size or ratio limits
``xml_doctype``        ParseError        DOCX/ODT with an XML part declaring a DOCTYPE
``timeout``            ParseError        CPU or wall-clock limit reached (child killed)
``memory_limit``       ParseError        address-space limit reached
``crashed``            ParseError        the child died otherwise (signal, bad exit, bad reply)
=====================  ================  ===================================================

Method names in :attr:`Extraction.method`: ``pypdfium2``, ``pdfminer``, ``ocr``, ``docx``,
``odt``, ``rtf``, ``text``.
"""

import logging

from indexer.errors import IndexerError, ParseError, UnsupportedFile
from indexer.extract.base import (
    DOCX,
    ODT,
    PDF,
    RTF,
    SUPPORTED_MIMES,
    TEXT,
    Extraction,
    Limits,
    looks_out_of_memory,
)
from indexer.extract.isolation import ChildReport, extract_isolated, run_isolated
from indexer.extract.sniff import sniff
from indexer.normalise import normalise_text

__all__ = [
    "DOCX",
    "ODT",
    "PDF",
    "RTF",
    "SUPPORTED_MIMES",
    "TEXT",
    "ChildReport",
    "Extraction",
    "Limits",
    "extract",
    "extract_isolated",
    "run_isolated",
    "sniff",
]

log = logging.getLogger(__name__)

_DEFAULT_LIMITS = Limits()


def extract(data: bytes, limits: Limits = _DEFAULT_LIMITS) -> Extraction:
    """Extract and normalise the text of a file in this process (the child calls this)."""
    if not data:
        raise UnsupportedFile("The file is empty.", code="empty_file")
    if len(data) > limits.max_bytes:
        raise UnsupportedFile(
            f"The file is larger than {_megabytes(limits.max_bytes)}.", code="too_large"
        )
    mime = sniff(data)
    try:
        raw, pages, method = _extract_raw(mime, data, limits)
    except IndexerError:
        raise
    except MemoryError as exc:
        raise ParseError("The file needs too much memory to read.", code="memory_limit") from exc
    except RecursionError as exc:
        raise ParseError(
            "The file is nested too deeply to read. Please save it again and upload it.",
            code="corrupt_file",
        ) from exc
    except Exception as exc:
        if looks_out_of_memory(str(exc)):
            # Under RLIMIT_AS, loading a parser's shared library fails with an ImportError.
            raise ParseError(
                "The file needs too much memory to read.", code="memory_limit"
            ) from exc
        # Parsers report damage with arbitrary exceptions; keep the cause in the log.
        log.info("extracting %s failed", mime, exc_info=True)
        raise ParseError(
            "The file is damaged and cannot be read. Please save it again and upload it.",
            code="corrupt_file",
        ) from exc
    text = normalise_text(raw)
    if not text:
        raise ParseError("We found no text in this file.", code="no_text")
    return Extraction(text=text, mime=mime, pages=pages, method=method)


def _extract_raw(mime: str, data: bytes, limits: Limits) -> tuple[str, int | None, str]:
    """Return (raw text, page count, method) for a sniffed file."""
    if mime == PDF:
        from indexer.extract.pdf import extract_pdf

        return extract_pdf(data, limits)
    from indexer.extract import office

    if mime == DOCX:
        return office.extract_docx(data, limits), None, "docx"
    if mime == ODT:
        return office.extract_odt(data, limits), None, "odt"
    if mime == RTF:
        return office.extract_rtf(data), None, "rtf"
    if mime == TEXT:
        return office.extract_plain(data), None, "text"
    raise UnsupportedFile(f"cvbank cannot read {mime} files.", code="unsupported_format")


def _megabytes(size: int) -> str:
    """Format a byte count as whole megabytes for a message."""
    return f"{size / (1024 * 1024):.0f} MB"
