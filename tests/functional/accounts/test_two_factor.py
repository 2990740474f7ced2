"""Two-factor sign-in: required for staff (enrolled at first sign-in), optional for job seekers."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pyotp
import pytest

from cvbank.accounts import totp
from cvbank.accounts.models import Role, User
from cvbank.accounts.services import authenticate_for_token
from cvbank.errors import Unauthorized
from cvbank.runtime import Runtime
from tests.conftest import PASSWORD
from tests.functional.accounts.conftest import signed_in_uid

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any]) -> dict[str, Any]:
    return {**settings_overrides, "require_staff_2fa": True}


def _password(client: Any, user: User, next_url: str = "") -> Any:
    return client.post("/login", data={"email": user.email, "password": PASSWORD, "next": next_url})


def _enrol(rt: Runtime, user: User, secret: str = SECRET) -> list[str]:
    with rt.db.transaction() as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        return totp.enrol_totp(session, fresh, secret)


def _next_code(secret: str) -> str:
    """Return the code of the next time step: valid (within the window) and not yet used."""
    return pyotp.TOTP(secret).at(time.time(), counter_offset=1)


def test_a_recruiter_enrols_at_first_sign_in_and_gets_in_only_after(
    client: Any, make_recruiter: Callable[..., User]
) -> None:
    recruiter = make_recruiter()
    response = _password(client, recruiter)
    assert response.headers["Location"].endswith("/login/two-factor/setup")
    assert signed_in_uid(client) is None
    assert client.get("/account").status_code == 302  # nothing else is reachable in between

    page = client.get("/login/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)  # type: ignore[union-attr]
    assert f"otpauth://totp/cvbank:{recruiter.email.replace('@', '%40')}" in page
    assert client.post("/login/two-factor/setup", data={"code": "000000"}).status_code == 400
    done = client.post("/login/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert len(re.findall(r"<li><code>[0-9a-f]{6}-[0-9a-f]{6}</code></li>", done.text)) == 10
    assert signed_in_uid(client) == str(recruiter.id)
    assert client.get("/account").status_code == 200


def test_an_enrolled_user_must_give_the_code_before_anything_else(
    client: Any, rt: Runtime, make_recruiter: Callable[..., User]
) -> None:
    recruiter = make_recruiter()
    _enrol(rt, recruiter)
    response = _password(client, recruiter, next_url="/account")
    assert response.headers["Location"].endswith("/login/two-factor")
    assert client.get("/account").status_code == 302
    assert client.post("/login/two-factor", data={"code": "123456"}).status_code == 401
    done = client.post("/login/two-factor", data={"code": pyotp.TOTP(SECRET).now()})
    assert done.status_code == 302
    assert done.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200


def test_the_second_factor_page_without_a_password_step_sends_back_to_sign_in(client: Any) -> None:
    response = client.post("/login/two-factor", data={"code": "123456"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_a_code_works_only_once(
    app: Any, client: Any, rt: Runtime, make_recruiter: Callable[..., User]
) -> None:
    recruiter = make_recruiter()
    _enrol(rt, recruiter)
    code = pyotp.TOTP(SECRET).now()
    _password(client, recruiter)
    assert client.post("/login/two-factor", data={"code": code}).status_code == 302
    other = app.test_client()
    _password(other, recruiter)
    replay = other.post("/login/two-factor", data={"code": code})
    assert replay.status_code == 401
    assert signed_in_uid(other) is None


def test_a_recovery_code_replaces_the_totp_code_once(
    app: Any, client: Any, rt: Runtime, make_recruiter: Callable[..., User]
) -> None:
    recruiter = make_recruiter()
    codes = _enrol(rt, recruiter)
    _password(client, recruiter)
    assert client.post("/login/two-factor", data={"code": codes[0]}).status_code == 302
    assert signed_in_uid(client) == str(recruiter.id)
    other = app.test_client()
    _password(other, recruiter)
    assert other.post("/login/two-factor", data={"code": codes[0]}).status_code == 401


def test_job_seekers_sign_in_without_a_second_factor_until_they_turn_it_on(
    app: Any, client: Any, make_user: Callable[..., User], login: Callable[[User], Any]
) -> None:
    candidate = make_user()
    login(candidate)
    assert signed_in_uid(client) == str(candidate.id)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)  # type: ignore[union-attr]
    on = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert on.status_code == 200

    other = app.test_client()
    assert _password(other, candidate).headers["Location"].endswith("/login/two-factor")
    assert signed_in_uid(other) is None


def test_staff_cannot_turn_the_required_second_factor_off(
    client: Any, rt: Runtime, make_recruiter: Callable[..., User]
) -> None:
    recruiter = make_recruiter()
    _enrol(rt, recruiter)
    _password(client, recruiter)
    client.post("/login/two-factor", data={"code": pyotp.TOTP(SECRET).now()})
    client.post("/account/two-factor/off", data={"code": _next_code(SECRET)})
    with rt.db.transaction() as session:
        assert session.get(User, recruiter.id).has_totp  # type: ignore[union-attr]


def test_the_api_token_needs_the_code_from_staff(
    rt: Runtime, make_recruiter: Callable[..., User], make_user: Callable[..., User]
) -> None:
    recruiter = make_recruiter()
    with rt.db.transaction() as session, pytest.raises(Unauthorized) as not_enrolled:
        authenticate_for_token(session, recruiter.email, PASSWORD, None, require_staff_2fa=True)
    assert not_enrolled.value.code == "otp_enrolment_required"
    _enrol(rt, recruiter)
    with rt.db.transaction() as session, pytest.raises(Unauthorized) as missing:
        authenticate_for_token(session, recruiter.email, PASSWORD, None, require_staff_2fa=True)
    assert missing.value.code == "otp_required"
    with rt.db.transaction() as session:
        user = authenticate_for_token(
            session, recruiter.email, PASSWORD, pyotp.TOTP(SECRET).now(), require_staff_2fa=True
        )
        assert user.id == recruiter.id
    candidate = make_user(Role.CANDIDATE)
    with rt.db.transaction() as session:
        assert (
            authenticate_for_token(
                session, candidate.email, PASSWORD, None, require_staff_2fa=True
            ).id
            == candidate.id
        )
