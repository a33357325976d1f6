"""The persistent build cache in `<site>/.cache/`: parsed files and rendered bodies, keyed by content hash.

A cold build spends most of its time parsing front matter and rendering markdown; both depend only
on the file's bytes plus settings that go into the key (package version, config, alias registry).
With this cache a warm build only plans, renders templates and writes changed files. Dropping the
folder is always safe: the cache never changes the output, only how fast it comes.

Entries are pickled, like Python's own bytecode cache: the folder belongs to the site on this
machine and is never published or shared (`.cache/` is skipped by discovery, the watcher and git).
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import pickle
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from site_builder import __version__
from site_builder.models import Briefing, Page

CACHE_DIR = ".cache"
CACHE_FILE = "site-builder.sqlite"
FORMAT = 9  # bump when what is cached changes shape without a version change
# Buffered entries above this many bytes move to a scratch table on disk: a cold build of 10,000
# briefings caches a few hundred megabytes, which would otherwise sit in memory until save().
SPILL_BYTES = 8 * 2**20


def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _reduce_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return (_read_only, (dict(proxy),))


def _with_body(cls: type[Briefing | Page], values: dict[str, Any], body: bytes) -> Briefing | Page:
    return cls(**values, body=body.decode("utf-8", "surrogatepass"))


def _reduce_with_body(model: Briefing | Page) -> tuple[Any, ...]:
    """A briefing or page with its markdown as UTF-8 bytes made here.

    The pickler's own encoding leaves a UTF-8 copy inside every string with a character beyond
    ASCII that it writes: for the bodies of a big site that was a hundred megabytes, freed only
    when the build let the texts go, and the holes it left made every later stage bigger.
    """
    values = {f.name: getattr(model, f.name) for f in fields(model) if f.name != "body"}
    return (_with_body, (type(model), values, model.body.encode("utf-8", "surrogatepass")))


_DISPATCH: Mapping[type, Any] = MappingProxyType({**copyreg.dispatch_table, MappingProxyType: _reduce_proxy,
                                                  Briefing: _reduce_with_body, Page: _reduce_with_body})


class _Pickler(pickle.Pickler):
    """A pickler that also takes the read-only mappings our models use (plain pickle refuses them)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = _DISPATCH


def dumps(value: Any) -> bytes:
    """Pickle a model, body or view; same value, same bytes, within one version of Python."""
    buffer = io.BytesIO()
    _Pickler(buffer).dump(value)
    return buffer.getvalue()


class SharedDigests:
    """Digests of values in which the same big immutable objects recur: list rows, links, the site.

    A briefing's row is on dozens of pages, and each page's digest pickled it in full: that cost
    more than a third of the time spent rendering the pages. Here an object of one of the `shared`
    types is pickled once; in every later digest it stands as its own digest, so the result still
    changes whenever any part of any value does. Only for frozen objects that live as long as this
    instance (they are kept here, so an id is never reused for another object).
    """

    def __init__(self, shared: Iterable[type], known: Mapping[int, tuple[object, bytes]] | None = None) -> None:
        # A copy in C of what `known()` gave: the dev server seeds every rebuild with a digest per card.
        self._known: dict[int, tuple[object, bytes]] = dict(known or {})
        self._table = {**_DISPATCH, **dict.fromkeys(shared, self._stand_in)}

    def known(self, values: Iterable[object]) -> dict[int, tuple[object, bytes]]:
        """(value, digest) by id of those of `values` digested here, to seed the next build's instance.

        Each value is kept with its digest, so its id is not reused while the mapping lives.
        """
        return {id(found[0]): found for found in map(self._known.get, map(id, values)) if found is not None}

    def of(self, value: object) -> bytes:
        """The digest of one value's pickle, made once per object: list rows are keyed by it too."""
        found = self._known.get(id(value))
        if found is None:
            found = self._known[id(value)] = (value, digest(dumps(value)))
        return found[1]

    def _stand_in(self, value: object) -> tuple[Any, ...]:
        return (bytes, (self.of(value),))

    def digest(self, salt: bytes, value: Any) -> bytes:
        """A digest of the value, salted."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = self._table
        pickler.dump(value)
        return digest(salt, buffer.getvalue())


def digest(*parts: str | bytes) -> bytes:
    """A key from parts; each part is length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    hasher = Hasher()
    for part in parts:
        hasher.add(part)
    return hasher.digest()


class Hasher:
    """`digest()` fed one part at a time, for inputs too many to hold at once (every file of a site)."""

    def __init__(self) -> None:
        self._h = hashlib.blake2b(digest_size=20)
        self._h.update(f"{__version__}/{FORMAT}".encode())

    def add(self, part: str | bytes) -> None:
        """Add one part."""
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        self._h.update(len(data).to_bytes(8, "little"))
        self._h.update(data)

    def digest(self) -> bytes:
        """The digest of the parts so far."""
        return self._h.digest()


@dataclass
class CacheStats:
    """Hits and misses of one build, for the summary line."""

    hits: int = 0
    misses: int = 0


@dataclass
class BuildCache:
    """A key-value store in one SQLite file; writes are buffered and land only when a build succeeds.

    A corrupt or unreadable cache file is treated as empty and replaced: losing the cache costs
    time, never correctness.
    """

    path: Path | None
    stats: CacheStats = field(default_factory=CacheStats)
    _db: sqlite3.Connection | None = None
    _pending: dict[bytes, bytes] = field(default_factory=dict)
    _pending_bytes: int = 0
    _spilled: bool = False  # some buffered entries are in the connection's temporary table `spill`
    _used: set[bytes] = field(default_factory=set)

    @classmethod
    def open(cls, site_root: Path) -> BuildCache:
        """The cache of a site folder; created on first write."""
        return cls(site_root / CACHE_DIR / CACHE_FILE)

    @classmethod
    def disabled(cls) -> BuildCache:
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
