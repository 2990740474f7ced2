"""The LinkedIn archive page: upload, see the draft, nothing saved; clear messages otherwise."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cvbank.accounts.models import User

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
