"""Incremental rebuilds give exactly the bytes of a clean build, whatever sequence of edits came before."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import DESK_ACTORS, MINIMAL_CONFIG, briefing, examples, read_tree, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build.builder import Builder, FirstPages
from site_builder.build.options import BuildOptions
from site_builder.core.cancel import CancelToken
from site_builder.core.errors import Interrupted, SiteError
from site_builder.core.output_writer import WriteReport

# Both Kims share the alias "Kim" (declared ambiguous in the config), and North Korea has context aliases.
ACTORS = {**DESK_ACTORS, "spare": "name: Spare Actor\ntype: organization\n",
          "kim": DESK_ACTORS["kim"].replace("aliases: [Kim Jong-un]", "aliases: [Kim Jong-un, Kim]"),
          "kyj": DESK_ACTORS["kyj"] + "aliases: [Kim]\n",
          "nk": DESK_ACTORS["nk"] + "context_aliases: [the North]\n"}
CONFIG = MINIMAL_CONFIG + "mentions:\n  ambiguous: [Kim]\n"
BODIES = [
    "Kim Jong Un met Wagner officials.",
    "Pyongyang denied it. “We never sold arms to anyone at all,” said Kim Yo Jong.",
    "Nothing about anyone.",
    "Wagner and North Korea, again; Spare Actor too.",
    "Kim Yo Jong wrote. Kim said the North would answer; the regime stayed silent.",
    "The North fired before Kim Jong Un arrived. Pyongyang confirmed it, and Kim smiled.",
]
TOPICS = ["sanctions", "war-in-ukraine", "diplomacy"]
LIKELIHOODS = ["unlikely", "likely", "very-likely"]
CONFIDENCE = ["low", "moderate", "high"]


def base_files() -> dict[str, str]:
    files = {f"content/actors/{k}.yaml": v for k, v in ACTORS.items()}
    files["config.yaml"] = CONFIG
    for n in range(6):
        files[f"content/briefings/2023-01-{n + 10:02d}-b{n}.md"] = briefing(
            f"Briefing {n}", f"2023-01-{n + 10:02d}", BODIES[n], topics=f"[{TOPICS[n % 3]}]",
            **({"actors": "[kyj]"} if n == 5 else {}))
    files["content/topics/sanctions.yaml"] = "title: Sanctions\nsummary: Who is sanctioned.\n"
    files["content/pages/about.md"] = "---\ntitle: About\n---\n\nWe follow Wagner.\n"
    files["templates/partials/footer.html"] = "<footer>Desk footer</footer>\n"
    files["static/img/a.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>\n"
    return files


def edit(site: Path, op: tuple[str, int, int]) -> list[str]:
    """Apply one edit; returns the site-relative paths it touched."""
    kind, a, b = op
    briefings = sorted((site / "content/briefings").glob("*.md"))
    if kind == "body" and briefings:
        path = briefings[a % len(briefings)]
        text = path.read_text().rstrip("\n") + f"\n\n{BODIES[b % len(BODIES)]}\n"
        path.write_text(text)
    elif kind == "title" and briefings:
        path = briefings[a % len(briefings)]
        path.write_text(path.read_text().replace("title: ", f"title: Edited {b} ", 1))
    elif kind == "date" and briefings:
        path = briefings[a % len(briefings)]
        lines = path.read_text().splitlines(keepends=True)
        lines = [f"date: 2022-{b % 12 + 1:02d}-15\n" if line.startswith("date:") else line for line in lines]
        path.write_text("".join(lines))
    elif kind == "topics" and briefings:
        path = briefings[a % len(briefings)]
        path.write_text(path.read_text().replace("topics: [", f"topics: [{TOPICS[b % 3]}, ", 1))
    elif kind == "add":
        path = site / f"content/briefings/2023-02-{a % 28 + 1:02d}-new{a}-{b}.md"
        path.write_text(briefing(f"New {a}", f"2023-02-{a % 28 + 1:02d}", BODIES[b % len(BODIES)],
                                 topics=f"[{TOPICS[b % 3]}]"))
    elif kind == "delete" and len(briefings) > 1:
        path = briefings[a % len(briefings)]
        path.unlink()
    elif kind == "draft" and briefings:
        path = briefings[a % len(briefings)]
        path.write_text(path.read_text().replace("---\n\n", "draft: true\n---\n\n", 1))
    elif kind == "alias":
        path = site / "content/actors/nk.yaml"
        path.write_text(path.read_text().replace("aliases: [", f"aliases: [DPRK{b}, ", 1) if b % 2 else
                        "name: North Korea\ntype: state\naliases: [Pyongyang, North]\n")
    elif kind == "context":
        path = site / "content/actors/nk.yaml"
        context = ("context_aliases: [the North]\n", "context_aliases: [the North, the regime]\n", "")[b % 3]
        path.write_text(DESK_ACTORS["nk"] + context)
    elif kind in ("judgment", "source", "embargo") and briefings:
        path = briefings[a % len(briefings)]
        path.write_text(_tradecraft(path.read_text(), kind, b))
    elif kind == "ambiguous":
        path = site / "config.yaml"
        path.write_text(CONFIG if b % 3 else MINIMAL_CONFIG)  # without it, "Kim" claimed twice is an error
    elif kind == "surname":
        path = site / "content/actors/kyj.yaml"
        path.write_text(ACTORS["kyj"] if b % 2 else DESK_ACTORS["kyj"])
    elif kind == "actor":
        path = site / "content/actors/spare.yaml"
        if path.exists() and b % 2:
            path.unlink()
        else:
            path.write_text(f"name: Spare Actor\ntype: organization\nsummary: Version {b}.\n")
    elif kind == "template":
        path = site / "templates/partials/footer.html"
        if b % 3 == 0 and path.exists():
            path.unlink()
        else:
            path.write_text(f"<footer>Footer version {b}</footer>\n")
    elif kind == "static":
        path = site / "static/css/extra.css"
        if b % 2 and path.exists():
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"body {{ margin: {b}px }}\n")
    elif kind == "topic":
        path = site / "content/topics/sanctions.yaml"
        path.write_text(f"title: Sanctions {b}\nsummary: Version {b}.\n")
    elif kind == "page":
        path = site / "content/pages/about.md"
        path.write_text(f"---\ntitle: About {b}\n---\n\nWe follow Kim Jong Un, version {b}.\n")
    elif kind == "config":
        path = site / "config.yaml"
        path.write_text(f"title: Desk {b}\nbase_url: https://example.org/desk/\ntimezone: UTC\n"
                        "mentions:\n  ambiguous: [Kim]\n")
    else:
        return []
    return [path.relative_to(site).as_posix()]


OPS = st.tuples(
    st.sampled_from(["body", "title", "date", "topics", "add", "delete", "draft", "alias", "actor", "template",
                     "static", "topic", "page", "config", "context", "ambiguous", "surname", "judgment", "source",
                     "embargo"]),
    st.integers(0, 20), st.integers(0, 20))


def _tradecraft(text: str, kind: str, b: int) -> str:
    """A briefing with one front matter line of judgments, sources or publish_at set (or, for some `b`, removed).

    Two judgment ids shared by every briefing, so edits move histories, change kinds and dropped judgments;
    an embargo in the past or in the future of the suite's clock (SOURCE_DATE_EPOCH, tests/conftest.py)."""
    key = {"judgment": "judgments", "source": "sources", "embargo": "publish_at"}[kind]
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith(f"{key}:")]
    if b % 4 == 0:
        value = None
    elif kind == "judgment":
        value = "[" + ", ".join(
            f"{{id: j{n}, text: 'Judgment {n}.', likelihood: {LIKELIHOODS[(b + n) % 3]}, "
            f"confidence: {CONFIDENCE[(b // 3 + n) % 3]}}}" for n in range(b % 3)) + "]"
    elif kind == "source":
        value = f"[{{id: s{b}, title: Source {b}, reliability: {'ABCDEF'[b % 6]}, credibility: {b % 6 + 1}}}]"
    else:
        value = "2099-01-01T06:00:00+09:00" if b % 2 else "2020-01-01"
    if value is not None:
        lines.insert(lines.index("---\n", 1), f"{key}: {value}\n")
    return "".join(lines)


def clean_build(site: Path, out: Path) -> dict[str, bytes] | None:
    shutil.rmtree(out, ignore_errors=True)
    try:
        Builder(site, BuildOptions(out_dir=out)).build()
    except SiteError:
        return None
    return read_tree(out)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(OPS, min_size=1, max_size=6))
def test_incremental_equals_clean_build(ops: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = write_site(Path(tmp) / "site", base_files())
        out = site / "public"
        builder = Builder(site)
        builder.build()
        for op in ops:
            touched = edit(site, op)
            try:
                builder.rebuild(touched)
                incremental: dict[str, bytes] | None = read_tree(out)
            except SiteError:
                incremental = None
            expected = clean_build(site, Path(tmp) / "clean")
            if expected is None:
                assert incremental is None  # both fail on the same input
                continue
            assert incremental is not None
            assert sorted(incremental) == sorted(expected), op
            assert [p for p in sorted(expected) if incremental[p] != expected[p]] == [], op


# Pages a tab may show while the desk edits: lists, briefings, a profile, a topic, an about page, a feed.
OPEN = st.frozensets(st.sampled_from(["index.html", "briefings/index.html", "briefings/b0/index.html",
                                      "briefings/b3/index.html", "briefings/new4/index.html",
                                      "actors/kim/index.html", "topics/sanctions/index.html", "about/index.html",
                                      "archive/2023/index.html", "feed.xml"]), max_size=3)


def rebuild_first(builder: Builder, touched: list[str], pages: frozenset[str], cut: bool) -> bool:
    """A rebuild with `pages` open; with `cut`, a newer edit stops its rest once they are shown.

    Returns whether the rebuild finished, the rest included; raises SiteError like any rebuild.
    """
    rest = CancelToken()

    def shown(report: WriteReport, stale: frozenset[str]) -> None:
        assert stale and report.removed == ()  # the open pages go first; nothing is removed before the rest
        if cut:
            rest.cancel()

    try:
        builder.rebuild(touched, FirstPages(pages, shown, rest))
    except Interrupted:
        assert cut
        return False
    return True


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(OPS, OPEN, st.booleans()), min_size=1, max_size=6))
def test_open_pages_first_then_the_rest_equals_clean_build(
        steps: list[tuple[tuple[str, int, int], frozenset[str], bool]]) -> None:
    """Open pages first, then the rest, some rests cut short by a newer edit: whenever the rest of a rebuild
    is done (the last one's queue drained), the output is a clean build's, byte for byte."""
    with tempfile.TemporaryDirectory() as tmp:
        site = write_site(Path(tmp) / "site", base_files())
        out = site / "public"
        builder = Builder(site)
        builder.build()
        for n, (op, pages, cut) in enumerate(steps):
            touched = edit(site, op)
            try:
                if not rebuild_first(builder, touched, pages, cut):
                    if n < len(steps) - 1:
                        continue  # the next edit's rebuild takes this one's rest over
                    builder.rebuild([])  # nothing newer: the queue drains
                incremental: dict[str, bytes] | None = read_tree(out)
            except SiteError:
                incremental = None
            expected = clean_build(site, Path(tmp) / "clean")
            if expected is None:
                assert incremental is None
                continue
            assert incremental is not None
            assert sorted(incremental) == sorted(expected), steps[:n + 1]
            assert [p for p in sorted(expected) if incremental[p] != expected[p]] == [], steps[:n + 1]


def test_rebuild_renders_only_what_changed(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", base_files())
    builder = Builder(site)
    builder.build()
    result = builder.rebuild(edit(site, ("title", 2, 1)))  # Briefing 2 → "Edited 1 Briefing 2"
    written = set(result.report.written)
    assert "briefings/b2/index.html" in written
    assert "briefings/b0/index.html" not in written  # neither a neighbour nor related: untouched
    assert "actors/kim/index.html" not in written  # b2 has no actors
    assert {"index.html", "feed.xml", "archive/2023/index.html"} <= written  # lists that show it
    assert result.report.unchanged > 10
    nothing = builder.rebuild([])
    assert nothing.report.written == () and nothing.report.removed == ()


def test_template_edit_rerenders_pages_that_use_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", base_files())
    builder = Builder(site)
    builder.build()
    (site / "templates/partials/footer.html").write_text("<footer>New footer</footer>\n")
    result = builder.rebuild(["templates/partials/footer.html"])
    html = [p for p in result.report.written if p.endswith(".html")]
    assert "index.html" in html and "briefings/b1/index.html" in html
    assert "feed.xml" not in result.report.written  # feeds do not use the footer
    assert "New footer" in (site / "public/briefings/b1/index.html").read_text()


def test_failed_rebuild_keeps_output_and_recovers(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", base_files())
    builder = Builder(site)
    builder.build()
    before = read_tree(site / "public")
    path = site / "content/briefings/2023-01-10-b0.md"
    good = path.read_text()
    path.write_text("---\ntitle: [broken\n---\n")
    with pytest.raises(SiteError):
        builder.rebuild(["content/briefings/2023-01-10-b0.md"])
    assert read_tree(site / "public") == before
    (site / "content/briefings/2023-01-11-b1.md").write_text(briefing("Other change", "2023-01-11", "Kim Jong Un."))
    path.write_text(good.replace("Briefing 0", "Fixed"))
    builder.rebuild(["content/briefings/2023-01-11-b1.md"])  # the broken file is still remembered as changed
    assert "Fixed" in (site / "public/briefings/b0/index.html").read_text()
    assert "Other change" in (site / "public/briefings/b1/index.html").read_text()
