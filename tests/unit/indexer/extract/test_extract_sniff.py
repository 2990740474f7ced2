"""Tests that sniff tells file types by their bytes, cheaply, and explains refusals."""

import io
import zipfile
from pathlib import Path

import pytest

from indexer.errors import UnsupportedFile
from indexer.extract import DOCX, ODT, PDF, RTF, SUPPORTED_MIMES, TEXT, sniff

SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("cv_2pages.pdf", PDF),
        ("cv_scanned.pdf", PDF),
        ("cv.docx", DOCX),
        ("cv.odt", ODT),
        ("cv.rtf", RTF),
        ("cv_utf8.txt", TEXT),
        ("cv_latin1.txt", TEXT),
    ],
)
def test_sample_is_sniffed_as_its_format(name, mime):
    assert sniff((SAMPLES / name).read_bytes()) == mime
    assert mime in SUPPORTED_MIMES


def test_empty_file_is_refused_as_empty():
    with pytest.raises(UnsupportedFile) as caught:
        sniff(b"")
    assert caught.value.code == "empty_file"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a\x01\x00", "GIF image"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100, "old-style Office document"),
        (b"MZ\x90\x00" + b"\x00" * 60, "Windows program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "Linux program"),
        (b"<!DOCTYPE html><html><body>CV</body></html>", "web page"),
        (b"\x00\x01\x02\x03" * 100, "binary data"),
    ],
)
def test_unsupported_content_is_named_in_the_message(data, named):
    with pytest.raises(UnsupportedFile) as caught:
        sniff(data)
    assert caught.value.code == "unsupported_format"
    assert named in caught.value.message
    assert "PDF or DOCX" in caught.value.message


def test_type_comes_from_content_not_from_a_pdf_looking_start_of_name():
    # A PNG whose first bytes a careless check might take for text still counts as PNG.
    with pytest.raises(UnsupportedFile, match="PNG"):
        sniff(b"\x89PNG\r\n\x1a\n%PDF-1.4")


def test_pdf_header_after_leading_junk_is_accepted():
    assert sniff(b"\r\n%PDF-1.7\n1 0 obj") == PDF


def test_zip_without_office_content_is_refused_as_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hej")
    with pytest.raises(UnsupportedFile, match="ZIP archive"):
        sniff(out.getvalue())


def test_damaged_zip_is_refused_as_corrupt():
    with pytest.raises(UnsupportedFile) as caught:
        sniff(b"PK\x03\x04" + b"\x00" * 100)
    assert caught.value.code == "corrupt_file"


def test_pdf_that_is_also_a_zip_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("x.txt", "x")
    with pytest.raises(UnsupportedFile, match="polyglot"):
        sniff(b"%PDF-1.4\n%%EOF\n" + out.getvalue())


def test_utf16_text_with_bom_is_text():
    assert sniff("Astrid Lindqvist\nGöteborg".encode("utf-16")) == TEXT


def test_every_refusal_is_unsupported_file():
    for data in (b"", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04broken", b"\x00" * 10):
        with pytest.raises(UnsupportedFile):
            sniff(data)


def test_odt_with_compressed_mimetype_entry_is_still_odt():
    original = (SAMPLES / "cv.odt").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w") as target:
        for info in reversed(source.infolist()):
            target.writestr(info.filename, source.read(info), zipfile.ZIP_DEFLATED)
    assert sniff(out.getvalue()) == ODT
