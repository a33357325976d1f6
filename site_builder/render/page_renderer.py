"""Render planned pages with templates: here, or split across forked worker processes on a full build.

Templates are the other large part of a cold build. Forked workers inherit the planned pages, the
graph and the compiled templates without any copying, and send back only bytes; so the split pays
for itself from `PARALLEL_MIN` pages. Pages whose inputs are unchanged since the last build are
skipped by a `Skip` test given by the caller (memo in the dev server, page digests on disk otherwise).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from site_builder.core.config import Config
from site_builder.core.errors import Diagnostic, TemplateFailure
from site_builder.core.keys import SharedKeys, digest
from site_builder.core.output_writer import Sink
from site_builder.core.processes import Shares, can_fork, release_freed, shared_heap, start_worker, stop_workers
from site_builder.core.progress import Stage
from site_builder.core.urls import output_file, url_function
from site_builder.render.list_rows import RowMemo, Rows
from site_builder.render.page_plan import PageSpec, page_meta
from site_builder.render.templates import Templates, theme_dir
from site_builder.render.views import ActorRef, BriefingCard, FeedEntry, NetworkView, SiteView, TopicRef

log = logging.getLogger(__name__)

PARALLEL_MIN = 400  # pages; fewer render faster than workers start
BLOCK = 16  # pages a worker takes at a time
# Blocks between two hand-backs of freed memory in each rendering process (see processes.release_freed):
# without them the freed pages stay resident and the process tree of a big site peaks higher.
RELEASE_EVERY = 4

# Views that recur on many pages, digested once each (see SharedKeys).
SHARED_VIEWS = (BriefingCard, ActorRef, TopicRef, NetworkView, SiteView, FeedEntry)

Skip = Callable[[str, PageSpec, bytes], bool]  # (output file, spec, input digest) -> file already right


@dataclass
class RenderedPages:
    """What rendering produced besides the files (which went to the sink): digests, skips and template errors."""

    digests: dict[str, bytes] = field(default_factory=dict)
    skipped: int = 0
    errors: list[Diagnostic] = field(default_factory=list)

    def merge(self, other: RenderedPages) -> None:
        """Add a worker's share."""
        self.digests.update(other.digests)
        self.skipped += other.skipped
        self.errors.extend(other.errors)


@dataclass(frozen=True)
class PageRenderer:
    """Everything one page render needs besides its spec."""

    config: Config
    templates: Templates
    site: SiteView
    salt: bytes
    skip: Skip
    assets: Mapping[str, str]  # fingerprinted asset names, for url()
    carried: Rows | None = None  # rows of earlier builds (see RowMemo), when the next build gets them
    # Whether pages are digested: digests add to the time of every page, only a later build uses them,
    # and a one-shot build without a cache has none.
    digested: bool = True
    known: Mapping[int, tuple[object, bytes]] | None = None  # digests of carried cards (see SharedKeys.known)
    fragments: RowMemo = field(init=False)  # `cached()` of this build's templates
    inputs: SharedKeys = field(init=False)  # what each page is rendered from, as a digest

    def __post_init__(self) -> None:
        trusted = (str(theme_dir(self.config.theme) / "templates") + os.sep,)
        inputs = SharedKeys(SHARED_VIEWS, self.known)
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "fragments", RowMemo(trusted, self.carried, inputs.of))

    def render(self, specs: Sequence[PageSpec], sink: Sink, step: Stage | None = None) -> RenderedPages:
        """Render the specs in order into the sink; template errors are collected once each, not once per page."""
        out = RenderedPages()
        seen: set[str] = set()
        for spec in specs:
            if step is not None:
                step.advance(1)
            rel = output_file(spec.url)
            if spec.body is not None:
                data = spec.body.encode("utf-8")
                out.digests[rel] = digest(self.salt, data)  # listed with the pages, so it is kept and not pruned
                sink.add(rel, data)
                continue
            meta = page_meta(spec, self.config)
            values = spec.values()
            # Equal digests mean equal bytes from the same templates.
            wanted = out.digests[rel] = (self.inputs.digest(self.salt, (spec.template, values, meta, self.site))
                                         if self.digested else b"")
            if self.digested and self.skip(rel, spec, wanted):
                out.skipped += 1
                continue
            link = url_function(spec.url, self.config.base_url, self.config.relative_urls, self.assets)
            context = {**values, "site": self.site, "page": meta, "url": link, "cached": self.fragments}
            try:
                sink.add(rel, self.templates.render(spec.template, context).encode("utf-8"))
            except TemplateFailure as exc:
                for d in exc.diagnostics:
                    if d.format() not in seen:  # one broken template would otherwise repeat per page
                        seen.add(d.format())
                        out.errors.append(d)
        return out

    def render_all(self, specs: Sequence[PageSpec], sink: Sink, step: Stage, workers: int) -> RenderedPages:
        """Render every spec, in forked workers when allowed and worth it; the result is the same either way."""
        if workers < 2 or len(specs) < PARALLEL_MIN or not can_fork():
            return self.render(specs, sink, step)
        with shared_heap():
            return self._render_forked(specs, sink, step, workers)

    def _render_forked(self, specs: Sequence[PageSpec], sink: Sink, step: Stage, workers: int) -> RenderedPages:
        context = multiprocessing.get_context("fork")
        shares = Shares(context, len(specs), workers, BLOCK)
        children = []
        try:
            for k in range(1, workers):
                receive, send = context.Pipe(duplex=False)
                children.append((start_worker(context, self._child, (specs, shares, k, sink.fork(), send)), receive))
                send.close()
            result = self._render_shares(specs, shares, 0, sink, step)  # this process is worker 0
            for process, receive in children:
                pages, exported, count = pickle.loads(receive.recv_bytes())
                result.merge(pages)
                sink.absorb(exported)
                step.advance(count)
                process.join()
        except (EOFError, OSError) as exc:
            log.warning("rendering pages in one process: a worker failed (%s)", exc)
            stop_workers(process for process, _ in children)
            return self.render(specs, sink, None)
        except BaseException:  # an error or an interruption here: no worker outlives it
            stop_workers(process for process, _ in children)
            raise
        # Which worker rendered a page depends on timing: the result must not.
        result.digests = dict(sorted(result.digests.items()))
        result.errors.sort(key=Diagnostic.format)  # duplicates from several workers go when the build reports them
        return result

    def _render_shares(self, specs: Sequence[PageSpec], shares: Shares, worker: int, sink: Sink,
                       step: Stage | None) -> RenderedPages:
        result = RenderedPages()
        for count, taken in enumerate(shares.claims(worker), 1):
            result.merge(self.render(specs[taken.start:taken.stop], sink, step))
            if count % RELEASE_EVERY == 0:
                release_freed()
        return result

    def _child(self, specs: Sequence[PageSpec], shares: Shares, worker: int, sink: Sink, send: Connection) -> None:
        try:
            pages = self._render_shares(specs, shares, worker, sink, None)
        except BaseException:
            abort = getattr(sink, "abort", None)
            if abort is not None:
                abort()  # staged files of a failed worker must not stay behind
            raise
        count = len(pages.digests)  # every page rendered or skipped has one
        send.send_bytes(pickle.dumps((pages, sink.export(), count), protocol=pickle.HIGHEST_PROTOCOL))
        send.close()
