"""How a run stops: SIGTERM or SIGINT in the middle of writing pages, on a synthetic desk.

    python -m bench.stop_latency --briefings 1000 [--only build|serve]

For `build`, prints for each signal: the time from the signal to the exit, the exit code, the
processes of the build left two seconds later, and the staged files left in the output. Then the
same after SIGKILL: how long its workers take to notice.

For `serve`, the same figures for a signal in the middle of a full rebuild (config.yaml changed, so
every page is rendered and staged again) and for a signal to an idle server, and whether the output
folder held the last complete build afterwards. Nothing is asserted; tests/integration/
test_interruptions.py checks the behaviour.
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
from bench.serve_latency import fetch, start_server
from site_builder.core.output_lock import LOCK_NAME
from site_builder.core.output_writer import STAGED_PREFIX

REPO = Path(__file__).resolve().parent.parent


def site_processes(site: Path) -> list[int]:
    """Live, non-zombie processes whose command line names the site or that run in a folder inside it.

    That is a build and its forked workers, and for a run started in the site folder also the workers
    it spawns (their command line is Python's own) and the search indexer (it runs in the output folder).
    """
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
                zombie = "Z (zombie)" in (entry / "status").read_text()
                cwd = Path(os.readlink(entry / "cwd"))
            except OSError:
                continue
            if (str(site) in cmdline or cwd.is_relative_to(site)) and not zombie:
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
        while site_processes(site) and time.monotonic() < deadline:
            time.sleep(0.005)
        stopped = time.monotonic() - sent
    time.sleep(2)
    return stopped, build.returncode, len(site_processes(site)), staged(site / "public"), writing


def output_files(out: Path) -> dict[str, bytes]:
    """The output folder's files (path → bytes), without the lock file a live run holds there."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


def interrupted_serve(site: Path, signum: int, rebuilding: bool) -> tuple[float, int, int, int, bool, str]:
    """(seconds from signal to exit, exit code, processes left after 2 s, staged files left, whether the
    output held the last complete build, the last line on stderr) for a signal to `serve` in the site folder.

    With `rebuilding`, the signal comes once a full rebuild (config.yaml changed) has staged pages;
    otherwise once the first build is served.
    """
    out = site / "public"
    log = site.parent / "serve.log"
    server, url = start_server(site, log, cwd=site)
    try:
        fetch(url, 600.0)  # waits for the first build
        before = output_files(out)
        if rebuilding:
            config = site / "config.yaml"
            text = config.read_text(encoding="utf-8")
            config.write_text(text.replace("title: ", "title: Revised ", 1) if "title: Revised " not in text
                              else text.replace("title: Revised ", "title: ", 1), encoding="utf-8")
            while not staged(out) and server.poll() is None:
                time.sleep(0.005)
        sent = time.monotonic()
        server.send_signal(signum)
        server.wait()
        stopped = time.monotonic() - sent
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    lines = log.read_text(encoding="utf-8").strip().splitlines()
    time.sleep(2)
    return (stopped, server.returncode, len(site_processes(site)), staged(out), output_files(out) == before,
            lines[-1] if lines else "")


def main(argv: list[str] | None = None) -> int:
    """Build the desk once, then interrupt a build, and a serve rebuild, with each signal and print what was left."""
    parser = argparse.ArgumentParser(prog="python -m bench.stop_latency")
    parser.add_argument("--briefings", type=int, default=1000)
    parser.add_argument("--only", choices=("build", "serve"), help="measure one command")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="site-builder-stop-"))
    try:
        site = work / "desk"
        generate_corpus(site, briefings=args.briefings, actors=max(20, args.briefings // 10), seed=5)
        subprocess.run([sys.executable, "-m", "site_builder", "build", str(site), "-q"], check=True,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
        if args.only in (None, "build"):
            print(f"build: desk of {args.briefings} briefings; a signal once the build writes pages")
            print(f"{'signal':8} {'to exit':>9} {'exit':>5} {'left 2 s later':>15} {'staged left':>12}")
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
                stopped, code, left, files, _ = interrupted_build(site, signum)
                label = "to exit" if signum != signal.SIGKILL else "workers gone"
                print(f"{signal.Signals(signum).name:8} {stopped * 1000:7.0f}ms {code:5d} {left:15d} {files:12d}"
                      f"{'  (' + label + ')' if signum == signal.SIGKILL else ''}", flush=True)
        if args.only in (None, "serve"):
            print(f"serve: desk of {args.briefings} briefings; a signal once a full rebuild stages pages, "
                  "or to an idle server")
            print(f"{'signal':8} {'when':11} {'to exit':>9} {'exit':>5} {'left 2 s later':>15} {'staged left':>12} "
                  f"{'last build kept':>16}  last line")
            for rebuilding in (True, False):
                for signum in (signal.SIGTERM, signal.SIGINT):
                    stopped, code, left, files, kept, line = interrupted_serve(site, signum, rebuilding)
                    print(f"{signal.Signals(signum).name:8} {'rebuilding' if rebuilding else 'idle':11} "
                          f"{stopped * 1000:7.0f}ms {code:5d} {left:15d} {files:12d} {'yes' if kept else 'NO':>16}"
                          f"  {line}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
