"""The naive builder in bench/naive.py: the floor a Python generator starts from on this machine."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import yaml

from .base import Adapter, Tool
from .source import Corpus

SCRIPT = Path(__file__).resolve().parent.parent / "naive.py"


class NaiveAdapter(Adapter):
    """markdown-it-py and Jinja2 in two processes, no mention linking: see bench/naive.py."""

    name = "naive"

    def tool(self) -> Tool:
        """This interpreter running the script; the version is markdown-it-py's (mdit), which does most of the work."""
        try:
            version = "mdit " + importlib.metadata.version("markdown-it-py")
        except importlib.metadata.PackageNotFoundError:
            return Tool(missing="markdown-it-py not installed")
        return Tool((sys.executable, str(SCRIPT)), version)

    def write(self, corpus: Corpus, dest: Path) -> None:
        """content/<slug>.md with the actors and topics as found for every tool; name and title maps beside."""
        content = dest / "content"
        content.mkdir(parents=True)
        for b in corpus.briefings:
            meta = {"slug": b.slug, "title": b.title, "date": b.date, "summary": b.summary,
                    "actors": list(b.actors), "topics": list(b.topics)}
            head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100_000)
            (content / f"{b.slug}.md").write_text(f"---\n{head}---\n{b.body}", encoding="utf-8")
        names = {a.id: a.name for a in corpus.actors}
        (dest / "actors.yaml").write_text(yaml.safe_dump(names, allow_unicode=True), encoding="utf-8")
        (dest / "topics.yaml").write_text(yaml.safe_dump(corpus.topics, allow_unicode=True), encoding="utf-8")

    def command(self, tool: Tool, site: Path, out: Path, cache: Path) -> list[str]:
        """`python bench/naive.py SITE OUT`."""
        return [*tool.argv, str(site), str(out)]
