"""Tests for the ZIP pre-checks that run before python-docx or odfpy sees a document."""

import io
import zipfile

import pytest

from indexer.errors import ParseError
from indexer.extract import Limits
from indexer.extract.zipguard import open_checked_zip


def archive(parts: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Return a ZIP holding the parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def code_of(data: bytes, limits: Limits | None = None) -> str:
    """Return the error code the checks raise, or "ok"."""
    try:
        open_checked_zip(data, limits or Limits()).close()
    except ParseError as exc:
        return exc.code
    return "ok"


def test_ordinary_parts_pass():
    parts = {"word/document.xml": b'<?xml version="1.0"?><!-- Word --><w:document/>'}
    assert code_of(archive(parts)) == "ok"


def test_too_many_entries_is_a_bomb():
    parts = {f"p{i}.xml": b"<a/>" for i in range(11)}
    assert code_of(archive(parts), Limits(zip_max_entries=10)) == "zip_bomb"


def test_too_much_uncompressed_data_is_a_bomb():
    parts = {"word/media/a.bin": b"x" * 5000}
    assert (
        code_of(archive(parts, zipfile.ZIP_STORED), Limits(zip_max_uncompressed=4000)) == "zip_bomb"
    )


def test_large_part_with_extreme_ratio_is_a_bomb():
    assert (
        code_of(archive({"word/document.xml": b"<a>" + b"A" * 3_000_000 + b"</a>"})) == "zip_bomb"
    )


def test_small_part_that_compresses_well_is_not_a_bomb():
    assert code_of(archive({"word/styles.xml": b"<a>" + b"A" * 100_000 + b"</a>"})) == "ok"


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE a [<!ENTITY x "y">]>',
        b"<!doctype a>",
        b'<?xml version="1.0"?>\n<!-- -- comment -- -->\n<?pi x?><!DOCTYPE a SYSTEM "http://x.invalid/">',
    ],
)
def test_doctype_in_the_prolog_is_refused(prolog):
    assert code_of(archive({"word/document.xml": prolog + b"<a/>"})) == "xml_doctype"


def test_doctype_after_a_long_comment_is_found():
    part = b"<!--" + b"x" * 20_000 + b"--><!DOCTYPE a><a/>"
    assert code_of(archive({"word/header1.xml": part})) == "xml_doctype"


def test_doctype_in_utf16_part_is_found():
    part = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16")
    assert code_of(archive({"word/document.xml": part})) == "xml_doctype"


def test_doctype_text_inside_the_body_is_not_a_declaration():
    part = b"<a><![CDATA[<!DOCTYPE a>]]>&lt;!DOCTYPE&gt;</a>"
    assert code_of(archive({"word/document.xml": part})) == "ok"


def test_relationship_parts_are_checked_too():
    assert code_of(archive({"_rels/.rels": b"<!DOCTYPE r><r/>"})) == "xml_doctype"


def test_endless_prolog_is_corrupt():
    part = b"<!--" + b"x" * 200_000
    assert code_of(archive({"word/document.xml": part})) == "corrupt_file"
