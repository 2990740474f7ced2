"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured),
the app, its worker, and factories for people, organisations and CV files.

Tests here need real commits (the worker reads what the web layer committed, in other
sessions), so instead of a rolled-back transaction each test gets a fresh database: a copy of a
migrated SQLite file, or, on PostgreSQL, the migrated schema with every table emptied after it.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from cvbank import create_app
from cvbank.accounts.models import Organisation, Role, User
from cvbank.accounts.services import add_recruiter, create_organisation, create_user
from cvbank.db import utcnow
from cvbank.migrate import upgrade
from cvbank.models import Base
from cvbank.runtime import Runtime
from cvbank.worker import Worker

PASSWORD = "correct horse battery"
PG_URL = os.environ.get("CVBANK_TEST_DATABASE_URL", "")


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to reach beyond this machine."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"tests must not reach the network (tried {address!r})")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with cheap Argon2 parameters: tests are about the rules, not the hash's cost."""
    from argon2 import PasswordHasher

    from cvbank.accounts import services

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(services, "_hasher", cheap)
    monkeypatch.setattr(services, "_DUMMY_HASH", cheap.hash("unknown account"))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "cvbank.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_migrated() -> str:
    if not PG_URL:
        pytest.skip("CVBANK_TEST_DATABASE_URL is not set: PostgreSQL variant not run")
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(PG_URL)
    return PG_URL


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a freshly migrated, empty database."""
    if request.param == "sqlite":
        path = tmp_path / "cvbank.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("_postgres_migrated")
    try:
        yield url
    finally:
        _empty_postgres(url)


@pytest.fixture
def settings_overrides(tmp_path: Path, database_url: str) -> dict[str, Any]:
    return {
        "env": "testing",
        "var_dir": tmp_path / "var",
        "database_url": database_url,
        "secret_key": "test-secret-key",
        "master_key": base64.b64encode(b"k" * 32).decode(),
        "rate_limits_enabled": False,
        "extract_timeout_seconds": 20.0,
        # Recruiters sign in with a password only here; tests/functional/accounts turn it on.
        "require_staff_2fa": False,
    }


@pytest.fixture
def app(settings_overrides: dict[str, Any]) -> Iterator[Any]:
    app = create_app(settings_overrides)
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    rt: Runtime = app.extensions["cvbank"]
    rt.close()


@pytest.fixture
def rt(app: Any) -> Runtime:
    return app.extensions["cvbank"]  # type: ignore[no-any-return]


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def worker(rt: Runtime) -> Worker:
    return Worker(rt)


@pytest.fixture
def make_user(rt: Runtime) -> Callable[..., User]:
    """Return a factory of users (candidates by default) with the test password."""

    def factory(role: Role = Role.CANDIDATE, email: str | None = None, **kwargs: Any) -> User:
        with rt.db.transaction() as session:
            return create_user(
                session,
                rt.sealer,
                email=email or f"{uuid.uuid4().hex[:8]}@example.com",
                password=PASSWORD,
                role=role,
                verified=True,
                **kwargs,
            )

    return factory


@pytest.fixture
def make_org(rt: Runtime) -> Callable[..., Organisation]:
    def factory(name: str | None = None, *, subscribed: bool = True) -> Organisation:
        with rt.db.transaction() as session:
            return create_organisation(
                session,
                name=name or f"Org {uuid.uuid4().hex[:6]}",
                subscription_until=utcnow() + timedelta(days=30) if subscribed else None,
            )

    return factory


@pytest.fixture
def make_recruiter(
    rt: Runtime, make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> Callable[..., User]:
    def factory(org: Organisation | None = None, **kwargs: Any) -> User:
        org = org or make_org()
        user = make_user(Role.RECRUITER, **kwargs)
        with rt.db.transaction() as session:
            add_recruiter(
                session,
                session.get(Organisation, org.id),  # type: ignore[arg-type]
                session.get(User, user.id),
            )  # type: ignore[arg-type]
        return user

    return factory


@pytest.fixture
def auth_headers(client: Any) -> Callable[[User], dict[str, str]]:
    """Return a function that gets a user an API token and gives its Authorization header."""

    def get(user: User) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 201, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    return get


@pytest.fixture
def api_upload(client: Any) -> Callable[..., Any]:
    """Return a function that uploads a file through the API and gives the response."""

    def upload(headers: dict[str, str], data: bytes, name: str = "cv.pdf") -> Any:
        return client.post(
            "/api/v1/cvs",
            headers=headers,
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    return upload


@pytest.fixture
def login(client: Any) -> Callable[[User], Any]:
    def do(user: User) -> Any:
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do


def make_pdf(lines: list[str]) -> bytes:
    """Return a one-page text PDF with ``lines`` (reportlab)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    y = 800
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 18
    pdf.save()
    return buffer.getvalue()


def make_docx(lines: list[str]) -> bytes:
    """Return a DOCX with one paragraph per line (python-docx)."""
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SAMPLE_CV = [
    "Karin Lindqvist",
    "karin.lindqvist@example.com",
    "070-1740611",
    "Göteborg",
    "",
    "Arbetslivserfarenhet",
    "2019 – nu  Undersköterska, Sahlgrenska Universitetssjukhuset",
    "2015 – 2019  Vårdbiträde, Hemtjänsten Majorna",
    "",
    "Utbildning",
    "2012 – 2015  Vård- och omsorgsprogrammet, Burgårdens gymnasium",
    "",
    "Kompetenser",
    "Demensvård, läkemedelsdelegering, B-körkort, palliativ vård",
    "Kodord zebrafink för tester",
]


@pytest.fixture
def sample_pdf() -> bytes:
    return make_pdf(SAMPLE_CV)


@pytest.fixture
def sample_docx() -> bytes:
    return make_docx(SAMPLE_CV)


@pytest.fixture
def make_cv(rt: Runtime) -> Callable[..., uuid.UUID]:
    """Return a factory of parsed CVs (text given, no file parsing) with an index job queued."""
    import hashlib
    import json

    from cvbank.accounts.services import wrapped_key
    from cvbank.cvs.models import Cv, CvState, CvVersion, Visibility
    from cvbank.outbox.services import enqueue

    def factory(
        owner: User,
        text: str,
        *,
        visibility: str = "visible",
        profile: dict[str, Any] | None = None,
        language: str = "sv",
    ) -> uuid.UUID:
        with rt.db.transaction() as session:
            key = wrapped_key(session, owner.id)
            cv = Cv(
                id=uuid.uuid4(),
                owner_id=owner.id,
                title=text.split("\n")[0][:100],
                visibility=Visibility(visibility),
                state=CvState.READY,
            )
            session.add(cv)
            session.flush()
            version = CvVersion(
                id=uuid.uuid4(),
                cv_id=cv.id,
                number=1,
                file_ref=rt.storage.put(b"x"),
                filename="cv.txt",
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                mime="text/plain",
                size=len(text),
                language=language,
                parsed_at=utcnow(),
                text_sealed=rt.sealer.seal(owner.id, key, text.encode()),
                profile_sealed=rt.sealer.seal(owner.id, key, json.dumps(profile or {}).encode()),
            )
            session.add(version)
            session.flush()
            cv.current_version_id = version.id
            enqueue(session, "index_cv", key=str(cv.id))
            return cv.id

    return factory
