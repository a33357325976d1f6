"""How a build stops: SIGTERM or SIGINT in the middle of writing pages, on a synthetic desk.

    python -m bench.stop_latency --briefings 1000

Prints, for each signal: the time from the signal to the exit, the exit code, the processes of the
build left two seconds later, and the staged files left in the output. Then the same after SIGKILL:
how long its workers take to notice. Nothing is asserted; tests/integration/test_interruptions.py
checks the behaviour.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/stop_latency.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import generate_corpus
from site_builder.core.output_writer import STAGED_PREFIX

REPO = Path(__file__).resolve().parent.parent


def pids_naming(site: Path) -> list[int]:
    """Live, non-zombie processes whose command line names the site: a build and its forked workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
                zombie = "Z (zombie)" in (entry / "status").read_text()
            except OSError:
                continue
            if str(site) in cmdline and not zombie:
                found.append(int(entry.name))
    return found


def staged(out: Path) -> int:
    """Staged files in an output folder: a build is writing, or a stopped one left them."""
    return sum(1 for _ in out.rglob(f"{STAGED_PREFIX}*")) if out.exists() else 0


def interrupted_build(site: Path, signum: int) -> tuple[float, int, int, int, float]:
    """(seconds from signal to exit, exit code, processes left after 2 s, staged files left, seconds to
    the first staged file)."""
    for path in sorted((site / "content/briefings").rglob("*.md"))[:100]:
        path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Again ", 1), encoding="utf-8")
    started = time.monotonic()
    build = subprocess.Popen([sys.executable, "-m", "site_builder", "build", str(site), "--no-cache", "-q"],
                             cwd=site, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})
    while not staged(site / "public") and build.poll() is None:
        time.sleep(0.005)
    writing = time.monotonic() - started
    sent = time.monotonic()
    build.send_signal(signum)
    build.wait()
    stopped = time.monotonic() - sent
    if signum == signal.SIGKILL:
        deadline = time.monotonic() + 5
        while pids_naming(site) and time.monotonic() < deadline:
            time.sleep(0.005)
        stopped = time.monotonic() - sent
    time.sleep(2)
    return stopped, build.returncode, len(pids_naming(site)), staged(site / "public"), writing


def main(argv: list[str] | None = None) -> int:
    """Build the desk once, then interrupt a rebuild with each signal and print what was left."""
    parser = argparse.ArgumentParser(prog="python -m bench.stop_latency")
    parser.add_argument("--briefings", type=int, default=1000)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="site-builder-stop-"))
    try:
        site = work / "desk"
        generate_corpus(site, briefings=args.briefings, actors=max(20, args.briefings // 10), seed=5)
        subprocess.run([sys.executable, "-m", "site_builder", "build", str(site), "--no-cache", "-q"], check=True,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
        print(f"desk of {args.briefings} briefings; a signal once the build writes pages")
        print(f"{'signal':8} {'to exit':>9} {'exit':>5} {'left 2 s later':>15} {'staged left':>12}")
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
            stopped, code, left, files, _ = interrupted_build(site, signum)
            label = "to exit" if signum != signal.SIGKILL else "workers gone"
            print(f"{signal.Signals(signum).name:8} {stopped * 1000:7.0f}ms {code:5d} {left:15d} {files:12d}"
                  f"{'  (' + label + ')' if signum == signal.SIGKILL else ''}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
