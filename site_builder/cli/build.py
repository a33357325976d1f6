"""`site-builder build`: build the site into its output folder and print one summary line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder.build.builder import Builder, BuildResult
from site_builder.build.options import ONE_SHOT, BuildOptions
from site_builder.cli.common import EXIT_OK, desk_folder, log, report_warnings
from site_builder.core.progress import Progress


def command(args: argparse.Namespace) -> int:
    """Build once; a failed build raises before anything is written."""
    options = BuildOptions(drafts=args.drafts, base_url=args.base_url,
                           out_dir=Path(args.output) if args.output else None, cache=not args.no_cache,
                           jobs=args.jobs, strict=args.strict, future=args.future)
    progress = Progress.for_stream(sys.stderr, quiet=args.quiet)
    result = Builder(desk_folder(args.site, args.force), options, progress, ONE_SHOT).build()
    report_warnings(result.warnings)
    log.info("%s", summary(result))
    if result.search is not None:
        log.info("search index: %d pages, %d files written, %d removed in %.2f s", result.search.pages,
                 len(result.search.written), len(result.search.removed), result.search.seconds)
    return EXIT_OK


def summary(result: BuildResult) -> str:
    """The one line a build ends with: what was written, what was reused and how long it took."""
    if result.up_to_date:
        return (f"{result.out_dir} is up to date: {result.pages} pages ({result.files} files) as the last build "
                f"left them; {result.seconds:.2f} s")
    bodies = result.bodies
    total = bodies.reused + bodies.cached + bodies.rendered
    reused = bodies.reused + bodies.cached
    workers = f" on {bodies.workers} processes" if bodies.workers else ""
    return (f"built {result.pages} pages ({result.files} files) into {result.out_dir}: "
            f"{len(result.report.written)} written, {result.report.unchanged} unchanged, "
            f"{len(result.report.removed)} removed; bodies {reused}/{total} from cache, "
            f"{bodies.rendered} rendered{workers}; {result.seconds:.2f} s")
