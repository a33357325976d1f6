"""How the graph asks for site-wide values (related briefings, co-mentions) that a rebuild may carry over.

The graph states what each value is computed from; whoever supplies `DerivedValues` decides whether
an earlier value with an equal signature stands. `ComputeEach` keeps nothing, for a build with no
memo; the memo that rebuilds carry lives in `site_builder.incremental`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class DerivedValues(Protocol):
    """A source of derived values, each named by a key and computed from what its signature lists."""

    def get_equal(self, key: Hashable, signature: object, compute: Callable[[], T],
                  update: Callable[[Any, T], T] | None = None) -> T:
        """The value for `key`: `compute()`, or an earlier value whose signature equals `signature`.

        `update(old_signature, old_value)`, when given, may work out the new value from an earlier
        one with another signature; the result must equal what `compute()` returns.
        """
        ...


class ComputeEach:
    """Derived values computed every time they are asked for."""

    def get_equal(self, key: Hashable, signature: object, compute: Callable[[], T],
                  update: Callable[[Any, T], T] | None = None) -> T:
        """`compute()`; nothing is kept."""
        return compute()
