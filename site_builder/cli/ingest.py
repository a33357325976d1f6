"""`site-builder ingest`: clean raw articles into briefing files; every input is cleaned before any is written."""

from __future__ import annotations

import argparse
import re
from datetime import date

from site_builder.cli.common import EXIT_OK, log, site_folder
from site_builder.core.errors import UsageError
from site_builder.core.output_writer import write_if_changed
from site_builder.ingest.articles import SHOWN_NAMES, Outcome, collect_inputs, load_site, plan


def command(args: argparse.Namespace) -> int:
    """Run `site-builder ingest`; every input is cleaned in memory first, so an error writes nothing.

    `--date YYYY-MM-DD` is the date of every input, in place of any date the article gives; without
    it an input whose article gives no date (and whose earlier briefing has none) is an error.
    """
    given_date = _date_option(args.date) if args.date is not None else None
    root = site_folder(args.site)
    inputs = collect_inputs(args.inputs)
    site = load_site(root)
    outcomes = plan(inputs, site, force=args.force, explain=args.explain, given_date=given_date)
    for outcome in outcomes:
        if outcome.status != "unchanged":
            write_if_changed(root / outcome.dest, outcome.text.encode("utf-8"))
        _report(outcome)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("new", "updated", "unchanged")}
    log.info("ingested %d file%s: %d new, %d updated, %d unchanged", len(outcomes), "" if len(outcomes) == 1 else "s",
             counts["new"], counts["updated"], counts["unchanged"])
    return EXIT_OK


def _date_option(text: str) -> date:
    """The --date value as a calendar date; a usage error unless it is a real YYYY-MM-DD date."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(f"--date must be a real date written YYYY-MM-DD, not {text!r}")


def _report(outcome: Outcome) -> None:
    verb = {"new": "wrote", "updated": "updated", "unchanged": "unchanged"}[outcome.status]
    log.info("%s %s (from %s)", verb, outcome.dest, outcome.source)
    if outcome.names:
        shown = ", ".join(name for name, _ in outcome.names[:SHOWN_NAMES])
        more = len(outcome.names) - SHOWN_NAMES
        log.info("  names not in the registry: %s%s", shown, f" and {more} more" if more > 0 else "")
