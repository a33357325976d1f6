"""`site-builder actors list` and `actors suggest`: the actors a desk has, and the names none of them claims."""

from __future__ import annotations

import argparse
import sys

from site_builder.build.options import BuildOptions, load_site_config
from site_builder.build.site_build import Build
from site_builder.cli.common import site_folder
from site_builder.graph.suggestions import suggest


def command(args: argparse.Namespace) -> int:
    """`site-builder actors ACTION [SITE]`: run the action chosen on the command line."""
    return list_actors(args) if args.actors_command == "list" else suggest_names(args)


def list_actors(args: argparse.Namespace) -> int:
    """`site-builder actors list [SITE]`: one line per actor on stdout, by id: id, name, type, briefings."""
    graph = Build(load_site_config(site_folder(args.site), BuildOptions())).link()
    rows = [(actor.id, actor.name, actor.type, str(len(graph.actor_briefings.get(actor.id, ()))))
            for actor in sorted(graph.actors.values(), key=lambda a: a.id)]
    header = ("id", "name", "type", "briefings")
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(3)]
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    return 0


def suggest_names(args: argparse.Namespace) -> int:
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
