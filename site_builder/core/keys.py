"""Keys: digests of a build's inputs, and the pickling that turns models and views into bytes to digest.

A key names everything a result is made from, so an equal key means an equal result. Each key
includes the package version, FORMAT and a digest of the package's own code, so neither a new
release nor a changed checkout ever reuses what other code stored.
Pickles are deterministic for one version of Python: same value, same bytes.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import io
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from site_builder import __version__
from site_builder.core.models import Briefing, Page

FORMAT = 12  # bump when what is stored changes shape (or the module of a stored class) without a version change


def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _reduce_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return (_read_only, (dict(proxy),))


def _with_body(cls: type[Briefing | Page], values: dict[str, Any], body: bytes) -> Briefing | Page:
    return cls(**values, body=body.decode("utf-8", "surrogatepass"))


def _reduce_with_body(model: Briefing | Page) -> tuple[Any, ...]:
    """A briefing or page with its markdown as UTF-8 bytes made here.

    The pickler's own encoding leaves a UTF-8 copy inside every string with a character beyond
    ASCII that it writes: for the bodies of a big site those copies would take much memory, freed
    only when the build lets the texts go, and the holes they leave would make every later stage bigger.
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


class SharedKeys:
    """Digests of values in which the same big immutable objects recur: list rows, links, the site.

    A briefing's row is on many pages; pickling it in full for each page's digest would repeat the
    same work, so here an object of one of the `shared` types is pickled once; in every later digest
    it stands as its own digest, so the result still changes whenever any part of any value does.
    Only for frozen objects that live as long as this instance (they are kept here, so an id is
    never reused for another object).
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
        self._h.update(_code_key())

    def add(self, part: str | bytes) -> None:
        """Add one part."""
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        self._h.update(len(data).to_bytes(8, "little"))
        self._h.update(data)

    def digest(self) -> bytes:
        """The digest of the parts so far."""
        return self._h.digest()


@functools.cache
def _code_key() -> bytes:
    """The version, FORMAT and the digest of this package's code, worked out once per process."""
    return f"{__version__}/{FORMAT}/".encode() + code_digest(Path(__file__).resolve().parents[1])


def code_digest(package: Path) -> bytes:
    """A digest of every Python file below `package`, by path and bytes."""
    hasher = hashlib.blake2b(digest_size=20)
    for path in sorted(package.rglob("*.py")):
        data = path.read_bytes()
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0")
        hasher.update(len(data).to_bytes(8, "little") + data)
    return hasher.digest()
