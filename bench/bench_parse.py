"""Measure extraction + profile building on the fixture CV corpus against its expected JSON.

Run: `.venv/bin/python -m bench.bench_parse [--verbose] [--only PREFIX] [--no-badfiles]`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from indexer.language import detect_language
from indexer.profile import build_profile

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "cvs"

SINGLE_FIELDS = ("name", "email", "phone", "location")
LIST_FIELDS = ("links", "skills", "languages", "education", "experience")
TARGETS = {
    "email": 0.98,
    "phone": 0.98,
    "name": 0.95,
    "experience": 0.85,
    "skills": 0.85,
}
YEARS_TOLERANCE = 0.5
YEARS_TARGET = 0.90


@dataclass
class Counts:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Result:
    """What the benchmark learnt from one CV."""

    file: str
    language: str
    fmt: str
    seconds: float
    detected: str
    counts: dict[str, Counts]
    years_ok: bool | None
    diffs: list[str] = field(default_factory=list)


def norm(value: object) -> str:
    """Compare strings the way a reader would: case, spacing and edge punctuation ignored."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .,;:-–—|()")


def norm_link(value: str) -> str:
    text = norm(value)
    text = re.sub(r"^https?://", "", text)
    text = re.sub(r"^www\.", "", text)
    return text.rstrip("/")


def entry_key(entry: dict[str, Any], keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(norm(entry.get(k)) if entry.get(k) is not None else "" for k in keys)


def score_single(expected: object, predicted: object, normalise: Callable[[Any], str]) -> Counts:
    if expected is None and predicted is None:
        return Counts()
    if predicted is None:
        return Counts(fn=1)
    if expected is None:
        return Counts(fp=1)
    if normalise(expected) == normalise(predicted):
        return Counts(tp=1)
    return Counts(fp=1, fn=1)


def score_lists(
    expected: list[Any], predicted: list[Any], same: Callable[[Any, Any], bool]
) -> Counts:
    remaining = list(predicted)
    counts = Counts()
    for item in expected:
        for i, candidate in enumerate(remaining):
            if same(item, candidate):
                counts.tp += 1
                del remaining[i]
                break
        else:
            counts.fn += 1
    counts.fp += len(remaining)
    return counts


class SkillMatcher:
    """Match skills by label, or by taxonomy concept when the parser mapped one."""

    def __init__(self) -> None:
        try:
            from indexer.taxonomy import Taxonomy
        except ImportError:
            self.taxonomy = None
        else:
            self.taxonomy = Taxonomy.load()

    def concepts(self, label: str, language: str) -> set[str]:
        if self.taxonomy is None:
            return set()
        return {m.concept_id for m in self.taxonomy.find_in_text(label, language)}

    def same(self, expected: dict[str, Any], predicted: dict[str, Any], language: str) -> bool:
        if norm(expected["label"]) == norm(predicted["label"]):
            return True
        concept = predicted.get("concept_id")
        return bool(concept) and concept in self.concepts(expected["label"], language)


def compare(
    expected: dict[str, Any], predicted: dict[str, Any], skills: SkillMatcher, language: str
) -> tuple[dict[str, Counts], list[str]]:
    """Score one predicted profile against its expected one, field by field."""
    counts: dict[str, Counts] = {}
    diffs: list[str] = []
    for name in SINGLE_FIELDS:
        normaliser = norm
        counts[name] = score_single(expected.get(name), predicted.get(name), normaliser)
        if counts[name].fp or counts[name].fn:
            diffs.append(f"{name}: expected {expected.get(name)!r} got {predicted.get(name)!r}")
    comparers: dict[str, Callable[[Any, Any], bool]] = {
        "links": lambda a, b: norm_link(a) == norm_link(b),
        "skills": lambda a, b: skills.same(a, b, language),
        "languages": lambda a, b: (
            entry_key(a, ("language", "level")) == entry_key(b, ("language", "level"))
        ),
        "education": lambda a, b: (
            entry_key(a, ("institution", "degree", "start", "end"))
            == entry_key(b, ("institution", "degree", "start", "end"))
        ),
        "experience": lambda a, b: (
            entry_key(a, ("title", "employer", "start", "end"))
            == entry_key(b, ("title", "employer", "start", "end"))
        ),
    }
    for name in LIST_FIELDS:
        exp, got = expected.get(name) or [], predicted.get(name) or []
        counts[name] = score_lists(exp, got, comparers[name])
        if counts[name].fp or counts[name].fn:
            diffs.append(f"{name}:\n    expected {_short(exp)}\n    got      {_short(got)}")
    return counts, diffs


def _short(items: list[Any]) -> str:
    shown = []
    for item in items:
        if isinstance(item, dict):
            shown.append("/".join(str(v) for k, v in item.items() if k != "concept_id"))
        else:
            shown.append(str(item))
    return "; ".join(shown)


def extract_text(data: bytes) -> tuple[str, int | None]:
    """Return (text, pages) of a CV file through the indexer's extractor."""
    from indexer.extract import extract

    extraction = extract(data)
    return extraction.text, extraction.pages


def run_corpus(only: str | None) -> list[Result]:
    """Parse every corpus CV and score it."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    today = date.fromisoformat(manifest["today"])
    skills = SkillMatcher()
    detect_language("warm up the detector so the first CV's time is not its load time")
    results = []
    for cv in manifest["cvs"]:
        if only and not cv["file"].startswith(only):
            continue
        data = (CORPUS / cv["file"]).read_bytes()
        expected = json.loads((CORPUS / cv["expected"]).read_text(encoding="utf-8"))
        started = time.perf_counter()
        text, pages = extract_text(data)
        detected = detect_language(text)
        profile = build_profile(text, detected, today=today).to_dict()
        seconds = time.perf_counter() - started
        counts, diffs = compare(expected, profile, skills, expected["language"])
        years_ok = None
        if expected["years_experience"] is not None:
            got = profile["years_experience"]
            years_ok = (
                got is not None and abs(got - expected["years_experience"]) <= YEARS_TOLERANCE
            )
            if not years_ok:
                diffs.append(f"years: expected {expected['years_experience']} got {got}")
        if detected != expected["language"]:
            diffs.append(f"language: expected {expected['language']} got {detected}")
        fmt = cv["format"]
        if fmt == "pdf":
            # The speed target is stated for two-page text PDFs.
            fmt = f"pdf {pages}p"
        results.append(
            Result(
                cv["file"],
                expected["language"],
                fmt,
                seconds,
                detected,
                counts,
                years_ok,
                diffs,
            )
        )
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def _accuracy(results: list[Result]) -> float:
    return sum(1 for r in results if r.detected == r.language) / max(1, len(results))


def report(results: list[Result]) -> bool:
    """Print the tables; return True when every target holds."""
    languages = sorted({r.language for r in results})
    fields = [*SINGLE_FIELDS, *LIST_FIELDS]
    print(f"\nCorpus: {len(results)} CVs in {CORPUS}")
    print("\nPer field (all languages) and F1 per language")
    header = f"{'field':<12}{'P':>7}{'R':>7}{'F1':>7}  target " + "".join(
        f"{lang:>7}" for lang in languages
    )
    print(header)
    print("-" * len(header))
    ok = True
    for name in fields:
        total = Counts()
        by_lang: dict[str, Counts] = defaultdict(Counts)
        for r in results:
            total.add(r.counts[name])
            by_lang[r.language].add(r.counts[name])
        target = TARGETS.get(name)
        mark = ""
        if target is not None:
            met = total.f1 >= target
            ok = ok and met
            mark = f"{target:.2f}{' ok' if met else ' MISS'}"
        print(
            f"{name:<12}{total.precision:>7.3f}{total.recall:>7.3f}{total.f1:>7.3f}  {mark:<8}"
            + "".join(f"{by_lang[lang].f1:>7.3f}" for lang in languages)
        )
    with_years = [r for r in results if r.years_ok is not None]
    share = sum(1 for r in with_years if r.years_ok) / len(with_years) if with_years else 1.0
    years_met = share >= YEARS_TARGET
    ok = ok and years_met
    by_lang_years = {
        lang: [bool(r.years_ok) for r in with_years if r.language == lang] for lang in languages
    }
    print(
        f"{'years ±0.5':<12}{share:>21.3f}  {YEARS_TARGET:.2f}{' ok' if years_met else ' MISS'} "
        + "".join(f"{(sum(v) / len(v) if v else 1.0):>7.3f}" for v in by_lang_years.values())
    )
    accuracy = _accuracy(results)
    lang_met = accuracy == 1.0
    ok = ok and lang_met
    print(
        f"{'language':<12}{accuracy:>21.3f}  1.00{' ok' if lang_met else ' MISS'}  "
        + "".join(
            f"{_accuracy([r for r in results if r.language == lang]):>7.3f}" for lang in languages
        )
    )
    print("\nPer format: extract + detect language + build profile, in this process")
    print(f"{'format':<14}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'docs/s':>9}")
    by_format: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by_format[r.fmt].append(r.seconds)
    for fmt, times in sorted(by_format.items()):
        print(
            f"{fmt:<14}{len(times):>4}{percentile(times, 0.5) * 1000:>9.1f}"
            f"{percentile(times, 0.95) * 1000:>9.1f}{len(times) / sum(times):>9.1f}"
        )
    return ok


def pdftotext_reference(results: list[Result]) -> None:
    """Time poppler's pdftotext on the same text PDFs, as the reference point."""
    exe = shutil.which("pdftotext")
    if exe is None:
        print("\npdftotext (poppler) is not installed: no reference timing")
        return
    times = []
    for r in results:
        if not r.fmt.startswith("pdf "):
            continue
        started = time.perf_counter()
        subprocess.run([exe, "-q", str(CORPUS / r.file), "-"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    if times:
        print(
            f"\npdftotext reference on the {len(times)} text PDFs (a process per file): "
            f"p50 {percentile(times, 0.5) * 1000:.1f} ms, "
            f"p95 {percentile(times, 0.95) * 1000:.1f} ms"
        )


def run_badfiles_if_present() -> None:
    try:
        from bench.badfiles import run_badfiles  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        print("\nbench.badfiles is not available: bad-file corpus skipped")
        return
    print("\nBad files")
    run_badfiles()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="print each CV's differences")
    parser.add_argument("--only", help="only CVs whose file name starts with this")
    parser.add_argument("--no-badfiles", action="store_true", help="skip the bad-file corpus")
    args = parser.parse_args(argv)
    results = run_corpus(args.only)
    if args.verbose:
        for r in results:
            if r.diffs:
                print(f"\n## {r.file} ({r.fmt}, detected {r.detected})")
                for diff in r.diffs:
                    print("  " + diff)
    ok = report(results)
    pdftotext_reference(results)
    if not args.no_badfiles:
        run_badfiles_if_present()
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
