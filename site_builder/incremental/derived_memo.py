"""Site-wide values derived from every briefing (related briefings, co-mentions), kept across rebuilds.

An edit to a body that keeps every briefing's actors, topics and date leaves them as they were:
each value is stored with a signature of everything it is computed from, and computed again only
when the signature differs (in the dev server's memory, and in the disk cache across processes).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from site_builder.core.keys import digest
from site_builder.incremental.store import DiskStore

T = TypeVar("T")


class DerivedMemo:
    """One build's derived values; it reads the previous build's and keeps only what this build used."""

    def __init__(self, previous: DerivedMemo | None = None, store: DiskStore | None = None,
                 carry: bool = False) -> None:
        """With `carry`, every previous value is kept even if this build does not use it.

        A rebuild that plans only a few pages uses few values; without carrying the rest, the next
        edit would compute them all again. A full build (carry off) drops what no page uses any more.
        """
        self._old: dict[Hashable, tuple[object, Any]] = previous._items if previous is not None else {}
        self._items: dict[Hashable, tuple[object, Any]] = dict(self._old) if carry else {}
        self._store = store  # the disk cache, for site-wide results a new process would otherwise redo

    def get_equal(self, key: Hashable, signature: object, compute: Callable[[], T],
                  update: Callable[[Any, T], T] | None = None) -> T:
        """The value for key, computed again only when `signature` (everything it is computed from) differs.

        For site-wide results such as related briefings: a body edit that keeps every briefing's actors,
        topics and date leaves them as they were. With a disk cache the value is also kept there, under
        a digest of the signature's repr (signatures are tuples of strings, numbers and dates).
        `update(old_signature, old_value)`, when given, works out the new value from the last build's
        in this process (the dev server), doing only what the difference needs; that value stays in
        memory only, since keying, pickling and writing a desk's related lists after every rebuild is
        wasted on a value that the next save replaces; a later process works it out once.
        """
        hit = self._items.get(key) or self._old.get(key)
        value: T
        if hit is not None and (hit[0] is signature or hit[0] == signature):
            value = hit[1]
        elif hit is not None and update is not None:
            value = update(hit[0], hit[1])
        elif self._store is not None and self._store.path is not None:
            stored_key = digest("derived", repr(key), repr(signature))
            found = self._store.get(stored_key)
            if found is None:
                found = compute()
                self._store.put(stored_key, found)
            value = found
        else:
            value = compute()
        self._items[key] = (signature, value)
        return value
