"""Live-reload state shared by the build thread and request threads: the build gate, build events, injection."""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from site_builder.core.errors import Diagnostic

# The dev server's own endpoints live outside any site sub-path, under a name no site section uses.
ENDPOINT_PREFIX = "/__site-builder/"
EVENTS_PATH = ENDPOINT_PREFIX + "events"
SCRIPT_PATH = ENDPOINT_PREFIX + "reload.js"
STATE_ELEMENT_ID = "__site-builder-state"

# Past this many changed files a browser reloads whatever it shows instead of receiving a huge list.
MAX_LISTED_CHANGES = 2000
MAX_OPEN_PAGE = 1024  # characters of an output path an event stream may name as its page

RequestPages = Callable[["Snapshot"], Iterable[str]]  # the output files a request may read, in a snapshot


@dataclass(frozen=True)
class BuildProblem:
    """One build error as the overlay shows it."""

    path: str
    line: int
    column: int
    message: str
    hint: str
    text: str

    @classmethod
    def from_diagnostic(cls, d: Diagnostic) -> BuildProblem:
        """Keep the location apart from the text so the overlay can show the file prominently."""
        return cls(d.location.path, d.location.line, d.location.column, d.message, d.hint, d.format())

    @classmethod
    def internal(cls, exc: BaseException) -> BuildProblem:
        """An unexpected exception (a bug or an I/O failure): still shown, so the writer knows why nothing changes."""
        message = f"internal error: {type(exc).__name__}: {exc}"
        return cls("", 0, 0, message, "see the terminal for the traceback", message)

    def as_json(self) -> dict[str, Any]:
        """The JSON object the browser script reads."""
        return {"path": self.path, "line": self.line, "column": self.column, "message": self.message,
                "hint": self.hint, "text": self.text}


@dataclass(frozen=True)
class BuildEvent:
    """What one build (good or bad) means for open pages."""

    version: int
    ok: bool
    changed: tuple[str, ...] = ()
    everything: bool = False  # too many changes to list, or the output folder moved: reload every page
    errors: tuple[BuildProblem, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The payload of one Server-Sent Event."""
        return {"version": self.version, "ok": self.ok, "changed": list(self.changed), "all": self.everything,
                "errors": [e.as_json() for e in self.errors]}


@dataclass(frozen=True)
class Snapshot:
    """A consistent view for one request: where the site is and what the last build said."""

    boot: str
    version: int
    out_dir: Path
    prefix: str
    errors: tuple[BuildProblem, ...] = ()


@dataclass
class _Gate:
    building: bool = False
    writers_waiting: int = 0
    readers: int = 0
    closed: bool = False
    history: deque[BuildEvent] = field(default_factory=lambda: deque(maxlen=64))
    stale: frozenset[str] = frozenset()  # output files a build has still to write or remove
    held: int = 0  # requests waiting for a build or a stale file
    open: Counter[str] = field(default_factory=Counter)  # output files shown by open tabs, with their count


class LiveState:
    """Holds requests while a build runs and tells open pages what each build changed.

    A readers-writer gate on one condition variable: a build waits for in-flight file reads to finish
    and blocks new ones until it has written everything, so no response mixes two builds. The same
    condition wakes the event streams when a build ends.

    A build may end in two parts: the open pages first, then the rest in the background. The first
    part's `end_build` names the `stale` output files, those the rest may still write or remove; a
    request that may read one of them waits until a later `end_build` no longer names it, and every
    other request is served at once. The pages the open tabs show are counted while their event
    streams last (`watching`, `open_pages`).
    """

    def __init__(self, out_dir: Path, prefix: str = "/", *, building: bool = False) -> None:
        self._cond = threading.Condition()
        self._gate = _Gate(building=building)
        self._snapshot = Snapshot(secrets.token_hex(8), 0, out_dir, prefix)

    def snapshot(self) -> Snapshot:
        """The current state, without waiting for a build."""
        with self._cond:
            return self._snapshot

    def begin_build(self) -> None:
        """Wait until no build runs and no file is being read, then hold new requests."""
        with self._cond:
            self._gate.writers_waiting += 1
            try:
                self._cond.wait_for(lambda: not self._gate.building and not self._gate.readers)
            finally:
                self._gate.writers_waiting -= 1
            self._gate.building = True

    def end_build(self, ok: bool, changed: Iterable[str] = (), errors: Iterable[BuildProblem] = (),
                  out_dir: Path | None = None, prefix: str | None = None,
                  stale: frozenset[str] = frozenset()) -> BuildEvent:
        """Publish the build's outcome, release waiting requests and wake the event streams; requests for
        the `stale` files keep waiting, until a later call that does not name them."""
        with self._cond:
            old = self._snapshot
            listed = tuple(sorted(set(changed)))
            moved = (out_dir is not None and out_dir != old.out_dir) or (prefix is not None and prefix != old.prefix)
            everything = moved or len(listed) > MAX_LISTED_CHANGES
            event = BuildEvent(old.version + 1, ok, () if everything else listed, everything and ok, tuple(errors))
            self._snapshot = Snapshot(old.boot, event.version, out_dir or old.out_dir, prefix or old.prefix,
                                      event.errors)
            self._gate.history.append(event)
            self._gate.building = False
            self._gate.stale = stale
            self._cond.notify_all()
            return event

    def stale(self) -> frozenset[str]:
        """The output files a build has still to write or remove (see `end_build`)."""
        with self._cond:
            return self._gate.stale

    @contextmanager
    def reading(self, timeout: float = 300.0, pages: RequestPages | None = None) -> Iterator[Snapshot]:
        """Hold a build off while a request reads files; waits (up to `timeout`) for a running build, and
        while any file `pages` names in the current snapshot is stale."""
        def ready() -> bool:
            gate = self._gate
            if gate.closed:
                return True
            if gate.building or gate.writers_waiting:
                return False
            return not gate.stale or pages is None or gate.stale.isdisjoint(pages(self._snapshot))

        with self._cond:
            if not ready():
                self._gate.held += 1
                try:
                    self._cond.wait_for(ready, timeout)
                finally:
                    self._gate.held -= 1
            self._gate.readers += 1
            snapshot = self._snapshot
        try:
            yield snapshot
        finally:
            with self._cond:
                self._gate.readers -= 1
                self._cond.notify_all()

    @contextmanager
    def watching(self, pages: Iterable[str]) -> Iterator[None]:
        """Count `pages` (output files, as an event stream names them) as open while the block runs."""
        shown = Counter(p for p in pages if 0 < len(p) <= MAX_OPEN_PAGE)
        with self._cond:
            self._gate.open.update(shown)
        try:
            yield
        finally:
            with self._cond:
                self._gate.open.subtract(shown)
                self._gate.open = +self._gate.open  # drops the pages no tab shows any more

    def waiting(self) -> int:
        """How many requests wait for a build or a stale file now (tests and benchmarks)."""
        with self._cond:
            return self._gate.held

    def open_pages(self) -> frozenset[str]:
        """The output files the open tabs show."""
        with self._cond:
            return frozenset(self._gate.open)

    def events_after(self, version: int, timeout: float) -> list[BuildEvent] | None:
        """Builds after `version`, waiting up to `timeout` for one; None when the caller missed some
        that are no longer kept (it should reload) or the state is closed (the stream should end)."""
        with self._cond:
            self._cond.wait_for(lambda: self._gate.closed or self._snapshot.version > version, timeout)
            if self._gate.closed:
                return None
            if self._snapshot.version <= version:
                return [] if self._snapshot.version == version else None
            events = [e for e in self._gate.history if e.version > version]
            if not events or events[0].version != version + 1:
                return None
            return events

    def wait_for_version(self, version: int, timeout: float) -> BuildEvent | None:
        """The first build event after `version`, waiting up to `timeout` (tests and benchmarks)."""
        with self._cond:
            self._cond.wait_for(lambda: self._snapshot.version > version, timeout)
            return next((e for e in self._gate.history if e.version > version), None)

    @property
    def closed(self) -> bool:
        """True once the server is shutting down."""
        with self._cond:
            return self._gate.closed

    def close(self) -> None:
        """End every event stream and release every waiting request."""
        with self._cond:
            self._gate.closed = True
            self._cond.notify_all()


def client_script() -> bytes:
    """The browser side of live reload, shipped beside this module."""
    return files("site_builder.serve").joinpath("reload.js").read_bytes()


def page_state(snapshot: Snapshot, pages: Iterable[str]) -> dict[str, Any]:
    """What the script needs to know about the page it runs in: its output paths and the current errors."""
    return {"boot": snapshot.boot, "version": snapshot.version, "root": snapshot.prefix, "pages": list(pages),
            "events": EVENTS_PATH, "errors": [e.as_json() for e in snapshot.errors]}


def script_safe_json(value: Any) -> str:
    """JSON that cannot end the surrounding <script> element, whatever an error message contains."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def inject(html: bytes, state: dict[str, Any]) -> bytes:
    """Add the state and the reload script before </body> of a served page (never the file on disk)."""
    tag = (f'<script type="application/json" id="{STATE_ELEMENT_ID}">{script_safe_json(state)}</script>'
           f'<script src="{SCRIPT_PATH}"></script>').encode()
    lower = html.lower()
    at = lower.rfind(b"</body")
    if at < 0:
        at = lower.rfind(b"</html")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]
