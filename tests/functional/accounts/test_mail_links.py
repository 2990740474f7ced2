"""Email verification, password reset and change, and the session rules around them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from cvbank.accounts.models import TokenPurpose, User
from cvbank.accounts.services import issue_token
from cvbank.runtime import Runtime
from tests.conftest import PASSWORD
from tests.functional.accounts.conftest import link_in, signed_in_uid

NEW_PASSWORD = "a much better passphrase"


def _sign_up(client: Any, address: str) -> Any:
    return client.post(
        "/signup",
        data={"name": "Ada Berg", "email": address, "password": PASSWORD, "accept_policy": "y"},
    )


def _get_user(rt: Runtime, address: str) -> User:
    with rt.db.transaction() as session:
        from cvbank.accounts.services import find_user_by_email

        user = find_user_by_email(session, address)
        assert user is not None
        return user


def test_sign_up_mails_a_link_that_verifies_the_email_once(
    client: Any, rt: Runtime, mailbox: Callable[[], list]
) -> None:
    assert _sign_up(client, "ada@example.com").status_code == 302
    assert _get_user(rt, "ada@example.com").email_verified_at is None
    [message] = [m for m in mailbox() if m["To"] == "ada@example.com"]
    link = link_in(message, "/verify-email/")

    assert client.get(link).status_code == 200  # a page with a button: scanners do not verify
    assert _get_user(rt, "ada@example.com").email_verified_at is None
    assert client.post(link).status_code == 302
    assert _get_user(rt, "ada@example.com").email_verified_at is not None
    again = client.post(link)
    assert again.status_code == 400
    assert b'data-code="invalid_token"' in again.data


def test_expired_verification_link_is_refused(
    client: Any, rt: Runtime, make_user: Callable[..., User]
) -> None:
    user = make_user()
    with rt.db.transaction() as session:
        token = issue_token(
            session,
            TokenPurpose.VERIFY_EMAIL,
            email=user.email,
            user=session.get(User, user.id),
            lifetime=timedelta(seconds=-1),
        )
    assert client.post(f"/verify-email/{token}").status_code == 400


def test_reset_request_answers_the_same_whether_or_not_the_account_exists(
    client: Any, make_user: Callable[..., User], mailbox: Callable[[], list]
) -> None:
    user = make_user()
    known = client.post("/reset-password", data={"email": user.email})
    unknown = client.post("/reset-password", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.data == unknown.data
    recipients = [m["To"] for m in mailbox()]
    assert recipients == [user.email]


def test_password_reset_link_sets_the_password_once_and_ends_every_session(
    app: Any,
    client: Any,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
    mailbox: Callable[[], list],
) -> None:
    user = make_user()
    login(user)
    other_browser = app.test_client()
    client.post("/reset-password", data={"email": user.email})
    link = link_in(mailbox()[-1], "/reset-password/")

    assert other_browser.get(link).status_code == 200
    done = other_browser.post(link, data={"password": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/login")
    assert signed_in_uid(other_browser) is None  # signing in again goes through 2FA, if any

    assert client.get("/account").status_code == 302  # the old session has ended
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    )
    assert (
        client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    used = other_browser.post(link, data={"password": "yet another passphrase"})
    assert used.status_code == 400


def test_expired_reset_link_is_refused(
    client: Any, rt: Runtime, make_user: Callable[..., User]
) -> None:
    user = make_user()
    with rt.db.transaction() as session:
        token = issue_token(
            session,
            TokenPurpose.RESET_PASSWORD,
            email=user.email,
            user=session.get(User, user.id),
            lifetime=timedelta(seconds=-1),
        )
    response = client.post(f"/reset-password/{token}", data={"password": NEW_PASSWORD})
    assert response.status_code == 400
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(
    app: Any, client: Any, make_user: Callable[..., User], login: Callable[[User], Any]
) -> None:
    user = make_user()
    login(user)
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    changed = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_changing_the_password_needs_the_current_one(
    client: Any, make_user: Callable[..., User], login: Callable[[User], Any]
) -> None:
    user = make_user()
    login(user)
    response = client.post(
        "/account/password", data={"current_password": "wrong password!", "password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert b"Your current password is wrong." in response.data


def test_sign_out_everywhere_ends_every_session(
    app: Any, client: Any, make_user: Callable[..., User], login: Callable[[User], Any]
) -> None:
    user = make_user()
    login(user)
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/account").status_code == 200
    assert client.post("/account/sign-out-everywhere").status_code == 302
    assert client.get("/account").status_code == 302
    assert other.get("/account").status_code == 302
