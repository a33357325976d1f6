"""The persistent build cache in `<site>/.cache/`: parsed files and rendered bodies, keyed by content hash.

Parsing front matter and rendering markdown are the costly parts of a cold build; both depend only
on the file's bytes plus settings that go into the key (package version, config, alias registry).
With this cache a warm build only plans, renders templates and writes changed files. Dropping the
folder is always safe: the cache never changes the output, only how fast it comes.

Entries are pickled, like Python's own bytecode cache: the folder belongs to the site on this
machine and is never published or shared (`.cache/` is skipped by discovery, the watcher and git).
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder.core.keys import dumps

CACHE_DIR = ".cache"
CACHE_FILE = "site-builder.sqlite"
# Buffered entries above this many bytes move to a scratch table on disk: a cold build of a big site
# caches far more than that, which would otherwise sit in memory until save().
SPILL_BYTES = 8 * 2**20


@dataclass
class StoreStats:
    """Hits and misses of one build, for the summary line."""

    hits: int = 0
    misses: int = 0


@dataclass
class DiskStore:
    """A key-value store in one SQLite file; writes are buffered and land only when a build succeeds.

    A corrupt or unreadable cache file is treated as empty and replaced: losing the cache costs
    time, never correctness.
    """

    path: Path | None
    stats: StoreStats = field(default_factory=StoreStats)
    _db: sqlite3.Connection | None = None
    _pending: dict[bytes, bytes] = field(default_factory=dict)
    _pending_bytes: int = 0
    _spilled: bool = False  # some buffered entries are in the connection's temporary table `spill`
    _used: set[bytes] = field(default_factory=set)

    @classmethod
    def open(cls, site_root: Path) -> DiskStore:
        """The cache of a site folder; created on first write."""
        return cls(site_root / CACHE_DIR / CACHE_FILE)

    @classmethod
    def disabled(cls) -> DiskStore:
        """A cache that never hits and never writes (`--no-cache`, `check`)."""
        return cls(None)

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and self.path is not None and self.path.exists():
            try:
                self._db = sqlite3.connect(self.path)
                self._db.execute("SELECT 1 FROM entries LIMIT 1")
            except sqlite3.DatabaseError:
                self._reset()
        return self._db

    def _reset(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None
        self._spilled = False  # the temporary table went with the connection
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def get(self, key: bytes) -> Any | None:
        """The value stored under key, or None; counts the hit or miss."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, Any]:
        """Values for the keys that are present (one query per batch, much faster than get() in a loop)."""
        wanted = list(dict.fromkeys(keys))
        self._used.update(wanted)
        found: dict[bytes, bytes] = {k: self._pending[k] for k in wanted if k in self._pending}
        db = self._connect()
        if db is not None:
            tables = ("temp.spill", "entries") if self._spilled else ("entries",)  # newest first
            try:
                for table in tables:
                    rest = [k for k in wanted if k not in found]
                    for start in range(0, len(rest), 500):
                        batch = rest[start:start + 500]
                        marks = ",".join("?" * len(batch))
                        found.update(db.execute(f"SELECT key, value FROM {table} WHERE key IN ({marks})", batch))
            except sqlite3.DatabaseError:
                self._reset()
        values: dict[bytes, Any] = {}
        for key, raw in found.items():
            try:
                values[key] = pickle.loads(raw)
            except Exception:  # an entry from an older layout of a class: treat it as absent
                continue
        self.stats.hits += len(values)
        self.stats.misses += len(wanted) - len(values)
        return values

    def put(self, key: bytes, value: Any) -> None:
        """Remember a value; it is written by save()."""
        self._used.add(key)
        if self.path is not None:
            self._buffer(key, dumps(value))

    def put_pickled(self, key: bytes, data: bytes) -> None:
        """Remember a value that a worker process has already pickled with dumps()."""
        self._used.add(key)
        if self.path is not None:
            self._buffer(key, data)

    def _buffer(self, key: bytes, data: bytes) -> None:
        old = self._pending.get(key)
        self._pending[key] = data
        self._pending_bytes += len(data) - (len(old) if old is not None else 0)
        if self._pending_bytes > SPILL_BYTES:
            self._spill()

    def _writable(self) -> sqlite3.Connection:
        """The connection, with the file and its table made if this is the site's first cache."""
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._connect() or sqlite3.connect(self.path)
        self._db = db
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, value BLOB NOT NULL)")
        return db

    def _spill(self) -> None:
        """Move buffered entries to a temporary table; they still land only when save() runs."""
        try:
            db = self._writable()
            with db:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS spill (key BLOB PRIMARY KEY, value BLOB NOT NULL)")
                db.executemany("INSERT OR REPLACE INTO temp.spill VALUES (?, ?)", self._pending.items())
        except (sqlite3.DatabaseError, OSError):
            self._reset()  # keep them in memory; only what had spilled before is lost
            return
        self._spilled = True
        self._pending.clear()
        self._pending_bytes = 0

    def save(self, prune: bool = False) -> None:
        """Write buffered entries in one transaction; with prune, drop every entry this build did not use.

        Pruning after full builds keeps the file the size of the site instead of its history.
        """
        if self.path is None or (not self._pending and not self._spilled and not prune):
            return
        try:
            db = self._writable()
            with db:
                if self._spilled:
                    db.execute("INSERT OR REPLACE INTO entries SELECT key, value FROM temp.spill")
                    db.execute("DELETE FROM temp.spill")
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", self._pending.items())
                if prune:
                    db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key BLOB PRIMARY KEY)")
                    db.execute("DELETE FROM used")
                    db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._used))
                    db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM used)")
        except (sqlite3.DatabaseError, OSError):
            self._reset()  # a cache that cannot be written is only a slower next build
        self._pending.clear()
        self._pending_bytes = 0
        self._spilled = False
        self._used.clear()

    def close(self) -> None:
        """Release the database file."""
        if self._db is not None:
            self._db.close()
            self._db = None
