"""Sensitive-content flags: the review, the publication gate, and redacted indexing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from cvbank.accounts.models import Consent
from tests.conftest import make_pdf

SENSITIVE_CV = [
    "Karin Lindqvist",
    "Personnummer: 811218-9876",
    "Undersköterska på Sahlgrenska 2019 – nu",
    "Jag har diabetes typ 1.",
    "Kodord zebrafink",
]


@pytest.fixture
def api(auth_headers: Any, api_upload: Any) -> Any:
    class Api:
        token = staticmethod(auth_headers)

        @staticmethod
        def upload(headers: dict[str, str], lines: list[str]) -> str:
            response = api_upload(headers, make_pdf(lines))
            assert response.status_code == 201, response.json
            return str(response.json["id"])

    return Api()


def _flags(client: Any, headers: dict[str, str], cv_id: str) -> dict[str, Any]:
    return {
        f["category"]: f
        for f in client.get(f"/api/v1/cvs/{cv_id}/flags", headers=headers).json["flags"]
    }


def test_a_cv_with_flags_needs_review_and_cannot_be_published(
    client: Any, worker: Any, make_user: Any, api: Any
) -> None:
    headers = api.token(make_user())
    cv_id = api.upload(headers, SENSITIVE_CV)
    worker.drain()
    assert client.get(f"/api/v1/cvs/{cv_id}", headers=headers).json["state"] == "needs_review"
    response = client.put(
        f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "visible"}
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "open_flags"
    assert len(response.json["error"]["open_flags"]) == 2


def test_an_identity_number_can_only_be_removed(
    client: Any, worker: Any, make_user: Any, api: Any
) -> None:
    headers = api.token(make_user())
    cv_id = api.upload(headers, SENSITIVE_CV)
    worker.drain()
    flag = _flags(client, headers, cv_id)["national_id"]
    assert flag["can_keep"] is False
    response = client.post(
        f"/api/v1/cvs/{cv_id}/flags/{flag['id']}", headers=headers, json={"decision": "keep"}
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "cannot_keep"


def test_resolved_flags_allow_publication_and_flagged_passages_are_never_searchable(
    client: Any, worker: Any, rt: Any, make_user: Any, make_recruiter: Any, api: Any
) -> None:
    owner = make_user()
    headers = api.token(owner)
    cv_id = api.upload(headers, SENSITIVE_CV)
    worker.drain()
    flags = _flags(client, headers, cv_id)
    client.post(
        f"/api/v1/cvs/{cv_id}/flags/{flags['national_id']['id']}",
        headers=headers,
        json={"decision": "remove"},
    )
    kept = client.post(
        f"/api/v1/cvs/{cv_id}/flags/{flags['health']['id']}",
        headers=headers,
        json={"decision": "keep"},
    )
    assert kept.json["state"] == "ready"
    assert (
        client.put(
            f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "visible"}
        ).status_code
        == 200
    )
    worker.drain()

    with rt.db.transaction() as session:
        consent = session.scalar(
            select(Consent).where(
                Consent.user_id == owner.id, Consent.purpose.like("publish_sensitive:%")
            )
        )
        assert consent is not None
        assert consent.purpose == "publish_sensitive:health"

    recruiter = api.token(make_recruiter())
    assert client.get("/api/v1/search?q=zebrafink", headers=recruiter).json["total"] == 1
    for phrase in ("diabetes", "811218-9876", "9876", "Personnummer"):
        found = client.get("/api/v1/search", query_string={"q": phrase}, headers=recruiter).json
        assert found["total"] == 0, phrase

    text = client.get(f"/api/v1/cvs/{cv_id}", headers=recruiter).json["text"]
    assert "811218-9876" not in text  # removed: cut from what employers read
    assert "diabetes" in text  # kept with consent: readable, but not searchable


def test_the_review_page_highlights_each_flag_and_needs_ticked_consent_to_keep(
    client: Any, worker: Any, make_user: Any, login: Any, api: Any
) -> None:
    user = make_user()
    headers = api.token(user)
    cv_id = api.upload(headers, SENSITIVE_CV)
    worker.drain()
    login(user)
    page = client.get(f"/my/cvs/{cv_id}/review").get_data(as_text=True)
    assert page.count('class="flagged"') == 2
    flag_id = _flags(client, headers, cv_id)["health"]["id"]
    refused = client.post(
        f"/my/cvs/{cv_id}/flags/{flag_id}", data={"decision": "keep"}, follow_redirects=True
    )
    assert "tick the box" in refused.get_data(as_text=True)
    assert _flags(client, headers, cv_id)["health"]["decision"] == "open"
    client.post(f"/my/cvs/{cv_id}/flags/{flag_id}", data={"decision": "keep", "consent": "yes"})
    assert _flags(client, headers, cv_id)["health"]["decision"] == "kept_with_consent"


def test_decisions_carry_over_to_a_new_version_only_for_identical_passages(
    client: Any, worker: Any, rt: Any, make_user: Any, api: Any
) -> None:
    from cvbank.cvs.models import Cv
    from cvbank.cvs.services import upload_cv

    user = make_user()
    headers = api.token(user)
    cv_id = api.upload(headers, SENSITIVE_CV)
    worker.drain()
    for flag in _flags(client, headers, cv_id).values():
        client.post(
            f"/api/v1/cvs/{cv_id}/flags/{flag['id']}", headers=headers, json={"decision": "remove"}
        )
    with rt.db.transaction() as session:
        cv = session.get(Cv, uuid.UUID(cv_id))
        new_lines = [*SENSITIVE_CV[:3], "Jag har astma sedan barndomen.", "Kodord zebrafink"]
        upload_cv(session, rt, user, filename="v2.pdf", data=make_pdf(new_lines), cv=cv)
    worker.drain()
    flags = _flags(client, headers, cv_id)
    assert flags["national_id"]["decision"] == "removed"
    assert flags["health"]["decision"] == "open"
