"""Worker processes and the heap: forked workers that share the build's memory, and a heap kept out of
the garbage collector's way.

A forked worker sees the build's objects through copy-on-write pages, so a big site's graph and
bodies are not copied for each core. Python's cyclic garbage collector undoes that: a collection
in the worker writes to the header of every container object it tracks, which copies nearly every
page of the heap into the worker. Freezing the collector moves the objects that exist at the fork
out of its reach in both processes, until the workers are done.

A builder that rebuilds (the dev server) holds its last build: models, graph, bodies, compiled
templates, page digests. `settle()` collects once after a build that replaced all of that state and
freezes what is left, so later full collections skip it; a scoped rebuild replaces only a few frozen
objects, which reference counting frees. The collector is the interpreter's; this only changes which
objects it looks at.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """In a worker: end when the parent process ends, however it ends, and leave Ctrl-C to the parent.

    Linux delivers SIGKILL to the worker when its parent dies (even by SIGKILL); elsewhere the
    parent's own cleanup stops its workers. A parent that died before this ran is caught here.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its workers, and reports once
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        prctl = getattr(ctypes.CDLL(None), "prctl", None)
    except OSError:
        prctl = None
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def start_worker(context: Any, target: Callable[..., object], args: tuple[Any, ...]) -> Any:
    """Start `target(*args)` in a forked worker that dies with this process (see `die_with_parent`)."""
    process = context.Process(target=_run_worker, args=(os.getpid(), target, args), daemon=True)
    process.start()
    return process


def _run_worker(parent: int, target: Callable[..., object], args: tuple[Any, ...]) -> None:
    die_with_parent(parent)
    target(*args)


def stop_workers(processes: Iterable[Any]) -> None:
    """Kill workers still running and wait for them: after an error or an interruption in the parent."""
    processes = list(processes)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join()


def can_fork() -> bool:
    """Whether workers may be forked: never with other threads running, whose state a fork would copy mid-way."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def shared_heap() -> Iterator[None]:
    """Fork workers inside this block: the objects that exist now are left alone by the collector.

    Objects made inside the block are collected as usual; cycles among the frozen ones that become
    garbage meanwhile are collected after it. (No collection first: on a big site one costs more
    than the little garbage it would free.)
    """
    release_freed()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def release_freed() -> None:
    """Hand memory freed so far back to the system (glibc only), so that neither process copies it.

    Early stages free a lot (a one-shot build lets every briefing's markdown go); glibc keeps the
    freed pages resident, and each page a worker then writes to is copied for it. Rendering pages
    frees a lot too (each page's text, its bytes, the joins that made it), in chunks scattered over
    a heap the early stages left full of holes: the workers call this every few blocks of pages.
    """
    try:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library this process already uses
    except OSError:
        return
    if trim is not None:
        trim(0)


class Shares:
    """Contiguous shares of `total` items for `workers` processes, balanced by taking from the back.

    Each worker goes through its own share from the front, a block at a time; one that has run out
    takes blocks from the back of the share with the most left. So every worker handles a few long
    runs of neighbouring items, and all finish together. Neighbouring pages read the same actors,
    rows and feeds, and a forked process copies each memory page it reads an object from: split
    this way rather than every n-th page, the workers copy fewer pages.
    """

    def __init__(self, context: Any, total: int, workers: int, block: int) -> None:
        cuts = [total * w // workers for w in range(workers + 1)]
        self._bounds = context.Array("q", [x for w in range(workers) for x in (cuts[w], cuts[w + 1])], lock=False)
        self._lock = context.Lock()
        self._workers = workers
        self._block = block

    def claims(self, worker: int) -> Iterator[range]:
        """Ranges of item numbers for one worker, until every item is taken."""
        bounds, block = self._bounds, self._block
        while True:
            with self._lock:
                own = 2 * worker
                if bounds[own] < bounds[own + 1]:
                    taken = range(bounds[own], min(bounds[own] + block, bounds[own + 1]))
                    bounds[own] = taken.stop
                else:
                    most = max(range(self._workers), key=lambda w: bounds[2 * w + 1] - bounds[2 * w])
                    start, end = bounds[2 * most], bounds[2 * most + 1]
                    if start >= end:
                        return
                    taken = range(max(start, end - block), end)
                    bounds[2 * most + 1] = taken.start
            yield taken


def in_two(items: Sequence[T], work: Callable[[Sequence[T]], R],
           encode: Callable[[R], bytes] = pickle.dumps) -> tuple[R, R] | None:
    """`work` on the first half of `items` here and on the second half in a forked process, at once.

    The child sends its result back as `encode` pickles it; if it fails, its half is done here.
    None when no process may be forked (other threads run): the caller does all the work itself.
    """
    if not can_fork():
        return None
    half = len(items) // 2
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    with shared_heap():
        process = start_worker(context, _send_work, (work, items[half:], encode, send))
        send.close()
        try:
            mine = work(items[:half])
            try:
                theirs: R = pickle.loads(receive.recv_bytes())
            except (EOFError, OSError):
                theirs = work(items[half:])
        finally:
            stop_workers([process])
    return mine, theirs


def _send_work(work: Callable[[Sequence[T]], R], items: Sequence[T], encode: Callable[[R], bytes],
               send: Any) -> None:
    send.send_bytes(encode(work(items)))
    send.close()


def settle() -> None:
    """Collect everything, then freeze what is left: call after a build that planned every page."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
