"""Publish gates: no broken link under any base path, byte-identical rebuilds, and valid Atom feeds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from conftest import SiteFactory, briefing, read_tree

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions
from site_builder.publish.link_check import check_output

REPO = Path(__file__).resolve().parents[2]
DEEP = "https://example.org/deep/sub/path/"
ATOM = "{http://www.w3.org/2005/Atom}"


def example_copy(root: Path, relative_urls: bool) -> Path:
    """The example desk in a scratch folder with `relative_urls` set as asked."""
    for name in ("content", "templates", "static"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    config = (REPO / "config.yaml").read_text(encoding="utf-8")
    assert "relative_urls: true" in config
    (root / "config.yaml").write_text(config.replace("relative_urls: true", f"relative_urls: {str(relative_urls).lower()}"),
                                      encoding="utf-8")
    return root


@pytest.mark.parametrize("relative_urls", [False, True])
def test_example_desk_under_a_deep_base_path_has_no_broken_link(tmp_path: Path, relative_urls: bool) -> None:
    site = example_copy(tmp_path / "site", relative_urls)
    out = tmp_path / "out"
    Builder(site, BuildOptions(out_dir=out, base_url=DEEP)).build()
    report = check_output(out, DEEP)
    assert [p.format() for p in report.problems] == []
    assert report.pages > 40 and report.links > 3000
    home = (out / "index.html").read_text(encoding="utf-8")
    assert ('href="briefings/index.html"' in home) is relative_urls
    assert f'href="{DEEP}"' in home  # canonical link under the deep path
    assert '"/deep/sub/path/' in (out / "404.html").read_text(encoding="utf-8")  # root-absolute, served anywhere


@pytest.mark.parametrize("relative_urls", ["false", "true"])
def test_site_at_the_domain_root_has_no_broken_link(make_site: SiteFactory, tmp_path: Path, relative_urls: str) -> None:
    site = make_site({
        "content/briefings/2023-01-01-first.md": briefing("First", actors="[kim]", topics="[talks]",
                                                           body="Kim spoke. See [the second](../second/)."),
        "content/briefings/2023-02-01-second.md": briefing("Second", "2023-02-01", body="Kim again.",
                                                            topics="[talks, trade]"),
        "content/actors/kim.yaml": "name: Kim\ntype: person\n",
        "content/actors/lee.yaml": "name: Lee\ntype: person\n",  # no briefing yet: an empty feed
        "content/pages/about.md": "---\ntitle: About\n---\n\nAbout [the desk](/).\n",
    }, config=f"title: Root Desk\nbase_url: https://example.org/\nrelative_urls: {relative_urls}\n")
    out = tmp_path / "out"
    Builder(site, BuildOptions(out_dir=out)).build()
    report = check_output(out, "https://example.org/")
    assert [p.format() for p in report.problems] == []
    assert report.pages >= 12


# Determinism: the same input gives the same bytes, whatever the hash seed, the folder or the clock.

def build_in_subprocess(out: Path, hash_seed: str, epoch: str = "1700000000") -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "SOURCE_DATE_EPOCH": epoch}
    subprocess.run([sys.executable, "-m", "site_builder", "-q", "build", str(REPO), "-o", str(out), "--no-cache"],
                   env=env, check=True, capture_output=True, cwd=REPO)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build_in_subprocess(tmp_path / "first", "1")
    build_in_subprocess(tmp_path / "elsewhere/second", "4242")
    first, second = read_tree(tmp_path / "first"), read_tree(tmp_path / "elsewhere/second")
    assert ".site-builder-manifest" in first and len(first) > 60
    assert sorted(first) == sorted(second)
    assert [rel for rel in sorted(first) if first[rel] != second[rel]] == []


# Atom feeds.

def feed_urls(root: ET.Element) -> list[str]:
    """Every URL of a feed outside the HTML content: ids, links, author URIs and xml:base."""
    urls = [e.text or "" for e in root.iter(f"{ATOM}id")] + [e.text or "" for e in root.iter(f"{ATOM}uri")]
    urls += [e.get("href", "") for e in root.iter(f"{ATOM}link")]
    urls += [e.get("{http://www.w3.org/XML/1998/namespace}base", "") for e in root.iter(f"{ATOM}content")]
    return urls


def check_feed(path: Path, base_url: str, site_path: str) -> ET.Element:
    """RFC 4287's required elements, a self link equal to the feed's own URL, absolute URLs under base_url."""
    root = ET.fromstring(path.read_bytes())
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "")
    entries = root.findall(f"{ATOM}entry")
    assert root.findall(f"{ATOM}author/{ATOM}name") or all(e.findall(f"{ATOM}author") for e in entries)
    self_links = [e for e in root.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert [e.get("href") for e in self_links] == [base_url + site_path]
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
    published = [datetime.fromisoformat(e.findtext(f"{ATOM}published") or "") for e in entries]
    assert published == sorted(published, reverse=True)  # newest first
    urls = feed_urls(root)
    assert urls and all(url.startswith(base_url) for url in urls), [u for u in urls if not u.startswith(base_url)]
    return root


FEEDS = ("feed.xml", "actors/kim-yo-jong/feed.xml", "topics/wagner-group/feed.xml")


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The three feeds of the example desk from builds that differ in clock, base URL and an unrelated edit."""
    root = tmp_path_factory.mktemp("feeds")
    builds = {}
    # Both clocks fall before the example desk's embargo ends (2027-01-04): only the clock differs, not the content.
    for name, epoch, base_url in (("plain", "1700000000", None), ("later-clock", "1790000000", None),
                                  ("deep", "1700000000", DEEP)):
        out = root / name
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = epoch
        try:
            Builder(REPO, BuildOptions(out_dir=out, base_url=base_url, cache=False)).build()
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
        builds[name] = {rel: (out / rel).read_bytes() for rel in FEEDS}
    # An unrelated edit: another briefing's title changes, and a new briefing appears.
    site = example_copy(root / "edited-site", relative_urls=True)
    path = site / "content/briefings/2022-09-09-north-korea-writes-nuclear-status-into-law.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: Edited —", 1), encoding="utf-8")
    (site / "content/briefings/2024-01-05-a-new-one.md").write_text(
        briefing("A new one", "2024-01-05", actors="[kim-yo-jong]", topics="[wagner-group]"), encoding="utf-8")
    Builder(site, BuildOptions(out_dir=root / "edited")).build()
    builds["edited"] = {rel: (root / "edited" / rel).read_bytes() for rel in FEEDS}
    return builds


@pytest.mark.parametrize("rel", FEEDS)
def test_feeds_are_valid_atom(feeds: dict[str, dict[str, bytes]], tmp_path: Path, rel: str) -> None:
    for name, base_url in (("plain", "https://example.org/desk/"), ("deep", DEEP)):
        (tmp_path / name).write_bytes(feeds[name][rel])
        root = check_feed(tmp_path / name, base_url, rel)
        assert root.findall(f"{ATOM}entry")


@pytest.mark.parametrize("rel", FEEDS)
def test_feeds_do_not_follow_the_build_clock(feeds: dict[str, dict[str, bytes]], rel: str) -> None:
    assert feeds["plain"][rel] == feeds["later-clock"][rel]


def entry_ids(data: bytes) -> dict[str, str]:
    """Entry link → entry id."""
    root = ET.fromstring(data)
    return {e.find(f"{ATOM}link[@rel='alternate']").get("href", ""): e.findtext(f"{ATOM}id") or ""  # type: ignore[union-attr]
            for e in root.findall(f"{ATOM}entry")}


@pytest.mark.parametrize("rel", FEEDS)
def test_feed_ids_are_stable(feeds: dict[str, dict[str, bytes]], rel: str) -> None:
    plain, edited = ET.fromstring(feeds["plain"][rel]), ET.fromstring(feeds["edited"][rel])
    assert plain.findtext(f"{ATOM}id") == edited.findtext(f"{ATOM}id")
    before, after = entry_ids(feeds["plain"][rel]), entry_ids(feeds["edited"][rel])
    kept = set(before) & set(after)
    assert len(kept) >= len(before) - 1  # at most the oldest entry fell off the end
    assert {link: before[link] for link in kept} == {link: after[link] for link in kept}
    assert len(set(after.values())) == len(after)  # unique


def test_feed_updated_comes_from_content_dates(feeds: dict[str, dict[str, bytes]]) -> None:
    root = ET.fromstring(feeds["plain"]["feed.xml"])
    newest = max(datetime.fromisoformat(e.findtext(f"{ATOM}updated") or "") for e in root.findall(f"{ATOM}entry"))
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "") == newest
    edited = ET.fromstring(feeds["edited"]["feed.xml"])
    assert (edited.findtext(f"{ATOM}updated") or "").startswith("2024-01-05")


def test_empty_feed_takes_the_newest_content_date(make_site: SiteFactory, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({"content/briefings/2023-03-04-a.md": briefing("A", "2023-03-04", actors="[kim]"),
                      "content/actors/kim.yaml": "name: Kim\ntype: person\n",
                      "content/actors/lee.yaml": "name: Lee\ntype: person\n"})
    for epoch in ("1700000000", "1800000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        Builder(site, BuildOptions(out_dir=tmp_path / epoch)).build()
    first = (tmp_path / "1700000000/actors/lee/feed.xml").read_bytes()
    assert first == (tmp_path / "1800000000/actors/lee/feed.xml").read_bytes()
    root = check_feed(tmp_path / "1700000000/actors/lee/feed.xml", "https://example.org/desk/", "actors/lee/feed.xml")
    assert root.findall(f"{ATOM}entry") == []
    assert (root.findtext(f"{ATOM}updated") or "").startswith("2023-03-04")
