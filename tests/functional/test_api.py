"""The same path through the JSON API, and its error shapes."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import PASSWORD


def test_upload_publish_search_and_hide_through_the_api(
    client: Any,
    worker: Any,
    make_user: Any,
    make_recruiter: Any,
    auth_headers: Any,
    sample_pdf: bytes,
    api_upload: Any,
) -> None:
    candidate = auth_headers(make_user())
    created = api_upload(candidate, sample_pdf)
    assert created.status_code == 201
    assert created.json["state"] == "processing"
    cv_id = created.json["id"]

    early = client.put(
        f"/api/v1/cvs/{cv_id}/visibility", headers=candidate, json={"visibility": "visible"}
    )
    assert early.status_code == 409
    assert early.json["error"]["code"] == "cv_processing"

    worker.drain()
    cv = client.get(f"/api/v1/cvs/{cv_id}", headers=candidate).json
    assert cv["state"] == "ready"
    assert cv["visibility"] == "hidden"
    assert "zebrafink" in cv["text"]

    published = client.put(
        f"/api/v1/cvs/{cv_id}/visibility", headers=candidate, json={"visibility": "visible"}
    )
    assert published.json["visibility"] == "visible"
    worker.drain()

    recruiter = auth_headers(make_recruiter())
    found = client.get("/api/v1/search?q=zebrafink", headers=recruiter).json
    assert found["total"] == 1
    assert found["hits"][0]["cv_id"] == cv_id
    assert any("<mark>" in s for s in found["hits"][0]["snippets"])
    assert client.get(f"/api/v1/cvs/{cv_id}", headers=recruiter).status_code == 200

    client.put(f"/api/v1/cvs/{cv_id}/visibility", headers=candidate, json={"visibility": "hidden"})
    # Before the worker runs: the database re-check already hides it.
    assert client.get("/api/v1/search?q=zebrafink", headers=recruiter).json["total"] == 0
    gone = client.get(f"/api/v1/cvs/{cv_id}", headers=recruiter)
    assert gone.status_code == 404
    assert gone.json["error"]["code"] == "not_found"


def test_errors_have_a_code_and_a_message(
    client: Any, make_user: Any, auth_headers: Any, api_upload: Any
) -> None:
    headers = auth_headers(make_user())
    response = api_upload(headers, b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_format"
    assert response.json["error"]["message"]


def test_an_upload_over_the_limit_is_413(
    client: Any, make_user: Any, auth_headers: Any, rt: Any, api_upload: Any
) -> None:
    headers = auth_headers(make_user())
    big = b"%PDF-1.4\n" + b"0" * (rt.settings.max_upload_bytes + 1)
    response = api_upload(headers, big)
    assert response.status_code == 413
    assert response.json["error"]["code"] in ("too_large", "request_entity_too_large")


def test_an_empty_upload_is_400(
    client: Any, make_user: Any, auth_headers: Any, api_upload: Any
) -> None:
    response = api_upload(auth_headers(make_user()), b"")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "empty_file"


def test_missing_file_field_is_400(client: Any, make_user: Any, auth_headers: Any) -> None:
    response = client.post(
        "/api/v1/cvs",
        headers=auth_headers(make_user()),
        data={},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "missing_file"


def test_bad_visibility_value_is_400(
    client: Any, make_user: Any, auth_headers: Any, sample_pdf: bytes, api_upload: Any
) -> None:
    headers = auth_headers(make_user())
    cv_id = api_upload(headers, sample_pdf).json["id"]
    response = client.put(
        f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "everyone"}
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_visibility"


def test_without_a_token_the_api_answers_401(client: Any) -> None:
    response = client.get("/api/v1/cvs")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_a_candidate_cannot_read_another_candidates_cv(
    client: Any, make_user: Any, auth_headers: Any, sample_pdf: bytes, api_upload: Any
) -> None:
    owner = auth_headers(make_user())
    cv_id = api_upload(owner, sample_pdf).json["id"]
    other = auth_headers(make_user())
    assert client.get(f"/api/v1/cvs/{cv_id}", headers=other).status_code == 404


def test_a_recruiter_cannot_search_without_a_subscription(
    client: Any, make_recruiter: Any, make_org: Any, auth_headers: Any
) -> None:
    headers = auth_headers(make_recruiter(make_org(subscribed=False)))
    response = client.get("/api/v1/search?q=python", headers=headers)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "no_subscription"


def test_the_openapi_document_describes_every_route(client: Any, app: Any) -> None:
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    routes = {
        re.sub(r"<(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routes - {"/openapi.json"} <= set(document["paths"])


def test_staff_need_their_second_factor_for_an_api_token(
    settings_overrides: dict[str, Any], rt: Any, make_recruiter: Any
) -> None:
    import pyotp

    from cvbank import create_app
    from cvbank.accounts.models import User
    from cvbank.accounts.totp import enrol_totp

    app = create_app({**settings_overrides, "require_staff_2fa": True})
    client = app.test_client()
    recruiter = make_recruiter()
    body = {"email": recruiter.email, "password": PASSWORD}
    not_enrolled = client.post("/api/v1/auth/token", json=body)
    assert not_enrolled.status_code == 401
    assert not_enrolled.json["error"]["code"] == "otp_enrolment_required"

    secret = pyotp.random_base32()
    with rt.db.transaction() as session:
        enrol_totp(session, session.get(User, recruiter.id), secret)
    missing = client.post("/api/v1/auth/token", json=body)
    assert missing.json["error"]["code"] == "otp_required"
    wrong = client.post("/api/v1/auth/token", json={**body, "otp": "000000"})
    assert wrong.status_code == 401
    good = client.post("/api/v1/auth/token", json={**body, "otp": pyotp.TOTP(secret).now()})
    assert good.status_code == 201
    app.extensions["cvbank"].close()
