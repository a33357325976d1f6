"""The Builder: builds one site folder again and again, writing and indexing after the steps of `Build`.

It owns what carries from one build to the next in this process: the last good build's memo and
the changes seen since then. A build that fails leaves both as they were, and the output folder too.
So does a build that is stopped: a cancelled token (core/cancel.py) is honoured only before the staged
files are renamed into place, or right after, never in the middle.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from site_builder.build.options import BuildOptions, BuildPolicy, load_site_config
from site_builder.build.site_build import Build, RenderedSite
from site_builder.core.cancel import CancelToken
from site_builder.core.clock import build_clock
from site_builder.core.config import Config
from site_builder.core.errors import Diagnostic, Interrupted, SiteError, SystemProblem, UsageError, os_problem
from site_builder.core.output_lock import OutputLock
from site_builder.core.output_writer import MANIFEST, Staging, WriteReport, output_kept, read_manifest, sweep_staged
from site_builder.core.processes import settle
from site_builder.core.progress import Progress
from site_builder.core.site_files import Kind, classify
from site_builder.incremental.bodies import BodyReport
from site_builder.incremental.memo import BuildMemo, store_pages
from site_builder.incremental.site_state import SiteState, inputs_digest, is_current, output_stats, state_key
from site_builder.incremental.store import DiskStore, StoreStats
from site_builder.search.pagefind import SEARCH_ENTRY, IndexReport, index_site

# Pages from which a builder that rebuilds settles its heap after a full build (see core/processes.py); below
# it a full collection of its state costs less than the collection that settling costs.
SETTLE_PAGES = 2000


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    out_dir: Path
    pages: int
    files: int
    report: WriteReport
    seconds: float
    skipped: int = 0  # pages not rendered again because their inputs were unchanged
    bodies: BodyReport = field(default_factory=BodyReport)
    cache: StoreStats = field(default_factory=StoreStats)
    up_to_date: bool = False  # inputs and output were as the last build left them: nothing was done
    search: IndexReport | None = None  # None when search is off or left to the caller (dev server)
    warnings: tuple[Diagnostic, ...] = ()  # input that was not used as its author may think
    embargoed: tuple[tuple[str, datetime], ...] = ()  # (path, publish_at) of briefings still under embargo


@dataclass(frozen=True)
class FirstPages:
    """Asks a rebuild to put some pages in place before the rest: the pages open in a browser.

    `pages` are output files. When the rebuild plans any of them, it renders those (and the static
    files) first and renames them into place, then calls `shown(report, stale)` with what that wrote
    and the output files the rest of the rebuild may still write or remove. The rest then runs under
    `cancel`, a child of the builder's token: cancelling it (a newer edit) stops the rest at its next
    check, before any of its files is renamed into place, and the next rebuild takes its changes again.
    """

    pages: frozenset[str]
    shown: Callable[[WriteReport, frozenset[str]], None]
    cancel: CancelToken


class Builder:
    """Builds one site folder and remembers its last good build, so that a rebuild redoes only what changed.

    `options` are the person's choices; `policy` says how the caller uses the builds (see BuildPolicy).
    `cancel` lets another thread stop a build under way: the build raises Interrupted, its staged files
    are removed and the output folder keeps the last complete build (the dev server's `stop()`).
    It holds no global state: tests and servers can run several side by side.
    """

    def __init__(self, root: Path, options: BuildOptions | None = None, progress: Progress | None = None,
                 policy: BuildPolicy | None = None, cancel: CancelToken | None = None) -> None:
        self.root = root
        self.options = options or BuildOptions()
        self.policy = policy or BuildPolicy()
        self.progress = progress or Progress.silent()
        self.cancel = cancel or CancelToken()
        self._config: Config | None = None
        self._memo: BuildMemo | None = None
        self._pending: set[str] = set()  # changes since the last good build, kept across failed rebuilds
        # Files put in place ahead of a rebuild that then stopped or failed: they differ from the memo's keys.
        self._unsettled: set[str] = set()

    def out_dir(self, config: Config) -> Path:
        """Where output goes: --output, else config's output_dir inside the site."""
        return self.options.out_dir or (self.root / config.output_dir)

    def config(self) -> Config:
        """The site's config with the command line's and the policy's overrides; raises ContentError."""
        return load_site_config(self.root, self.options, self.policy)

    def build(self) -> BuildResult:
        """A full build: everything is rendered first, so on any error nothing is written."""
        self._config = self._memo = None
        self._pending.clear()
        return self._run(())

    def rebuild(self, changed: Iterable[str], first: FirstPages | None = None) -> BuildResult:
        """Bring the output up to date after the given site-relative paths changed (created, edited, deleted).

        Only changed files are read again, only bodies whose text changed are rendered again, and
        only pages whose inputs changed are written. A config change rebuilds everything. Raises
        SiteError like build(); then nothing is written, and the next rebuild also takes these paths.

        With `first`, the pages it names go first (see FirstPages), unless a template changed (a failure
        would then show on pages already in place). A rebuild that fails or stops after they were put in
        place has written only those; the next rebuild renders them again and plans every page, so the
        output ends as a clean build's whatever was cut short.
        """
        self._pending.update(changed)
        output_dir = self._config.output_dir if self._config else "public"
        if self._memo is None or any(classify(p, output_dir) is Kind.CONFIG for p in self._pending):
            self._config = self._memo = None
        try:
            return self._run(set(self._pending), first)
        finally:
            if self._unsettled and self._memo is not None:  # stopped or failed after the first pages went out
                self._memo = self._memo.unsettled(self._unsettled)

    def check(self) -> RenderedSite:
        """Validate and render without writing anything."""
        return Build(self.config(), drafts=self.options.drafts, strict=self.options.strict,
                     future=self.options.future, lint=self.options.lint).render_site()

    def _run(self, changed: Iterable[str], first: FirstPages | None = None) -> BuildResult:
        self.cancel.check()
        started = time.perf_counter()
        config = self._config or self.config()
        out = self.out_dir(config)
        check_output_folder(self.root, out)
        lock = OutputLock(out) if self.policy.lock_output else None
        if lock is not None:
            try:
                lock.acquire()  # raises OutputBusy naming the run that writes there
            except OSError as exc:
                raise SystemProblem([os_problem(exc, "write")]) from exc
        store = DiskStore.open(self.root) if self.options.cache else DiskStore.disabled()
        full = self._memo is None
        try:
            if full:
                sweep_staged(out)  # files a run that was killed left staged
            inputs = inputs_digest(config, self.options.drafts, self.options.future) if full and store.path else b""
            # A strict build looks at the warnings again, so it never stops early on an earlier build's state.
            trusted = self.policy.trust_output and not self.options.strict
            state = store.get(state_key(out)) if inputs and trusted else None
            if isinstance(state, SiteState) and is_current(state, inputs, out, build_clock()):
                # A warm build of unchanged inputs into untouched output: the files are already right.
                self._config, self._memo = config, None
                report = WriteReport((), len(state.outputs), ())
                return BuildResult(out, state.pages, state.files, report, time.perf_counter() - started,
                                   state.pages, BodyReport(), store.stats, up_to_date=True, warnings=state.warnings)
            build = Build(config, drafts=self.options.drafts, memo=self._memo, changed=changed, store=store,
                          progress=self.progress, keep_text=self.policy.rebuilds, jobs=self.options.jobs,
                          out_dir=out, strict=self.options.strict, future=self.options.future, lint=self.options.lint,
                          cancel=self.cancel)
            rendered, report = self._write(build, out, None if full else first)
            # The output now holds this build whole; a stop asked for meanwhile skips only the bookkeeping.
            self.cancel.check()
            stats = self._keep(config, rendered, store, out, full)
            try:
                search = self._index(config, out)
            except SiteError as exc:  # the pages are written: their warnings stand, and are reported with it
                exc.with_warnings(rendered.warnings)
                raise
            if inputs:
                outputs = {**stats, **output_stats(out, [SEARCH_ENTRY])}
                store.put(state_key(out), SiteState(inputs, outputs, rendered.pages, len(rendered.all_files),
                                                    rendered.embargo_ends, rendered.warnings))
            store.save(prune=full)
        except OSError as exc:  # a full disk, a permission, a file in the way: one line, output as it was
            raise SystemProblem([os_problem(exc, "write")]) from exc
        except (KeyboardInterrupt, Interrupted) as exc:
            sweep_staged(out)  # what stopped workers had staged; the staging of this process is gone already
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            raise Interrupted(signum, output_kept(out)) from None
        finally:
            store.close()
            if lock is not None:
                lock.release()
        return BuildResult(out, rendered.pages, len(rendered.all_files), report, time.perf_counter() - started,
                           rendered.skipped, rendered.bodies, store.stats, search=search, warnings=rendered.warnings,
                           embargoed=rendered.embargoed)

    # -- the steps after rendering -----------------------------------------------------------------

    def _write(self, build: Build, out: Path, first: FirstPages | None = None) -> tuple[RenderedSite, WriteReport]:
        """Render into staging, then commit: every file lands, or on any error none does (but the first
        pages, when asked for: see FirstPages)."""
        staging = Staging(out, unchanged=0)
        try:
            rendered = build.render_site(staging, None if first is None else lambda b: self._first(b, out, first))
            build.cancel.check()  # the last point where a stop leaves the output as it was
        except BaseException:
            staging.abort()
            raise
        staging.unchanged += rendered.skipped
        return rendered, staging.commit(rendered.all_files)

    def _first(self, build: Build, out: Path, first: FirstPages) -> None:
        """Between plan and render: put the planned pages of `first` in place, with the static files, and hand
        the rest of the build `first.cancel`. Does nothing when no such page is planned or nothing else is."""
        if build.touched_templates:
            return
        front = build.planned_files(first.pages)
        stale = build.unfinished(front) | (self._unsettled - front)
        if not front or not stale:
            return
        staging = Staging(out, unchanged=0)
        try:
            if not build.render_first(front, staging):
                return
            self.cancel.check()
        except BaseException:
            staging.abort()
            raise
        # Nothing is pruned yet; the manifest lists the new files, so a later build prunes them if need be.
        self._unsettled.update(staging.staged)
        report = staging.commit(read_manifest(out) | set(staging.staged))
        build.cancel = first.cancel
        first.shown(report, frozenset(stale))

    def _keep(self, config: Config, rendered: RenderedSite, store: DiskStore, out: Path,
              full: bool) -> dict[str, tuple[int, int]]:
        """After a good build: its memo for the next rebuild, and after a full build its page keys on disk.

        Returns the size and mtime of every output file after a full build (empty after a rebuild).
        """
        # A stat and a key per output file cost more than a rebuild's own work, so only full builds store them.
        # Left as the full build stored them, the entry of a file a rebuild rewrote no longer matches its
        # size and mtime: the next process renders that page again and skips the rest.
        stats: dict[str, tuple[int, int]] = {}
        if full:
            stats = output_stats(out, sorted(rendered.all_files | {MANIFEST}))  # one stat per file, for both
            store_pages(store, out, rendered.memo.pages, stats)
        # Without the texts a rebuild could not tell what changed: a builder that does not rebuild starts afresh.
        self._config, self._memo = config, rendered.memo if self.policy.rebuilds else None
        self._pending.clear()
        self._unsettled.clear()
        if self._memo is not None and not rendered.scoped and rendered.pages >= SETTLE_PAGES:
            settle()  # the state just replaced goes, the state kept is left out of later collections
        return stats

    def _index(self, config: Config, out: Path) -> IndexReport | None:
        """The search index, after the pages are written: Pagefind reads them from disk.

        A failure raises, keeping the old index, before the site state is stored, so the next build
        does not take itself as up to date.
        """
        if not (config.search.enabled and self.policy.index_search):
            return None
        return index_site(out, keep_index_url=config.relative_urls, cancel=self.cancel)


def check_output_folder(root: Path, out: Path) -> None:
    """Refuse an output folder inside the site's sources, where a build would read what it wrote."""
    resolved = out.resolve()
    for source in ("content", "templates", "static"):
        folder = (root / source).resolve()
        if resolved == folder or resolved.is_relative_to(folder):
            raise UsageError(f"the output folder {out} is inside {source}/; choose a folder outside the site's "
                             "sources (output_dir in config.yaml, or -o)")
