"""Forked worker processes that share the build's memory instead of copying it.

A forked worker sees the build's objects through copy-on-write pages, so a big site's graph and
bodies are not copied for each core. Python's cyclic garbage collector undoes that: a collection
in the worker writes to the header of every container object it tracks, which copies nearly every
page of the heap into the worker. Freezing the collector moves the objects that exist at the fork
out of its reach in both processes, until the workers are done.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import threading
from collections.abc import Iterator
from contextlib import contextmanager


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
    _trim()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _trim() -> None:
    """Hand memory freed so far back to the system (glibc only), so that neither process copies it.

    Early stages free a lot (a one-shot build lets every briefing's markdown go); glibc keeps the
    freed pages resident, and each page a worker then writes to is copied for it.
    """
    try:
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library this process already uses
    except OSError:
        return
    if trim is not None:
        trim(0)
