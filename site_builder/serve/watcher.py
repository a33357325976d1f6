"""Watch a site's sources and turn raw file events into debounced, classified change sets."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from site_builder.core.site_files import Kind, classify, is_editor_noise, walk_files

log = logging.getLogger(__name__)

# Folders watched recursively; the site root itself is watched flat for config.yaml and for these appearing.
WATCHED_ROOTS = ("content", "templates", "static")

# Opened and closed-without-writing events are left out: the builder reads every file, and reacting to
# its own reads would rebuild forever.
EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent, FileAttribEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]

# Transient names that only show up in event streams (safe-write temp files of IDEs and editors) and that
# discover's rules would otherwise count as templates or static files.
_TRANSIENT_SUFFIXES = ("___jb_tmp___", "___jb_old___", ".kate-swp", ".crswap")
# Folders site_files.walk_files never enters, at any depth.
_SKIPPED_DIRS = ("__pycache__", "node_modules", ".cache", ".venv")

Clock = Callable[[], float]


def is_transient(name: str) -> bool:
    """Editor noise, swap, backup and safe-write temp files, and skipped folders: never worth a rebuild."""
    return is_editor_noise(name) or name.endswith(_TRANSIENT_SUFFIXES) or name in _SKIPPED_DIRS


@dataclass(frozen=True)
class ChangeSet:
    """One debounced batch: site-relative paths to rebuild, and whether only a full build will do.

    `dirs` are folders that appeared (created or moved in); their files are listed when the batch is
    taken, because a folder moved into the site reports no events for what is inside it.
    """

    paths: frozenset[str] = frozenset()
    dirs: frozenset[str] = frozenset()
    full: bool = False

    def __bool__(self) -> bool:
        return bool(self.paths or self.dirs or self.full)


@dataclass
class _Pending:
    paths: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)
    full: bool = False
    first: float = 0.0
    last: float = 0.0


class Debouncer:
    """Collects changes until the stream has been quiet for `quiet` seconds, or `max_wait` after the first.

    The quiet period folds an editor's save (temp file, rename, delete backup) and a `git checkout`
    into one batch; the cap makes a never-ending stream (a tool writing in a loop) still rebuild.
    Pure logic on a caller-supplied clock, so tests drive it without sleeping.
    """

    def __init__(self, quiet: float = 0.1, max_wait: float = 1.0) -> None:
        self.quiet = quiet
        self.max_wait = max_wait
        self._pending: _Pending | None = None

    def add(self, change: ChangeSet, now: float) -> None:
        """Record a change seen at `now`; empty changes do not restart the quiet period."""
        if not change:
            return
        if self._pending is None:
            self._pending = _Pending(first=now)
        pending = self._pending
        pending.paths |= change.paths
        pending.dirs |= change.dirs
        pending.full = pending.full or change.full
        pending.last = now

    def deadline(self) -> float | None:
        """When the pending batch is due, or None when nothing is pending."""
        if self._pending is None:
            return None
        return min(self._pending.last + self.quiet, self._pending.first + self.max_wait)

    def take(self, now: float) -> ChangeSet | None:
        """The pending batch if it is due at `now` (and start a new one), else None."""
        deadline = self.deadline()
        if deadline is None or now < deadline or self._pending is None:
            return None
        pending, self._pending = self._pending, None
        return ChangeSet(frozenset(pending.paths), frozenset(pending.dirs), pending.full)


def site_relative(path: str | bytes, root: Path) -> str | None:
    """An event path as a site-relative POSIX path, or None when it is outside the site."""
    text = os.fsdecode(path)
    try:
        rel = Path(text).relative_to(root)
    except ValueError:
        return None
    posix = rel.as_posix()
    return None if posix in ("", ".") else posix


def is_source(rel: str, output_dir: str) -> bool:
    """A file whose change matters to a build: classified as content, config, template or static."""
    if rel == output_dir or rel.startswith(output_dir.rstrip("/") + "/"):
        return False
    if any(is_transient(part) for part in PurePosixPath(rel).parts):
        return False
    return classify(rel, output_dir) is not Kind.IGNORED


def _in_watched_tree(rel: str, output_dir: str) -> bool:
    parts = PurePosixPath(rel).parts
    if not parts or parts[0] not in WATCHED_ROOTS or any(is_transient(p) for p in parts):
        return False
    return not (rel == output_dir or rel.startswith(output_dir.rstrip("/") + "/"))


def change_from_event(event: FileSystemEvent, root: Path, output_dir: str = "public") -> ChangeSet:
    """Translate one raw event into the paths it touches.

    Created, modified, deleted and moved files all count as "changed": the builder looks at what
    exists now. A move counts at both ends, so an atomic save (temp file renamed over the real one)
    changes the destination and vim's backup-and-rename (`x.md` → `x.md~`) changes the source. A folder
    that disappears asks for a full build, because nothing tells us which files were inside it.
    """
    ends = [event.src_path]
    if event.event_type == "moved":
        ends.append(event.dest_path)
    if not event.is_directory:
        rels = (site_relative(p, root) for p in ends)
        return ChangeSet(paths=frozenset(r for r in rels if r and is_source(r, output_dir)))
    gone = event.src_path if event.event_type in ("deleted", "moved") else None
    came = event.dest_path if event.event_type == "moved" else event.src_path if event.event_type == "created" else None
    gone_rel = site_relative(gone, root) if gone else None
    came_rel = site_relative(came, root) if came else None
    return ChangeSet(
        dirs=frozenset({came_rel} if came_rel and _in_watched_tree(came_rel, output_dir) else ()),
        full=bool(gone_rel and _in_watched_tree(gone_rel, output_dir)),
    )


class _Forward(FileSystemEventHandler):
    """Hands every event to the watcher; runs in the observer's thread, so it only records."""

    def __init__(self, sink: Callable[[FileSystemEvent], None]) -> None:
        self._sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._sink(event)


class SiteWatcher:
    """Watches content/, templates/ and static/ recursively and the site root flat; never the output.

    Batches are delivered to `on_change` from the watcher's own thread, one at a time: changes that
    arrive while a rebuild runs wait in the debouncer and become the next batch, so a slow build
    never queues up a backlog of builds. `on_seen` is called, on the thread that noticed it, as soon
    as a change to the sources comes in (the dev server stops the background part of a rebuild then).
    """

    def __init__(self, root: Path, on_change: Callable[[ChangeSet], None], *, poll: bool = False,
                 output_dir: str = "public", quiet: float = 0.1, max_wait: float = 1.0,
                 poll_interval: float = 0.5, clock: Clock = time.monotonic,
                 on_seen: Callable[[], None] | None = None) -> None:
        self.root = root.resolve()
        self.output_dir = output_dir  # the dev server updates it when config.yaml moves the output
        self._on_change = on_change
        self._on_seen = on_seen  # told at once of each change to the sources, before it is batched
        self._observer: BaseObserver = PollingObserver(timeout=poll_interval) if poll else Observer()
        self._debouncer = Debouncer(quiet, max_wait)
        self._clock = clock
        self._cond = threading.Condition()
        self._stopped = False
        self._watches: dict[str, tuple[ObservedWatch, int]] = {}  # root folder → watch, inode watched
        self._handler = _Forward(self._record)
        self._thread = threading.Thread(target=self._pump, name="site-builder-watch", daemon=True)

    def start(self) -> None:
        """Schedule the watches and start delivering batches."""
        self._observer.schedule(self._handler, str(self.root), recursive=False, event_filter=EVENT_FILTER)
        self._sync_roots()
        self._observer.start()
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching; waits up to `timeout` for a batch in progress to finish."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def push(self, change: ChangeSet) -> None:
        """Add a change as if an event had reported it (tests and callers that know better)."""
        with self._cond:
            self._debouncer.add(change, self._clock())
            self._cond.notify_all()
        if change and self._on_seen is not None:
            self._on_seen()

    def _record(self, event: FileSystemEvent) -> None:
        self.push(change_from_event(event, self.root, self.output_dir))

    def _next_batch(self) -> ChangeSet | None:
        with self._cond:
            while not self._stopped:
                deadline = self._debouncer.deadline()
                now = self._clock()
                if deadline is not None and now >= deadline:
                    return self._debouncer.take(now)
                self._cond.wait(None if deadline is None else deadline - now)
        return None

    def _pump(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self._on_change(self._expand(batch))
            except Exception:  # the callback owns error reporting; the watcher must outlive any bug in it
                log.exception("rebuild after a change failed unexpectedly")

    def _expand(self, batch: ChangeSet) -> ChangeSet:
        """List the files of folders that appeared and (re)watch root folders that came or went."""
        full = batch.full
        if batch.dirs or batch.full:
            full = self._sync_roots() or full
        paths = set(batch.paths)
        for rel in sorted(batch.dirs):
            paths.update(p for p in (f"{rel}/{f}" for f in walk_files(self.root / rel))
                          if is_source(p, self.output_dir))
        return ChangeSet(frozenset(paths), frozenset(), full)

    def _sync_roots(self) -> bool:
        """Match the watches to the root folders that exist now; True when one went away or was replaced.

        A folder deleted and created again (a branch switch) has a new inode and a dead watch, so it is
        rescheduled. Watches are scheduled before their files are listed, so nothing falls in between.
        """
        lost = False
        for name in WATCHED_ROOTS:
            folder = self.root / name
            try:
                inode = folder.stat().st_ino if folder.is_dir() else None
            except OSError:
                inode = None
            current = self._watches.get(name)
            if current and current[1] != inode:
                lost = True
                del self._watches[name]
                try:
                    self._observer.unschedule(current[0])
                except Exception as exc:  # a watch on a deleted folder may already be gone; nothing to undo
                    log.debug("unscheduling %s: %s", name, exc)
            if inode is not None and name not in self._watches:
                watch = self._observer.schedule(self._handler, str(folder), recursive=True,
                                                event_filter=EVENT_FILTER)
                self._watches[name] = (watch, inode)
        return lost

