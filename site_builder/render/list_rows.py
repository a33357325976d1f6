"""List rows rendered once per build and re-linked for each page that shows them.

A briefing appears as a row on its actors' profiles, its topics, the archive, the home page and
other briefings' related lists, so running the row macro for every row would repeat the same work
many times over. Its output depends only on the card, the level and the links `url()` gives from
the page it sits on, so the macro runs once per card and level with a recording `url()`, and each
page fills in its own links. Templates opt in with
`{{ cached(briefing_row, card, url, 4) }}`, which gives the same bytes as `{{ briefing_row(card, url, 4) }}`.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from site_builder.core.keys import digest, dumps

# Private-use characters mark where a link goes (a row whose text holds one is never cached); the
# letters of both cases inside make a filter such as `|upper` or `|lower` on a link break its mark.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SLOT = re.compile(f"{_OPEN}uL(\\d+){_CLOSE}")
_SPECIAL = re.compile("[&<>'\"]")

Url = Callable[[str], str]
ValueKey = tuple[int, bytes, tuple[Any, ...]]  # (id of the macro, a digest of the item, the extra arguments)


def escape_link(link: str) -> str:
    """What autoescape makes of `{{ url(target) }}`, as a plain string.

    markupsafe's `escape` makes a Markup object for each link, and every page fills in the links of
    each row it shows; links seldom hold a character to escape.
    """
    return str(escape(link)) if _SPECIAL.search(link) else link


@dataclass(frozen=True, slots=True)
class _Fragment:
    """A rendered row cut at its links: literal, target, literal, target, ..., literal."""

    pieces: tuple[str, ...]
    # The macro and item, held so that their ids, which key the cache, are not reused while it lives.
    keep: tuple[Any, ...]

    def fill(self, url: Url) -> Markup:
        pieces = self.pieces
        out = [pieces[0]]
        for i in range(1, len(pieces), 2):
            out.append(escape_link(url(pieces[i])))
            out.append(pieces[i + 1])
        return Markup("".join(out))


Rows = dict[ValueKey, _Fragment]  # recorded rows by item value, carried from one build to the next


def _record(macro: Callable[..., Any], item: Any, args: tuple[Any, ...],
            shared: dict[str, str]) -> _Fragment | None:
    """Render once with a `url()` that leaves numbered marks; None when the output cannot be re-linked.

    Pieces equal to one already kept are replaced by it (`shared`): rows repeat the same markup
    around the same topic and actor links, so one copy of each distinct piece serves them all.
    """
    targets: list[str] = []

    def mark(target: str) -> str:
        targets.append(target)
        return f"{_OPEN}uL{len(targets) - 1}{_CLOSE}"

    html = str(macro(item, mark, *args))
    parts = _SLOT.split(html)
    literals, numbers = parts[0::2], parts[1::2]
    if [int(n) for n in numbers] != list(range(len(targets))):
        return None  # a link was dropped, repeated or transformed: the macro does more than print url()
    if any(_OPEN in text or _CLOSE in text for text in literals):
        return None
    pieces: list[str] = [literals[0]]
    for target, text in zip(targets, literals[1:], strict=True):
        pieces += [target, text]
    return _Fragment(tuple(shared.setdefault(piece, piece) for piece in pieces), (macro, item))


class RowMemo:
    """The `cached(macro, item, url, *args)` of one build's templates; one per renderer, never shared.

    Keys are the identities of the macro and item (cards are made once per build) and the extra
    arguments; a cache lives for one build only, so an edited card is never served from it.

    `carried` is given when the next build will get this one's rows (the dev server): rows recorded
    by earlier builds with the same compiled templates, by the card's value. A rebuild makes new
    cards, and recording every row of an archive year again would cost more than the rest of a
    one-briefing rebuild.
    """

    def __init__(self, trusted: tuple[str, ...] = (), carried: Mapping[ValueKey, _Fragment] | None = None,
                 value_digest: Callable[[Any], bytes] | None = None) -> None:
        self._store: dict[tuple[int, int, tuple[Any, ...]], _Fragment | None] = {}
        self._pieces: dict[str, str] = {}  # one copy of each distinct piece of every row
        # Folders of templates known to print their links as they are (the built-in theme): their macros
        # are not rendered a second time to check the marks.
        self._trusted = trusted
        self._carried = carried
        self._by_value: Rows | None = None if carried is None else {}
        # The digest of an item's pickle; the page renderer passes the one its page digests already made.
        self._value_digest = value_digest or _pickle_digest

    def _checked(self, macro: Callable[..., Any]) -> bool:
        func = getattr(macro, "_func", None)  # a Jinja macro's compiled code carries its template's path
        filename = getattr(getattr(func, "__code__", None), "co_filename", "")
        return not (filename and self._trusted and filename.startswith(self._trusted))

    def __call__(self, macro: Callable[..., Any], item: Any, url: Url, *args: Any) -> Markup:
        if not all(isinstance(a, Hashable) for a in args):
            return Markup(macro(item, url, *args))
        key = (id(macro), id(item), args)
        if key in self._store:
            found = self._store[key]
            return found.fill(url) if found is not None else Markup(macro(item, url, *args))
        found = self._reused(macro, item, args)
        if found is not None:
            self._store[key] = found
            return found.fill(url)
        found = _record(macro, item, args, self._pieces)
        if found is not None and not self._checked(macro):
            self._keep(key, macro, item, args, found)
            return found.fill(url)
        direct = Markup(macro(item, url, *args))
        # First use: the real rendering must match, or the macro does more with its links than print them.
        self._keep(key, macro, item, args, found if found is not None and found.fill(url) == direct else None)
        return direct

    def _keep(self, key: tuple[int, int, tuple[Any, ...]], macro: Callable[..., Any], item: Any,
              args: tuple[Any, ...], found: _Fragment | None) -> None:
        self._store[key] = found
        if found is not None and self._by_value is not None:
            by_value = self._value_key(macro, item, args)
            if by_value is not None:
                self._by_value[by_value] = found

    def _reused(self, macro: Callable[..., Any], item: Any, args: tuple[Any, ...]) -> _Fragment | None:
        """The row an earlier build recorded for an equal item, held for this one."""
        if not self._carried or self._by_value is None:
            return None
        by_value = self._value_key(macro, item, args)
        found = self._carried.get(by_value) if by_value is not None else None
        if found is None:
            return None
        fragment = _Fragment(found.pieces, (macro, item))
        self._by_value[by_value] = fragment  # type: ignore[index]
        return fragment

    def carry(self) -> Rows | None:
        """Rows by value for the next build with the same templates: the earlier builds' and this one's."""
        if self._by_value is None:
            return None
        return {**(self._carried or {}), **self._by_value}

    def _value_key(self, macro: Callable[..., Any], item: Any, args: tuple[Any, ...]) -> ValueKey | None:
        """The key of a row by its item's value, exactly: None for an item that cannot be pickled.

        By a digest of its pickle, not by `==`: equal values can print differently (the same instant
        in two time zones, a string and Markup), and a row must never come from another value. A
        digest, not the pickle itself, so the dev server does not keep a second copy of every card.
        """
        try:
            value = self._value_digest(item)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None
        return (id(macro), value, args)  # the fragment keeps the macro alive, so its id is never reused meanwhile


def _pickle_digest(item: Any) -> bytes:
    return digest(dumps(item))
