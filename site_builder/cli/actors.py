"""`site-builder actors suggest`: capitalised names in briefings that no actor claims, most frequent first."""

from __future__ import annotations

import argparse
import sys

from site_builder.build.options import BuildOptions, load_site_config
from site_builder.build.site_build import Build
from site_builder.cli.common import site_folder
from site_builder.graph.suggestions import suggest


def command(args: argparse.Namespace) -> int:
    """`site-builder actors suggest [SITE]`: print unclaimed names, most frequent first."""
    root = site_folder(args.site)
    graph = Build(load_site_config(root, BuildOptions()), drafts=True, detail=True).link()
    found = suggest(graph)
    if not found:
        print("no unclaimed names found", file=sys.stderr)
        return 0
    for item in found[: args.limit]:
        example = " ".join(item.example.split())
        if len(example) > 140:
            example = example[:137].rsplit(" ", 1)[0] + "…"
        print(f"{item.count:5d}  {item.name}\n       {example}  [{item.briefing}]")
    if len(found) > args.limit:
        print(f"... and {len(found) - args.limit} more (--limit N shows more)", file=sys.stderr)
    return 0
