"""The embedded engine's own guarantees: security filters, generations, locking."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.errors import IndexerError, QuerySyntaxError, SearchUnavailable
from indexer.search.base import IndexDocument, ProfileQuery
from indexer.search.tantivy_engine import CURRENT, TantivyEngine

# Other engineers' jobs share this machine's two cores; slow generation is not a failure.
SHARED_MACHINE = [HealthCheck.too_slow]

BLOCKING_ORG = "org-blocked"
WORDS = ["nurse", "java", "secret", "malmö", "team", "hidden", "visible", "blocked"]


def make_doc(cv_id: str, visibility: str, **kwargs: object) -> IndexDocument:
    fields: dict[str, object] = {
        "version_id": "v1",
        "visibility": visibility,
        "language": "en",
        "text": "nurse java secret malmö team hidden visible blocked",
        "title": "nurse",
        "skills": ("nursing", "java"),
        "location": "Malmö",
        "geo": (55.605, 13.0038),
        "years_experience": 5.0,
        "languages": ("sv", "en"),
        "updated_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    fields.update(kwargs)
    return IndexDocument(cv_id=cv_id, **fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def guarded_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivyEngine]:
    engine = TantivyEngine(tmp_path_factory.mktemp("guarded"), writer=True, heap_size=15_000_000)
    engine.upsert(
        [
            make_doc("visible", "visible"),
            make_doc("anonymous", "anonymous"),
            # Identical in every searchable way to the others, so only the guards keep them out.
            make_doc("hidden", "hidden", skills=("nursing", "java", "hidden-skill")),
            make_doc("odd", "draft", skills=("nursing", "java", "odd-skill")),
            make_doc(
                "blocking",
                "visible",
                blocked_orgs=(BLOCKING_ORG,),
                skills=("nursing", "java", "blocking-skill"),
            ),
        ]
    )
    yield engine
    engine.close()


profile_queries = st.builds(
    ProfileQuery,
    text=st.lists(
        st.sampled_from([*WORDS, "OR", "-", "-hidden", '"', "(", ")", "nur*", ":"]), max_size=6
    ).map(" ".join),
    organisation_id=st.sampled_from([None, BLOCKING_ORG, "org-other"]),
    skills=st.lists(
        st.sampled_from(["nursing", "java", "hidden-skill", "blocking-skill"]), max_size=2
    ).map(tuple),
    location=st.sampled_from([None, (55.6, 13.0)]),
    min_years=st.sampled_from([None, 0.0, 5.0]),
    languages=st.lists(st.sampled_from(["sv", "en"]), max_size=2).map(tuple),
    cv_language=st.sampled_from([None, "en"]),
    updated_since=st.sampled_from([None, datetime(2024, 1, 1, tzinfo=UTC)]),
    sort=st.sampled_from(["relevance", "recent"]),
    page=st.sampled_from([1, 2]),
    per_page=st.sampled_from([1, 20]),
    facets=st.booleans(),
).map(lambda q: q if q.location is None else ProfileQuery(**{**q.__dict__, "radius_km": 10.0}))


@settings(max_examples=200, deadline=None, suppress_health_check=SHARED_MACHINE)
@given(query=profile_queries)
def test_no_profile_query_reaches_a_hidden_or_blocking_cv(
    guarded_engine: TantivyEngine, query: ProfileQuery
) -> None:
    try:
        result = guarded_engine.search(query)
    except QuerySyntaxError:
        return
    found = {hit.cv_id for hit in result.hits}
    assert not found & {"hidden", "odd"}
    reachable = 2 if query.organisation_id == BLOCKING_ORG else 3
    assert result.total <= reachable
    if query.organisation_id == BLOCKING_ORG:
        assert "blocking" not in found
    skills = dict(result.facets.get("skills", ()))
    assert "hidden-skill" not in skills
    assert "odd-skill" not in skills
    if query.organisation_id == BLOCKING_ORG:
        assert "blocking-skill" not in skills


def test_other_organisations_see_the_blocking_cv(guarded_engine: TantivyEngine) -> None:
    result = guarded_engine.search(ProfileQuery(organisation_id="org-other"))
    assert {h.cv_id for h in result.hits} == {"visible", "anonymous", "blocking"}


def test_reader_of_a_missing_index_finds_nothing(tmp_path: Path) -> None:
    reader = TantivyEngine(tmp_path / "nothing-yet", writer=False)
    assert reader.search(ProfileQuery(text="nurse")).total == 0
    assert reader.count() == 0


def test_first_writer_creates_an_empty_generation(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    assert (tmp_path / CURRENT).read_text().strip() == "gen-1"
    assert engine.count() == 0
    engine.close()


def test_pointer_to_a_missing_generation_makes_search_unavailable(tmp_path: Path) -> None:
    (tmp_path / CURRENT).write_text("gen-7\n")
    with pytest.raises(SearchUnavailable, match="gen-7"):
        TantivyEngine(tmp_path, writer=False).search(ProfileQuery())


def test_corrupt_generation_makes_search_unavailable(tmp_path: Path) -> None:
    (tmp_path / "gen-1").mkdir()
    (tmp_path / "gen-1" / "meta.json").write_text("{not json")
    (tmp_path / CURRENT).write_text("gen-1\n")
    with pytest.raises(SearchUnavailable):
        TantivyEngine(tmp_path, writer=False).search(ProfileQuery())


def test_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    first = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    with pytest.raises(SearchUnavailable, match="only the worker writes"):
        TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    first.close()
    second = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    second.close()


def test_reader_cannot_write(tmp_path: Path) -> None:
    TantivyEngine(tmp_path, writer=True, heap_size=15_000_000).close()
    reader = TantivyEngine(tmp_path, writer=False)
    with pytest.raises(IndexerError, match="read-only"):
        reader.upsert([make_doc("a", "visible")])


def test_rebuild_keeps_one_previous_generation_and_deletes_older_ones(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    for n in range(3):
        engine.rebuild([make_doc(f"cv-{n}", "visible")])
    assert sorted(p.name for p in tmp_path.glob("gen-*")) == ["gen-3", "gen-4"]
    assert (tmp_path / CURRENT).read_text().strip() == "gen-4"
    engine.close()


def test_failed_rebuild_removes_its_generation(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)

    def broken() -> Iterator[IndexDocument]:
        yield make_doc("a", "visible")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        engine.rebuild(broken())
    assert [p.name for p in tmp_path.glob("gen-*")] == ["gen-1"]
    assert (tmp_path / CURRENT).read_text().strip() == "gen-1"
    engine.close()


def test_writer_follows_a_rebuild_made_by_another_process(tmp_path: Path) -> None:
    worker = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    worker.upsert([make_doc("old", "visible")])
    # Another process (cvbank reindex) takes over the writer role for the rebuild.
    worker.close()
    rebuilder = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    rebuilder.rebuild([make_doc("rebuilt", "visible")])
    rebuilder.close()
    worker = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    worker.upsert([make_doc("later", "visible")])
    assert {h.cv_id for h in worker.search(ProfileQuery()).hits} == {"rebuilt", "later"}
    worker.close()


def test_naive_update_time_is_taken_as_utc(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    engine.upsert([make_doc("a", "visible", updated_at=datetime(2025, 2, 3, 4, 5))])
    (hit,) = engine.search(ProfileQuery()).hits
    assert hit.fields["updated_at"] == datetime(2025, 2, 3, 4, 5, tzinfo=UTC)
    engine.close()


def test_writer_answers_its_own_searches_while_it_rebuilds(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path, writer=True, heap_size=15_000_000)
    engine.upsert([make_doc("old", "visible")])
    halfway = threading.Event()
    release = threading.Event()

    def slow() -> Iterator[IndexDocument]:
        yield make_doc("new", "visible")
        halfway.set()
        release.wait(10)

    rebuilding = threading.Thread(target=engine.rebuild, args=(slow(),))
    rebuilding.start()
    try:
        assert halfway.wait(10)
        found = {h.cv_id for h in engine.search(ProfileQuery()).hits}
    finally:
        release.set()
        rebuilding.join()
    assert found == {"old"}
    assert {h.cv_id for h in engine.search(ProfileQuery()).hits} == {"new"}
    engine.upsert([make_doc("after", "visible")])
    assert {h.cv_id for h in engine.search(ProfileQuery()).hits} == {"new", "after"}
    engine.close()
