"""The sensitive-content review in Chromium, from the upload to what a recruiter can find."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cvbank.runtime import Runtime
from tests.browser.support import hit_links, new_page, search, sign_in, wait_for_worker

pytestmark = pytest.mark.browser

# A Swedish CV with a personnummer and a sick leave for burnout (labelled in its .labels.json).
FIXTURE = Path("fixtures/flags/cvs/s01-anna-lindqvist.txt")


def test_a_job_seeker_resolves_flagged_passages_and_publishes_without_them_being_searchable(
    page: Any,
    browser: Any,
    live_server: str,
    rt: Runtime,
    make_user: Any,
    make_recruiter: Any,
    tmp_path: Path,
    shot: Any,
) -> None:
    cv_file = tmp_path / "anna-lindqvist.txt"
    cv_file.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    candidate = make_user(name="Anna Lindqvist")

    # Upload: the worker reads the file and flags two passages.
    sign_in(page, live_server, candidate.email)
    page.set_input_files("#file", str(cv_file))
    page.click("main button:has-text('Upload')")
    page.wait_for_url("**/my/cvs/*")
    wait_for_worker(rt)
    page.reload()  # rather than wait for the page's own 3-second refresh
    assert page.inner_text(".meta .badge.state-needs_review") == "Needs review"
    assert "2 passages may contain sensitive personal data" in page.inner_text(".visibility")
    publish = page.locator("button:has-text('Make visible to employers')")
    assert publish.is_disabled()
    reason = page.inner_text("#" + (publish.get_attribute("aria-describedby") or ""))
    assert reason == "Publishing is possible once every flag is resolved."
    shot(page, "review-01-needs-review")
    cv_url = page.url

    # The review page highlights both passages.
    page.click("a.button:has-text('Review sensitive content')")
    page.wait_for_url("**/review")
    assert page.locator("pre.cv-text mark.flagged").count() == 2
    id_flag = page.locator("#category-national_id article.flag")
    health_flag = page.locator("#category-health article.flag")
    assert "811218-9876" in id_flag.inner_text()
    assert "utmattningssyndrom" in health_flag.inner_text()
    assert id_flag.locator("button:has-text('Keep, with my consent')").count() == 0
    shot(page, "review-02-review-page")

    id_flag.locator("button:has-text('Remove this passage')").click()
    page.wait_for_load_state()
    assert "Removed from what employers see" in id_flag.inner_text()
    shot(page, "review-03-id-removed")

    # Keeping the health passage needs the box ticked.
    health_flag.locator("button:has-text('Keep, with my consent')").click()
    page.wait_for_load_state()
    assert "tick the box" in page.inner_text(".flash.error")
    assert "Waiting for your decision" in health_flag.inner_text()
    shot(page, "review-04-consent-missing")

    health_flag.locator("input[name=consent]").check()
    health_flag.locator("button:has-text('Keep, with my consent')").click()
    page.wait_for_load_state()
    assert "Kept with your consent (not searchable)" in health_flag.inner_text()
    assert "You can now publish your CV" in page.inner_text(".flash.success")
    shot(page, "review-05-resolved")

    # The check does not flag a street address; the candidate removes it herself.
    page.fill("#passage-text", "storgatan 12,  411 38 Göteborg")
    page.click("#remove-passage button:has-text('Remove this passage')")
    page.wait_for_load_state()
    assert "(1 place in your CV)" in page.inner_text(".flash.success")
    own = page.locator("#category-other article.flag")
    assert "Storgatan 12, 411 38 Göteborg" in own.inner_text()
    assert own.locator("button:has-text('Restore this passage')").count() == 1
    shot(page, "review-05b-removed-by-hand")

    # Back on the CV page: ready, and it can be published.
    page.click("main p a:has-text('←')")
    page.wait_for_url(cv_url)
    assert page.inner_text(".meta .badge.state-ready") == "Ready"
    page.click("button:has-text('Make visible to employers')")
    page.wait_for_selector(".meta .badge.visible")
    shot(page, "review-06-published")
    cv_path = "/cv/" + cv_url.rstrip("/").rsplit("/", 1)[-1]

    # A recruiter finds the CV by its other words, never by the flagged ones.
    wait_for_worker(rt)
    employer = new_page(browser)
    sign_in(employer, live_server, make_recruiter().email)
    search(employer, live_server, "projektledare")
    assert [link.split("?")[0] for link in hit_links(employer)] == [cv_path]
    shot(employer, "review-07-found-by-other-word")
    for flagged in ("utmattningssyndrom", "811218-9876", "Storgatan"):
        search(employer, live_server, flagged)
        assert hit_links(employer) == [], flagged
        assert employer.locator("text=No CV matches this search.").count() == 1
    shot(employer, "review-08-not-found-by-health-word")

    # Opened, the CV shows the kept passage but not the removed one.
    employer.goto(live_server + cv_path)
    text = employer.inner_text(".cv-text")
    assert "utmattningssyndrom" in text
    assert "811218-9876" not in text
    assert "Storgatan" not in text
    shot(employer, "review-09-recruiter-view")
