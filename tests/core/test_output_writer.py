"""Writes are atomic, skip equal bytes, prune only what an earlier build wrote, never leave the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.core.output_writer import MANIFEST, STAGED_PREFIX, MemorySink, Staging, write_if_changed, write_site


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


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_staged_files_are_invisible_until_commit(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.html": b"old home", "keep/index.html": b"same"})
    before = _files(tmp_path)
    staging = Staging(tmp_path)
    staging.add("index.html", b"new home")
    staging.add("keep/index.html", b"same")  # equal bytes are not staged
    staging.add("fresh/deep/index.html", b"new page")
    assert staging.unchanged == 1 and sorted(staging.staged) == ["fresh/deep/index.html", "index.html"]
    assert (tmp_path / "index.html").read_bytes() == b"old home"
    assert all(Path(tmp).name.startswith(STAGED_PREFIX) for tmp in staging.staged.values())
    report = staging.commit({"index.html", "keep/index.html", "fresh/deep/index.html"})
    assert report.written == ("fresh/deep/index.html", "index.html") and report.unchanged == 1
    assert _files(tmp_path)["fresh/deep/index.html"] == b"new page"
    assert not [p for p in tmp_path.rglob(STAGED_PREFIX + "*")]
    assert set(_files(tmp_path)) == set(before) | {"fresh/deep/index.html"}


def test_abort_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.html": b"old home"})
    before = _files(tmp_path)
    staging = Staging(tmp_path)
    staging.add("index.html", b"new home")
    staging.add("fresh/deep/index.html", b"new page")
    staging.abort()
    assert _files(tmp_path) == before
    assert not (tmp_path / "fresh").exists()  # folders made for staged files go too


def test_a_worker_sink_hands_over_names_not_bytes(tmp_path: Path) -> None:
    parent = Staging(tmp_path)
    worker = parent.fork()
    worker.add("a/index.html", b"from a worker")
    exported = worker.export()
    assert b"from a worker" not in repr(exported).encode()
    parent.absorb(exported)
    parent.commit({"a/index.html"})
    assert (tmp_path / "a" / "index.html").read_bytes() == b"from a worker"
    memory = MemorySink()
    child = memory.fork()
    child.add("x", b"1")
    memory.absorb(child.export())
    assert memory.files == {"x": b"1"}


@pytest.mark.parametrize("rel", ["../escape.html", "/abs.html", "a/../../escape.html", "a//b.html", "./x.html",
                                 "a\\..\\x.html"])
def test_staging_refuses_paths_that_are_not_plain(tmp_path: Path, rel: str) -> None:
    staging = Staging(tmp_path / "out")
    with pytest.raises(ValueError):
        staging.add(rel, b"x")
    staging.abort()
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


def test_staging_never_writes_through_a_folder_link_that_leads_out(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "linked").symlink_to(outside)
    staging = Staging(out)
    with pytest.raises(ValueError):
        staging.add("linked/index.html", b"x")
    staging.abort()
    assert list(outside.iterdir()) == []


def test_a_file_link_is_replaced_not_followed(tmp_path: Path) -> None:
    out, secret = tmp_path / "out", tmp_path / "secret.txt"
    out.mkdir()
    secret.write_bytes(b"same bytes")
    (out / "page.html").symlink_to(secret)
    staging = Staging(out)
    staging.add("page.html", b"same bytes")
    staging.commit({"page.html"})
    assert not (out / "page.html").is_symlink() and (out / "page.html").read_bytes() == b"same bytes"
    assert secret.read_bytes() == b"same bytes"


def test_a_new_output_folder_and_its_parents_go_again_on_abort(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "out"
    staging = Staging(out)
    staging.add("x/y/index.html", b"1")
    staging.add("x/z/index.html", b"2")
    staging.add("x/y/index.html", b"3")  # staged twice: the first staged file goes
    assert len(list((out / "x" / "y").iterdir())) == 1
    staging.abort()
    assert list(tmp_path.iterdir()) == []


def test_a_relative_output_folder_is_made_where_it_should_be(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    staging = Staging(Path("public"))
    staging.add("a/index.html", b"1")
    staging.commit({"a/index.html"})
    assert (tmp_path / "public" / "a" / "index.html").read_bytes() == b"1"
