"""URL policy: slugs, relative links from any page, safe hrefs, confined output paths."""

from __future__ import annotations

import html as html_lib
from pathlib import Path
from urllib.parse import urljoin

import pytest

from site_builder.core.urls import (
    absolute_links,
    absolute_url,
    destination,
    is_safe_href,
    is_valid_slug,
    output_file,
    relative_url,
    slug_from_filename,
    slugify,
    url_function,
)


@pytest.mark.parametrize(
    ("source", "target", "expected", "expected_files"),
    [
        ("", "actors/", "actors/", "actors/index.html"),
        ("", "", "./", "index.html"),
        ("briefings/x/", "actors/kim/", "../../actors/kim/", "../../actors/kim/index.html"),
        ("briefings/x/", "", "../../", "../../index.html"),
        ("briefings/x/", "css/site.css", "../../css/site.css", "../../css/site.css"),
        ("topics/t/page/2/", "topics/t/", "../../", "../../index.html"),
        ("archive/", "archive/2023/#2023-01", "2023/#2023-01", "2023/index.html#2023-01"),
    ],
)
def test_relative_url(source: str, target: str, expected: str, expected_files: str) -> None:
    assert relative_url(source, target) == expected
    assert relative_url(source, target, index_files=True) == expected_files


def test_slugify_keeps_letters_of_any_script() -> None:
    assert slugify("North Korea denies arms dealing") == "north-korea-denies-arms-dealing"
    assert slugify("Kim Yo-jong’s statement") == "kim-yo-jongs-statement"
    assert slugify("북한 미사일 발사") == "북한-미사일-발사"
    assert slugify("../../etc/passwd") == "etc-passwd"


def test_slug_from_filename_drops_date_prefix() -> None:
    assert slug_from_filename("content/briefings/2023-01-29-north-korea.md") == "north-korea"
    assert slug_from_filename("content/briefings/2023/notes.md") == "notes"


@pytest.mark.parametrize("slug", ["../x", "a/b", "A", "-a", "a-", "", "a b", "."])
def test_unsafe_slugs_are_invalid(slug: str) -> None:
    assert not is_valid_slug(slug)


@pytest.mark.parametrize(
    ("href", "safe"),
    [
        ("https://example.org", True), ("../a/", True), ("#fn1", True), ("mailto:a@b.c", True),
        ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("java\tscript:alert(1)", False),
        (" javascript:alert(1)", False), ("vbscript:msgbox", False), ("data:text/html;base64,xx", False),
        ("file:///etc/passwd", False),
    ],
)
def test_safe_href(href: str, safe: bool) -> None:
    assert is_safe_href(href) is safe


def test_destination_confined(tmp_path: Path) -> None:
    assert destination(tmp_path, "briefings/a/") == tmp_path / "briefings" / "a" / "index.html"
    for bad in ("../x/", "/etc/", "a/../../b/", "a\\b"):
        with pytest.raises(ValueError):
            destination(tmp_path, bad)


def test_absolute_url_keeps_sub_path() -> None:
    assert absolute_url("https://example.org/desk/", "actors/x/") == "https://example.org/desk/actors/x/"


_PAGES = ("", "briefings/", "briefings/a/", "briefings/page/2/", "actors/", "actors/x/", "actors/x/page/3/",
          "topics/t/", "topics/t/page/2/", "archive/2024/", "about/", "404.html", "feed.xml", "actors/x/feed.xml")
_TARGETS = ("", "briefings/", "briefings/a/", "briefings/b/", "actors/", "actors/x/", "actors/y/",
            "actors/x/page/2/", "actors/x/feed.xml", "topics/t/", "archive/", "archive/2024/#2024-05",
            "css/site.css", "css/site.css?v=1", "/img/a.jpg", "favicon.svg", "feed.xml", "#top",
            "https://example.org/x", "mailto:desk@example.org", "about/", "actors", "briefings/a/#section")


@pytest.mark.parametrize("index_files", [False, True])
@pytest.mark.parametrize("assets", [None, {"css/site.css": "css/site.0123abcd.css"}])
def test_url_function_agrees_with_the_general_rule(index_files: bool, assets: dict[str, str] | None) -> None:
    """Its short cut for links into another section gives what the folder-by-folder walk gives."""
    for page in _PAGES:
        url = url_function(page, "https://example.org/desk/", index_files, assets)
        for target in _TARGETS:
            expected = _expected(page, target, index_files, assets)
            assert url(target) == expected, (page, target)
            assert url(target) == expected  # and again, from its memory


def _expected(page: str, target: str, index_files: bool, assets: dict[str, str] | None) -> str:
    if target.startswith(("#", "https:", "mailto:")):
        return target
    target = target.lstrip("/")
    path = target.split("?")[0].split("#")[0]
    if assets and path in assets:
        target = assets[path] + target[len(path):]
    if page == "404.html":
        return "/desk/" + (output_file(target) if index_files else target)
    return relative_url(page, target, index_files)


_FEED_PAGES = ("https://ex.org/briefings/a/", "https://ex.org/desk/briefings/a/", "https://ex.org/", "https://ex.org/desk/",
               "https://ex.org/briefings/a/index.html", "http://localhost:8000/x/y/z/")
_BODY_LINKS = ("#fn1", "../../actors/x/", "../../../x", "../../../../x", "../x", "actors/x/", "x", "", "?q=1",
               "//cdn.example/x", "/abs", "./a", "../a/../b", "mailto:a@b", "https://o.org/x", "a/b/c.html#f",
               "../../actors/x/#a", "..", "../", "a?b=c", "a/./b", "../../actors/x/?a=1&b=2")


@pytest.mark.parametrize("page", _FEED_PAGES)
def test_feed_links_join_as_urljoin_does(page: str) -> None:
    """The short cut in absolute_links gives what urljoin gives, for every kind of link."""
    for target in _BODY_LINKS:
        html = f'<p><a href="{html_lib.escape(target)}">x</a> <img src="{html_lib.escape(target)}" alt=""></p>'
        want = html_lib.escape(urljoin(page, target), quote=True)
        assert absolute_links(html, page) == f'<p><a href="{want}">x</a> <img src="{want}" alt=""></p>', target
