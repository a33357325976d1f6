"""`site-builder new SITE`: create a site from the starter folder shipped with the package, ready to build."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from site_builder.cli.common import EXIT_OK, log
from site_builder.core.errors import UsageError
from site_builder.core.site_files import walk_files

STARTER = Path(__file__).parents[1] / "starter"
# The build output and the build cache are made from the sources: keep them out of version control.
GITIGNORE = "/public/\n/.cache/\n"


def create_site(root: Path) -> list[Path]:
    """Copy the starter site into a new folder; returns the files created, in order."""
    created = []
    for rel in walk_files(STARTER):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STARTER / rel, target)
        created.append(target)
    for folder in ("templates", "static"):  # empty, but where overrides go
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    created.append(root / ".gitignore")
    return created


def command(args: argparse.Namespace) -> int:
    """Create the site folder from the starter and say what to run next."""
    root = Path(args.site)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(f"{args.site!r} exists and is not an empty folder; choose a new one")
    for path in create_site(root):
        log.info("created %s", path)
    log.info("next: site-builder build %s", args.site)
    return EXIT_OK
