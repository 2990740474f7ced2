"""Tests that the extraction child's failures end as error codes and spare the parent."""

import shutil
import threading
import time
from pathlib import Path

import pytest

from indexer.errors import ParseError, UnsupportedFile
from indexer.extract import Extraction, Limits, extract_isolated, run_isolated

HERE = str(Path(__file__).resolve().parent)
SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"


def run_target(name: str, limits: Limits | None = None, data: bytes = b"Hej") -> str:
    """Run a hostile target in the child and return the error code it ended with."""
    limits = limits or Limits()
    report = run_isolated(data, limits, target=f"hostile_targets:{name}", python_path=(HERE,))
    assert report.extraction is None
    assert report.error is not None
    assert report.wall_seconds < limits.wall_seconds + 5
    return report.error.code


def test_cpu_bound_loop_is_stopped_by_the_cpu_limit():
    assert run_target("spin", Limits(cpu_seconds=1, wall_seconds=20)) == "timeout"


def test_blocked_child_is_killed_at_the_wall_clock_limit():
    started = time.monotonic()
    assert run_target("sleep", Limits(wall_seconds=1.0)) == "timeout"
    assert time.monotonic() - started < 5


def test_memory_hog_ends_as_memory_limit():
    assert run_target("hog_memory", Limits(memory_mb=200)) == "memory_limit"


def test_segfault_ends_as_crashed():
    assert run_target("segfault") == "crashed"


def test_abort_ends_as_crashed():
    assert run_target("abort") == "crashed"


def test_unbounded_recursion_ends_as_crashed():
    assert run_target("recurse") == "crashed"


def test_child_that_exits_without_answer_ends_as_crashed():
    assert run_target("exit_quietly") == "crashed"


def test_library_output_on_stdout_does_not_corrupt_the_reply():
    report = run_isolated(b"Astrid", target="hostile_targets:chatty", python_path=(HERE,))
    assert report.extraction is not None
    assert report.extraction.text == "Astrid"


def test_real_pdf_under_a_tiny_memory_limit_fails_cleanly_and_parent_goes_on():
    pdf = (SAMPLES / "cv_2pages.pdf").read_bytes()
    with pytest.raises(ParseError) as caught:
        extract_isolated(pdf, Limits(memory_mb=16))
    assert caught.value.code == "memory_limit"
    assert "Astrid Lindqvist" in extract_isolated(pdf).text


def test_child_error_keeps_its_class_code_and_message():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(UnsupportedFile) as caught:
        extract_isolated(png)
    assert caught.value.code == "unsupported_format"
    assert "PNG image" in caught.value.message


def test_oversized_file_is_refused_without_a_child():
    report = run_isolated(b"x" * 101, Limits(max_bytes=100))
    assert report.error is not None
    assert report.error.code == "too_large"
    assert report.returncode is None


def test_isolated_extraction_reports_peak_memory_of_the_child():
    report = run_isolated((SAMPLES / "cv_2pages.pdf").read_bytes())
    assert isinstance(report.extraction, Extraction)
    assert report.max_rss_kb is not None
    assert 1000 < report.max_rss_kb < 512 * 1024


def test_extraction_works_from_worker_threads_at_the_same_time():
    pdf = (SAMPLES / "cv_2pages.pdf").read_bytes()
    results: list[str] = []

    def work() -> None:
        results.append(extract_isolated(pdf).text)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 3
    assert all("Systemutvecklare" in text for text in results)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_ocr_starved_of_memory_is_memory_limit_not_no_text():
    # Under this limit Tesseract (or Leptonica) fails to allocate; it must not read as "no text".
    with pytest.raises(ParseError) as caught:
        extract_isolated((SAMPLES / "cv_scanned.pdf").read_bytes(), Limits(memory_mb=100))
    assert caught.value.code == "memory_limit"
