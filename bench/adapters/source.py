"""Read a generated site folder back into plain records, the common input of every adapter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@dataclass(frozen=True)
class SourceBriefing:
    """One briefing as the adapters need it: identity, listing fields, taxonomy terms and the body."""

    path: Path
    slug: str
    title: str
    date: str  # ISO 8601, as written or from a plain date
    summary: str
    topics: tuple[str, ...]
    actors: tuple[str, ...]  # listed in front matter plus mentioned in the body
    body: str


@dataclass(frozen=True)
class SourceActor:
    """One actor file."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Corpus:
    """A whole site folder; `mentions_from` says how briefing actors were found."""

    briefings: list[SourceBriefing]
    actors: list[SourceActor]
    topics: dict[str, str]  # slug -> title, including topics that exist only by use
    mentions_from: str


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Front matter mapping and body of a `---` delimited markdown file."""
    if not text.startswith("---\n"):
        return {}, text
    head, _, body = text[4:].partition("\n---\n")
    data = yaml.load(head, Loader=_LOADER) or {}
    return data, body.lstrip("\n")


def iso(value: Any) -> str:
    """A front-matter date as ISO 8601 text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_bodies(site: Path) -> list[str]:
    """Every briefing body in path order: the matcher benchmark's input."""
    return [split_front_matter(p.read_text(encoding="utf-8"))[1]
            for p in sorted((site / "content" / "briefings").rglob("*.md"))]


def _mention_finder(actors: list[SourceActor]) -> tuple[Any, str]:
    """Our own matcher finds mentioned actors, so other generators get the same taxonomy terms.

    Imported lazily and optional: if site_builder is broken mid-edit, the adapters still work with
    the front matter's `actors:` alone, and the report says so.
    """
    try:
        from site_builder.actors.matcher import Matcher
    except Exception as exc:
        return None, f"front matter only (site_builder.actors.matcher unavailable: {exc})"
    owners: dict[str, str | None] = {}
    for actor in actors:
        for alias in (actor.name, *actor.aliases):
            owners[" ".join(alias.split())] = actor.id
    return Matcher(owners), "front matter + site_builder.actors.Matcher"


def load_corpus(site: Path, drafts: bool = False) -> Corpus:
    """Read config-independent content: actors, topics and briefings (drafts skipped, like our build)."""
    actors = []
    for path in sorted((site / "content" / "actors").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        actors.append(SourceActor(path.stem, str(data["name"]), str(data.get("type", "person")),
                                  tuple(str(a) for a in data.get("aliases") or ()), str(data.get("summary", ""))))
    topics = {}
    for path in sorted((site / "content" / "topics").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        topics[path.stem] = str(data.get("title", path.stem))
    matcher, how = _mention_finder(actors)
    briefings = []
    for path in sorted((site / "content" / "briefings").rglob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        if meta.get("draft") and not drafts:
            continue
        listed = [str(a) for a in meta.get("actors") or ()]
        if matcher is not None:
            listed += [m.actor_id for m in matcher.find(body) if m.actor_id]
        slug = str(meta.get("slug") or _DATE_PREFIX.sub("", path.stem))
        for topic in meta.get("topics") or ():
            topics.setdefault(str(topic), str(topic).replace("-", " ").capitalize())
        briefings.append(SourceBriefing(path, slug, str(meta["title"]), iso(meta["date"]),
                                        str(meta.get("summary", "")), tuple(str(t) for t in meta.get("topics") or ()),
                                        tuple(dict.fromkeys(listed)), body))
    return Corpus(briefings, actors, dict(sorted(topics.items())), how)
