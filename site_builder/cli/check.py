"""`site-builder check`: build into a temporary folder and check every link and anchor in it.

With `--format json` every finding is one JSON object per line on stdout (path, line, column,
severity, message, hint), for editors and CI annotations; the exit code is the same.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from site_builder.build.builder import Builder
from site_builder.build.options import ONE_SHOT, BuildOptions, load_site_config
from site_builder.cli.common import EXIT_ERRORS, EXIT_OK, log, report_warnings, site_folder
from site_builder.core.errors import Diagnostic, Interrupted, SiteError, SourceLocation
from site_builder.publish.link_check import Problem, check_output, plural, report_lines


def command(args: argparse.Namespace) -> int:
    """`site-builder check`: build into a temporary folder (the real output is untouched), then check its links."""
    root = site_folder(args.site)
    as_json = args.format == "json"
    with tempfile.TemporaryDirectory(prefix="site-builder-check-") as tmp:
        # No build cache: checking leaves the site folder exactly as it was.
        options = BuildOptions(drafts=args.drafts, base_url=args.base_url, out_dir=Path(tmp), cache=False,
                               strict=args.strict, future=args.future, lint=True)
        try:
            config = load_site_config(root, options)
            result = Builder(root, options, policy=ONE_SHOT).build()
        except Interrupted as exc:
            raise Interrupted(exc.signum, "nothing was written") from None
        except SiteError as exc:
            if not as_json:
                raise
            print_json(exc.everything())
            return EXIT_ERRORS
        report = check_output(Path(tmp), config.base_url, external=args.external)
    embargoed = [embargo_note(path, when) for path, when in result.embargoed]
    if as_json:
        print_json([*embargoed, *result.warnings, *(link_diagnostic(problem) for problem in report.problems)])
        return EXIT_ERRORS if report.problems else EXIT_OK
    for note in embargoed:
        log.info("%s", note.format())
    report_warnings(result.warnings)
    if report.problems:
        for line in report_lines(report):
            print(line, file=sys.stderr)
        return EXIT_ERRORS
    log.info("ok: %s, %s checked", plural(report.pages, "page"), plural(report.links, "link"))
    return EXIT_OK


def embargo_note(path: str, when: datetime) -> Diagnostic:
    """A briefing under embargo, as a note: it is left out of the site until `when`."""
    return Diagnostic(SourceLocation(path), f"embargoed until {when.isoformat(timespec='minutes')}",
                      "left out of every page, feed and index until then; build --future or serve shows it", "note")


def link_diagnostic(problem: Problem) -> Diagnostic:
    """A broken link as a diagnostic of the output file it is written in."""
    message = f"broken link to {problem.target}" if problem.target else problem.reason
    return Diagnostic(SourceLocation(problem.page, problem.line), message, problem.reason if problem.target else "")


def print_json(diagnostics: Iterable[Diagnostic]) -> None:
    """One JSON object per diagnostic and line on stdout."""
    for d in diagnostics:
        print(json.dumps({"path": d.location.path, "line": d.location.line, "column": d.location.column,
                          "severity": d.severity, "message": d.message, "hint": d.hint}, ensure_ascii=False))
