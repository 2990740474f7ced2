"""The LinkedIn archive: upload, review the draft, put the chosen parts into a CV profile."""

from __future__ import annotations

import html
import io
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cvbank.accounts.linkedin_archive import parse_archive
from cvbank.accounts.models import User
from cvbank.cvs import services as cvs
from cvbank.cvs.models import Cv
from cvbank.runtime import Runtime
from cvbank.worker import Worker

FIXTURE = Path(__file__).parents[2] / "fixtures" / "linkedin" / "linkedin-archive.zip"


def _upload(client: Any, data: bytes, name: str = "archive.zip") -> Any:
    return client.post(
        "/account/linkedin-archive",
        data={"archive": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_job_seeker_sees_what_the_archive_holds(
    client: Any, make_user: Callable[..., User], login: Callable[[User], Any]
) -> None:
    login(make_user())
    assert client.get("/account/linkedin-archive").status_code == 200
    page = _upload(client, FIXTURE.read_bytes()).get_data(as_text=True)
    assert 'data-field="name">Karin Lindqvist<' in page
    assert "Undersköterska · Sahlgrenska Universitetssjukhuset (2019-03 – now)" in page
    assert '<span class="tag">Palliativ vård</span>' in page
    assert "Nothing is saved yet." in page


def test_a_foreign_zip_gets_a_clear_message(
    client: Any, make_user: Callable[..., User], login: Callable[[User], Any], sample_docx: bytes
) -> None:
    login(make_user())
    response = _upload(client, sample_docx, "cv.docx")
    assert response.status_code == 400
    assert "is not a LinkedIn data archive" in response.get_data(as_text=True)


def test_recruiters_cannot_use_the_import(
    client: Any, make_recruiter: Callable[..., User], login: Callable[[User], Any]
) -> None:
    login(make_recruiter())
    assert client.get("/account/linkedin-archive").status_code == 403


def _cv_with_text(rt: Runtime, worker: Worker, owner: User, docx: bytes) -> uuid.UUID:
    with rt.db.transaction() as session:
        user = session.get(User, owner.id)
        assert user is not None
        cv = cvs.upload_cv(session, rt, user, filename="cv.docx", data=docx)
        cv_id = cv.id
    worker.drain()
    return cv_id


def _draft_json(page: str) -> str:
    match = re.search(r'name="draft" value="([^"]*)"', page)
    assert match is not None
    return html.unescape(match.group(1))


def test_the_chosen_parts_go_into_the_cv_profile_and_nothing_else(
    client: Any,
    rt: Runtime,
    worker: Worker,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
    sample_docx: bytes,
) -> None:
    owner = make_user()
    cv_id = _cv_with_text(rt, worker, owner, sample_docx)
    login(owner)
    page = _upload(client, FIXTURE.read_bytes()).get_data(as_text=True)
    assert f'<option value="{cv_id}">' in page
    applied = client.post(
        "/account/linkedin-archive/apply",
        data={
            "draft": _draft_json(page),
            "cv_id": str(cv_id),
            "sections": ["experience", "skills"],
        },
    )
    assert applied.status_code == 302
    with rt.db.transaction() as session:
        cv = session.get(Cv, cv_id)
        assert cv is not None
        content = cvs.version_content(session, rt, cv)
    assert content is not None
    assert set(content.corrections) == {"experience", "skills", "years_experience"}
    assert content.profile["experience"][0] == {
        "title": "Undersköterska",
        "employer": "Sahlgrenska Universitetssjukhuset",
        "start": "2019-03",
        "end": None,
    }
    assert [s["label"] for s in content.profile["skills"]] == [
        "Demensvård",
        "Läkemedelsdelegering",
        "Palliativ vård",
    ]
    assert content.profile["name"] == content.extracted["name"]  # not chosen, not replaced


def test_nothing_chosen_is_a_clear_message(
    client: Any,
    rt: Runtime,
    worker: Worker,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
    sample_docx: bytes,
) -> None:
    owner = make_user()
    cv_id = _cv_with_text(rt, worker, owner, sample_docx)
    login(owner)
    page = _upload(client, FIXTURE.read_bytes()).get_data(as_text=True)
    response = client.post(
        "/account/linkedin-archive/apply", data={"draft": _draft_json(page), "cv_id": str(cv_id)}
    )
    assert response.status_code == 400
    assert "Choose at least one part" in response.get_data(as_text=True)


def test_the_draft_cannot_go_into_someone_elses_cv(
    client: Any,
    rt: Runtime,
    worker: Worker,
    make_user: Callable[..., User],
    login: Callable[[User], Any],
    sample_docx: bytes,
) -> None:
    other_cv = _cv_with_text(rt, worker, make_user(), sample_docx)
    login(make_user())
    draft = json.dumps(parse_archive(FIXTURE.read_bytes()))  # posted by hand, no form needed
    response = client.post(
        "/account/linkedin-archive/apply",
        data={"draft": draft, "cv_id": str(other_cv), "sections": ["skills"]},
    )
    assert response.status_code == 400
    with rt.db.transaction() as session:
        cv = session.get(Cv, other_cv)
        assert cv is not None
        content = cvs.version_content(session, rt, cv)
    assert content is not None
    assert content.corrections == {}
