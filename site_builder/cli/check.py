"""`site-builder check`: build into a temporary folder and check every link and anchor in it."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from site_builder.build.builder import Builder
from site_builder.build.options import ONE_SHOT, BuildOptions, load_site_config
from site_builder.cli.common import EXIT_ERRORS, EXIT_OK, log, report_warnings, site_folder
from site_builder.core.errors import Interrupted
from site_builder.publish.link_check import check_output, plural, report_lines


def command(args: argparse.Namespace) -> int:
    """`site-builder check`: build into a temporary folder (the real output is untouched), then check its links."""
    root = site_folder(args.site)
    with tempfile.TemporaryDirectory(prefix="site-builder-check-") as tmp:
        # No build cache: checking leaves the site folder exactly as it was.
        options = BuildOptions(drafts=args.drafts, base_url=args.base_url, out_dir=Path(tmp), cache=False,
                               strict=args.strict)
        config = load_site_config(root, options)
        try:
            result = Builder(root, options, policy=ONE_SHOT).build()
        except Interrupted as exc:
            raise Interrupted(exc.signum, "nothing was written") from None
        report = check_output(Path(tmp), config.base_url, external=args.external)
    report_warnings(result.warnings)
    if report.problems:
        for line in report_lines(report):
            print(line, file=sys.stderr)
        return EXIT_ERRORS
    log.info("ok: %s, %s checked", plural(report.pages, "page"), plural(report.links, "link"))
    return EXIT_OK
