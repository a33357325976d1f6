"""Whole builds in temporary folders: every page kind, cross-links, determinism, nothing written on error."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, SiteFactory, briefing, read_tree

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions, BuildPolicy
from site_builder.core.cancel import CancelToken
from site_builder.core.errors import Interrupted, SiteError
from site_builder.core.output_writer import STAGED_PREFIX
from site_builder.render.templates import theme_dir

ACTORS = {
    "content/actors/kim-jong-un.yaml": """\
        name: Kim Jong Un
        type: person
        aliases: [Kim Jong-un]
        country: north-korea
        roles: [{title: Supreme Leader, of: north-korea, from: 2011}]
        """,
    "content/actors/kim-yo-jong.yaml": """\
        name: Kim Yo Jong
        type: person
        aliases: [Kim Yo-jong]
        relations: [{actor: kim-jong-un, kind: sister-of}]
        """,
    "content/actors/north-korea.yaml": "name: North Korea\ntype: state\naliases: [DPRK, Pyongyang]\n",
    "content/actors/wagner-group.yaml": "name: Wagner Group\ntype: armed-group\naliases: [Wagner]\n",
}


def desk(make_site: SiteFactory, extra: dict[str, str] | None = None, config: str | None = None) -> Path:
    files = dict(ACTORS)
    files.update({
        "content/briefings/2023-01-27-statement.md": briefing(
            "Kim Yo-jong condemns tanks", "2023-01-27", "Kim Yo-jong, sister of Kim Jong Un, spoke.",
            topics="[war-in-ukraine]", summary="A statement."),
        "content/briefings/2023-01-29-denial.md": briefing(
            "Pyongyang denies arms deal", "2023-01-29", "North Korea denied arming Wagner. The DPRK said so.",
            topics="[war-in-ukraine, sanctions]", actors="[kim-jong-un]"),
        "content/briefings/2024-03-01-later.md": briefing("Later", "2024-03-01", "Nothing about anyone."),
        "content/briefings/2023-02-01-draft.md": briefing("Draft", "2023-02-01", "Wagner.", draft="true"),
        "content/topics/sanctions.yaml": "title: Sanctions\nsummary: Who is sanctioned.\n",
        "content/pages/about.md": "---\ntitle: About us\n---\n\nWe follow Wagner Group.\n",
    })
    files.update(extra or {})
    return make_site(files, **({"config": config} if config is not None else {}))


def build(site: Path, **options: object) -> Path:
    out = site / "public"
    Builder(site, BuildOptions(**options)).build()  # type: ignore[arg-type]
    return out


def test_every_page_kind_is_written(make_site: SiteFactory) -> None:
    out = build(desk(make_site))
    expected = [
        "index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "search/index.html", "pagefind/pagefind-entry.json",
        "briefings/index.html", "briefings/statement/index.html", "briefings/denial/index.html",
        "actors/index.html", "actors/kim-jong-un/index.html", "actors/kim-jong-un/feed.xml",
        "topics/index.html", "topics/sanctions/index.html", "topics/war-in-ukraine/index.html",
        "topics/sanctions/feed.xml", "archive/index.html", "archive/2023/index.html", "archive/2024/index.html",
        "about/index.html",
    ]
    for rel in expected:
        assert (out / rel).is_file(), rel
    assert [p.name for p in (out / "css").glob("site.*.css")] and not (out / "css/site.css").exists()
    assert not (out / "briefings" / "draft").exists()


def test_briefing_page_contract(make_site: SiteFactory) -> None:
    out = build(desk(make_site))
    html = (out / "briefings/denial/index.html").read_text()
    assert html.count("<h1") == 1 and re.search(r"<h1[^>]*>Pyongyang denies arms deal</h1>", html)
    body = html[html.index("briefing-body"):]
    assert '<a class="mention" data-actor="north-korea" href="../../actors/north-korea/">North Korea</a>' in body
    assert '<span class="mention" data-actor="north-korea">DPRK</span>' in body
    assert 'data-actor="wagner-group"' in body
    # listed in front matter but not mentioned: still among the actors involved, with role at the time
    assert 'href="../../actors/kim-jong-un/"' in html and "Supreme Leader" in html
    assert "Sanctions" in html and "War in ukraine" in html
    assert 'href="../statement/" rel="prev"' in html and 'href="../later/" rel="next"' in html


def test_actor_profile_lists_briefings_and_both_sides_of_relations(make_site: SiteFactory) -> None:
    out = build(desk(make_site))
    kju = (out / "actors/kim-jong-un/index.html").read_text()
    assert "Kim Jong-un" in kju  # alias
    assert "Kim Yo Jong" in kju and "Sibling of" in kju  # inverse of kim-yo-jong's sister-of
    assert "Pyongyang denies arms deal" in kju and "Kim Yo-jong condemns tanks" in kju
    kyj = (out / "actors/kim-yo-jong/index.html").read_text()
    assert "Sister of" in kyj


def test_topics_by_file_and_by_use(make_site: SiteFactory) -> None:
    out = build(desk(make_site))
    topics = (out / "topics/index.html").read_text()
    assert "Sanctions" in topics and "War in ukraine" in topics
    assert "Who is sanctioned." in (out / "topics/sanctions/index.html").read_text()


def test_feeds_use_absolute_urls_and_content_dates(make_site: SiteFactory) -> None:
    out = build(desk(make_site))
    feed = (out / "feed.xml").read_text()
    assert "<id>https://example.org/desk/feed.xml</id>" in feed or "https://example.org/desk/feed.xml" in feed
    assert "https://example.org/desk/briefings/denial/" in feed
    assert "2024-03-01T00:00:00+00:00" in feed
    sitemap = (out / "sitemap.xml").read_text()
    assert "<loc>https://example.org/desk/briefings/statement/</loc>" in sitemap
    assert "Sitemap: https://example.org/desk/sitemap.xml" in (out / "robots.txt").read_text()


def test_feed_content_is_escaped_once_with_absolute_links(make_site: SiteFactory) -> None:
    """Entry bodies come escaped with absolute links; a feed template that escapes content_html itself agrees."""
    site = desk(make_site)
    feed = (build(site) / "feed.xml").read_text()
    assert 'href=&#34;https://example.org/desk/actors/' in feed
    assert "<content" in feed and "&lt;p&gt;" in feed and "&amp;lt;" not in feed
    theme = (theme_dir("briefing") / "templates/feed.xml").read_text()
    assert "{{ entry.content }}" in theme
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/feed.xml").write_text(theme.replace("{{ entry.content }}", "{{ entry.content_html|forceescape }}"))
    assert (build(site) / "feed.xml").read_text() == feed


def test_drafts_and_base_url_override(make_site: SiteFactory) -> None:
    out = build(desk(make_site), drafts=True, base_url="https://other.example/sub")
    assert (out / "briefings/draft/index.html").is_file()
    assert "https://other.example/sub/briefings/draft/" in (out / "sitemap.xml").read_text()


def test_deterministic_output(make_site: SiteFactory, tmp_path: Path) -> None:
    site = desk(make_site)
    first = read_tree(build(site))
    Builder(site, BuildOptions(out_dir=tmp_path / "second")).build()
    assert read_tree(tmp_path / "second") == first


def test_rebuild_writes_only_changes_and_prunes(make_site: SiteFactory) -> None:
    site = desk(make_site)
    build(site)
    result = Builder(site).build()
    assert result.report.written == () and result.report.removed == ()
    (site / "content/briefings/2024-03-01-later.md").unlink()
    result = Builder(site).build()
    assert "briefings/later/index.html" in result.report.removed
    assert not (site / "public/briefings/later").exists()
    assert "archive/2024/index.html" in result.report.removed


def test_failed_build_leaves_previous_output_identical(make_site: SiteFactory) -> None:
    site = desk(make_site)
    out = build(site)
    before = read_tree(out)
    (site / "content/briefings/2023-01-29-denial.md").write_text("---\ntitle: broken\n")
    with pytest.raises(SiteError):
        Builder(site).build()
    assert read_tree(out) == before


class CancelAt(CancelToken):
    """A stop request that arrives at the build's n-th check (0: never), counting the checks."""

    def __init__(self, at: int = 0) -> None:
        super().__init__()
        self.at = at
        self.checks = 0

    def check(self) -> None:
        self.checks += 1
        if self.checks == self.at:
            self.cancel(signal.SIGTERM)
        super().check()


@pytest.mark.parametrize("full", [True, False], ids=["full build", "rebuild"])
def test_a_build_stopped_at_any_check_leaves_the_last_complete_build(make_site: SiteFactory, full: bool) -> None:
    site = desk(make_site)
    # Without the disk cache every run makes the same checks: a stored body or model would skip some.
    builder = Builder(site, BuildOptions(cache=False), policy=BuildPolicy(rebuilds=True, index_search=False))
    out = builder.build().out_dir
    before = read_tree(out)
    rel = "content/briefings/2023-01-29-denial.md"
    edited = site / rel
    original, revised = edited.read_text(), briefing("Pyongyang denies it again", "2023-01-29", "The DPRK said so.")
    edited.write_text(revised)
    counting = builder.cancel = CancelAt()
    builder.rebuild([rel]) if not full else builder.build()
    checks = counting.checks
    assert checks > 20  # between steps, files, bodies and pages
    edited.write_text(original)
    builder.rebuild([rel])  # back to the first build, and to its memo
    assert read_tree(out) == before
    edited.write_text(revised)
    for at in range(1, checks + 1):
        builder.cancel = CancelAt(at)
        with pytest.raises(Interrupted) as stopped:
            builder.rebuild([rel]) if not full else builder.build()
        assert stopped.value.signum == signal.SIGTERM
        assert not list(out.rglob(f"{STAGED_PREFIX}*"))
        if at < checks:
            assert read_tree(out) == before, f"stopped at check {at} of {checks}"
        else:  # the last check comes after the renames into place: that build is whole
            assert read_tree(out) != before
    builder.cancel = CancelToken()
    builder.rebuild([rel])  # a stopped build leaves the builder as it was: the next one finishes the job
    clean = site.parent / "clean"
    Builder(site, BuildOptions(out_dir=clean), policy=BuildPolicy(index_search=False)).build()
    assert read_tree(out) == read_tree(clean)


def test_site_templates_and_static_override_theme(make_site: SiteFactory) -> None:
    site = desk(make_site, {
        "templates/partials/footer.html": '<footer class="custom">Desk footer {{ site.title }}</footer>\n',
        "static/css/site.css": "body { color: red }\n",
        "static/img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })
    out = build(site)
    assert '<footer class="custom">Desk footer Test Desk</footer>' in (out / "index.html").read_text()
    (sheet,) = (out / "css").glob("site.*.css")
    assert sheet.read_text() == "body { color: red }\n"
    assert (out / "img/logo.svg").is_file()


def test_template_error_names_file_and_line(make_site: SiteFactory) -> None:
    site = desk(make_site, {"templates/partials/footer.html": "<footer>\n{{ site.nonexistent }}\n</footer>\n"})
    with pytest.raises(SiteError) as info:
        Builder(site).build()
    (message,) = [d.format() for d in info.value.diagnostics]
    assert message.startswith("templates/partials/footer.html:2: error: template error:")
    assert "nonexistent" in message
    assert not (site / "public").exists()


def test_hostile_front_matter_is_inert(make_site: SiteFactory) -> None:
    site = desk(make_site, {"content/briefings/2023-03-01-x.md": briefing(
        '"<script>alert(1)</script> {{ 7*7 }}"', "2023-03-01", "{% if true %}x{% endif %} <b onmouseover=x>b</b>",
        summary='"<img src=x onerror=alert(1)>"', key_points='["{{ config }}"]')})
    out = build(site)
    for path in out.rglob("*.html"):
        html = path.read_text()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    page = (out / "briefings/x/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in page
    assert "{{ config }}" in page and "{% if true %}x{% endif %}" in page


def test_relative_urls_append_index_files(make_site: SiteFactory) -> None:
    site = desk(make_site, config="title: T\nbase_url: https://example.org/\nrelative_urls: true\n")
    html = (build(site) / "briefings/denial/index.html").read_text()
    assert 'href="../../actors/north-korea/index.html"' in html
    assert 'href="../../index.html"' in html


def test_404_links_from_site_root(make_site: SiteFactory) -> None:
    html = (build(desk(make_site)) / "404.html").read_text()
    assert re.search(r'href="/desk/css/site\.[0-9a-f]{10}\.css"', html) and 'href="/desk/archive/"' in html


def test_output_outside_site_with_option(make_site: SiteFactory, tmp_path: Path) -> None:
    site = desk(make_site)
    Builder(site, BuildOptions(out_dir=tmp_path / "elsewhere")).build()
    assert (tmp_path / "elsewhere/index.html").is_file() and not (site / "public").exists()


def test_profile_shows_excerpts_quotes_co_mentions_topics_and_network(make_site: SiteFactory) -> None:
    site = desk(make_site, {"content/briefings/2023-02-05-quote.md": briefing(
        "Kim speaks", "2023-02-05", "“We will stand with Russia to the end,” said Kim Jong Un. Wagner agreed.",
        topics="[sanctions]")})
    html = (build(site) / "actors/kim-jong-un/index.html").read_text()
    assert "<mark>Kim Jong Un</mark>, spoke." in html  # the sentence that mentions the actor
    assert "We will stand with Russia to the end" in html  # quote, linked to its briefing
    assert 'href="../../briefings/quote/"' in html
    assert re.search(r'href="../kim-yo-jong/">Kim Yo Jong</a>.*?1 briefing', html, re.S)  # co-mentioned, with count
    assert 'href="../../topics/sanctions/"' in html and 'href="feed.xml"' in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="group"' in svg and 'class="node node--person node--center"' in svg
    assert 'href="../kim-jong-un/"' not in html  # no link to itself
    assert 'href="../wagner-group/"' in svg


def test_later_profile_pages_are_the_timeline_with_a_way_back(make_site: SiteFactory) -> None:
    """The infobox, quotes and network are on the first page; the second has the rest of the timeline."""
    site = desk(make_site, {"content/briefings/2023-02-05-quote.md": briefing(
        "Kim speaks", "2023-02-05", "“We will stand with Russia to the end,” said Kim Jong Un.",
        topics="[sanctions]")}, config=MINIMAL_CONFIG + "pagination: {timeline: 1}\n")
    out = build(site)
    first = (out / "actors/kim-jong-un/index.html").read_text()
    later = (out / "actors/kim-jong-un/page/2/index.html").read_text()
    for part in ("At a glance", "Often mentioned with", "In their words", "<svg"):
        assert part in first and part not in later, part
    assert "page 2 of" in later and '<a href="../../">Profile of Kim Jong Un</a>' in later
    assert later.count('class="row"') == 1  # one timeline entry a page
    last = (out / "actors/kim-jong-un/page/3/index.html").read_text()
    assert "<mark>Kim Jong Un</mark>, spoke." in last and "At a glance" not in last  # excerpts stay with their rows
    assert "data-pagefind-body" in first and "data-pagefind-body" not in later


def test_actors_index_has_the_whole_network_with_a_text_alternative(make_site: SiteFactory) -> None:
    html = (build(desk(make_site)) / "actors/index.html").read_text()
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count("<circle") >= 4 and "<line" in svg
    assert "The same as a list" in html and "briefing" in html[html.index("The same as a list"):]


def test_home_lists_actors_active_in_the_last_30_days_of_content(make_site: SiteFactory) -> None:
    site = desk(make_site, {"content/briefings/2024-02-20-recent.md": briefing("Recent", "2024-02-20", "Wagner.")})
    html = (build(site) / "index.html").read_text()
    panel = html[html.index("Most active"):]
    panel = panel[:panel.index("</section>")]
    assert "since" in panel and "31 Jan 2024" in panel
    assert "Wagner Group" in panel
    assert "Kim Yo Jong" not in panel  # only in briefings of 2023, a year before the newest one
