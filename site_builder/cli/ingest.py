"""`site-builder ingest`: clean raw articles into briefing files; every input is cleaned before any is written."""

from __future__ import annotations

import argparse

from site_builder.cli.common import EXIT_OK, log, site_folder
from site_builder.core.output_writer import write_if_changed
from site_builder.ingest.articles import SHOWN_NAMES, Outcome, collect_inputs, load_site, plan


def command(args: argparse.Namespace) -> int:
    """Run `site-builder ingest`; every input is cleaned in memory first, so an error writes nothing."""
    root = site_folder(args.site)
    inputs = collect_inputs(args.inputs)
    site = load_site(root)
    outcomes = plan(inputs, site, force=args.force, explain=args.explain)
    for outcome in outcomes:
        if outcome.status != "unchanged":
            write_if_changed(root / outcome.dest, outcome.text.encode("utf-8"))
        _report(outcome)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("new", "updated", "unchanged")}
    log.info("ingested %d file%s: %d new, %d updated, %d unchanged", len(outcomes), "" if len(outcomes) == 1 else "s",
             counts["new"], counts["updated"], counts["unchanged"])
    return EXIT_OK


def _report(outcome: Outcome) -> None:
    verb = {"new": "wrote", "updated": "updated", "unchanged": "unchanged"}[outcome.status]
    log.info("%s %s (from %s)", verb, outcome.dest, outcome.source)
    if outcome.missing:
        log.warning("%s: warning: no %s found; add %s before building", outcome.dest,
                    " or ".join(outcome.missing), " and ".join(f"'{m}:'" for m in outcome.missing))
    if outcome.names:
        shown = ", ".join(name for name, _ in outcome.names[:SHOWN_NAMES])
        more = len(outcome.names) - SHOWN_NAMES
        log.info("  names not in the registry: %s%s", shown, f" and {more} more" if more > 0 else "")
