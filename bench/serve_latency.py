"""Save-to-served latency of `site-builder serve`: from writing a briefing to its new bytes coming over HTTP.

Runs the real command in a subprocess (watcher, debounce, rebuild, request gate), edits one briefing
about ten times, and after each write polls the briefing's page until the edit shows. Measured on a
copy of the example desk (this repository; its own files are never touched) and on a synthetic desk.

    python -m bench.serve_latency [--edits 10] [--briefings 5000] [--only example|synthetic] [--poll]

With `--open-tabs` it measures instead what an open tab sees on the synthetic desk: a body edit and a
title edit of the newest briefing, a new briefing and its deletion, each save timed until the home
page and the briefing's page serve it (and until the background part of the rebuild is done), first
with no tab open (every page the edit touched is rendered before any is served), then with event
streams open on those two pages, as two browser tabs hold them (they are rendered first).

    python -m bench.serve_latency --open-tabs [--edits 3] [--briefings 2000]
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as `python bench/serve_latency.py`: make `bench` importable
    sys.path.insert(0, str(REPO))

SITE_PARTS = ("config.yaml", "content", "templates", "static")
STARTUP_TIMEOUT = 1800.0  # the first full build of a large desk can take minutes
EDIT_TIMEOUT = 600.0
_URL = re.compile(r"http://\S+/")
_REBUILT = re.compile(r"rebuilt in ([0-9.]+) s")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@dataclass(frozen=True)
class Run:
    """Latencies of one desk, in seconds."""

    name: str
    briefings: int
    latencies: list[float]
    builds: list[float]


def copy_example_desk(dest: Path) -> Path:
    """The repository's own desk, copied so edits never touch the real content."""
    dest.mkdir(parents=True)
    for part in SITE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        elif source.is_file():
            shutil.copy2(source, dest / part)
    return dest


def synthetic_desk(dest: Path, briefings: int) -> Path:
    """bench/corpus.py's seeded desk, or a plain one of the same size when that module is absent."""
    try:
        from bench.corpus import generate_corpus
    except ImportError:
        return _plain_desk(dest, briefings)
    generate_corpus(dest, briefings=briefings, actors=500, seed=1)
    return dest


def _plain_desk(dest: Path, briefings: int) -> Path:
    """A fallback desk: a few actors and topics, briefings of about 800 words that mention them."""
    (dest / "content/actors").mkdir(parents=True)
    (dest / "content/briefings").mkdir(parents=True)
    (dest / "config.yaml").write_text("title: Latency Desk\nbase_url: https://bench.example.org/desk/\n")
    names = [f"Actor Number{i}" for i in range(50)]
    for i, name in enumerate(names):
        (dest / f"content/actors/actor-{i}.yaml").write_text(f"name: {name}\ntype: person\n")
    words = ("the talks resumed after a pause while officials weighed the offer and the reply " * 4).split()
    for i in range(briefings):
        cast = [names[(i * 7 + k) % len(names)] for k in range(3)]
        paragraphs = [" ".join(words) + f" {cast[p % 3]} said." for p in range(12)]
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        text = (f"---\ntitle: Briefing {i}\ndate: {day}\ntopics: [topic-{i % 20}]\n---\n\n"
                + "\n\n".join(paragraphs) + "\n")
        (dest / f"content/briefings/{day}-briefing-{i}.md").write_text(text)
    return dest


def pick_briefing(root: Path) -> tuple[Path, str]:
    """A published briefing in the middle of the desk and its page path ("briefings/<slug>/")."""
    candidates = sorted((root / "content/briefings").rglob("*.md"))
    for path in candidates[len(candidates) // 2:] + candidates[: len(candidates) // 2]:
        front = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        if re.search(r"^draft:\s*true", front, re.MULTILINE):
            continue
        explicit = re.search(r"^slug:\s*['\"]?([\w-]+)", front, re.MULTILINE)
        slug = explicit.group(1) if explicit else _DATE_PREFIX.sub("", path.stem)
        return path, f"briefings/{slug}/"
    raise SystemExit(f"no published briefing under {root}")


def fetch(url: str, timeout: float = EDIT_TIMEOUT) -> tuple[int, bytes]:
    """One GET over a fresh connection, as a browser reload would."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start_server(root: Path, log: Path, *, poll: bool = False, cwd: Path = REPO) -> tuple[subprocess.Popen[str], str]:
    """`site-builder serve` on a free port, its stderr going to `log`: the process and the site URL it printed.

    The URL comes before the first build ends; a request to it waits for that build.
    """
    command = [sys.executable, "-m", "site_builder", "serve", str(root), "--port", "0", *(["--poll"] if poll else [])]
    with log.open("w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=cwd,
                                   env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout is not None
    line = process.stdout.readline()
    match = _URL.search(line)
    if not match:
        process.kill()
        process.wait()
        raise SystemExit(f"serve did not print its URL: {line!r}; see {log}")
    return process, match.group(0)


@contextmanager
def dev_server(root: Path, poll: bool, log: Path) -> Iterator[str]:
    """`site-builder serve` on a free port; yields the site URL and stops the server at the end."""
    process, url = start_server(root, log, poll=poll)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(name: str, root: Path, edits: int, poll: bool) -> Run:
    """Edit one briefing `edits` times; each time, poll its page until the new text is served."""
    path, page = pick_briefing(root)
    original = path.read_text(encoding="utf-8")
    log = root.parent / f"{root.name}-serve.log"
    latencies: list[float] = []
    with dev_server(root, poll, log) as url:
        status, _ = fetch(url + page, STARTUP_TIMEOUT)  # requests wait for the first build
        if status != 200:
            raise SystemExit(f"{url + page} answered {status}; see {log}")
        for i in range(edits):
            token = f"latency-probe-{i}-{secrets.token_hex(4)}"
            text = original.rstrip("\n") + f"\n\nEdited for the latency probe {token}.\n"
            started = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while token.encode() not in fetch(url + page)[1]:
                if time.perf_counter() - started > EDIT_TIMEOUT:
                    raise SystemExit(f"edit {i} never showed up; see {log}")
                time.sleep(0.002)
            latencies.append(time.perf_counter() - started)
            time.sleep(0.3)  # let the debounce window close before the next edit
    builds = [float(m.group(1)) for m in _REBUILT.finditer(log.read_text())]
    count = len(list((root / "content/briefings").rglob("*.md")))
    return Run(name, count, latencies, builds)


EVENTS = "/__site-builder/events"
EDIT_KINDS = ("body edit", "title edit", "new briefing", "deleted briefing")


class Tab:
    """An open browser tab, as the server sees it: an event stream naming the page it shows, read and dropped."""

    def __init__(self, url: str, page: str) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=EDIT_TIMEOUT)
        self.connection.request("GET", f"{EVENTS}?page={page}")
        self.response = self.connection.getresponse()
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        try:
            while self.response.readline():
                pass
        except (OSError, ValueError):  # closed by close()
            return

    def close(self) -> None:
        self.connection.close()


@dataclass
class Timings:
    """Save-to-served seconds of one kind of edit, per page, and save to the end of the background work."""

    served: dict[str, list[float]] = field(default_factory=dict)
    done: list[float] = field(default_factory=list)


def newest_briefing(root: Path) -> tuple[Path, str, date]:
    """The newest briefing that is published now, its slug and its date (files are named by date)."""
    for path in sorted((root / "content/briefings").rglob("*.md"), key=lambda p: p.name, reverse=True):
        front = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        if re.search(r"^(draft:\s*true|publish_at:)", front, re.MULTILINE) or not _DATE_PREFIX.match(path.name):
            continue
        explicit = re.search(r"^slug:\s*['\"]?([\w-]+)", front, re.MULTILINE)
        return path, explicit.group(1) if explicit else _DATE_PREFIX.sub("", path.stem), date.fromisoformat(
            path.name[:10])
    raise SystemExit(f"no published briefing under {root}")


def rebuilds(log: Path) -> int:
    """How many rebuilds the server's log reports as done, the background part included."""
    return len(_REBUILT.findall(log.read_text()))


def timed_edit(url: str, log: Path, change: Callable[[], None],
               shows: dict[str, Callable[[bytes], bool]]) -> tuple[dict[str, float], float]:
    """Make one change; the seconds until each page serves what `shows` looks for, and until the rebuild ended."""
    count = rebuilds(log)
    started = time.perf_counter()
    change()
    served: dict[str, float] = {}
    for page, shown in shows.items():
        while not shown(fetch(url + page)[1]):
            if time.perf_counter() - started > EDIT_TIMEOUT:
                raise SystemExit(f"{page} never showed the edit; see {log}")
            time.sleep(0.002)
        served[page] = time.perf_counter() - started
    while rebuilds(log) == count:
        if time.perf_counter() - started > EDIT_TIMEOUT:
            raise SystemExit(f"the rebuild never ended; see {log}")
        time.sleep(0.002)
    done = time.perf_counter() - started
    time.sleep(0.3)  # let the debounce window close before the next edit
    return served, done


Step = tuple[str, Callable[[], None], dict[str, Callable[[bytes], bool]]]  # kind, change, page → shows it


def edit_steps(path: Path, slug: str, original: str, newest: date, token: str) -> list[Step]:
    """One round of edits, each named after its kind, with what the home page ("") and the briefing's page
    serve once it shows; rounds of the original text in between are untimed (kind "")."""
    page = f"briefings/{slug}/"
    has, added = token.encode(), f"Added {token}".encode()
    body = original.rstrip("\n") + f"\n\nEdited for the latency probe {token}.\n"
    titled = re.sub(r"^title:.*$", f"title: Retitled {token}", original, count=1, flags=re.MULTILINE)
    later = newest + timedelta(days=1)
    new = path.with_name(f"{later}-latency-{token}.md")
    text = re.sub(r"^date:.*$", f"date: {later}",
                  re.sub(r"^title:.*$", f"title: Added {token}", original, count=1, flags=re.MULTILINE),
                  count=1, flags=re.MULTILINE)

    def write(target: Path, content: str) -> Callable[[], None]:
        return lambda: target.write_text(content, encoding="utf-8")

    return [
        ("body edit", write(path, body), {page: lambda b: has in b}),
        ("title edit", write(path, titled), {"": lambda b: has in b, page: lambda b: has in b}),
        ("", write(path, original), {page: lambda b: has not in b}),
        ("new briefing", write(new, text),
         {"": lambda b: added in b, f"briefings/latency-{token}/": lambda b: added in b}),
        ("deleted briefing", new.unlink, {"": lambda b: added not in b}),
    ]


def measure_tabs(root: Path, edits: int, poll: bool) -> dict[str, dict[str, Timings]]:
    """Per mode (no tab, tabs open) and kind of edit: save-to-served of the home page and the edited briefing."""
    path, slug, newest = newest_briefing(root)
    original = path.read_text(encoding="utf-8")
    page = f"briefings/{slug}/"
    log = root.parent / f"{root.name}-tabs-serve.log"
    results: dict[str, dict[str, Timings]] = {}
    with dev_server(root, poll, log) as url:
        if fetch(url, STARTUP_TIMEOUT)[0] != 200:
            raise SystemExit(f"{url} did not answer; see {log}")
        for mode in ("no tab open", "tabs open"):
            tabs = [Tab(url, "index.html"), Tab(url, page + "index.html")] if mode == "tabs open" else []
            timings = results[mode] = {kind: Timings() for kind in EDIT_KINDS}
            try:
                for i in range(edits):
                    token = f"probe{i}{secrets.token_hex(4)}"
                    for kind, change, shows in edit_steps(path, slug, original, newest, token):
                        served, done = timed_edit(url, log, change, shows)
                        if not kind:
                            continue
                        for shown_page, seconds in served.items():
                            timings[kind].served.setdefault("briefing" if shown_page else "home", []).append(seconds)
                        timings[kind].done.append(done)
            finally:
                for tab in tabs:
                    tab.close()
    return results


def report_tabs(briefings: int, results: dict[str, dict[str, Timings]]) -> str:
    """One line per mode and kind of edit: median save-to-served per page, and to the end of the rebuild."""
    lines = [f"save→served at {briefings} briefings (median ms over the edits; 'done' is the end of the "
             "background work)"]
    for mode, kinds in results.items():
        for kind, timings in kinds.items():
            pages = "  ".join(f"{name}: {statistics.median(v) * 1000:5.0f}"
                              for name, v in sorted(timings.served.items()))
            lines.append(f"  {mode:<12} {kind:<17} {pages}  done: {statistics.median(timings.done) * 1000:5.0f}")
    return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: with ten samples p95 is the slowest, never an interpolated guess."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def report(run: Run) -> str:
    ms = [v * 1000 for v in run.latencies]
    line = (f"{run.name:<16} {run.briefings:>6} briefings  save→served over {len(ms)} edits: "
            f"median {statistics.median(ms):7.0f} ms  p95 {percentile(ms, 95):7.0f} ms  "
            f"(min {min(ms):.0f}, max {max(ms):.0f})")
    if run.builds:
        line += f"  rebuild median {statistics.median(run.builds) * 1000:.0f} ms"
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_latency", description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10, help="edits per desk (default: 10)")
    parser.add_argument("--briefings", type=int, default=5000, help="size of the synthetic desk (default: 5000)")
    parser.add_argument("--only", choices=("example", "synthetic"), help="measure one desk")
    parser.add_argument("--poll", action="store_true", help="serve with --poll (polling observer)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary desks and server logs")
    parser.add_argument("--open-tabs", action="store_true",
                        help="time what open tabs of the home page and the newest briefing see, per kind of edit")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="serve-latency-"))
    try:
        if args.open_tabs:
            root = synthetic_desk(work / "synthetic", args.briefings)
            results = measure_tabs(root, args.edits, args.poll)
            print(report_tabs(len(list((root / "content/briefings").rglob("*.md"))), results), flush=True)
            return 0
        runs = []
        if args.only in (None, "example"):
            runs.append(measure("example desk", copy_example_desk(work / "example"), args.edits, args.poll))
            print(report(runs[-1]), flush=True)
        if args.only in (None, "synthetic"):
            started = time.perf_counter()
            root = synthetic_desk(work / "synthetic", args.briefings)
            print(f"(generated the synthetic desk in {time.perf_counter() - started:.1f} s)", flush=True)
            runs.append(measure("synthetic desk", root, args.edits, args.poll))
            print(report(runs[-1]), flush=True)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
