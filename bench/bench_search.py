"""Benchmark a search engine on synthetic CVs: indexing throughput, index size, query latency.

    python -m bench.bench_search [--n 10000] [--engine embedded|elasticsearch] [--url URL]

Profiles are generated from a fixed seed, so two runs index the same documents and run the same
queries. Latency is measured inside the engine (``engine.search``), one client at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from indexer.search import create_engine
from indexer.search.base import IndexDocument, ProfileQuery, SearchEngine
from indexer.taxonomy import Taxonomy

# (name, lat, lon): enough Nordic places for realistic location facets and radius filters.
PLACES = (
    ("Stockholm", 59.3293, 18.0686),
    ("Göteborg", 57.7089, 11.9746),
    ("Malmö", 55.6050, 13.0038),
    ("Uppsala", 59.8586, 17.6389),
    ("Lund", 55.7047, 13.1910),
    ("Linköping", 58.4108, 15.6214),
    ("Örebro", 59.2741, 15.2066),
    ("Umeå", 63.8258, 20.2630),
    ("Luleå", 65.5848, 22.1547),
    ("Helsingborg", 56.0465, 12.6945),
    ("Västerås", 59.6099, 16.5448),
    ("Jönköping", 57.7826, 14.1618),
    ("Oslo", 59.9139, 10.7522),
    ("Bergen", 60.3913, 5.3221),
    ("Trondheim", 63.4305, 10.3951),
    ("Stavanger", 58.9700, 5.7331),
    ("Tromsø", 69.6492, 18.9553),
    ("Drammen", 59.7439, 10.2045),
    ("København", 55.6761, 12.5683),
    ("Aarhus", 56.1629, 10.2039),
    ("Odense", 55.4038, 10.4024),
    ("Aalborg", 57.0488, 9.9217),
    ("Helsinki", 60.1699, 24.9384),
    ("Tampere", 61.4978, 23.7610),
    ("Turku", 60.4518, 22.2666),
)

LANGUAGE_MIX = (("sv", 0.5), ("nb", 0.2), ("da", 0.15), ("en", 0.1), ("fi", 0.05))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Everyday CV words per language (no occupations: those come from each profile's skills).
FILLER = {
    "sv": _words(
        "jag har arbetat som med ansvar för och i ett team inom kunder projekt utveckling "
        "ledning samarbete planering erfarenhet kunskaper utbildning kommun region företaget "
        "verksamheten sedan år flera olika uppdrag drift kvalitet säkerhet dokumentation budget "
        "leverans förbättringsarbete mål resultat stockholm ansvarig arbetsledning rutiner "
        "service kommunikation flexibel noggrann driven strukturerad självständigt gymnasium "
        "högskola examen körkort referenser intressen fritid familj resor träning läsning "
        "engelska svenska tyska ledare kollegor avdelning enhet chef styrelse ideell förening"
    ),
    "nb": _words(
        "jeg har jobbet som med ansvar for og i et team innen kunder prosjekt utvikling "
        "ledelse samarbeid planlegging erfaring kunnskap utdanning kommune selskapet "
        "virksomheten siden år flere ulike oppdrag drift kvalitet sikkerhet dokumentasjon "
        "budsjett leveranse forbedringsarbeid mål resultater ansvarlig rutiner service "
        "kommunikasjon fleksibel nøyaktig strukturert selvstendig videregående høyskole "
        "eksamen førerkort referanser interesser fritid familie reiser trening lesing"
    ),
    "da": _words(
        "jeg har arbejdet som med ansvar for og i et team inden for kunder projekt udvikling "
        "ledelse samarbejde planlægning erfaring viden uddannelse kommune virksomheden siden "
        "år flere forskellige opgaver drift kvalitet sikkerhed dokumentation budget levering "
        "forbedringsarbejde mål resultater ansvarlig rutiner service kommunikation fleksibel "
        "omhyggelig struktureret selvstændig gymnasium eksamen kørekort referencer fritid"
    ),
    "en": _words(
        "i have worked as with responsibility for and in a team within customers project "
        "development management collaboration planning experience knowledge education "
        "council company operations since years several assignments quality safety "
        "documentation budget delivery improvement goals results responsible routines "
        "service communication flexible accurate structured independent degree licence"
    ),
    "fi": _words(
        "olen työskennellyt vastuussa tiimissä asiakkaat projekti kehitys johtaminen "
        "yhteistyö suunnittelu kokemus osaaminen koulutus kunta yritys laatu turvallisuus "
        "dokumentointi budjetti toimitus tavoitteet tulokset vastaava palvelu viestintä "
        "joustava tarkka itsenäinen tutkinto ajokortti harrastukset perhe matkailu"
    ),
}

# Recruiter queries: words, phrases, OR, exclusion, prefix, synonyms, stemmed forms.
TEXTS = (
    "sjuksköterska",
    "sjuksköterskor",
    "undersköterska",
    "USK",
    "java",
    "python",
    "kotlin OR java",
    "truckförare",
    "lärare",
    "kock",
    "elektriker",
    "sygeplejerske",
    "erfarenhet",
    "kvalitet -budget",
    '"med ansvar för"',
    "projekt ledning",
    "utveckl*",
    "elektr*",
    "(java OR python) erfarenhet",
    "kunder service",
)


@dataclass(frozen=True)
class Corpus:
    """The seeded material profiles are drawn from."""

    skills: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    synonyms: dict[str, tuple[str, ...]]


def load_corpus() -> Corpus:
    """Collect skill concepts, their labels and synonyms from the taxonomy."""
    taxonomy = Taxonomy.load()
    concepts = sorted(taxonomy, key=lambda c: c.id)
    return Corpus(
        skills=tuple(c.id for c in concepts),
        labels={c.id: dict(c.labels) for c in concepts},
        synonyms={c.id: tuple(c.synonyms) for c in concepts},
    )


def _zipf_weights(n: int) -> list[float]:
    # Word and skill frequencies in real CVs fall off roughly as 1/rank.
    return [1.0 / (rank + 1) for rank in range(n)]


def generate_profiles(n: int, seed: int = 42) -> Iterator[IndexDocument]:
    """Yield ``n`` synthetic, CV-sized profiles (about 3,500 characters of text each)."""
    rng = random.Random(seed)
    corpus = load_corpus()
    # A seeded shuffle decides which skills are common, so no domain is favoured by its name.
    skills = list(corpus.skills)
    rng.shuffle(skills)
    skill_weights = _zipf_weights(len(skills))
    filler = {lang: list(words) for lang, words in FILLER.items()}
    for words in filler.values():
        rng.shuffle(words)
    filler_weights = {lang: _zipf_weights(len(words)) for lang, words in filler.items()}
    languages = [code for code, _w in LANGUAGE_MIX]
    weights = [w for _c, w in LANGUAGE_MIX]
    now = datetime(2026, 11, 1, tzinfo=UTC)
    orgs = [f"org-{i}" for i in range(200)]
    for i in range(n):
        language = rng.choices(languages, weights)[0]
        label_language = "nb" if language == "fi" else language
        chosen = tuple(dict.fromkeys(rng.choices(skills, skill_weights, k=rng.randint(2, 8))))
        words = rng.choices(filler[language], filler_weights[language], k=470)
        skill_words = []
        for skill in chosen:
            label = corpus.labels[skill].get(label_language) or corpus.labels[skill]["en"]
            forms = [
                label,
                *rng.sample(corpus.synonyms[skill], min(2, len(corpus.synonyms[skill]))),
            ]
            skill_words.append(label)
            for _ in range(rng.randint(1, 4)):
                words.insert(rng.randrange(len(words)), rng.choice(forms))
        place = rng.choice(PLACES)
        text = " ".join(words)
        # A full stop every ninety characters keeps snippets looking like prose.
        text = ". ".join(text[j : j + 90] for j in range(0, len(text), 90))
        yield IndexDocument(
            cv_id=f"cv-{i:07d}",
            version_id=f"v-{i:07d}-1",
            visibility="anonymous" if rng.random() < 0.1 else "visible",
            language=language,
            text=text,
            title=skill_words[0].capitalize(),
            skills=chosen,
            location=place[0],
            geo=(place[1], place[2]),
            years_experience=round(rng.uniform(0, 35), 1),
            languages=tuple(sorted({language, *rng.sample(["sv", "en", "nb", "da", "de"], 2)})),
            blocked_orgs=tuple(rng.sample(orgs, 1)) if rng.random() < 0.05 else (),
            updated_at=now - timedelta(days=rng.randint(0, 1100)),
        )


def query_mix(seed: int = 7) -> dict[str, list[ProfileQuery]]:
    """Return the fixed queries of each kind."""
    rng = random.Random(seed)
    corpus = load_corpus()
    common_skills = corpus.skills

    def text() -> str:
        return rng.choice(TEXTS)

    def filters() -> dict[str, Any]:
        place = rng.choice(PLACES)
        options: dict[str, Any] = {"organisation_id": f"org-{rng.randrange(200)}"}
        choice = rng.randrange(4)
        if choice == 0:
            options["min_years"] = float(rng.choice([2, 5, 10]))
        elif choice == 1:
            options["location"] = (place[1], place[2])
            options["radius_km"] = float(rng.choice([25, 50, 100]))
        elif choice == 2:
            options["languages"] = ("en",)
            options["min_years"] = 3.0
        else:
            options["skills"] = (rng.choice(common_skills),)
        return options

    def many(make: Callable[[], ProfileQuery], count: int = 200) -> list[ProfileQuery]:
        return [make() for _ in range(count)]

    off: dict[str, Any] = {"facets": False, "snippets": False}
    return {
        "text only": many(lambda: ProfileQuery(text=text(), **off)),
        "text + filters": many(lambda: ProfileQuery(text=text(), **filters(), **off)),
        "facets": many(lambda: ProfileQuery(text=text(), facets=True, snippets=False)),
        "highlighting": many(lambda: ProfileQuery(text=text(), facets=False, snippets=True)),
        "text + filters + facets + snippets": many(lambda: ProfileQuery(text=text(), **filters())),
        "browse (no text) + filters + facets": many(lambda: ProfileQuery(**filters())),
        "deep pages (page 50-400)": many(
            lambda: ProfileQuery(text=text(), page=rng.randint(50, 400), per_page=20)
        ),
    }


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def dir_size(path: Path) -> int:
    """Return the bytes of every file under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Index, query and return the figures."""
    report: dict[str, Any] = {"n": args.n, "engine": args.engine, "batch": args.batch}
    # Other work on the machine inflates latencies; the load average says how much there was.
    report["load_average_before"] = round(os.getloadavg()[0], 2)
    workdir = Path(tempfile.mkdtemp(prefix="cvbank-bench-"))
    engine: SearchEngine
    if args.engine == "embedded":
        engine = create_engine("embedded", writer=True, path=str(workdir))
    else:
        engine = create_engine("elasticsearch", url=args.url, index_prefix="cvbank-bench")
    try:
        generated = 0.0
        indexing = 0.0
        batch: list[IndexDocument] = []
        started = time.perf_counter()
        for doc in generate_profiles(args.n, seed=args.seed):
            batch.append(doc)
            if len(batch) >= args.batch:
                t0 = time.perf_counter()
                engine.upsert(batch)
                indexing += time.perf_counter() - t0
                batch = []
        if batch:
            t0 = time.perf_counter()
            engine.upsert(batch)
            indexing += time.perf_counter() - t0
        generated = time.perf_counter() - started - indexing
        report["index_seconds"] = round(indexing, 2)
        report["generate_seconds"] = round(generated, 2)
        report["docs_per_second"] = round(args.n / indexing)
        report["count"] = engine.count()
        if args.engine == "embedded":
            report["index_bytes"] = dir_size(workdir)
        mix = query_mix()
        for queries in mix.values():  # warm caches and the OS page cache
            for q in queries[:10]:
                engine.search(q)
        latencies: dict[str, dict[str, float]] = {}
        for kind, queries in mix.items():
            timings = []
            totals = []
            for q in queries:
                t0 = time.perf_counter()
                result = engine.search(q)
                timings.append((time.perf_counter() - t0) * 1000)
                totals.append(result.total)
            latencies[kind] = {
                "p50": round(percentile(timings, 50), 2),
                "p95": round(percentile(timings, 95), 2),
                "p99": round(percentile(timings, 99), 2),
                "mean_total": round(statistics.mean(totals)),
            }
        report["latency_ms"] = latencies
        report["load_average_after"] = round(os.getloadavg()[0], 2)
        report["rebuild_seconds"] = None
        if args.rebuild:
            t0 = time.perf_counter()
            engine.rebuild(generate_profiles(args.n, seed=args.seed))
            report["rebuild_seconds"] = round(time.perf_counter() - t0, 2)
    finally:
        if args.engine == "elasticsearch" and not args.keep:
            drop_all = getattr(engine, "drop_all", None)
            if drop_all is not None:
                drop_all()
        engine.close()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def print_report(report: dict[str, Any]) -> None:
    """Print the figures as a readable table."""
    print(f"engine: {report['engine']}   profiles: {report['n']:,}   batch: {report['batch']}")
    print(
        f"load average (1 min) before: {report['load_average_before']}, "
        f"after the queries: {report['load_average_after']} (on {os.cpu_count()} cores)"
    )
    print(
        f"indexing: {report['docs_per_second']:,} docs/s "
        f"({report['index_seconds']} s in the engine; generating took "
        f"{report['generate_seconds']} s more)"
    )
    if "index_bytes" in report:
        print(f"index size: {report['index_bytes'] / 1e6:.1f} MB")
    if report.get("rebuild_seconds") is not None:
        print(f"full rebuild (including generation): {report['rebuild_seconds']} s")
    print(f"\n{'query kind':40} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean total':>11}")
    for kind, row in report["latency_ms"].items():
        print(
            f"{kind:40} {row['p50']:8.2f} {row['p95']:8.2f} {row['p99']:8.2f} "
            f"{row['mean_total']:11,}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="profiles to index")
    parser.add_argument("--engine", choices=("embedded", "elasticsearch"), default="embedded")
    parser.add_argument("--url", default="http://127.0.0.1:9200", help="Elasticsearch URL")
    parser.add_argument("--batch", type=int, default=1000, help="documents per upsert")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rebuild", action="store_true", help="also time a full rebuild")
    parser.add_argument("--keep", action="store_true", help="keep the embedded index directory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
