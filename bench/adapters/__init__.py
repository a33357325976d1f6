"""Adapters that turn a generated corpus into a Hugo, Pelican, MkDocs or naive-builder site doing comparable work.

Comparable means: a page per briefing with its body rendered from the same markdown, a page per actor
and per topic listing its briefings, the indexes of actors and topics, a paginated briefings list and
feeds where the tool makes them. None of them links mentions inside the text; that work is ours alone.
`naive` is not a product but bench/naive.py, markdown-it-py and Jinja2 done the simple way: the floor.
"""

from __future__ import annotations

from .base import Adapter, Tool
from .hugo import HugoAdapter
from .mkdocs import MkDocsAdapter
from .naive import NaiveAdapter
from .pelican import PelicanAdapter

ADAPTERS: dict[str, Adapter] = {"hugo": HugoAdapter(), "pelican": PelicanAdapter(), "mkdocs": MkDocsAdapter(),
                               "naive": NaiveAdapter()}

__all__ = ["ADAPTERS", "Adapter", "Tool"]
