"""TOTP codes: the time window and malformed input (replay is tested through the pages)."""

from __future__ import annotations

import time

import pyotp
import pytest

from cvbank.accounts.totp import _matching_step, new_secret, provisioning_uri


@pytest.fixture
def secret() -> str:
    return new_secret()


def test_a_fresh_secret_is_160_bits_of_base32(secret: str) -> None:
    assert len(secret) == 32
    assert pyotp.TOTP(secret).now().isdigit()


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_codes_of_the_neighbouring_steps_are_accepted(secret: str, offset: int) -> None:
    now = time.time()
    code = pyotp.TOTP(secret).at(now, counter_offset=offset)
    assert _matching_step(secret, code, at=now) == int(now) // 30 + offset


@pytest.mark.parametrize("offset", [-3, -2, 2, 40])
def test_codes_further_away_are_refused(offset: int) -> None:
    # A fixed secret and moment, so that no far code happens to equal one inside the window.
    secret, now = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1_790_000_000
    code = pyotp.TOTP(secret).at(now, counter_offset=offset)
    assert code not in {pyotp.TOTP(secret).at(now, counter_offset=o) for o in (-1, 0, 1)}
    assert _matching_step(secret, code, at=now) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_are_refused(secret: str, code: str) -> None:
    assert _matching_step(secret, code) is None


def test_spaces_inside_a_code_are_ignored(secret: str) -> None:
    code = pyotp.TOTP(secret).now()
    assert _matching_step(secret, f"{code[:3]} {code[3:]}") is not None


def test_the_provisioning_uri_names_cvbank_and_the_account(secret: str) -> None:
    uri = provisioning_uri(secret, "nora@example.com")
    assert uri.startswith("otpauth://totp/cvbank:nora%40example.com?")
    assert f"secret={secret}" in uri
    assert "issuer=cvbank" in uri


def test_a_secret_that_is_not_base32_is_refused() -> None:
    from cvbank.accounts.models import User
    from cvbank.accounts.totp import enrol_totp
    from cvbank.errors import ValidationError

    with pytest.raises(ValidationError) as error:
        enrol_totp(None, User(), "not base32!")  # type: ignore[arg-type]
    assert error.value.code == "invalid_secret"
