"""The command line: the only place that configures logging and turns errors into exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import textwrap
import threading
from collections.abc import Callable, Sequence
from typing import Any

from site_builder import __version__
from site_builder.cli.common import EXIT_ERRORS, EXIT_USAGE
from site_builder.core.errors import Interrupted, SiteError, UsageError, os_problem
from site_builder.search.pagefind import SearchIndexError

_SOURCES = "SITE/config.yaml (or config.yml), content/, templates/ and static/, and the built-in theme"
_INTERRUPTED = "; 130 or 143 stopped by Ctrl-C or SIGTERM"
_LISTING = {
    "reads": "SITE/config.yaml and content/ (actors, briefings, topics, pages)",
    "exit codes": "0 done; 1 errors in the content or config; 2 wrong usage" + _INTERRUPTED,
}

# What each command does, reads and writes, and its exit codes: the description of its --help.
_ABOUT: dict[str, dict[str, str]] = {
    "build": {
        "what": "Build the site in SITE into its output folder. Warnings are printed; --strict makes them errors.",
        "reads": f"{_SOURCES}; the build cache SITE/.cache/ (not with --no-cache)",
        "writes": "the output folder (config's output_dir, default SITE/public/, or -o OUT): only the files whose "
                  "bytes changed, then the search index in its pagefind/; the build cache "
                  "SITE/.cache/site-builder.sqlite (not with --no-cache). A build with errors writes nothing",
        "exit codes": "0 built, or already up to date; 1 errors in the content, config or templates (nothing "
                      "written), or the search index failed (pages written, old index kept); 2 wrong usage, a "
                      "missing folder or one that is no site, an output folder another run is writing"
                      + _INTERRUPTED,
    },
    "check": {
        "what": "Build SITE into a temporary folder, then check every link and anchor of that build; list the "
                "briefings under embargo and run the estimative-language lint (tradecraft.lint).",
        "reads": f"{_SOURCES}; with --external, every outside http(s) link over the network",
        "writes": "nothing in SITE: the build goes to a temporary folder, deleted at the end; the findings on stderr "
                  "(on stdout with --format json)",
        "exit codes": "0 no errors and no broken links; 1 errors in the site, or broken links; 2 wrong usage"
                      + _INTERRUPTED,
    },
    "new": {
        "what": "Create a site that builds at once: an example briefing, two actors and a topic to replace.",
        "reads": "only the starter site shipped with site-builder",
        "writes": "the folder SITE, which must not exist or be empty: config.yaml, content/, empty templates/ and "
                  "static/, and a .gitignore for public/ and .cache/",
        "exit codes": "0 created; 2 SITE exists and is not an empty folder" + _INTERRUPTED,
    },
    "serve": {
        "what": "Build SITE, serve it with live reload, and rebuild what each change touches until Ctrl-C. "
                "Errors in the site are shown in the browser; the last good build stays served.",
        "reads": f"{_SOURCES}, watched for changes; the build cache SITE/.cache/",
        "writes": "the output folder (config's output_dir, default SITE/public/) and the build cache SITE/.cache/, "
                  "as build does, never fingerprinted; the address on stdout",
        "exit codes": "0 stopped by Ctrl-C or SIGTERM; 2 wrong usage, a missing site folder, a port that cannot "
                      "be opened",
    },
    "deploy": {
        "what": "Build SITE without drafts, then publish the output as the whole tree of a git branch (--branch) "
                "or mirror it into a folder (--to). Flags win over the deploy.* keys of config.yaml.",
        "reads": f"{_SOURCES} (with --no-build, the output folder as it is); the git repository of SITE (or --repo)",
        "writes": "the output folder and SITE/.cache/ (not with --no-build); with --branch, one commit on that "
                  "branch, pushed unless --no-push (the work tree, index and current branch stay untouched); "
                  "with --to, the folder DEST made a mirror of the output (nothing with --dry-run)",
        "exit codes": "0 published, or nothing changed; 1 errors in the site (nothing published), or git or the "
                      "target failed; 2 contradictory flags, no target, wrong usage" + _INTERRUPTED,
    },
    "ingest": {
        "what": "Clean raw articles (.txt, .html; folders are searched for them) into briefing files, one per "
                "article. Every input is cleaned before any file is written.",
        "reads": "each FILE_OR_FOLDER; in the site (--site): config.yaml (its ingest.* rules), content/actors/ "
                 "(to name the actors) and content/briefings/ (earlier briefings of the same article); the cleaning "
                 "rules shipped with site-builder",
        "writes": "content/briefings/<date>-<slug>.md in the site, new or updated, and nothing else; the paths "
                  "written and the names no actor claims on stderr",
        "exit codes": "0 written or unchanged; 1 an input unreadable, without a date or a title, or a briefing "
                      "that changed since (without --force): nothing written; 2 a missing input, a file of "
                      "another kind, a bad --date" + _INTERRUPTED,
    },
    "actors": {
        "what": "Work with the actors of SITE: list them, or find the names that no actor claims yet.",
        "reads": _LISTING["reads"],
        "writes": "nothing: the answer on stdout",
        "exit codes": _LISTING["exit codes"],
    },
    "actors list": {
        "what": "Print every actor of SITE by id, with its name, type and the number of briefings that involve it "
                "(drafts left out).",
        **_LISTING,
        "writes": "nothing: one line per actor on stdout",
    },
    "actors suggest": {
        "what": "Print the capitalised names in briefing bodies (drafts included) that no actor's name or alias "
                "claims, most frequent first, each with a sentence it appears in.",
        **_LISTING,
        "writes": "nothing: the names on stdout",
    },
}


def _about(command: str) -> dict[str, Any]:
    """The keywords of `add_parser` that give a command's --help its description: what it does, reads, writes."""
    about = _ABOUT[command]
    lines = [textwrap.fill(about["what"], 100), ""]
    for label in ("reads", "writes", "exit codes"):
        lines.append(textwrap.fill(about[label], 100, initial_indent=f"{label + ':':12}", subsequent_indent=" " * 12,
                                   break_on_hyphens=False))
    return {"description": "\n".join(lines), "formatter_class": argparse.RawDescriptionHelpFormatter}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build cross-linked briefing sites from articles and actor files. "
                    "Each command's --help says what it reads and writes.",
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser("build", parents=[common], help="build the site into the output folder",
                           **_about("build"))
    build.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    build.add_argument("-o", "--output", help="output folder (default: config's output_dir)")
    build.add_argument("--drafts", action="store_true", help="include briefings marked draft: true")
    build.add_argument("--future", action="store_true",
                       help="include briefings under embargo (publish_at still to come), with a banner")
    build.add_argument("--base-url", help="override config's base_url for this build")
    build.add_argument("--no-cache", action="store_true", help="ignore and do not update the cache in SITE/.cache")
    build.add_argument("--strict", action="store_true", help="fail on warnings (files not read, likely typos)")
    build.add_argument("--force", action="store_true", help="build a folder that has no config.yaml and no content/")
    build.add_argument("-j", "--jobs", type=_positive, metavar="N",
                       help="processes rendering bodies and pages (default: one per core; 1: least memory)")

    check = sub.add_parser("check", parents=[common],
                           help="build into a temporary folder and check every link and anchor in it",
                           **_about("check"))
    check.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    check.add_argument("--drafts", action="store_true", help="include drafts in the check")
    check.add_argument("--future", action="store_true", help="include briefings under embargo in the check")
    check.add_argument("--base-url", help="override config's base_url for this check")
    check.add_argument("--external", action="store_true", help="also request every http(s) link outside the site")
    check.add_argument("--strict", action="store_true", help="fail on warnings, as build --strict does")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="json: one object per finding on stdout (path, line, column, severity, message, hint)")

    new = sub.add_parser("new", parents=[common], help="create a new site that builds at once", **_about("new"))
    new.add_argument("site", help="folder to create (must not exist or be empty)")

    build.set_defaults(handler=_lazy("site_builder.cli.build"))
    check.set_defaults(handler=_lazy("site_builder.cli.check"))
    new.set_defaults(handler=_lazy("site_builder.cli.new"))

    serve = sub.add_parser("serve", parents=[common], help="build, serve and rebuild on change with live reload",
                           **_about("serve"))
    serve.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network drives, container mounts)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.add_argument("--drafts", action="store_true", help="include drafts")
    serve.set_defaults(handler=_lazy("site_builder.cli.serve"))

    deploy = sub.add_parser("deploy", parents=[common], help="build without drafts, publish to a git branch or folder",
                            **_about("deploy"))
    deploy.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    deploy.add_argument("--branch", help="commit the output as the whole tree of this git branch, e.g. gh-pages")
    deploy.add_argument("--to", metavar="DEST", help="mirror the output into this folder")
    deploy.add_argument("--base-url", help="override config's base_url for this build")
    deploy.add_argument("--no-build", action="store_true", help="deploy the output folder as it is")
    deploy.add_argument("--force", action="store_true", help="branch: replace its history (parentless commit, forced "
                        "push); folder: take over a non-empty folder site-builder did not create")
    deploy.add_argument("--remote", help="branch: remote to push to (default: deploy.remote, else origin)")
    deploy.add_argument("--repo", help="branch: repository to commit in (default: the site's)")
    deploy.add_argument("--message", help="branch: commit message (default: 'Publish site from <commit>')")
    deploy.add_argument("--no-push", action="store_true", help="branch: commit on the local branch only")
    deploy.add_argument("--dry-run", action="store_true", help="folder: print what would change; change nothing")
    deploy.set_defaults(handler=_lazy("site_builder.cli.deploy"))

    ingest = sub.add_parser("ingest", parents=[common], help="clean raw articles (.txt, .html) into briefings",
                            **_about("ingest"))
    ingest.add_argument("inputs", nargs="+", metavar="FILE_OR_FOLDER", help="raw articles or folders of them")
    ingest.add_argument("--site", default=".", help="site folder (default: current folder)")
    ingest.add_argument("--force", action="store_true", help="overwrite briefings that already exist")
    ingest.add_argument("--explain", action="store_true", help="print every dropped line and the rule that dropped it")
    ingest.add_argument("--date", metavar="YYYY-MM-DD", help="the date of every input, in place of the articles' own")
    ingest.set_defaults(handler=_lazy("site_builder.cli.ingest"))

    actors = sub.add_parser("actors", parents=[common], help="work with the actor registry", **_about("actors"))
    actors_sub = actors.add_subparsers(dest="actors_command", metavar="ACTION", required=True)
    suggest = actors_sub.add_parser("suggest", parents=[common],
                                    help="list capitalised names in briefings that no actor claims",
                                    **_about("actors suggest"))
    suggest.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    suggest.add_argument("--limit", type=int, default=50, help="how many names to print (default: 50)")
    suggest.set_defaults(handler=_lazy("site_builder.cli.actors"))
    listing = actors_sub.add_parser("list", parents=[common],
                                    help="list every actor: id, name, type and the briefings that involve it",
                                    **_about("actors list"))
    listing.add_argument("site", nargs="?", default=".", help="site folder (default: current folder)")
    listing.set_defaults(handler=_lazy("site_builder.cli.actors"))
    return parser


Handler = Callable[[argparse.Namespace], int]


def _positive(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _lazy(module: str) -> Handler:
    """The `command` of a module in this package, imported only when it runs, so `build` never pays for the server."""
    def handler(args: argparse.Namespace) -> int:
        function: Handler = importlib.import_module(module).command
        return function(args)

    return handler


def _report(error: SiteError) -> int:
    """Print the errors with the warnings found before them, in file order, then one line counting the errors."""
    for diagnostic in error.everything():
        print(diagnostic.format(), file=sys.stderr)
    count = len(error.diagnostics)
    # Pagefind reads the written pages, so when it fails they are already there; only the index is old.
    outcome = ("the pages were written, the previous search index was kept" if isinstance(error, SearchIndexError)
               else "nothing was written")
    print(f"{count} error{'s' if count != 1 else ''}; {outcome}", file=sys.stderr)
    return EXIT_ERRORS


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 content errors, 2 usage, 128 + the signal number
    when Ctrl-C or SIGTERM stopped the run)."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s",
                        stream=sys.stderr, force=True)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    # Ctrl-C and SIGTERM (a cancelled CI job, `docker stop`) unwind the run like an error: staged files go,
    # workers are stopped, and one line says so. Only the main thread may set handlers (not so in tests
    # that run main() from a thread).
    caught = (signal.SIGINT, signal.SIGTERM) if threading.current_thread() is threading.main_thread() else ()
    previous = {signum: signal.signal(signum, _interrupt) for signum in caught}
    try:
        handler: Handler = args.handler
        return handler(args)
    except UsageError as exc:
        print(f"site-builder: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SiteError as exc:
        return _report(exc)
    except OSError as exc:  # what a command did not turn into a diagnostic of its own: still one line
        print(f"site-builder: error: {os_problem(exc, 'read or write').format()}", file=sys.stderr)
        return EXIT_ERRORS
    except Interrupted as exc:
        print(f"interrupted; {exc.untouched}" if exc.untouched else "interrupted", file=sys.stderr)
        return 128 + exc.signum
    finally:
        for signum, handler_before in previous.items():
            signal.signal(signum, handler_before)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
