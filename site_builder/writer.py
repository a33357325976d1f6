"""Write a fully rendered site: atomic per-file writes only when bytes changed, prune stale files, never wipe."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Set
from dataclasses import dataclass
from pathlib import Path

MANIFEST = ".site-builder-manifest"


@dataclass(frozen=True)
class WriteReport:
    """What a write changed, for the build summary and the dev server's reload decision."""

    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write through a temporary file and rename, so readers never see half a file; skip equal bytes."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def read_manifest(out_dir: Path) -> set[str]:
    """Files the previous build wrote; only these are ever pruned, so files a user put there survive."""
    try:
        lines = (out_dir / MANIFEST).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return set()
    return {line for line in lines if line and not line.startswith("#")}


def write_site(out_dir: Path, files: Mapping[str, bytes], keep: Set[str] | None = None,
               unchanged: int = 0) -> WriteReport:
    """Write files (site-relative POSIX path → bytes) and remove what the last build wrote but this one did not.

    `keep` is every file the site now has; an incremental build passes only the files it rendered
    again, plus `keep` so the rest are neither rewritten nor pruned (`unchanged` counts them).
    """
    current = set(files) if keep is None else set(keep) | set(files)
    out_dir.mkdir(parents=True, exist_ok=True)
    root = out_dir.resolve()
    written = []
    for rel in sorted(files):
        target = (out_dir / rel)
        if not target.resolve().is_relative_to(root):
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        if write_if_changed(target, files[rel]):
            written.append(rel)
        else:
            unchanged += 1
    removed = []
    for rel in sorted(read_manifest(out_dir) - current):
        target = out_dir / rel
        if target.resolve().is_relative_to(root) and target.is_file():
            target.unlink()
            removed.append(rel)
            _remove_empty_parents(target.parent, out_dir)
    manifest = "# files written by site-builder; stale ones are removed on the next build\n"
    write_if_changed(out_dir / MANIFEST, (manifest + "\n".join(sorted(current)) + "\n").encode("utf-8"))
    return WriteReport(tuple(written), unchanged, tuple(removed))


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
