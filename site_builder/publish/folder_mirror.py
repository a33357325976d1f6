"""Mirror an output folder into a destination folder: copy what changed, delete what is stale, never leave it."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from site_builder.core.output_writer import is_bookkeeping, write_if_changed
from site_builder.publish.git_branch import DeployError

MARKER = ".site-builder-deploy"
_MARKER_HEADER = ("# deployed by site-builder deploy --to: this folder mirrors a site's output; files not listed\n"
                  "# here are deleted on the next deploy\n")


@dataclass(frozen=True)
class SyncPlan:
    """What a sync will do, computed before anything changes (and all that --dry-run shows)."""

    copy: tuple[str, ...]  # new or changed files
    unchanged: int
    delete: tuple[str, ...]  # files and links not in the output, or in the way of one that is
    folders: tuple[str, ...]  # folders left empty afterwards, deepest first
    files: tuple[str, ...]  # every file the destination will hold


@dataclass(frozen=True)
class Entry:
    """One thing found in the destination, looked at without following links."""

    rel: str
    kind: str  # "file", "dir" or "other" (a symlink, socket, fifo...: never followed, only removed)


def check_destination(dest: Path, site: Path, out_dir: Path, force: bool) -> Path:
    """The destination's real path, or a DeployError when syncing there could destroy something.

    A sync deletes everything in the destination that the site does not have, so it refuses the
    places where that would hurt and a non-empty folder it did not create.
    """
    real = dest.resolve()
    forbidden = {Path(real.anchor): "the file-system root", Path.home().resolve(): "your home folder"}
    if real in forbidden:
        raise DeployError(f"refusing to deploy into {forbidden[real]} ({real})", "choose a folder for the site alone")
    for name, folder in (("site folder", site.resolve()), ("output folder", out_dir.resolve())):
        if folder == real or folder.is_relative_to(real):
            raise DeployError(f"refusing to deploy into {real}: it is or holds the {name} {folder}",
                              "deploy to a folder outside the site, e.g. /var/www/desk")
        if name == "output folder" and real.is_relative_to(folder):
            raise DeployError(f"refusing to deploy into {real}: it is inside the output folder",
                              "deploy to a folder outside the output folder")
    if real.exists() and not real.is_dir():
        raise DeployError(f"{real} exists and is not a folder", "choose a folder")
    if real.is_dir() and not (real / MARKER).is_file() and any(real.iterdir()) and not force:
        raise DeployError(f"{real} is not empty and was not made by site-builder deploy (it has no {MARKER})",
                          "deploying replaces everything in it; check with --dry-run, then pass --force")
    return real


def scan(dest: Path) -> Iterator[Entry]:
    """Everything below the destination, parents before children; links are reported, never entered."""
    if not dest.is_dir():
        return
    pending = [(dest, "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for item in sorted(entries, key=lambda e: e.name):
                rel = prefix + item.name
                mode = item.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    yield Entry(rel, "dir")
                    pending.append((Path(item.path), rel + "/"))
                else:
                    yield Entry(rel, "file" if stat.S_ISREG(mode) else "other")


def source_files(out_dir: Path) -> dict[str, Path]:
    """Regular files of the output folder by POSIX path; the builder's own files (manifest, lock, staged files)
    are not part of the site."""
    out: dict[str, Path] = {}
    for entry in scan(out_dir):
        if entry.kind == "file" and not is_bookkeeping(entry.rel):
            out[entry.rel] = out_dir / entry.rel
    return out


def plan_sync(out_dir: Path, dest: Path) -> SyncPlan:
    """Compare the output with the destination, reading only files whose sizes match."""
    sources = source_files(out_dir)
    needed = {str(parent) for rel in sources for parent in PurePosixPath(rel).parents if str(parent) != "."}
    found = {entry.rel: entry.kind for entry in scan(dest) if entry.rel != MARKER}
    copy, unchanged = [], 0
    for rel, source in sorted(sources.items()):
        if found.get(rel) == "file" and _same_bytes(source, dest / rel):
            unchanged += 1
        else:
            copy.append(rel)
    # A link is never trusted to hold the right bytes (it may point anywhere), so it goes even where a file belongs.
    delete = [rel for rel, kind in sorted(found.items()) if kind != "dir" and (rel not in sources or kind != "file")]
    folders = [rel for rel, kind in found.items() if kind == "dir" and rel not in needed]
    return SyncPlan(tuple(copy), unchanged, tuple(delete), tuple(sorted(folders, key=lambda r: (-r.count("/"), r))),
                    tuple(sorted(sources)))


def _same_bytes(source: Path, target: Path) -> bool:
    try:
        if source.stat().st_size != target.lstat().st_size:
            return False
        return source.read_bytes() == target.read_bytes()
    except FileNotFoundError:
        return False


def apply_sync(out_dir: Path, dest: Path, plan: SyncPlan) -> None:
    """Carry out a plan: marker first (so an interrupted sync is still recognised), then copy, delete, prune.

    New files arrive before stale ones go, so a server reading the folder meanwhile finds every page.
    """
    dest.mkdir(parents=True, exist_ok=True)
    write_if_changed(dest / MARKER, (_MARKER_HEADER + "".join(f"{rel}\n" for rel in plan.files)).encode("utf-8"))
    for rel in plan.copy:
        _prepare_parents(dest, rel)
        target = _inside(dest, rel)
        if target.is_symlink() or (target.exists() and not target.is_file()):
            _remove(dest, rel)  # a link, or a folder where the site now has a file: all of it is stale
        write_if_changed(target, (out_dir / rel).read_bytes())
    # Links and files that stood where the site now has a file or folder were replaced above.
    replaced = set(plan.files) | {str(parent) for rel in plan.files for parent in PurePosixPath(rel).parents}
    for rel in plan.delete:
        if rel not in replaced:
            _remove(dest, rel)  # may already be gone, with a folder that made way for a file
    for rel in plan.folders:
        if rel not in replaced:  # a folder where the site now has a file went with its contents above
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                _inside(dest, rel).rmdir()


def _inside(dest: Path, rel: str) -> Path:
    """The path of `rel` below the destination, refusing names that climb out and folders that became links."""
    parts = PurePosixPath(rel).parts
    if not parts or any(p in ("", ".", "..") for p in parts) or PurePosixPath(rel).is_absolute():
        raise DeployError(f"refusing the unsafe path {rel!r}")
    folder = dest
    for part in parts[:-1]:
        folder = folder / part
        if folder.is_symlink():  # only a change made while the deploy ran can put a link here
            raise DeployError(f"{folder} became a link during the deploy; stopped", "deploy again")
    return dest.joinpath(*parts)


def _prepare_parents(dest: Path, rel: str) -> None:
    """Make every folder on the way to a file a real folder inside the destination: links there are removed."""
    folder = dest
    for part in PurePosixPath(rel).parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            folder.unlink()  # removes the link itself; whatever it pointed at is left alone
        if not folder.exists():
            folder.mkdir()


def _remove(dest: Path, rel: str) -> None:
    """Delete a file or link (never what a link points at), or a whole real folder tree, inside the destination."""
    path = _inside(dest, rel)
    if path.is_symlink() or not path.is_dir():
        # Already gone, or a folder on its way was replaced by a file the site has: nothing left to delete.
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()
        return
    for entry in sorted(scan(path), key=lambda e: -e.rel.count("/")):
        child = path / entry.rel
        if entry.kind == "dir":
            child.rmdir()
        else:
            child.unlink()
    path.rmdir()


def format_plan(plan: SyncPlan) -> list[str]:
    """The lines --dry-run prints: one per change, like `rsync --dry-run --itemize-changes` but readable."""
    return ([f"copy   {rel}" for rel in plan.copy] + [f"delete {rel}" for rel in plan.delete]
            + [f"remove {rel}/" for rel in plan.folders])
