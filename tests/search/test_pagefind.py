"""Full-text search: Pagefind indexing of a built site, its failure modes, config, and reproducible bundles."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import SiteFactory, briefing, hanging_indexer, read_tree, started_pid

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions, BuildPolicy, load_site_config
from site_builder.build.site_build import Build
from site_builder.cli.main import main
from site_builder.core.cancel import CancelToken
from site_builder.core.errors import ContentError, Interrupted, SiteError
from site_builder.search import pagefind as search
from site_builder.search.bundle import SIGNATURE, decode, encode, normalise_bundle, read_packed
from site_builder.search.pagefind import BUNDLE_DIR, SearchIndexError, index_site

REPO = Path(__file__).resolve().parents[2]
CONFIG = "title: Test Desk\nbase_url: https://example.org/desk/\ntimezone: UTC\n"
SITE = {
    "content/briefings/2023-01-29-denial.md": briefing(
        title="Pyongyang denies arms deal", body="Kim Jong Un said nothing about the zeppelin shipment.",
        topics="[arms-trade]", actors="[kim-jong-un, russia]"),
    "content/briefings/2023-02-01-visit.md": briefing(
        title="Delegation visits Moscow", date="2023-02-01", body="A quiet visit to Russia.", topics="[diplomacy]"),
    "content/actors/kim-jong-un.yaml": "name: Kim Jong Un\ntype: person\naliases: [김정은]\nsummary: Leader.\n",
    "content/actors/russia.yaml": "name: Russia\ntype: state\n",
    "content/pages/about.md": "---\ntitle: About\n---\n\nAbout this desk.\n",
}
SITE_BRIEFING = "content/briefings/2023-01-29-denial.md"
# A stand-in for the indexer that fails the way Pagefind does: a message on stderr and a non-zero status.
FAILING = [sys.executable, "-c", "import sys; print('Error: disk on fire', file=sys.stderr); sys.exit(3)"]


def fragments(bundle: Path) -> dict[str, dict[str, Any]]:
    """Every indexed page of a bundle: URL → the record Pagefind returns for it."""
    out = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(SIGNATURE)
        record = json.loads(data[len(SIGNATURE):])
        out[record["url"]] = record
    return out


def filter_values(bundle: Path) -> dict[str, dict[str, int]]:
    """Filter → value → number of pages, read from the bundle as Pagefind's filters() would report it."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    out: dict[str, dict[str, int]] = {}
    for info in entry["languages"].values():
        meta = read_packed(bundle / f"pagefind.{info['hash']}.pf_meta")
        for name, filter_hash in meta[3]:
            _, values = read_packed(bundle / "filter" / f"{filter_hash}.pf_filter")
            out[name] = {value: len(pages) for value, pages in values}
    return out


# -- indexing a built site -----------------------------------------------------------------------------------------

def test_build_indexes_searchable_pages_with_filters(make_site: SiteFactory) -> None:
    site = make_site(SITE)
    result = Builder(site).build()
    bundle = site / "public" / BUNDLE_DIR
    assert result.search is not None and result.search.pages == 7  # 2 briefings, 2 actors, 2 topics, about
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    pages = fragments(bundle)
    assert sorted(pages) == ["/about/", "/actors/kim-jong-un/", "/actors/russia/", "/briefings/denial/",
                             "/briefings/visit/", "/topics/arms-trade/", "/topics/diplomacy/"]
    denial = pages["/briefings/denial/"]
    assert "zeppelin shipment" in denial["content"]
    assert denial["meta"] == {"date": "2023-01-29", "kind": "Briefing", "title": "Pyongyang denies arms deal"}
    assert denial["filters"] == {"actor": ["Kim Jong Un", "Russia"], "topic": ["Arms trade"],
                                 "type": ["Person", "State"]}
    for chrome in ("Actors involved", "Newer", "Bottom line", "Test Desk", "Briefings"):  # aside, nav, headings
        assert chrome not in denial["content"], chrome
    assert pages["/actors/kim-jong-un/"]["filters"] == {"actor": ["Kim Jong Un"], "topic": ["Arms trade"],
                                                        "type": ["Person"]}
    assert "김정은" in pages["/actors/kim-jong-un/"]["content"]
    assert pages["/topics/diplomacy/"]["filters"] == {"topic": ["Diplomacy"]}
    # Russia: both briefings (the visit names it in the text) and its profile; topics: briefings, topic pages
    # and the profiles of actors in them.
    assert filter_values(bundle) == {"actor": {"Kim Jong Un": 2, "Russia": 3},
                                     "topic": {"Arms trade": 4, "Diplomacy": 3},
                                     "type": {"Person": 2, "State": 3}}
    assert not [p for p in (site / "public").iterdir() if p.name.startswith(".pagefind-")]  # no staging left


def test_relative_urls_keep_index_html_in_results(make_site: SiteFactory) -> None:
    site = make_site(SITE, config=CONFIG + "relative_urls: true\n")
    Builder(site).build()
    assert "/briefings/denial/index.html" in fragments(site / "public" / BUNDLE_DIR)


def test_lists_home_archive_and_404_are_not_indexed(make_site: SiteFactory) -> None:
    site = make_site(SITE)
    Builder(site).build()
    urls = set(fragments(site / "public" / BUNDLE_DIR))
    for page in ("/", "/briefings/", "/actors/", "/topics/", "/archive/", "/archive/2023/", "/404.html", "/search/"):
        assert page not in urls


def test_a_second_page_of_a_profile_is_not_indexed(make_site: SiteFactory) -> None:
    files = dict(SITE)
    for day in range(1, 4):
        files[f"content/briefings/2023-03-0{day}-b{day}.md"] = briefing(
            title=f"Briefing {day}", date=f"2023-03-0{day}", body="Russia again.", actors="[russia]")
    site = make_site(files, config=CONFIG + "pagination: {timeline: 2, per_page: 2}\n")
    Builder(site).build()
    assert (site / "public/actors/russia/page/2/index.html").is_file()
    urls = set(fragments(site / "public" / BUNDLE_DIR))
    assert "/actors/russia/" in urls and not [u for u in urls if "/page/" in u]


def test_stale_index_files_are_removed_and_equal_ones_left_alone(make_site: SiteFactory) -> None:
    site = make_site(SITE)
    builder = Builder(site)
    builder.build()
    bundle = site / "public" / BUNDLE_DIR
    stale = bundle / "fragment" / "en_0000000.pf_fragment"
    stale.write_bytes(b"old")
    wasm_time = (bundle / "wasm.en.pagefind").stat().st_mtime_ns
    (site / SITE_BRIEFING).write_text(briefing(title="Pyongyang denies arms deal", body="Now about balloons."))
    result = builder.rebuild([SITE_BRIEFING])
    assert result.search is not None and "fragment/en_0000000.pf_fragment" in result.search.removed
    assert not stale.exists()
    assert (bundle / "wasm.en.pagefind").stat().st_mtime_ns == wasm_time  # same bytes: not rewritten
    assert any("balloons" in p["content"] for p in fragments(bundle).values())
    assert not any("zeppelin" in p["content"] for p in fragments(bundle).values())


def test_two_runs_on_the_same_pages_give_the_same_bytes(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site(SITE)
    Builder(site, BuildOptions(), policy=BuildPolicy(index_search=False)).build()
    pages = read_tree(site / "public")
    copies = []
    for name, order in (("a", sorted(pages)), ("b", sorted(pages, reverse=True))):
        out = tmp_path / name  # files created in another order: another directory order on disk
        for rel in order:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(pages[rel])
        index_site(out)
        copies.append(read_tree(out / BUNDLE_DIR))
    for _ in range(2):  # Pagefind's own order changes from run to run; ours must not
        index_site(tmp_path / "a")
        copies.append(read_tree(tmp_path / "a" / BUNDLE_DIR))
    assert all(copy == copies[0] for copy in copies[1:])


# -- failures ------------------------------------------------------------------------------------------------------

def test_failing_indexer_keeps_the_previous_index(make_site: SiteFactory) -> None:
    site = make_site(SITE)
    Builder(site).build()
    out = site / "public"
    (out / ".pagefind-killed" / "pagefind").mkdir(parents=True)  # left by a run that was killed
    before = read_tree(out / BUNDLE_DIR)
    with pytest.raises(SearchIndexError) as caught:
        index_site(out, command=FAILING)
    message = caught.value.diagnostics[0].format()
    assert message.startswith(f"{(out / BUNDLE_DIR).as_posix()}: error: search index: Pagefind failed (exit status 3)")
    assert "Error: disk on fire" in message and "the previous search index is kept" in message
    assert read_tree(out / BUNDLE_DIR) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".pagefind-")]


def test_a_stop_request_kills_the_indexer_and_keeps_the_previous_index(make_site: SiteFactory,
                                                                        tmp_path: Path) -> None:
    site = make_site(SITE)
    Builder(site).build()
    out = site / "public"
    before = read_tree(out / BUNDLE_DIR)
    pid_file, token = tmp_path / "indexer.pid", CancelToken()
    threading.Thread(target=lambda: (started_pid(pid_file), token.cancel(signal.SIGINT)), daemon=True).start()
    with pytest.raises(Interrupted) as stopped:
        index_site(out, command=hanging_indexer(pid_file), cancel=token, timeout=120)  # a hang guard
    assert stopped.value.signum == signal.SIGINT
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(started_pid(pid_file), 0)
    assert read_tree(out / BUNDLE_DIR) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".pagefind-")]


def test_missing_indexer_says_how_to_install_or_turn_search_off(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError) as caught:
        index_site(tmp_path, command=[str(tmp_path / "no-such-pagefind")])
    text = caught.value.diagnostics[0].format()
    assert "the Pagefind indexer cannot be run" in text
    assert "pip install 'pagefind[bin]'" in text and "search: {enabled: false}" in text


def test_build_reports_indexing_failure_after_writing_pages(make_site: SiteFactory, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(SITE)
    monkeypatch.setattr(search, "pagefind_command", lambda: FAILING)
    assert main(["build", str(site)]) == 1
    err = capsys.readouterr().err
    assert "Pagefind failed (exit status 3)" in err
    assert "1 error; the pages were written, the previous search index was kept" in err
    assert (site / "public/briefings/denial/index.html").is_file()


def test_static_files_may_not_claim_the_index_folder(make_site: SiteFactory) -> None:
    site = make_site({**SITE, "static/pagefind/custom.js": "// mine"})
    with pytest.raises(SiteError) as caught:
        Builder(site).build()
    assert [d.format() for d in caught.value.diagnostics] == [
        "static/pagefind/custom.js: error: pagefind/ is reserved for the search index "
        "(move the file out of static/pagefind/, or turn search off)"]
    assert not (site / "public").exists()  # found before anything was written


def test_unexpected_bundle_layout_is_an_error(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "pagefind-entry.json").write_text('{"version": "9", "languages": {"en": {"hash": "en_1"}}}')
    (bundle / "pagefind.en_1.pf_meta").write_bytes(gzip.compress(b"not signed"))
    with pytest.raises(ValueError, match="no pagefind_dcd signature"):
        normalise_bundle(bundle)


# -- config --------------------------------------------------------------------------------------------------------

def test_search_can_be_turned_off(make_site: SiteFactory) -> None:
    site = make_site(SITE, config=CONFIG + "search:\n  enabled: false\n")
    result = Builder(site).build()
    out = site / "public"
    assert result.search is None
    assert not (out / BUNDLE_DIR).exists() and not (out / "search").exists()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert ">Search</a>" not in home and "search/" not in home
    assert "search/" not in (out / "404.html").read_text(encoding="utf-8")


def test_unknown_search_key_is_an_error_with_a_suggestion(make_site: SiteFactory) -> None:
    site = make_site(SITE, config=CONFIG + "search:\n  enable: false\n")
    with pytest.raises(ContentError) as caught:
        load_site_config(site, BuildOptions())
    assert "did you mean 'enabled'" in caught.value.diagnostics[0].format()


def test_check_does_not_index(make_site: SiteFactory) -> None:
    site = make_site(SITE)
    Builder(site).check()
    assert not (site / "public").exists()


# -- reproducible bundles ------------------------------------------------------------------------------------------

def test_cbor_codec_round_trips_pagefinds_own_files(make_site: SiteFactory) -> None:
    site = make_site(SITE)
    Builder(site, BuildOptions(), policy=BuildPolicy(index_search=False)).build()
    raw = site / "raw"
    shutil.copytree(site / "public", raw)
    search._run([*search.pagefind_command(), "--site", str(raw), "--output-path", str(raw / "pf"), "--silent"],
                cwd=raw, timeout=120, where=raw)
    files = [*(raw / "pf").glob("*.pf_meta"), *(raw / "pf" / "filter").glob("*.pf_filter")]
    assert len(files) == 4
    for path in files:
        data = gzip.decompress(path.read_bytes())[len(SIGNATURE):]
        value, end = decode(data)
        assert end == len(data) and encode(value) == data


def test_normalising_ignores_the_order_pagefind_chose(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site(SITE)
    Builder(site).build()
    bundle = site / "public" / BUNDLE_DIR
    expected = read_tree(bundle)
    # Reverse every order a hash map could have given, as another Pagefind run might.
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    meta_path = bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    meta = read_packed(meta_path)
    for _, filter_hash in meta[3]:
        path = bundle / "filter" / f"{filter_hash}.pf_filter"
        name, values = read_packed(path)
        path.write_bytes(gzip.compress(SIGNATURE + encode([name, values[::-1]])))
    meta[3] = meta[3][::-1]
    meta_path.write_bytes(gzip.compress(SIGNATURE + encode(meta)))
    assert read_tree(bundle) != expected
    normalise_bundle(bundle)
    assert read_tree(bundle) == expected


# -- the example desk ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example")
    Builder(REPO, BuildOptions(out_dir=out, cache=False)).build()
    return out / BUNDLE_DIR


def test_example_desk_index_has_the_expected_filters(example_bundle: Path) -> None:
    graph = Build(load_site_config(REPO, BuildOptions())).render_site().graph
    values = filter_values(example_bundle)
    assert sorted(values) == ["actor", "topic", "type"]
    assert set(values["type"]) == {"Person", "State", "Organization", "Armed group"}
    assert set(values["topic"]) == {t.title for t in graph.topics.values()}
    assert set(values["actor"]) == {graph.actors[a].name for b in graph.briefings for a in graph.briefing_actors[b.slug]}
    pages = fragments(example_bundle)
    for b in graph.briefings:
        record = pages[f"/briefings/{b.slug}/index.html"]
        actors = [graph.actors[a] for a in graph.briefing_actors[b.slug]]
        assert sorted(record["filters"]["actor"]) == sorted(a.name for a in actors), b.slug
        assert sorted(record["filters"]["type"]) == sorted({load_site_config(REPO, BuildOptions()).actor_type(
            a.type).label for a in actors}), b.slug
        assert record["meta"]["date"] == b.date.date().isoformat()
    assert pages["/actors/kim-yo-jong/index.html"]["filters"]["actor"] == ["Kim Yo Jong"]
    assert pages["/actors/kim-yo-jong/index.html"]["filters"]["type"] == ["Person"]
    # Every page counts once per value, so filter counts are page counts.
    assert values["type"]["Armed group"] == sum("Armed group" in p["filters"].get("type", []) for p in pages.values())
