"""What every command shares: exit codes, the logger commands report on, and the site folder argument."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from site_builder.core.config import config_file
from site_builder.core.errors import Diagnostic, UsageError

EXIT_OK = 0
EXIT_ERRORS = 1  # content errors: every problem was printed, nothing was written
EXIT_USAGE = 2  # a bad command line

log = logging.getLogger("site_builder")


def site_folder(path: str) -> Path:
    """The site folder named on the command line; a usage error when it is not a folder."""
    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"site folder {path!r} does not exist")
    return root


def report_warnings(warnings: Iterable[Diagnostic]) -> None:
    """Print each warning on stderr, one line each, as errors are printed."""
    for warning in warnings:
        log.warning("%s", warning.format())


def desk_folder(path: str, force: bool = False) -> Path:
    """A site folder that looks like a desk: it has a config file or a content/ folder, unless `force`."""
    root = site_folder(path)
    if not force and config_file(root) is None and not (root / "content").is_dir():
        raise UsageError(f"{path!r} is not a site folder: it has no config.yaml and no content/ "
                         "(create one with site-builder new, or pass --force)")
    return root
