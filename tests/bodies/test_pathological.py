"""The pathological inputs of cmark's test suite render, at full size, without a recursion error or a hang.

Their times beside markdown-it-py's are printed by `python -m bench.pathological`, not asserted here.
"""

from __future__ import annotations

import pytest

from bench.pathological import cases
from site_builder.actors.matcher import Matcher
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.core.config import MarkdownConfig

CASES = cases(20_000)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_markdown_renders(name: str) -> None:
    parts = render_body(create_markdown(MarkdownConfig()), CASES[name], matcher=Matcher({"a": "actor-a"}),
                        link_mode="first", actor_href=lambda actor: f"/actors/{actor}/")
    assert parts.html.strip()
    assert "<script" not in parts.html
