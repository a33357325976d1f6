"""The link checker on small hand-written output trees: every rule, each message exact; then `site-builder check`."""

from __future__ import annotations

import http.server
import re
import socket
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import SiteFactory, briefing, write_site

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions
from site_builder.cli.main import main
from site_builder.publish.link_check import USER_AGENT, check_output
from site_builder.publish.link_scan import (
    META_URLS,
    NOT_DOCUMENTS,
    URL_ATTRS,
    Link,
    Parsed,
    css_links,
    parse_html,
    srcset_urls,
)

BASE = "https://example.org/desk/"
REPO = Path(__file__).resolve().parents[2]


def problems(out: Path, base: str = BASE, **options: object) -> list[str]:
    return [p.format() for p in check_output(out, base, **options).problems]  # type: ignore[arg-type]


def page(body: str, head: str = "") -> str:
    return f"<!doctype html>\n<html>\n<head>{head}</head>\n<body>\n{body}\n</body>\n</html>\n"


def test_links_that_resolve(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "index.html": page('<a href="a/">folder</a>\n<a href="a">folder without slash</a>\n'
                           '<a href="a/index.html">file</a>\n<a href="b%20c/d.html?x=1&amp;y=2">encoded, query</a>\n'
                           '<a href="/desk/a/">root-absolute</a>\n<a href="/desk">the site root</a>\n'
                           '<a href="https://example.org/desk/a/">absolute</a>\n<a href="./">here</a>\n'
                           '<a href="">empty</a>\n<a href="#">top</a>\n<a href="#top">top</a>\n'
                           '<a href="https://elsewhere.example/x">external, not checked</a>'),
        "a/index.html": page('<a href="../">up</a>\n<a href="..">up, bare</a>\n<a href="../b c/d.html">space</a>'),
        "b c/d.html": page('<a href="../a/./index.html">dot segment</a>'),
    }, config=None)
    assert problems(tmp_path) == []


def test_missing_files(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "index.html": page('<a href="missing/">a</a>\n<a href="a/nope.html">b</a>\n'
                           '<a href="/desk/gone/">c</a>\n<a href="https://example.org/desk/gone">d</a>\n'
                           '<a href="empty/">folder without index.html</a>'),
        "a/index.html": page(""),
        "empty/x.css": "",
    }, config=None)
    assert problems(tmp_path) == [
        "index.html:5: error: broken link to missing/ (no such file)",
        "index.html:6: error: broken link to a/nope.html (no such file)",
        "index.html:7: error: broken link to /desk/gone/ (no such file)",
        "index.html:8: error: broken link to https://example.org/desk/gone (no such file)",
        "index.html:9: error: broken link to empty/ (no such file)",
    ]


def test_anchors(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "index.html": page('<h2 id="here">x</h2>\n<a href="#here">ok</a>\n<a href="#nowhere">bad</a>\n'
                           '<a href="a/#named">name</a>\n<a href="a/#sec%C3%A9">encoded id</a>\n'
                           '<a href="a/index.html#missing">bad</a>\n<a href="/desk/#here">ok</a>\n'
                           '<a href="style.css#x">not a page: not checked</a>'),
        "a/index.html": page('<a name="named"></a>\n<section id="secé"></section>'),
        "style.css": "",
    }, config=None)
    assert problems(tmp_path) == [
        "index.html:7: error: broken link to #nowhere (no such anchor)",
        "index.html:10: error: broken link to a/index.html#missing (no such anchor)",
    ]


def test_outside_the_site(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "index.html": page('<a href="/other/">root-absolute outside /desk/</a>\n<a href="../x/">climbs out</a>\n'
                           '<img src="/logo.png" alt="">\n<a href="https://example.org/other/">absolute: external</a>'),
    }, config=None)
    assert problems(tmp_path) == [
        "index.html:5: error: broken link to /other/ (outside the site)",
        "index.html:6: error: broken link to ../x/ (outside the site)",
        "index.html:7: error: broken link to /logo.png (outside the site)",
    ]


def test_base_url_at_the_domain_root(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.html": page('<a href="/a/">a</a>\n<a href="/b/">b</a>'), "a/index.html": ""},
               config=None)
    assert problems(tmp_path, "https://example.org/") == [
        "index.html:6: error: broken link to /b/ (no such file)",
    ]


def test_schemes(tmp_path: Path) -> None:
    write_site(tmp_path, {
        "index.html": page('<a href="javascript:alert(1)">x</a>\n<a href=" JavaScript:void(0)">y</a>\n'
                           '<a href="java&#9;script:alert(1)">tab</a>\n'
                           '<a href="mailto:desk@example.org">m</a>\n<a href="tel:+82">t</a>\n'
                           '<img src="data:image/png;base64,AAAA" alt="">\n<a href="ftp://example.org/x">f</a>'),
    }, config=None)
    assert problems(tmp_path) == [
        "index.html:5: error: broken link to javascript:alert(1) (javascript: URL)",
        "index.html:6: error: broken link to  JavaScript:void(0) (javascript: URL)",
        "index.html:7: error: broken link to java\tscript:alert(1) (javascript: URL)",
    ]


def test_every_kind_of_url_attribute(tmp_path: Path) -> None:
    head = ('\n<link rel="stylesheet" href="no.css">\n<link rel="preconnect" href="/not-a-document/">\n'
            '<script src="no.js"></script>\n<meta property="og:url" content="https://example.org/desk/no/">\n'
            '<meta property="og:image" content="no-og.png">\n<meta name="twitter:image" content="no-tw.png">\n'
            '<meta name="description" content="/not/a/url">\n')
    body = ('<img src="no.png" srcset="ok.png 1x, no-2x.png 2x, data:image/png;base64,AAAA 3x" alt="">\n'
            '<picture><source srcset="no-a.webp 100w,ok.png 200w"><img src="ok.png" alt=""></picture>\n'
            '<iframe src="no-frame.html"></iframe>\n<video src="no.mp4" poster="no-poster.png">'
            '<source src="no-source.webm"><track src="no.vtt"></video>\n<audio src="no.mp3"></audio>\n'
            '<form action="no-search/"></form>')
    write_site(tmp_path, {"index.html": page(body, head), "ok.png": b""}, config=None)
    found = problems(tmp_path)
    assert found == [
        "index.html:4: error: broken link to no.css (no such file)",
        "index.html:6: error: broken link to no.js (no such file)",
        "index.html:7: error: broken link to https://example.org/desk/no/ (no such file)",
        "index.html:8: error: broken link to no-og.png (no such file)",
        "index.html:9: error: broken link to no-tw.png (no such file)",
        "index.html:13: error: broken link to no-2x.png (no such file)",
        "index.html:13: error: broken link to no.png (no such file)",
        "index.html:14: error: broken link to no-a.webp (no such file)",
        "index.html:15: error: broken link to no-frame.html (no such file)",
        "index.html:16: error: broken link to no-poster.png (no such file)",
        "index.html:16: error: broken link to no-source.webm (no such file)",
        "index.html:16: error: broken link to no.mp4 (no such file)",
        "index.html:16: error: broken link to no.vtt (no such file)",
        "index.html:17: error: broken link to no.mp3 (no such file)",
        "index.html:18: error: broken link to no-search/ (no such file)",
    ]


def test_comments_scripts_and_quoting(tmp_path: Path) -> None:
    body = ("<!-- <a href=\"commented-out/\">x</a> -->\n"
            "<script>const s = '<a href=\"in-script/\">';</script><SCRIPT>'<a href=\"x/\">'</Script>\n"
            "<a title='a > b' href='single/'>q</a>\n<a href=bare/>u</a>\n<A HREF=\"upper/\">U</A>\n"
            "<a\n  class=\"x\"\n  href=\"multi-line/\">m</a>\n<div ID=\"x\" data-href=\"not-a-link/\"></div>\n"
            "<a href=\"#x\">upper-case ID</a>")
    write_site(tmp_path, {"index.html": page(body)}, config=None)
    assert problems(tmp_path) == [
        "index.html:7: error: broken link to single/ (no such file)",
        "index.html:8: error: broken link to bare/ (no such file)",
        "index.html:9: error: broken link to upper/ (no such file)",
        "index.html:10: error: broken link to multi-line/ (no such file)",
    ]


def test_css_urls(tmp_path: Path) -> None:
    css = ('/* url("commented.png") */\nbody { background: url(img/ok.png); }\n'
           '.a { background: url( "img/no.png" ) }\n.b { mask: url(\'#clip\') }\n'
           '@font-face { src: url(data:font/woff2;base64,AAAA) }\n.c { background: url(/desk/img/ok.png) }\n')
    write_site(tmp_path, {
        "css/site.css": css, "css/img/ok.png": b"", "img/ok.png": b"",
        "index.html": page('<p style="background: url(gone.png)">x</p>\n<style>\n.x { background: url(img/ok.png) }\n'
                           '.y { background: url("style-gone.png") }\n</style>'),
    }, config=None)
    assert problems(tmp_path) == [
        "css/site.css:3: error: broken link to img/no.png (no such file)",
        "index.html:5: error: broken link to gone.png (no such file)",
        "index.html:8: error: broken link to style-gone.png (no such file)",
    ]


def test_feeds_and_sitemaps(tmp_path: Path) -> None:
    feed = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            '  <link rel="self" href="https://example.org/desk/feed.xml"/>\n'
            '  <link rel="alternate" href="https://example.org/desk/gone/"/>\n'
            '  <entry><link href="https://example.org/desk/"/>'
            '<content type="html">&lt;a href="not-parsed/"&gt;x&lt;/a&gt;</content></entry>\n</feed>\n')
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
               '<url><loc>https://example.org/desk/</loc></url>\n<url>\n  <loc>\n    https://example.org/desk/x/\n'
               '  </loc>\n</url>\n</urlset>\n')
    write_site(tmp_path, {"index.html": page(""), "feed.xml": feed, "sitemap.xml": sitemap,
                          "topics/t/feed.xml": "<feed>\n<link href='../../'>\n</feed>\n"}, config=None)
    assert problems(tmp_path) == [
        "feed.xml:4: error: broken link to https://example.org/desk/gone/ (no such file)",
        "sitemap.xml:5: error: broken link to https://example.org/desk/x/ (no such file)",
        "topics/t/feed.xml:3: error: not well-formed XML: mismatched tag",
    ]


def test_search_index_folder(tmp_path: Path) -> None:
    """A Pagefind index written next to the pages is an ordinary folder of the output: links into it resolve."""
    files: dict[str, str | bytes] = {
        "search/index.html": page('<link href="../pagefind/pagefind-ui.css" rel="stylesheet">\n'
                                  '<script src="../pagefind/pagefind-ui.js"></script>'),
    }
    write_site(tmp_path / "without", files, config=None)
    assert problems(tmp_path / "without") == [
        "search/index.html:5: error: broken link to ../pagefind/pagefind-ui.css (no such file)",
        "search/index.html:6: error: broken link to ../pagefind/pagefind-ui.js (no such file)",
    ]
    files.update({"pagefind/pagefind-ui.css": ".pagefind-ui { background: url(data:image/svg+xml,x) }",
                  "pagefind/pagefind-ui.js": "", "pagefind/pagefind-entry.json": "{}"})
    write_site(tmp_path / "with", files, config=None)
    assert problems(tmp_path / "with") == []


def test_counts_and_pool(tmp_path: Path) -> None:
    for n in range(30):
        write_site(tmp_path, {f"p{n}/index.html": page(f'<a href="../p{(n + 1) % 30}/#s">next</a>\n<h2 id="s">s</h2>'
                                                      + ('\n<a href="../gone/">x</a>' if n % 7 == 0 else ""))},
                   config=None)
    serial = check_output(tmp_path, BASE, processes=1)
    pooled = check_output(tmp_path, BASE, processes=2)
    assert serial == pooled
    assert (serial.pages, serial.links, len(serial.problems)) == (30, 35, 5)
    assert [p.page for p in serial.problems] == ["p0/index.html", "p14/index.html", "p21/index.html",
                                                 "p28/index.html", "p7/index.html"]


class _Reference(HTMLParser):
    """The same collection done with the standard library's HTML parser, to hold the fast tokenizer to it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.anchors: set[str] = set()
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value or "")
        line = self.getpos()[0]
        if "id" in values:
            self.anchors.add(values["id"])
        names = URL_ATTRS.get(tag, ())
        if tag == "a" and "name" in values:
            self.anchors.add(values["name"])
        if tag == "link" and NOT_DOCUMENTS & set(values.get("rel", "").lower().split()):
            names = ()
        for name in names:
            if name in values:
                urls = srcset_urls(values[name]) if name == "srcset" else [values[name]]
                self.links.extend(Link(line, url) for url in urls)
        kind = (values.get("property") or values.get("name") or "").lower()
        if tag == "meta" and kind in META_URLS and "content" in values:
            self.links.append(Link(line, values["content"]))
        if "url(" in values.get("style", ""):
            self.links.extend(css_links(values["style"], line))
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.links.extend(css_links(data, self.getpos()[0]))


def reference_parse(text: str) -> Parsed:
    parser = _Reference()
    parser.feed(text)
    parser.close()
    return Parsed(tuple(parser.links), frozenset(parser.anchors))


def test_tokenizer_agrees_with_html_parser(tmp_path: Path) -> None:
    """On every page of the example desk the fast tokenizer finds exactly what html.parser finds."""
    Builder(REPO, BuildOptions(out_dir=tmp_path, cache=False)).build()
    pages = sorted(tmp_path.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert parse_html(text) == reference_parse(text), path.relative_to(tmp_path)


# External links: a local server on a free port stands in for the web.

class _Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str, str]]] = []  # (method, path, user agent)

    def _answer(self, method: str) -> None:
        self.requests.append((method, self.path, self.headers.get("User-Agent", "")))
        status = {"/ok": 200, "/missing": 404, "/redirect": 301}.get(self.path, 200)
        if self.path == "/head-refused":
            status = 405 if method == "HEAD" else 200
        elif self.path == "/not-implemented":
            status = 501 if method == "HEAD" else 503
        elif self.path == "/slow":
            time.sleep(1.5)
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def web() -> Iterator[str]:
    _Handler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_external_links(tmp_path: Path, web: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}/"
    write_site(tmp_path, {
        "index.html": page(f'<a href="{web}/ok">a</a>\n<a href="{web}/missing">b</a>\n<a href="{web}/ok#part">c</a>\n'
                           f'<a href="{web}/head-refused">d</a>\n<a href="{web}/not-implemented">e</a>\n'
                           f'<a href="{web}/redirect">f</a>\n<a href="{dead}">g</a>\n<a href="{web}/slow">h</a>'),
        "a/index.html": page(f'<img src="{web}/missing" alt="">'),
    }, config=None)
    assert problems(tmp_path) == []  # not requested unless asked
    assert _Handler.requests == []
    report = check_output(tmp_path, BASE, external=True, timeout=0.5)
    assert [p.format() for p in report.problems] == [
        f"a/index.html:5: error: broken link to {web}/missing (HTTP 404)",
        f"index.html:6: error: broken link to {web}/missing (HTTP 404)",
        f"index.html:9: error: broken link to {web}/not-implemented (HTTP 503)",
        f"index.html:11: error: broken link to {dead} (Connection refused)",
        f"index.html:12: error: broken link to {web}/slow (timed out)",
    ]
    assert (report.external, report.links) == (7, 9)
    seen = [(method, path) for method, path, _ in _Handler.requests]
    assert sorted(seen) == sorted([("HEAD", "/ok"), ("HEAD", "/missing"), ("HEAD", "/head-refused"),
                                   ("GET", "/head-refused"), ("HEAD", "/not-implemented"),
                                   ("GET", "/not-implemented"), ("HEAD", "/redirect"), ("HEAD", "/ok"),
                                   ("HEAD", "/slow")])
    assert {agent for _, _, agent in _Handler.requests} == {USER_AGENT}


# The command.

def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_check_command_reports_broken_links(make_site: SiteFactory, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    body = "See [the other one](../missing-briefing/), [home](/elsewhere/) and [a part](#no-such-part)."
    site = make_site({"content/briefings/2023-01-02-a.md": briefing("A", body=body)})
    assert main(["check", str(site)]) == 1
    err = capsys.readouterr().err.splitlines()
    Builder(site, BuildOptions(out_dir=tmp_path / "out")).build()
    line = _line_of(tmp_path / "out/briefings/a/index.html", "missing-briefing")
    pages = len(list((tmp_path / "out").rglob("*.html")))
    assert err == [
        f"briefings/a/index.html:{line}: error: broken link to #no-such-part (no such anchor)",
        f"briefings/a/index.html:{line}: error: broken link to ../missing-briefing/ (no such file)",
        f"briefings/a/index.html:{line}: error: broken link to /elsewhere/ (outside the site)",
        f"3 broken links in {pages} pages",
    ]
    assert not (site / "public").exists()  # the check builds into a temporary folder only


def test_check_command_ok_and_base_url(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/briefings/2023-01-02-a.md": briefing("A", body="[Root](/desk/briefings/).")})
    (site / "public").mkdir()
    (site / "public/keep.txt").write_text("untouched")
    assert main(["check", str(site)]) == 0
    assert re.fullmatch(r"ok: 9 pages, \d+ links checked\n", capsys.readouterr().err)
    assert [p.name for p in (site / "public").iterdir()] == ["keep.txt"]
    assert main(["check", str(site), "--base-url", "https://example.org/"]) == 1
    assert "broken link to /desk/briefings/ (no such file)" in capsys.readouterr().err  # /desk/ is not the site
