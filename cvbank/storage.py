"""File storage behind an interface, and sealing of personal data with per-user keys.

Every user has a random data key, stored only wrapped (AES-GCM) by the master key from the
settings. Original files, extracted text and profiles are sealed with the owner's data key, so
destroying the key at erasure makes every copy of them — backups included — unreadable.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
import uuid
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

NONCE_BYTES = 12


class FileStorage(Protocol):
    """Where sealed files live: a local directory here, S3-compatible storage elsewhere."""

    def put(self, data: bytes) -> str:
        """Store ``data`` under a new generated name and return that name."""

    def get(self, ref: str) -> bytes:
        """Return the bytes stored under ``ref``; raise ``FileNotFoundError`` if gone."""

    def delete(self, ref: str) -> None:
        """Remove ``ref``; a missing file is not an error."""


class LocalStorage:
    """Files in a directory outside any web root, under generated names."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, ref: str) -> Path:
        # Refs are generated here (uuid hex with a two-character fan-out); refuse anything else
        # so that a ref read back from the database can never walk out of the root.
        name = ref.replace("/", "")
        if len(name) != 32 or not all(c in "0123456789abcdef" for c in name):
            raise ValueError(f"not a storage reference: {ref!r}")
        return self.root / name[:2] / name

    def put(self, data: bytes) -> str:
        ref = uuid.uuid4().hex
        path = self._path(ref)
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return ref

    def get(self, ref: str) -> bytes:
        return self._path(ref).read_bytes()

    def delete(self, ref: str) -> None:
        self._path(ref).unlink(missing_ok=True)


def decode_master_key(value: str) -> bytes | None:
    """Decode the base64 master key; an empty value means "generate one" (development)."""
    if not value:
        return None
    try:
        key = base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError("must be base64") from exc
    if len(key) != 32:
        raise ValueError("must decode to 32 bytes (openssl rand -base64 32)")
    return key


class KeyDestroyed(Exception):
    """The data key is gone: the sealed data cannot be read any more."""


class Sealer:
    """Wrap per-user data keys with the master key and seal data with them."""

    def __init__(self, master_key: bytes) -> None:
        self._master = AESGCM(master_key)

    def new_wrapped_key(self, user_id: uuid.UUID) -> bytes:
        """Make a data key for ``user_id`` and return it wrapped."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._master.encrypt(nonce, secrets.token_bytes(32), user_id.bytes)

    def _unwrap(self, user_id: uuid.UUID, wrapped: bytes | None) -> AESGCM:
        if wrapped is None:
            raise KeyDestroyed(f"no data key for user {user_id}")
        try:
            key = self._master.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], user_id.bytes)
        except InvalidTag as exc:
            raise KeyDestroyed(f"data key of user {user_id} does not unwrap") from exc
        return AESGCM(key)

    def seal(self, user_id: uuid.UUID, wrapped: bytes | None, data: bytes) -> bytes:
        """Encrypt ``data`` with the user's data key."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._unwrap(user_id, wrapped).encrypt(nonce, data, user_id.bytes)

    def open(self, user_id: uuid.UUID, wrapped: bytes | None, sealed: bytes) -> bytes:
        """Decrypt what ``seal`` produced for the same user."""
        try:
            return self._unwrap(user_id, wrapped).decrypt(
                sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], user_id.bytes
            )
        except InvalidTag as exc:
            raise KeyDestroyed(f"sealed data of user {user_id} does not open") from exc
