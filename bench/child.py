"""The measured side of the benchmark: runs builds or the matcher in a fresh process, prints JSON.

The runner starts this module as a subprocess so each measurement gets its own interpreter (cold
imports, a clean heap) and its own peak-RSS figure from `wait4`. It touches site_builder only through
its public API (`Builder(root, BuildOptions(out_dir=...)).build()`, `Matcher(...).find(text)` with a `Resolver`),
because the package is being changed while the benchmark exists.

    python -m bench.child build SITE OUT --steps warm,noop,edit --edit content/briefings/x.md
    python -m bench.child matcher SITE --aliases 10000 --seed 1
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):  # run as `python bench/child.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EDIT_NOTE = "\n\nEditor's note: this briefing was revised after publication to correct a date.\n"
EDIT_STEPS = ("edit", "title", "topics")  # a paragraph appended, the title changed, a topic added
FILE_STEPS = ("new", "delete")  # a briefing added beside the edited one, as the desk's newest; deleted again
NEW_FILE = "bench-new-briefing.md"


def edited_text(step: str, original: str, site: Path) -> str:
    """The briefing as an edit step writes it, made from the original each time.

    `title` changes only the card's text; `topics` adds a topic of the desk the briefing lacks, which
    moves it into that topic's lists and changes the related briefings and actor tallies it is part of.
    """
    if step == "edit":
        return original + EDIT_NOTE
    _, head, body = original.split("---\n", 2)
    data = yaml.safe_load(head) or {}
    lines = head.splitlines()
    if step == "title":
        at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
        lines[at] = "title: " + json.dumps(f"{data['title']} (revised)")  # JSON strings are YAML
    else:
        have = [str(t) for t in data.get("topics") or []]
        known = sorted(p.stem for p in (site / "content" / "topics").glob("*.yaml"))
        extra = next((t for t in known if t not in have), "bench-edit")
        at = next((i for i, line in enumerate(lines) if line.startswith("topics:")), len(lines))
        end = at + 1
        while end < len(lines) and lines[end].lstrip().startswith("- "):
            end += 1
        lines[at:end] = ["topics: " + json.dumps([*have, extra])]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def new_briefing(original: str, newest: str) -> str:
    """The `new` step's briefing: the edited one's text under another title, dated like the desk's newest
    briefing (as a desk adds today's), without a slug of its own, so the file name gives it one."""
    _, head, body = original.split("---\n", 2)
    lines = [line for line in head.splitlines() if not line.startswith("slug:")]
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            lines[i] = "title: A briefing added while the server runs"
        elif line.startswith("date:"):
            lines[i] = "date: " + newest
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def newest_date(folder: Path) -> str:
    """The latest `date:` value among the briefings of a folder, as written (dates sort as ISO strings)."""
    dates = []
    for path in folder.rglob("*.md"):
        with path.open(encoding="utf-8") as handle:
            dates += [line[5:].strip() for line in handle if line.startswith("date:")][:1]
    return max(dates, key=lambda d: d.strip("'\""))


def summarise(value: Any) -> Any:
    """A JSON-able digest of a BuildResult: numbers kept, sequences counted, dataclasses recursed.

    Generic on purpose, so fields the builder grows later (cache hits, say) show up without a change here.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: summarise(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple | set | frozenset | dict):
        return len(value)
    return str(value)


def run_builds(site: Path, out: Path, steps: list[str], edit: Path | None) -> dict[str, Any]:
    """Run `steps` with one Builder. `cold` and `warm` are full builds (`Builder.build()`), `fresh` is
    one into an emptied output folder with the cache kept; `noop` and the edit steps are what the dev
    server does after a save: `Builder.rebuild(changed paths)` with nothing changed, after one
    briefing was edited (see `edited_text`), or after a briefing was added beside it (`new`, see
    `new_briefing`) or that one deleted (`delete`). A builder without `rebuild` gets `build()` for those
    too; the report names the call used. The edited file is restored and the added one removed before
    returning, even when the build fails."""
    started = time.perf_counter()
    from site_builder.build.builder import Builder
    from site_builder.build.options import BuildOptions, BuildPolicy

    imported = time.perf_counter() - started
    # A process that only builds once runs as `site-builder build` does: it will not be asked to rebuild.
    one_shot = all(step == "cold" for step in steps)
    builder = Builder(site, BuildOptions(out_dir=out), policy=BuildPolicy(rebuilds=not one_shot))
    rebuild = getattr(builder, "rebuild", None)
    original = edit.read_bytes() if edit else None
    added = edit.with_name(NEW_FILE) if edit else None
    newest = newest_date(edit.parent) if edit and any(s in FILE_STEPS for s in steps) else ""
    results = []
    try:
        for step in steps:
            changed: list[str] = []
            if step in EDIT_STEPS or step in FILE_STEPS:
                if edit is None or original is None or added is None:
                    raise SystemExit(f"--edit FILE is needed for the {step} step")
                touched = edit if step in EDIT_STEPS else added
                if step in EDIT_STEPS:
                    edit.write_text(edited_text(step, original.decode("utf-8"), site), encoding="utf-8")
                elif step == "new":
                    added.write_text(new_briefing(original.decode("utf-8"), newest), encoding="utf-8")
                else:
                    added.unlink(missing_ok=True)
                changed = [touched.resolve().relative_to(site.resolve()).as_posix()]
            if step == "fresh":  # the cache is kept, the output folder is not (a CI job restoring .cache/)
                shutil.rmtree(out, ignore_errors=True)
                builder = Builder(site, BuildOptions(out_dir=out))
                rebuild = getattr(builder, "rebuild", None)
            incremental = (step == "noop" or step in EDIT_STEPS or step in FILE_STEPS) and rebuild is not None
            began = time.perf_counter()
            result = rebuild(changed) if incremental and rebuild is not None else builder.build()
            seconds = time.perf_counter() - began
            results.append({"step": step, "seconds": seconds, "call": "rebuild" if incremental else "build",
                            "result": summarise(result)})
    finally:
        if edit is not None and original is not None:
            edit.write_bytes(original)
        if added is not None:
            added.unlink(missing_ok=True)
    return {"import_seconds": imported, "steps": results}


def run_matcher(site: Path, aliases: int, seed: str, limit: int | None) -> dict[str, Any]:
    """Time `Matcher.find` per article with `aliases` names: the corpus's actors plus invented ones.

    The real actors' names are included so the matcher finds real mentions, as in a build; the rest
    are invented names of the same shapes. Each article is the whole markdown body, a little more text
    than the matcher sees in a build (where it runs on text runs only), so the figure errs on the slow side.
    """
    from bench.adapters.source import load_corpus, read_bodies
    from bench.corpus import alias_key, generate_names

    corpus = load_corpus(site)
    owners: dict[str, str | None] = {}
    for actor in corpus.actors:
        for name in (actor.name, *actor.aliases):
            owners.setdefault(alias_key(name), actor.id)
    for index, name in enumerate(generate_names(aliases * 2, seed)):
        if len(owners) >= aliases:
            break
        owners.setdefault(name, f"invented-{index}")
    # Resolution in context: people who share a surname make it ambiguous, states get context aliases.
    surnames: dict[str, list[str]] = {}
    for actor in corpus.actors:
        if actor.type == "person" and " " in actor.name:
            surnames.setdefault(alias_key(actor.name.rsplit(" ", 1)[1]), []).append(actor.id)
    claimants = {key: tuple(ids) for key, ids in surnames.items() if len(ids) > 1 and key not in owners}
    owners.update(dict.fromkeys(claimants))
    states = tuple(a.id for a in corpus.actors if a.type == "state")
    context = {"the country": states, "the regime": states[:1]} if states else {}
    names = {a.id: a.name for a in corpus.actors}
    bodies = read_bodies(site)[:limit] if limit else read_bodies(site)
    from site_builder.actors.matcher import Matcher
    from site_builder.actors.resolution import Resolver

    began = time.perf_counter()
    matcher = Matcher(dict(sorted(owners.items())), claimants, context, names)
    compile_seconds = time.perf_counter() - began

    def resolved(body: str) -> list[str | None]:
        resolver = Resolver(names)
        return [resolver.resolve(m, "paragraph 1").actor_id for m in matcher.find(body)]

    for body in bodies[:20]:  # warm up caches, so the first articles do not carry one-off costs
        resolved(body)
    times = []
    mentions = 0
    for body in bodies:
        began = time.perf_counter()
        found = [actor for actor in resolved(body) if actor is not None]
        times.append((time.perf_counter() - began) * 1000)
        mentions += len(found)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0.0
    return {"aliases": len(owners) + len(context), "shared": len(claimants), "articles": len(bodies),
            "compile_seconds": compile_seconds,
            "mean_ms": statistics.fmean(times) if times else 0.0, "p95_ms": p95, "max_ms": times[-1] if times else 0,
            "mentions_per_article": mentions / max(1, len(bodies)),
            "chars_per_article": sum(map(len, bodies)) / max(1, len(bodies))}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run, print one JSON object on stdout (errors go to stderr with exit 1)."""
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build")
    build.add_argument("site", type=Path)
    build.add_argument("out", type=Path)
    build.add_argument("--steps", default="cold", help="comma-separated step names; 'edit' edits first")
    build.add_argument("--edit", type=Path, help="briefing file to edit in an 'edit' step")
    matcher = sub.add_parser("matcher")
    matcher.add_argument("site", type=Path)
    matcher.add_argument("--aliases", type=int, default=10_000)
    matcher.add_argument("--seed", default="1")
    matcher.add_argument("--articles", type=int, default=0, help="at most this many articles (0: all)")
    args = parser.parse_args(argv)
    if args.command == "build":
        report = run_builds(args.site, args.out, args.steps.split(","), args.edit)
    else:
        report = run_matcher(args.site, args.aliases, args.seed, args.articles or None)
    json.dump(report, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
