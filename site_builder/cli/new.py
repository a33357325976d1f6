"""Create a new site from the starter folder shipped with the package."""

from __future__ import annotations

import shutil
from pathlib import Path

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
