"""Mentions as the matcher finds them in text: where an actor is named, and the block of text it sits in.

Bodies, excerpts, quotes and the graph all read these records. They are named tuples: a big site
keeps and caches a great many of them, and a tuple is made and unpickled in C.
"""

from __future__ import annotations

from typing import NamedTuple


class RenderedMention(NamedTuple):
    """A mention as found in a rendered body, placed in the plain text of its block."""

    actor_id: str
    text: str
    line: int  # 1-based line in the source file
    block: int  # index into BodyParts.blocks
    start: int  # offsets into that block's text
    end: int


class TextBlock(NamedTuple):
    """The plain text of one paragraph, list item or table cell, for excerpts and quote attribution."""

    text: str
    line: int
