"""Render every briefing and page body: from memory, from the disk cache, or in parallel across cores.

Markdown with mention weaving is most of a cold build. A body's HTML depends only on its text, its
position in the file, the page it sits on, the markdown and mention settings and the alias
registry, so those are the cache key; whatever misses is rendered, in a process pool when there is
enough of it to pay for the workers' start.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from markdown_it import MarkdownIt

from site_builder.actors.matcher import Matcher
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.bodies.packed import RenderedBody, pooled
from site_builder.cache import BuildCache
from site_builder.core.config import Config, MarkdownConfig
from site_builder.core.keys import digest, dumps
from site_builder.core.models import Content
from site_builder.core.processes import can_fork, shared_heap
from site_builder.core.urls import actor_path, briefing_path, page_path, relative_url

log = logging.getLogger(__name__)

PARALLEL_MIN = 200  # below this many bodies to render, starting workers costs more than it saves
CHUNK = 32

MemoEntry = tuple[bytes, RenderedBody]  # (cache key, body)


@dataclass(frozen=True)
class BodyJob:
    """One body to render, in a form that crosses process boundaries."""

    path: str  # content file, site-relative
    here: str  # URL path of the page the body sits on
    text: str
    line: int


@dataclass(frozen=True)
class RenderSettings:
    """Everything besides the job that decides a body's HTML; sent once to each worker."""

    markdown: MarkdownConfig
    link_mode: str
    index_files: bool
    owners: Mapping[str, str | None]
    detail: bool = False  # keep block texts and mentions (see RenderedBody.pack)


@dataclass(frozen=True)
class BodyReport:
    """How the bodies of one build were obtained, for the build summary."""

    reused: int = 0  # from the previous build in this process
    cached: int = 0  # from the disk cache
    rendered: int = 0
    workers: int = 0


class BodyRenderer:
    """Renders bodies with one MarkdownIt and matcher; lives in the build process or in a worker."""

    def __init__(self, settings: RenderSettings, matcher: Matcher | None = None) -> None:
        self.settings = settings
        self.md: MarkdownIt = create_markdown(settings.markdown)
        self.matcher = matcher or Matcher(dict(settings.owners))

    def render(self, job: BodyJob) -> RenderedBody:
        """HTML and mentions of one body; profile links are relative to the body's own page."""
        index_files = self.settings.index_files

        def actor_href(actor_id: str) -> str:
            return relative_url(job.here, actor_path(actor_id), index_files)

        return RenderedBody.pack(render_body(self.md, job.text, matcher=self.matcher,
                                             link_mode=self.settings.link_mode, line_offset=job.line,
                                             actor_href=actor_href), self.settings.detail)

    def render_many(self, jobs: Sequence[BodyJob]) -> list[RenderedBody]:
        """A chunk of jobs, in order."""
        return [self.render(job) for job in jobs]


# Each worker process holds its own renderer, set once by the pool initializer; it never leaves the worker.
_WORKER: dict[str, BodyRenderer] = {}


def _start_worker(settings: RenderSettings) -> None:
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

    No thread is involved: a pool's feeder threads compete with this process's rendering for the
    interpreter lock and left its worker idle for a third of the time.
    """
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    children = []
    for _ in range(workers - 1):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_take_chunks, args=(renderer, chunks, counter, send), daemon=True)
        process.start()
        send.close()
        children.append((process, receive))
    for index in _claims(counter, len(chunks)):
        done[index] = _render_here(renderer, chunks[index])
        progress(len(chunks[index]))
    for process, receive in children:
        for index, raw in pickle.loads(receive.recv_bytes()):
            done[index] = _received(raw)
            progress(len(raw))
        process.join()


def _take_chunks(renderer: BodyRenderer, chunks: list[Sequence[BodyJob]], counter: Any, send: Connection) -> None:
    out = [(index, [dumps(body) for body in renderer.render_many(chunks[index])])
           for index in _claims(counter, len(chunks))]
    send.send_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    send.close()


def _pooled(renderer: BodyRenderer, chunks: list[Sequence[BodyJob]], workers: int, done: list[Rendered | None],
            progress: Callable[[int], None]) -> None:
    """Spawned workers take chunks from the front while this process takes them from the back,
    cancelling each before a worker starts it."""
    with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(renderer.settings,)) as pool:
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


def render_bodies(config: Config, content: Content, matcher: Matcher, memo: Mapping[str, MemoEntry],
                  cache: BuildCache, progress: Callable[[int], None] = lambda n: None, detail: bool = False,
                  processes: int | None = None,
                  ) -> tuple[dict[str, RenderedBody], dict[str, RenderedBody], dict[str, MemoEntry], BodyReport]:
    """Bodies of every briefing (by slug) and page (by slug), the memo for the next build, and a report.

    Each body is looked up by key in the previous build's memo, then in the disk cache; the rest
    are rendered, in parallel when there are many. The result never depends on where a body came from.
    With `detail`, bodies keep their block texts and mentions (see RenderedBody.pack). `processes`
    caps the processes rendering (None: one per core).
    """
    settings = RenderSettings(config.markdown, config.mentions.link, config.relative_urls, matcher.owners, detail)
    base = digest(repr(settings.markdown), settings.link_mode, str(settings.index_files), str(detail),
                  matcher.registry_digest)  # bodies rendered with another registry are never reused
    jobs = [BodyJob(b.path, briefing_path(b.slug), b.body, b.body_line) for b in content.briefings]
    jobs += [BodyJob(p.path, page_path(p.slug), p.body, p.body_line) for p in content.pages]
    keys = [digest(base, job.here, str(job.line), job.text) for job in jobs]

    found: dict[bytes, RenderedBody] = {}
    for job, key in zip(jobs, keys, strict=True):
        hit = memo.get(job.path)
        if hit is not None and hit[0] == key:
            found[key] = hit[1]
    reused = len(found)
    from_disk = cache.get_many(k for k in keys if k not in found)
    found.update((k, v) for k, v in from_disk.items() if isinstance(v, RenderedBody))
    progress(len(found))

    missing = [(job, key) for job, key in zip(jobs, keys, strict=True) if key not in found]
    missing = list({key: (job, key) for job, key in missing}.values())  # identical bodies render once
    renderer = BodyRenderer(settings, matcher)
    workers = worker_count(len(missing), processes)
    todo = [job for job, _ in missing]
    if workers:
        rendered = _render_parallel(renderer, todo, workers, progress)
    else:
        rendered = []
        for job in todo:
            rendered.append((renderer.render(job), None))
            progress(1)
    for (_, key), (body, data) in zip(missing, rendered, strict=True):
        found[key] = body
        if data is None:
            cache.put(key, body)
        else:
            cache.put_pickled(key, data)

    moved = pooled(found.values())  # before any page reads them, so forked page workers share them
    found = {key: moved.get(id(body), body) for key, body in found.items()}
    new_memo = {job.path: (key, found[key]) for job, key in zip(jobs, keys, strict=True)}
    n_briefings = len(content.briefings)
    bodies = {b.slug: found[k] for b, k in zip(content.briefings, keys[:n_briefings], strict=True)}
    page_bodies = {p.slug: found[k] for p, k in zip(content.pages, keys[n_briefings:], strict=True)}
    report = BodyReport(reused, len(from_disk), len(missing), workers)
    return bodies, page_bodies, new_memo, report

