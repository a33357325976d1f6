"""The template environment is safe by default and reports template errors with their file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.core.errors import TemplateFailure
from site_builder.render.templates import Templates, available_themes


def test_builtin_theme_exists() -> None:
    assert "briefing" in available_themes()


def make(tmp_path: Path, files: dict[str, str]) -> Templates:
    for rel, text in files.items():
        (tmp_path / "templates" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "templates" / rel).write_text(text)
    return Templates(tmp_path, "briefing")


def test_autoescape_and_strict_undefined(tmp_path: Path) -> None:
    t = make(tmp_path, {"x.html": "{{ value }}", "y.html": "{{ missing }}", "z.xml": "<a>{{ value }}</a>"})
    assert t.render("x.html", {"value": "<script>"}) == "&lt;script&gt;"
    assert t.render("z.xml", {"value": "a & b"}) == "<a>a &amp; b</a>"
    with pytest.raises(TemplateFailure) as info:
        t.render("y.html", {})
    assert info.value.diagnostics[0].format().startswith("templates/y.html:1: error: template error: 'missing'")


def test_syntax_error_location(tmp_path: Path) -> None:
    t = make(tmp_path, {"bad.html": "ok\n{% if %}\n"})
    with pytest.raises(TemplateFailure) as info:
        t.render("bad.html", {})
    assert info.value.diagnostics[0].format().startswith("templates/bad.html:2: error: template syntax error")


def test_error_in_included_theme_template_names_the_override(tmp_path: Path) -> None:
    t = make(tmp_path, {"page.html": "line1\n{% include 'inc.html' %}\n", "inc.html": "a\nb\n{{ 1 // 0 }}\n"})
    with pytest.raises(TemplateFailure) as info:
        t.render("page.html", {})
    assert info.value.diagnostics[0].format().startswith(
        "templates/inc.html:3: error: template error: ZeroDivisionError")


def test_missing_template(tmp_path: Path) -> None:
    with pytest.raises(TemplateFailure) as info:
        make(tmp_path, {}).render("nope.html", {})
    assert "template 'nope.html' not found" in info.value.diagnostics[0].format()
