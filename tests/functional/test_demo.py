"""The demo data that `make run` loads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyotp
from sqlalchemy import select

from cvbank.accounts.models import Role, User
from cvbank.accounts.totp import check_second_factor
from cvbank.cvs.models import Cv
from cvbank.demo import CANDIDATE_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, seed

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_the_demo_loads_once_with_visible_hidden_and_flagged_cvs(
    rt: Any, client: Any, tmp_path: Path
) -> None:
    cvs = tmp_path / "fixtures" / "cvs"
    cvs.mkdir(parents=True)
    for path in sorted((FIXTURES / "cvs").glob("*.pdf"))[:4]:
        shutil.copy(path, cvs)
    shutil.copytree(FIXTURES / "flags" / "cvs", tmp_path / "fixtures" / "flags" / "cvs")

    lines = list(seed(rt, cvs))
    assert any(CANDIDATE_EMAIL in line for line in lines)
    assert next(iter(seed(rt, cvs))) == "demo data already loaded"
    with rt.db.transaction() as session:
        states = sorted((cv.state.value, cv.visibility.value) for cv in session.scalars(select(Cv)))
    assert states.count(("needs_review", "hidden")) == 2
    assert ("ready", "visible") in states
    assert ("ready", "hidden") in states

    response = client.post("/login", data={"email": CANDIDATE_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/my/cvs").get_data(as_text=True).count("Needs review") == 2

    with rt.db.transaction() as session:
        recruiter = session.scalars(select(User).where(User.role == Role.RECRUITER)).first()
        assert recruiter is not None
        assert recruiter.has_totp  # demo recruiters sign in with the documented secret
        # Accepted as a TOTP code (False: not a recovery code); a wrong code would raise.
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        assert check_second_factor(session, recruiter, code) is False
