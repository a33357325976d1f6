"""Stopping a build: SIGINT and SIGTERM end it in moments with one line, leaving the last output as it was,
no staged file and no worker; SIGKILL leaves workers that end by themselves; one writer per output folder.
The same signals stop `serve` in the middle of a rebuild, with the same line and exit codes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import read_tree

from bench.corpus import generate_corpus
from bench.serve_latency import fetch, start_server
from bench.stop_latency import output_files, staged
from bench.stop_latency import site_processes as processes_of
from site_builder.cli.main import main
from site_builder.core.output_lock import LOCK_NAME, OutputLock

REPO = Path(__file__).resolve().parents[2]
BRIEFINGS = 600  # enough that pages are still being written when the signal comes


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("interrupt") / "desk"
    generate_corpus(site, briefings=BRIEFINGS, actors=60, seed=3)
    return site


def wait_until(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def start_build(site: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "site_builder", "build", str(site), "--no-cache"], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture
def desk(corpus: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the corpus with a finished build in public/, then an edit that the next build must write."""
    site = tmp_path / "desk"
    subprocess.run(["cp", "-a", str(corpus), str(site)], check=True)
    assert main(["build", str(site), "--no-cache", "-q"]) == 0
    for path in sorted((site / "content/briefings").rglob("*.md"))[:50]:  # many pages change: a long write
        path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    yield site
    for pid in processes_of(site):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_build_and_leaves_the_last_output(desk: Path, signum: int, code: int) -> None:
    out = desk / "public"
    before = read_tree(out)
    build = start_build(desk)
    assert wait_until(lambda: staged(out) > 0, 120), "the build never started writing"
    build.send_signal(signum)
    _, stderr = build.communicate(timeout=30)  # a hang, not a time: bench/stop_latency.py measures that
    assert build.returncode == code
    assert stderr.strip().splitlines()[-1] == "interrupted; public/ is as the last build left it"
    assert "Traceback" not in stderr
    assert staged(out) == 0
    assert read_tree(out) == before
    assert wait_until(lambda: processes_of(desk) == [], 10), "a worker outlived the build"


def test_workers_end_when_the_build_is_killed_and_the_next_build_sweeps_up(desk: Path) -> None:
    out = desk / "public"
    build = start_build(desk)
    assert wait_until(lambda: staged(out) > 0 and len(processes_of(desk)) > 1, 120), "no worker was started"
    build.kill()
    build.wait(timeout=10)
    assert wait_until(lambda: processes_of(desk) == [], 10), "workers outlived a killed build"
    assert main(["build", str(desk), "--no-cache", "-q"]) == 0
    assert staged(out) == 0 and not (out / LOCK_NAME).exists()
    clean = desk.parent / "clean"
    assert main(["build", str(desk), "--no-cache", "-q", "-o", str(clean)]) == 0
    assert read_tree(out) == read_tree(clean)


def test_a_second_writer_is_refused_with_the_pid_of_the_first(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = desk / "public"
    before = read_tree(out)
    with OutputLock(out):
        assert main(["build", str(desk), "--no-cache"]) == 2
        assert read_tree(out) == {**before, LOCK_NAME: f"{os.getpid()}\n".encode()}
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"site-builder: error: another site-builder run (pid {os.getpid()}) is writing to {out}/; "
        "wait for it to finish, or stop it")
    (out / LOCK_NAME).write_text("999999\n")  # left by a run that was killed: nobody holds it
    assert main(["build", str(desk), "--no-cache", "-q"]) == 0
    assert not (out / LOCK_NAME).exists()


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_serve_rebuild_and_leaves_the_last_build(desk: Path, signum: int, code: int) -> None:
    out, log = desk / "public", desk.parent / "serve.log"
    server, url = start_server(desk, log, cwd=desk)
    try:
        fetch(url, 120)  # answered once the first build is done
        before = output_files(out)
        config = desk / "config.yaml"
        config.write_text(config.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
        assert wait_until(lambda: staged(out) > 0, 120), "the rebuild never started writing"  # every page changes
        server.send_signal(signum)
        server.wait(timeout=30)  # a hang guard, not a time: bench/stop_latency.py measures that
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    stderr = log.read_text(encoding="utf-8")
    assert server.returncode == code, stderr
    assert stderr.strip().splitlines()[-1] == "interrupted; public/ is as the last build left it"
    assert stderr.count("interrupted") == 1 and "Traceback" not in stderr and "rebuilt" not in stderr
    assert staged(out) == 0 and not (out / LOCK_NAME).exists()
    assert output_files(out) == before
    assert wait_until(lambda: processes_of(desk) == [], 10), "a worker outlived the server"
