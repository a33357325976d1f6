"""The whole input of a build as one digest, and the output as the build left it.

A warm build whose inputs hash the same as the last successful build's, into an output folder
whose files are exactly as that build left them (same names, sizes and mtimes), would write the
same bytes again: it can stop after reading and hashing the inputs. Anything else (a changed file,
a touched or deleted output file, another package version) takes the normal path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from site_builder import __version__
from site_builder.core.config import Config
from site_builder.core.errors import Diagnostic
from site_builder.core.keys import Hasher, digest
from site_builder.core.site_files import Kind, classify, walk_files
from site_builder.render.templates import theme_dir


@dataclass(frozen=True)
class SiteState:
    """What the last successful build of one output folder read and wrote."""

    inputs: bytes
    outputs: Mapping[str, tuple[int, int]]  # output file -> (size, mtime in ns)
    pages: int
    files: int
    # The build left out a briefing under embargo until then: from that time on, the same inputs build
    # another site.
    embargo_ends: datetime | None = None
    warnings: tuple[Diagnostic, ...] = ()  # what that build warned about: the same inputs warn the same


def state_key(out_dir: Path) -> bytes:
    """Cache key of the state of one output folder."""
    return digest("site-state", str(out_dir.resolve()))


def inputs_digest(config: Config, drafts: bool, future: bool = False) -> bytes:
    """Every byte a build reads: site files that are inputs, the theme, the config, drafts, embargoed
    briefings and build time.

    Files are hashed one at a time: holding a big site's files at once would take more memory than the build.
    """
    hasher = Hasher()
    for part in (__version__, repr(config), str(drafts), str(future), os.environ.get("SOURCE_DATE_EPOCH", "")):
        hasher.add(part)
    theme = theme_dir(config.theme)
    sources: list[tuple[str, Path]] = [(f"theme:{rel}", theme / rel) for rel in walk_files(theme)]
    for folder in ("content", "templates", "static"):
        sources += [(f"{folder}/{rel}", config.root / folder / rel) for rel in walk_files(config.root / folder)
                    if classify(f"{folder}/{rel}", config.output_dir) is not Kind.IGNORED]
    for name, path in sources:
        hasher.add(name)
        hasher.add(path.read_bytes())
    return hasher.digest()


def output_stats(out_dir: Path, files: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Size and mtime of each output file that exists."""
    stats: dict[str, tuple[int, int]] = {}
    for rel in files:
        try:
            st = (out_dir / rel).stat()
        except OSError:
            continue
        stats[rel] = (st.st_size, st.st_mtime_ns)
    return stats


def is_current(state: SiteState | None, inputs: bytes, out_dir: Path, now: datetime) -> bool:
    """Whether the output folder holds exactly what a build of these inputs would write at `now`."""
    if state is None or state.inputs != inputs or (state.embargo_ends is not None and now >= state.embargo_ends):
        return False
    return output_stats(out_dir, state.outputs) == dict(state.outputs)
