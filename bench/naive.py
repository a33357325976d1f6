"""A naive builder: markdown-it-py and Jinja2 in two processes, no mention linking, no cache.

It builds the page set the Hugo adapter builds (a page per briefing, home, a paginated briefings
list, actor and topic indexes, a page and a feed per actor and topic) and nothing else, the
straightforward way. It is the floor for a Python generator on this machine: whatever site_builder
takes beyond it is the price of finding mentions, excerpts, quotes, related briefings and richer pages.

Run as a script (`python bench/naive.py SITE OUT`) on a folder the `naive` adapter wrote; it
imports nothing from site_builder or bench.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from jinja2 import DictLoader, Environment, select_autoescape
from markdown_it import MarkdownIt

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PER_PAGE = 20
PROCESSES = 2

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} · Benchmark Desk</title></head>
<body><header><a href="{{ root }}">Benchmark Desk</a>
<nav><a href="{{ root }}briefings/">Briefings</a> <a href="{{ root }}actors/">Actors</a>
<a href="{{ root }}topics/">Topics</a></nav></header>
<main>{% block main %}{% endblock %}</main>
<footer><a href="{{ root }}index.xml">Feed</a></footer></body></html>
""",
    "briefing.html": """{% extends "base.html" %}{% block main %}<article><h1>{{ b.title }}</h1>
<p><time>{{ b.date }}</time></p><p>{{ b.summary }}</p>
<ul class="actors">{% for a in b.actors %}<li><a href="{{ root }}actors/{{ a }}/">{{ names[a] }}</a></li>
{% endfor %}</ul>
<ul class="topics">{% for t in b.topics %}<li><a href="{{ root }}topics/{{ t }}/">{{ topics[t] }}</a></li>
{% endfor %}</ul>
<div class="briefing-body">{{ html }}</div>
{% if prev %}<a href="{{ root }}briefings/{{ prev.slug }}/">{{ prev.title }}</a>{% endif %}
{% if next %}<a href="{{ root }}briefings/{{ next.slug }}/">{{ next.title }}</a>{% endif %}
</article>{% endblock %}
""",
    "list.html": """{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1><ul>
{% for b in rows %}<li><time>{{ b.date }}</time>
<a href="{{ root }}briefings/{{ b.slug }}/">{{ b.title }}</a> {{ b.summary }}</li>
{% endfor %}</ul>
{% if pages > 1 %}<nav>{% for n in range(1, pages + 1) %}<a href="{{ here }}{% if n > 1 %}page/{{ n }}/{% endif %}">{{ n
}}</a> {% endfor %}</nav>{% endif %}{% endblock %}
""",
    "terms.html": """{% extends "base.html" %}{% block main %}<h1>{{ title }}</h1><ul>
{% for slug, name, count in terms %}<li><a href="{{ root }}{{ kind }}/{{ slug }}/">{{ name }}</a> ({{ count }})</li>
{% endfor %}</ul>{% endblock %}
""",
    "feed.xml": """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ title }}</title><id>{{ url }}</id>
{% for b in rows %}<entry><title>{{ b.title }}</title><id>{{ base }}briefings/{{ b.slug }}/</id>
<updated>{{ b.date }}</updated><summary>{{ b.summary }}</summary></entry>
{% endfor %}</feed>
""",
}


def _environment() -> Environment:
    return Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]))


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _read(paths: Sequence[str]) -> list[tuple[dict[str, Any], str]]:
    """Front matter and rendered body of each file (runs in a worker)."""
    md = _markdown()
    out = []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        head, _, body = text[4:].partition("\n---\n")
        meta = yaml.load(head, Loader=_LOADER)
        meta["date"] = str(meta["date"])
        out.append((meta, md.render(body)))
    return out


def _write(out: Path, rel: str, text: str) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


Job = tuple[str, str, dict[str, Any]]  # output file, template, context


def _render(jobs: Sequence[Job], worker: int, out: Path) -> None:
    """Render and write every PROCESSES-th job; forked, so the jobs are shared, not sent."""
    env = _environment()
    for rel, template, context in jobs[worker::PROCESSES]:
        _write(out, rel, env.get_template(template).render(context))


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    return (items[i:i + size] for i in range(0, len(items), size))


def _listing(rel: str, title: str, rows: Sequence[dict[str, Any]], per_page: int | None,
             root: str) -> Iterable[Job]:
    """A list page, paginated when `per_page` is given, and its feed of the newest rows."""
    size = per_page or max(len(rows), 1)
    pages = max(1, -(-len(rows) // size))
    for n in range(1, pages + 1):
        path = rel if n == 1 else f"{rel}page/{n}/"
        context = {"title": title, "rows": rows[(n - 1) * size:n * size], "pages": pages, "here": root + rel,
                   "root": root}
        yield f"{path}index.html", "list.html", context
    yield f"{rel}index.xml", "feed.xml", {"title": title, "rows": rows[:PER_PAGE], "url": root + rel, "base": root}


def build(site: Path, out: Path) -> int:
    """Build the site; returns the number of files written."""
    root = "/desk/"
    names: dict[str, str] = yaml.load((site / "actors.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    topics: dict[str, str] = yaml.load((site / "topics.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    paths = sorted(str(p) for p in (site / "content").glob("*.md"))
    fork = multiprocessing.get_context("fork")
    with fork.Pool(PROCESSES) as pool:
        read = [item for chunk in pool.map(_read, list(_chunks(paths, 64))) for item in chunk]
    jobs = _jobs(read, names, topics, root)
    workers = [fork.Process(target=_render, args=(jobs, k, out)) for k in range(1, PROCESSES)]
    for process in workers:
        process.start()
    _render(jobs, 0, out)
    for process in workers:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a worker failed with exit code {process.exitcode}")
    return len(jobs)


def _jobs(read: Sequence[tuple[dict[str, Any], str]], names: dict[str, str], topics: dict[str, str],
          root: str) -> list[Job]:
    """Every page to write, with its context."""
    briefings = sorted((meta for meta, _ in read), key=lambda m: (m["date"], m["slug"]), reverse=True)
    html = {meta["slug"]: body for meta, body in read}
    jobs: list[Job] = []
    for i, b in enumerate(briefings):
        context = {"b": b, "html": html[b["slug"]], "names": names, "topics": topics, "root": root,
                   "prev": briefings[i + 1] if i + 1 < len(briefings) else None,
                   "next": briefings[i - 1] if i else None, "title": b["title"]}
        jobs.append((f"briefings/{b['slug']}/index.html", "briefing.html", context))
    by_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for b in briefings:
        for a in b["actors"]:
            by_actor[a].append(b)
        for t in b["topics"]:
            by_topic[t].append(b)
    jobs.append(("index.html", "list.html", {"title": "Benchmark Desk", "rows": briefings[:10], "pages": 1,
                                             "here": root, "root": root}))
    jobs += _listing("briefings/", "Briefings", briefings, PER_PAGE, root)
    for a, rows in sorted(by_actor.items()):
        jobs += _listing(f"actors/{a}/", names.get(a, a), rows, None, root)
    for t, rows in sorted(by_topic.items()):
        jobs += _listing(f"topics/{t}/", topics.get(t, t), rows, PER_PAGE, root)
    for kind, title, groups, labels in (("actors", "Actors", by_actor, names), ("topics", "Topics", by_topic, topics)):
        terms = sorted(((k, labels.get(k, k), len(v)) for k, v in groups.items()), key=lambda t: t[1])
        jobs.append((f"{kind}/index.html", "terms.html", {"title": title, "terms": terms, "kind": kind,
                                                          "root": root}))
    return jobs


def main(argv: list[str]) -> int:
    """`python bench/naive.py SITE OUT`."""
    if len(argv) != 2:
        print("usage: naive.py SITE OUT", file=sys.stderr)
        return 2
    written = build(Path(argv[0]), Path(argv[1]))
    print(f"{written} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
