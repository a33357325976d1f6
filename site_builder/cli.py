"""The command line: the only place that configures logging and turns errors into exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .build import Builder, BuildOptions
from .errors import SiteError, UsageError
from .scaffold import create_site

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2

log = logging.getLogger("site_builder")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build cross-linked briefing sites from articles and actor files.",
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser("build", parents=[common], help="build the site into the output folder")
    build.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    build.add_argument("-o", "--output", help="output folder (default: config's output_dir)")
    build.add_argument("--drafts", action="store_true", help="include briefings marked draft: true")
    build.add_argument("--base-url", help="override config's base_url for this build")

    check = sub.add_parser("check", parents=[common],
                           help="build into a temporary folder and check every link and anchor in it")
    check.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    check.add_argument("--drafts", action="store_true", help="include drafts in the check")
    check.add_argument("--base-url", help="override config's base_url for this check")
    check.add_argument("--external", action="store_true", help="also request every http(s) link outside the site")

    new = sub.add_parser("new", parents=[common], help="create a new site that builds at once")
    new.add_argument("site", help="folder to create (must not exist or be empty)")

    build.set_defaults(handler=_build)
    check.set_defaults(handler=_lazy("site_builder.linkcheck", "command"))
    new.set_defaults(handler=_new)

    serve = sub.add_parser("serve", parents=[common], help="build, serve and rebuild on change with live reload")
    serve.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network drives, container mounts)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.add_argument("--drafts", action="store_true", help="include drafts")
    serve.set_defaults(handler=_lazy("site_builder.server", "command"))

    ingest = sub.add_parser("ingest", parents=[common], help="clean raw articles (.txt, .html) into briefings")
    ingest.add_argument("inputs", nargs="+", metavar="FILE_OR_FOLDER", help="raw articles or folders of them")
    ingest.add_argument("--site", default=".", help="site folder (default: current folder)")
    ingest.add_argument("--force", action="store_true", help="overwrite briefings that already exist")
    ingest.add_argument("--explain", action="store_true", help="print every dropped line and the rule that dropped it")
    ingest.set_defaults(handler=_lazy("site_builder.ingest", "command"))

    actors = sub.add_parser("actors", parents=[common], help="work with the actor registry")
    actors_sub = actors.add_subparsers(dest="actors_command", metavar="ACTION", required=True)
    suggest = actors_sub.add_parser("suggest", parents=[common],
                                    help="list capitalised names in briefings that no actor claims")
    suggest.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    suggest.add_argument("--limit", type=int, default=50, help="how many names to print (default: 50)")
    suggest.set_defaults(handler=_lazy("site_builder.suggest", "command"))
    return parser


Handler = Callable[[argparse.Namespace], int]


def _lazy(module: str, name: str) -> Handler:
    """Import a command's module only when it runs, so `build` never pays for the server or ingest."""
    def handler(args: argparse.Namespace) -> int:
        function: Handler = getattr(importlib.import_module(module), name)
        return function(args)

    return handler


def site_folder(path: str) -> Path:
    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"site folder {path!r} does not exist")
    return root


def _report(error: SiteError) -> int:
    for diagnostic in error.diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    count = len(error.diagnostics)
    print(f"{count} error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
    return EXIT_ERRORS


def _build(args: argparse.Namespace) -> int:
    options = BuildOptions(drafts=args.drafts, base_url=args.base_url,
                           out_dir=Path(args.output) if args.output else None)
    result = Builder(site_folder(args.site), options).build()
    log.info("built %d pages (%d files) into %s: %d written, %d unchanged, %d removed in %.2f s",
             result.pages, result.files, result.out_dir, len(result.report.written), result.report.unchanged,
             len(result.report.removed), result.seconds)
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    root = Path(args.site)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(f"{args.site!r} exists and is not an empty folder; choose a new one")
    for path in create_site(root):
        log.info("created %s", path)
    log.info("next: site-builder build %s", args.site)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 content errors, 2 usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s",
                        stream=sys.stderr, force=True)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        handler: Handler = args.handler
        return handler(args)
    except UsageError as exc:
        print(f"site-builder: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SiteError as exc:
        return _report(exc)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
