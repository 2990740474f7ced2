"""Demo data for ``make run``: organisations, recruiters and candidates with real CV files."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from cvbank.accounts.models import Organisation, Role, User
from cvbank.accounts.services import add_recruiter, create_organisation, create_user
from cvbank.accounts.totp import enrol_totp
from cvbank.cvs.models import Cv, CvState
from cvbank.cvs.services import set_visibility, upload_cv
from cvbank.db import utcnow
from cvbank.runtime import Runtime
from cvbank.worker import Worker

log = logging.getLogger(__name__)

# Recruiters must sign in with two-factor; the demo recruiters share this documented secret so
# that anyone trying the demo can add it to an authenticator app or compute the code.
DEMO_TOTP_SECRET = "CVBANKDEMOCVBANKDEMOCVBANKDEMO22"  # noqa: S105 - demo data only
DEMO_PASSWORD = "cvbank-demo"  # noqa: S105 - printed for the demo; never used outside it
ORGANISATIONS = [
    ("Nordvik Bemanning AB", "556000-0001", "recruiter@nordvik.example.com", "Nora Nordvik"),
    ("Fjordhavn Rekruttering AS", "999000001", "recruiter@fjordhavn.example.com", "Fredrik Fjord"),
]
CANDIDATE_EMAIL = "candidate@example.com"
CV_SUFFIXES = {".pdf", ".docx", ".odt", ".rtf", ".txt"}
# One CV in three stays hidden, so the demo shows that hidden CVs are never found.
HIDDEN_EVERY = 3


def seed(rt: Runtime, fixtures: Path) -> Iterator[str]:
    """Create the demo data once; yield lines to print, ending with the demo logins."""
    with rt.db.transaction() as session:
        exists = session.scalar(
            select(Organisation).where(Organisation.name == ORGANISATIONS[0][0])
        )
    if exists is None:
        yield from _create(rt, fixtures)
    else:
        yield "demo data already loaded"
    yield ""
    yield f"Demo logins (password for all: {DEMO_PASSWORD}):"
    yield f"  job seeker:  {CANDIDATE_EMAIL}"
    for org, _, email, _ in ORGANISATIONS:
        yield f"  recruiter:   {email}  ({org})"
    yield f"Recruiters sign in with two-factor: add the key {DEMO_TOTP_SECRET} to an"
    yield "authenticator app, or print the current code with `.venv/bin/cvbank demo-code`."


def _flagged_examples(folder: Path, count: int) -> list[Path]:
    """Return a few labelled CVs with sensitive passages, for the demo job seeker to review."""
    found = []
    for labels in sorted(folder.glob("*.labels.json")):
        if json.loads(labels.read_text())["labels"]:
            found.append(labels.with_name(labels.name.replace(".labels.json", ".txt")))
    return found[:count]


def _demo_files(fixtures: Path) -> list[Path]:
    """Return the fixture CVs, leaving out the same CVs saved again by another producer."""
    manifest = fixtures / "manifest.json"
    copies = set()
    if manifest.exists():
        entries = json.loads(manifest.read_text())["cvs"]
        copies = {e["file"] for e in entries if e.get("producer") == "libreoffice"}
    return sorted(
        p for p in fixtures.glob("*") if p.suffix.lower() in CV_SUFFIXES and p.name not in copies
    )


def _create(rt: Runtime, fixtures: Path) -> Iterator[str]:
    files = _demo_files(fixtures)
    with rt.db.transaction() as session:
        for name, number, email, person in ORGANISATIONS:
            org = create_organisation(
                session,
                name=name,
                org_number=number,
                seats=5,
                subscription_until=utcnow() + timedelta(days=365),
            )
            recruiter = create_user(
                session,
                rt.sealer,
                email=email,
                password=DEMO_PASSWORD,
                name=person,
                role=Role.RECRUITER,
                verified=True,
            )
            add_recruiter(session, org, recruiter)
            enrol_totp(session, recruiter, DEMO_TOTP_SECRET)
        candidate = create_user(
            session,
            rt.sealer,
            email=CANDIDATE_EMAIL,
            password=DEMO_PASSWORD,
            name="Demo Candidate",
            verified=True,
        )
        # The demo job seeker owns one ordinary CV and two that need a sensitive-content review.
        flagged = _flagged_examples(fixtures.parent / "flags" / "cvs", 2)
        for path in [files[0], *flagged]:
            upload_cv(session, rt, candidate, filename=path.name, data=path.read_bytes())
        for i, path in enumerate(files[1:], start=1):
            # The other job seekers only own CVs in the demo; they cannot sign in.
            owner = create_user(
                session,
                rt.sealer,
                email=f"candidate{i:02d}@example.com",
                password=None,
                name=path.stem.split("-", 1)[-1].replace("-", " ").title(),
                verified=True,
            )
            upload_cv(session, rt, owner, filename=path.name, data=path.read_bytes())
    yield f"uploaded {len(files) + len(flagged)} demo CV(s) from {fixtures}; reading them now…"
    Worker(rt).drain()

    visible = 0
    with rt.db.transaction() as session:
        cvs = list(session.scalars(select(Cv).order_by(Cv.created_at, Cv.id)))
        for i, cv in enumerate(cvs):
            if cv.state is CvState.READY and i % HIDDEN_EVERY != HIDDEN_EVERY - 1:
                user = session.get(User, cv.owner_id)
                assert user is not None
                set_visibility(session, user, cv, "visible")
                visible += 1
        states = [cv.state.value for cv in cvs]
    Worker(rt).drain()
    yield (
        f"{visible} CV(s) visible, {len(cvs) - visible} hidden "
        f"({states.count('needs_review')} need review, {states.count('failed')} failed)"
    )
