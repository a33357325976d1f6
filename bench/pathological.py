"""Pathological markdown (the cases of cmark's test/pathological_tests.py): our body renderer against
markdown-it-py alone, on the same body, printed side by side.

    python -m bench.pathological            # 20,000 repetitions of each case
    python -m bench.pathological --times 5000

Nothing here asserts a time: the figures are printed, with the target beside them (at most twice
markdown-it-py's time, and 10 s), for a person to read. tests/bodies/test_pathological.py checks that
each case renders at all.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/pathological.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from markdown_it import MarkdownIt

from site_builder.actors.matcher import Matcher
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.core.config import MarkdownConfig


def cases(n: int) -> dict[str, str]:
    """Each pathological input at `n` repetitions."""
    return {
        "nested emphasis openers": "*a " * n,
        "emphasis closers": "a* " * n,
        "openers and closers": "*a _" * n,
        "nested strong emphasis": "**" * n + "a" + "**" * n,
        "nested brackets": "[" * n + "a" + "]" * n,
        "unclosed links": "[a](" * n,
        "unclosed link titles": '[a](<b "' * n,
        "nested block quotes": "> " * n + "a",
        "backtick runs": "`" * n + "a" + "``",
        "many backtick runs": "`a``" * n,
        "link reference definitions": "".join(f"[a{i}]: /u{i}\n" for i in range(n)) + "[a1]",
        "nested lists": "".join("  " * i + "- a\n" for i in range(min(n, 2000))),
        "many html entities": "&amp;" * n,
    }


def seconds(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    """Print one row per case: markdown-it-py alone, ours, and the ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.pathological")
    parser.add_argument("--times", type=int, default=20_000, help="repetitions of each pattern")
    args = parser.parse_args(argv)
    plain = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    ours = create_markdown(MarkdownConfig())
    matcher = Matcher({"North Korea": "north-korea"})
    print(f"{'case':28} {'markdown-it-py':>15} {'site-builder':>13} {'ratio':>6}  target ≤ 2× and ≤ 10 s")
    for name, text in cases(args.times).items():
        base = seconds(lambda text=text: plain.render(text))  # type: ignore[misc]
        mine = seconds(lambda text=text: render_body(ours, text, matcher=matcher, link_mode="first",  # type: ignore[misc]
                                                     actor_href=lambda actor: actor))
        met = "met" if mine <= max(2 * base, 0.05) and mine <= 10 else "not met"
        print(f"{name:28} {base:14.2f}s {mine:12.2f}s {mine / max(base, 1e-9):6.2f}  {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
