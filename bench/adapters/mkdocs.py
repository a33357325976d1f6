"""MkDocs: a page per briefing, per actor and per topic (each listing its briefings), and their indexes."""

from __future__ import annotations

from pathlib import Path

import yaml

from .base import Adapter, Tool, python_module_tool
from .source import Corpus, SourceBriefing

# A short explicit nav: MkDocs' default nav lists every page on every page, which is quadratic
# (5,000 links on each of 5,500 pages) and not what a desk would publish.
CONFIG = {
    "site_name": "Benchmark Desk",
    "site_url": "https://bench.example.org/desk/",
    "docs_dir": "docs",
    "theme": {"name": "mkdocs"},
    "markdown_extensions": ["tables", "footnotes", "toc"],
    "plugins": ["search"],
    "nav": [{"Home": "index.md"}, {"Briefings": "briefings/index.md"}, {"Actors": "actors/index.md"},
            {"Topics": "topics/index.md"}],
}


def _row(b: SourceBriefing, prefix: str) -> str:
    return f"- {b.date[:10]} [{_text(b.title)}]({prefix}{b.slug}.md) {_text(b.summary)}\n"


def _text(text: str) -> str:
    """Plain text safe inside a markdown link label or list item."""
    return " ".join(text.replace("[", "(").replace("]", ")").split())


class MkDocsAdapter(Adapter):
    """MkDocs 1.x with its built-in theme and search plugin; no blog or taxonomy plugin, so the
    adapter writes the actor and topic list pages as markdown."""

    name = "mkdocs"

    def tool(self) -> Tool:
        """`python -m mkdocs` from this interpreter."""
        return python_module_tool("mkdocs", "mkdocs")

    def write(self, corpus: Corpus, dest: Path) -> None:
        """docs/briefings/<slug>.md, docs/actors/<id>.md, docs/topics/<slug>.md and the index pages."""
        (dest / "mkdocs.yml").write_text(yaml.safe_dump(CONFIG, sort_keys=False), encoding="utf-8")
        docs = dest / "docs"
        for folder in ("briefings", "actors", "topics"):
            (docs / folder).mkdir(parents=True)
        names = {a.id: a.name for a in corpus.actors}
        newest = sorted(corpus.briefings, key=lambda b: b.date, reverse=True)
        by_actor: dict[str, list[SourceBriefing]] = {}
        by_topic: dict[str, list[SourceBriefing]] = {}
        for b in newest:
            for a in b.actors:
                by_actor.setdefault(a, []).append(b)
            for t in b.topics:
                by_topic.setdefault(t, []).append(b)
            actors = ", ".join(f"[{_text(names.get(a, a))}](../actors/{a}.md)" for a in b.actors)
            topics = ", ".join(f"[{_text(corpus.topics.get(t, t))}](../topics/{t}.md)" for t in b.topics)
            head = f"# {_text(b.title)}\n\n*{b.date[:10]}* · {_text(b.summary)}\n\nActors: {actors}\n\n"
            (docs / "briefings" / f"{b.slug}.md").write_text(head + f"Topics: {topics}\n\n" + b.body,
                                                             encoding="utf-8")
        (docs / "index.md").write_text("# Benchmark Desk\n\n" + "".join(_row(b, "briefings/") for b in newest[:10]),
                                       encoding="utf-8")
        (docs / "briefings" / "index.md").write_text("# Briefings\n\n" + "".join(_row(b, "") for b in newest),
                                                     encoding="utf-8")
        for actor in corpus.actors:
            rows = "".join(_row(b, "../briefings/") for b in by_actor.get(actor.id, []))
            (docs / "actors" / f"{actor.id}.md").write_text(f"# {_text(actor.name)}\n\n{actor.summary}\n\n{rows}",
                                                            encoding="utf-8")
        (docs / "actors" / "index.md").write_text("# Actors\n\n" + "".join(
            f"- [{_text(a.name)}]({a.id}.md) ({len(by_actor.get(a.id, []))})\n" for a in corpus.actors),
            encoding="utf-8")
        for slug, title in corpus.topics.items():
            rows = "".join(_row(b, "../briefings/") for b in by_topic.get(slug, []))
            (docs / "topics" / f"{slug}.md").write_text(f"# {_text(title)}\n\n{rows}", encoding="utf-8")
        (docs / "topics" / "index.md").write_text("# Topics\n\n" + "".join(
            f"- [{_text(t)}]({s}.md) ({len(by_topic.get(s, []))})\n" for s, t in corpus.topics.items()),
            encoding="utf-8")

    def command(self, tool: Tool, site: Path, out: Path, cache: Path) -> list[str]:
        """`mkdocs build -f SITE/mkdocs.yml -d OUT -q`."""
        return [*tool.argv, "build", "-f", str(site / "mkdocs.yml"), "-d", str(out), "-q"]
