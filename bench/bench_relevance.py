"""Score recruiter search on the fixture CVs against hand-made relevance judgments.

Run: `.venv/bin/python -m bench.bench_relevance [--json] [--queries PATH]`.

Every run indexes the 92 CVs of `fixtures/cvs/` afresh through the real pipeline (extract,
detect language, build profile, detect flags, build document, embedded engine) into a temporary
directory, runs every query of `bench/relevance/queries.json` and prints nDCG@10 and recall@20
per query, overall and per query language. It is a measurement, so it always exits 0.

Two views are printed. *All CVs* is the headline: a CV is judged on whether the person fits the
query, whatever language the CV is written in. *Same language* keeps only the CVs written in the
query's language (Bokmål and Nynorsk count as one), in the judgments and in the ranking, as if
the recruiter had filtered on CV language; the gap between the two is what cross-language
matching costs.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.documents import build_document
from indexer.extract import extract
from indexer.flags import detect_flags
from indexer.gazetteer import Gazetteer
from indexer.language import detect_language
from indexer.profile import build_profile
from indexer.search import create_engine
from indexer.search.base import IndexDocument, ProfileQuery

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "cvs"
QUERIES = Path(__file__).resolve().parent / "relevance" / "queries.json"
NDCG_DEPTH = 10
RECALL_DEPTH = 20
FETCH = 100  # the engine's largest page; enough to rank every one of the 92 CVs
LANGUAGE_GROUP = {"sv": "sv", "nb": "no", "nn": "no", "da": "da", "en": "en"}


def dcg(grades: Sequence[int], k: int = NDCG_DEPTH) -> float:
    """Return the discounted cumulative gain of the first ``k`` grades (gain 2^g - 1)."""
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades[:k]))


def ndcg(ranking: Sequence[str], judgments: Mapping[str, int], k: int = NDCG_DEPTH) -> float:
    """Return nDCG@k of ``ranking`` (CV ids, best first); unjudged CVs count as grade 0."""
    ideal = dcg(sorted(judgments.values(), reverse=True), k)
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(cv, 0) for cv in ranking], k) / ideal


def recall(ranking: Sequence[str], judgments: Mapping[str, int], k: int = RECALL_DEPTH) -> float:
    """Return the share of CVs graded 1 or 2 that appear in the first ``k`` of ``ranking``."""
    relevant = {cv for cv, g in judgments.items() if g >= 1}
    if not relevant:
        return 0.0
    return len(relevant & set(ranking[:k])) / len(relevant)


@dataclass(frozen=True)
class Query:
    """One judged recruiter query."""

    id: str
    language: str
    text: str
    kinds: tuple[str, ...]
    judgments: Mapping[str, int]


@dataclass
class Score:
    """What one query scored, in both views."""

    query: Query
    ndcg: float
    recall: float
    same_ndcg: float | None
    same_recall: float | None
    relevant: int
    found: int
    top: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def load_queries(path: Path = QUERIES) -> list[Query]:
    """Read the judged queries."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [
        Query(
            id=q["id"],
            language=q["language"],
            text=q["text"],
            kinds=tuple(q["kinds"]),
            judgments={cv: int(g) for cv, g in q["judgments"].items()},
        )
        for q in raw["queries"]
    ]


def load_corpus() -> tuple[dict[str, str], list[tuple[str, Path]]]:
    """Return each CV's written language (from the manifest) and the files to index."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    languages: dict[str, str] = {}
    files: list[tuple[str, Path]] = []
    for cv in manifest["cvs"]:
        if cv.get("producer") == "libreoffice":
            # LibreOffice PDFs of CVs already in the corpus (same people, same text) for the
            # parsing benchmark; indexed here they would be unjudged duplicates of judged CVs.
            continue
        stem = cv["file"].rsplit(".", 1)[0]
        languages[stem] = cv["language"]
        files.append((stem, CORPUS / cv["file"]))
    return languages, files


def index_document(stem: str, path: Path, gazetteer: Gazetteer) -> IndexDocument:
    """Run one CV through the pipeline the worker uses and return its index document."""
    text = extract(path.read_bytes()).text
    language = detect_language(text)
    profile = build_profile(text, language).to_dict()
    flags = detect_flags(text, language)
    place = gazetteer.lookup(profile["location"]) if profile.get("location") else None
    return build_document(
        cv_id=stem,
        version_id=stem,
        visibility="visible",
        language=language,
        text=text,
        sensitive_spans=[(f.start, f.end) for f in flags],
        profile=profile,
        title=stem,
        blocked_orgs=(),
        updated_at=datetime(2026, 11, 1, tzinfo=UTC),
        geo=(place.lat, place.lon) if place else None,
    )


def score(query: Query, ranking: list[str], cv_language: Mapping[str, str]) -> Score:
    """Score one ranking in both views."""
    group = LANGUAGE_GROUP[query.language]
    same = {cv: g for cv, g in query.judgments.items() if LANGUAGE_GROUP[cv_language[cv]] == group}
    same_ranking = [cv for cv in ranking if LANGUAGE_GROUP[cv_language[cv]] == group]
    has_same = any(g >= 1 for g in same.values())
    relevant = {cv for cv, g in query.judgments.items() if g >= 1}
    return Score(
        query=query,
        ndcg=ndcg(ranking, query.judgments),
        recall=recall(ranking, query.judgments),
        same_ndcg=ndcg(same_ranking, same) if has_same else None,
        same_recall=recall(same_ranking, same) if has_same else None,
        relevant=len(relevant),
        found=len(relevant & set(ranking[:RECALL_DEPTH])),
        top=[f"{cv}:{query.judgments.get(cv, 0)}" for cv in ranking[:NDCG_DEPTH]],
        missed=sorted(relevant - set(ranking[:RECALL_DEPTH])),
    )


def mean(values: list[float | None]) -> float | None:
    """Return the mean of the values present, or None when there are none."""
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def summarise(scores: list[Score]) -> dict[str, dict[str, Any]]:
    """Return mean figures overall, per query language and per query kind ("kind:prefix")."""
    groups: dict[str, list[Score]] = defaultdict(list)
    for s in scores:
        groups["all"].append(s)
        groups[s.query.language].append(s)
        for kind in s.query.kinds:
            groups[f"kind:{kind}"].append(s)
    return {
        name: {
            "queries": len(group),
            "ndcg@10": mean([s.ndcg for s in group]),
            "recall@20": mean([s.recall for s in group]),
            "same_language_ndcg@10": mean([s.same_ndcg for s in group]),
            "same_language_recall@20": mean([s.same_recall for s in group]),
        }
        for name, group in groups.items()
    }


def run(queries: list[Query]) -> dict[str, Any]:
    """Index the corpus, run the queries and return every figure."""
    cv_language, files = load_corpus()
    gazetteer = Gazetteer.load()
    started = time.perf_counter()
    documents = [index_document(stem, path, gazetteer) for stem, path in files]
    pipeline_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        engine = create_engine("embedded", writer=True, path=tmp)
        try:
            engine.upsert(documents)
            scores = []
            started = time.perf_counter()
            for query in queries:
                result = engine.search(
                    ProfileQuery(text=query.text, per_page=FETCH, facets=False, snippets=False)
                )
                scores.append(score(query, [h.cv_id for h in result.hits], cv_language))
            query_seconds = time.perf_counter() - started
        finally:
            engine.close()
    return {
        "documents": len(documents),
        "pipeline_seconds": round(pipeline_seconds, 1),
        "query_seconds": round(query_seconds, 2),
        "summary": summarise(scores),
        "queries": [
            {
                "id": s.query.id,
                "language": s.query.language,
                "text": s.query.text,
                "kinds": list(s.query.kinds),
                "ndcg@10": round(s.ndcg, 3),
                "recall@20": round(s.recall, 3),
                "same_language_ndcg@10": _round(s.same_ndcg),
                "same_language_recall@20": _round(s.same_recall),
                "relevant": s.relevant,
                "found@20": s.found,
                "top10": s.top,
                "missed@20": s.missed,
            }
            for s in scores
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _fmt(value: float | None) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def print_report(report: dict[str, Any], verbose: bool) -> None:
    print(
        f"{report['documents']} CVs indexed in {report['pipeline_seconds']} s; "
        f"{len(report['queries'])} queries in {report['query_seconds']} s\n"
    )
    print(f"{'query':<32} {'lang':<4} {'nDCG@10':>7} {'R@20':>6} {'found':>7}  same-lang nDCG/R")
    for q in report["queries"]:
        print(
            f"{q['id']:<32} {q['language']:<4} {q['ndcg@10']:>7.3f} {q['recall@20']:>6.3f} "
            f"{q['found@20']:>3}/{q['relevant']:<3}  "
            f"{_fmt(q['same_language_ndcg@10'])} / {_fmt(q['same_language_recall@20'])}"
        )
        if verbose:
            print(f"    text: {q['text']}\n    top10: {' '.join(q['top10'])}")
            print(f"    missed@20: {' '.join(q['missed@20']) or '-'}")
    print(f"\n{'mean':<20} {'n':>3} {'nDCG@10':>8} {'R@20':>6}   same-lang nDCG@10 / R@20")
    kinds = sorted(name for name in report["summary"] if name.startswith("kind:"))
    for name in ["all", "sv", "nb", "nn", "da", "en", *kinds]:
        row = report["summary"].get(name)
        if row is None:
            continue
        print(
            f"{name:<20} {row['queries']:>3} {_fmt(row['ndcg@10']):>8} {_fmt(row['recall@20']):>6}"
            f"   {_fmt(row['same_language_ndcg@10'])} / {_fmt(row['same_language_recall@20'])}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--verbose", action="store_true", help="also print top 10 and misses")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the judged query file")
    args = parser.parse_args(argv)
    report = run(load_queries(args.queries))
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_report(report, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
