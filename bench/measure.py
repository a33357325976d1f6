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

    @property
    def ok(self) -> bool:
        """Whether the command ran to a zero exit."""
        return self.status == "ok"

    def reason(self) -> str:
        """The last line of stderr, for a table cell that says why a tool failed."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1][:160] if lines else self.status


class TreeSampler(threading.Thread):
    """Sums VmRSS over a process and its descendants every `interval` seconds and keeps the maximum.

    wait4's ru_maxrss is exact but per process; a builder with a process pool needs the sum, which
    only sampling gives. Sampling costs a few /proc reads per tick, well below 1% of a core.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop_event.set()
        self.join()


def tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and every descendant, in KiB (0 once the process is gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total


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
    return Measured(status, wall, int(usage.ru_maxrss), sampler.peak_kib, stdout, stderr)
