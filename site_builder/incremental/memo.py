"""What a good build leaves for the next one: the memo in this process, and page keys in the disk store.

Everything here is derived from inputs; dropping it gives a full build with the same output.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.actors.matcher import Matcher
from site_builder.content.loader import Model
from site_builder.core.keys import digest
from site_builder.core.site_files import SiteFiles
from site_builder.graph.site_graph import SiteGraph
from site_builder.incremental.bodies import MemoEntry
from site_builder.incremental.derived_memo import DerivedMemo
from site_builder.incremental.store import DiskStore
from site_builder.render.list_rows import Rows
from site_builder.render.templates import Templates
from site_builder.render.views import BriefingCard


@dataclass
class BuildMemo:
    """What a good build leaves for the next one in this process, so a rebuild redoes only what its changes touch.

    A build fills a copy of the last memo and hands it on only when it succeeds; the last good one
    is never changed.
    """

    models: dict[str, Model] = field(default_factory=dict)  # content path -> parsed model
    bodies: dict[str, MemoEntry] = field(default_factory=dict)  # content path -> (key, body)
    matcher: Matcher | None = None
    pages: dict[str, bytes] = field(default_factory=dict)  # output file -> key of what it was rendered from
    files: frozenset[str] = frozenset()  # every output file of the build
    templates: Templates | None = None  # compiled templates, kept until a template file changes
    derived: DerivedMemo | None = None  # related briefings and co-mentions, with what they were computed from
    graph: SiteGraph | None = None  # the last build's graph and page salt, to tell a body-only edit
    salt: bytes = b""
    files_found: SiteFiles | None = None  # the content files, brought up to date from the changed paths
    edited: frozenset[str] | None = None  # slugs of the briefings edited, before and after; None: anything else
    moved: bool = False  # whether those edits may have moved briefings in lists (see scope.move_scope)
    rows: Rows = field(default_factory=dict)  # list rows by card value, for these compiled templates
    sitemap: dict[str, str] = field(default_factory=dict)  # site path -> last-modified date (page_plan.sitemap_dates)
    cards: dict[str, BriefingCard] = field(default_factory=dict)  # by slug, for a rebuild that keeps most
    card_digests: dict[int, tuple[object, bytes]] = field(default_factory=dict)  # their keys, for page keys

    def unsettled(self, written: Set[str]) -> BuildMemo:
        """This memo for a rebuild after a build that put `written` in place, then stopped or failed.

        Those files no longer hold what the memo says, so their keys go and they are rendered again;
        and the pages that build meant to write later may differ from this memo's too, so no scope is
        trusted: the salt goes, the next rebuild plans every page and skips those whose key stands.
        """
        return replace(self, pages={rel: key for rel, key in self.pages.items() if rel not in written}, salt=b"")


@dataclass(frozen=True)
class StoredPage:
    """A page as the last build on disk left it: its key and the file's size and mtime."""

    digest: bytes
    size: int
    mtime_ns: int


def stored_pages_key(out_dir: Path) -> bytes:
    """Store key of the page keys of one output folder (`-o` elsewhere keeps its own)."""
    return digest("pages", str(out_dir.resolve()))


def stored_pages(store: DiskStore, out_dir: Path) -> dict[str, StoredPage]:
    """The page keys the last build in another process stored for this output folder."""
    found = store.get(stored_pages_key(out_dir))
    return found if isinstance(found, dict) else {}


def unchanged_on_disk(path: Path, stored: StoredPage | None, wanted: bytes) -> bool:
    """Whether the file holds what a page with key `wanted` renders to: same key, size and mtime as stored."""
    if stored is None or stored.digest != wanted:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_size == stored.size and stat.st_mtime_ns == stored.mtime_ns


def store_pages(store: DiskStore, out_dir: Path, keys: Mapping[str, bytes],
                stats: Mapping[str, tuple[int, int]]) -> None:
    """Remember each written page's key with its file's size and mtime, for the next process."""
    pages = {rel: StoredPage(wanted, *stats[rel]) for rel, wanted in keys.items() if rel in stats}
    store.put(stored_pages_key(out_dir), pages)
