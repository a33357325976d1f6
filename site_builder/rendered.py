"""A rendered body as a build keeps it: compressed, with what linking the site needs kept apart.

A big site holds every body from rendering until its pages are written, and as Python objects a
body's HTML, block text and mentions take about 60 KiB (text with any character beyond Latin-1 is
stored at two bytes a character). Compressed they take about 6 KiB. Linking needs only which
actors a body mentions, how often, and its quotations, so those stay unpacked. The briefing page
and feeds unpack the HTML. Profiles show, for each briefing, the sentences that mention the actor:
they are found when the body is rendered and packed on their own, as unpacking a whole body for
each actor of each briefing would cost more than rendering it.
"""

from __future__ import annotations

import pickle
import zlib
from collections import Counter
from typing import Any

from .excerpts import Excerpt, first_excerpts
from .markdown import BodyParts, RenderedMention, TextBlock
from .quotes import QuoteCandidate, quote_candidates

LEVEL = 1  # zlib level: the fastest; higher levels save a tenth more for twice the time


class RenderedBody:
    """One body: HTML, excerpts and block detail packed; its actors, counts and quote candidates at hand.

    Immutable. Pickles as its packed bytes, so the cache and worker processes never unpack it.
    """

    __slots__ = ("_detail", "_excerpts", "_html", "actors", "counts", "quotes")

    def __init__(self, html: bytes, excerpts: dict[str, bytes], detail: bytes, actors: tuple[str, ...],
                 counts: tuple[int, ...], quotes: tuple[QuoteCandidate, ...]) -> None:
        self._html = html
        self._excerpts = excerpts  # by actor: a profile's timeline unpacks one actor's at a time
        self._detail = detail
        self.actors = actors  # mentioned actors, in order of first mention
        self.counts = counts  # mentions of each of `actors`
        self.quotes = quotes

    @classmethod
    def pack(cls, parts: BodyParts) -> RenderedBody:
        """Pack a freshly rendered body."""
        counts = Counter(m.actor_id for m in parts.mentions)  # keeps first-mention order
        excerpts = {a: _pack(found) for a, found in first_excerpts(parts.blocks, parts.mentions).items()}
        return cls(pack_text(parts.html), excerpts, _pack((parts.blocks, parts.mentions)),
                   tuple(counts), tuple(counts.values()), quote_candidates(parts.blocks, parts.mentions))

    @property
    def html(self) -> str:
        """The HTML, unpacked on each use: callers that need it often keep it."""
        return unpack_text(self._html)

    def excerpts(self, actor_id: str) -> tuple[Excerpt, ...]:
        """The first sentences that mention an actor (none when it is only in the front matter list)."""
        packed = self._excerpts.get(actor_id)
        if packed is None:
            return ()
        found: tuple[Excerpt, ...] = _unpack(packed)
        return found

    def detail(self) -> tuple[tuple[TextBlock, ...], tuple[RenderedMention, ...]]:
        """Block texts and mentions, unpacked on each use: a caller that needs both calls this once."""
        blocks, mentions = _unpack(self._detail)
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
        return (self._html, self._excerpts, self._detail, self.actors, self.counts, self.quotes)

    def __reduce__(self) -> tuple[Any, ...]:
        return (RenderedBody, self._state())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RenderedBody) and self._state() == other._state()

    __hash__ = None  # type: ignore[assignment]  # equal by value, like the dataclass it replaces; never a key

    def __repr__(self) -> str:
        packed = len(self._html) + sum(map(len, self._excerpts.values())) + len(self._detail)
        return f"RenderedBody(actors={self.actors!r}, {packed} bytes packed)"


def pack_text(text: str) -> bytes:
    """Text as a build keeps it for later: compressed UTF-8."""
    return zlib.compress(text.encode(), LEVEL)


def unpack_text(packed: bytes) -> str:
    """The text `pack_text` packed."""
    return zlib.decompress(packed).decode()


def _pack(value: object) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), LEVEL)


def _unpack(packed: bytes) -> Any:
    return pickle.loads(zlib.decompress(packed))
