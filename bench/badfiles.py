"""Measure isolated extraction: every bad file's outcome, and speed per format against pdftotext.

Run: ``.venv/bin/python -m bench.badfiles [--dir fixtures/bad] [--timing [PATH ...]]``.
Without ``--timing`` it prints one row per bad file (expected and actual code, wall time, peak
memory of the child). ``--timing`` with no paths times every file under fixtures/cvs and
fixtures/samples.
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from indexer.errors import IndexerError
from indexer.extract import DOCX, ODT, PDF, RTF, TEXT, Limits, extract, run_isolated, sniff

ROOT = Path(__file__).resolve().parent.parent
BAD_DIR = ROOT / "fixtures" / "bad"
TIMING_DIRS = (ROOT / "fixtures" / "cvs", ROOT / "fixtures" / "samples")
FORMATS = {PDF: "pdf", DOCX: "docx", ODT: "odt", RTF: "rtf", TEXT: "txt"}
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".odt", ".rtf", ".txt"}


def run_badfiles(
    directory: Path = BAD_DIR, limits: Limits | None = None, *, echo: bool = True
) -> list[dict[str, Any]]:
    """Run every file of the bad-file corpus through the isolated extractor and report each."""
    # Rows: ``{"file", "expected", "code", "ok", "wall_ms", "peak_mb", "message"}``; ``peak_mb`` is
    # None when the child was killed before it could measure itself. With ``echo`` the rows are
    # printed as they come.
    limits = limits or Limits(wall_seconds=10.0)
    expected: dict[str, str] = json.loads((directory / "expected.json").read_text())
    rows: list[dict[str, Any]] = []
    if echo:
        print(f"{'file':<30} {'expected':<19} {'got':<19} {'wall ms':>8} {'peak MB':>8}")
    for name in sorted(expected):
        report = run_isolated((directory / name).read_bytes(), limits)
        code = "ok" if report.error is None else report.error.code
        row: dict[str, Any] = {
            "file": name,
            "expected": expected[name],
            "code": code,
            "ok": code == expected[name],
            "wall_ms": round(report.wall_seconds * 1000, 1),
            "peak_mb": None if report.max_rss_kb is None else round(report.max_rss_kb / 1024, 1),
            "message": None if report.error is None else report.error.message,
        }
        rows.append(row)
        if echo:
            peak = "-" if row["peak_mb"] is None else f"{row['peak_mb']:.1f}"
            mark = "" if row["ok"] else "  << MISMATCH"
            print(
                f"{name:<30} {expected[name]:<19} {code:<19} {row['wall_ms']:>8.1f} {peak:>8}{mark}"
            )
    if echo:
        slowest = max(rows, key=lambda r: r["wall_ms"])
        peaks = [r["peak_mb"] for r in rows if r["peak_mb"] is not None]
        print(
            f"{sum(r['ok'] for r in rows)}/{len(rows)} as expected; slowest "
            f"{slowest['wall_ms']:.0f} ms ({slowest['file']}); highest peak "
            f"{max(peaks, default=0):.0f} MB; limits {limits.wall_seconds:g} s wall, "
            f"{limits.memory_mb} MB"
        )
    return rows


def time_extraction(paths: list[Path], *, isolated: bool = True) -> dict[str, Any]:
    """Time extraction per format, in this process and isolated, with pdftotext as reference."""
    # Returns ``{"formats": {fmt: {"n", "p50_ms", "p95_ms", "docs_per_s", "isolated_p50_ms",
    # "isolated_p95_ms", "peak_mb", "methods"}}, "pdftotext": {...} | None, "errors": [...]}``;
    # formats are pdf, pdf-ocr (scans), docx, odt, rtf, txt.
    # ``p50_ms``/``p95_ms``/``docs_per_s`` are extraction alone on one core (what the child
    # spends); the isolated figures add the child's start-up.
    inline: dict[str, list[float]] = defaultdict(list)
    boxed: dict[str, list[float]] = defaultdict(list)
    peaks: dict[str, list[float]] = defaultdict(list)
    methods: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    errors = []
    pdfs = []
    _warm_up()
    for path in paths:
        data = path.read_bytes()
        try:
            fmt = FORMATS[sniff(data)]
            started = time.perf_counter()
            extraction = extract(data)
            inline[fmt].append(time.perf_counter() - started)
        except IndexerError as exc:
            errors.append({"file": str(path), "code": exc.code})
            continue
        if extraction.method == "ocr":
            # Scans cost seconds a page; mixing them in would hide the text-PDF figures.
            inline["pdf-ocr"].append(inline[fmt].pop())
            fmt = "pdf-ocr"
        elif fmt == "pdf":
            pdfs.append(path)
        methods[fmt][extraction.method] += 1
        if isolated:
            report = run_isolated(data)
            boxed[fmt].append(report.wall_seconds)
            if report.max_rss_kb is not None:
                peaks[fmt].append(report.max_rss_kb / 1024)
    formats = {}
    for fmt, times in sorted(inline.items()):
        formats[fmt] = {
            "n": len(times),
            "p50_ms": _ms(_percentile(times, 0.5)),
            "p95_ms": _ms(_percentile(times, 0.95)),
            "docs_per_s": round(len(times) / sum(times), 1),
            "isolated_p50_ms": _ms(_percentile(boxed[fmt], 0.5)) if boxed[fmt] else None,
            "isolated_p95_ms": _ms(_percentile(boxed[fmt], 0.95)) if boxed[fmt] else None,
            "peak_mb": round(max(peaks[fmt]), 1) if peaks[fmt] else None,
            "methods": dict(methods[fmt]),
        }
    return {"formats": formats, "pdftotext": _time_pdftotext(pdfs), "errors": errors}


def _warm_up() -> None:
    """Import every parser once so the first file of each format is not charged for it."""
    import docx
    import pdfminer.high_level
    import pypdfium2
    import striprtf.striprtf
    from odf import opendocument

    del docx, pdfminer, pypdfium2, striprtf, opendocument


def _time_pdftotext(paths: list[Path]) -> dict[str, Any] | None:
    """Time poppler's pdftotext (one process per file) on the text PDFs, or None if absent."""
    exe = shutil.which("pdftotext")
    if exe is None or not paths:
        return None
    times = []
    for path in paths:
        started = time.perf_counter()
        subprocess.run(
            [exe, "-q", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False
        )
        times.append(time.perf_counter() - started)
    return {
        "n": len(times),
        "p50_ms": _ms(_percentile(times, 0.5)),
        "p95_ms": _ms(_percentile(times, 0.95)),
        "docs_per_s": round(len(times) / sum(times), 1),
    }


def _percentile(values: list[float], fraction: float) -> float:
    """Return the given percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def _ms(seconds: float) -> float:
    """Convert seconds to milliseconds rounded for printing."""
    return round(seconds * 1000, 2)


def print_timing(result: dict[str, Any]) -> None:
    """Print the per-format timing table of :func:`time_extraction`."""
    print(
        f"{'format':<7}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'docs/s':>9}"
        f"{'iso p50':>9}{'iso p95':>9}{'peak MB':>9}  methods"
    )
    for fmt, row in result["formats"].items():
        print(
            f"{fmt:<7}{row['n']:>5}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['docs_per_s']:>9.1f}{_cell(row['isolated_p50_ms'])}"
            f"{_cell(row['isolated_p95_ms'])}{_cell(row['peak_mb'])}  {row['methods']}"
        )
    reference = result["pdftotext"]
    if reference is None:
        print("pdftotext (poppler-utils) not installed: no reference")
    else:
        print(
            f"pdftotext on the same {reference['n']} text PDFs (a process per file): "
            f"p50 {reference['p50_ms']:.1f} ms, p95 {reference['p95_ms']:.1f} ms, "
            f"{reference['docs_per_s']:.1f} docs/s"
        )
    for error in result["errors"]:
        print(f"not timed: {error['file']} ({error['code']})")


def _cell(value: float | None) -> str:
    """Format an optional figure for a 9-wide column."""
    return f"{'-':>9}" if value is None else f"{value:>9.1f}"


def _timing_paths(given: list[str]) -> list[Path]:
    """Return the files to time: those given, or every document in the timing directories."""
    if given:
        return [Path(p) for p in given]
    return sorted(
        path
        for directory in TIMING_DIRS
        if directory.is_dir()
        for path in directory.iterdir()
        if path.suffix in DOCUMENT_SUFFIXES
    )


def main(argv: list[str] | None = None) -> int:
    """Print the bad-file table, and the timing table when asked; fail on a mismatch."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=BAD_DIR, help="bad-file corpus directory")
    parser.add_argument("--timing", nargs="*", metavar="PATH", help="also time these files")
    parser.add_argument("--no-isolated", action="store_true", help="time only in this process")
    args = parser.parse_args(argv)
    rows = run_badfiles(args.dir)
    if args.timing is not None:
        print()
        print_timing(time_extraction(_timing_paths(args.timing), isolated=not args.no_isolated))
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
