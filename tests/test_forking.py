"""Forking rules: no fork with threads running; objects made before the fork are left to be shared."""

from __future__ import annotations

import gc
import threading

from site_builder.forking import can_fork, shared_heap


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
