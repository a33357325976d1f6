"""The disk cache: keys, round trips, corruption, pruning, and that it never changes the output."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

import site_builder
from site_builder.bodies import rendering as bodies
from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions, BuildPolicy
from site_builder.core.keys import SharedKeys, code_digest, digest, dumps
from site_builder.incremental.store import CACHE_DIR, CACHE_FILE, DiskStore
from site_builder.render import page_renderer as render
from site_builder.render.views import ActorRef, BriefingCard, TopicRef

REPO = Path(__file__).resolve().parents[2]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_digest_separates_parts() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("a", b"b") == digest("a", "b")
    assert len(digest("x")) == 20


def test_values_round_trip_through_the_file(tmp_path: Path) -> None:
    cache = DiskStore.open(tmp_path)
    cache.put(b"k1", {"read-only": MappingProxyType({"a": 1})})
    assert cache.get(b"k1")["read-only"]["a"] == 1  # pending entries are visible before saving
    cache.save()
    cache.close()
    again = DiskStore.open(tmp_path)
    value = again.get(b"k1")
    assert isinstance(value["read-only"], MappingProxyType) and value["read-only"]["a"] == 1
    assert again.get(b"missing") is None
    assert (again.stats.hits, again.stats.misses) == (1, 1)
    assert again.get_many([b"k1", b"missing", b"k1"]) == {b"k1": value}


def test_a_corrupt_cache_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / CACHE_DIR / CACHE_FILE
    path.parent.mkdir()
    path.write_bytes(b"this is not a database" * 100)
    cache = DiskStore.open(tmp_path)
    assert cache.get(b"k") is None
    assert cache.get_many([b"k"]) == {}
    cache.put(b"k", 1)
    cache.save()
    cache.close()
    assert DiskStore.open(tmp_path).get(b"k") == 1


def test_prune_keeps_only_what_the_build_used(tmp_path: Path) -> None:
    cache = DiskStore.open(tmp_path)
    for key in (b"a", b"b", b"c"):
        cache.put(key, key.decode())
    cache.save()
    cache.close()
    second = DiskStore.open(tmp_path)
    assert second.get(b"a") == "a"
    second.put(b"d", "d")
    second.save(prune=True)
    second.close()
    third = DiskStore.open(tmp_path)
    assert [third.get(k) for k in (b"a", b"b", b"c", b"d")] == ["a", None, None, "d"]


def test_disabled_cache_never_writes(tmp_path: Path) -> None:
    cache = DiskStore.disabled()
    cache.put(b"k", 1)
    cache.save(prune=True)
    assert cache.get(b"k") is None
    assert not (tmp_path / CACHE_DIR).exists()


def test_pickled_read_only_mappings_are_stable() -> None:
    assert dumps(MappingProxyType({"a": 1})) == dumps(MappingProxyType({"a": 1}))


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A copy of the example desk, so its cache and output land in the temporary folder."""
    site = tmp_path / "desk"
    shutil.copytree(REPO, site, ignore=shutil.ignore_patterns(
        ".git", ".venv", "public", ".cache", "tests", "tools", "bench", "site_builder", "*.egg-info", "node_modules"))
    return site


def test_cold_and_warm_builds_write_the_same_bytes(desk: Path, tmp_path: Path) -> None:
    """The cache must never change the output: cold, warm into an empty folder, and warm into the same folder."""
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    first = Builder(desk, BuildOptions(out_dir=cold, cache=False)).build()
    assert not (desk / CACHE_DIR).exists()
    filled = Builder(desk, BuildOptions(out_dir=warm)).build()  # fills the cache
    assert filled.bodies.rendered > 0 and filled.cache.hits == 0
    shutil.rmtree(warm)
    second = Builder(desk, BuildOptions(out_dir=warm)).build()
    assert second.bodies.rendered == 0 and second.bodies.cached == filled.bodies.rendered
    assert _tree(warm) == _tree(cold)
    assert second.pages == first.pages
    # Output as the last build left it and nothing changed: nothing to do, and nothing touched.
    before = {p: p.stat().st_mtime_ns for p in warm.rglob("*") if p.is_file()}
    third = Builder(desk, BuildOptions(out_dir=warm)).build()
    assert third.up_to_date and third.report.written == ()
    assert {p: p.stat().st_mtime_ns for p in warm.rglob("*") if p.is_file()} == before


def test_warm_build_after_edits_equals_a_cold_build(desk: Path, tmp_path: Path) -> None:
    warm = tmp_path / "warm"
    Builder(desk, BuildOptions(out_dir=warm)).build()

    def cold(name: str) -> dict[str, bytes]:
        Builder(desk, BuildOptions(out_dir=tmp_path / name, cache=False)).build()
        return _tree(tmp_path / name)

    briefing = sorted((desk / "content" / "briefings").glob("*.md"))[0]
    briefing.write_text(briefing.read_text(encoding="utf-8") + "\nA closing line about Wagner.\n", encoding="utf-8")
    (warm / "index.html").write_text("changed by hand", encoding="utf-8")  # a touched output file is rewritten
    result = Builder(desk, BuildOptions(out_dir=warm)).build()
    assert not result.up_to_date and result.bodies.rendered == 1 and result.bodies.cached > 0
    assert _tree(warm) == cold("cold1")

    # A new alias changes the registry: every body is rendered again, and the output is still a clean build's.
    actor = desk / "content" / "actors" / "yevgeny-prigozhin.yaml"
    text = actor.read_text(encoding="utf-8")
    assert "aliases:\n" in text
    actor.write_text(text.replace("aliases:\n", "aliases:\n  - Wagner chief\n", 1), encoding="utf-8")
    result = Builder(desk, BuildOptions(out_dir=warm)).build()
    assert result.bodies.cached == 0 and result.bodies.rendered > 1
    assert _tree(warm) == cold("cold2")


def _serial_then_parallel(desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> tuple[Path, Path]:
    """Build into `serial` in one process, then set bodies to render on two processes from two bodies on."""
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    monkeypatch.setattr(bodies, "cores", lambda: 1)
    Builder(desk, BuildOptions(out_dir=serial, cache=False)).build()
    monkeypatch.setattr(bodies, "cores", lambda: 2)
    monkeypatch.setattr(bodies, "PARALLEL_MIN", 2)
    monkeypatch.setattr(bodies, "CHUNK", chunk)
    return serial, parallel


def test_parallel_rendering_gives_the_same_bytes(desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies in a process pool and pages in forked workers produce exactly what one process does."""
    assert threading.active_count() == 1, "another test left a thread running; workers would not be used"
    serial, parallel = _serial_then_parallel(desk, tmp_path, monkeypatch, chunk=3)
    monkeypatch.setattr(render, "PARALLEL_MIN", 2)
    result = Builder(desk, BuildOptions(out_dir=parallel, cache=False)).build()
    assert result.bodies.workers == 2
    assert _tree(parallel) == _tree(serial)


def test_one_job_renders_everything_in_this_process(desk: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`--jobs 1` starts no worker, even where workers would pay, and writes the same bytes."""
    monkeypatch.setattr(bodies, "PARALLEL_MIN", 1)
    monkeypatch.setattr(render, "PARALLEL_MIN", 1)
    default = tmp_path / "default"
    assert Builder(desk, BuildOptions(out_dir=default, cache=False)).build().bodies.workers >= 2

    def no_workers(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker was started")

    monkeypatch.setattr(bodies, "_render_parallel", no_workers)
    monkeypatch.setattr(render.PageRenderer, "_render_forked", no_workers)
    one = tmp_path / "one"
    result = Builder(desk, BuildOptions(out_dir=one, cache=False, jobs=1)).build()
    assert result.bodies.workers == 0 and _tree(one) == _tree(default)


def test_a_one_shot_build_without_cache_digests_no_page(desk: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests only serve a later build; `build --no-cache` has none, so it skips them and writes the same."""
    cached = tmp_path / "cached"
    Builder(desk, BuildOptions(out_dir=cached)).build()

    def no_digest(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a page was digested")

    monkeypatch.setattr(SharedKeys, "digest", no_digest)
    bare = tmp_path / "bare"
    Builder(desk, BuildOptions(out_dir=bare, cache=False), policy=BuildPolicy(rebuilds=False)).build()
    assert _tree(bare) == _tree(cached)


def test_spawned_body_workers_give_the_same_bytes(desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """With another thread running (the dev server), bodies render in spawned workers and this process."""
    serial, parallel = _serial_then_parallel(desk, tmp_path, monkeypatch, chunk=2)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        result = Builder(desk, BuildOptions(out_dir=parallel, cache=False)).build()
    finally:
        stop.set()
        other.join()
    assert result.bodies.workers == 2
    assert not [r for r in caplog.records if "worker failed" in r.getMessage()]  # the workers did run
    assert _tree(parallel) == _tree(serial)


def test_a_one_shot_build_gives_the_same_bytes_and_can_still_rebuild(desk: Path, tmp_path: Path) -> None:
    """`build` lets each briefing's markdown go once rendered; the output and the cache are as ever."""
    usual, once = tmp_path / "usual", tmp_path / "once"
    Builder(desk, BuildOptions(out_dir=usual, cache=False)).build()
    builder = Builder(desk, BuildOptions(out_dir=once), policy=BuildPolicy(rebuilds=False))
    builder.build()
    assert _tree(once) == _tree(usual)
    briefing = next((desk / "content" / "briefings").rglob("*.md"))
    briefing.write_text(briefing.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    builder.rebuild([briefing.relative_to(desk).as_posix()])  # without the texts: a full build
    Builder(desk, BuildOptions(out_dir=usual, cache=False)).build()
    assert _tree(once) == _tree(usual)
    shutil.rmtree(once)
    Builder(desk, BuildOptions(out_dir=once)).build()  # the cache kept whole models: warm builds still read them
    assert _tree(once) == _tree(usual)


def test_up_to_date_needs_the_same_inputs_and_untouched_output(desk: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    Builder(desk, BuildOptions(out_dir=out)).build()
    assert Builder(desk, BuildOptions(out_dir=out)).build().up_to_date
    page = next(out.glob("briefings/*/index.html"))
    page.unlink()  # a deleted output file
    result = Builder(desk, BuildOptions(out_dir=out)).build()
    assert not result.up_to_date and page.is_file() and result.report.written == (
        page.relative_to(out).as_posix(),)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")  # another build time is another input
    assert not Builder(desk, BuildOptions(out_dir=out)).build().up_to_date
    assert Builder(desk, BuildOptions(out_dir=out)).build().up_to_date
    assert not Builder(desk, BuildOptions(out_dir=out, drafts=True)).build().up_to_date
    # The dev server's first build always runs: its rebuilds need what it leaves in memory.
    assert not Builder(desk, BuildOptions(out_dir=out, drafts=True), policy=BuildPolicy(trust_output=False)).build().up_to_date


def test_body_only_edit_plans_only_the_pages_it_can_change(desk: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A body edit that keeps front matter and actors re-plans a few pages and still equals a clean build."""
    from site_builder.build import site_build as build

    out = tmp_path / "out"
    builder = Builder(desk, BuildOptions(out_dir=out), policy=BuildPolicy(trust_output=False))
    builder.build()
    scopes: list[object] = []
    plan = build.plan_pages

    def spy(*args: object, **kwargs: object) -> object:
        scopes.append(args[3] if len(args) > 3 else kwargs.get("scope"))
        return plan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "plan_pages", spy)
    # A briefing without key judgments: an edit to one with judgments may change the judgment pages (below).
    path = desk / "content" / "briefings" / "2023-07-28-shoigu-joins-kim-at-victory-day-parade.md"
    text = path.read_text(encoding="utf-8")
    # New words, an excerpt and a quote for actors the briefing already names; no new actor.
    path.write_text(text + '\n"We will stand together," Kim Jong Un said of Sergei Shoigu.\n', encoding="utf-8")
    result = builder.rebuild([path.relative_to(desk).as_posix()])
    assert scopes and scopes[-1] is not None
    assert "briefings/shoigu-joins-kim-at-victory-day-parade/index.html" in result.report.written
    Builder(desk, BuildOptions(out_dir=tmp_path / "clean", cache=False)).build()
    assert _tree(out) == _tree(tmp_path / "clean")

    # A title edit changes the card on the pages that list the briefing: those are planned again.
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    builder.rebuild([path.relative_to(desk).as_posix()])
    assert scopes[-1] is not None
    Builder(desk, BuildOptions(out_dir=tmp_path / "clean2", cache=False)).build()
    assert _tree(out) == _tree(tmp_path / "clean2")

    # A date edit moves the briefing in lists. On a desk with key judgments that may change a judgment's
    # history, so every page is planned (pages whose inputs stand are still skipped).
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2023-07-28", "date: 2023-07-27", 1),
                    encoding="utf-8")
    builder.rebuild([path.relative_to(desk).as_posix()])
    assert scopes[-1] is None
    Builder(desk, BuildOptions(out_dir=tmp_path / "clean3", cache=False)).build()
    assert _tree(out) == _tree(tmp_path / "clean3")

    # A body edit to a briefing with judgments keeps the scoped plan; a title edit shows on judgment pages.
    judged = desk / "content" / "briefings" / "2023-09-13-kim-jong-un-meets-putin-at-vostochny.md"
    judged.write_text(judged.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    builder.rebuild([judged.relative_to(desk).as_posix()])
    assert scopes[-1] is not None
    judged.write_text(judged.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    result = builder.rebuild([judged.relative_to(desk).as_posix()])
    assert scopes[-1] is None and "judgments/nk-supplies-shells/index.html" in result.report.written
    Builder(desk, BuildOptions(out_dir=tmp_path / "clean4", cache=False)).build()
    assert _tree(out) == _tree(tmp_path / "clean4")


def test_shared_digests_follow_every_part_of_a_shared_object() -> None:
    """A shared object stands as its own digest: equal values digest equal, and any change shows."""
    digests = SharedKeys([ActorRef])
    kim = ActorRef("kim", "Kim", "person", "Person", "actors/kim/")
    same = ActorRef("kim", "Kim", "person", "Person", "actors/kim/")
    renamed = ActorRef("kim", "Kim Jong Un", "person", "Person", "actors/kim/")
    topic = TopicRef("t", "T", "topics/t/")
    first = digests.digest(b"salt", ("briefing.html", (kim, kim, topic)))
    assert digests.digest(b"salt", ("briefing.html", (same, same, topic))) == first
    assert digests.digest(b"salt", ("briefing.html", (renamed, renamed, topic))) != first
    assert digests.digest(b"salt", ("briefing.html", (kim, kim, TopicRef("t", "T2", "topics/t/")))) != first
    assert digests.digest(b"other", ("briefing.html", (kim, kim, topic))) != first
    # A fresh instance, as in the next build, gives the same digests.
    assert SharedKeys([ActorRef]).digest(b"salt", ("briefing.html", (kim, kim, topic))) == first


def test_shared_digests_see_inside_nested_shared_objects_and_time_zones() -> None:
    digests = SharedKeys([ActorRef, TopicRef, BriefingCard])
    when = datetime(2024, 5, 1, 12, tzinfo=ZoneInfo("UTC"))

    def card(name: str = "Kim", at: datetime = when) -> BriefingCard:
        return BriefingCard("s", "Title", "briefings/s/", at, "Summary", "", "",
                            (TopicRef("t", "T", "topics/t/"),), (ActorRef("kim", name, "person", "Person", "actors/kim/"),))

    first = digests.digest(b"salt", {"rows": (card(),)})
    assert digests.digest(b"salt", {"rows": (card(),)}) == first
    assert digests.digest(b"salt", {"rows": (card("Kim Jong Un"),)}) != first
    paris = when.astimezone(ZoneInfo("Europe/Paris"))
    assert paris == when and digests.digest(b"salt", {"rows": (card(at=paris),)}) != first
    assert SharedKeys([ActorRef, TopicRef, BriefingCard]).digest(b"salt", {"rows": (card(),)}) == first


def test_keys_change_with_the_package_code(tmp_path: Path) -> None:
    """A checkout whose code changed never reuses what the old code stored, even at the same version."""
    package = tmp_path / "site_builder"
    shutil.copytree(Path(site_builder.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digest(package)
    assert code_digest(package) == before
    markdown = package / "bodies" / "markdown.py"
    markdown.write_text(markdown.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert code_digest(package) != before
