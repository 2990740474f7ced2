"""Recruiter search: filters, facets, blocks in every path, and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from cvbank.accounts.models import Organisation
from tests.conftest import PASSWORD


def _profile(
    skills: list[str], years: float, location: str, languages: list[str]
) -> dict[str, Any]:
    return {
        "skills": [{"label": s, "concept_id": s} for s in skills],
        "years_experience": years,
        "location": location,
        "languages": [{"language": lang, "level": None} for lang in languages],
    }


@pytest.fixture
def recruiter_api(client: Any, make_recruiter: Any, auth_headers: Any) -> Any:
    def make(org: Organisation | None = None) -> Any:
        headers = auth_headers(make_recruiter(org))
        return lambda path, **kw: client.get(path, headers=headers, **kw)

    return make


@pytest.fixture
def corpus(rt: Any, worker: Any, make_user: Any, make_cv: Any) -> dict[str, Any]:
    from indexer.taxonomy import Taxonomy

    taxonomy = Taxonomy.load()
    forklift = taxonomy.lookup("truckkort").id  # type: ignore[union-attr]
    nurse_aid = taxonomy.lookup("undersköterska").id  # type: ignore[union-attr]
    owner_a, owner_b, owner_c = make_user(), make_user(), make_user()
    ids = {
        "lager": make_cv(
            owner_a,
            "Lagerarbetare med truckkort i Göteborg",
            profile=_profile([forklift], 6, "Göteborg", ["sv", "en"]),
        ),
        "vard": make_cv(
            owner_b,
            "Undersköterska inom hemtjänsten i Malmö",
            profile=_profile([nurse_aid], 2, "Malmö", ["sv"]),
        ),
        "hidden": make_cv(
            owner_c,
            "Lagerarbetare dold i Göteborg",
            visibility="hidden",
            profile=_profile([forklift], 12, "Göteborg", ["sv"]),
        ),
    }
    worker.drain()
    return {"ids": ids, "owners": (owner_a, owner_b, owner_c), "forklift": forklift}


def test_filters_narrow_the_results(recruiter_api: Any, corpus: dict[str, Any]) -> None:
    get = recruiter_api()
    ids = corpus["ids"]
    assert {
        h["cv_id"] for h in get("/api/v1/search?q=lagerarbetare OR undersköterska").json["hits"]
    } == {str(ids["lager"]), str(ids["vard"])}
    only = get("/api/v1/search", query_string={"skill": "truckkort"}).json
    assert [h["cv_id"] for h in only["hits"]] == [str(ids["lager"])]
    senior = get("/api/v1/search", query_string={"min_years": "5"}).json
    assert [h["cv_id"] for h in senior["hits"]] == [str(ids["lager"])]
    english = get("/api/v1/search", query_string={"lang": "en"}).json
    assert [h["cv_id"] for h in english["hits"]] == [str(ids["lager"])]


def test_facets_count_only_what_the_recruiter_may_see(
    recruiter_api: Any, corpus: dict[str, Any]
) -> None:
    facets = recruiter_api()("/api/v1/search", query_string={"q": "i"}).json["facets"]
    locations = {f["value"]: f["count"] for f in facets["location"]}
    assert locations == {"Göteborg": 1, "Malmö": 1}  # the hidden CV in Göteborg is not counted


def test_radius_filter_finds_places_nearby(recruiter_api: Any, corpus: dict[str, Any]) -> None:
    get = recruiter_api()
    near = get("/api/v1/search", query_string={"near": "Kungsbacka", "radius": "40"}).json
    assert [h["cv_id"] for h in near["hits"]] == [str(corpus["ids"]["lager"])]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"q": '"unbalanced'}, None),
        ({"skill": "no such skill at all"}, "unknown_skill"),
        ({"min_years": "many"}, "invalid_min_years"),
        ({"near": "Atlantis"}, "unknown_place"),
        ({"q": "x", "page": "0"}, "invalid_page"),
        ({"q": "x", "sort": "random"}, "invalid_sort"),
        ({}, "missing_query"),
    ],
)
def test_bad_search_input_is_a_clear_400_never_a_500(
    recruiter_api: Any, corpus: dict[str, Any], args: dict[str, str], code: str | None
) -> None:
    response = recruiter_api()("/api/v1/search", query_string=args)
    if code is None:  # repaired, not refused
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.json
    assert response.json["error"]["code"] == code


def test_a_blocked_organisation_sees_nothing_in_any_path(
    client: Any,
    worker: Any,
    make_org: Any,
    recruiter_api: Any,
    corpus: dict[str, Any],
    login: Any,
) -> None:
    blocked_org, other_org = make_org("Nuvarande Arbetsgivare AB"), make_org("Annan AB")
    owner = corpus["owners"][0]
    cv_id = str(corpus["ids"]["lager"])
    login(owner)
    found = client.get("/my/blocks?q=nuvarande").get_data(as_text=True)
    assert "Nuvarande Arbetsgivare AB" in found
    assert "Annan AB" not in found
    client.post("/my/blocks", data={"organisation_id": str(blocked_org.id)})

    blocked, other = recruiter_api(blocked_org), recruiter_api(other_org)
    # Before the worker updates the index: the database re-check already holds.
    assert blocked("/api/v1/search?q=truckkort").json["total"] == 0
    assert blocked(f"/api/v1/cvs/{cv_id}").status_code == 404
    worker.drain()
    result = blocked("/api/v1/search", query_string={"q": "lagerarbetare"}).json
    assert result["total"] == 0
    assert all(f["value"] != "Göteborg" for f in result["facets"].get("location", []))
    assert other("/api/v1/search?q=truckkort").json["total"] == 1

    client.post(f"/my/blocks/{blocked_org.id}/delete")
    worker.drain()
    assert blocked("/api/v1/search?q=truckkort").json["total"] == 1


def test_the_search_page_shows_facets_and_filters_by_a_click(
    app: Any, make_recruiter: Any, corpus: dict[str, Any]
) -> None:
    recruiter = make_recruiter()
    page = app.test_client()
    page.post("/login", data={"email": recruiter.email, "password": PASSWORD})
    html = page.get("/search?q=i").get_data(as_text=True)
    assert 'class="facet"' in html
    assert "Göteborg" in html
    filtered = page.get("/search?q=i&loc=Malmö").get_data(as_text=True)
    assert str(corpus["ids"]["vard"]) in filtered
    assert str(corpus["ids"]["lager"]) not in filtered


def test_a_just_hidden_cv_counts_nowhere_before_the_index_catches_up(
    rt: Any, recruiter_api: Any, corpus: dict[str, Any]
) -> None:
    from cvbank.accounts.models import User
    from cvbank.cvs.models import Cv
    from cvbank.cvs.services import set_visibility

    get = recruiter_api()
    before = get("/api/v1/search", query_string={"q": "i"}).json
    assert before["total"] == 2
    with rt.db.transaction() as session:  # hidden; the worker has not run
        cv = session.get(Cv, corpus["ids"]["lager"])
        set_visibility(session, session.get(User, cv.owner_id), cv, "hidden")
    after = get("/api/v1/search", query_string={"q": "i"}).json
    assert after["total"] == 1
    assert [h["cv_id"] for h in after["hits"]] == [str(corpus["ids"]["vard"])]
    facets = {
        name: {f["value"]: f["count"] for f in values} for name, values in after["facets"].items()
    }
    assert facets["location"] == {"Malmö": 1}
    assert corpus["forklift"] not in facets["skills"]
    assert set(facets["years"]) == {"0-2"}
    # Off the page too: page 2 holds no hits, yet the count and the facets leave it out.
    off_page = get("/api/v1/search", query_string={"q": "i", "page": "2"}).json
    assert off_page["hits"] == []
    assert off_page["total"] == 1
    assert {f["value"] for f in off_page["facets"]["location"]} == {"Malmö"}
