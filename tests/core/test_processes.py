"""Forking rules: no fork with threads running; objects made before the fork are left to be shared; freed memory goes back."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import sys
import threading

import pytest

from site_builder.core.processes import Shares, can_fork, release_freed, shared_heap


def test_no_fork_while_another_thread_runs() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not can_fork()
    finally:
        release.set()
        thread.join()


def test_objects_are_frozen_inside_the_block_only() -> None:
    kept = [[i] for i in range(1000)]
    before = gc.get_freeze_count()
    with shared_heap():
        assert gc.get_freeze_count() >= before + len(kept)
        made_inside = [[i] for i in range(10)]
    assert gc.get_freeze_count() == 0 and made_inside


def test_unfrozen_after_an_error() -> None:
    try:
        with shared_heap():
            raise RuntimeError("a worker failed")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(("total", "workers"), [(0, 2), (5, 2), (100, 2), (101, 3), (1000, 4)])
def test_shares_hand_out_every_item_once_in_few_runs(total: int, workers: int) -> None:
    """Workers take their own share from the front, then the back of the biggest share left."""
    shares = Shares(multiprocessing.get_context("fork"), total, workers, block=7)
    claims = [shares.claims(w) for w in range(workers)]
    taken: list[list[range]] = [[] for _ in range(workers)]
    # Worker 0 is twice as fast as the others: it runs out first and takes from them.
    pending = set(range(workers))
    while pending:
        for w in sorted(pending):
            for _ in range(2 if w == 0 else 1):
                found = next(claims[w], None)
                if found is None:
                    pending.discard(w)
                    break
                taken[w].append(found)
    items = sorted(i for runs in taken for r in runs for i in r)
    assert items == list(range(total))
    assert all(len(r) <= 7 for runs in taken for r in runs)
    if total >= 100:
        own = range(0, total // workers)
        assert all(i in own for i in taken[0][0]) and len(taken[0]) > len(taken[1])


def _resident_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "malloc_trim"),
                    reason="reads /proc and needs glibc's malloc_trim")
def test_release_freed_hands_back_holes_between_live_blocks() -> None:
    """Freed chunks between blocks still in use stay resident until handed back: the holes rendering leaves."""
    pairs = [(b"x" * 16_384, b"y" * 16_384) for _ in range(2_000)]  # filled, so resident; from malloc's heap
    kept = [second for _, second in pairs]
    del pairs  # 32 MB of holes, each between two live blocks, none at the top of the heap
    before = _resident_kib()
    release_freed()
    assert before - _resident_kib() > 16 * 1024
    assert len(kept) == 2_000
