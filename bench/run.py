"""Benchmark runner: cold, warm, no-op and one-edit builds, peak memory, the matcher, other generators.

    python -m bench.run                                  # 5,000 briefings, 500 actors, seed 1
    python -m bench.run --briefings 50 --actors 20       # a smoke run in seconds
    python -m bench.run --compare --runs 3               # also Hugo, Pelican, MkDocs, alternating

Every build runs in a fresh child process (bench/child.py) so imports are cold, heaps are separate and
peak RSS is per build. Nothing here asserts a time: the figures are printed, with the performance targets
beside them, for a person to read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    from bench.adapters import ADAPTERS
    from bench.adapters.source import load_corpus
    from bench.corpus import generate_corpus
    from bench.measure import Measured, measure
except ModuleNotFoundError:  # run as `python bench/run.py`: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.adapters import ADAPTERS
    from bench.adapters.source import load_corpus
    from bench.corpus import generate_corpus
    from bench.measure import Measured, measure

REPO = Path(__file__).resolve().parent.parent
CACHE_DIRS = (".cache",)  # our persistent cache, relative to the site; removed before every cold build
OURS_TIMEOUT = 3600.0  # our builds get a generous limit: a hang should end the run, not a slow build
TARGETS = {"cold_vs_hugo": 2.0, "warm_vs_hugo_cold": 1.0, "edit_ms": 160.0, "rss_mib_10k": 512.0, "matcher_ms": 5.0}


@dataclass
class Series:
    """Repeated measurements of one figure, summarised as median, min and max."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        """Record one run."""
        self.values.append(value)

    @property
    def median(self) -> float:
        """The figure we report: robust to one slow run."""
        return statistics.median(self.values) if self.values else float("nan")

    def spread(self, unit: str = "s") -> str:
        """min–max, or empty for a single run."""
        if len(self.values) < 2:
            return ""
        return f"{fmt_time(min(self.values), unit)} – {fmt_time(max(self.values), unit)}"


@dataclass
class ToolRuns:
    """One generator's cold builds across rounds, with the status of the last one."""

    name: str
    version: str = ""
    status: str = "not run"
    reason: str = ""
    wall: Series = field(default_factory=Series)
    cpu: Series = field(default_factory=Series)
    rss_kib: int = 0
    html_pages: int = 0


def fmt_time(seconds: float, unit: str = "s") -> str:
    """Seconds as '3.42 s' or '87 ms', whichever reads better."""
    if seconds != seconds:  # NaN
        return "–"
    if unit == "ms" or seconds < 1:
        return f"{seconds * 1000:,.0f} ms" if seconds * 1000 >= 10 else f"{seconds * 1000:.2f} ms"
    return f"{seconds:,.2f} s"


def fmt_mib(kib: int) -> str:
    """KiB as MiB with a thousands separator."""
    return f"{kib / 1024:,.0f} MiB" if kib else "–"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the rest right-aligned, except a last notes column."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, ["-" * w for w in widths], *rows]:
        cells = []
        for i, cell in enumerate(row):
            last = i == len(row) - 1
            cells.append(str(cell).ljust(widths[i]) if i == 0 or last else str(cell).rjust(widths[i]))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def child_env() -> dict[str, str]:
    """The child must import `bench` and the working tree's site_builder."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def parse_child(measured: Measured) -> dict[str, Any] | None:
    """The JSON line the child printed, or None when it failed."""
    if not measured.ok:
        return None
    try:
        parsed: dict[str, Any] = json.loads(measured.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None
    return parsed


def clean(*paths: Path) -> None:
    """Remove output and cache folders so the next build is cold."""
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def machine() -> str:
    """A one-line description of where the figures came from."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"


def revision() -> str:
    """The commit of the working tree and whether site_builder has local changes (read-only git calls)."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "-C", str(REPO), "status", "--porcelain",
                                "site_builder"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown revision"
    return f"{head or 'no commit'}{' + local changes in site_builder/' if dirty else ''}"


class Ours:
    """Our builder's measurements across rounds."""

    def __init__(self) -> None:
        self.cold_wall = Series()
        self.cold_cpu = Series()
        self.cold_build = Series()
        self.warm_wall = Series()
        self.warm_build = Series()
        self.fresh = Series()
        self.noop = Series()
        self.edit = Series()
        self.title = Series()
        self.topics = Series()
        self.new = Series()
        self.delete = Series()
        self.import_seconds = Series()
        # The steps of the second process, in the order it runs them, and where each one's time goes.
        self.later = {"warm": self.warm_build, "fresh": self.fresh, "noop": self.noop, "edit": self.edit,
                      "title": self.title, "topics": self.topics, "new": self.new, "delete": self.delete}
        self.cold_rss = 0
        self.cold_tree = 0
        self.cold_tree_pss = 0
        self.warm_rss = 0
        self.pages = 0
        self.files = 0
        self.cold_status = "not run"
        self.warm_status = "not run"
        self.reason = ""
        self.last: dict[str, Any] = {}

    def round(self, site: Path, out: Path, edit: Path | None, warm: bool) -> None:
        """One cold build in a new process; then, in a second process, warm, no-op and edit builds."""
        clean(out, *(site / d for d in CACHE_DIRS))
        cmd = [sys.executable, "-m", "bench.child", "build", str(site), str(out), "--steps", "cold"]
        measured = measure(cmd, env=child_env(), timeout=OURS_TIMEOUT)
        report = parse_child(measured)
        self.cold_status = measured.status if report or not measured.ok else "bad output"
        if report is None:
            self.reason = measured.reason()
            return
        step = report["steps"][0]
        self.cold_wall.add(measured.wall)
        self.cold_cpu.add(measured.cpu)
        self.cold_build.add(step["seconds"])
        self.import_seconds.add(report["import_seconds"])
        self.cold_rss = max(self.cold_rss, measured.peak_rss_kib)
        self.cold_tree = max(self.cold_tree, measured.tree_rss_kib)
        self.cold_tree_pss = max(self.cold_tree_pss, measured.tree_pss_kib)
        self.pages, self.files = step["result"].get("pages", 0), step["result"].get("files", 0)
        self.last["cold"] = step
        if not warm or edit is None:
            return
        backup = edit.read_bytes()
        try:
            cmd = [sys.executable, "-m", "bench.child", "build", str(site), str(out), "--steps",
                   ",".join(self.later), "--edit", str(edit)]
            measured = measure(cmd, env=child_env(), timeout=OURS_TIMEOUT)
        finally:
            edit.write_bytes(backup)  # the child restores it too; this covers a killed child
        report = parse_child(measured)
        self.warm_status = measured.status if report or not measured.ok else "bad output"
        if report is None:
            self.reason = measured.reason()
            return
        steps = {step["step"]: step for step in report["steps"]}
        # The process also ran the later steps after the warm build; take them off its wall time.
        self.warm_wall.add(measured.wall - sum(step["seconds"] for name, step in steps.items() if name != "warm"))
        for name, series in self.later.items():
            series.add(steps[name]["seconds"])
        self.warm_rss = max(self.warm_rss, measured.peak_rss_kib)
        self.last.update(steps)

    def rows(self) -> list[list[str]]:
        """The table of our figures."""
        def written(step: str) -> str:
            report = self.last.get(step, {}).get("result", {}).get("report", {})
            if not isinstance(report, dict) or "written" not in report:
                return ""
            return f"written {report['written']:,}, unchanged {report.get('unchanged', 0):,}"

        def call(step: str, argument: str) -> str:
            return "rebuild(" + argument + ")" if self.last.get(step, {}).get("call") == "rebuild" else "build()"

        pps = self.pages / self.cold_build.median if self.cold_build.values else float("nan")
        return [
            ["cold build, process wall", fmt_time(self.cold_wall.median), self.cold_wall.spread(),
             f"{self.pages:,} pages, {self.files:,} files; imports {fmt_time(self.import_seconds.median)}"],
            ["cold build, Builder.build()", fmt_time(self.cold_build.median), self.cold_build.spread(),
             "fresh output folder, no .cache/"],
            ["warm build, process wall", fmt_time(self.warm_wall.median), self.warm_wall.spread(),
             "new process (start, imports, build); output and .cache/ from the cold build"],
            ["warm build, Builder.build()", fmt_time(self.warm_build.median), self.warm_build.spread(),
             written("warm")],
            ["warm cache, empty output", fmt_time(self.fresh.median), self.fresh.spread(),
             "Builder.build() into an emptied folder, .cache/ kept; " + written("fresh")],
            ["no-op rebuild", fmt_time(self.noop.median), self.noop.spread(),
             f"same process, {call('noop', '[]')}; " + written("noop")],
            ["one-briefing edit rebuild", fmt_time(self.edit.median), self.edit.spread(),
             f"same process, one body edited, {call('edit', '[path]')}; " + written("edit")],
            ["title edit rebuild", fmt_time(self.title.median), self.title.spread(),
             f"same process, its title changed instead, {call('title', '[path]')}; " + written("title")],
            ["topic edit rebuild", fmt_time(self.topics.median), self.topics.spread(),
             f"same process, a topic added to it instead, {call('topics', '[path]')}; " + written("topics")],
            ["new briefing rebuild", fmt_time(self.new.median), self.new.spread(),
             f"same process, a briefing added as the newest, {call('new', '[path]')}; " + written("new")],
            ["deleted briefing rebuild", fmt_time(self.delete.median), self.delete.spread(),
             f"same process, that briefing deleted, {call('delete', '[path]')}; " + written("delete")],
            ["peak RSS, cold build", fmt_mib(self.cold_rss), "",
             f"process tree (sampled): PSS {fmt_mib(self.cold_tree_pss)}, RSS summed {fmt_mib(self.cold_tree)}"],
            ["peak RSS, warm process", fmt_mib(self.warm_rss), "", "warm + no-op + edits in one process"],
            ["pages per second, cold", f"{pps:,.0f}" if pps == pps else "–", "", "pages / Builder.build() seconds"],
        ]


def run_matcher(site: Path, aliases: int, seed: str, articles: int) -> dict[str, Any] | str:
    """The matcher benchmark in a child process: its report, or why it failed."""
    cmd = [sys.executable, "-m", "bench.child", "matcher", str(site), "--aliases", str(aliases), "--seed", seed,
           "--articles", str(articles)]
    measured = measure(cmd, env=child_env(), timeout=OURS_TIMEOUT)
    return parse_child(measured) or f"{measured.status}: {measured.reason()}"


def count_html(out: Path) -> int:
    """HTML files a generator wrote: the comparable unit across tools."""
    return sum(1 for _ in out.rglob("*.html")) if out.exists() else 0


def prepare_tools(names: list[str], site: Path, work: Path) -> tuple[dict[str, ToolRuns], dict[str, Any]]:
    """Find each tool and write its version of the corpus; a missing tool or a failed adapter is reported."""
    runs = {name: ToolRuns(name) for name in names}
    tools: dict[str, Any] = {}
    began = time.perf_counter()
    try:
        corpus = load_corpus(site)
    except Exception as exc:  # a corpus we cannot read must not crash the run: report it per tool
        for r in runs.values():
            r.status, r.reason = "error", f"cannot read corpus: {exc}"
        return runs, tools
    print(f"converted corpus for other tools: actors of each briefing from {corpus.mentions_from}", flush=True)
    for name in names:
        adapter = ADAPTERS[name]
        tool = adapter.tool()
        runs[name].version = tool.version.split("-")[0]
        if tool.missing:
            runs[name].status, runs[name].reason = "missing", tool.missing
            continue
        dest = work / name
        clean(dest)
        dest.mkdir(parents=True)
        try:
            adapter.write(corpus, dest)
        except Exception as exc:  # one broken adapter must not stop the others
            runs[name].status, runs[name].reason = "adapter error", f"{type(exc).__name__}: {exc}"
            continue
        tools[name] = tool
    print(f"  wrote {', '.join(tools) or 'no'} site folders in {time.perf_counter() - began:.1f} s", flush=True)
    return runs, tools


def run_tool(runs: ToolRuns, tool: Any, site: Path, work: Path, timeout: float) -> None:
    """One cold build of another generator; after a timeout or failure it is not run again."""
    adapter = ADAPTERS[runs.name]
    out, cache = work / f"out-{runs.name}", work / f"cache-{runs.name}"
    clean(out, cache)
    measured = measure(adapter.command(tool, site, out, cache), timeout=timeout, cwd=site)
    runs.status = measured.status
    if not measured.ok:
        runs.reason = f"after {fmt_time(measured.wall)}" if measured.status == "timeout" else measured.reason()
        return
    runs.wall.add(measured.wall)
    runs.cpu.add(measured.cpu)
    runs.rss_kib = max(runs.rss_kib, measured.peak_rss_kib)
    runs.html_pages = count_html(out)


def paired_ratio(ours: list[float], theirs: list[float]) -> float:
    """Median of per-round ratios: alternating rounds cancel slow drifts of the machine."""
    pairs = [a / b for a, b in zip(ours, theirs, strict=False) if b > 0]
    return statistics.median(pairs) if pairs else float("nan")


def main(argv: Sequence[str] | None = None) -> int:
    """Generate (or reuse) a corpus, run every measurement, print the tables; exit 0 unless unusable."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--briefings", type=int, default=5000, help="briefings to generate")
    parser.add_argument("--actors", type=int, default=500, help="actors to generate")
    parser.add_argument("--topics", type=int, default=30, help="topic files to generate")
    parser.add_argument("--seed", default="1", help="corpus seed")
    parser.add_argument("--corpus", type=Path, help="reuse this site folder instead of generating one")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep corpus and outputs")
    parser.add_argument("--runs", type=int, help="rounds of measurements (default: 1, or 3 with --compare)")
    parser.add_argument("--compare", action="store_true", help="also build the corpus with other generators")
    parser.add_argument("--tools", default="hugo,pelican,mkdocs,naive", help="generators for --compare")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before another tool's build is cut")
    parser.add_argument("--no-warm", action="store_true", help="cold builds only (no warm, no-op, edit)")
    parser.add_argument("--aliases", type=int, default=10_000, help="aliases in the matcher benchmark")
    parser.add_argument("--matcher-articles", type=int, default=0, help="articles to time the matcher on (0: all)")
    parser.add_argument("--no-matcher", action="store_true", help="skip the matcher benchmark")
    parser.add_argument("--search", action="store_true",
                        help="build the Pagefind index too (off by default: the other generators build none)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.compare else 1)
    names = [n.strip() for n in args.tools.split(",") if n.strip()] if args.compare else []
    unknown = [n for n in names if n not in ADAPTERS]
    if unknown:
        parser.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(ADAPTERS)}")

    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="site-builder-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(args, runs, names, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, runs: int, names: list[str], work: Path) -> int:
    if args.corpus:
        site = args.corpus.resolve()
        described = f"corpus {site}"
    else:
        site = work / "site"
        try:
            stats = generate_corpus(site, args.briefings, args.actors, args.seed, args.topics, args.search)
        except ValueError as exc:
            print(f"bench.run: error: {exc}", file=sys.stderr)
            return 2
        described = (f"{stats.briefings:,} briefings ({stats.words / max(1, stats.briefings):,.0f} words on "
                     f"average), {stats.actors:,} actors, {stats.topics} topic files, seed {args.seed}")
        print(f"generated {described} in {stats.seconds:.1f} s into {site}", flush=True)
    briefing_files = sorted((site / "content" / "briefings").rglob("*.md"))
    edit = briefing_files[len(briefing_files) // 2] if briefing_files else None

    tool_runs, tools = prepare_tools(names, site, work) if names else ({}, {})
    ours = Ours()
    out = work / "out-ours"
    for round_number in range(1, runs + 1):
        print(f"round {round_number}/{runs}: site_builder", end="", flush=True)
        ours.round(site, out, edit, warm=not args.no_warm)
        for name, tool in tools.items():
            if tool_runs[name].status in ("timeout", "failed", "error"):
                continue
            print(f", {name}", end="", flush=True)
            run_tool(tool_runs[name], tool, work / name, work, args.timeout)
        print(flush=True)

    matcher: dict[str, Any] | str = "skipped"
    if not args.no_matcher:
        print("matcher benchmark", flush=True)
        matcher = run_matcher(site, args.aliases, args.seed, args.matcher_articles)

    print()
    print(f"site_builder at {revision()} on {described}")
    print(f"{machine()}; {runs} round(s); {time.strftime('%Y-%m-%d')}")
    print()
    if ours.cold_status != "ok" or (not args.no_warm and ours.warm_status not in ("ok", "not run")):
        print(f"our build: cold {ours.cold_status}, warm {ours.warm_status}: {ours.reason}")
    print(table(["our builder", "median", "min – max", "notes"], ours.rows()))
    print()
    print(matcher_section(matcher))
    if names:
        print()
        print(compare_section(ours, tool_runs))
    print()
    at_scale = (len(briefing_files) >= 10_000
                and sum(1 for _ in (site / "content" / "actors").glob("*.yaml")) >= 1_000)
    print(targets_section(ours, tool_runs, matcher, at_scale))
    if args.json:
        args.json.write_text(json.dumps(as_json(ours, tool_runs, matcher, described), indent=2), encoding="utf-8")
    return 0


def matcher_section(matcher: dict[str, Any] | str) -> str:
    """The matcher's per-article figures."""
    if isinstance(matcher, str):
        return f"matcher: {matcher}"
    rows = [
        ["aliases", f"{matcher['aliases']:,}", "the corpus's names and aliases, the rest invented"],
        ["compile (Matcher(...))", fmt_time(matcher["compile_seconds"]), "once per build"],
        ["find + resolve, mean per article", f"{matcher['mean_ms']:.2f} ms",
         f"{matcher['articles']:,} articles of {matcher['chars_per_article']:,.0f} characters"],
        ["find + resolve, p95", f"{matcher['p95_ms']:.2f} ms", f"max {matcher['max_ms']:.2f} ms"],
        ["mentions per article", f"{matcher['mentions_per_article']:.1f}", ""],
    ]
    return table(["matcher", "figure", "notes"], rows)


def compare_section(ours: Ours, tool_runs: dict[str, ToolRuns]) -> str:
    """Cold builds of every tool side by side, with our time and our CPU time as multiples of theirs."""
    rows = [["site_builder", _version(), ours.cold_status, fmt_time(ours.cold_wall.median), ours.cold_wall.spread(),
             fmt_time(ours.cold_cpu.median), fmt_mib(ours.cold_rss), f"{ours.pages:,} pages", "1.00", "1.00"]]
    for r in tool_runs.values():
        ratios = [paired_ratio(a, b) for a, b in ((ours.cold_wall.values, r.wall.values),
                                                 (ours.cold_cpu.values, r.cpu.values))]
        status = r.status if r.status == "ok" else f"{r.status}: {r.reason}"
        rows.append([r.name, r.version, status, fmt_time(r.wall.median), r.wall.spread(), fmt_time(r.cpu.median),
                     fmt_mib(r.rss_kib), f"{r.html_pages:,} html" if r.html_pages else "",
                     *(f"{x:.2f}" if x == x else "–" for x in ratios)])
    note = ("cold builds, process wall time incl. start-up, fresh output folder; CPU: user + system seconds of\n"
            "the process and its workers or threads; 'ours ÷ tool' is the median of per-round ratios")
    return note + "\n" + table(["tool", "version", "status", "cold median", "min – max", "CPU", "peak RSS", "output",
                                "ours ÷ tool", "CPU ÷ tool"], rows)


def _version() -> str:
    try:
        import importlib.metadata

        return importlib.metadata.version("site-builder")
    except Exception:
        return "?"


def targets_section(ours: Ours, tool_runs: dict[str, ToolRuns], matcher: dict[str, Any] | str,
                    at_scale: bool) -> str:
    """The performance targets next to today's figures: printed for a reader, never asserted.

    `at_scale`: the corpus has the 10,000 briefings and 1,000 actors the memory target is set at.
    """
    hugo = tool_runs.get("hugo")
    hugo_cold = hugo.wall.median if hugo and hugo.wall.values else float("nan")
    rows = []

    def verdict(value: float, limit: float) -> str:
        return "–" if value != value else "met" if value <= limit else "not met"

    cold_ratio = paired_ratio(ours.cold_wall.values, hugo.wall.values) if hugo else float("nan")
    rows.append(["cold ≤ 2× Hugo cold", f"{cold_ratio:.2f}× Hugo" if cold_ratio == cold_ratio else "needs --compare",
                 verdict(cold_ratio, TARGETS["cold_vs_hugo"])])
    warm = ours.warm_wall.median / hugo_cold if ours.warm_wall.values and hugo_cold == hugo_cold else float("nan")
    rows.append(["warm ≤ Hugo cold", f"{warm:.2f}× Hugo" if warm == warm else "needs --compare and warm builds",
                 verdict(warm, TARGETS["warm_vs_hugo_cold"])])
    edit_ms = ours.edit.median * 1000 if ours.edit.values else float("nan")
    fresh = ours.fresh.median / hugo_cold if ours.fresh.values and hugo_cold == hugo_cold else float("nan")
    rows.append(["warm cache into an empty folder ≤ Hugo cold",
                 f"{fresh:.2f}× Hugo" if fresh == fresh else "needs --compare and warm builds",
                 verdict(fresh, TARGETS["warm_vs_hugo_cold"])])
    rows.append(["one-briefing edit < 160 ms", fmt_time(ours.edit.median), verdict(edit_ms, TARGETS["edit_ms"])])
    for label, series in (("a title edit", ours.title), ("a topic edit", ours.topics),
                          ("a new briefing", ours.new), ("a deleted briefing", ours.delete)):
        ms = series.median * 1000 if series.values else float("nan")
        rows.append([f"… {label}", fmt_time(series.median), verdict(ms, TARGETS["edit_ms"])])
    # The largest process, or the whole tree by PSS: summed RSS counts what forked workers share with the
    # build process once per process (see TreeSampler).
    rss = max(ours.cold_rss, ours.cold_tree_pss, ours.warm_rss) / 1024
    rows.append(["peak RSS < 512 MiB at 10k/1k", f"{rss:,.0f} MiB" if rss else "–",
                 verdict(rss, TARGETS["rss_mib_10k"]) if at_scale else "run --briefings 10000 --actors 1000"])
    mean = matcher["mean_ms"] if isinstance(matcher, dict) else float("nan")
    rows.append(["matcher ≤ 5 ms per article", f"{mean:.2f} ms" if mean == mean else "–",
                 verdict(mean, TARGETS["matcher_ms"])])
    return table(["target", "today", "verdict"], rows)


def as_json(ours: Ours, tool_runs: dict[str, ToolRuns], matcher: dict[str, Any] | str, described: str
            ) -> dict[str, Any]:
    """Every raw figure, for comparing runs over time."""
    return {
        "corpus": described, "machine": machine(), "revision": revision(), "date": time.strftime("%Y-%m-%d"),
        "ours": {k: (v.values if isinstance(v, Series) else v) for k, v in vars(ours).items()},
        "tools": {n: {"version": r.version, "status": r.status, "reason": r.reason, "wall": r.wall.values,
                      "cpu": r.cpu.values, "peak_rss_kib": r.rss_kib, "html_pages": r.html_pages}
                  for n, r in tool_runs.items()},
        "matcher": matcher,
    }


if __name__ == "__main__":
    sys.exit(main())
