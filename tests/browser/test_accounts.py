"""Accounts in Chromium: a recruiter's two-factor enrolment and sign-in, and Google sign-up."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest

from cvbank.accounts.models import User
from cvbank.accounts.services import find_user_by_email
from cvbank.runtime import Runtime
from tests.browser.support import serve, sign_in
from tests.conftest import PASSWORD
from tests.support.oauth_provider import Account, Provider

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def google() -> Iterator[Provider]:
    """Start the loopback OpenID Connect provider that plays Google for this module."""
    provider = Provider(clients={"google-client": "google-secret"})
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture
def site(settings_overrides: dict[str, Any], google: Provider) -> Iterator[str]:
    """Serve cvbank as deployed: staff need a second factor, and Google sign-in is on."""
    google.reset()
    settings = {
        **settings_overrides,
        "require_staff_2fa": True,
        "google_client_id": "google-client",
        "google_client_secret": "google-secret",
        "google_discovery_url": f"{google.base_url}/.well-known/openid-configuration",
    }
    with serve(settings) as base_url:
        yield base_url


def _user(rt: Runtime, email: str) -> User | None:
    with rt.db.transaction() as session:
        return find_user_by_email(session, email)


def test_a_recruiter_enrols_two_factor_at_first_sign_in_and_signs_in_with_a_code_later(
    page: Any, site: str, make_recruiter: Any, shot: Any
) -> None:
    recruiter = make_recruiter(name="Rut Rekryterare")

    # First sign-in: the password leads to enrolment, not into the site.
    sign_in(page, site, recruiter.email)
    page.wait_for_url("**/login/two-factor/setup")
    assert "Set up two-factor sign-in" in page.inner_text("h1")
    shot(page, "accounts-2fa-01-enrolment")
    page.goto(site + "/search")  # nothing behind the password step is reachable yet
    assert "/login?next=" in page.url
    page.goto(site + "/login/two-factor/setup")
    secret = page.get_attribute("code.secret", "data-secret")
    assert secret
    assert page.inner_text("code.secret") == secret
    totp = pyotp.TOTP(secret)

    page.fill("#code", "000000" if totp.now() != "000000" else "111111")
    page.click("main button[type=submit]")
    assert "That code is not right" in page.inner_text("main")
    shot(page, "accounts-2fa-02-wrong-code")

    page.fill("#code", totp.now())
    page.click("main button[type=submit]")
    page.wait_for_selector("ul.recovery-codes")
    codes = page.locator("ul.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    shot(page, "accounts-2fa-03-recovery-codes")
    page.click("text=I have saved them — continue")
    page.wait_for_url("**/search")
    assert page.locator("#q").is_visible()
    shot(page, "accounts-2fa-04-signed-in")

    # Later: signed out, the recruiter opens a bookmarked search; the code is asked for after
    # the password, and the bookmark opens after the code.
    page.click("header button:has-text('Sign out')")
    page.wait_for_url(site + "/")
    page.goto(site + "/search?q=undersk%C3%B6terska")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("#email", recruiter.email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]:has-text('Sign in')")
    page.wait_for_url("**/login/two-factor")
    assert "Enter your code" in page.inner_text("h1")
    shot(page, "accounts-2fa-05-code-asked")
    # The enrolment code is spent; the authenticator's next code is accepted (clock drift
    # window), so the test need not wait for the 30-second step to turn.
    page.fill("#code", totp.at(time.time() + totp.interval))
    page.click("main button[type=submit]:has-text('Continue')")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.input_value("#q") == "undersköterska"
    assert page.locator("header a:has-text('Search CVs')").count() == 1
    shot(page, "accounts-2fa-06-signed-in-again")


def test_a_job_seeker_signs_up_with_google_choosing_what_to_keep(
    page: Any, site: str, google: Provider, rt: Runtime, shot: Any
) -> None:
    google.account = Account(
        subject="google-siri",
        name="Siri Solberg",
        email="siri@example.com",
        picture="https://pictures.example.com/siri.jpg",
    )
    page.goto(site + "/signup")
    shot(page, "accounts-google-01-signup")
    page.click(".providers a:has-text('Google')")

    # The browser went to the provider and back; nothing is saved before the person confirms.
    page.wait_for_url("**/auth/complete")
    assert page.inner_text("[data-field=name]") == "Siri Solberg"
    assert page.inner_text("[data-field=email]").strip() == "siri@example.com"
    assert page.inner_text("[data-field=picture]") == "https://pictures.example.com/siri.jpg"
    assert page.input_value("#name") == "Siri Solberg"
    assert page.input_value("#email") == "siri@example.com"
    assert page.is_checked("#keep_picture")
    assert not page.is_checked("#show_picture_to_employers")
    assert _user(rt, "siri@example.com") is None
    shot(page, "accounts-google-02-import")

    page.fill("#name", "Siri S.")
    page.click("text=Create my account")  # without accepting the policy
    assert "Please accept the privacy policy" in page.inner_text("main")
    assert _user(rt, "siri@example.com") is None
    shot(page, "accounts-google-03-policy-refused")

    page.fill("#name", "Siri S.")
    page.uncheck("#keep_picture")
    page.check("#accept_policy")
    page.click("text=Create my account")
    page.wait_for_url("**/cvs")
    assert "Welcome to cvbank" in page.inner_text(".flash")
    shot(page, "accounts-google-04-welcome")

    page.click("header a:has-text('Account')")
    email_card = page.inner_text("section.card:has(h2:text-is('Email'))")
    assert "siri@example.com" in email_card
    assert "Confirmed" in email_card  # Google vouched for the address
    assert "Google (siri@example.com)" in page.inner_text("main")
    assert page.locator("text=Your picture").count() == 0  # dropped on the import page
    shot(page, "accounts-google-05-account")
    user = _user(rt, "siri@example.com")
    assert user is not None
    assert (user.name, user.picture_url, user.password_hash) == ("Siri S.", None, None)

    # Signing in with Google again goes straight in.
    page.click("header button:has-text('Sign out')")
    page.goto(site + "/login")
    page.click(".providers a:has-text('Google')")
    page.wait_for_url("**/cvs")
    assert page.locator("h1:has-text('My CVs')").count() == 1
    shot(page, "accounts-google-06-signed-in-again")


def test_a_google_account_with_an_existing_users_email_does_not_get_into_that_account(
    page: Any, site: str, google: Provider, rt: Runtime, make_user: Any, shot: Any
) -> None:
    victim = make_user(email="victim@example.com", name="Vera Victim")
    google.account = Account(
        subject="attacker-1", name="Attacker", email="victim@example.com", email_verified=True
    )
    page.goto(site + "/login")
    page.click(".providers a:has-text('Google')")
    page.wait_for_url("**/auth/complete")
    assert page.inner_text("[data-field=email]").strip() == "victim@example.com"
    shot(page, "accounts-takeover-01-import")

    page.check("#accept_policy")
    page.click("text=Create my account")
    alert = page.inner_text("main p.error")
    assert "Sign in to it" in alert
    assert page.locator("header a:has-text('My CVs')").count() == 0
    shot(page, "accounts-takeover-02-refused")

    # Still signed out: the victim's pages send the browser to the sign-in form.
    page.goto(site + "/account")
    assert "/login" in page.url
    page.goto(site + "/my/cvs")
    assert "/login" in page.url
    shot(page, "accounts-takeover-03-still-signed-out")
    unchanged = _user(rt, victim.email)
    assert unchanged is not None
    assert unchanged.name == "Vera Victim"
