"""The benchmark's memory sampling: a forked child's shared pages count once in the PSS sum."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from bench.measure import tree_memory_kib


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pss_sum_counts_shared_pages_once() -> None:
    ballast = bytearray(64 * 2**20)  # touched, so resident, and shared with the child after fork
    ballast[::4096] = b"x" * len(ballast[::4096])
    alone_rss, alone_pss = tree_memory_kib(os.getpid())
    child = os.fork()
    if child == 0:  # the child only waits to be measured
        signal.pause()
        os._exit(0)
    try:
        rss, pss = tree_memory_kib(os.getpid())
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    assert alone_rss >= alone_pss > 0
    assert rss > alone_rss + 60 * 1024  # the child's RSS counts the ballast again
    assert pss < alone_pss + 32 * 1024  # its PSS does not
    assert len(ballast) == 64 * 2**20


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a worker")
def test_cpu_time_counts_the_workers_a_command_waits_for() -> None:
    """A build's forked workers do half its work: their CPU seconds must be in the figure."""
    from bench.measure import measure

    script = (
        "import os, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    while time.process_time() < 0.4: pass\n"  # the worker's work, in CPU seconds
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"  # the parent only waits
    )
    measured = measure([sys.executable, "-c", script])
    assert measured.ok
    assert measured.cpu >= 0.4
    assert measured.cpu <= measured.wall * 2 + 0.1  # the work of at most the two processes, no more
