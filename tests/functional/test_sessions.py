"""Sessions and forms: CSRF on every form, idle timeout, fresh session at sign-in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from click.testing import CliRunner

from cvbank import create_app
from cvbank.cli import main
from tests.conftest import PASSWORD


@pytest.fixture
def csrf_app(settings_overrides: dict[str, Any]) -> Any:
    app = create_app(settings_overrides)  # CSRF left on, as in production
    yield app
    app.extensions["cvbank"].close()


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "the form carries no CSRF token"
    return match.group(1)


def test_a_form_without_its_csrf_token_is_refused(csrf_app: Any, make_user: Any) -> None:
    client = csrf_app.test_client()
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_a_form_with_its_csrf_token_is_accepted(csrf_app: Any, make_user: Any) -> None:
    client = csrf_app.test_client()
    user = make_user()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_the_session_ends_after_the_idle_timeout(
    app: Any, client: Any, login: Any, make_user: Any
) -> None:
    from datetime import timedelta

    from cvbank.db import utcnow

    login(make_user())
    assert client.get("/my/cvs").status_code == 200
    idle = app.extensions["cvbank"].settings.session_idle_minutes
    with client.session_transaction() as session:
        session["seen"] = (utcnow() - timedelta(minutes=idle + 1)).isoformat()
    response = client.get("/my/cvs")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_activity_keeps_the_session_alive(
    app: Any, client: Any, login: Any, make_user: Any
) -> None:
    from datetime import timedelta

    from cvbank.db import utcnow

    login(make_user())
    idle = app.extensions["cvbank"].settings.session_idle_minutes
    with client.session_transaction() as session:
        session["seen"] = (utcnow() - timedelta(minutes=idle - 1)).isoformat()
    assert client.get("/my/cvs").status_code == 200


def test_signing_in_starts_a_fresh_session(client: Any, make_user: Any) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": make_user().email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_operators_create_organisations_admins_and_recruiters(
    settings_overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch, client: Any
) -> None:
    for key in ("var_dir", "database_url", "secret_key", "master_key", "env"):
        monkeypatch.setenv(f"CVBANK_{key.upper()}", str(settings_overrides[key]))
    monkeypatch.setenv("CVBANK_NEW_PASSWORD", PASSWORD)
    runner = CliRunner()
    org = runner.invoke(main, ["create-org", "Bemanning Nord AB", "--seats", "1"])
    assert "organisation Bemanning Nord AB created" in org.output
    admin = runner.invoke(main, ["create-admin", "--email", "ops@example.com"])
    assert admin.exit_code == 0, admin.output
    first = runner.invoke(
        main, ["create-recruiter", "--org", "Bemanning Nord AB", "--email", "r1@example.com"]
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        main, ["create-recruiter", "--org", "Bemanning Nord AB", "--email", "r2@example.com"]
    )
    assert second.exit_code != 0
    assert "no free seats" in second.output
    response = client.post("/login", data={"email": "r1@example.com", "password": PASSWORD})
    assert response.status_code == 302
