"""Write a fully rendered site: atomic per-file writes only when bytes changed, prune stale files, never wipe."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from site_builder.core.cancel import signals_held
from site_builder.core.output_lock import LOCK_NAME, display

MANIFEST = ".site-builder-manifest"
STAGED_PREFIX = ".tmp-site-builder-"  # hidden, so servers and the watcher skip files still being staged


def is_bookkeeping(rel: str) -> bool:
    """Whether an output file is the builder's own (manifest, lock, staged files): never published."""
    name = rel.rsplit("/", 1)[-1]
    return rel in (MANIFEST, LOCK_NAME) or name.startswith(STAGED_PREFIX)


def output_kept(out_dir: Path) -> str:
    """What a stopped run says of its output folder, after `interrupted; `: the last complete build stands."""
    return f"{display(out_dir)} is as the last build left it"


def sweep_staged(out_dir: Path) -> int:
    """Remove staged files that a stopped run left in the output folder; returns how many.

    Call with the folder's lock held (core/output_lock.py): then every staged file is a leftover.
    """
    removed = 0
    for folder, _, names in os.walk(out_dir):
        for name in names:
            if name.startswith(STAGED_PREFIX):
                try:
                    os.unlink(os.path.join(folder, name))
                    removed += 1
                except FileNotFoundError:
                    continue
    return removed


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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=STAGED_PREFIX, suffix=path.suffix)
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


class Sink(Protocol):
    """Where rendered files go while a build runs: memory (check, tests) or staging on disk (builds)."""

    def add(self, rel: str, data: bytes) -> None:
        """Take one output file (site-relative POSIX path)."""

    def fork(self) -> Sink:
        """An empty sink of the same kind, for a worker process."""

    def export(self) -> Any:
        """What a worker sends back to the parent's sink (small for staging: names, not bytes)."""

    def absorb(self, exported: Any) -> None:
        """Take over what a worker's sink exported."""


@dataclass
class MemorySink:
    """Files held in memory: `check` renders everything and writes nothing."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, rel: str, data: bytes) -> None:
        """Keep the bytes."""
        self.files[rel] = data

    def fork(self) -> MemorySink:
        """An empty sink for a worker."""
        return MemorySink()

    def export(self) -> dict[str, bytes]:
        """The worker's files."""
        return self.files

    def absorb(self, exported: Any) -> None:
        """Add a worker's files."""
        self.files.update(exported)


@dataclass
class Staging:
    """Changed files written beside their targets under hidden temporary names while the build runs.

    Nothing visible changes until commit() renames every staged file into place; abort() deletes
    them, so a failed build leaves the previous output as it was. Holding rendered pages on disk
    rather than in memory keeps a large site's peak memory near the size of its graph.
    """

    out_dir: Path
    staged: dict[str, str] = field(default_factory=dict)  # output file -> temporary file beside it
    unchanged: int = 0
    created: list[str] = field(default_factory=list)  # folders made for new files, removed again on abort
    # Folders known to exist inside the output: each is checked once, not once per file (a cold build of a
    # large site writes many files, each in a folder of its own, and resolving every path would cost more
    # than writing them).
    ready: set[str] = field(default_factory=set)

    def add(self, rel: str, data: bytes) -> None:
        """Stage the file unless the output already holds exactly these bytes."""
        parts = rel.split("/")
        if rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        root = os.path.abspath(self.out_dir)  # absolute and normal: every folder's parent is a real one
        target = os.path.join(root, *parts)
        try:
            status = os.lstat(target)  # a link is replaced by the file, never followed
            if stat.S_ISREG(status.st_mode) and status.st_size == len(data):
                with open(target, "rb") as handle:
                    if handle.read() == data:
                        self.unchanged += 1
                        self.staged.pop(rel, None)
                        return
        except (FileNotFoundError, NotADirectoryError):
            pass
        folder = os.path.dirname(target)
        self._prepare(folder, root)
        tmp = os.path.join(folder, f"{STAGED_PREFIX}{os.getpid()}-{os.path.basename(target)}")
        try:
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:  # staged twice in one build, or left by a crash: take a fresh name
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=STAGED_PREFIX, suffix=os.path.splitext(target)[1])
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    os.fchmod(handle.fileno(), 0o644)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:  # name the file the site wanted, not the staged name
            raise OSError(exc.errno, exc.strerror, target) from exc
        old = self.staged.pop(rel, None)
        if old is not None:
            Path(old).unlink(missing_ok=True)
        self.staged[rel] = tmp

    def _prepare(self, folder: str, root: str) -> None:
        """Make sure a folder exists inside the output, creating it and its parents; refuse one outside.

        `folder` is the output folder or below it, as a normal path; an existing folder is checked
        for links that lead out, a new one is made inside a checked one.
        """
        if folder in self.ready:
            return
        if os.path.isdir(folder):
            real, real_root = os.path.realpath(folder), os.path.realpath(root)
            if real != real_root and not real.startswith(real_root + os.sep):
                raise ValueError(f"refusing to write outside the output folder: {folder}")
        elif folder == root:  # the output folder itself, and any parent it lacks
            missing = [folder]
            while not os.path.isdir(os.path.dirname(missing[-1])) and os.path.dirname(missing[-1]) != missing[-1]:
                missing.append(os.path.dirname(missing[-1]))
            os.makedirs(folder, exist_ok=True)
            self.created.extend(missing)
        else:
            self._prepare(os.path.dirname(folder), root)
            try:
                os.mkdir(folder)  # inside a checked folder, so inside the output
                self.created.append(folder)
            except FileExistsError:
                if not os.path.isdir(folder):
                    raise
        self.ready.add(folder)

    def fork(self) -> Staging:
        """A sink for a worker process, staging into the same folder."""
        return Staging(self.out_dir, ready=set(self.ready))

    def export(self) -> tuple[dict[str, str], int, list[str]]:
        """Staged names, the unchanged count and created folders: no file bytes cross processes."""
        return self.staged, self.unchanged, self.created

    def absorb(self, exported: Any) -> None:
        """Take over a worker's staged files."""
        staged, unchanged, created = exported
        self.staged.update(staged)
        self.unchanged += unchanged
        self.created.extend(created)

    def commit(self, keep: Set[str]) -> WriteReport:
        """Put staged files in place, prune what the last build wrote but this one did not, write the manifest.

        `keep` is every file the site now has, including pages that were not rendered again.
        """
        written = sorted(self.staged)
        with signals_held():  # a Ctrl-C now stops the run after the renames: never half old, half new
            for rel in written:
                os.replace(self.staged[rel], self.out_dir / rel)
        self.staged.clear()
        removed = []
        root = self.out_dir.resolve()
        listed, keep = read_manifest(self.out_dir), set(keep)
        for rel in sorted(listed - keep):
            target = self.out_dir / rel
            if target.resolve().is_relative_to(root) and target.is_file():
                target.unlink()
                removed.append(rel)
                _remove_empty_parents(target.parent, self.out_dir)
        if listed != keep or not listed:  # most rebuilds keep the same files: the manifest already lists them
            manifest = "# files written by site-builder; stale ones are removed on the next build\n"
            write_if_changed(self.out_dir / MANIFEST, (manifest + "\n".join(sorted(keep)) + "\n").encode("utf-8"))
        return WriteReport(tuple(written), self.unchanged, tuple(removed))

    def abort(self) -> None:
        """Delete every staged file and the folders made for them; the output is as it was before."""
        for tmp in self.staged.values():
            Path(tmp).unlink(missing_ok=True)
        self.staged.clear()
        for folder in sorted(self.created, key=len, reverse=True):
            try:
                Path(folder).rmdir()
            except OSError:
                continue


def write_site(out_dir: Path, files: Mapping[str, bytes], keep: Set[str] | None = None,
               unchanged: int = 0) -> WriteReport:
    """Write files (site-relative POSIX path → bytes) and remove what the last build wrote but this one did not.

    `keep` is every file the site now has; an incremental build passes only the files it rendered
    again, plus `keep` so the rest are neither rewritten nor pruned (`unchanged` counts them).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Staging(out_dir, unchanged=unchanged)
    try:
        for rel in sorted(files):
            staging.add(rel, files[rel])
    except BaseException:
        staging.abort()
        raise
    return staging.commit(set(files) if keep is None else set(keep) | set(files))


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
