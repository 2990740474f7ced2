"""Settings: defaults in code, overridden by a TOML file, then by ``CVBANK_*`` variables.

Every setting is converted and validated once at start-up; a bad value stops the app with a
message that names the setting (``SettingsError``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

log = logging.getLogger(__name__)

ENV_PREFIX = "CVBANK_"
# CVBANK_* variables that are read elsewhere: the settings file's path, and the password that
# `cvbank create-admin` / `create-recruiter` take from the environment instead of a prompt.
NOT_SETTINGS = frozenset({"CVBANK_CONFIG", "CVBANK_NEW_PASSWORD"})


class SettingsError(Exception):
    """A setting is missing or has a value cvbank cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything an operator can configure, with the embedded defaults."""

    env: str = "development"  # development | production | testing
    var_dir: Path = Path("var")
    base_url: str = "http://127.0.0.1:5000"
    secret_key: str = ""
    master_key: str = ""  # base64 of 32 bytes: wraps every user's data key
    database_url: str = ""  # default: SQLite in var_dir
    search_engine: str = "embedded"  # embedded | elasticsearch
    index_dir: Path | None = None  # default: var_dir / "index"
    elasticsearch_url: str = ""
    elasticsearch_username: str = ""
    elasticsearch_password: str = ""
    elasticsearch_ca_file: str = ""
    elasticsearch_index_prefix: str = "cvbank"
    storage_dir: Path | None = None  # default: var_dir / "files"
    mail_backend: str = "file"  # file | smtp
    mail_dir: Path | None = None  # default: var_dir / "mail"
    mail_from: str = "cvbank <no-reply@cvbank.invalid>"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    max_upload_mb: int = 10
    session_idle_minutes: int = 30
    extract_timeout_seconds: float = 30.0
    extract_cpu_seconds: int = 20
    extract_memory_mb: int = 512
    extract_max_pages: int = 50
    worker_poll_seconds: float = 1.0
    job_max_attempts: int = 6
    # A worker leases a job for this long; a crashed worker's jobs run again once it runs out.
    job_lease_seconds: float = 120.0
    default_locale: str = "en"
    locales: tuple[str, ...] = ("en", "sv", "nb")
    rate_limit_storage: str = "memory://"
    rate_limits_enabled: bool = True
    login_rate_limit: str = "10 per minute"
    search_rate_limit: str = "120 per minute"
    search_per_page: int = 20
    in_process_worker: bool = True  # `cvbank serve` runs a worker thread
    # Accounts (docs/accounts.md): mail tokens, two-factor sign-in, rate limits.
    require_staff_2fa: bool = True  # recruiters and admins must sign in with TOTP
    verify_email_hours: int = 48
    password_reset_minutes: int = 60
    account_mail_rate_limit: str = "5 per 15 minutes"  # reset and verification mails per client
    second_factor_rate_limit: str = "10 per 5 minutes"
    oauth_rate_limit: str = "20 per minute"
    # Social sign-in (docs/social-login.md): a provider is on when its id and secret are set.
    facebook_client_id: str = ""
    facebook_client_secret: str = ""
    facebook_authorize_url: str = "https://www.facebook.com/v19.0/dialog/oauth"
    facebook_token_url: str = "https://graph.facebook.com/v19.0/oauth/access_token"  # noqa: S105
    facebook_graph_url: str = "https://graph.facebook.com/v19.0/"
    google_client_id: str = ""
    google_client_secret: str = ""
    google_discovery_url: str = "https://accounts.google.com/.well-known/openid-configuration"
    linkedin_client_id: str = ""
    linkedin_client_secret: str = ""
    linkedin_discovery_url: str = "https://www.linkedin.com/oauth/.well-known/openid-configuration"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def index_path(self) -> Path:
        """Return where the embedded engine keeps its index."""
        return self.index_dir or self.var_dir / "index"

    @property
    def storage_path(self) -> Path:
        """Return where the local storage keeps encrypted files."""
        return self.storage_dir or self.var_dir / "files"

    @property
    def mail_path(self) -> Path:
        """Return where the file mail backend writes ``.eml`` files."""
        return self.mail_dir or self.var_dir / "mail"

    @property
    def max_upload_bytes(self) -> int:
        """Return the upload size limit in bytes."""
        return self.max_upload_mb * 1024 * 1024

    @property
    def is_production(self) -> bool:
        """Return whether cvbank runs in production mode."""
        return self.env == "production"


_CHOICES = {
    "env": ("development", "production", "testing"),
    "search_engine": ("embedded", "elasticsearch"),
    "mail_backend": ("file", "smtp"),
}
_POSITIVE = {
    "max_upload_mb",
    "session_idle_minutes",
    "extract_timeout_seconds",
    "extract_cpu_seconds",
    "extract_memory_mb",
    "extract_max_pages",
    "worker_poll_seconds",
    "job_max_attempts",
    "job_lease_seconds",
    "search_per_page",
    "smtp_port",
    "smtp_timeout",
    "verify_email_hours",
    "password_reset_minutes",
}


def _convert(name: str, raw: Any, kind: Any) -> Any:
    """Convert one raw value (from TOML or the environment) to the setting's type."""
    text = raw if isinstance(raw, str) else None
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            if text is not None and text.lower() in ("1", "true", "yes", "on"):
                return True
            if text is not None and text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        if kind is int:
            if isinstance(raw, bool):
                raise ValueError("expected a whole number")
            return int(raw)
        if kind is float:
            return float(raw)
        if kind in (Path, Path | None):
            return Path(raw) if raw not in ("", None) else None
        if kind == tuple[str, ...]:
            items = raw.split(",") if isinstance(raw, str) else list(raw)
            return tuple(item.strip() for item in items if item.strip())
        if kind is str:
            if not isinstance(raw, str):
                raise ValueError("expected text")
            return raw
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"Setting {name!r} has an invalid value {raw!r}: {exc}") from exc
    raise SettingsError(f"Setting {name!r} cannot be set from outside")


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings from defaults, ``CVBANK_CONFIG`` (TOML), ``CVBANK_*`` and overrides."""
    environ = os.environ if environ is None else environ
    hints = get_type_hints(Settings)
    known = {f.name for f in fields(Settings) if f.name != "extra"}
    values: dict[str, Any] = {}

    config_file = environ.get(ENV_PREFIX + "CONFIG")
    if config_file:
        try:
            with open(config_file, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise SettingsError(f"Cannot read CVBANK_CONFIG file {config_file}: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(
                f"CVBANK_CONFIG file {config_file} is not valid TOML: {exc}"
            ) from exc
        for key, raw in data.items():
            if key not in known:
                raise SettingsError(f"Unknown setting {key!r} in {config_file}")
            values[key] = _convert(key, raw, hints[key])

    for env_name, raw in environ.items():
        if not env_name.startswith(ENV_PREFIX) or env_name in NOT_SETTINGS:
            continue
        key = env_name[len(ENV_PREFIX) :].lower()
        if key.startswith("test_"):
            continue  # CVBANK_TEST_* configure the test suite, not the app
        if key not in known:
            raise SettingsError(f"Unknown setting {env_name}")
        values[key] = _convert(env_name, raw, hints[key])

    for key, raw in (overrides or {}).items():
        if key not in known:
            raise SettingsError(f"Unknown setting {key!r}")
        values[key] = raw if not isinstance(raw, str) else _convert(key, raw, hints[key])

    settings = Settings(**values)
    return _validate(_fill_secrets(settings))


def _validate(settings: Settings) -> Settings:
    for name, allowed in _CHOICES.items():
        value = getattr(settings, name)
        if value not in allowed:
            raise SettingsError(
                f"Setting {name!r} must be one of {', '.join(allowed)}; got {value!r}"
            )
    for name in _POSITIVE:
        if getattr(settings, name) <= 0:
            raise SettingsError(f"Setting {name!r} must be greater than zero")
    if settings.default_locale not in settings.locales:
        raise SettingsError(
            f"Setting 'default_locale' must be one of the locales {settings.locales}"
        )
    if settings.job_lease_seconds <= settings.extract_timeout_seconds:
        raise SettingsError(
            "Setting 'job_lease_seconds' must be longer than "
            "'extract_timeout_seconds', or a slow parse would run twice"
        )
    if settings.search_engine == "elasticsearch" and not settings.elasticsearch_url:
        raise SettingsError(
            "Setting 'elasticsearch_url' is required when search_engine is elasticsearch"
        )
    if settings.mail_backend == "smtp" and not settings.smtp_host:
        raise SettingsError("Setting 'smtp_host' is required when mail_backend is smtp")
    from cvbank.storage import decode_master_key

    try:
        decode_master_key(settings.master_key)
    except ValueError as exc:
        raise SettingsError(f"Setting 'master_key' is invalid: {exc}") from exc
    if not settings.database_url:
        settings = dataclasses.replace(
            settings, database_url=f"sqlite:///{(settings.var_dir / 'cvbank.db').resolve()}"
        )
    return settings


def _fill_secrets(settings: Settings) -> Settings:
    """Outside production, keep generated secrets in ``var/`` so that sessions survive restarts."""
    missing = [name for name in ("secret_key", "master_key") if not getattr(settings, name)]
    if not missing:
        return settings
    if settings.is_production:
        names = ", ".join(ENV_PREFIX + name.upper() for name in missing)
        raise SettingsError(f"Production needs these secrets from the environment: {names}")
    import base64

    generated: dict[str, Any] = {}
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    for name in missing:
        path = settings.var_dir / f".{name}"
        if path.exists():
            generated[name] = path.read_text().strip()
            continue
        value = (
            base64.b64encode(secrets.token_bytes(32)).decode()
            if name == "master_key"
            else secrets.token_urlsafe(48)
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
        log.warning(
            "Generated %s in %s (development only; set %s%s in production)",
            name,
            path,
            ENV_PREFIX,
            name.upper(),
        )
        generated[name] = value
    return dataclasses.replace(settings, **generated)
