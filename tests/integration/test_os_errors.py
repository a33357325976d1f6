"""Operating-system errors are one line naming the path and what to do, never a traceback, and the
previous output stays as it was."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from conftest import DESK_ACTOR_FILES, SiteFactory, briefing, read_tree

from site_builder.cli.main import main
from site_builder.core import output_writer

FILES = {**DESK_ACTOR_FILES,
         "content/briefings/2023-01-29-a.md": briefing("Denial", "2023-01-29", "Pyongyang denied it."),
         "content/briefings/2023-02-01-b.md": briefing("Launch", "2023-02-01", "Kim Jong Un watched.")}


@pytest.fixture
def built(make_site: SiteFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = make_site(dict(FILES))
    monkeypatch.chdir(site)
    assert main(["build", ".", "--no-cache", "-q"]) == 0
    (site / "content/briefings/2023-02-01-b.md").write_text(briefing("Launch", "2023-02-01", "Edited."))
    return site


def last_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()


@pytest.mark.parametrize(("code", "reason", "hint"), [
    (errno.ENOSPC, "No space left on device", "free space on that disk, then run again"),
    (errno.EACCES, "Permission denied", "check that you may write there, or build into another folder with -o"),
    (errno.EROFS, "Read-only file system", "that file system is read-only: build into another folder with -o"),
])
def test_a_refused_write_is_one_line_and_the_output_stays(built: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch, code: int, reason: str,
                                                          hint: str) -> None:
    before = read_tree(built / "public")
    real_open = os.open

    def refusing(path: str, flags: int, mode: int = 0o777) -> int:
        if os.path.basename(path).startswith(output_writer.STAGED_PREFIX):
            raise OSError(code, os.strerror(code), path)
        return real_open(path, flags, mode)

    monkeypatch.setattr(output_writer.os, "open", refusing)
    assert main(["build", ".", "--no-cache"]) == 1
    lines = last_lines(capsys)
    assert lines[-1] == "1 error; nothing was written"
    assert lines[-2].startswith("public/") and output_writer.STAGED_PREFIX not in lines[-2]
    assert lines[-2].endswith(f": error: cannot write: {reason} ({hint})")
    assert read_tree(built / "public") == before


def test_a_file_where_an_output_folder_must_be(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(built / "public/actors")
    (built / "public/actors").write_text("in the way\n")
    assert main(["build", ".", "--no-cache"]) == 1
    lines = last_lines(capsys)
    assert lines[-2].startswith("public/actors") and "cannot write" in lines[-2]
    assert lines[-2].endswith("(a file stands where a folder must be: move or delete it)")
    assert (built / "public/actors").read_text() == "in the way\n"
    assert not list((built / "public").rglob(f"{output_writer.STAGED_PREFIX}*"))


def test_an_output_folder_inside_the_sources_is_refused(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", ".", "--no-cache", "-o", "content/site"]) == 2
    assert last_lines(capsys) == ["site-builder: error: the output folder content/site is inside content/; choose a "
                                  "folder outside the site's sources (output_dir in config.yaml, or -o)"]
    assert not (built / "content/site").exists()


def test_a_symlink_loop_in_content_is_one_error(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.symlink("loop.md", built / "content/briefings/loop.md")
    assert main(["build", ".", "--no-cache"]) == 1
    assert last_lines(capsys)[-2:] == [
        "content/briefings/loop.md: error: cannot read file: Too many levels of symbolic links",
        "1 error; nothing was written"]


def test_a_file_deleted_while_the_build_runs(built: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.build import site_build

    real = site_build.discover

    def vanishing(root: Path, output_dir: str = "public") -> object:
        found = real(root, output_dir)
        (root / "content/briefings/2023-01-29-a.md").unlink()  # after discovery, before reading
        return found

    monkeypatch.setattr(site_build, "discover", vanishing)
    assert main(["build", ".", "--no-cache"]) == 1
    assert last_lines(capsys)[-2:] == [
        "content/briefings/2023-01-29-a.md: error: cannot read file: No such file or directory",
        "1 error; nothing was written"]
