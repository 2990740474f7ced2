"""Steps 1–5 of the thin path, clicked through in Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _wait_until_ready(page: Any) -> None:
    # The CV page refreshes itself (meta refresh) while the worker reads the file.
    page.wait_for_selector(
        ".badge.state-ready, .badge.state-needs_review, .badge.state-failed", timeout=30_000
    )


def test_job_seeker_publishes_recruiter_finds_then_loses_the_cv(
    page: Any,
    browser: Any,
    live_server: str,
    make_recruiter: Any,
    sample_pdf: bytes,
    tmp_path: Path,
    shot: Any,
) -> None:
    cv_file = tmp_path / "karin-lindqvist.pdf"
    cv_file.write_bytes(sample_pdf)

    # 1. Sign up and upload.
    page.goto(live_server + "/signup")
    page.fill("#name", "Karin Lindqvist")
    page.fill("#email", "karin@example.com")
    page.fill("#password", PASSWORD)
    page.check("#accept_policy")
    shot(page, "01-signup")
    page.click("button[type=submit]:has-text('Create account')")
    page.set_input_files("#file", str(cv_file))
    shot(page, "02-upload")
    page.click("button:has-text('Upload')")

    # 2. The worker reads it; the page shows the text and the state.
    _wait_until_ready(page)
    assert page.locator(".badge.state-ready").count() == 1
    assert "zebrafink" in page.inner_text(".cv-text")
    # 3. Hidden by default; publish.
    assert page.locator(".badge.hidden").count() == 1
    shot(page, "03-ready-hidden")
    page.click("button:has-text('Make visible to employers')")
    assert page.locator(".badge.visible").count() == 1
    shot(page, "04-visible")
    cv_url = page.url
    cv_id = re.search(r"/my/cvs/([0-9a-f-]{36})", cv_url).group(1)  # type: ignore[union-attr]

    # 4. A recruiter searches, finds it with a highlighted snippet, and opens it.
    recruiter = make_recruiter()
    employer = browser.new_context(locale="en-GB").new_page()
    employer.goto(live_server + "/login")
    employer.fill("#email", recruiter.email)
    employer.fill("#password", PASSWORD)
    employer.click("button[type=submit]:has-text('Sign in')")
    employer.fill("#q", "zebrafink")
    # The index is updated by the worker thread a moment after publishing.
    for _ in range(50):
        employer.click("button:has-text('Search')")
        if employer.locator(f"a[href*='/cv/{cv_id}']").count():
            break
        employer.wait_for_timeout(200)
    assert employer.locator(".snippet mark").first.inner_text().lower() == "zebrafink"
    shot(employer, "05-search-hit")
    employer.click(f"a[href*='/cv/{cv_id}']")
    assert "zebrafink" in employer.inner_text(".cv-text mark")
    shot(employer, "06-recruiter-view")

    page.goto(live_server + "/my/access")
    assert page.locator("text=Opened your CV").count() == 1
    shot(page, "07-access-log")

    # 5. The job seeker hides it: gone from search and 404 at once.
    page.goto(cv_url)
    page.click("button:has-text('Hide from employers')")
    assert page.locator(".badge.hidden").count() == 1
    employer.goto(f"{live_server}/search?q=zebrafink")
    assert employer.locator(f"a[href*='/cv/{cv_id}']").count() == 0
    shot(employer, "08-search-after-hide")
    response = employer.goto(f"{live_server}/cv/{cv_id}")
    assert response is not None
    assert response.status == 404
