"""Browser tests: cvbank served on loopback with a worker thread, driven by headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from cvbank import create_app
from cvbank.worker import start_thread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path("var/screenshots")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CVBANK_TEST_REQUIRE_BROWSER"):
            pytest.fail(
                f"Chromium is required here (CVBANK_TEST_REQUIRE_BROWSER) but {CHROMIUM} is missing"
            )
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: browser tests not run (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(settings_overrides: dict[str, Any]) -> Iterator[str]:
    """Serve cvbank on a free loopback port with its worker thread, as `cvbank serve` does."""
    settings_overrides = {**settings_overrides, "worker_poll_seconds": 0.1}
    app = create_app(settings_overrides)
    rt = app.extensions["cvbank"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    worker, worker_thread = start_thread(rt)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        worker.stop()
        worker_thread.join(timeout=10)
        server.shutdown()
        thread.join(timeout=10)
        rt.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shot() -> Any:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
