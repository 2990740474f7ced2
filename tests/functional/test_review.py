"""Sensitive-content flags: the review, the publication gate, and redacted indexing."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cvbank.accounts.models import Consent
from indexer.flags import redact
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


def _flags_list(client: Any, headers: dict[str, str], cv_id: str) -> list[dict[str, Any]]:
    return list(client.get(f"/api/v1/cvs/{cv_id}/flags", headers=headers).json["flags"])


def _flags(client: Any, headers: dict[str, str], cv_id: str) -> dict[str, Any]:
    return {f["category"]: f for f in _flags_list(client, headers, cv_id)}


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


def test_a_passage_only_the_model_flags_is_reviewed_gated_and_kept_out_of_search(
    client: Any, worker: Any, make_user: Any, make_recruiter: Any, api: Any
) -> None:
    headers = api.token(make_user())
    cv_id = api.upload(
        headers,
        [
            "Amina Yusuf",
            "Lagerarbetare, Postnord 2018 – nu",
            "Mamma är från Eritrea och pappa från Etiopien, själv är jag uppvuxen i Rinkeby.",
            "Kodord zebrafink",
        ],
    )
    worker.drain()
    (flag,) = _flags_list(client, headers, cv_id)
    assert (flag["category"], flag["rule"]) == ("ethnic_origin", "model.ethnic_origin")
    assert "statistical check" in flag["explanation"]
    blocked = client.put(
        f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "visible"}
    )
    assert (blocked.status_code, blocked.json["error"]["code"]) == (409, "open_flags")

    client.post(
        f"/api/v1/cvs/{cv_id}/flags/{flag['id']}", headers=headers, json={"decision": "keep"}
    )
    client.put(f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "visible"})
    worker.drain()
    recruiter = api.token(make_recruiter())
    assert _search(client, recruiter, "zebrafink") == 1
    assert _search(client, recruiter, "Eritrea") == 0


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


FLAG_CVS = Path(__file__).resolve().parents[2] / "fixtures" / "flags" / "cvs"
LABELLED_CVS = sorted(
    path.with_name(path.name.replace(".labels.json", ".txt"))
    for path in FLAG_CVS.glob("*.labels.json")
    if json.loads(path.read_text(encoding="utf-8"))["labels"]
)
WORD = re.compile(r"\w{4,}")


def test_no_labelled_passage_of_the_fixture_cvs_can_be_found_by_an_employer(
    client: Any, worker: Any, make_user: Any, make_recruiter: Any, api: Any, api_upload: Any
) -> None:
    """Every flagged passage of the 16 labelled fixture CVs (all categories, five languages) is
    cut from the index, whether the candidate keeps it or removes it."""
    headers = api.token(make_user())
    uploaded: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for path in LABELLED_CVS:
        text = path.read_text(encoding="utf-8")
        response = api_upload(headers, text.encode("utf-8"), name=path.name)
        assert response.status_code == 201, response.json
        labels = json.loads(path.with_name(path.stem + ".labels.json").read_text())["labels"]
        uploaded[str(response.json["id"])] = (text, labels)
    worker.drain()
    for cv_id in uploaded:
        for flag in _flags_list(client, headers, cv_id):
            decision = "keep" if flag["can_keep"] else "remove"
            client.post(
                f"/api/v1/cvs/{cv_id}/flags/{flag['id']}",
                headers=headers,
                json={"decision": decision},
            )
        response = client.put(
            f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "visible"}
        )
        assert response.status_code == 200, response.json
    worker.drain()

    recruiter = api.token(make_recruiter())

    def found(query: str) -> set[str]:
        answer = client.get("/api/v1/search", query_string={"q": query}, headers=recruiter).json
        return {hit["cv_id"] for hit in answer["hits"]}

    searched = 0
    for cv_id, (text, labels) in uploaded.items():
        spans = sorted((label["start"], label["end"]) for label in labels)
        ids = {
            (label["start"], label["end"]) for label in labels if label["category"] == "national_id"
        }
        outside = redact(text, spans, " ").lower()
        # Stems of the words outside the passages: a word sharing its first five letters with
        # one of them ("Stockholms" beside "Stockholm") may rightly find the CV.
        stems = {word[:5] for word in WORD.findall(outside)}
        assert cv_id in found(WORD.findall(outside)[0])  # the CV itself is indexed
        for start, end in spans:
            passage = text[start:end]
            # The passage as a phrase, and each of its words the rest of the CV does not share.
            # An identity number's label may include its context word ("Finsk personbeteckning"):
            # the number is what must not be found.
            words = [
                w
                for w in WORD.findall(passage)
                if w.lower()[:5] not in stems
                and (any(c.isdigit() for c in w) or (start, end) not in ids)
            ]
            for query in [f'"{passage}"', *words]:
                assert cv_id not in found(query), (query, passage)
                searched += 1
    assert searched > 100


def test_employers_read_a_profile_without_the_removed_passages(
    client: Any, worker: Any, make_user: Any, make_recruiter: Any, api: Any, api_upload: Any
) -> None:
    cv_text = (
        "Erik Berg\nSjuksköterska · Uppsala · erik.berg@example.se\n\nErfarenhet\n"
        "2019–2024 Sjuksköterska, Akademiska sjukhuset, Uppsala\n"
        "2015–2019 Huvudskyddsombud för Vårdförbundet, Akademiska sjukhuset\n"
    )
    headers = api.token(make_user())
    cv_id = str(api_upload(headers, cv_text.encode(), name="erik.txt").json["id"])
    worker.drain()
    owner_view = client.get(f"/api/v1/cvs/{cv_id}", headers=headers).json
    assert len(owner_view["profile"]["experience"]) == 2  # the candidate sees everything
    (flag,) = _flags_list(client, headers, cv_id)
    assert flag["category"] == "trade_union"
    client.post(
        f"/api/v1/cvs/{cv_id}/flags/{flag['id']}", headers=headers, json={"decision": "remove"}
    )
    client.put(f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "visible"})
    worker.drain()

    employer_view = client.get(f"/api/v1/cvs/{cv_id}", headers=api.token(make_recruiter())).json
    assert [job["title"] for job in employer_view["profile"]["experience"]] == ["Sjuksköterska"]
    assert "Vårdförbundet" not in json.dumps(employer_view, ensure_ascii=False)


# A passage the check does not flag but the candidate may want gone: a reference's name.
UNFLAGGED_CV = [
    "Erik Sandberg",
    "Lagerchef, Postnord 2016 – nu",
    "Referens Omar Lind, lagerchef på Postnord i Umeå.",
    "Kodord zebrafink",
]


def _search(client: Any, headers: dict[str, str], query: str) -> int:
    return int(
        client.get("/api/v1/search", query_string={"q": query}, headers=headers).json["total"]
    )


def test_a_candidate_can_remove_a_passage_the_check_missed_and_restore_it(
    client: Any, worker: Any, make_user: Any, make_recruiter: Any, api: Any
) -> None:
    headers = api.token(make_user())
    cv_id = api.upload(headers, UNFLAGGED_CV)
    worker.drain()
    assert _flags_list(client, headers, cv_id) == []
    client.put(f"/api/v1/cvs/{cv_id}/visibility", headers=headers, json={"visibility": "visible"})
    worker.drain()
    recruiter = api.token(make_recruiter())
    assert _search(client, recruiter, "Omar") == 1

    # Case and spacing as the candidate types them, not as the PDF was read.
    response = client.post(
        f"/api/v1/cvs/{cv_id}/flags",
        headers=headers,
        json={"text": "  referens OMAR lind,   lagerchef "},
    )
    assert response.status_code == 201, response.json
    (flag,) = response.json["flags"]
    assert (flag["category"], flag["rule"], flag["decision"]) == ("other", "manual", "removed")
    assert flag["text"] == "Referens Omar Lind, lagerchef"
    assert flag["can_keep"] is False
    assert "yourself" in flag["explanation"]
    again = client.post(
        f"/api/v1/cvs/{cv_id}/flags",
        headers=headers,
        json={"text": "Referens Omar Lind, lagerchef"},
    )
    assert (again.status_code, again.json["flags"]) == (200, [])
    worker.drain()

    assert _search(client, recruiter, "Omar") == 0
    assert _search(client, recruiter, "zebrafink") == 1
    employer_view = client.get(f"/api/v1/cvs/{cv_id}", headers=recruiter).json
    assert "Omar" not in json.dumps(employer_view, ensure_ascii=False)
    assert "Umeå" in employer_view["text"]  # only the passage is cut, not the line

    decided = client.post(
        f"/api/v1/cvs/{cv_id}/flags/{flag['id']}", headers=headers, json={"decision": "keep"}
    )
    assert (decided.status_code, decided.json["error"]["code"]) == (409, "manual_flag")
    restored = client.delete(f"/api/v1/cvs/{cv_id}/flags/{flag['id']}", headers=headers)
    assert restored.status_code == 204
    worker.drain()
    assert _flags_list(client, headers, cv_id) == []
    assert _search(client, recruiter, "Omar") == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "missing_text"),
        ({"text": 42}, 400, "missing_text"),
        ({"text": "   "}, 400, "missing_text"),
        ({"text": "x" * 2001}, 400, "text_too_long"),
        ({"text": "Omar och Erik"}, 400, "passage_not_found"),
    ],
)
def test_removing_a_passage_rejects_bad_input_with_a_precise_error(
    client: Any, worker: Any, make_user: Any, api: Any, body: dict[str, Any], status: int, code: str
) -> None:
    headers = api.token(make_user())
    cv_id = api.upload(headers, UNFLAGGED_CV)
    worker.drain()
    response = client.post(f"/api/v1/cvs/{cv_id}/flags", headers=headers, json=body)
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    assert _flags_list(client, headers, cv_id) == []


def test_only_the_owner_removes_passages_and_detected_flags_are_decided_not_deleted(
    client: Any, worker: Any, make_user: Any, api: Any
) -> None:
    headers = api.token(make_user())
    cv_id = api.upload(headers, SENSITIVE_CV)
    worker.drain()
    stranger = api.token(make_user())
    response = client.post(
        f"/api/v1/cvs/{cv_id}/flags", headers=stranger, json={"text": "Kodord zebrafink"}
    )
    assert response.status_code == 404
    flag = _flags(client, headers, cv_id)["health"]
    response = client.delete(f"/api/v1/cvs/{cv_id}/flags/{flag['id']}", headers=headers)
    assert (response.status_code, response.json["error"]["code"]) == (409, "detected_flag")
    assert (
        client.delete(f"/api/v1/cvs/{cv_id}/flags/{flag['id']}", headers=stranger).status_code
        == 404
    )


def test_a_removed_passage_is_removed_again_from_the_next_version_only(
    client: Any, worker: Any, rt: Any, make_user: Any, api: Any
) -> None:
    from cvbank.cvs.models import Cv
    from cvbank.cvs.services import upload_cv

    user = make_user()
    headers = api.token(user)
    cv_id = api.upload(headers, UNFLAGGED_CV)
    worker.drain()
    client.post(f"/api/v1/cvs/{cv_id}/flags", headers=headers, json={"text": "Kodord zebrafink"})

    def new_version(lines: list[str]) -> list[dict[str, Any]]:
        with rt.db.transaction() as session:
            cv = session.get(Cv, uuid.UUID(cv_id))
            upload_cv(session, rt, user, filename="next.pdf", data=make_pdf(lines), cv=cv)
        worker.drain()
        return _flags_list(client, headers, cv_id)

    (carried,) = new_version([*UNFLAGGED_CV, "Truckkort A och B"])
    assert (carried["text"], carried["decision"]) == ("Kodord zebrafink", "removed")
    client.delete(f"/api/v1/cvs/{cv_id}/flags/{carried['id']}", headers=headers)
    # Restored in version 2, so version 3 keeps it, although version 1 had it removed.
    assert new_version(UNFLAGGED_CV) == []


def test_the_review_page_removes_and_restores_a_passage(
    client: Any, worker: Any, make_user: Any, login: Any, api: Any
) -> None:
    user = make_user()
    headers = api.token(user)
    cv_id = api.upload(headers, UNFLAGGED_CV)
    worker.drain()
    login(user)
    page = client.get(f"/my/cvs/{cv_id}/review").get_data(as_text=True)
    assert 'id="remove-passage"' in page
    missing = client.post(
        f"/my/cvs/{cv_id}/passages", data={"text": "Omar och Erik"}, follow_redirects=True
    )
    assert "not in your CV&#39;s text" in missing.get_data(as_text=True)
    done = client.post(
        f"/my/cvs/{cv_id}/passages", data={"text": "Omar Lind"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Removed from what employers see and from search (1 place in your CV)" in done
    assert "Restore this passage" in done
    (flag,) = _flags_list(client, headers, cv_id)
    client.post(f"/my/cvs/{cv_id}/passages/{flag['id']}/restore")
    assert _flags_list(client, headers, cv_id) == []
