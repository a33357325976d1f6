"""Rebuilds after edits that move briefings (dates, topics, actors) plan few pages and equal a clean build.

The desk is large enough that an edit reaches only some pages: timelines, topics and lists run to
several pages, feeds hold three entries, and the years and months of the archive shift when a
date does.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from conftest import DESK_ACTORS, MINIMAL_CONFIG, examples, read_tree, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build import site_build as build
from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions, BuildPolicy
from site_builder.render import page_plan as pages
from site_builder.render.page_plan import Scope

CONFIG = MINIMAL_CONFIG + "pagination: {timeline: 2, per_page: 3, home: 2}\nfeeds: {entries: 3}\n"
SUMMARY_FEEDS = CONFIG.replace("{entries: 3}", "{entries: 3, full_content: false}")
ACTORS = {
    **DESK_ACTORS,
    "un": "name: United Nations\ntype: organization\naliases: [UN]\n",
    "idle": "name: Idle Actor\ntype: organization\n",  # in no briefing: an empty feed, dated by the newest one
}
TOPICS = ("sanctions", "diplomacy", "war-in-ukraine", "nuclear")
SENTENCES = (
    "Kim Jong Un inspected a missile plant.",
    "Pyongyang said nothing new.",
    "“We will answer every provocation,” said Kim Yo Jong.",
    "Wagner fighters were seen again.",
    "The UN called for restraint.",
    "Nothing about anyone here.",
)
DATES = ("2021-03-04", "2021-11-20", "2022-02-14", "2022-02-27", "2022-07-01", "2023-01-09", "2023-05-30",
         "2023-05-31", "2019-12-31", "2024-02-29")
COUNT = 18


@dataclass(frozen=True)
class Doc:
    """A briefing's front matter and body, written out whole after each edit."""

    title: str
    date: str
    topics: tuple[str, ...]
    actors: tuple[str, ...]
    body: tuple[str, ...]
    updated: str = ""
    draft: bool = False

    def text(self) -> str:
        lines = [f"title: {self.title}", f"date: {self.date}", f"topics: [{', '.join(self.topics)}]",
                 f"actors: [{', '.join(self.actors)}]"]
        lines += [f"updated: {self.updated}"] if self.updated else []
        lines += ["draft: true"] if self.draft else []
        return "---\n" + "\n".join(lines) + "\n---\n\n" + "\n\n".join(self.body) + "\n"


def first_docs() -> list[Doc]:
    return [Doc(f"Briefing {n}", DATES[n % 8], (TOPICS[n % 4],) + ((TOPICS[(n + 1) % 4],) if n % 3 == 0 else ()),
                ("un",) if n % 5 == 0 else (), (SENTENCES[n % 6], SENTENCES[(n * 7 + 1) % 6]))
            for n in range(COUNT)]


def path_of(n: int) -> str:
    return f"content/briefings/b{n:02d}.md"


def start(root: Path, docs: list[Doc], config: str = CONFIG) -> Path:
    files = {f"content/actors/{k}.yaml": v for k, v in ACTORS.items()}
    files.update((path_of(n), doc.text()) for n, doc in enumerate(docs))
    return write_site(root, files, config)


def edited(doc: Doc, kind: str, k: int) -> Doc:
    """One front-matter or body edit; most of them move the briefing in some list."""
    if kind == "date":
        return replace(doc, date=DATES[k % len(DATES)])
    if kind == "topics":
        # "rare" is in no briefing at first: it comes and goes with the briefings that name it.
        return replace(doc, topics=tuple(t for i, t in enumerate((*TOPICS, "rare")) if (k >> i) & 1))
    if kind == "actors":
        return replace(doc, actors=tuple(a for i, a in enumerate(("un", "idle", "kyj")) if (k >> i) & 1))
    if kind == "mention":  # a new mention can add an actor to the briefing, or reorder its actors
        return replace(doc, body=(SENTENCES[k % 6], *doc.body))
    if kind == "unmention":
        return replace(doc, body=doc.body[1:] or ("Nothing about anyone here.",))
    if kind == "updated":
        return replace(doc, updated="" if doc.updated else DATES[k % len(DATES)])
    if kind == "title":
        return replace(doc, title=f"{doc.title} {k}")
    return replace(doc, draft=not doc.draft)  # the site loses or gains a briefing


def moved(path: str | None, kind: str, n: int) -> str | None:
    """Where a briefing's file is after an edit: "delete" takes it away or brings it back, "rename" gives it
    another file name, and so another slug."""
    if kind == "delete":
        return None if path is not None else path_of(n)
    if kind == "rename" and path is not None:
        return f"content/briefings/renamed-{n:02d}.md" if path == path_of(n) else path_of(n)
    return path


def apply_edits(site: Path, where: list[str | None], docs: list[Doc], edits: list[tuple[str, int, int]]) -> list[str]:
    """Write the edits out (see `edited` and `moved`), keeping `where` and `docs` up to date; the paths that changed."""
    changed: list[str] = []
    for kind, n, k in edits:
        was = where[n]
        if was is not None:
            (site / was).unlink()
        where[n] = moved(was, kind, n)
        if kind not in ("delete", "rename"):
            docs[n] = edited(docs[n], kind, k)
        now = where[n]
        if now is not None:
            (site / now).write_text(docs[n].text(), encoding="utf-8")
        changed += [p for p in (was, now) if p is not None]
    return changed


EDITS = st.tuples(st.sampled_from(["date", "topics", "actors", "mention", "unmention", "updated", "title", "draft",
                                   "delete", "rename"]),
                  st.integers(0, COUNT - 1), st.integers(0, 31))


def clean(site: Path, scratch: Path, drafts: bool = False) -> dict[str, bytes]:
    shutil.rmtree(scratch, ignore_errors=True)
    Builder(site, BuildOptions(out_dir=scratch, cache=False, drafts=drafts)).build()
    return read_tree(scratch)


@pytest.fixture
def scopes(monkeypatch: pytest.MonkeyPatch) -> list[Scope | None]:
    """The scope each build planned with: None for every page."""
    seen: list[Scope | None] = []
    plan = build.plan_pages

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(args[3] if len(args) > 3 else kwargs.get("scope"))  # type: ignore[arg-type]
        return plan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "plan_pages", spy)
    return seen


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(EDITS, min_size=1, max_size=3), min_size=1, max_size=4), st.booleans(), st.booleans(),
       st.booleans())
def test_edit_sequences_equal_a_clean_build(rounds: list[list[tuple[str, int, int]]], months_only: bool,
                                            drafts: bool, summaries: bool) -> None:
    """Several files per rebuild, several rebuilds; the archive index with and without its briefings,
    drafts shown (as `serve --drafts` does) or left out, feeds with full content or summaries."""
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        if months_only:
            patch.setattr(pages, "ARCHIVE_INDEX_LIMIT", 5)
        docs = first_docs()
        site = start(Path(tmp) / "site", docs, SUMMARY_FEEDS if summaries else CONFIG)
        builder = Builder(site, BuildOptions(drafts=drafts), policy=BuildPolicy(trust_output=False))
        builder.build()
        where: list[str | None] = [path_of(n) for n in range(COUNT)]  # each briefing's file; None: deleted
        for edits in rounds:
            builder.rebuild(apply_edits(site, where, docs, edits))
            expected = clean(site, Path(tmp) / "clean", drafts)
            got = read_tree(site / "public")
            assert sorted(got) == sorted(expected), edits
            assert [rel for rel in expected if got[rel] != expected[rel]] == [], edits


def test_a_date_edit_plans_the_pages_it_reaches_and_no_others(tmp_path: Path, scopes: list[Scope | None]) -> None:
    docs = first_docs()
    site = start(tmp_path / "site", docs)
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False))
    builder.build()
    docs[4] = replace(docs[4], date="2022-07-02")  # a day later: the same place in every list
    (site / path_of(4)).write_text(docs[4].text(), encoding="utf-8")
    result = builder.rebuild([path_of(4)])
    scope = scopes[-1]
    assert scope is not None and scope.sitemap and not scope.gone
    # Its page, its neighbours' and those of the briefings that list it as related: they show its card.
    assert "b04" in scope.briefings and len(scope.briefings) < COUNT // 2
    assert set(scope.profiles) == {"un"} and set(scope.topics) == {"sanctions"}  # all b04 is in
    assert result.skipped > 3 * len(result.report.written)
    assert "sitemap.xml" in result.report.written
    assert read_tree(site / "public") == clean(site, tmp_path / "clean")


def test_pages_a_list_no_longer_has_are_removed(tmp_path: Path, scopes: list[Scope | None]) -> None:
    """Taking the UN out of every briefing leaves its timeline one page; moving the only 2019 briefing drops that year."""
    docs = first_docs()
    docs[1] = replace(docs[1], date="2019-12-31")
    site = start(tmp_path / "site", docs)
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False))
    builder.build()
    out = site / "public"
    assert (out / "actors/un/page/2/index.html").is_file() and (out / "archive/2019/index.html").is_file()
    changed = []
    for n, doc in enumerate(docs):
        if "un" in doc.actors or SENTENCES[4] in doc.body or n == 1:
            docs[n] = replace(doc, actors=(), body=tuple(t for t in doc.body if t != SENTENCES[4]) or ("Words.",),
                              date="2021-03-05" if n == 1 else doc.date)
            (site / path_of(n)).write_text(docs[n].text(), encoding="utf-8")
            changed.append(path_of(n))
    result = builder.rebuild(changed)
    scope = scopes[-1]
    assert scope is not None and {"actors/un/page/2/", "archive/2019/"} <= scope.gone
    assert {"actors/un/page/2/index.html", "archive/2019/index.html"} <= set(result.report.removed)
    assert read_tree(out) == clean(site, tmp_path / "clean")


def test_a_briefing_that_comes_or_goes_plans_the_pages_it_reaches(tmp_path: Path, scopes: list[Scope | None]) -> None:
    """A draft flag, a deleted, a new and a renamed file: the site gains or loses a briefing, and the
    pages that list or link it, every list page (each shows the count) and the indexes are planned."""
    docs = first_docs()
    site = start(tmp_path / "site", docs)
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False))
    builder.build()
    out = site / "public"

    def rebuilt(*changed: str) -> Scope:
        result = builder.rebuild(list(changed))
        scope = scopes[-1]
        expected = clean(site, tmp_path / "clean")
        assert read_tree(out) == expected
        assert scope is not None and scope.sitemap
        assert result.pages < len([rel for rel in expected if rel.endswith((".html", ".xml"))]) - 10
        return scope

    (site / path_of(3)).write_text(replace(docs[3], draft=True).text(), encoding="utf-8")
    scope = rebuilt(path_of(3))
    assert "briefings/b03/" in scope.gone and not (out / "briefings/b03").exists()
    assert scope.lists == {1, 2, 3, 4, 5, 6}  # every page shows the count
    (site / path_of(3)).unlink()
    scope = rebuilt(path_of(3))  # a draft left the site already: nothing to plan but the indexes
    assert not scope.briefings and not scope.lists and not scope.gone
    (site / path_of(3)).write_text(docs[3].text(), encoding="utf-8")
    scope = rebuilt(path_of(3))
    assert "b03" in scope.briefings and (out / "briefings/b03/index.html").is_file() and not scope.gone
    renamed = "content/briefings/renamed.md"
    (site / path_of(3)).rename(site / renamed)
    scope = rebuilt(path_of(3), renamed)
    assert "renamed" in scope.briefings and scope.gone == {"briefings/b03/"}
    assert not (out / "briefings/b03").exists() and (out / "briefings/renamed/index.html").is_file()


def test_a_topic_no_briefing_uses_any_more_goes_with_its_pages(tmp_path: Path, scopes: list[Scope | None]) -> None:
    """A topic without a topic file exists while a briefing names it; a new one comes the same way."""
    docs = first_docs()
    docs[5] = replace(docs[5], topics=("solo",))
    site = start(tmp_path / "site", docs)
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False))
    builder.build()
    out = site / "public"
    assert (out / "topics/solo/index.html").is_file() and (out / "topics/solo/feed.xml").is_file()
    (site / path_of(5)).write_text(replace(docs[5], topics=("fresh",)).text(), encoding="utf-8")
    result = builder.rebuild([path_of(5)])
    assert scopes[-1] is not None and {"topics/solo/", "topics/solo/feed.xml"} <= scopes[-1].gone
    assert {"topics/solo/index.html", "topics/solo/feed.xml"} <= set(result.report.removed)
    assert (out / "topics/fresh/index.html").is_file()
    assert read_tree(out) == clean(site, tmp_path / "clean")


def test_a_tally_edit_plans_only_the_first_page_of_a_profile(tmp_path: Path, scopes: list[Scope | None]) -> None:
    """Topic tallies and mention counts are in the infobox, on the first page: the other timeline pages stand."""
    docs = first_docs()
    site = start(tmp_path / "site", docs)
    builder = Builder(site, BuildOptions(), policy=BuildPolicy(trust_output=False))
    builder.build()
    out = site / "public"
    # b00, one of the UN's oldest briefings, is on the last page of its timeline.
    assert (out / "actors/un/page/4/index.html").is_file() and not (out / "actors/un/page/5/index.html").exists()
    # It is on two topics already, so a third one leaves its card (two topics shown) as it was.
    docs[0] = replace(docs[0], topics=(*docs[0].topics, "war-in-ukraine"))
    (site / path_of(0)).write_text(docs[0].text(), encoding="utf-8")
    builder.rebuild([path_of(0)])
    moved = scopes[-1]
    # The first page for the tallies, the page that lists the edited briefing; not the pages between.
    assert moved is not None and moved.profiles["un"] == frozenset({1, 4})
    assert all(numbers is not None and len(numbers) == 2 for numbers in moved.profiles.values())
    assert read_tree(out) == clean(site, tmp_path / "clean")
    # A first mention of the UN, after the others: the same actors in the same order, a new count.
    docs[0] = replace(docs[0], body=(*docs[0].body, SENTENCES[4]))
    (site / path_of(0)).write_text(docs[0].text(), encoding="utf-8")
    builder.rebuild([path_of(0)])
    text = scopes[-1]
    assert text is not None and text.profiles["un"] == frozenset({1, 4})  # the count; the row's excerpts
    assert read_tree(out) == clean(site, tmp_path / "clean")
