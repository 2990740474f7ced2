"""Helpers for the browser tests: a live server that knows its own URL, sign-in, waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import make_server

from cvbank import create_app
from cvbank.outbox.services import queue_stats
from cvbank.runtime import Runtime
from cvbank.worker import start_thread
from tests.conftest import PASSWORD

# How long a test waits for the worker thread (it polls every 0.1 s) before it gives up.
WORKER_DEADLINE_SECONDS = 20.0


@contextmanager
def serve(settings_overrides: dict[str, Any]) -> Iterator[str]:
    """Serve cvbank on loopback with its worker thread and ``base_url`` set to its own address.

    The ``live_server`` fixture cannot know its port before the app is built; links that leave
    the site and come back (the OAuth redirect URI, mail links) need it, so here the socket is
    bound first and the app is built for it.
    """
    apps: list[Any] = []

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return apps[0](environ, start_response)

    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app = create_app({**settings_overrides, "worker_poll_seconds": 0.1, "base_url": base_url})
    apps.append(app)
    rt: Runtime = app.extensions["cvbank"]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    worker, worker_thread = start_thread(rt)
    try:
        yield base_url
    finally:
        worker.stop()
        worker_thread.join(timeout=10)
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        rt.close()


def new_page(browser: Any) -> Any:
    """Open a page in a browser context of its own (another person, another cookie jar)."""
    page = browser.new_context(locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    return page


def sign_in(page: Any, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form, and wait for the page that follows it."""
    page.goto(base_url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]:has-text('Sign in')")
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")


def wait_for_worker(rt: Runtime) -> None:
    """Wait until the worker thread has done every queued job (index updates, mail)."""
    deadline = time.monotonic() + WORKER_DEADLINE_SECONDS
    while True:
        with rt.db.transaction() as session:
            pending = queue_stats(session)["pending"]
        if pending == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker left {pending} jobs undone")
        time.sleep(0.05)


def search(page: Any, base_url: str, query: str) -> None:
    """Type a query into the recruiter's search box and send it."""
    if urlsplit(page.url).path != "/search":
        page.goto(base_url + "/search")
    page.fill("#q", query)
    with page.expect_navigation():
        page.click("form.search button[type=submit]")


def hit_links(page: Any) -> list[str]:
    """Return the CV links in the result list, in order."""
    return [a.get_attribute("href") or "" for a in page.locator("ol.hits li.hit h2 a").all()]
