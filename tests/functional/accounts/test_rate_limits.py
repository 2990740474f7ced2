"""Rate limits on sign-in, sign-up, password reset, the second factor and the OAuth callback."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from cvbank.accounts import totp
from cvbank.accounts.models import User
from cvbank.runtime import Runtime
from tests.conftest import PASSWORD

REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        if not _redis_answers():
            pytest.skip(
                "Redis does not answer at 127.0.0.1:6379: Redis rate-limit storage not tested"
            )
        return "redis://127.0.0.1:6379"
    return "memory://"


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any], storage: str) -> dict[str, Any]:
    return {
        **settings_overrides,
        "rate_limits_enabled": True,
        "rate_limit_storage": storage,
        "login_rate_limit": "2 per minute",
        "account_mail_rate_limit": "1 per minute",
        "second_factor_rate_limit": "2 per minute",
        "oauth_rate_limit": "1 per minute",
        "google_client_id": "cvbank-test",
        "google_client_secret": "not-a-secret",
        "google_discovery_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }


@pytest.fixture
def client(app: Any) -> Any:
    # Counters are per client address; a fresh one per test keeps Redis counters apart.
    address = f"127.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _assert_limited(response: Any) -> None:
    assert response.status_code == 429
    told = re.search(r"Try again in (\d+) seconds", response.get_data(as_text=True))
    assert told is not None
    seconds = int(told.group(1))
    assert 0 < seconds <= 60
    # The header is computed a moment later, possibly across a second's boundary.
    assert abs(int(response.headers["Retry-After"]) - seconds) <= 1


def test_sign_in_is_limited_with_a_try_again_message(client: Any) -> None:
    for _ in range(2):
        wrong = client.post("/login", data={"email": "a@example.com", "password": "x" * 10})
        assert wrong.status_code == 401
    _assert_limited(client.post("/login", data={"email": "a@example.com", "password": "x" * 10}))


def test_sign_up_is_limited(client: Any) -> None:
    for _ in range(2):
        assert client.post("/signup", data={"email": "bad"}).status_code == 400
    _assert_limited(client.post("/signup", data={"email": "bad"}))


def test_password_reset_requests_are_limited(client: Any) -> None:
    assert client.post("/reset-password", data={"email": "a@example.com"}).status_code == 200
    _assert_limited(client.post("/reset-password", data={"email": "a@example.com"}))


def test_the_second_factor_step_is_limited(client: Any) -> None:
    for _ in range(2):
        assert client.post("/login/two-factor", data={"code": "123456"}).status_code == 302
    _assert_limited(client.post("/login/two-factor", data={"code": "123456"}))


def test_the_second_factor_is_limited_per_account_across_addresses(
    app: Any, client: Any, rt: Runtime, make_user: Callable[..., User]
) -> None:
    user = make_user()
    with rt.db.transaction() as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        totp.enrol_totp(session, fresh, totp.new_secret())
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for _ in range(2):
        assert client.post("/login/two-factor", data={"code": "000000"}).status_code == 401
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = f"127.9.{uuid.uuid4().int % 250}.1"
    assert (
        elsewhere.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
        == 302
    )
    _assert_limited(elsewhere.post("/login/two-factor", data={"code": "000000"}))


def test_the_oauth_callback_is_limited(client: Any) -> None:
    assert client.get("/auth/google/callback?code=x&state=y").status_code == 401
    _assert_limited(client.get("/auth/google/callback?code=x&state=y"))


def test_the_api_answers_a_limit_in_json(client: Any, make_user: Callable[..., User]) -> None:
    user = make_user()
    body = {"email": user.email, "password": "wrong password"}
    for _ in range(2):
        assert client.post("/api/v1/auth/token", json=body).status_code == 401
    limited = client.post("/api/v1/auth/token", json=body)
    assert limited.status_code == 429
    error = limited.json["error"]
    assert error["code"] == "rate_limited"
    assert 0 < error["retry_after"] <= 60
    assert f"Try again in {error['retry_after']} seconds" in error["message"]
