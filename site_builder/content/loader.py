"""One file to one model: front matter split, YAML with line marks, schema checks with file:line."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from site_builder.core.cancel import CancelToken
from site_builder.core.config import Config
from site_builder.core.errors import Diagnostic, Diagnostics, SourceLocation, closest
from site_builder.core.keys import dumps
from site_builder.core.models import Actor, Briefing, Content, Judgment, Page, Relation, Revision, Role, Source, Topic
from site_builder.core.processes import in_two
from site_builder.core.schema import Fields
from site_builder.core.site_files import SiteFiles
from site_builder.core.text_files import MAX_BODY_BYTES, MAX_DOCUMENT_BYTES, MAX_YAML_BYTES, read_text, too_big
from site_builder.core.tradecraft import CONFIDENCE_LEVELS, CREDIBILITY, RELIABILITY, Scale
from site_builder.core.urls import is_safe_href, is_valid_slug, slug_from_filename, slugify
from site_builder.core.yaml_files import Node, YamlProblem, parse_yaml

_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

BRIEFING_KEYS = (
    "title", "date", "updated", "summary", "key_points", "topics", "actors", "sources",
    "dateline", "agency", "slug", "draft", "judgments", "revisions", "publish_at",
)
ACTOR_KEYS = ("name", "type", "aliases", "context_aliases", "summary", "country", "roles", "relations", "links",
              "image")
PAGE_KEYS = ("title", "summary", "weight", "draft", "slug")


def split_front_matter(text: str, path: str, diagnostics: Diagnostics) -> tuple[str, str, int] | None:
    """Split `---` front matter from the body; returns (yaml, body, body_line) or None on error."""
    if not text.startswith("---"):
        diagnostics.error(
            SourceLocation(path, 1, 1),
            "file does not start with front matter",
            "begin the file with a '---' line, then 'title:' and 'date:', then a closing '---' line",
        )
        return None
    first_end = text.find("\n")
    if first_end == -1 or text[:first_end].strip() != "---":
        diagnostics.error(SourceLocation(path, 1, 1), "the opening '---' line must stand alone")
        return None
    closing = _FENCE.search(text, first_end + 1)
    if closing is None:
        diagnostics.error(
            SourceLocation(path, 1, 1),
            "front matter opened at line 1 is never closed",
            "add a line with only '---' after the last front matter line",
        )
        return None
    yaml_text = text[first_end + 1 : closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return yaml_text, text[body_start:], body_line


def _read_document(root: Path, rel: str, diagnostics: Diagnostics) -> tuple[Fields, str, int] | None:
    """Read a markdown file and parse its front matter into Fields."""
    text = read_text(root / rel, rel, diagnostics, limit=MAX_DOCUMENT_BYTES)
    if text is None:
        return None
    parts = split_front_matter(text, rel, diagnostics)
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    if too_big(len(yaml_text.encode("utf-8", "surrogatepass")), MAX_YAML_BYTES, rel, 1, "the front matter",
               diagnostics) | too_big(len(body.encode("utf-8", "surrogatepass")), MAX_BODY_BYTES, rel, body_line,
                                      "the body", diagnostics):
        return None
    node = _parse(yaml_text, rel, diagnostics, line_offset=1)
    if node is None:
        return None
    return Fields(node, rel, diagnostics, "front matter"), body, body_line


def _parse(text: str, rel: str, diagnostics: Diagnostics, line_offset: int = 0) -> Node | None:
    try:
        node = parse_yaml(text, rel, line_offset)
    except YamlProblem as exc:
        diagnostics.extend([exc.diagnostic])
        return None
    if not isinstance(node.value, dict):
        diagnostics.error(
            SourceLocation(rel, node.line, node.column),
            "front matter must be a mapping of 'key: value' lines" if line_offset else
            "file must be a mapping of 'key: value' lines",
            "e.g. 'title: My title'",
        )
        return None
    return node


def read_date(f: Fields, key: str, tz: ZoneInfo, required: bool = False) -> datetime | None:
    """A date or ISO 8601 date-time; dates without a zone are read in the site's time zone."""
    node = f.get(key)
    if node is None or node.value is None or node.value == "":
        if required:
            f.error(None, f"{f.what} is missing required field {key!r}", f"add '{key}: YYYY-MM-DD'")
        return None
    value = node.value
    if isinstance(value, str):
        value = _parse_date_text(value.strip())
        if value is None:
            f.error(node, f"{key!r} is not a real date: {node.value!r}",
                    "write YYYY-MM-DD or an ISO 8601 date-time with a zone, e.g. 2023-01-29T09:30:00+09:00")
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=tz)
    f.error(node, f"{key!r} must be a date, not {value!r}", "write YYYY-MM-DD")
    return None


def _parse_date_text(text: str) -> date | datetime | None:
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _plain_date(f: Fields, node: Node | None) -> date | None:
    if node is None or node.value is None:
        return None
    if isinstance(node.value, datetime):
        return node.value.date()
    if isinstance(node.value, date):
        return node.value
    parsed = _parse_date_text(str(node.value))
    if parsed is None:
        f.error(node, f"not a real date: {node.value!r}", "write YYYY-MM-DD")
        return None
    return parsed.date() if isinstance(parsed, datetime) else parsed


TEMPLATE_KEYS_HINT = "keys for templates go under extra:, or start with x_"


def _extra(f: Fields, known: tuple[str, ...]) -> MappingProxyType[str, Any]:
    """Keys the schema does not know, kept for templates (see `Fields.near_misses` for those that look like typos)."""
    return MappingProxyType({k: v.plain() for k, v in sorted(f.unknown(known).items())})


def _url(f: Fields, node: Node | None, what: str) -> str:
    if node is None or node.value is None:
        return ""
    url = str(node.value).strip()
    if not is_safe_href(url):
        f.error(node, f"{what} uses a scheme that is not allowed: {url!r}", "use an http(s) URL")
        return ""
    return url


def _briefings(root: Path, rels: Sequence[str], config: Config, diagnostics: Diagnostics,
               processes: int, cancel: CancelToken) -> dict[str, Briefing | None]:
    """Briefings read from these files, by path; with problems reported in file order, as one process would.

    Reading and parsing front matter is costly on a big site, and one file does not depend on
    another: with many files, a forked process reads the second half. `cancel` is checked before
    each file this process reads.
    """
    def read(part: Sequence[str]) -> tuple[dict[str, Briefing | None], list[Diagnostic]]:
        found = Diagnostics()
        briefings: dict[str, Briefing | None] = {}
        for rel in part:
            cancel.check()
            briefings[rel] = load_briefing(root, rel, config, found)
        return briefings, [*found, *found.warnings]

    halves = in_two(rels, read, dumps) if processes > 1 and len(rels) >= PARALLEL_MIN else None
    out: dict[str, Briefing | None] = {}
    for briefings, problems in halves or (read(rels),):
        out.update(briefings)
        diagnostics.extend(problems)
    return out


def load_briefing(root: Path, rel: str, config: Config, diagnostics: Diagnostics) -> Briefing | None:
    """Parse one briefing file; None only when it cannot be parsed at all.

    A briefing with field errors is still returned (with defaults in the bad fields) so that its
    other checks, such as actor references, run in the same pass and the user sees everything.
    """
    doc = _read_document(root, rel, diagnostics)
    if doc is None:
        return None
    f, body, body_line = doc
    title = f.text("title", required=True)
    published = read_date(f, "date", config.tz, required=True)
    updated = read_date(f, "updated", config.tz)
    slug = f.text("slug") or slug_from_filename(rel)
    if not is_valid_slug(slug):
        f.error(f.get("slug"), f"slug {slug!r} is not a single lowercase word-and-hyphen segment",
                f"use {slugify(slug)!r}" if slugify(slug) else "use letters, digits and hyphens")
    actors = f.texts("actors")
    sources = _sources(f, config)
    revisions = _revisions(f)
    if updated is None and revisions:
        updated = datetime.combine(revisions[-1].date, time(0, 0), tzinfo=config.tz)
    briefing = Briefing(
        path=rel,
        slug=slug,
        title=title,
        date=published or datetime(1970, 1, 1, tzinfo=config.tz),
        body=body,
        body_line=body_line,
        updated=updated,
        summary=f.text("summary"),
        key_points=tuple(v for v, _ in f.texts("key_points")),
        topics=_topics(f),
        actors=tuple(v for v, _ in actors),
        actor_lines=tuple(n.line for _, n in actors),
        sources=sources,
        dateline=f.text("dateline"),
        agency=f.text("agency"),
        draft=f.boolean("draft", False),
        extra=_extra(f, BRIEFING_KEYS),
        judgments=_judgments(f, config.tradecraft.scale, sources),
        revisions=revisions,
        publish_at=read_date(f, "publish_at", config.tz),
        warnings=f.near_misses(BRIEFING_KEYS, TEMPLATE_KEYS_HINT),
    )
    return briefing


def _topics(f: Fields) -> tuple[str, ...]:
    out = []
    for value, node in f.texts("topics"):
        slug = slugify(value)
        if not slug:
            f.error(node, f"topic {value!r} has no letters or digits")
            continue
        if slug not in out:
            out.append(slug)
    return tuple(out)


def _sources(f: Fields, config: Config) -> tuple[Source, ...]:
    out = []
    for item, sub in f.entries("sources", "source", "each source must be a mapping with 'title' and optional "
                              "'url', 'publisher', 'date'", texts=True):
        if sub is None:
            out.append(Source(title=item.value, url=""))
            continue
        source_id = _item_id(sub, "source", [s.id for s in out])
        out.append(
            Source(
                title=sub.text("title", required=True),
                url=_url(sub, sub.get("url"), "source url"),
                publisher=sub.text("publisher"),
                date=_plain_date(sub, sub.get("date")),
                id=source_id,
                reliability=_reliability(sub),
                credibility=_credibility(sub),
                archived=_url(sub, sub.get("archived"), "archived copy url"),
            )
        )
        sub.reject_unknown(())
    return tuple(out)


def _item_id(sub: Fields, what: str, taken: Sequence[str], required: bool = False) -> str:
    """The `id` of a judgment or source: slug-shaped and used once in its briefing; '' when absent or wrong."""
    node = sub.get("id")
    value = sub.text("id", required=required)
    if not value:
        return ""
    if not is_valid_slug(value):
        sub.error(node, f"{what} id {value!r} must be lowercase words joined by hyphens",
                  f"use {slugify(value)!r}" if slugify(value) else "use letters, digits and hyphens")
        return ""
    if value in taken:
        sub.error(node, f"{what} id {value!r} is used twice in this briefing", f"give each {what} its own id")
        return ""
    return value


def _reliability(sub: Fields) -> str:
    node = sub.get("reliability")
    if node is None or node.value is None:
        return ""
    value = str(node.value).strip()
    if value.upper() not in RELIABILITY or isinstance(node.value, bool):
        sub.error(node, f"'reliability' must be a letter from A to F, not {node.value!r}",
                  "A completely reliable, B usually reliable, C fairly reliable, D not usually reliable, "
                  "E unreliable, F cannot be judged")
        return ""
    return value.upper()


def _credibility(sub: Fields) -> int | None:
    node = sub.get("credibility")
    if node is None or node.value is None:
        return None
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int) or value not in CREDIBILITY:
        sub.error(node, f"'credibility' must be a number from 1 to 6, not {value!r}",
                  "1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged")
        return None
    return value


def _judgments(f: Fields, scale: Scale, sources: Sequence[Source]) -> tuple[Judgment, ...]:
    """The key judgments, each checked against the scale, the confidence levels and the briefing's sources."""
    out: list[Judgment] = []
    source_ids = [s.id for s in sources if s.id]
    for item, sub in f.mappings("judgments", "judgment", "each judgment must be a mapping with 'id', 'text', "
                              "'likelihood' and 'confidence'",
                              "e.g. {id: supplies-shells, text: ..., likelihood: likely, confidence: moderate}"):
        judgment_id = _item_id(sub, "judgment", [j.id for j in out], required=True)
        text_node = sub.get("text")
        text = sub.text("text", required=True)
        likelihood = sub.text("likelihood", required=True)
        if likelihood and scale.band(likelihood) is None:
            close = closest(likelihood, scale.keys())
            sub.error(sub.get("likelihood"), f"likelihood {likelihood!r} is not on the {scale.name} scale",
                      (f"did you mean {close[0]!r}? " if close else "") + "use one of " + ", ".join(scale.keys()))
        confidence = sub.text("confidence", required=True)
        if confidence and confidence not in CONFIDENCE_LEVELS:
            sub.error(sub.get("confidence"), f"confidence {confidence!r} is not a confidence level",
                      "use one of high, moderate, low")
        basis = []
        for value, node in sub.texts("basis"):
            if value not in source_ids:
                sub.error(node, f"basis {value!r} names no source of this briefing",
                          ("use one of " + ", ".join(source_ids)) if source_ids else
                          "give the source it rests on an 'id:' under sources, and name that id here")
                continue
            basis.append(value)
        sub.reject_unknown(())
        if judgment_id:
            out.append(Judgment(judgment_id, text, likelihood, confidence, tuple(basis), item.line,
                                text_node.line if text_node else item.line,
                                text_node.column + text_node.quoted if text_node else item.column))
    return tuple(out)


def _revisions(f: Fields) -> tuple[Revision, ...]:
    """Revision notes, oldest first whatever order they were written in."""
    out = []
    for _, sub in f.mappings("revisions", "revision", "each revision must be a mapping with 'date' and 'note'",
                           "e.g. {date: 2023-10-14, note: Raised the likelihood after new imagery.}"):
        day = _plain_date(sub, sub.get("date"))
        if sub.get("date") is None:
            sub.error(None, "revision is missing required field 'date'", "add 'date: YYYY-MM-DD'")
        note = sub.text("note", required=True)
        sub.reject_unknown(())
        if day is not None:
            out.append(Revision(day, note))
    return tuple(sorted(out, key=lambda r: r.date))


def _open_named_yaml(root: Path, rel: str, diagnostics: Diagnostics, what: str,
                     id_name: str) -> tuple[str, Fields, Node] | None:
    """Read a YAML file whose file name is its id (actors, topics), checking that the name is a valid id."""
    name = PurePosixPath(rel).stem
    text = read_text(root / rel, rel, diagnostics)
    if text is None:
        return None
    node = _parse(text, rel, diagnostics)
    if node is None:
        return None
    f = Fields(node, rel, diagnostics, what)
    if not is_valid_slug(name):
        f.error(None, f"{id_name} {name!r} (the file name) must be lowercase words joined by hyphens",
                f"rename the file to {slugify(name)}.yaml")
    return name, f, node


def load_actor(root: Path, rel: str, config: Config, diagnostics: Diagnostics) -> Actor | None:
    """Parse one actor file; its file name is the id."""
    opened = _open_named_yaml(root, rel, diagnostics, "actor file", "actor id")
    if opened is None:
        return None
    actor_id, f, node = opened
    known_types = [t.id for t in config.actor_types]
    aliases = f.texts("aliases")
    context_aliases = f.texts("context_aliases")
    country_node = f.get("country")
    links_f = f.mapping_of("links")
    actor = Actor(
        path=rel,
        id=actor_id,
        name=f.text("name", required=True),
        name_line=(f.get("name") or node).line,
        type=f.choice("type", "organization", known_types),
        aliases=tuple(v for v, _ in aliases),
        alias_lines=tuple(n.line for _, n in aliases),
        context_aliases=tuple(v for v, _ in context_aliases),
        context_alias_lines=tuple(n.line for _, n in context_aliases),
        summary=f.text("summary"),
        country=f.text("country"),
        country_line=country_node.line if country_node else 0,
        roles=_roles(f),
        relations=_relations(f),
        links=MappingProxyType(
            {k: u for k, v in sorted(links_f.mapping.items()) if (u := _url(links_f, v, f"link {k!r}"))}
            if links_f else {}
        ),
        image=f.text("image"),
        extra=_extra(f, ACTOR_KEYS),
        warnings=f.near_misses(ACTOR_KEYS, TEMPLATE_KEYS_HINT),
    )
    return actor


def _period(f: Fields, key: str) -> str:
    node = f.get(key)
    if node is None or node.value is None:
        return ""
    value = node.value
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


def _roles(f: Fields) -> tuple[Role, ...]:
    out = []
    for item, sub in f.entries("roles", "role", "each role must be a mapping with 'title' and optional 'of', "
                              "'from', 'to'", texts=True):
        if sub is None:
            out.append(Role(title=item.value))
            continue
        of_node = sub.get("of")
        out.append(Role(
            title=sub.text("title", required=True),
            of=sub.text("of"),
            of_line=of_node.line if of_node else item.line,
            start=_period(sub, "from"),
            end=_period(sub, "to"),
        ))
        sub.reject_unknown(())
    return tuple(out)


def _relations(f: Fields) -> tuple[Relation, ...]:
    out = []
    for item, sub in f.mappings("relations", "relation", "each relation must be a mapping with 'actor' and 'kind'",
                              "e.g. {actor: kim-jong-un, kind: sister-of}"):
        actor_node = sub.get("actor")
        out.append(Relation(
            actor=sub.text("actor", required=True),
            kind=slugify(sub.text("kind", required=True)),
            line=actor_node.line if actor_node else item.line,
        ))
        sub.reject_unknown(())
    return tuple(out)


def load_topic(root: Path, rel: str, diagnostics: Diagnostics) -> Topic | None:
    """Parse one topic file; its file name is the slug."""
    opened = _open_named_yaml(root, rel, diagnostics, "topic file", "topic slug")
    if opened is None:
        return None
    slug, f, _ = opened
    topic = Topic(slug=slug, title=f.text("title", required=True), summary=f.text("summary"), path=rel)
    f.reject_unknown(())
    return topic


def load_page(root: Path, rel: str, diagnostics: Diagnostics) -> Page | None:
    """Parse one standalone page."""
    doc = _read_document(root, rel, diagnostics)
    if doc is None:
        return None
    f, body, body_line = doc
    slug = f.text("slug") or slugify(PurePosixPath(rel).stem)
    if not is_valid_slug(slug):
        f.error(f.get("slug"), f"slug {slug!r} is not a single lowercase word-and-hyphen segment")
    return Page(
        path=rel,
        slug=slug,
        title=f.text("title", required=True),
        body=body,
        body_line=body_line,
        summary=f.text("summary"),
        weight=f.integer("weight", 0),
        draft=f.boolean("draft", False),
        extra=_extra(f, PAGE_KEYS),
        warnings=f.near_misses(PAGE_KEYS, TEMPLATE_KEYS_HINT),
    )


Model = Briefing | Actor | Topic | Page


def is_embargoed(b: Briefing | Page, now: datetime | None) -> bool:
    """Whether a briefing's `publish_at` is still to come at `now` (never for pages, or when `now` is None)."""
    return isinstance(b, Briefing) and now is not None and b.publish_at is not None and b.publish_at > now


PARALLEL_MIN = 400  # briefings to read: fewer are read faster than a second process starts


def load_content(root: Path, files: SiteFiles, config: Config, diagnostics: Diagnostics,
                 drafts: bool = False, reuse: Mapping[str, Model] | None = None,
                 processes: int = 1, now: datetime | None = None,
                 cancel: CancelToken | None = None) -> tuple[Content, dict[str, Model]]:
    """Load every content file, collecting all errors; drafts are dropped unless asked for, and so are
    briefings embargoed past `now` (their `publish_at` is later), unless `now` is None.

    `reuse` holds models of files known to be unchanged since they were loaded (the dev server's
    rebuilds); every other file is read again. Returns the content and every model by path. With
    `processes` above 1, a forked process reads half of many briefings (see `_briefings`). The warnings
    each model carries, read now or reused, are recorded in `diagnostics`. Reading stops with
    Interrupted once `cancel` is cancelled.
    """
    previous = reuse or {}
    models: dict[str, Model] = {}
    fresh = _briefings(root, [rel for rel in files.briefings if rel not in previous], config, diagnostics,
                       processes, cancel or CancelToken())

    def load(rel: str, loader: Callable[[str], Model | None]) -> None:
        model = previous.get(rel)
        if model is None:
            model = loader(rel)
        if model is not None:
            models[rel] = model

    for rel in files.briefings:
        load(rel, fresh.__getitem__)
    for rel in files.actors:
        load(rel, lambda r: load_actor(root, r, config, diagnostics))
    for rel in files.topics:
        load(rel, lambda r: load_topic(root, r, diagnostics))
    for rel in files.pages:
        load(rel, lambda r: load_page(root, r, diagnostics))
    for model in models.values():
        diagnostics.extend(model.warnings)
    briefings = [m for m in models.values() if isinstance(m, Briefing)]
    actors = [m for m in models.values() if isinstance(m, Actor)]
    topics = [m for m in models.values() if isinstance(m, Topic)]
    pages = [m for m in models.values() if isinstance(m, Page)]
    content = Content(
        briefings=tuple(b for b in briefings if (drafts or not b.draft) and not is_embargoed(b, now)),
        actors=tuple(sorted(actors, key=lambda a: a.id)),
        topics=tuple(sorted(topics, key=lambda t: t.slug)),
        pages=tuple(p for p in pages if drafts or not p.draft),
    )
    return content, models
