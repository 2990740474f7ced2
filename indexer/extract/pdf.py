"""Read PDFs: pypdfium2 first, pdfminer.six when pdfium fails or finds no text, then OCR."""

import io
import logging
import os
import shutil
import subprocess
import time
from functools import cache
from typing import Any

from indexer.errors import ParseError
from indexer.extract.base import Limits, looks_out_of_memory
from indexer.normalise import PAGE_BREAK

log = logging.getLogger(__name__)

OCR_LANGUAGES = ("swe", "nor", "dan", "eng")
# 300 dpi is what Tesseract is tuned for; the pixel cap keeps an oversized page from costing
# hundreds of megabytes of bitmap.
_OCR_DPI = 300
_OCR_MAX_PIXELS = 3000 * 4000


def extract_pdf(data: bytes, limits: Limits) -> tuple[str, int, str]:
    """Return (text with form feeds between pages, page count, method) for a PDF."""
    import pypdfium2 as pdfium

    started = time.monotonic()
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _encrypted() from exc
        log.info("pdfium cannot open the PDF (%s); trying pdfminer", exc)
        document = None
    if document is None:
        text, pages = pdfminer_text(data, limits, opened_elsewhere=False)
        if text.strip():
            return text, pages, "pdfminer"
        raise ParseError(
            "This PDF is damaged and no text could be read from it. Please export it again.",
            code="corrupt_file",
        )
    try:
        pages = len(document)
        _check_pages(pages, limits)
        text = _pdfium_text(document)
        if text.strip():
            return text, pages, "pypdfium2"
        # pdfium found no text: pdfminer sometimes reads fonts that pdfium cannot map.
        text, _ = pdfminer_text(data, limits, opened_elsewhere=True)
        if text.strip():
            return text, pages, "pdfminer"
        remaining = limits.wall_seconds - (time.monotonic() - started)
        return ocr_document(document, remaining), pages, "ocr"
    finally:
        document.close()


def _check_pages(pages: int, limits: Limits) -> None:
    """Refuse a document with more pages than a CV has, before reading any page."""
    if pages > limits.max_pages:
        raise ParseError(
            f"This PDF has {pages} pages; cvbank reads CVs of at most {limits.max_pages} pages.",
            code="too_many_pages",
        )
    if pages == 0:
        raise ParseError("This PDF has no pages.", code="corrupt_file")


def _pdfium_text(document: Any) -> str:
    """Return the text of every page, pages separated by form feeds."""
    texts = []
    for index in range(len(document)):
        page = document[index]
        try:
            textpage = page.get_textpage()
            try:
                texts.append(textpage.get_text_bounded())
            finally:
                textpage.close()
        finally:
            page.close()
    return PAGE_BREAK.join(texts)


def pdfminer_text(data: bytes, limits: Limits, *, opened_elsewhere: bool) -> tuple[str, int]:
    """Return pdfminer's text and page count; when pdfium read the file, failure means no text."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    out = io.StringIO()
    resources = PDFResourceManager()
    pages = 0
    try:
        with TextConverter(resources, out, laparams=LAParams()) as device:
            interpreter = PDFPageInterpreter(resources, device)
            for pages, page in enumerate(PDFPage.get_pages(io.BytesIO(data)), start=1):
                if pages > limits.max_pages:
                    _check_pages(pages, limits)
                interpreter.process_page(page)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _encrypted() from exc
    except ParseError:
        raise
    except MemoryError:
        raise
    except (Exception, RecursionError) as exc:
        if looks_out_of_memory(str(exc)):
            raise _out_of_memory() from exc
        # pdfminer signals hostile structure with anything from KeyError to RecursionError.
        log.info("pdfminer cannot read the PDF: %r", exc)
        if opened_elsewhere:
            return "", pages
        raise ParseError(
            "This PDF is damaged and cannot be read. Please export it again.",
            code="corrupt_file",
        ) from exc
    if pages == 0 and not opened_elsewhere:
        _check_pages(0, limits)
    return out.getvalue(), pages


@cache
def tesseract_languages() -> tuple[str, ...]:
    """Return the Nordic and English OCR languages the installed Tesseract has, or ()."""
    # Raise when Tesseract is installed but cannot run (under our memory limit, say): telling
    # the job seeker their scan has no text layer would then be wrong.
    exe = shutil.which("tesseract")
    if exe is None:
        return ()
    try:
        result = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise _ocr_failed(str(exc)) from exc
    if result.returncode != 0:
        raise _ocr_failed(result.stderr)
    return tuple(lang for lang in OCR_LANGUAGES if lang in result.stdout.split())


def ocr_document(document: Any, seconds: float) -> str:
    """Return the OCR text of an image-only PDF, or raise no_text_layer."""
    languages = tesseract_languages()
    exe = shutil.which("tesseract")
    if not languages or exe is None:
        raise ParseError(
            "This PDF has no text layer (it looks like a scanned image). Please upload a PDF "
            "exported from your word processor, or a DOCX.",
            code="no_text_layer",
        )
    deadline = time.monotonic() + seconds
    texts = []
    for index in range(len(document)):
        page = document[index]
        try:
            # A page that draws nothing cannot hold text; rendering it at 300 dpi and running
            # Tesseract would cost a second for an empty string.
            blank = next(iter(page.get_objects(max_depth=1)), None) is None
            image = b"" if blank else _render_pgm(page)
        finally:
            page.close()
        texts.append(_tesseract(exe, languages, image, deadline) if image else "")
    text = PAGE_BREAK.join(texts)
    if not text.strip():
        raise ParseError(
            "This PDF has no text layer and no text could be recognised in its images. Please "
            "upload a PDF exported from your word processor, or a DOCX.",
            code="no_text_layer",
        )
    return text


def _render_pgm(page: Any) -> bytes:
    """Render a page in grey at OCR resolution as a binary PGM image."""
    width, height = page.get_size()
    scale = _OCR_DPI / 72
    pixels = width * height * scale * scale
    if pixels > _OCR_MAX_PIXELS:
        scale *= (_OCR_MAX_PIXELS / pixels) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        channels = bitmap.n_channels
        w, h, stride = bitmap.width, bitmap.height, bitmap.stride
        buffer = bytes(bitmap.buffer)
    finally:
        bitmap.close()
    rows = bytearray()
    for y in range(h):
        row = buffer[y * stride : y * stride + w * channels]
        # Grey renders come back as one channel, or as B=G=R when pdfium keeps colour format.
        rows += row if channels == 1 else row[::channels]
    return b"P5 %d %d 255\n" % (w, h) + bytes(rows)


def _tesseract(exe: str, languages: tuple[str, ...], image: bytes, deadline: float) -> str:
    """Run Tesseract on one image with what is left of the time budget."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ParseError("Reading the scanned PDF took too long.", code="timeout")
    # One OpenMP thread: the worker runs several extractions and counts memory per child.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            [exe, "-", "-", "-l", "+".join(languages)],
            input=image,
            capture_output=True,
            timeout=remaining,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ParseError("Reading the scanned PDF took too long.", code="timeout") from exc
    stderr = result.stderr.decode("utf-8", "replace")
    # Leptonica reports a failed image allocation as "pix not defined" and Tesseract then
    # exits 0 with an empty page, so the exit status alone would turn a memory failure into
    # "no text".
    if result.returncode != 0 or "pix not defined" in stderr or "Could not initialize" in stderr:
        raise _ocr_failed(stderr)
    return result.stdout.decode("utf-8", "replace")


def _ocr_failed(stderr: str) -> ParseError:
    """Return the error for a Tesseract run that failed, by memory or otherwise."""
    log.warning("tesseract failed: %s", stderr[-500:])
    if looks_out_of_memory(stderr) or "pix not defined" in stderr:
        return _out_of_memory()
    return ParseError("The scanned PDF could not be read.", code="crashed")


def _out_of_memory() -> ParseError:
    """Return the error for reading that hit the memory limit."""
    return ParseError("The file needs too much memory to read.", code="memory_limit")


def _encrypted() -> ParseError:
    """Return the error for a PDF that needs a password."""
    return ParseError(
        "This PDF is protected with a password. Please upload a copy without a password.",
        code="encrypted",
    )
