from __future__ import annotations

import base64
from pathlib import Path

import pytest

from cvbank.settings import SettingsError, load_settings

KEY = base64.b64encode(b"m" * 32).decode()
SECRETS = {"CVBANK_SECRET_KEY": "s", "CVBANK_MASTER_KEY": KEY}


def test_defaults_are_the_embedded_setup(tmp_path: Path) -> None:
    settings = load_settings(environ={"CVBANK_VAR_DIR": str(tmp_path), **SECRETS})
    assert settings.search_engine == "embedded"
    assert settings.mail_backend == "file"
    assert settings.database_url == f"sqlite:///{(tmp_path / 'cvbank.db').resolve()}"
    assert settings.index_path == tmp_path / "index"


def test_environment_wins_over_the_toml_file(tmp_path: Path) -> None:
    config = tmp_path / "cvbank.toml"
    config.write_text("max_upload_mb = 5\nsession_idle_minutes = 15\n")
    settings = load_settings(
        environ={
            "CVBANK_CONFIG": str(config),
            "CVBANK_MAX_UPLOAD_MB": "7",
            "CVBANK_VAR_DIR": str(tmp_path),
            **SECRETS,
        }
    )
    assert settings.max_upload_mb == 7
    assert settings.session_idle_minutes == 15


def test_the_example_config_is_valid(tmp_path: Path) -> None:
    example = Path(__file__).parents[3] / "config" / "cvbank.example.toml"
    settings = load_settings(
        environ={"CVBANK_CONFIG": str(example), "CVBANK_VAR_DIR": str(tmp_path), **SECRETS}
    )
    assert settings.is_production
    assert settings.locales == ("sv", "nb", "en")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"CVBANK_MAX_UPLOAD_MB": "ten"}, "CVBANK_MAX_UPLOAD_MB"),
        ({"CVBANK_SEARCH_ENGINE": "solr"}, "search_engine"),
        ({"CVBANK_SMTP_STARTTLS": "maybe"}, "CVBANK_SMTP_STARTTLS"),
        ({"CVBANK_NO_SUCH_THING": "1"}, "CVBANK_NO_SUCH_THING"),
        ({"CVBANK_SESSION_IDLE_MINUTES": "0"}, "session_idle_minutes"),
        ({"CVBANK_MASTER_KEY": "c2hvcnQ="}, "master_key"),
        ({"CVBANK_SEARCH_ENGINE": "elasticsearch"}, "elasticsearch_url"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_it(
    tmp_path: Path, environ: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(environ={**SECRETS, "CVBANK_VAR_DIR": str(tmp_path), **environ})


def test_production_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="CVBANK_SECRET_KEY, CVBANK_MASTER_KEY"):
        load_settings(environ={"CVBANK_ENV": "production", "CVBANK_VAR_DIR": str(tmp_path)})


def test_development_generates_secrets_once_and_keeps_them(tmp_path: Path) -> None:
    first = load_settings(environ={"CVBANK_VAR_DIR": str(tmp_path)})
    second = load_settings(environ={"CVBANK_VAR_DIR": str(tmp_path)})
    assert first.secret_key
    assert first.secret_key == second.secret_key
    assert first.master_key == second.master_key
    assert (tmp_path / ".master_key").stat().st_mode & 0o077 == 0
