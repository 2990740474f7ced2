"""Correcting the extracted profile: kept, searched, exported, dropped with a new version."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SAMPLE_CV, make_pdf


@pytest.fixture
def candidate(make_user: Any, worker: Any, auth_headers: Any, api_upload: Any) -> Any:
    user = make_user()
    headers = auth_headers(user)
    cv_id = api_upload(headers, make_pdf(SAMPLE_CV)).json["id"]
    worker.drain()
    return user, headers, cv_id


def test_corrections_are_kept_and_years_recomputed(client: Any, candidate: Any) -> None:
    _, headers, cv_id = candidate
    response = client.put(
        f"/api/v1/cvs/{cv_id}/profile",
        headers=headers,
        json={
            "headline": "Undersköterska med demensvård",
            "experience": [
                {
                    "title": "Undersköterska",
                    "employer": "Sahlgrenska",
                    "start": "2020-01",
                    "end": "2021-12",
                }
            ],
        },
    )
    assert response.status_code == 200, response.json
    profile = client.get(f"/api/v1/cvs/{cv_id}", headers=headers).json["profile"]
    assert profile["headline"] == "Undersköterska med demensvård"
    assert profile["years_experience"] == 2.0
    assert profile["name"] == "Karin Lindqvist"  # untouched fields stay as read


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"experience": [{"title": "x", "start": "2019-13"}]}, "invalid_date"),
        ({"experience": [{"title": "x", "start": "2020", "end": "2019"}]}, "invalid_date"),
        ({"password": "x"}, "invalid_profile"),
        ({"name": 42}, "invalid_profile"),
        ({"skills": "python"}, "invalid_profile"),
    ],
)
def test_bad_corrections_are_refused_precisely(
    client: Any, candidate: Any, body: dict[str, Any], code: str
) -> None:
    _, headers, cv_id = candidate
    response = client.put(f"/api/v1/cvs/{cv_id}/profile", headers=headers, json=body)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code


def test_corrected_skills_are_searchable(
    client: Any, candidate: Any, worker: Any, make_recruiter: Any, auth_headers: Any
) -> None:
    _, headers, cv_id = candidate
    client.put(f"/api/v1/cvs/{cv_id}/profile", headers=headers, json={"skills": ["truckkort"]})
    client.put(f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "visible"})
    worker.drain()
    found = client.get(
        "/api/v1/search",
        query_string={"skill": "truckkort"},
        headers=auth_headers(make_recruiter()),
    ).json
    assert [h["cv_id"] for h in found["hits"]] == [cv_id]


def test_the_profile_exports_as_json_resume(client: Any, candidate: Any) -> None:
    _, headers, cv_id = candidate
    resume = client.get(f"/api/v1/cvs/{cv_id}/json-resume", headers=headers).json
    assert resume["basics"]["name"] == "Karin Lindqvist"
    assert resume["basics"]["email"] == "karin.lindqvist@example.com"


def test_the_correction_form_saves_lines(client: Any, candidate: Any, login: Any) -> None:
    user, headers, cv_id = candidate
    login(user)
    response = client.post(
        f"/my/cvs/{cv_id}/profile",
        data={
            "name": "Karin L.",
            "skills": "B-körkort, truckkort",
            "experience": "Undersköterska | Sahlgrenska | 2019 |",
            "languages": "sv | modersmål\nen | flytande",
        },
    )
    assert response.status_code == 303
    profile = client.get(f"/api/v1/cvs/{cv_id}", headers=headers).json["profile"]
    assert profile["name"] == "Karin L."
    assert [s["label"] for s in profile["skills"]] == ["B-körkort", "truckkort"]
    assert profile["experience"] == [
        {"title": "Undersköterska", "employer": "Sahlgrenska", "start": "2019", "end": None}
    ]
    assert profile["languages"][1] == {"language": "en", "level": "flytande"}
