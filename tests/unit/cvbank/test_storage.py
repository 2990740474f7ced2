from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from cvbank.storage import KeyDestroyed, LocalStorage, Sealer


def test_local_storage_round_trips_and_deletes(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    ref = storage.put(b"hello")
    assert storage.get(ref) == b"hello"
    storage.delete(ref)
    storage.delete(ref)  # deleting twice is fine
    with pytest.raises(FileNotFoundError):
        storage.get(ref)


@pytest.mark.parametrize("ref", ["../../etc/passwd", "", "ab/../../x", "Z" * 32])
def test_local_storage_refuses_refs_it_did_not_make(tmp_path: Path, ref: str) -> None:
    with pytest.raises(ValueError, match="not a storage reference"):
        LocalStorage(tmp_path).get(ref)


def test_sealed_data_opens_only_with_the_owners_key() -> None:
    sealer = Sealer(b"k" * 32)
    alice, bob = uuid.uuid4(), uuid.uuid4()
    alice_key, bob_key = sealer.new_wrapped_key(alice), sealer.new_wrapped_key(bob)
    sealed = sealer.seal(alice, alice_key, b"my cv")
    assert b"my cv" not in sealed
    assert sealer.open(alice, alice_key, sealed) == b"my cv"
    with pytest.raises(KeyDestroyed):
        sealer.open(bob, bob_key, sealed)
    with pytest.raises(KeyDestroyed):
        sealer.open(alice, bob_key, sealed)


def test_without_the_data_key_nothing_opens() -> None:
    sealer = Sealer(b"k" * 32)
    user = uuid.uuid4()
    sealed = sealer.seal(user, sealer.new_wrapped_key(user), b"my cv")
    with pytest.raises(KeyDestroyed):
        sealer.open(user, None, sealed)


def test_another_master_key_cannot_unwrap_data_keys() -> None:
    user = uuid.uuid4()
    wrapped = Sealer(b"k" * 32).new_wrapped_key(user)
    with pytest.raises(KeyDestroyed):
        Sealer(b"x" * 32).seal(user, wrapped, b"data")
