"""Buffered cache entries past the spill size wait on disk, not in memory, and still land only on save()."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.incremental import store as cache_module
from site_builder.incremental.store import DiskStore


@pytest.fixture(autouse=True)
def small_spill(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "SPILL_BYTES", 200)


def _fill(cache: DiskStore, count: int, tag: str = "") -> None:
    for n in range(count):
        cache.put(f"k{n}".encode(), f"{tag}value {n} " * 10)


def test_spilled_entries_are_readable_before_and_after_save(tmp_path: Path) -> None:
    cache = DiskStore.open(tmp_path)
    _fill(cache, 50)
    assert cache._spilled and len(cache._pending) < 50  # most went to disk
    assert cache.get(b"k0") == "value 0 " * 10
    assert cache.get_many([b"k1", b"k49", b"nope"]) == {b"k1": "value 1 " * 10, b"k49": "value 49 " * 10}
    cache.save()
    cache.close()
    again = DiskStore.open(tmp_path)
    assert again.get_many([f"k{n}".encode() for n in range(50)]) == {
        f"k{n}".encode(): f"value {n} " * 10 for n in range(50)}


def test_the_newest_value_of_a_key_wins(tmp_path: Path) -> None:
    cache = DiskStore.open(tmp_path)
    _fill(cache, 20, "old ")
    _fill(cache, 3, "new ")  # k0..k2 again, some of the old ones already spilled
    assert cache.get(b"k0") == "new value 0 " * 10
    cache.save(prune=True)
    cache.close()
    again = DiskStore.open(tmp_path)
    assert again.get(b"k0") == "new value 0 " * 10
    assert again.get(b"k19") == "old value 19 " * 10


def _saved(tmp_path: Path, key: bytes) -> None:
    first = DiskStore.open(tmp_path)
    first.put(key, key.decode())
    first.save()
    first.close()


def test_a_build_that_never_saves_leaves_the_cache_as_it_was(tmp_path: Path) -> None:
    _saved(tmp_path, b"kept")
    failed = DiskStore.open(tmp_path)
    _fill(failed, 50)
    failed.close()  # a failed build closes without save()
    after = DiskStore.open(tmp_path)
    assert after.get(b"kept") == "kept"
    assert after.get(b"k0") is None


def test_prune_keeps_spilled_entries_the_build_used(tmp_path: Path) -> None:
    _saved(tmp_path, b"stale")
    second = DiskStore.open(tmp_path)
    _fill(second, 30)
    second.save(prune=True)
    second.close()
    third = DiskStore.open(tmp_path)
    assert third.get(b"stale") is None
    assert third.get(b"k29") == "value 29 " * 10
