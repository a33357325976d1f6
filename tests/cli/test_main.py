"""The command line: commands, exit codes 0/1/2, messages on stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SiteFactory, briefing

from site_builder.cli.main import main


def test_new_then_build_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "desk"
    assert main(["new", str(site)]) == 0
    assert (site / "config.yaml").is_file() and (site / "templates").is_dir()
    assert main(["build", str(site)]) == 0
    assert (site / "public/index.html").is_file()
    assert "built" in capsys.readouterr().err
    assert main(["check", str(site)]) == 0
    assert main(["-q", "build", str(site), "-o", str(tmp_path / "out"), "--base-url", "https://x.org/a/"]) == 0
    assert "https://x.org/a/" in (tmp_path / "out/sitemap.xml").read_text()


def test_new_refuses_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file.txt").write_text("x")
    assert main(["new", str(tmp_path)]) == 2
    assert "is not an empty folder" in capsys.readouterr().err


def test_content_errors_exit_1_with_count(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/briefings/a.md": "---\ndate: 2023-01-01\n---\n",
                      "content/briefings/b.md": briefing(actors="[nobody]")})
    assert main(["build", str(site)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "content/briefings/a.md:2:1: error: front matter is missing required field 'title' (add 'title: ...')",
        "content/briefings/b.md:4: error: unknown actor 'nobody' in 'actors' "
        "(add an actor file content/actors/<id>.yaml)",
        "2 errors; nothing was written",
    ]
    assert not (site / "public").exists()
    assert main(["check", str(site)]) == 1


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([]) == 2
    with pytest.raises(SystemExit) as info:
        main(["build", "--no-such-flag"])
    assert info.value.code == 2
    capsys.readouterr()
    for jobs in ("0", "two"):
        with pytest.raises(SystemExit) as info:
            main(["build", "--jobs", jobs])
        assert info.value.code == 2 and "expected a whole number of at least 1" in capsys.readouterr().err


def test_module_entry_point(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "site_builder", "--version"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and result.stdout.startswith("site-builder ")
