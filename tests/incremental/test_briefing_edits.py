"""Body-only rebuilds patch the last graph and plan few pages, and still give the bytes of a clean build."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG, briefing, examples, read_tree, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build import site_build as build
from site_builder.build.builder import Builder, BuildResult
from site_builder.build.options import BuildOptions, BuildPolicy
from site_builder.core.errors import SiteError

# Small pages and feeds, so an edit lands on one page of several and in or out of a feed.
PAGES = MINIMAL_CONFIG + "pagination: {timeline: 2, per_page: 2, home: 2}\n"
CONFIG = PAGES + "feeds: {entries: 2}\n"
ACTORS = {
    "kim": "name: Kim Jong Un\ntype: person\n",
    "kyj": "name: Kim Yo Jong\ntype: person\n",
    "nk": "name: North Korea\ntype: state\naliases: [Pyongyang]\n",
    "wagner": "name: Wagner Group\ntype: armed-group\naliases: [Wagner]\n",
}
FIRST = "Kim Jong Un met officials from North Korea."
QUOTE = "“We will never give up our nuclear weapons,” said Kim Jong Un."
SNIPPETS = [
    "Plain words and nothing else.",
    "Kim Jong Un spoke again.",  # one more mention of an actor the briefing already names first
    QUOTE,
    "Pyongyang answered later.",
    "Wagner was there too.",  # a new actor: the actor list changes
]


def site_files() -> dict[str, str]:
    files = {f"content/actors/{k}.yaml": v for k, v in ACTORS.items()}
    for n in range(7):
        body = f"{FIRST}\n\nParagraph {n} about the talks.\n"
        files[f"content/briefings/2023-03-{n + 10:02d}-b{n}.md"] = briefing(
            f"Briefing {n}", f"2023-03-{n + 10:02d}", body, topics="[talks]", actors="[kyj]" if n % 2 else "[]")
    return files


def path_of(n: int) -> str:
    return f"content/briefings/2023-03-{n + 10:02d}-b{n}.md"


def append(site: Path, n: int, text: str) -> list[str]:
    path = site / path_of(n)
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n", encoding="utf-8")
    return [path_of(n)]


def assert_clean(site: Path, out: Path, scratch: Path, fingerprint: bool | None = None) -> None:
    shutil.rmtree(scratch, ignore_errors=True)
    Builder(site, BuildOptions(out_dir=scratch, cache=False), policy=BuildPolicy(fingerprint=fingerprint)).build()
    assert read_tree(out) == read_tree(scratch)


@pytest.fixture
def linked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts full links of the graph; a patched rebuild adds none."""
    calls: list[int] = []
    link = build.build_graph

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return link(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "build_graph", spy)
    return calls


def started(tmp_path: Path) -> tuple[Path, Builder]:
    site = write_site(tmp_path / "site", site_files(), CONFIG)
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False))
    builder.build()
    return site, builder


@pytest.mark.parametrize("snippet", SNIPPETS[:4])
def test_body_edit_patches_the_graph_and_equals_a_clean_build(tmp_path: Path, linked: list[int],
                                                               snippet: str) -> None:
    site, builder = started(tmp_path)
    before = len(linked)
    result = builder.rebuild(append(site, 3, snippet))
    assert len(linked) == before
    assert "briefings/b3/index.html" in result.report.written
    assert_clean(site, site / "public", tmp_path / "clean")


def test_words_only_touch_the_briefing_its_timeline_pages_and_feeds(tmp_path: Path) -> None:
    site, builder = started(tmp_path)
    result = builder.rebuild(append(site, 0, SNIPPETS[0]))
    written = set(result.report.written)
    assert "briefings/b0/index.html" in written
    assert "index.html" not in written and "actors/index.html" not in written  # no count changed
    assert "actors/kim/page/2/index.html" not in written  # b0 is the oldest: on kim's last timeline page
    assert_clean(site, site / "public", tmp_path / "clean")


def test_removing_mentions_and_quotes_equals_a_clean_build(tmp_path: Path, linked: list[int]) -> None:
    site, builder = started(tmp_path)
    append(site, 5, f"{QUOTE}\n\nKim Jong Un and Pyongyang again.")
    builder.rebuild([path_of(5)])
    assert_clean(site, site / "public", tmp_path / "clean")
    path = site / path_of(5)
    for old in (QUOTE, "Kim Jong Un and Pyongyang again."):
        path.write_text(path.read_text(encoding="utf-8").replace(old, "No names now."), encoding="utf-8")
        before = len(linked)
        builder.rebuild([path_of(5)])
        assert len(linked) == before
        assert_clean(site, site / "public", tmp_path / "clean")


def test_a_quote_without_a_new_mention_shows_on_the_first_profile_page(tmp_path: Path) -> None:
    site, builder = started(tmp_path)
    path = site / path_of(3)  # on the second page of Kim Jong Un's timeline
    quoted = "“We will never give up our nuclear weapons,” said Kim Jong Un to officials from North Korea."
    path.write_text(path.read_text(encoding="utf-8").replace(FIRST, quoted), encoding="utf-8")
    result = builder.rebuild([path_of(3)])
    assert "actors/kim/index.html" in result.report.written
    assert "actors/index.html" not in result.report.written  # the same mentions, so the same counts
    assert_clean(site, site / "public", tmp_path / "clean")
    path.write_text(path.read_text(encoding="utf-8").replace(quoted, FIRST), encoding="utf-8")
    builder.rebuild([path_of(3)])
    assert_clean(site, site / "public", tmp_path / "clean")


@pytest.mark.parametrize("n", [0, 3, 6])
def test_a_title_edit_replans_the_pages_that_list_the_briefing(tmp_path: Path, linked: list[int], n: int) -> None:
    site, builder = started(tmp_path)
    path = site / path_of(n)
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    before = len(linked)
    result = builder.rebuild([path_of(n)])
    assert len(linked) == before
    assert f"briefings/b{n}/index.html" in result.report.written
    assert_clean(site, site / "public", tmp_path / "clean")


def test_a_title_shows_on_neighbours_and_in_feeds_without_full_content(tmp_path: Path) -> None:
    files = {f"content/briefings/2023-06-0{n}-u{n}.md": briefing(f"Unrelated {n}", f"2023-06-0{n}", "No names.",
                                                                 topics=f"[t{n}]") for n in range(1, 4)}
    site = write_site(tmp_path / "site", files, PAGES + "feeds: {entries: 2, full_content: false}\n")
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False))
    builder.build()
    rel = "content/briefings/2023-06-02-u2.md"
    (site / rel).write_text((site / rel).read_text(encoding="utf-8").replace("Unrelated 2", "Renamed"))
    result = builder.rebuild([rel])
    assert {"briefings/u1/index.html", "briefings/u3/index.html", "feed.xml"} <= set(result.report.written)
    assert_clean(site, site / "public", tmp_path / "clean")


def test_a_title_edit_makes_and_digests_only_the_edited_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other cards carry over from the last build with their digests: pickling them all was most of the edit."""
    from site_builder.core import keys
    from site_builder.render.views import BriefingCard

    site, builder = started(tmp_path)
    pickled: list[str] = []
    dumps = keys.dumps

    def spy(value: object) -> bytes:
        if isinstance(value, BriefingCard):
            pickled.append(value.slug)
        return dumps(value)

    monkeypatch.setattr(keys, "dumps", spy)
    path = site / path_of(3)
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    result = builder.rebuild([path_of(3)])
    assert {"briefings/b2/index.html", "briefings/b4/index.html"} <= set(result.report.written)  # neighbours
    assert pickled == ["b3"]
    assert_clean(site, site / "public", tmp_path / "clean")


def test_summary_key_points_and_sources_edits_equal_a_clean_build(tmp_path: Path) -> None:
    site, builder = started(tmp_path)
    path = site / path_of(5)
    extra = ("summary: The bottom line.\nkey_points: [One point]\ndateline: Seoul\nagency: AFP\n"
             "sources: [{title: Report, url: 'https://example.org/r'}]\n")
    path.write_text(path.read_text(encoding="utf-8").replace("topics: ", extra + "topics: ", 1), encoding="utf-8")
    builder.rebuild([path_of(5)])  # new fields: a different number of front matter lines too
    assert_clean(site, site / "public", tmp_path / "clean")
    path.write_text(path.read_text(encoding="utf-8").replace("One point", "Another point"), encoding="utf-8")
    builder.rebuild([path_of(5)])
    assert_clean(site, site / "public", tmp_path / "clean")


@pytest.mark.parametrize("fingerprint", [False, True])
def test_static_and_template_edits_keep_the_graph(tmp_path: Path, linked: list[int], fingerprint: bool) -> None:
    files: dict[str, str] = {**site_files(), "static/css/extra.css": "body { margin: 0 }\n"}
    site = write_site(tmp_path / "site", files, CONFIG)
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False, fingerprint=fingerprint))
    builder.build()
    before = len(linked)
    (site / "static/css/extra.css").write_text("body { margin: 1px }\n", encoding="utf-8")
    result = builder.rebuild(["static/css/extra.css", *append(site, 2, SNIPPETS[0])])
    assert len(linked) == before
    if not fingerprint:  # no hashed names: the pages do not change with the sheet
        assert set(result.report.written) <= {"css/extra.css", "briefings/b2/index.html", "actors/kim/page/3/index.html",
                                              "actors/nk/page/3/index.html"}
    assert_clean(site, site / "public", tmp_path / "clean", fingerprint)
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/footer.html").write_text("<footer>Other footer</footer>\n", encoding="utf-8")
    before = len(linked)
    builder.rebuild(["templates/partials/footer.html"])
    assert len(linked) == before
    assert_clean(site, site / "public", tmp_path / "clean", fingerprint)


def test_a_new_actor_in_a_body_is_linked_without_linking_every_briefing(tmp_path: Path, linked: list[int]) -> None:
    """Its actor list changed, so the graph is not the last one with a new body: the lists of its actors are
    worked out again (see relink.relink_briefings), not the whole graph."""
    site, builder = started(tmp_path)
    before = len(linked)
    builder.rebuild(append(site, 2, SNIPPETS[4]))
    assert len(linked) == before
    assert_clean(site, site / "public", tmp_path / "clean")


def test_nothing_changed_then_an_edit(tmp_path: Path) -> None:
    site, builder = started(tmp_path)
    nothing = builder.rebuild([])
    assert nothing.report.written == () and nothing.report.removed == ()
    builder.rebuild(append(site, 1, QUOTE))
    assert_clean(site, site / "public", tmp_path / "clean")


def test_created_and_deleted_files_are_seen_without_walking_the_tree(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    site, builder = started(tmp_path)
    walks: list[Path] = []
    walk = build.discover

    def spy(root: Path, output_dir: str = "public") -> object:
        walks.append(root)
        return walk(root, output_dir)

    monkeypatch.setattr(build, "discover", spy)
    new = "content/briefings/2023/2023-04-01-new.md"
    (site / new).parent.mkdir()
    (site / new).write_text(briefing("New one", "2023-04-01", "Kim Jong Un, later."), encoding="utf-8")
    result = builder.rebuild([new])
    assert walks == []
    assert "briefings/new/index.html" in result.report.written
    assert_clean(site, site / "public", tmp_path / "clean")
    (site / path_of(4)).unlink()
    walks.clear()
    result = builder.rebuild([path_of(4), "content/briefings/.b4.md.swp"])
    assert walks == []
    assert "briefings/b4/index.html" in result.report.removed
    assert_clean(site, site / "public", tmp_path / "clean")
    (site / "content/actors/kyj.yaml").write_text("name: Kim Yo Jong\ntype: person\nsummary: Sister.\n")
    walks.clear()
    builder.rebuild(["content/actors/kyj.yaml"])
    assert walks == []
    assert_clean(site, site / "public", tmp_path / "clean")


def test_a_changed_folder_walks_the_tree_again(tmp_path: Path) -> None:
    site, builder = started(tmp_path)
    folder = site / "content/briefings/2024"
    folder.mkdir()
    (folder / "2024-01-01-a.md").write_text(briefing("In a folder", "2024-01-01", "North Korea."), encoding="utf-8")
    builder.rebuild(["content/briefings/2024"])
    assert (site / "public/briefings/a/index.html").exists()
    assert_clean(site, site / "public", tmp_path / "clean")
    shutil.rmtree(folder)
    builder.rebuild(["content/briefings/2024"])
    assert not (site / "public/briefings/a/index.html").exists()
    assert_clean(site, site / "public", tmp_path / "clean")


def test_a_draft_body_edit_changes_nothing(tmp_path: Path) -> None:
    files = site_files()
    files["content/briefings/2023-05-01-d.md"] = briefing("Draft", "2023-05-01", "Kim Jong Un.", draft="true")
    site = write_site(tmp_path / "site", files, CONFIG)
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False))
    builder.build()
    path = site / "content/briefings/2023-05-01-d.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result: BuildResult = builder.rebuild(["content/briefings/2023-05-01-d.md"])
    assert result.report.written == ()
    assert_clean(site, site / "public", tmp_path / "clean")


def test_a_failed_rebuild_keeps_the_patched_state(tmp_path: Path) -> None:
    site, builder = started(tmp_path)
    builder.rebuild(append(site, 6, QUOTE))
    bad = site / "content/actors/kyj.yaml"
    good = bad.read_text(encoding="utf-8")
    bad.write_text("name: [broken\n", encoding="utf-8")
    append(site, 6, "Kim Jong Un once more.")
    with pytest.raises(SiteError):
        builder.rebuild([path_of(6), "content/actors/kyj.yaml"])
    bad.write_text(good, encoding="utf-8")
    builder.rebuild([])  # both files are still pending
    assert_clean(site, site / "public", tmp_path / "clean")


def test_an_unknown_actor_in_an_edited_briefing_is_still_an_error(tmp_path: Path) -> None:
    """With the actors unchanged the registry is kept and only files read again are checked: this one is."""
    site, builder = started(tmp_path)
    path = site / path_of(1)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("actors: [kyj]", "actors: [kyj, nobody]"), encoding="utf-8")
    with pytest.raises(SiteError, match="unknown actor 'nobody'"):
        builder.rebuild([path_of(1)])
    path.write_text(good, encoding="utf-8")
    builder.rebuild([path_of(1)])
    assert_clean(site, site / "public", tmp_path / "clean")


EDITS = st.tuples(st.sampled_from(["append", "insert", "trim", "title", "nothing"]), st.integers(0, 6),
                  st.sampled_from(SNIPPETS))


def apply(site: Path, op: tuple[str, int, str]) -> list[str]:
    kind, n, snippet = op
    if kind == "nothing":
        return []
    path = site / path_of(n)
    text = path.read_text(encoding="utf-8")
    if kind == "append":
        return append(site, n, snippet)
    if kind == "insert":  # after the first paragraph, so the first mention stays first
        text = text.replace(f"{FIRST}\n\n", f"{FIRST}\n\n{snippet}\n\n", 1)
    elif kind == "title":
        text = text.replace("title: ", f"title: {snippet.split()[0]} ", 1)
    else:
        head, _, _ = text.rstrip("\n").rpartition("\n\n")
        text = head + "\n" if FIRST in head else text
    path.write_text(text, encoding="utf-8")
    return [path_of(n)]


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDITS, min_size=1, max_size=6))
def test_body_edit_sequences_equal_a_clean_build(ops: list[tuple[str, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site, builder = started(Path(tmp))
        for op in ops:
            builder.rebuild(apply(site, op))
            assert_clean(site, site / "public", Path(tmp) / "clean")


def test_a_new_process_after_rebuilds_equals_a_clean_build(tmp_path: Path) -> None:
    """Rebuilds leave the page digests as the full build stored them; a later build must not trust stale ones."""
    site, builder = started(tmp_path)
    builder.rebuild(append(site, 5, QUOTE))
    path = site / path_of(6)
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    builder.rebuild([path_of(6)])
    path.write_text(path.read_text(encoding="utf-8").replace("title: Revised ", "title: ", 1), encoding="utf-8")
    result = Builder(site).build()  # another process: the disk cache, not the memo
    assert result.skipped > 0
    assert_clean(site, site / "public", tmp_path / "clean")
