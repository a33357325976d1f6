"""Make a Pagefind bundle reproducible: filter indexes in a fixed order, renamed by their new content hash.

Pagefind 1.5 builds its filter indexes from hash maps with a random seed per run
(`build_indexes` in pagefind/src/index/mod.rs, marked "TODO: Change filter indexes to BTree to
give them a stable hash"): the order of the filters in the language's meta file and of the values
inside each `filter/*.pf_filter` changes from run to run, and with it those files' hashed names, the
meta file's name and `pagefind-entry.json`. Everything else (words, fragments, sorts) is already
stable. This module rewrites just those files in sorted order, so the same pages always give the
same bytes. The files are gzip'd CBOR behind a `pagefind_dcd` signature; only unsigned integers,
text and arrays occur in them, and anything else is refused rather than guessed at.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"
ENTRY_FILE = "pagefind-entry.json"
# Positions in the meta array of Pagefind 1.5: [version, pages, index chunks, filters, sorts, meta fields].
_META_FILTERS = 3
_META_SORTS = 4


class BundleFormatError(ValueError):
    """The bundle is not laid out as this module expects (another Pagefind version)."""


def normalise_bundle(bundle: Path) -> None:
    """Rewrite the filter and meta files of every language of `bundle` in a deterministic order."""
    entry_path = bundle / ENTRY_FILE
    entry_text = entry_path.read_text(encoding="utf-8")
    entry = json.loads(entry_text)
    try:
        languages = sorted(entry["languages"].items())
    except (KeyError, AttributeError, TypeError) as exc:
        raise BundleFormatError(f"{ENTRY_FILE} has no languages") from exc
    for language, info in languages:
        old_hash = info["hash"]
        meta_path = bundle / f"pagefind.{old_hash}.pf_meta"
        meta = read_packed(meta_path)
        if not isinstance(meta, list) or len(meta) <= _META_SORTS:
            raise BundleFormatError(f"{meta_path.name}: unexpected layout")
        rewritten: dict[str, bytes] = {}  # new hash -> payload
        filters = []
        for name, filter_hash in meta[_META_FILTERS]:
            filter_path = bundle / "filter" / f"{filter_hash}.pf_filter"
            filter_name, values = read_packed(filter_path)
            payload = encode([filter_name, sorted(values)])
            filters.append([name, _unique_name(language, payload, 7, rewritten)])
            rewritten[filters[-1][1]] = payload
            filter_path.unlink()  # every old file goes before a new one is written, so no name can clash
        for new_hash, payload in rewritten.items():
            _write(bundle / "filter" / f"{new_hash}.pf_filter", payload)
        meta[_META_FILTERS] = sorted(filters)
        meta[_META_SORTS] = sorted(meta[_META_SORTS], key=lambda s: s[0])
        payload = encode(meta)
        new_hash = _unique_name(language, payload, 10, {})
        meta_path.unlink()
        _write(bundle / f"pagefind.{new_hash}.pf_meta", payload)
        # Replace the one value in place: the rest of the file stays exactly as Pagefind wrote it.
        entry_text = entry_text.replace(json.dumps(old_hash), json.dumps(new_hash), 1)
    entry_path.write_text(entry_text, encoding="utf-8")


def read_packed(path: Path) -> Any:
    """Decode one gzip'd, signed CBOR file of the bundle."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path.name}: no {SIGNATURE.decode()} signature")
    value, end = decode(data, len(SIGNATURE))
    if end != len(data):
        raise BundleFormatError(f"{path.name}: trailing bytes")
    return value


def _write(path: Path, payload: bytes) -> None:
    # mtime=0: a time stamp in the gzip header would defeat the point.
    path.write_bytes(gzip.compress(SIGNATURE + payload, compresslevel=9, mtime=0))


def _unique_name(language: str, payload: bytes, length: int, taken: dict[str, bytes]) -> str:
    """`<language>_<content hash>`, lengthened on the rare clash, like Pagefind's own names."""
    digest = hashlib.sha256(payload).hexdigest()
    while f"{language}_{digest[:length]}" in taken and length < len(digest):
        length += 1
    return f"{language}_{digest[:length]}"


def encode(value: Any) -> bytes:
    """CBOR with the shortest heads, as Pagefind's encoder writes it: unsigned ints, text and arrays."""
    if isinstance(value, bool) or value is None:
        raise BundleFormatError(f"cannot encode {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise BundleFormatError("negative integers do not occur in filter or meta files")
        return _head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list | tuple):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    raise BundleFormatError(f"cannot encode {type(value).__name__}")


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if argument < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, argument)
    raise BundleFormatError(f"integer too large: {argument}")


def decode(data: bytes, at: int = 0) -> tuple[Any, int]:
    """One CBOR item starting at `at`, and where it ends."""
    if at >= len(data):
        raise BundleFormatError("truncated CBOR")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise BundleFormatError("truncated CBOR")
        argument = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise BundleFormatError(f"unsupported CBOR item {data[at - 1]:#x}")
    if major == 0:
        return argument, at
    if major == 3:
        if at + argument > len(data):
            raise BundleFormatError("truncated CBOR")
        return data[at:at + argument].decode("utf-8"), at + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    raise BundleFormatError(f"unsupported CBOR major type {major}")
