"""The long-lived parts one cvbank process needs, built once from the settings."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from cvbank.db import Database
from cvbank.mail import FileMailer, Mailer, SmtpMailer
from cvbank.settings import Settings
from cvbank.storage import FileStorage, LocalStorage, Sealer, decode_master_key
from indexer.search.base import SearchEngine

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Settings plus the database, storage, sealer, mailer and search engines they choose."""

    settings: Settings
    db: Database
    storage: FileStorage
    sealer: Sealer
    mailer: Mailer
    _engines: dict[bool, SearchEngine] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def search_engine(self, *, writer: bool = False) -> SearchEngine:
        """Return this process's engine; only the worker asks for the writer."""
        with self._lock:
            if writer not in self._engines:
                from indexer.search import create_engine

                self._engines[writer] = create_engine(
                    self.settings.search_engine, writer=writer, **self._engine_settings()
                )
            return self._engines[writer]

    def _engine_settings(self) -> dict[str, Any]:
        s = self.settings
        if s.search_engine == "embedded":
            return {"path": s.index_path}
        return {
            "url": s.elasticsearch_url,
            "index_prefix": s.elasticsearch_index_prefix,
            "username": s.elasticsearch_username or None,
            "password": s.elasticsearch_password or None,
            "ca_file": s.elasticsearch_ca_file or None,
        }

    def close(self) -> None:
        """Release the engines and the database pool."""
        with self._lock:
            for engine in self._engines.values():
                close = getattr(engine, "close", None)
                if close is not None:
                    close()
            self._engines.clear()
        self.db.dispose()


def build_runtime(settings: Settings) -> Runtime:
    """Build the runtime the settings describe."""
    master = decode_master_key(settings.master_key)
    if master is None:  # load_settings fills it outside production
        raise ValueError("master_key is not set")
    mailer: Mailer
    if settings.mail_backend == "smtp":
        mailer = SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            timeout=settings.smtp_timeout,
        )
    else:
        mailer = FileMailer(settings.mail_path)
    return Runtime(
        settings=settings,
        db=Database(settings.database_url),
        storage=LocalStorage(settings.storage_path),
        sealer=Sealer(master),
        mailer=mailer,
    )
