"""Classification of site paths, shared by full builds and the watcher."""

from __future__ import annotations

import pytest
from conftest import SiteFactory

from site_builder.core.site_files import Kind, classify, discover, refresh


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("config.yaml", Kind.CONFIG),
        ("content/briefings/a.md", Kind.BRIEFING),
        ("content/briefings/2023/a.md", Kind.BRIEFING),
        ("content/actors/kim.yaml", Kind.ACTOR),
        ("content/actors/kim.yml", Kind.ACTOR),
        ("content/topics/t.yaml", Kind.TOPIC),
        ("content/pages/about.md", Kind.PAGE),
        ("templates/base.html", Kind.TEMPLATE),
        ("static/css/x.css", Kind.STATIC),
        ("public/index.html", Kind.IGNORED),
        ("content/briefings/.a.md.swp", Kind.IGNORED),
        ("content/briefings/a.md~", Kind.IGNORED),
        ("content/briefings/.#a.md", Kind.IGNORED),
        ("content/briefings/4913", Kind.IGNORED),
        ("content/briefings/map.png", Kind.IGNORED),
        ("content/actors/nested/x.yaml", Kind.IGNORED),
        (".git/config", Kind.IGNORED),
        ("README.md", Kind.IGNORED),
    ],
)
def test_classify(path: str, kind: Kind) -> None:
    assert classify(path) is kind


def test_custom_output_dir_is_ignored() -> None:
    assert classify("site/index.html", output_dir="site") is Kind.IGNORED


def test_discover_sorted_and_skips_noise(make_site: SiteFactory) -> None:
    site = make_site({
        "content/briefings/b.md": "x", "content/briefings/a.md": "x", "content/briefings/.hidden.md": "x",
        "content/briefings/a.md~": "x", "content/briefings/photo.jpg": b"\xff\xd8", "content/actors/k.yaml": "x",
        "content/topics/t.yaml": "x", "content/pages/p.md": "x",
    })
    files = discover(site)
    assert files.briefings == ("content/briefings/a.md", "content/briefings/b.md")
    assert files.actors == ("content/actors/k.yaml",)
    assert files.topics == ("content/topics/t.yaml",) and files.pages == ("content/pages/p.md",)


def test_refresh_follows_created_and_deleted_files(make_site: SiteFactory) -> None:
    site = make_site({"content/briefings/b.md": "x", "content/actors/k.yaml": "x"})
    files = discover(site)
    (site / "content/briefings/a.md").write_text("x")
    (site / "content/briefings/node_modules").mkdir()
    (site / "content/briefings/node_modules/c.md").write_text("x")
    (site / "content/actors/k.yaml").unlink()
    changed = ["content/briefings/a.md", "content/briefings/node_modules/c.md", "content/actors/k.yaml",
               "content/briefings/.a.md.swp", "templates/base.html"]
    assert refresh(files, site, changed) == discover(site)


def test_refresh_gives_up_on_folders(make_site: SiteFactory) -> None:
    site = make_site({"content/briefings/b.md": "x"})
    files = discover(site)
    (site / "content/briefings/2024").mkdir()
    assert refresh(files, site, ["content/briefings/2024"]) is None  # made: its files are not listed
    assert refresh(files, site, ["content/briefings/gone"]) is None  # deleted: it may have held files
    assert refresh(files, site, ["content/briefings/b.md"]) == files
