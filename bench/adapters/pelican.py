"""Pelican: briefings as articles, actors and topics as tags (with tag pages and feeds), actors as pages."""

from __future__ import annotations

from pathlib import Path

from .base import Adapter, Tool, python_module_tool
from .source import Corpus

CONFIG = """\
AUTHOR = "Desk"
SITENAME = "Benchmark Desk"
SITEURL = ""
RELATIVE_URLS = True
PATH = "content"
ARTICLE_PATHS = ["briefings"]
PAGE_PATHS = ["pages"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 20
ARTICLE_URL = "briefings/{slug}/"
ARTICLE_SAVE_AS = "briefings/{slug}/index.html"
PAGE_URL = "actors/{slug}/"
PAGE_SAVE_AS = "actors/{slug}/index.html"
FEED_ALL_ATOM = "feed.xml"
CATEGORY_FEED_ATOM = "feeds/category-{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag-{slug}.atom.xml"
# 500 actor pages in the menu of every page would be quadratic work that no desk would ship.
DISPLAY_PAGES_ON_MENU = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}
"""


def _clean(text: str) -> str:
    """Pelican metadata is one `Key: value` line; commas separate tags."""
    return " ".join(text.split())


class PelicanAdapter(Adapter):
    """Pelican 4 with its default theme (notmyidea) and Python-Markdown `extra` for tables and footnotes."""

    name = "pelican"

    def tool(self) -> Tool:
        """`python -m pelican` from this interpreter; Markdown sources need the `markdown` package too."""
        return python_module_tool("pelican", "pelican", "markdown")

    def write(self, corpus: Corpus, dest: Path) -> None:
        """content/briefings/*.md with Pelican metadata lines, content/pages/ for actor profiles."""
        (dest / "pelicanconf.py").write_text(CONFIG, encoding="utf-8")
        names = {a.id: a.name for a in corpus.actors}
        articles = dest / "content" / "briefings"
        articles.mkdir(parents=True)
        for b in corpus.briefings:
            tags = [names.get(a, a) for a in b.actors] + [corpus.topics.get(t, t) for t in b.topics]
            category = corpus.topics.get(b.topics[0], b.topics[0]) if b.topics else "Briefings"
            head = (f"Title: {_clean(b.title)}\nDate: {b.date}\nSlug: {b.slug}\nCategory: {_clean(category)}\n"
                    f"Tags: {', '.join(_clean(t).replace(',', '') for t in tags)}\nSummary: {_clean(b.summary)}\n\n")
            (articles / f"{b.slug}.md").write_text(head + b.body, encoding="utf-8")
        pages = dest / "content" / "pages"
        pages.mkdir(parents=True)
        for actor in corpus.actors:
            aliases = "".join(f"- {a}\n" for a in actor.aliases)
            (pages / f"{actor.id}.md").write_text(
                f"Title: {_clean(actor.name)}\nSlug: {actor.id}\n\n{actor.summary}\n\n{aliases}", encoding="utf-8")

    def command(self, tool: Tool, site: Path, out: Path, cache: Path) -> list[str]:
        """`pelican content -s pelicanconf.py -o OUT`."""
        return [*tool.argv, str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o", str(out), "-q"]
