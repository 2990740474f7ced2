"""Social sign-in against a real OAuth 2 / OpenID Connect provider on loopback."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select

from cvbank.accounts.models import SocialIdentity, User
from cvbank.accounts.services import find_user_by_email
from cvbank.runtime import Runtime
from tests.conftest import PASSWORD
from tests.functional.accounts.conftest import (
    link_in,
    provider_settings,
    sign_in_with,
    signed_in_uid,
    start_sign_in,
)
from tests.support.oauth_provider import Account, Provider

OIDC = ["google", "linkedin"]


@pytest.fixture
def settings_overrides(
    settings_overrides: dict[str, Any], oauth_provider: Provider
) -> dict[str, Any]:
    return {**settings_overrides, **provider_settings(oauth_provider.base_url)}


def _identities(rt: Runtime) -> list[SocialIdentity]:
    with rt.db.transaction() as session:
        return list(session.scalars(select(SocialIdentity)))


def _user(rt: Runtime, email: str) -> User | None:
    with rt.db.transaction() as session:
        return find_user_by_email(session, email)


def _complete(client: Any, **fields: Any) -> Any:
    data = {"name": "Siri Solberg", "email": "siri@example.com", "accept_policy": "y", **fields}
    return client.post("/auth/complete", data={k: v for k, v in data.items() if v is not None})


def _refused(response: Any, client: Any, code: str = "oauth_failed") -> None:
    assert response.status_code == 401
    assert f'data-code="{code}"' in response.get_data(as_text=True)
    assert signed_in_uid(client) is None


# --- Sign-up, sign-in, import shown before saved -----------------------------------------


@pytest.mark.parametrize("name", OIDC)
def test_a_new_job_seeker_sees_the_import_then_signs_up_and_signs_in_again(
    name: str, client: Any, rt: Runtime, provider: Provider
) -> None:
    provider.account = Account(subject=f"{name}-new")
    callback = sign_in_with(client, f"/auth/{name}")
    assert callback.headers["Location"].endswith("/auth/complete")
    assert signed_in_uid(client) is None
    assert _identities(rt) == []  # nothing is saved before the person confirms

    page = client.get("/auth/complete").get_data(as_text=True)
    assert 'data-field="name">Siri Solberg<' in page
    assert 'data-field="email">siri@example.com' in page
    assert 'data-field="picture">https://pictures.example.com/siri.jpg<' in page

    created = _complete(client, keep_picture="y")
    assert created.status_code == 302
    user = _user(rt, "siri@example.com")
    assert user is not None
    assert signed_in_uid(client) == str(user.id)
    assert user.email_verified_at is not None  # the provider vouched for this address
    assert user.password_hash is None
    assert user.picture_url == "https://pictures.example.com/siri.jpg"
    assert user.show_picture_to_employers is False  # never on unless the person turns it on
    [identity] = _identities(rt)
    assert (identity.provider, identity.subject) == (name, f"{name}-new")

    client.post("/logout")
    again = sign_in_with(client, f"/auth/{name}")
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/cvs")
    assert signed_in_uid(client) == str(user.id)


def test_a_job_seeker_may_drop_the_picture_and_change_the_name(
    client: Any, rt: Runtime, provider: Provider
) -> None:
    sign_in_with(client, "/auth/google")
    _complete(client, name="Siri S.")
    user = _user(rt, "siri@example.com")
    assert user is not None
    assert user.name == "Siri S."
    assert user.picture_url is None


def test_the_picture_is_shown_to_employers_only_when_chosen(
    client: Any, rt: Runtime, provider: Provider
) -> None:
    sign_in_with(client, "/auth/google")
    _complete(client, keep_picture="y", show_picture_to_employers="y")
    user = _user(rt, "siri@example.com")
    assert user is not None
    assert user.show_picture_to_employers is True
    client.post("/account/picture", data={})
    user = _user(rt, "siri@example.com")
    assert user is not None
    assert user.show_picture_to_employers is False


def test_facebook_sign_up_reads_the_graph_and_confirms_the_email_by_mail(
    client: Any, rt: Runtime, provider: Provider, mailbox: Callable[[], list]
) -> None:
    provider.account = Account(subject="fb-1001", email="siri@example.com")
    assert sign_in_with(client, "/auth/facebook").headers["Location"].endswith("/auth/complete")
    page = client.get("/auth/complete").get_data(as_text=True)
    assert 'data-field="picture">https://pictures.example.com/siri.jpg<' in page
    assert "not confirmed by Facebook" in page

    waiting = _complete(client)
    assert waiting.status_code == 200
    assert "Check your mail" in waiting.get_data(as_text=True)
    assert _user(rt, "siri@example.com") is None  # no account until the address is proven
    assert signed_in_uid(client) is None

    link = link_in(mailbox()[-1], "/auth/confirm/")
    other_browser = client.application.test_client()
    assert other_browser.post(link).status_code == 302
    user = _user(rt, "siri@example.com")
    assert user is not None
    assert signed_in_uid(other_browser) == str(user.id)
    [identity] = _identities(rt)
    assert (identity.provider, identity.subject) == ("facebook", "fb-1001")
    assert other_browser.post(link).status_code == 400  # the link works once


def test_a_provider_without_an_email_asks_for_one(
    client: Any, rt: Runtime, provider: Provider, mailbox: Callable[[], list]
) -> None:
    provider.account = Account(subject="fb-2002", email=None)
    sign_in_with(client, "/auth/facebook")
    assert 'data-field="email">(nothing)' in client.get("/auth/complete").get_data(as_text=True)
    assert _complete(client, email="").status_code == 400
    assert _complete(client, email="typed@example.com").status_code == 200
    assert [m["To"] for m in mailbox()] == ["typed@example.com"]


def test_an_unverified_email_is_confirmed_by_mail_before_the_account_exists(
    client: Any, rt: Runtime, provider: Provider, mailbox: Callable[[], list]
) -> None:
    provider.account = Account(subject="g-unverified", email_verified=False)
    sign_in_with(client, "/auth/google")
    assert _complete(client).status_code == 200
    assert _user(rt, "siri@example.com") is None
    assert signed_in_uid(client) is None
    assert [m["To"] for m in mailbox()] == ["siri@example.com"]


def test_an_email_changed_on_the_import_page_is_confirmed_by_mail(
    client: Any, rt: Runtime, provider: Provider
) -> None:
    sign_in_with(client, "/auth/google")
    assert _complete(client, email="other@example.com").status_code == 200
    assert _user(rt, "other@example.com") is None


# --- Takeover and linking ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["google", "linkedin", "facebook"])
def test_a_provider_account_with_the_victims_email_does_not_get_in(
    name: str, client: Any, rt: Runtime, provider: Provider, make_user: Callable[..., User]
) -> None:
    victim = make_user(email="victim@example.com")
    provider.account = Account(
        subject="attacker-1", name="Attacker", email="victim@example.com", email_verified=True
    )
    callback = sign_in_with(client, f"/auth/{name}")
    assert callback.headers["Location"].endswith("/auth/complete")
    assert signed_in_uid(client) is None
    refused = _complete(client, email="victim@example.com")
    assert refused.status_code == 409
    assert "Sign in to it" in refused.get_data(as_text=True)
    assert signed_in_uid(client) is None
    assert _identities(rt) == []
    assert client.get("/account").status_code == 302
    unchanged = _user(rt, victim.email)
    assert unchanged is not None
    assert unchanged.name == victim.name


def test_a_signed_in_person_links_a_provider_and_then_signs_in_with_it(
    client: Any,
    rt: Runtime,
    provider: Provider,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
) -> None:
    user = make_user(email="owner@example.com")
    login(user)
    provider.account = Account(subject="g-owner", email="someone-else@example.com")
    linked = sign_in_with(client, "/account/link/google")
    assert linked.headers["Location"].endswith("/account")
    [identity] = _identities(rt)
    assert identity.user_id == user.id
    assert "Google" in client.get("/account").get_data(as_text=True)

    client.post("/logout")
    sign_in_with(client, "/auth/google")
    assert signed_in_uid(client) == str(user.id)


def test_an_identity_linked_to_one_account_cannot_be_linked_to_another(
    client: Any,
    rt: Runtime,
    provider: Provider,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
) -> None:
    first, second = make_user(), make_user()
    provider.account = Account(subject="g-shared")
    login(first)
    sign_in_with(client, "/account/link/google")
    client.post("/logout")
    login(second)
    refused = sign_in_with(client, "/account/link/google")
    assert refused.status_code == 409
    [identity] = _identities(rt)
    assert identity.user_id == first.id


def test_the_last_way_to_sign_in_cannot_be_unlinked(
    client: Any,
    rt: Runtime,
    provider: Provider,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
) -> None:
    provider.account = Account(subject="g-only")
    sign_in_with(client, "/auth/google")
    _complete(client)
    [identity] = _identities(rt)
    assert client.post(f"/account/unlink/{identity.id}").status_code == 409
    assert len(_identities(rt)) == 1

    owner = make_user()
    client.post("/logout")
    login(owner)
    provider.account = Account(subject="g-extra")
    sign_in_with(client, "/account/link/google")
    extra = next(i for i in _identities(rt) if i.subject == "g-extra")
    assert client.post(f"/account/unlink/{extra.id}").status_code == 302  # a password remains
    assert [i.subject for i in _identities(rt)] == ["g-only"]


def test_a_linked_account_with_two_factor_still_asks_for_the_code(
    client: Any,
    rt: Runtime,
    provider: Provider,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
) -> None:
    from cvbank.accounts import totp

    user = make_user()
    with rt.db.transaction() as session:
        totp.enrol_totp(session, session.get(User, user.id), totp.new_secret())  # type: ignore[arg-type]
    provider.account = Account(subject="g-2fa")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert signed_in_uid(client) is None  # the password alone is not enough
    with rt.db.transaction() as session:
        from cvbank.accounts.services import link_identity

        fresh = session.get(User, user.id)
        assert fresh is not None
        link_identity(
            session,
            fresh,
            provider="google",
            subject="g-2fa",
            email=None,
            email_verified=False,
        )
    response = sign_in_with(client, "/auth/google")
    assert response.headers["Location"].endswith("/login/two-factor")
    assert signed_in_uid(client) is None


# --- Protocol negatives ------------------------------------------------------------------


def test_a_callback_without_state_is_refused(client: Any, provider: Provider) -> None:
    callback = start_sign_in(client, "/auth/google")
    query = parse_qs(urlsplit(callback).query)
    response = client.get("/auth/google/callback?" + urlencode({"code": query["code"][0]}))
    _refused(response, client, "oauth_state")


def test_a_callback_with_a_wrong_state_is_refused(client: Any, provider: Provider) -> None:
    callback = start_sign_in(client, "/auth/google")
    query = parse_qs(urlsplit(callback).query)
    response = client.get(
        "/auth/google/callback?" + urlencode({"code": query["code"][0], "state": "forged-state"})
    )
    _refused(response, client, "oauth_state")


def test_a_callback_from_another_browser_is_refused(
    app: Any, client: Any, provider: Provider
) -> None:
    callback = start_sign_in(client, "/auth/google")
    victim_browser = app.test_client()  # login CSRF: the attacker's callback in a victim's browser
    _refused(victim_browser.get(callback), victim_browser, "oauth_state")


def test_a_replayed_authorization_code_is_refused(client: Any, provider: Provider) -> None:
    first = start_sign_in(client, "/auth/google")
    assert client.get(first).status_code == 302
    client.post("/logout")
    old_code = parse_qs(urlsplit(first).query)["code"][0]
    fresh = start_sign_in(client, "/auth/google")
    fresh_state = parse_qs(urlsplit(fresh).query)["state"][0]
    before = provider.token_requests
    response = client.get(
        "/auth/google/callback?" + urlencode({"code": old_code, "state": fresh_state})
    )
    assert provider.token_requests == before + 1  # it reached the provider, which said no
    _refused(response, client)


def test_the_same_callback_twice_is_refused(client: Any, provider: Provider) -> None:
    callback = start_sign_in(client, "/auth/google")
    client.get(callback)
    client.post("/logout")
    _refused(client.get(callback), client, "oauth_state")


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        ({"claims": {"nonce": "not-the-nonce"}}, "wrong nonce"),
        ({"claims": {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}}, "expired"),
        ({"other_key": True}, "wrongly signed"),
        ({"claims": {"aud": "somebody-else"}}, "wrong audience"),
        ({"claims": {"aud": ["somebody-else", "another"]}}, "audience list without us"),
        ({"claims": {"iss": "https://evil.example.com"}}, "wrong issuer"),
    ],
)
@pytest.mark.parametrize("name", OIDC)
def test_a_bad_id_token_is_refused(
    name: str, tamper: dict[str, Any], why: str, client: Any, rt: Runtime, provider: Provider
) -> None:
    provider.tamper = tamper
    _refused(sign_in_with(client, f"/auth/{name}"), client)
    assert client.get("/auth/complete").status_code == 302, why
    assert _identities(rt) == []


@pytest.mark.parametrize("name", OIDC)
def test_an_oidc_answer_without_an_id_token_is_refused(
    name: str, client: Any, provider: Provider
) -> None:
    provider.tamper = {"no_id_token": True}
    _refused(sign_in_with(client, f"/auth/{name}"), client)


@pytest.mark.parametrize("name", ["google", "linkedin", "facebook"])
def test_the_authorization_request_carries_state_pkce_and_for_oidc_a_nonce(
    name: str, client: Any
) -> None:
    location = client.get(f"/auth/{name}").headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert len(query["state"][0]) >= 20
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [f"http://127.0.0.1:5000/auth/{name}/callback"]
    assert ("nonce" in query) is (name != "facebook")


def test_a_bad_id_token_does_not_sign_in_an_existing_identity(
    client: Any,
    rt: Runtime,
    provider: Provider,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
) -> None:
    user = make_user()
    login(user)
    provider.account = Account(subject="g-existing")
    sign_in_with(client, "/account/link/google")
    client.post("/logout")
    provider.tamper = {"other_key": True}
    _refused(sign_in_with(client, "/auth/google"), client)


def test_user_denied_consent_is_a_clear_message(client: Any, provider: Provider) -> None:
    provider.tamper = {"deny": "access_denied"}
    response = sign_in_with(client, "/auth/facebook")
    _refused(response, client, "oauth_denied")
    assert "You cancelled signing in with Facebook." in response.get_data(as_text=True)


def test_a_provider_error_is_refused(client: Any, provider: Provider) -> None:
    provider.tamper = {"deny": "server_error"}
    _refused(sign_in_with(client, "/auth/linkedin"), client)


def test_an_unconfigured_provider_is_not_found(app: Any, client: Any) -> None:
    assert client.get("/auth/myspace").status_code == 404


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com",
        "javascript:alert(1)",
        "http:evil.example.com",
    ],
)
def test_next_cannot_redirect_off_site_after_social_sign_in(
    target: str,
    client: Any,
    rt: Runtime,
    provider: Provider,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
) -> None:
    user = make_user()
    login(user)
    provider.account = Account(subject="g-next")
    sign_in_with(client, "/account/link/google")
    client.post("/logout")
    response = sign_in_with(client, "/auth/google?" + urlencode({"next": target}))
    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith("//")
    assert "evil" not in location


def test_next_on_site_is_kept_after_social_sign_in(
    client: Any, provider: Provider, make_user: Callable[..., User], login: Callable[[User], Any]
) -> None:
    user = make_user()
    login(user)
    provider.account = Account(subject="g-next-ok")
    sign_in_with(client, "/account/link/google")
    client.post("/logout")
    response = sign_in_with(client, "/auth/google?next=/account")
    assert response.headers["Location"] == "/account"


def test_the_sign_in_page_offers_each_configured_provider(client: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert re.findall(r'href="/auth/(\w+)"', page) == ["facebook", "google", "linkedin"]
