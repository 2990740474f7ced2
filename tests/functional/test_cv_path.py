"""The thin path through the pages: sign up, upload, publish, search, view, hide."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

from sqlalchemy import func, select

from cvbank.cvs.models import AccessAction, AccessEvent, Cv, CvVersion
from cvbank.outbox.models import OutboxJob
from tests.conftest import PASSWORD


def _cv_id(response: Any) -> str:
    match = re.search(r"/my/cvs/([0-9a-f-]{36})", response.headers["Location"])
    assert match, response.headers
    return match.group(1)


def _signup(client: Any, email: str = "ada@example.com") -> Any:
    return client.post(
        "/signup",
        data={"name": "Ada Berg", "email": email, "password": PASSWORD, "accept_policy": "y"},
    )


def test_signup_signs_the_job_seeker_in(client: Any) -> None:
    response = _signup(client)
    assert response.status_code == 302
    assert client.get("/my/cvs").status_code == 200


def test_signup_without_accepting_the_policy_is_refused(client: Any) -> None:
    response = client.post(
        "/signup", data={"name": "Ada", "email": "ada@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "privacy policy" in response.get_data(as_text=True)


def test_signup_with_a_taken_email_says_so(client: Any, make_user: Any) -> None:
    make_user(email="taken@example.com")
    response = _signup(client, "taken@example.com")
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_wrong_password_is_refused(client: Any, make_user: Any) -> None:
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "wrong password!"})
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_upload_is_stored_hidden_and_queued_in_one_transaction(
    client: Any, rt: Any, sample_pdf: bytes
) -> None:
    _signup(client)
    response = client.post(
        "/my/cvs",
        data={"file": (io.BytesIO(sample_pdf), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    cv_id = _cv_id(response)
    with rt.db.transaction() as session:
        cv = session.get(Cv, uuid.UUID(cv_id))
        assert cv.visibility.value == "hidden"
        assert cv.state.value == "processing"
        job = session.scalar(select(OutboxJob).where(OutboxJob.key == cv_id))
        assert job.kind == "parse_version"


def test_worker_extracts_the_text_and_the_cv_becomes_ready(
    client: Any, worker: Any, sample_docx: bytes
) -> None:
    _signup(client)
    response = client.post(
        "/my/cvs",
        data={"file": (io.BytesIO(sample_docx), "cv.docx")},
        content_type="multipart/form-data",
    )
    cv_id = _cv_id(response)
    assert "Processing" in client.get(f"/my/cvs/{cv_id}").get_data(as_text=True)
    worker.drain()
    page = client.get(f"/my/cvs/{cv_id}").get_data(as_text=True)
    assert "Ready" in page
    assert "zebrafink" in page


def test_a_png_named_pdf_is_rejected_with_a_clear_message_and_nothing_stored(
    client: Any, rt: Any
) -> None:
    _signup(client)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    response = client.post(
        "/my/cvs", data={"file": (io.BytesIO(png), "cv.pdf")}, content_type="multipart/form-data"
    )
    assert response.status_code == 415
    assert "PDF or DOCX" in response.get_data(as_text=True)
    with rt.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(CvVersion)) == 0
    assert not any(rt.settings.storage_path.rglob("*[0-9a-f]"))


def test_an_empty_file_is_rejected(client: Any) -> None:
    _signup(client)
    response = client.post(
        "/my/cvs", data={"file": (io.BytesIO(b""), "cv.pdf")}, content_type="multipart/form-data"
    )
    assert response.status_code in (400, 415)
    assert "empty" in response.get_data(as_text=True)


def test_a_corrupt_pdf_ends_as_a_failed_cv_with_a_reason(client: Any, worker: Any) -> None:
    _signup(client)
    response = client.post(
        "/my/cvs",
        data={"file": (io.BytesIO(b"%PDF-1.7\n garbage \x00\x01"), "broken.pdf")},
        content_type="multipart/form-data",
    )
    cv_id = _cv_id(response)
    worker.drain()
    page = client.get(f"/my/cvs/{cv_id}").get_data(as_text=True)
    assert "Failed" in page
    assert "could not read" in page.lower() or "data-code" in page


def test_publish_search_view_hide(
    client: Any, app: Any, rt: Any, worker: Any, sample_pdf: bytes, make_recruiter: Any
) -> None:
    _signup(client)
    cv_id = _cv_id(
        client.post(
            "/my/cvs",
            data={"file": (io.BytesIO(sample_pdf), "cv.pdf")},
            content_type="multipart/form-data",
        )
    )
    worker.drain()
    client.post(f"/my/cvs/{cv_id}/visibility", data={"visibility": "visible"})
    worker.drain()

    recruiter = make_recruiter()
    employer = app.test_client()
    employer.post("/login", data={"email": recruiter.email, "password": PASSWORD})
    results = employer.get("/search?q=zebrafink").get_data(as_text=True)
    assert f"/cv/{cv_id}" in results
    assert "<mark>zebrafink</mark>" in results.lower() or "<mark>Zebrafink</mark>" in results

    assert employer.get(f"/cv/{cv_id}?q=zebrafink").status_code == 200
    with rt.db.transaction() as session:
        actions = set(session.scalars(select(AccessEvent.action)))
    assert actions == {AccessAction.APPEARED_IN_SEARCH, AccessAction.VIEW}
    assert "Opened your CV" in client.get("/my/access").get_data(as_text=True)

    # Hide it; the worker has NOT run, so the index still holds the CV.
    client.post(f"/my/cvs/{cv_id}/visibility", data={"visibility": "hidden"})
    assert f"/cv/{cv_id}" not in employer.get("/search?q=zebrafink").get_data(as_text=True)
    assert employer.get(f"/cv/{cv_id}").status_code == 404
    worker.drain()
    assert rt.search_engine().count() == 0
