"""Render briefing and page bodies: here, or in parallel across cores when there are enough of them.

Markdown with mention weaving is a large part of a cold build. Jobs cross process boundaries as plain
records; whatever the process, a job gives the same body. Which bodies need rendering at all is
decided by `site_builder.incremental.bodies`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from markdown_it import MarkdownIt

from site_builder.actors.matcher import Matcher, Registry
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.bodies.packed import RenderedBody
from site_builder.core.config import MarkdownConfig
from site_builder.core.keys import dumps
from site_builder.core.models import Content
from site_builder.core.processes import can_fork, die_with_parent, shared_heap, start_worker, stop_workers
from site_builder.core.urls import actor_path, briefing_path, page_path, relative_url

log = logging.getLogger(__name__)

PARALLEL_MIN = 200  # below this many bodies to render, starting workers costs more than it saves
CHUNK = 32



@dataclass(frozen=True)
class BodyJob:
    """One body to render, in a form that crosses process boundaries."""

    path: str  # content file, site-relative
    here: str  # URL path of the page the body sits on
    text: str
    line: int
    listed: tuple[str, ...] = ()  # the briefing's `actors:`, which ambiguous aliases fall back on


@dataclass(frozen=True)
class RenderSettings:
    """Everything besides the job that decides a body's HTML; sent once to each worker."""

    markdown: MarkdownConfig
    link_mode: str
    index_files: bool
    registry: Registry
    detail: bool = False  # keep block texts and mentions (see RenderedBody.pack)


class BodyRenderer:
    """Renders bodies with one MarkdownIt and matcher; lives in the build process or in a worker."""

    def __init__(self, settings: RenderSettings, matcher: Matcher | None = None) -> None:
        self.settings = settings
        self.md: MarkdownIt = create_markdown(settings.markdown)
        self.matcher = matcher or Matcher.from_registry(settings.registry)

    def render(self, job: BodyJob) -> RenderedBody:
        """HTML and mentions of one body; profile links are relative to the body's own page."""
        index_files = self.settings.index_files

        def actor_href(actor_id: str) -> str:
            return relative_url(job.here, actor_path(actor_id), index_files)

        return RenderedBody.pack(render_body(self.md, job.text, matcher=self.matcher,
                                             link_mode=self.settings.link_mode, line_offset=job.line,
                                             actor_href=actor_href, listed=job.listed), self.settings.detail)

    def render_many(self, jobs: Sequence[BodyJob]) -> list[RenderedBody]:
        """A chunk of jobs, in order."""
        return [self.render(job) for job in jobs]


# Each worker process holds its own renderer, set once by the pool initializer; it never leaves the worker.
_WORKER: dict[str, BodyRenderer] = {}


def _start_worker(settings: RenderSettings, parent: int) -> None:
    die_with_parent(parent)
    _WORKER["renderer"] = BodyRenderer(settings)


def _render_chunk(jobs: Sequence[BodyJob]) -> list[bytes]:
    """Bodies pickled one by one: the build process stores these bytes in the cache as they are."""
    return [dumps(body) for body in _WORKER["renderer"].render_many(jobs)]


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def processes(jobs: int | None = None) -> int:
    """Processes a build may use, this one included: one per core it may run on, at most `jobs`."""
    return min(cores(), jobs) if jobs else cores()


def worker_count(jobs: int, limit: int | None = None) -> int:
    """Processes to use, this one included: one per core the build may run on, at most `limit`; none for
    small batches."""
    available = processes(limit)
    if jobs < PARALLEL_MIN or available < 2:
        return 0
    return min(available, max(2, jobs // CHUNK))


Rendered = list[tuple[RenderedBody, bytes | None]]  # bodies of one chunk, each with its pickle if it has one


def _render_parallel(renderer: BodyRenderer, jobs: Sequence[BodyJob], workers: int,
                     progress: Callable[[int], None]) -> Rendered:
    """Render in this process and `workers - 1` others, in job order.

    Workers are forked when this process runs no other thread (the command line: no import cost),
    and spawned otherwise (the dev server's watcher threads must not be copied mid-state). Either
    way every process takes chunks as it goes, so all finish together without a fixed split. If
    the workers cannot run, for instance from a script without a `__main__` guard, the bodies are
    rendered here instead: same output, only slower.
    """
    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    done: list[Rendered | None] = [None] * len(chunks)
    try:
        if can_fork():
            with shared_heap():
                _forked(renderer, chunks, workers, done, progress)
        else:
            _pooled(renderer, chunks, workers, done, progress)
    except (BrokenProcessPool, OSError, EOFError) as exc:
        log.warning("rendering in one process: a worker failed (%s)", exc)
    for index, chunk in enumerate(chunks):
        if done[index] is None:
            done[index] = _render_here(renderer, chunk)
    return [pair for chunk_result in done if chunk_result is not None for pair in chunk_result]


def _render_here(renderer: BodyRenderer, chunk: Sequence[BodyJob]) -> Rendered:
    """A chunk rendered in this process: no pickle to keep, the cache makes its own."""
    return [(renderer.render(job), None) for job in chunk]


def _received(raw: list[bytes]) -> Rendered:
    """A worker's chunk: each body with the pickle it came in, which the cache stores as it is."""
    return [(pickle.loads(data), data) for data in raw]


def _claims(counter: Any, total: int) -> Iterator[int]:
    """Chunk numbers for one process, from a counter every process shares."""
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value = index + 1
        if index >= total:
            return
        yield index


def _forked(renderer: BodyRenderer, chunks: list[Sequence[BodyJob]], workers: int, done: list[Rendered | None],
            progress: Callable[[int], None]) -> None:
    """Forked workers and this process take chunks from one shared counter; workers send theirs at the end.

    No thread is involved: a pool's feeder threads would compete with this process's rendering for
    the interpreter lock and hold it up.
    """
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    children = []
    try:
        for _ in range(workers - 1):
            receive, send = context.Pipe(duplex=False)
            children.append((start_worker(context, _take_chunks, (renderer, chunks, counter, send)), receive))
            send.close()
        for index in _claims(counter, len(chunks)):
            done[index] = _render_here(renderer, chunks[index])
            progress(len(chunks[index]))
        for process, receive in children:
            for index, raw in pickle.loads(receive.recv_bytes()):
                done[index] = _received(raw)
                progress(len(raw))
            process.join()
    except BaseException:  # an error or an interruption here: no worker outlives it
        stop_workers(process for process, _ in children)
        raise


def _take_chunks(renderer: BodyRenderer, chunks: list[Sequence[BodyJob]], counter: Any, send: Connection) -> None:
    out = [(index, [dumps(body) for body in renderer.render_many(chunks[index])])
           for index in _claims(counter, len(chunks))]
    send.send_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    send.close()


def _pooled(renderer: BodyRenderer, chunks: list[Sequence[BodyJob]], workers: int, done: list[Rendered | None],
            progress: Callable[[int], None]) -> None:
    """Spawned workers take chunks from the front while this process takes them from the back,
    cancelling each before a worker starts it.

    When `progress` raises (the build was stopped) or anything else fails, the chunks no worker has
    started are dropped, and the pool waits for the chunks under way and for its workers to exit. (Not
    killed: a pool whose worker dies while futures are cancelled fails in Python 3.11 with a thread
    that never ends.)
    """
    with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(renderer.settings, os.getpid())) as pool:
        try:
            futures = [pool.submit(_render_chunk, chunk) for chunk in chunks]
            for index in reversed(range(len(chunks))):
                if not futures[index].cancel():
                    break  # a worker has it; every chunk before it is taken too
                done[index] = _render_here(renderer, chunks[index])
                progress(len(chunks[index]))
            for index, future in enumerate(futures):
                if done[index] is None:
                    raw = future.result()
                    done[index] = _received(raw)
                    progress(len(raw))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def body_jobs(content: Content) -> list[BodyJob]:
    """One job per briefing, then one per page, in the content's order."""
    jobs = [BodyJob(b.path, briefing_path(b.slug), b.body, b.body_line, b.actors) for b in content.briefings]
    jobs += [BodyJob(p.path, page_path(p.slug), p.body, p.body_line) for p in content.pages]
    return jobs


def render_jobs(renderer: BodyRenderer, jobs: Sequence[BodyJob], processes: int | None = None,
                progress: Callable[[int], None] = lambda n: None) -> tuple[Rendered, int]:
    """Each job's body in order, with its pickle when a worker made it, and the processes used (0: this one).

    Workers start only when there are enough jobs to pay for them; `processes` caps them (None: one per
    core). The bodies never depend on where they were rendered.
    """
    workers = worker_count(len(jobs), processes)
    if workers:
        return _render_parallel(renderer, jobs, workers, progress), workers
    rendered: Rendered = []
    for job in jobs:
        rendered.append((renderer.render(job), None))
        progress(1)
    return rendered, 0
