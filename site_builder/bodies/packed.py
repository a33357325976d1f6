"""A rendered body as a build keeps it: compressed, with what linking the site needs kept apart.

A big site holds every body from rendering until its pages are written, and as Python objects a
body's HTML, block text and mentions are large (text with any character beyond Latin-1 is stored
at two bytes a character); compressed they are a small fraction of that. Linking needs only which
actors a body mentions, how often, and its quotations, so those stay unpacked. The briefing page
and feeds unpack the HTML. Profiles show, for each briefing, the sentences that mention the actor:
they are found when the body is rendered and pickled on their own (too small to be worth
compressing), as unpacking a whole body for each actor of each briefing would cost more than
rendering it. A build leaves out the block text and mentions (`pack(detail=False)`).
"""

from __future__ import annotations

import pickle
import struct
import zlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

from site_builder.actors.excerpts import Excerpt, first_excerpts
from site_builder.actors.mentions import RenderedMention, TextBlock
from site_builder.actors.quotes import QuoteCandidate, quote_candidates
from site_builder.bodies.markdown import BodyParts

LEVEL = 1  # zlib level: the fastest; higher levels save little space for the extra time they take


class RenderedBody:
    """One body: HTML, block detail and excerpts packed; its actors, counts and quote candidates at hand.

    The packed parts are one run of bytes, a "region": a header of lengths (HTML, detail, then the
    excerpts of each of `actors`), then the parts. A region is its own bytes object, or a place in a
    pool that holds the regions of a whole build (`pooled`). Immutable. Pickles as its region, so the
    cache and worker processes never unpack it.
    """

    __slots__ = ("_at", "_data", "actors", "counts", "quotes")

    def __init__(self, data: bytes, at: int, actors: tuple[str, ...], counts: tuple[int, ...],
                 quotes: tuple[QuoteCandidate, ...]) -> None:
        self._data = data
        self._at = at  # where this body's region starts in `data`
        self.actors = actors  # mentioned actors, in order of first mention
        self.counts = counts  # mentions of each of `actors`
        self.quotes = quotes

    @classmethod
    def pack(cls, parts: BodyParts, detail: bool = True) -> RenderedBody:
        """Pack a freshly rendered body; without `detail`, its block texts and mentions are left out.

        Only `actors suggest` and analysis read the detail. A build leaves it out: packing it adds to
        the cost of every body, and keeping it would take a large share of the memory the bodies of a
        build hold.
        """
        counts = Counter(m.actor_id for m in parts.mentions)  # keeps first-mention order
        excerpts = first_excerpts(parts.blocks, parts.mentions)
        packed = [pack_text(parts.html), _pack((parts.blocks, parts.mentions)) if detail else b""]
        # Excerpts are small: compressing them would save too little to pay for the time it takes.
        packed += [pickle.dumps(excerpts[a], pickle.HIGHEST_PROTOCOL) if a in excerpts else b"" for a in counts]
        region = struct.pack(f"<{len(packed)}I", *map(len, packed)) + b"".join(packed)
        return cls(region, 0, tuple(counts), tuple(counts.values()), quote_candidates(parts.blocks, parts.mentions))

    def _lengths(self) -> tuple[int, ...]:
        """The header of this body's region: the length of each part."""
        return struct.unpack_from(f"<{2 + len(self.actors)}I", self._data, self._at)

    def _size(self) -> int:
        """The length of this body's region, header included, without copying it."""
        lengths = self._lengths()
        return 4 * len(lengths) + sum(lengths)

    def _part(self, index: int) -> memoryview:
        """One packed part, read in place: the pool's pages are never written, so forked workers share them."""
        lengths = self._lengths()
        start = self._at + 4 * len(lengths) + sum(lengths[:index])
        return memoryview(self._data)[start:start + lengths[index]]

    def region(self) -> bytes:
        """This body's packed parts as bytes of their own."""
        return self._data[self._at:self._at + self._size()]

    @property
    def html(self) -> str:
        """The HTML, unpacked on each use: callers that need it often keep it."""
        return unpack_text(self._part(0))

    def excerpts(self, actor_id: str) -> tuple[Excerpt, ...]:
        """The first sentences that mention an actor (none when it is only in the front matter list)."""
        if actor_id not in self.actors:
            return ()
        packed = self._part(2 + self.actors.index(actor_id))
        found: tuple[Excerpt, ...] = pickle.loads(packed) if packed else ()
        return found

    def detail(self) -> tuple[tuple[TextBlock, ...], tuple[RenderedMention, ...]]:
        """Block texts and mentions, unpacked on each use: a caller that needs both calls this once.

        Raises LookupError for a body packed without them (as a build packs it).
        """
        packed = self._part(1)
        if not packed:
            raise LookupError("this body was rendered without block detail: render it with detail=True")
        blocks, mentions = _unpack(packed)
        return blocks, mentions

    @property
    def blocks(self) -> tuple[TextBlock, ...]:
        """Block texts alone (unpacks the whole detail)."""
        return self.detail()[0]

    @property
    def mentions(self) -> tuple[RenderedMention, ...]:
        """Mentions alone (unpacks the whole detail)."""
        return self.detail()[1]

    def mention_counts(self) -> Counter[str]:
        """Mentions per actor, in order of first mention."""
        return Counter(dict(zip(self.actors, self.counts, strict=True)))

    def _state(self) -> tuple[Any, ...]:
        return (self.region(), 0, self.actors, self.counts, self.quotes)

    def __reduce__(self) -> tuple[Any, ...]:
        return (RenderedBody, self._state())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RenderedBody) and self._state() == other._state()

    __hash__ = None  # type: ignore[assignment]  # equal by value, so not hashable; never a key

    def __repr__(self) -> str:
        return f"RenderedBody(actors={self.actors!r}, {self._size()} bytes packed)"


def pooled(bodies: Iterable[RenderedBody]) -> dict[int, RenderedBody]:
    """The bodies whose regions are their own bytes, moved into one pool: by id() of the body they replace.

    A build forks page workers, and a forked process copies every memory page it writes to, if only to
    count a reference. Regions that are bytes objects of their own lie scattered over the heap, and
    reading one writes to its reference count, so each process would copy the pages of every body it
    reads. In one pool, reading writes only the pool's own header.
    """
    own = list({id(b): b for b in bodies if b._at == 0 and len(b._data) == b._size()}.values())
    if len(own) < 2:
        return {}
    regions = [b._data for b in own]
    pool = b"".join(regions)
    moved: dict[int, RenderedBody] = {}
    at = 0
    for body, region in zip(own, regions, strict=True):
        moved[id(body)] = RenderedBody(pool, at, body.actors, body.counts, body.quotes)
        at += len(region)
    return moved


def pack_text(text: str) -> bytes:
    """Text as a build keeps it for later: compressed UTF-8."""
    return zlib.compress(text.encode(), LEVEL)


def unpack_text(packed: bytes | memoryview) -> str:
    """The text `pack_text` packed."""
    return zlib.decompress(packed).decode()


def _pack(value: object) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), LEVEL)


def _unpack(packed: bytes | memoryview) -> Any:
    return pickle.loads(zlib.decompress(packed))
