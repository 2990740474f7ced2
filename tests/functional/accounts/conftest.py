"""Helpers for the account tests: read the mail the worker sent, pull links out of it."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from cvbank.runtime import Runtime
from cvbank.worker import Worker
from tests.support.oauth_provider import Provider


@pytest.fixture
def mailbox(rt: Runtime, worker: Worker) -> Callable[[], list[EmailMessage]]:
    """Return a function that sends what is queued and returns every message so far."""

    def read() -> list[EmailMessage]:
        worker.drain()
        directory = rt.settings.mail_path
        messages = []
        for path in sorted(directory.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            messages.append(message)
        return messages

    return read


def link_in(message: EmailMessage, path_prefix: str) -> str:
    """Return the path (without scheme and host) of the link in ``message`` under a prefix."""
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]+)", text)
    assert match, f"no {path_prefix} link in: {text}"
    return match.group(1)


def signed_in_uid(client: Any) -> str | None:
    """Return the user id the client's session is signed in as, if any."""
    with client.session_transaction() as sess:
        return sess.get("uid")


@pytest.fixture(scope="session")
def oauth_provider() -> Iterator[Provider]:
    """Start the loopback OAuth 2 / OpenID Connect provider once per session."""
    provider = Provider(
        clients={
            "google-client": "google-secret",
            "linkedin-client": "linkedin-secret",
            "facebook-client": "facebook-secret",
        }
    )
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture
def provider(oauth_provider: Provider) -> Iterator[Provider]:
    """Return the provider with this test's choices, forgotten afterwards."""
    oauth_provider.reset()
    yield oauth_provider
    oauth_provider.reset()


def provider_settings(base_url: str) -> dict[str, Any]:
    """Return the settings that point cvbank's three providers at the loopback provider."""
    discovery = f"{base_url}/.well-known/openid-configuration"
    return {
        "google_client_id": "google-client",
        "google_client_secret": "google-secret",
        "google_discovery_url": discovery,
        "linkedin_client_id": "linkedin-client",
        "linkedin_client_secret": "linkedin-secret",
        "linkedin_discovery_url": discovery,
        "facebook_client_id": "facebook-client",
        "facebook_client_secret": "facebook-secret",
        "facebook_authorize_url": f"{base_url}/authorize",
        "facebook_token_url": f"{base_url}/token",
        "facebook_graph_url": f"{base_url}/graph/",
    }


def start_sign_in(client: Any, start_path: str) -> str:
    """Follow cvbank's redirect to the provider and the provider's back; return the callback.

    The provider is reached over real HTTP (requests); the callback is returned as a path for
    cvbank's test client, so a test can send it, tamper with it, or send it twice.
    """
    response = (
        client.get(start_path) if start_path.startswith("/auth/") else client.post(start_path)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    at_provider = requests.get(response.headers["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    return f"{back.path}?{back.query}"


def sign_in_with(client: Any, start_path: str) -> Any:
    """Run the whole redirect dance and return cvbank's answer to the callback."""
    return client.get(start_sign_in(client, start_path))
