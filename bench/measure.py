"""Run one command as a measured child process: wall time, peak RSS, timeout, never an exception."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    """One child run. `status` is ok, failed (non-zero exit), timeout or error (could not start)."""

    status: str
    wall: float
    peak_rss_kib: int  # ru_maxrss from wait4: the largest single process of the child's tree
    tree_rss_kib: int  # sampled sum over the live process tree: counts pool workers together
    stdout: str
    stderr: str
    tree_pss_kib: int = 0  # sampled like tree_rss_kib with proportional set sizes: a page n processes share counts 1/n
    # User and system seconds of the child and of every descendant it waited for (forked workers, a
    # tool's threads): the work done, which wall time hides on a machine whose cores slow each other down.
    cpu: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the command ran to a zero exit."""
        return self.status == "ok"

    def reason(self) -> str:
        """The last line of stderr, for a table cell that says why a tool failed."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1][:160] if lines else self.status


class TreeSampler(threading.Thread):
    """Sums RSS and PSS over a process and its descendants every `interval` seconds and keeps the maxima.

    wait4's ru_maxrss is exact but per process; a builder with worker processes needs the sum, which
    only sampling gives. Summed RSS counts every page a forked worker shares with its parent once per
    process, so it overstates what the machine needs; summed PSS (each shared page split between the
    processes sharing it) is that figure. Sampling costs a few /proc reads per tick, about 1% of a core.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self.peak_pss_kib = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            rss, pss = tree_memory_kib(self.pid)
            self.peak_kib = max(self.peak_kib, rss)
            self.peak_pss_kib = max(self.peak_pss_kib, pss)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop_event.set()
        self.join()


def tree_memory_kib(pid: int) -> tuple[int, int]:
    """Summed RSS and PSS of `pid` and every descendant, in KiB (zeros once the process is gone).

    PSS comes from smaps_rollup (Linux 4.14 and later); where it cannot be read, RSS stands in for it.
    """
    rss = pss = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            mine = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            rss += mine
            pss += _pss_kib(current, mine)
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return rss, pss


def _pss_kib(pid: int, fallback: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return fallback
    return next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), fallback)


def measure(argv: list[str], *, env: dict[str, str] | None = None, timeout: float | None = None,
            cwd: Path | None = None) -> Measured:
    """Run `argv` to completion (or kill its whole process group at `timeout`) and measure it.

    Output goes to temporary files rather than pipes, so a chatty tool can never block on a full pipe
    while we wait. `os.wait4` reaps the child and returns its rusage in the same call.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True)
        except OSError as exc:
            return Measured("error", 0.0, 0, 0, "", str(exc))
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, wait_status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
        if timer:
            timer.cancel()
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(wait_status)  # already reaped: keep Popen from waiting
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    status = "timeout" if timed_out.is_set() else "ok" if proc.returncode == 0 else "failed"
    return Measured(status, wall, int(usage.ru_maxrss), sampler.peak_kib, stdout, stderr, sampler.peak_pss_kib,
                    usage.ru_utime + usage.ru_stime)
