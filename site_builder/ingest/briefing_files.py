"""Briefing files from cleaned articles: front matter written by ingest, merged with a desk's edits."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from site_builder.content.loader import split_front_matter
from site_builder.core.errors import Diagnostics, SourceLocation
from site_builder.core.yaml_files import YamlProblem, parse_yaml
from site_builder.ingest.text import Article

# The fields ingest owns, in the order it writes them. Everything else in a briefing's front matter
# (summary, key_points, topics, sources, updated, slug, draft, ...) belongs to the desk and is kept
# as written when an article is ingested again.
INGEST_FIELDS = ("title", "date", "section", "dateline", "agency", "original", "actors")
_PLAIN = re.compile(r"^\w[\w .,’'()/&-]*[\w.)’]$|^[^\W\d_]$")
try:  # the C loader when there is one; the pure-Python one gives the same answers
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
_KEY_LINE = re.compile(r"^(?P<key>[^\s#\-'\"][^:]*?|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")


@dataclass(frozen=True)
class Existing:
    """A briefing already on disk: its front matter cut into top-level blocks, and its parsed values."""

    path: str
    blocks: dict[str, str]  # key -> the lines that write it (with comments above it), as written
    values: dict[str, object]


def yaml_scalar(value: str) -> str:
    """A plain YAML scalar when that reads back as the same text, else a double-quoted one."""
    if _PLAIN.match(value) and ": " not in value and " #" not in value:
        try:
            if yaml.load(f"k: {value}", Loader=_Loader) == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars


def render(article: Article, original: str, actors: Sequence[str], existing: Existing | None) -> str:
    """The briefing file: ingest's fields first, then the desk's fields as they were, then the body.

    A field ingest did not find (no date in the article, say) keeps what the desk wrote; `actors`
    keeps ids the desk added, after those the matcher found.
    """
    fresh = {
        "title": json.dumps(article.title, ensure_ascii=False) if article.title else "",
        "date": article.date.isoformat() if article.date else "",
        "section": yaml_scalar(article.section) if article.section else "",
        "dateline": yaml_scalar(article.dateline) if article.dateline else "",
        "agency": yaml_scalar(article.agency) if article.agency else "",
        "original": yaml_scalar(original),
    }
    blocks = dict(existing.blocks) if existing else {}
    listed = existing.values.get("actors") if existing else None
    extra = [str(a) for a in listed if str(a) not in actors] if isinstance(listed, list) else []
    ids = [*actors, *extra]
    lines = []
    for key in INGEST_FIELDS:
        if key == "actors":
            lines.append(f"actors: [{', '.join(yaml_scalar(a) for a in ids)}]\n")
        elif fresh[key]:
            lines.append(f"{key}: {fresh[key]}\n")
        elif key in blocks:
            lines.append(blocks[key])
        blocks.pop(key, None)
    lines.extend(blocks.values())
    return "---\n" + "".join(lines) + "---\n\n" + article.body


def read_existing(text: str, rel: str, diagnostics: Diagnostics) -> Existing | None:
    """Cut an existing briefing's front matter into blocks so the desk's fields survive verbatim."""
    parts = split_front_matter(text, rel, diagnostics)
    if parts is None:
        return None
    yaml_text = parts[0]
    try:
        node = parse_yaml(yaml_text, rel, line_offset=1)
    except YamlProblem as exc:
        diagnostics.extend([exc.diagnostic])
        return None
    if not isinstance(node.value, dict):
        diagnostics.error(SourceLocation(rel, 2), "front matter must be a mapping of 'key: value' lines")
        return None
    blocks = _blocks(yaml_text)
    if sorted(blocks) != sorted(node.value):
        diagnostics.error(SourceLocation(rel, 1), "cannot keep the desk's fields: front matter keys must start "
                          "their lines", "write each top-level key at the start of a line, values indented")
        return None
    return Existing(rel, blocks, {k: v.plain() for k, v in node.value.items()})


def _blocks(yaml_text: str) -> dict[str, str]:
    """Top-level keys with the lines that belong to them; comments and blank lines go with the next key."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    pending: list[str] = []
    for line in yaml_text.splitlines(keepends=True):
        line = line if line.endswith("\n") else line + "\n"
        match = _KEY_LINE.match(line)
        if match:
            key = match.group("key").strip("'\"")
            current = blocks.setdefault(key, [])
            current += [*pending, line]
            pending = []
        elif current is None or not line.strip() or line.startswith("#"):
            pending.append(line)
        else:
            current += [*pending, line]
            pending = []
    if current is not None:
        current += pending
    return {k: "".join(v) for k, v in blocks.items()}
