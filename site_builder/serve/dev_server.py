"""The dev server: build, serve the output folder, watch the sources and rebuild with live reload."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Protocol
from urllib.parse import unquote, urlsplit

from site_builder.build.builder import Builder, BuildResult, FirstPages
from site_builder.build.options import BuildOptions, BuildPolicy
from site_builder.core.cancel import POLL, CancelToken
from site_builder.core.config import load_config
from site_builder.core.errors import Interrupted, SiteError, UsageError
from site_builder.core.output_lock import OutputLock
from site_builder.core.output_writer import WriteReport
from site_builder.search.pagefind import index_site
from site_builder.serve.http_handler import EVENT_STREAM_PING, PreviewHTTPServer
from site_builder.serve.live_reload import BuildEvent, BuildProblem, LiveState, client_script
from site_builder.serve.watcher import ChangeSet, SiteWatcher

log = logging.getLogger("site_builder")


# How the dev server builds. Plain asset names while previewing: a stylesheet save then swaps in place
# instead of renaming the sheet and so re-rendering every page that links it. A full first build even
# when the output is up to date, since rebuilds need what it leaves in memory. No search indexing in the
# builder: the BackgroundIndexer does it off the request path.
# The server holds the output folder's lock for as long as it runs, so its builder does not take it.
PREVIEW = BuildPolicy(rebuilds=True, trust_output=False, fingerprint=False, index_search=False, lock_output=False)


class SiteBuilder(Protocol):
    """What the dev server needs from a builder (tests pass slow or failing ones)."""

    def build(self) -> BuildResult:
        """A full build."""
        ...

    def rebuild(self, changed: Iterable[str]) -> BuildResult:
        """A rebuild after these paths changed; the paths of failed rebuilds are kept for the next one."""
        ...


def site_settings(root: Path, options: BuildOptions) -> tuple[Path, str, str]:
    """Output folder, URL path prefix and config's output_dir; defaults while config.yaml is broken.

    The site is served under its base_url's path (`/desk/`) so the pages that use root-relative
    links, like 404.html, work exactly as they will when published.
    """
    try:
        config = load_config(root)
    except (SiteError, OSError):
        return (options.out_dir or root / "public").resolve(), "/", "public"
    prefix = unquote(urlsplit(options.base_url or config.base_url).path) or "/"
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    return (options.out_dir or root / config.output_dir).resolve(), prefix, config.output_dir


def search_settings(root: Path) -> tuple[bool, bool]:
    """Whether the site wants a search index, and whether its result URLs keep `index.html`."""
    try:
        config = load_config(root)
    except (SiteError, OSError):
        return False, False
    return config.search.enabled, config.relative_urls


class BackgroundIndexer:
    """Re-indexes the output folder for search on its own thread, after the build's reload has gone out.

    Pagefind reads every page, which costs more than a small rebuild; doing it inside the build
    would hold every request (and so the reload) until it finished. Requests made while a run is
    under way are merged into one more run, so a burst of saves indexes at most twice. Pages are
    written by atomic renames, so a run that overlaps the next build sees each page whole, and the
    run that build asks for brings the index up to date. Once `cancel` is cancelled, a run under way
    kills the indexer and leaves the previous index as it was.
    """

    def __init__(self, cancel: CancelToken | None = None) -> None:
        self.cancel = cancel or CancelToken()
        self._wake = threading.Condition()
        self._job: tuple[Path, bool] | None = None
        self._busy = False
        self._stopping = False
        self.runs = 0  # finished runs, good or bad
        self._thread = threading.Thread(target=self._loop, name="site-builder-search", daemon=True)

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def request(self, out_dir: Path, keep_index_url: bool) -> None:
        """Ask for a run over `out_dir`; returns at once."""
        with self._wake:
            self._job = (out_dir, keep_index_url)
            self._wake.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is asked for or running (tests); False on time-out."""
        with self._wake:
            return self._wake.wait_for(lambda: self._job is None and not self._busy, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """End the thread after the run under way, if any (cut short when the token is cancelled); pending
        requests are dropped."""
        with self._wake:
            self._stopping = True
            self._job = None
            self._wake.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._job is not None or self._stopping)
                if self._stopping:
                    return
                assert self._job is not None
                (out_dir, keep_index_url), self._job, self._busy = self._job, None, True
            try:
                report = index_site(out_dir, keep_index_url=keep_index_url, background=True, cancel=self.cancel)
                log.info("search index: %d pages, %d files written in %.2f s", report.pages, len(report.written),
                         report.seconds)
            except Interrupted:  # the server is stopping: the old index stays
                log.debug("search indexing stopped")
            except SiteError as exc:  # shown in the terminal; the old index keeps serving
                for diagnostic in exc.diagnostics:
                    log.error("%s", diagnostic.format())
            except Exception:  # a bug or an I/O failure must not end the thread silently
                log.exception("search indexing failed unexpectedly")
            finally:
                with self._wake:
                    self._busy = False
                    self.runs += 1
                    self._wake.notify_all()


class DevServer:
    """One live preview: an HTTP server, a watcher and a builder sharing a LiveState. No global state,
    so tests and benchmarks run several side by side.

    `cancel` is the server's stop request: `stop()` cancels it, and so may a signal handler (it takes
    no lock). The server's own builder and search indexer honour it, so a build under way stops at its
    next check, before any of its files is renamed into place, and the output folder keeps the last
    complete build. A caller that passes its own `builder` passes the token to it as well. `ping` is
    the seconds between keep-alive comments on an idle event stream, which is also how soon the
    thread of a closed tab notices and ends.

    A rebuild by a `Builder` renders the pages the open tabs show first (see FirstPages): they are put
    in place and reloaded, then the rest of what the edit touched is rendered on the watcher's thread
    while every page but the stale ones is served; a request for a stale page waits until it is written.
    A change to the sources noticed meanwhile stops that rest at its next check, and the next rebuild
    takes it over.
    """

    def __init__(self, root: Path, options: BuildOptions | None = None, *, host: str = "127.0.0.1",
                 port: int = 8000, poll: bool = False, builder: SiteBuilder | None = None,
                 quiet: float = 0.1, max_wait: float = 1.0, poll_interval: float = 0.5,
                 cancel: CancelToken | None = None, ping: float = EVENT_STREAM_PING) -> None:
        self.root = root
        self.options = options or BuildOptions()
        self.cancel = cancel or CancelToken()
        self.builder: SiteBuilder = builder or Builder(root, self.options, policy=PREVIEW, cancel=self.cancel)
        self.indexer = BackgroundIndexer(self.cancel)
        out_dir, prefix, output_dir = site_settings(root, self.options)
        # One writer per output folder: the server's own builder writes only while the server holds the lock.
        self.lock = OutputLock(out_dir) if builder is None else None
        self.state = LiveState(out_dir, prefix)
        # Binds now, so a port that cannot be opened is an error before anything else starts.
        self.httpd = PreviewHTTPServer(host, port, self.state, client_script(), ping=ping)
        self.watcher = SiteWatcher(root, self._on_change, poll=poll, output_dir=output_dir, quiet=quiet,
                                   max_wait=max_wait, poll_interval=poll_interval, on_seen=self._supersede)
        self._serving = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": POLL},
                                         name="site-builder-http", daemon=True)
        self._built = False  # no good build yet: the next build must be a full one
        self._needs_full = False  # a folder vanished since the last good build
        self._rest = self.cancel.child()  # stops the background part of the rebuild under way
        self._started = 0.0  # when the build under way started (perf_counter)

    @property
    def url(self) -> str:
        """The address of the site's home page."""
        host = str(self.httpd.server_address[0])
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if host == "0.0.0.0" else "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.httpd.port}{self.state.snapshot().prefix}"

    def start(self) -> BuildEvent:
        """Watch, serve, and run the first build; requests wait for it, and a failure shows as an overlay.

        A first build stopped through the token returns a failed event with no errors; the caller looks
        at `cancel` to tell.
        """
        if self.lock is not None:
            self.lock.acquire()  # raises OutputBusy, naming the run that writes there
        try:
            self.watcher.start()  # before the build, so an edit made during it is not missed
        except OSError as exc:
            raise UsageError(f"cannot watch {self.root}: {exc} (try --poll)") from exc
        self.state.begin_build()
        self._serving.start()
        self.indexer.start()
        return self._build(None, gate_held=True)

    def stop(self, signum: int = signal.SIGTERM) -> None:
        """Stop a build and an indexing run under way, stop watching, end the event streams, close the
        socket and let the output folder's lock go.

        The token is cancelled first (with `signum`, unless a signal handler got there before), so a
        rebuild in progress ends at its next check with its staged files removed, and the output folder
        holds the last complete build when the lock goes.
        """
        self.cancel.cancel(signum)
        self.state.close()  # requests waiting for the build are answered, event streams end
        self.watcher.stop()  # waits for the stopped rebuild
        self.indexer.stop()
        if self._serving.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> DevServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _on_change(self, batch: ChangeSet) -> None:
        if batch:
            self._build(batch)

    def _supersede(self) -> None:
        """A newer change came in: the background part of the rebuild under way stops (lock-free)."""
        self._rest.cancel()

    def _rebuild(self, paths: list[str]) -> BuildResult:
        """A rebuild; by the server's own kind of builder, with the open pages first when there are any."""
        self._rest = self.cancel.child()  # a change seen from now on stops this rebuild's background part
        pages = self.state.open_pages()
        if not pages or not isinstance(self.builder, Builder):
            return self.builder.rebuild(paths)
        return self.builder.rebuild(paths, FirstPages(pages, self._shown, self._rest))

    def _shown(self, report: WriteReport, stale: frozenset[str]) -> None:
        """The open pages are in place: reload them and serve every page but the `stale` ones."""
        self.state.end_build(True, (*report.written, *report.removed), stale=stale)
        log.info("open pages in %.2f s: %d written; %d files follow in the background",
                 time.perf_counter() - self._started, len(report.written), len(stale))

    def _build(self, batch: ChangeSet | None, gate_held: bool = False) -> BuildEvent:
        """Build with requests held; never raises for bad input, so the server outlives any mistake."""
        if not gate_held:
            self.state.begin_build()
        self._started = time.perf_counter()
        ok = False
        stale: frozenset[str] = frozenset()
        changed: tuple[str, ...] = ()
        problems: tuple[BuildProblem, ...] = ()
        out_dir: Path | None = None
        prefix: str | None = None
        if batch is not None:
            self._needs_full = self._needs_full or batch.full
        try:
            if batch is None or self._needs_full or not self._built:
                result = self.builder.build()
            else:
                result = self._rebuild(sorted(batch.paths))
            ok, self._built, self._needs_full = True, True, False
            _, prefix, output_dir = site_settings(self.root, self.options)
            out_dir = result.out_dir.resolve()
            self.watcher.output_dir = output_dir
            changed = (*result.report.written, *result.report.removed)
            for warning in result.warnings:
                log.warning("%s", warning.format())
            log.info("%s in %.2f s: %d written, %d removed%s", "rebuilt" if batch else "built", result.seconds,
                     len(result.report.written), len(result.report.removed), _describe(batch))
        except Interrupted:
            if self._rest.cancelled and not self.cancel.cancelled:  # a newer change: its rebuild takes over
                ok, stale = True, self.state.stale()
                log.debug("background rendering stopped: a newer change came in")
            elif not self.cancel.cancelled:
                raise  # not the server's stop (Ctrl-C in a program that runs the server): the caller's to handle
            else:
                log.debug("build stopped: the server is stopping")
        except SiteError as exc:
            problems = tuple(BuildProblem.from_diagnostic(d) for d in exc.diagnostics)
            for diagnostic in exc.everything():
                (log.warning if diagnostic.severity == "warning" else log.error)("%s", diagnostic.format())
            count = len(exc.diagnostics)
            log.error("%d error%s; serving the last good build", count, "s" if count != 1 else "")
        except Exception as exc:  # a bug or an I/O failure must not kill the preview; it is shown, not hidden
            log.exception("build failed unexpectedly")
            problems = (BuildProblem.internal(exc),)
        finally:
            event = self.state.end_build(ok, changed, problems, out_dir, prefix, stale)
        # Only now, with the reload on its way: re-index when a page was written or removed.
        if ok and out_dir is not None and (batch is None or any(p.endswith(".html") for p in changed)):
            enabled, keep_index_url = search_settings(self.root)
            if enabled:
                self.indexer.request(out_dir, keep_index_url)
        return event


def _describe(batch: ChangeSet | None) -> str:
    if batch is None:
        return ""
    names = sorted(batch.paths)
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f" ({shown})" if shown else " (full build)"


