"""Recruiter search in Chromium: facets, filter chips, the radius filter, bad input, blocks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from cvbank.runtime import Runtime
from tests.browser.support import hit_links, new_page, search, sign_in, wait_for_worker

pytestmark = pytest.mark.browser


def _profile(skill: str, years: float, location: str) -> dict[str, Any]:
    from indexer.taxonomy import Taxonomy

    concept = Taxonomy.load().lookup(skill)
    assert concept is not None, skill
    return {
        "skills": [{"label": skill, "concept_id": concept.id}],
        "years_experience": years,
        "location": location,
        "languages": [{"language": "sv", "level": None}],
    }


def _cv_paths(page: Any) -> set[str]:
    return {link.split("?")[0] for link in hit_links(page)}


def _count(page: Any) -> str:
    return str(page.inner_text("#result-count"))


def test_a_recruiter_narrows_results_by_facet_and_distance_and_is_told_about_bad_input(
    page: Any,
    live_server: str,
    rt: Runtime,
    make_user: Any,
    make_cv: Any,
    make_recruiter: Any,
    shot: Any,
) -> None:
    goteborg = make_cv(
        make_user(),
        "Lagerarbetare med truckkort i Göteborg",
        profile=_profile("truckkort", 6, "Göteborg"),
    )
    malmo = make_cv(
        make_user(),
        "Undersköterska inom hemtjänsten i Malmö",
        profile=_profile("undersköterska", 2, "Malmö"),
    )
    both = {f"/cv/{goteborg}", f"/cv/{malmo}"}
    wait_for_worker(rt)

    sign_in(page, live_server, make_recruiter().email)
    search(page, live_server, "lagerarbetare OR undersköterska")
    assert _cv_paths(page) == both
    assert _count(page) == "2 CVs found"
    shot(page, "search-01-two-hits")

    # A location facet narrows the list and shows as a removable chip.
    location = page.locator("aside.facets section.facet:has(h2:text-is('Location'))")
    assert location.locator("li:has(a:text-is('Malmö')) .count").inner_text() == "1"
    location.locator("a:text-is('Malmö')").click()
    page.wait_for_url("**loc=Malm*")
    assert _cv_paths(page) == {f"/cv/{malmo}"}
    assert _count(page) == "1 CV found"
    chip = page.locator(".active-filters a.removable")
    assert chip.inner_text().startswith("Malmö")
    shot(page, "search-02-facet-malmo")

    chip.click()
    page.wait_for_selector(".active-filters", state="detached")
    assert _cv_paths(page) == both
    shot(page, "search-03-chip-removed")

    # Within 40 km of Kungsbacka: Göteborg is, Malmö is not.
    page.click("details.filters summary")
    page.fill("input[name=near]", "Kungsbacka")
    page.fill("input[name=radius]", "40")
    shot(page, "search-04-radius-form")
    with page.expect_navigation():
        page.click("form.search button[type=submit]")
    assert _cv_paths(page) == {f"/cv/{goteborg}"}
    assert page.inner_text(".active-filters a.removable").startswith("within 40 km of Kungsbacka")
    shot(page, "search-05-radius")

    # A place the gazetteer does not know, then a prefix too short to search by.
    page.fill("input[name=near]", "Atlantis")
    with page.expect_navigation():
        page.click("form.search button[type=submit]")
    assert "We do not know the place 'Atlantis'" in page.inner_text("p.error[role=alert]")
    shot(page, "search-06-unknown-place")
    page.fill("input[name=near]", "")
    search(page, live_server, "a*")
    message = page.inner_text("p.error[role=alert]")
    assert "put at least 2 letters before * to search by prefix" in message
    assert page.input_value("#q") == "a*"  # kept for the recruiter to correct
    assert hit_links(page) == []
    shot(page, "search-07-bad-query")


def test_a_candidate_who_blocks_an_organisation_is_no_longer_found_by_its_recruiters(
    page: Any,
    browser: Any,
    live_server: str,
    rt: Runtime,
    make_user: Any,
    make_cv: Any,
    make_org: Any,
    make_recruiter: Any,
    shot: Any,
) -> None:
    employer_name = f"Nuvarande Arbetsgivare {uuid.uuid4().hex[:4]} AB"
    current_employer = make_org(employer_name)
    candidate = make_user(name="Lars Lager")
    cv_id = make_cv(
        candidate,
        "Lagerarbetare med truckkort i Göteborg",
        profile=_profile("truckkort", 6, "Göteborg"),
    )
    wait_for_worker(rt)
    blocked = new_page(browser)
    sign_in(blocked, live_server, make_recruiter(current_employer).email)
    other = new_page(browser)
    sign_in(other, live_server, make_recruiter().email)
    search(blocked, live_server, "truckkort")
    assert _cv_paths(blocked) == {f"/cv/{cv_id}"}
    shot(blocked, "block-01-found-before")

    # The candidate finds the employer by name and blocks it.
    sign_in(page, live_server, candidate.email)
    page.click("header a:has-text('Blocked employers')")
    assert "You block no organisation." in page.inner_text("main")
    page.fill("#q", "nuvarande")
    page.click("form.search button:has-text('Find')")
    row = page.locator(f"ul.blocks li:has-text('{employer_name}')")
    shot(page, "block-02-found-organisation")
    row.locator("button:has-text('Block')").click()
    page.wait_for_selector("ul.blocks li button:has-text('Lift the block')")
    assert employer_name in page.inner_text("ul.blocks")
    shot(page, "block-03-blocked")

    # Gone for that employer only, whether or not the worker has updated the index yet.
    for _ in range(2):
        search(blocked, live_server, "truckkort")
        assert hit_links(blocked) == []
        assert _count(blocked) == "0 CVs found"
        wait_for_worker(rt)
    shot(blocked, "block-04-not-found")
    response = blocked.goto(f"{live_server}/cv/{cv_id}")
    assert response is not None
    assert response.status == 404
    search(other, live_server, "truckkort")
    assert _cv_paths(other) == {f"/cv/{cv_id}"}
    shot(other, "block-05-other-employer-still-finds")


def test_a_years_of_experience_facet_shows_the_cvs_it_counted(
    page: Any,
    live_server: str,
    rt: Runtime,
    make_user: Any,
    make_cv: Any,
    make_recruiter: Any,
    shot: Any,
) -> None:
    by_years = {
        years: make_cv(
            make_user(),
            f"Lagerarbetare med {years} års erfarenhet",
            profile=_profile("truckkort", years, "Göteborg"),
        )
        for years in (2, 7, 12)
    }
    wait_for_worker(rt)
    sign_in(page, live_server, make_recruiter().email)
    search(page, live_server, "lagerarbetare")
    assert _count(page) == "3 CVs found"
    years = page.locator("aside.facets section.facet:has(h2:text-is('Years of experience'))")
    bands = {
        li.locator("a").inner_text(): li.locator(".count").inner_text()
        for li in years.locator("li").all()
    }
    assert bands == {"0–2 years": "1", "6–9 years": "1", "10+ years": "1"}
    shot(page, "years-01-facet")

    # Each band, clicked, lists the CVs it counted: not every CV above its lower bound.
    for band, expected in (("0–2 years", 2), ("6–9 years", 7), ("10+ years", 12)):
        years.locator(f"a:text-is('{band}')").click()
        page.wait_for_selector(".active-filters")
        shot(page, f"years-02-{expected}")
        chip = page.inner_text(".active-filters a.removable")
        assert _cv_paths(page) == {f"/cv/{by_years[expected]}"}, f"{band} → {chip}, {_count(page)}"
        page.click(".active-filters a.removable")
        page.wait_for_selector(".active-filters", state="detached")
