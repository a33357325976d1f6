"""What every command shares: exit codes, the logger commands report on, and the site folder argument."""

from __future__ import annotations

import logging
from pathlib import Path

from site_builder.core.errors import UsageError

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
