"""Adapters that turn a generated corpus into a Hugo, Pelican or MkDocs site doing comparable work.

Comparable means: a page per briefing with its body rendered from the same markdown, a page per actor
and per topic listing its briefings, the indexes of actors and topics, a paginated briefings list and
feeds where the tool makes them. None of them links mentions inside the text; that work is ours alone.
"""

from __future__ import annotations

from .base import Adapter, Tool
from .hugo import HugoAdapter
from .mkdocs import MkDocsAdapter
from .pelican import PelicanAdapter

ADAPTERS: dict[str, Adapter] = {"hugo": HugoAdapter(), "pelican": PelicanAdapter(), "mkdocs": MkDocsAdapter()}

__all__ = ["ADAPTERS", "Adapter", "Tool"]
