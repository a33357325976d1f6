"""Every page of the example desk, and of a new desk in Korean, is valid HTML5 according to the Nu HTML
checker (vnu.jar on Java)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions
from site_builder.cli.new import create_site

REPO = Path(__file__).resolve().parents[2]
VNU = REPO / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def assert_valid(site: Path, out: Path) -> None:
    """Build the site into `out` and check every page of it; skips without the checker."""
    java = shutil.which("java")
    if not VNU.is_file() or java is None:
        if os.environ.get("REQUIRE_HTML_CHECK") == "1":
            pytest.fail("REQUIRE_HTML_CHECK=1 but vnu.jar (npm install --prefix tools) or java is missing")
        pytest.skip("the Nu HTML checker is not installed (make test installs it with npm)")
    Builder(site, BuildOptions(out_dir=out, cache=False)).build()
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--skip-non-html", str(out)],
                            capture_output=True, text=True, timeout=600, check=False)
    pages = len(list(out.rglob("*.html")))
    print(f"\nNu HTML checker: {pages} pages, exit {result.returncode}")
    assert result.returncode == 0, result.stderr[:4000]


def test_example_desk_has_no_html_errors(tmp_path: Path) -> None:
    assert_valid(REPO, tmp_path / "public")


def test_a_new_desk_in_korean_has_no_html_errors(tmp_path: Path) -> None:
    site = tmp_path / "desk"
    create_site(site)
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: ko"), encoding="utf-8")
    assert "language: ko" in config.read_text(encoding="utf-8")
    assert_valid(site, tmp_path / "public")
