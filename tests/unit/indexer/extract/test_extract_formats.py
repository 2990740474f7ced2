"""Tests that every supported format yields its text, in this process."""

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from indexer.errors import ParseError, UnsupportedFile
from indexer.extract import DOCX, ODT, PDF, RTF, TEXT, Limits, extract, extract_isolated
from indexer.extract import pdf as pdf_module

SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"


def sample(name: str) -> bytes:
    """Return the bytes of a sample file."""
    return (SAMPLES / name).read_bytes()


def test_text_pdf_is_read_by_pdfium_with_pages_and_normalised_text():
    result = extract(sample("cv_2pages.pdf"))
    assert (result.mime, result.pages, result.method) == (PDF, 2, "pypdfium2")
    assert "Astrid Lindqvist" in result.text
    assert "- Ansvarig för betalflöden och integrationer" in result.text
    assert "utvecklare i ett internationellt team" in result.text
    assert "IT-konsult" in result.text
    # The running header is kept once; the page numbers are gone.
    assert result.text.count("Astrid Lindqvist – CV") == 1
    assert "Sida" not in result.text


def test_pdf_over_the_page_limit_is_refused_before_reading():
    with pytest.raises(ParseError) as caught:
        extract(sample("cv_2pages.pdf"), Limits(max_pages=1))
    assert caught.value.code == "too_many_pages"


def test_pdfminer_fallback_reads_the_text_and_counts_pages():
    text, pages = pdf_module.pdfminer_text(
        sample("cv_2pages.pdf"), Limits(), opened_elsewhere=False
    )
    assert pages == 2
    assert "Systemutvecklare med fokus på backend" in text
    assert text.count("\f") == 2


def test_pdfminer_fallback_enforces_the_page_limit():
    with pytest.raises(ParseError) as caught:
        pdf_module.pdfminer_text(
            sample("cv_2pages.pdf"), Limits(max_pages=1), opened_elsewhere=False
        )
    assert caught.value.code == "too_many_pages"


def test_pdfminer_failure_after_pdfium_opened_the_file_means_no_text():
    assert pdf_module.pdfminer_text(b"%PDF-1.4 junk", Limits(), opened_elsewhere=True) == ("", 0)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_scanned_pdf_is_read_by_ocr():
    result = extract(sample("cv_scanned.pdf"))
    assert result.method == "ocr"
    assert "Astrid Lindqvist" in result.text
    assert "Arbetslivserfarenhet" in result.text
    assert "Göteborg" in result.text


def test_scanned_pdf_without_tesseract_is_no_text_layer(monkeypatch):
    # The child inherits PATH, so with an empty one it finds no tesseract, as on a bare server.
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ParseError) as caught:
        extract_isolated(sample("cv_scanned.pdf"))
    assert caught.value.code == "no_text_layer"
    assert "no text layer" in caught.value.message


def test_docx_yields_header_body_table_text_box_and_footer_in_order():
    result = extract(sample("cv.docx"))
    assert (result.mime, result.pages, result.method) == (DOCX, None, "docx")
    lines = result.text.splitlines()
    assert lines[0] == "Astrid Lindqvist · astrid@example.se"
    assert lines[-1] == "Referenser lämnas på begäran"
    assert "Systemutvecklare, Nordkod AB" in lines
    assert "2016–2019" in lines
    # The text box appears once, although the file stores it twice (DrawingML and VML).
    assert result.text.count("Körkort: B-körkort och truckkort") == 1
    assert lines.index("Övrigt") < lines.index("Körkort: B-körkort och truckkort")


def test_odt_yields_header_body_table_and_footer():
    result = extract(sample("cv.odt"))
    assert (result.mime, result.method) == (ODT, "odt")
    lines = result.text.splitlines()
    assert lines[0] == "Astrid Lindqvist · astrid@example.se"
    assert "Systemutvecklare, Nordkod AB" in lines
    assert lines[-1] == "Referenser lämnas på begäran"


def test_rtf_decodes_escaped_nordic_letters():
    result = extract(sample("cv.rtf"))
    assert (result.mime, result.method) == (RTF, "rtf")
    assert "Göteborg" in result.text
    assert "Språk: svenska" in result.text
    assert "forståelse" in result.text


@pytest.mark.parametrize("name", ["cv_utf8.txt", "cv_latin1.txt"])
def test_text_file_is_decoded_in_its_encoding(name):
    result = extract(sample(name))
    assert (result.mime, result.method) == (TEXT, "text")
    assert "Systemutvecklare i Göteborg" in result.text
    assert "Språk: svenska, norska, engelska" in result.text


def test_windows_1252_text_is_not_mistaken_for_dos():
    data = "Utvecklare på Nordström AB i Malmö; kan æ, ø och å.".encode("cp1252")
    assert extract(data).text == "Utvecklare på Nordström AB i Malmö; kan æ, ø och å."


def test_file_over_the_size_limit_is_too_large():
    with pytest.raises(UnsupportedFile) as caught:
        extract(b"x" * 2000, Limits(max_bytes=1000))
    assert caught.value.code == "too_large"


def test_document_without_text_is_no_text():
    with pytest.raises(ParseError) as caught:
        extract(b"   \n\n\t  \n")
    assert caught.value.code == "no_text"


def test_docx_zip_check_runs_before_python_docx_reads_it():
    original = sample("cv.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for index in range(20):
            target.writestr(f"word/media/extra{index}.bin", b"")
    with pytest.raises(ParseError) as caught:
        extract(out.getvalue(), Limits(zip_max_entries=20))
    assert caught.value.code == "zip_bomb"


def test_macro_enabled_word_file_is_refused_with_advice():
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    macro = "application/vnd.ms-word.document.macroEnabled.main+xml"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample("cv.docx"))) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(main.encode(), macro.encode())
            target.writestr(info, data)
    with pytest.raises(UnsupportedFile) as caught:
        extract(out.getvalue())
    assert caught.value.code == "unsupported_format"
    assert "macros" in caught.value.message
