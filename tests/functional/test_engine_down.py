"""When the search engine is down, changes still succeed and wait; search says so clearly."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from sqlalchemy import select

from cvbank import create_app
from cvbank.outbox.models import OutboxJob
from cvbank.worker import Worker
from tests.conftest import SAMPLE_CV, make_pdf


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def app(settings_overrides: dict[str, Any]) -> Any:
    app = create_app(
        {
            **settings_overrides,
            "search_engine": "elasticsearch",
            "elasticsearch_url": f"http://127.0.0.1:{_closed_port()}",
        }
    )
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    app.extensions["cvbank"].close()


def test_uploads_and_publishing_queue_while_search_answers_503(
    client: Any, rt: Any, make_user: Any, make_recruiter: Any, auth_headers: Any, api_upload: Any
) -> None:
    candidate = auth_headers(make_user())
    cv_id = api_upload(candidate, make_pdf(SAMPLE_CV)).json["id"]
    Worker(rt).drain()
    response = client.put(
        f"/api/v1/cvs/{cv_id}/visibility", headers=candidate, json={"visibility": "visible"}
    )
    assert response.status_code == 200
    Worker(rt).drain()
    with rt.db.transaction() as session:
        waiting = session.scalars(
            select(OutboxJob).where(OutboxJob.kind == "index_cv", OutboxJob.done_at.is_(None))
        ).all()
    assert waiting
    assert not any(job.parked for job in waiting)
    assert all(job.error for job in waiting if job.attempts)

    search = client.get("/api/v1/search?q=zebrafink", headers=auth_headers(make_recruiter()))
    assert search.status_code == 503
    assert search.json["error"]["code"] == "search_unavailable"
