"""Writes are atomic, skip equal bytes, prune only what an earlier build wrote, never leave the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.writer import MANIFEST, write_if_changed, write_site


def test_write_if_changed_skips_equal_bytes(tmp_path: Path) -> None:
    target = tmp_path / "a" / "index.html"
    assert write_if_changed(target, b"one") is True
    mtime = target.stat().st_mtime_ns
    os.utime(target, ns=(mtime - 10**9, mtime - 10**9))
    assert write_if_changed(target, b"one") is False
    assert target.stat().st_mtime_ns == mtime - 10**9
    assert write_if_changed(target, b"two") is True and target.read_bytes() == b"two"
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".tmp-")]


def test_write_site_prunes_only_its_own_files(tmp_path: Path) -> None:
    (tmp_path / "CNAME").write_text("example.org")  # put there by the user, never ours
    first = write_site(tmp_path, {"index.html": b"home", "old/index.html": b"old"})
    assert first.written == ("index.html", "old/index.html")
    second = write_site(tmp_path, {"index.html": b"home", "new/index.html": b"new"})
    assert second.written == ("new/index.html",) and second.unchanged == 1
    assert second.removed == ("old/index.html",)
    assert not (tmp_path / "old").exists()
    assert (tmp_path / "CNAME").read_text() == "example.org"
    assert (tmp_path / MANIFEST).read_text().splitlines()[1:] == ["index.html", "new/index.html"]


def test_refuses_paths_outside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ValueError):
        write_site(out, {"../escape.html": b"x"})
    assert not (tmp_path / "escape.html").exists()


def test_manifest_entries_outside_are_never_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / MANIFEST).write_text("../victim.txt\n")
    write_site(out, {"index.html": b"x"})
    assert victim.read_text() == "keep"
