"""The wheel installs and works on its own: built from this repository, installed into a fresh virtual
environment, its `site-builder` creates a desk with `new`, builds it, and the output holds none of the
example desk's words.

No network and no package index are needed. The wheel is built with the backend of the test run's
environment (hatchling is a dev dependency) without build isolation. The fresh environment's
site-packages holds only the wheel; the dependencies (jinja2, markdown-it-py, Pagefind's binary, ...)
come from the test run's environment through a path file, which adds that folder to `sys.path` after the
fresh one. Path files found in that folder are not processed, so the editable install of the repository
it holds does not apply: `site_builder` is imported from the wheel, which the test checks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from example_desk import REPO, example_desk_words, found_in

pytestmark = pytest.mark.wheel


def run(*args: str | Path, cwd: Path) -> str:
    """Run a command outside the repository with a clean Python path; its stdout, or a failure with its output."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def tracked_package_files() -> set[str]:
    listed = subprocess.run(["git", "ls-files", "site_builder"], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.split()
    return set(listed)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet",
        "--wheel-dir", out, REPO, cwd=out)
    (found,) = out.glob("site_builder-*.whl")
    return found


def test_the_wheel_holds_the_whole_package_with_its_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(tracked_package_files() - names)
    assert missing == []
    for data in ("site_builder/themes/briefing/templates/base.html", "site_builder/themes/briefing/static/js/search.js",
                 "site_builder/themes/strings/en.yaml", "site_builder/themes/strings/ko.yaml",
                 "site_builder/starter/config.yaml", "site_builder/rules/ingest.yaml"):
        assert data in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_installed_command_creates_and_builds_a_desk_of_its_own(wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "env"
    run(sys.executable, "-m", "venv", env, cwd=tmp_path)
    python = env / "bin" / "python"
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel, cwd=tmp_path)
    fresh = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (fresh / "test-run-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    imported = run(python, "-c", "import site_builder; print(site_builder.__file__)", cwd=tmp_path)
    assert Path(imported.strip()).is_relative_to(env)  # the wheel's copy, not the repository's

    command = env / "bin" / "site-builder"
    assert run(command, "--version", cwd=tmp_path).strip() == "site-builder 0.1.0"
    desk = tmp_path / "mydesk"
    run(command, "new", desk, cwd=tmp_path)
    run(command, "build", desk, cwd=tmp_path)
    public = desk / "public"
    assert (public / "index.html").is_file() and (public / "search/index.html").is_file()
    assert (public / "pagefind").is_dir()  # the search index, from the installed Pagefind
    assert found_in(public, example_desk_words()) == []
