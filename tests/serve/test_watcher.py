"""The watcher: raw events to classified paths, debouncing on a fake clock, and real file systems."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import SiteFactory, briefing
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
)

from site_builder.serve.watcher import ChangeSet, Debouncer, SiteWatcher, change_from_event, is_transient

ROOT = Path("/site")
TIMEOUT = 30.0  # generous: a loaded two-core CI machine delivers inotify events late, never early


def at(rel: str) -> str:
    return str(ROOT / rel)


def paths(event: FileSystemEvent) -> set[str]:
    return set(change_from_event(event, ROOT).paths)


# -- classification of single events ------------------------------------------------------------------------

@pytest.mark.parametrize(("event", "expected"), [
    (FileModifiedEvent(at("content/briefings/a.md")), {"content/briefings/a.md"}),
    (FileCreatedEvent(at("content/briefings/2023/a.md")), {"content/briefings/2023/a.md"}),
    (FileDeletedEvent(at("content/actors/kim.yaml")), {"content/actors/kim.yaml"}),
    (FileClosedEvent(at("content/topics/t.yaml")), {"content/topics/t.yaml"}),
    (FileModifiedEvent(at("config.yaml")), {"config.yaml"}),
    (FileModifiedEvent(at("templates/partials/footer.html")), {"templates/partials/footer.html"}),
    (FileModifiedEvent(at("static/css/site.css")), {"static/css/site.css"}),
    # atomic save: a temporary file renamed over the real one changes the real one
    (FileMovedEvent(at("content/briefings/.a.md.tmp"), at("content/briefings/a.md")), {"content/briefings/a.md"}),
    (FileMovedEvent(at("content/briefings/.goutputstream-X1"), at("content/briefings/a.md")),
     {"content/briefings/a.md"}),
    (FileMovedEvent(at("templates/base.html___jb_tmp___"), at("templates/base.html")), {"templates/base.html"}),
    # vim's backup-and-rename: the real file moves away first
    (FileMovedEvent(at("content/briefings/a.md"), at("content/briefings/a.md~")), {"content/briefings/a.md"}),
    # a rename is a deletion and a creation
    (FileMovedEvent(at("content/briefings/a.md"), at("content/briefings/b.md")),
     {"content/briefings/a.md", "content/briefings/b.md"}),
    # noise
    (FileCreatedEvent(at("content/briefings/4913")), set()),
    (FileModifiedEvent(at("content/briefings/.a.md.swp")), set()),
    (FileModifiedEvent(at("content/briefings/a.md~")), set()),
    (FileCreatedEvent(at("content/briefings/.#a.md")), set()),
    (FileModifiedEvent(at("templates/base.html___jb_old___")), set()),
    (FileModifiedEvent(at("static/css/.site.css.kate-swp")), set()),
    (FileModifiedEvent(at("content/briefings/notes.txt")), set()),
    (FileModifiedEvent(at("public/index.html")), set()),
    (FileModifiedEvent(at(".cache/bodies/ab.json")), set()),
    (FileModifiedEvent(at(".git/index")), set()),
    (FileModifiedEvent(at(".venv/lib/x.py")), set()),
    (FileModifiedEvent("/elsewhere/content/briefings/a.md"), set()),
])
def test_event_to_paths(event: FileSystemEvent, expected: set[str]) -> None:
    assert paths(event) == expected


def test_output_folder_inside_a_watched_folder_is_ignored() -> None:
    event = FileModifiedEvent(at("static/out/index.html"))
    assert change_from_event(event, ROOT, output_dir="static/out") == ChangeSet()


def test_folder_events() -> None:
    created = change_from_event(DirCreatedEvent(at("templates")), ROOT)
    assert created.dirs == {"templates"} and not created.full
    nested = change_from_event(DirCreatedEvent(at("content/briefings/2024")), ROOT)
    assert nested.dirs == {"content/briefings/2024"}
    # nothing says which files a vanished folder held: only a full build is safe
    assert change_from_event(DirDeletedEvent(at("content/briefings/2023")), ROOT).full
    assert change_from_event(DirDeletedEvent(at("static")), ROOT).full
    moved = change_from_event(DirMovedEvent(at("content/briefings/old"), at("content/briefings/new")), ROOT)
    assert moved.full and moved.dirs == {"content/briefings/new"}
    for noise in (DirCreatedEvent(at("content/.hidden")), DirDeletedEvent(at("public/briefings")),
                  DirCreatedEvent(at(".git/objects")), DirDeletedEvent(at("content/briefings/__pycache__"))):
        assert not change_from_event(noise, ROOT), noise


def test_transient_names() -> None:
    for name in ("4913", "a.md~", ".a.md.swp", "#a.md#", ".#a.md", "a.md___jb_tmp___", "a.md.crswap"):
        assert is_transient(name), name
    assert not is_transient("a.md")


# -- debouncing on a fake clock ------------------------------------------------------------------------------

def change(*rels: str, full: bool = False) -> ChangeSet:
    return ChangeSet(frozenset(rels), full=full)


def test_quiet_period_folds_a_save_into_one_batch() -> None:
    d = Debouncer(quiet=0.1, max_wait=1.0)
    assert d.deadline() is None and d.take(0.0) is None
    # vim: write test file, backup rename, new file, delete backup
    steps = [FileCreatedEvent(at("content/briefings/4913")), FileDeletedEvent(at("content/briefings/4913")),
             FileMovedEvent(at("content/briefings/a.md"), at("content/briefings/a.md~")),
             FileCreatedEvent(at("content/briefings/a.md")), FileModifiedEvent(at("content/briefings/a.md")),
             FileClosedEvent(at("content/briefings/a.md")), FileDeletedEvent(at("content/briefings/a.md~"))]
    for i, event in enumerate(steps):
        d.add(change_from_event(event, ROOT), now=i * 0.01)
    assert d.take(0.149) is None  # the last real event came at 0.05 (noise after it does not count)
    batch = d.take(0.151)
    assert batch == change("content/briefings/a.md")
    assert d.take(10.0) is None


def test_noise_does_not_restart_the_quiet_period() -> None:
    d = Debouncer(quiet=0.1, max_wait=1.0)
    d.add(change("content/briefings/a.md"), now=0.0)
    d.add(ChangeSet(), now=0.09)
    assert d.take(0.1) == change("content/briefings/a.md")


def test_git_checkout_of_hundreds_of_files_gives_at_most_two_batches() -> None:
    for duration in (0.05, 0.5, 0.95, 1.5, 1.9):
        d = Debouncer(quiet=0.1, max_wait=1.0)
        batches: list[ChangeSet] = []
        n = 600
        for i in range(n):
            now = duration * i / (n - 1)
            if batch := d.take(now):
                batches.append(batch)
            d.add(change(f"content/briefings/b{i:03d}.md"), now)
        while (batch := d.take(now)) is None:
            now += 0.01
        batches.append(batch)
        assert len(batches) <= 2, duration
        assert set().union(*(b.paths for b in batches)) == {f"content/briefings/b{i:03d}.md" for i in range(n)}


def test_an_endless_stream_still_rebuilds_at_the_cap() -> None:
    d = Debouncer(quiet=0.1, max_wait=1.0)
    fired = []
    for step in range(300):  # an event every 20 ms for 6 s: never quiet
        now = step * 0.02
        if d.take(now):
            fired.append(now)
        d.add(change("static/log.txt"), now)
    assert len(fired) >= 5
    assert all(b - a <= 1.0 + 0.021 for a, b in zip([0.0, *fired], fired, strict=False))


def test_flags_and_folders_merge() -> None:
    d = Debouncer()
    d.add(ChangeSet(dirs=frozenset({"templates"})), 0.0)
    d.add(change("config.yaml", full=True), 0.01)
    d.add(change("static/a.css"), 0.02)
    assert d.take(1.0) == ChangeSet(frozenset({"config.yaml", "static/a.css"}), frozenset({"templates"}), True)


# -- the pump thread, driven by push(), waiting on conditions -------------------------------------------------

class Batches:
    """Collects delivered batches; tests wait on its condition instead of sleeping."""

    def __init__(self) -> None:
        self.items: list[ChangeSet] = []
        self.cond = threading.Condition()
        self.gate: threading.Event | None = None
        self.entered = threading.Event()

    def __call__(self, batch: ChangeSet) -> None:
        with self.cond:
            self.items.append(batch)
            self.cond.notify_all()
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(TIMEOUT)

    def wait(self, predicate: Callable[[list[ChangeSet]], bool]) -> list[ChangeSet]:
        with self.cond:
            assert self.cond.wait_for(lambda: predicate(self.items), TIMEOUT), self.items
            return list(self.items)

    def union(self) -> set[str]:
        with self.cond:
            return set().union(*(b.paths for b in self.items))


@pytest.fixture
def watch(make_site: SiteFactory) -> Iterator[Callable[..., tuple[SiteWatcher, Batches, Path]]]:
    started: list[SiteWatcher] = []

    def factory(files: dict[str, str | bytes] | None = None, **options: object) -> tuple[SiteWatcher, Batches, Path]:
        root = make_site(files or {"content/briefings/a.md": briefing()})
        batches = Batches()
        watcher = SiteWatcher(root, batches, **options)  # type: ignore[arg-type]
        watcher.start()
        started.append(watcher)
        return watcher, batches, root

    yield factory
    for watcher in started:
        watcher.stop()


def test_changes_during_a_slow_rebuild_become_one_next_batch(watch: Callable[..., tuple[SiteWatcher, Batches, Path]]
                                                             ) -> None:
    watcher, batches, _ = watch()
    batches.gate = threading.Event()
    watcher.push(change("content/briefings/a.md"))
    assert batches.entered.wait(TIMEOUT)  # the first "rebuild" is running and blocked
    for i in range(200):
        watcher.push(change(f"content/briefings/b{i}.md"))
    batches.gate.set()
    items = batches.wait(lambda items: len(items) >= 2)
    assert items[1].paths == {f"content/briefings/b{i}.md" for i in range(200)}


# -- real file systems ----------------------------------------------------------------------------------------

def seen_until(batches: Batches, sentinel: str) -> set[str]:
    """Union of batch paths once the sentinel path has been delivered."""
    batches.wait(lambda items: any(sentinel in b.paths for b in items))
    return batches.union()


@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "polling"])
def test_vim_style_save_is_one_change(watch: Callable[..., tuple[SiteWatcher, Batches, Path]], poll: bool) -> None:
    _, batches, root = watch(poll=poll, poll_interval=0.1)
    folder = root / "content/briefings"
    (folder / "4913").write_text("")
    (folder / "4913").unlink()
    (folder / ".a.md.swp").write_text("swap")
    os.replace(folder / "a.md", folder / "a.md~")
    (folder / "a.md").write_text(briefing(title="Edited"))
    (folder / "a.md~").unlink()
    assert seen_until(batches, "content/briefings/a.md") == {"content/briefings/a.md"}


def test_atomic_rename_save(watch: Callable[..., tuple[SiteWatcher, Batches, Path]]) -> None:
    _, batches, root = watch()
    tmp = root / "content/briefings/.a.md.tmp-123"
    tmp.write_text(briefing(title="Saved atomically"))
    os.replace(tmp, root / "content/briefings/a.md")
    assert seen_until(batches, "content/briefings/a.md") == {"content/briefings/a.md"}


def test_output_cache_and_git_are_never_reported(watch: Callable[..., tuple[SiteWatcher, Batches, Path]]) -> None:
    _, batches, root = watch()
    for rel in ("public/index.html", "public/css/site.css", ".cache/x.json", ".git/index", ".venv/x",
                "content/briefings/.a.md.swp", "content/notes.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    (root / "config.yaml").write_text("title: Sentinel\n")  # written last: everything above came before it
    assert seen_until(batches, "config.yaml") == {"config.yaml"}


def test_folders_created_later_are_watched(watch: Callable[..., tuple[SiteWatcher, Batches, Path]]) -> None:
    _, batches, root = watch()
    assert not (root / "templates").exists()
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/footer.html").write_text("<footer></footer>")
    seen_until(batches, "templates/partials/footer.html")
    (root / "templates/base.html").write_text("{% block content %}{% endblock %}")  # through the new watch
    assert seen_until(batches, "templates/base.html") >= {"templates/base.html"}


def test_a_folder_moved_in_reports_its_files_and_one_moved_out_a_full_build(
        watch: Callable[..., tuple[SiteWatcher, Batches, Path]], tmp_path: Path) -> None:
    _, batches, root = watch()
    outside = tmp_path / "incoming"
    outside.mkdir()
    (outside / "b.md").write_text(briefing(title="B"))
    (outside / "c.md").write_text(briefing(title="C"))
    os.replace(outside, root / "content/briefings/2024")
    assert seen_until(batches, "content/briefings/2024/c.md") >= {"content/briefings/2024/b.md",
                                                                  "content/briefings/2024/c.md"}
    os.replace(root / "content/briefings/2024", tmp_path / "gone")
    batches.wait(lambda items: any(b.full for b in items))


def test_checkout_of_hundreds_of_files_gives_at_most_two_batches(
        watch: Callable[..., tuple[SiteWatcher, Batches, Path]]) -> None:
    _, batches, root = watch()
    expected = set()
    for i in range(300):
        rel = f"content/briefings/2023/b{i:03d}.md"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(briefing(title=f"B {i}"))
        expected.add(rel)
    items = batches.wait(lambda items: set().union(*(b.paths for b in items)) >= expected)
    assert len(items) <= 2
