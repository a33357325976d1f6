"""The words of this repository's example desk, taken from the desk itself, and a search for them in a
build: a site that is not the example desk (the starter of `site-builder new`) must show none of them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from site_builder.core.site_files import walk_files

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "site_builder"
NEUTRAL_SOURCES = (PACKAGE / "starter", PACKAGE / "themes" / "strings")  # the words a new desk starts with
TEXT_SUFFIXES = (".html", ".xml", ".txt", ".css", ".js", ".json", ".svg", ".webmanifest")


def _front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n")) or {}


def _texts(value: object) -> list[str]:
    """Every text inside a YAML value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def example_desk_phrases() -> set[str]:
    """What the example desk is about, as it writes it: its config's own sentences and strings, its actors'
    names and aliases, its topics' and pages' titles, and the lines of its own templates."""
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    phrases = {config["title"], config["description"], config["footer"], config["search"]["placeholder"],
               *_texts(config.get("strings", {}))}
    for path in sorted((REPO / "content" / "actors").glob("*.yaml")):
        actor = yaml.safe_load(path.read_text(encoding="utf-8"))
        phrases |= {actor["name"], *actor.get("aliases", []), *actor.get("context_aliases", [])}
    for path in sorted((REPO / "content" / "topics").glob("*.yaml")):
        phrases.add(yaml.safe_load(path.read_text(encoding="utf-8"))["title"])
    for folder in ("briefings", "pages"):
        phrases |= {str(_front_matter(p)["title"]) for p in sorted((REPO / "content" / folder).rglob("*.md"))}
    for rel in walk_files(REPO / "templates"):  # the desk's overrides: their text between tags
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<[^>]*>", "\n", (REPO / "templates" / rel).read_text(),
                      flags=re.DOTALL)
        phrases |= {line.strip() for line in text.splitlines() if re.search(r"[A-Za-z]{3}", line)}
    return {p for p in phrases if len(p) >= 3}


def example_desk_words() -> set[str]:
    """The phrases, and the distinctive words in them: capitalised words and words in other scripts that a
    new desk's own files (the starter and the theme's UI strings) never use."""
    neutral = {word for folder in NEUTRAL_SOURCES for rel in walk_files(folder)
               for word in re.findall(r"\w+", (folder / rel).read_text(encoding="utf-8"))}
    phrases = example_desk_phrases()
    words = {w for p in phrases for w in re.findall(r"\w+", p)
             if len(w) >= 3 and (w[0].isupper() or not w.isascii()) and w not in neutral}
    return phrases | words


def found_in(folder: Path, words: set[str]) -> list[str]:
    """`file: word` for each of the words, whole, in any text file below the folder."""
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in sorted(words, key=len, reverse=True)))
    found = set()
    for rel in walk_files(folder):
        if rel.endswith(TEXT_SUFFIXES):
            for match in pattern.finditer((folder / rel).read_text(encoding="utf-8", errors="replace")):
                found.add(f"{rel}: {match.group()}")
    return sorted(found)
