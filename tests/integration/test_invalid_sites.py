"""Broken and awkward sites: every bad input fails with exact `file:line` messages and writes nothing.

Each folder under `tests/fixtures/invalid/<case>/` is a complete small site plus `expected.txt`,
the exact stderr that `site-builder build` (and `site-builder check`) must print: one
`path:line:col: error: message (hint)` line per problem, sorted, then the count line. Paths are
relative to the site folder, so the text is the same from any working directory.

Each folder under `tests/fixtures/valid/<case>/` is a site that must build: BOM, CRLF, editor
litter, non-markdown files among briefings, and hostile text that must come out inert.

Refreshing the expected messages after an intended wording change:

    UPDATE_EXPECTED=1 .venv/bin/pytest tests/integration/test_invalid_sites.py

rewrites `expected.txt` of every invalid case from the actual output. Cases marked xfail are
skipped in that mode: their `expected.txt` is written by hand and says what the code *should*
print. Read every rewritten file before committing it: each line must name the right file and
the line where the problem is, and tell the user what to do.
"""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.cli.main import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
UPDATE_EXPECTED = os.environ.get("UPDATE_EXPECTED") == "1"

# Cases whose output is wrong today; expected.txt holds the message the code should print.
XFAIL: dict[str, str] = {}


def _case_names(kind: str) -> list[str]:
    return sorted(p.name for p in (FIXTURES / kind).iterdir() if p.is_dir())


def _params(kind: str) -> list[object]:
    params = []
    for name in _case_names(kind):
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[name])] if name in XFAIL else []
        params.append(pytest.param(name, id=name, marks=marks))
    return params


def _copy_site(kind: str, case: str, dest: Path) -> Path:
    # symlinks=True: the editor-litter case holds a dangling Emacs lock symlink, as editors leave them.
    shutil.copytree(FIXTURES / kind / case, dest, symlinks=True, ignore=shutil.ignore_patterns("expected.txt"))
    return dest


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below a folder (hidden ones too): relative path -> (bytes, mtime in ns)."""
    out = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                out[rel] = (os.readlink(path).encode(), 0)
            else:
                out[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


def _assert_unchanged(before: dict[str, tuple[bytes, int]], folder: Path) -> None:
    after = _snapshot(folder)
    assert sorted(after) == sorted(before), "files were added or removed"
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}, "bytes changed"
    assert {k: v[1] for k, v in after.items()} == {k: v[1] for k, v in before.items()}, "files were rewritten"


@pytest.fixture(scope="module")
def prior_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding a good build of the starter site plus files a user put there."""
    base = tmp_path_factory.mktemp("prior")
    starter, out = base / "starter", base / "public"
    assert main(["-q", "new", str(starter)]) == 0
    assert main(["-q", "build", str(starter), "-o", str(out)]) == 0
    (out / "keep-me.txt").write_text("put here by hand, not by site-builder\n", encoding="utf-8")
    (out / "briefings" / "older-briefing").mkdir(parents=True)
    (out / "briefings" / "older-briefing" / "index.html").write_bytes(b"<!doctype html><title>older</title>\n")
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_bytes(b"Contact: mailto:desk@example.org\n")
    assert (out / "index.html").is_file() and (out / "briefings" / "first-briefing" / "index.html").is_file()
    return out


def _expected(case: str) -> Path:
    return FIXTURES / "invalid" / case / "expected.txt"


@pytest.mark.parametrize("case", _params("invalid"))
def test_invalid_site_fails_and_writes_nothing(
    case: str, tmp_path: Path, prior_output: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest,
) -> None:
    site = _copy_site("invalid", case, tmp_path / "site")
    out = tmp_path / "public"
    shutil.copytree(prior_output, out)
    out_before, site_before = _snapshot(out), _snapshot(site)
    elsewhere = tmp_path / "elsewhere"  # an unrelated, empty working directory
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()

    code = main(["build", str(site), "-o", str(out)])
    captured = capsys.readouterr()

    if UPDATE_EXPECTED:
        if request.node.get_closest_marker("xfail"):
            pytest.skip("expected.txt of an xfail case is hand-written; not rewritten")
        _expected(case).write_text(captured.err, encoding="utf-8")
    assert code == 1, captured.err
    assert captured.out == ""
    assert captured.err == _expected(case).read_text(encoding="utf-8")
    _assert_unchanged(out_before, out)
    _assert_unchanged(site_before, site)
    # Nothing lands in the working directory either (e.g. a !!python/object payload running `touch`).
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("case", _params("invalid"))
def test_invalid_site_check_reports_the_same(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _copy_site("invalid", case, tmp_path / "site")
    before = _snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)  # a relative SITE argument must give the same site-relative paths
    capsys.readouterr()

    code = main(["check", "site"])
    captured = capsys.readouterr()

    assert code == 1, captured.err
    assert captured.err == _expected(case).read_text(encoding="utf-8")
    _assert_unchanged(before, tmp_path)
    assert site.is_dir()


# ---------------------------------------------------------------------------------------------
# Sites that must build


class _Html(HTMLParser):
    """Collects start tags with their attributes, the text of <h1> and of <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.h1: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "h1":
            self.h1.append("")
            self._open = "h1"
        elif tag == "script":
            self.scripts.append((dict(attrs), ""))
            self._open = "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "h1":
            self.h1[-1] += data
        elif self._open == "script":
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def _parse(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    parser.close()
    return parser


BRIEFING = "briefings/missile-test/index.html"
TITLE = "North Korea tests a missile"
_URL_ATTRS = {"href", "src", "action", "formaction", "poster", "cite", "background", "xlink:href", "data"}
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data):")
_BAD_HREF_TEXT = re.compile(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):""", re.IGNORECASE)


def _texts(out: Path, *suffixes: str) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(out.rglob("*")) if p.is_file() and p.suffix in suffixes}


def _briefing_slugs(out: Path) -> set[str]:
    return {p.parent.name for p in (out / "briefings").glob("*/index.html")}


def _assert_inert_html(where: str, html: str) -> None:
    """No event-handler attribute, no script-capable URL and no inline script but JSON-LD."""
    assert "<script>alert" not in html.lower(), where
    assert not _BAD_HREF_TEXT.search(html), where
    parsed = _parse(html)
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), f"{where}: <{tag} {name}={value!r}>"
            if name in _URL_ATTRS and value is not None:
                cleaned = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
                assert not _BAD_SCHEME.match(cleaned), f"{where}: <{tag} {name}={value!r}>"
    for attrs, text in parsed.scripts:
        assert attrs.get("src") or attrs.get("type") == "application/ld+json", f"{where}: inline script {text!r}"
        assert "<" not in text, f"{where}: markup inside a script element: {text!r}"


def _check_hostile(out: Path) -> None:
    pages = _texts(out, ".html")
    for rel, html in pages.items():
        _assert_inert_html(rel, html)
    # Feed entries carry HTML as escaped text: check it once unescaped, as a feed reader would.
    for rel, xml in _texts(out, ".xml").items():
        assert "<script>alert" not in xml.lower(), rel
        assert not _BAD_HREF_TEXT.search(xml), rel
        for element in ET.fromstring(xml).iter():
            if element.get("type") == "html" and element.text:
                _assert_inert_html(f"{rel} <{element.tag}>", element.text)
    page = pages[BRIEFING]
    # Template syntax in any field is printed as written, never evaluated: T(itle), S(ummary),
    # K(ey point), R (source title), P(ublisher), D(ateline), A(gency), B(ody).
    for marker in "TSKRPDAB":
        assert f"{marker}{{{{ 7*7 }}}} {{% raw %}}" in page, f"{marker} field missing or not literal"
    everything = "\n".join([*pages.values(), *_texts(out, ".xml", ".json", ".txt").values()])
    for marker in "TSKRPDAB":
        assert f"{marker}49" not in everything, f"{marker} field was evaluated as a template"
    # The visible text keeps what the author wrote, escaped rather than dropped.
    h1 = _parse(page).h1
    assert h1 == ["T{{ 7*7 }} {% raw %} <script>alert(1)</script> <img src=x onerror=alert(1)>"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://example.org/"' in page  # the one safe body link survives


def _check_bom(out: Path) -> None:
    page = (out / BRIEFING).read_text(encoding="utf-8")
    assert _parse(page).h1 == [TITLE]
    assert "Fixture desk" in page  # config.yaml with a BOM is read too
    for rel, text in _texts(out, ".html", ".xml", ".json").items():
        assert "\ufeff" not in text, rel
    assert _parse((out / "actors/north-korea/index.html").read_text(encoding="utf-8")).h1 == ["North Korea"]


def _check_crlf(out: Path) -> None:
    page = (out / BRIEFING).read_text(encoding="utf-8")
    assert _parse(page).h1 == [TITLE]
    assert "Pyongyang fired a ballistic missile into the sea." in page
    assert 'data-actor="kim-yo-jong"' in page  # mentions still match across CRLF text
    for rel, text in _texts(out, ".html", ".xml", ".json").items():
        assert "\r" not in text, rel
    assert (out / "actors/kim-yo-jong/index.html").is_file()


def _check_editor_litter(out: Path) -> None:
    assert _briefing_slugs(out) == {"missile-test"}
    assert _parse((out / BRIEFING).read_text(encoding="utf-8")).h1 == [TITLE]
    actors = {p.parent.name for p in (out / "actors").glob("*/index.html")}
    assert actors == {"kim-jong-un", "kim-yo-jong", "north-korea", "workers-party-of-korea"}
    for rel, text in _texts(out, ".html", ".xml", ".json").items():
        assert "OLD BACKUP" not in text, rel


def _check_non_markdown(out: Path) -> None:
    assert _briefing_slugs(out) == {"missile-test"}
    names = {p.name for p in out.rglob("*")}
    assert not names & {"notes", "notes.txt", "launch-site", "photo", "2023-02-01-missile-test.md"}


VALID_CHECKS: dict[str, Callable[[Path], None]] = {
    "crlf-line-endings": _check_crlf,
    "editor-and-hidden-files": _check_editor_litter,
    "hostile-content": _check_hostile,
    "non-markdown-in-briefings": _check_non_markdown,
    "utf8-bom": _check_bom,
}

# `check` also checks every link: what is left of the hostile briefing's links is inert and points
# nowhere (a percent-encoded "java\tscript:" is a relative path; the source URL is under base_url
# but names no page), so the checker must report exactly those.
CHECK_BROKEN = {
    "hostile-content": ["broken link to java%09script:alert(1) (no such file)",
                        "broken link to https://example.org/report?a=1&b=<script> (no such file)"],
}


def test_every_valid_case_has_its_checks() -> None:
    assert sorted(VALID_CHECKS) == _case_names("valid")


@pytest.mark.parametrize("case", _params("valid"))
def test_valid_site_builds(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _copy_site("valid", case, tmp_path / "site")
    site_before = _snapshot(site)
    out = tmp_path / "public"
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()

    assert main(["build", str(site), "-o", str(out)]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "error" not in err, err
    code = main(["check", str(site)])
    err = capsys.readouterr().err
    expected = CHECK_BROKEN.get(case, [])
    assert [line.split(": error: ", 1)[1] for line in err.splitlines() if ": error: " in line] == expected, err
    assert code == (1 if expected else 0), err
    # The build cache is the one thing a build adds to the site folder, and only under .cache/.
    assert {p.name for p in (site / ".cache").iterdir()} == {"site-builder.sqlite"}
    shutil.rmtree(site / ".cache")
    _assert_unchanged(site_before, site)
    VALID_CHECKS[case](out)
