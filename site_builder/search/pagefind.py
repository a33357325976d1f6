"""Full-text search: run the Pagefind indexer over the written pages and install its bundle in OUT/pagefind/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.core.cancel import POLL, CancelToken
from site_builder.core.errors import Diagnostic, SiteError, SourceLocation
from site_builder.core.output_writer import read_manifest
from site_builder.search.bundle import ENTRY_FILE, BundleFormatError, normalise_bundle

BUNDLE_DIR = "pagefind"
SEARCH_ENTRY = f"{BUNDLE_DIR}/pagefind-entry.json"  # rewritten whenever the index changes
STAGING_PREFIX = ".pagefind-"
TIMEOUT_SECONDS = 600.0
# Searchable pages sit one or two folders deep (about/, briefings/<slug>/, actors/<id>/, topics/<slug>/,
# see urls.py); the deeper paginated lists are never indexed, so Pagefind does not read them.
# tests/search/test_pagefind.py checks which pages are indexed.
PAGE_GLOB = "{*/index.html,*/*/index.html}"
_INSTALL_HINT = "install it with pip install 'pagefind[bin]', or turn search off with 'search: {enabled: false}'"


class SearchIndexError(SiteError):
    """The search index could not be built; the previous index is left as it was."""


@dataclass(frozen=True)
class IndexReport:
    """What one indexing run changed in OUT/pagefind/."""

    pages: int
    written: tuple[str, ...]
    removed: tuple[str, ...]
    seconds: float


def pagefind_command() -> list[str]:
    """The indexer shipped by the `pagefind_bin` wheel; found in-process so no PATH or Node is involved."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError as exc:
        raise _error(Path(BUNDLE_DIR), "the Pagefind indexer is not installed", _INSTALL_HINT) from exc
    try:
        return [str(Path(get_executable()).resolve())]
    except (FileNotFoundError, OSError) as exc:
        raise _error(Path(BUNDLE_DIR), f"the Pagefind indexer cannot be found: {exc}", _INSTALL_HINT) from exc


def index_site(out_dir: Path, *, keep_index_url: bool = False, command: Sequence[str] | None = None,
               timeout: float = TIMEOUT_SECONDS, background: bool = False,
               cancel: CancelToken | None = None) -> IndexReport:
    """Index the HTML pages in `out_dir` and install the bundle as `out_dir/pagefind/`.

    Pagefind writes into a fresh temporary folder inside `out_dir` (same file system, so moving is a
    rename); only a complete run replaces the old bundle, file by file, and files the new bundle no
    longer has are removed, so hashed chunks of old indexes never pile up. `keep_index_url` keeps
    `index.html` in result URLs, for sites whose links all end in it (`relative_urls: true`).
    `background` runs the indexer at a lower CPU priority, so a rebuild that starts meanwhile (dev
    server) is not slowed down by it. Raises SearchIndexError, leaving the previous bundle untouched,
    when the indexer fails. A stop asked for through `cancel` kills the indexer and raises Interrupted,
    also leaving the previous bundle untouched.
    """
    started = time.perf_counter()
    target = out_dir / BUNDLE_DIR
    clashes = sorted(rel for rel in read_manifest(out_dir) if rel.split("/", 1)[0] == BUNDLE_DIR)
    if clashes:
        raise _error(target, f"the site writes {clashes[0]}, inside the folder reserved for the search index",
                     f"rename static/{BUNDLE_DIR}/ or turn search off with 'search: {{enabled: false}}'")
    if target.exists() and not target.is_dir():
        raise _error(target, "a file stands where the search index folder must go", "remove it")
    argv = [*(command or pagefind_command()), "--site", str(out_dir.resolve()), "--glob", PAGE_GLOB, "--silent"]
    if keep_index_url:
        argv.append("--keep-index-url")
    for leftover in out_dir.glob(f"{STAGING_PREFIX}*"):  # from a run that was killed: never publish it
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    try:
        bundle = staging / BUNDLE_DIR
        _run([*argv, "--output-path", str(bundle.resolve())], cwd=staging, timeout=timeout, where=target,
             nice=background, cancel=cancel)
        if not (bundle / ENTRY_FILE).is_file():
            raise _error(target, f"Pagefind finished but wrote no {ENTRY_FILE}", "run it by hand to see why")
        try:
            normalise_bundle(bundle)
        except (BundleFormatError, OSError, ValueError, KeyError, TypeError) as exc:
            raise _error(target, f"unexpected Pagefind bundle: {exc}",
                         "this site-builder expects the Pagefind version named in its dependencies") from exc
        pages = sum(1 for _ in (bundle / "fragment").glob("*.pf_fragment"))
        written, removed = install_bundle(bundle, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return IndexReport(pages, written, removed, time.perf_counter() - started)


def _run(argv: list[str], *, cwd: Path, timeout: float, where: Path, nice: bool = False,
         cancel: CancelToken | None = None) -> None:
    # An empty working folder and no PAGEFIND_* variables: a pagefind.yml lying around or a
    # developer's shell settings must not change the index, or two builds would differ.
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
    # `nice` rather than os.nice in a preexec_fn, which is unsafe in a process with threads (the dev server).
    renice = shutil.which("nice") if nice else None
    if renice:
        argv = [renice, "-n", "10", *argv]
    try:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError as exc:
        raise _error(where, f"the Pagefind indexer cannot be run: {exc.strerror}: {argv[0]}", _INSTALL_HINT) from exc
    except PermissionError as exc:
        raise _error(where, f"the Pagefind indexer cannot be run: {exc.strerror}: {argv[0]}",
                     "check that the file is executable") from exc
    try:
        stdout, stderr = _communicate(process, timeout, cancel or CancelToken())
    except subprocess.TimeoutExpired as exc:
        raise _error(where, f"Pagefind did not finish within {timeout:g} s", "run it by hand to see why") from exc
    if process.returncode != 0:
        output = (stderr or b"") + b"\n" + (stdout or b"")
        raise _error(where, f"Pagefind failed (exit status {process.returncode}): {_last_lines(output)}",
                     "the previous search index is kept")


def _communicate(process: subprocess.Popen[bytes], timeout: float, cancel: CancelToken) -> tuple[bytes, bytes]:
    """The process's output once it ends, looking at `cancel` every POLL seconds meanwhile.

    On a stop request (Interrupted), the time-out (TimeoutExpired) or any other exception, the process
    is killed and reaped first: no indexer outlives its run.
    """
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                return process.communicate(timeout=max(0.0, min(POLL, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                cancel.check()
                if time.monotonic() >= deadline:
                    raise
    except BaseException:
        process.kill()
        process.communicate()
        raise


def install_bundle(staged: Path, target: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Move a finished bundle over the old one: new and changed files by rename, then prune the rest.

    Files with equal bytes are left alone (deploy tools that compare times see no change), and the
    entry file goes last so a browser reading the index meanwhile finds either the old or the new one.
    """
    new = _files(staged)
    old = _files(target) if target.is_dir() else set()
    written = []
    for rel in sorted(new, key=lambda r: (r == ENTRY_FILE, r)):
        src, dst = staged / rel, target / rel
        if dst.is_file() and dst.stat().st_size == src.stat().st_size and dst.read_bytes() == src.read_bytes():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(src, 0o644)
        os.replace(src, dst)
        written.append(rel)
    removed = []
    for rel in sorted(old - new):
        (target / rel).unlink()
        removed.append(rel)
    for folder in sorted({(target / rel).parent for rel in removed}, key=lambda p: len(p.parts), reverse=True):
        while folder != target and folder.is_relative_to(target) and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return tuple(written), tuple(removed)


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def _last_lines(output: bytes, count: int = 6) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", output.decode("utf-8", "replace"))  # Pagefind colours its errors
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no output"


def _error(where: Path, message: str, hint: str = "") -> SearchIndexError:
    return SearchIndexError([Diagnostic(SourceLocation(where.as_posix()), f"search index: {message}", hint)])
