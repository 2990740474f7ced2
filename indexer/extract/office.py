"""Read word-processor documents: DOCX with python-docx, ODT with odfpy, RTF with striprtf."""

import io
from collections.abc import Iterator
from typing import Any

from indexer.errors import ParseError, UnsupportedFile
from indexer.extract.base import Limits
from indexer.extract.sniff import decode_legacy
from indexer.extract.zipguard import open_checked_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P = _W + "p"
_TXBX = _W + "txbxContent"
_RUN_TEXT = {_W + "t": None, _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n"}
_RUN_TEXT[_W + "noBreakHyphen"] = "-"

_HEADER_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


def extract_docx(data: bytes, limits: Limits) -> str:
    """Return the text of a DOCX: headers, body (tables and text boxes in place), footers."""
    # The zip is checked before python-docx (and lxml) sees a single byte of it.
    open_checked_zip(data, limits).close()
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:
        if "content type" not in str(exc):
            raise
        # python-docx reads only ordinary documents, not .docm (macros) or .dotx (templates).
        raise UnsupportedFile(
            "This Word file is a template or has macros. Please save it as an ordinary Word "
            "document (DOCX) or as PDF and upload that.",
            code="unsupported_format",
        ) from exc
    except (PackageNotFoundError, KeyError) as exc:
        raise ParseError(
            "This Word document is damaged or incomplete. Please save it again and upload it.",
            code="corrupt_file",
        ) from exc
    headers: list[str] = []
    footers: list[str] = []
    seen: set[str] = set()
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype not in (_HEADER_RELTYPE, _FOOTER_RELTYPE):
            continue
        part = rel.target_part
        if str(part.partname) in seen:
            continue
        seen.add(str(part.partname))
        lines = list(_block_lines(part.element))
        (headers if rel.reltype == _HEADER_RELTYPE else footers).extend(lines)
    body = list(_block_lines(document.element.body))
    return "\n".join([*headers, *body, *footers])


def _block_lines(element: Any) -> Iterator[str]:
    """Yield one line per paragraph under the element, text boxes right after their anchor."""
    for child in element:
        tag = child.tag
        if tag == _MC_FALLBACK:
            continue  # the same text box again, in VML for old readers
        if tag == _P:
            yield _paragraph_text(child)
            for box in _text_boxes(child):
                yield from _block_lines(box)
        else:
            yield from _block_lines(child)


def _paragraph_text(paragraph: Any) -> str:
    """Return a paragraph's own text, leaving out any text box anchored in it."""
    parts: list[str] = []

    def visit(element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag in (_TXBX, _MC_FALLBACK):
                continue
            if tag in _RUN_TEXT:
                fixed = _RUN_TEXT[tag]
                parts.append((child.text or "") if fixed is None else fixed)
            else:
                visit(child)

    visit(paragraph)
    return "".join(parts)


def _text_boxes(element: Any) -> Iterator[Any]:
    """Yield the text-box contents anchored in the element, skipping compatibility copies."""
    for child in element:
        if child.tag == _MC_FALLBACK:
            continue
        if child.tag == _TXBX:
            yield child
        else:
            yield from _text_boxes(child)


def extract_odt(data: bytes, limits: Limits) -> str:
    """Return the text of an ODT: page headers, then the body, then page footers."""
    open_checked_zip(data, limits).close()
    from odf import teletype
    from odf.namespaces import STYLENS, TEXTNS
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except Exception as exc:
        # odfpy reports damage with whatever the XML or zip layer raised.
        raise ParseError(
            "This OpenDocument file is damaged. Please save it again and upload it.",
            code="corrupt_file",
        ) from exc

    def lines(node: Any) -> Iterator[str]:
        for child in node.childNodes:
            if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                yield teletype.extractText(child)
            elif child.nodeType == child.ELEMENT_NODE:
                yield from lines(child)

    headers: list[str] = []
    footers: list[str] = []
    for master in document.masterstyles.childNodes:
        for part in master.childNodes:
            if part.qname == (STYLENS, "header"):
                headers.extend(lines(part))
            elif part.qname == (STYLENS, "footer"):
                footers.extend(lines(part))
    return "\n".join([*headers, *lines(document.text), *footers])


def extract_rtf(data: bytes) -> str:
    """Return the text of an RTF document."""
    from striprtf.striprtf import rtf_to_text

    # RTF is 7-bit ASCII; other characters arrive as \\'xx or \\u escapes that striprtf decodes.
    return str(rtf_to_text(data.decode("latin-1"), errors="ignore"))


def extract_plain(data: bytes) -> str:
    """Return the text of a plain-text file in whatever common encoding it uses."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = decode_legacy(data)
    if text is None:
        raise ParseError("The text file's encoding cannot be recognised.", code="corrupt_file")
    return text
