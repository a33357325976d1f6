"""`site-builder ingest`: raw scraped articles (.txt, .html) to briefing files in content/briefings/."""

from __future__ import annotations

import logging
import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from markdown_it import MarkdownIt

from site_builder.actors.matcher import Matcher, build_registry
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.content.loader import load_actor
from site_builder.core.errors import Diagnostics, SourceLocation, UsageError
from site_builder.core.ingest_rules import Rules
from site_builder.core.site_files import discover, is_editor_noise, walk_files
from site_builder.core.text_files import MAX_DOCUMENT_BYTES, read_text
from site_builder.core.urls import slug_from_filename, slugify
from site_builder.core.yaml_files import YamlProblem, parse_yaml
from site_builder.graph.suggestions import candidates
from site_builder.ingest.briefing_files import Existing, read_existing, render
from site_builder.ingest.html import ExtractionFailed, clean_html
from site_builder.ingest.site_rules import load_rules
from site_builder.ingest.text import Article, clean_text

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text")
BRIEFINGS = "content/briefings"
MAX_SLUG = 80  # characters; long headlines make unwieldy URLs
PROGRESS_FROM = 10  # inputs; fewer finish before a progress line would help
SHOWN_NAMES = 12
_EMPTY = "no article text left after cleaning"
# What to do about a field a briefing needs to build when neither the article nor the desk gives it.
_MISSING_HINTS = {
    "title": "put the headline on a line of its own above the article",
    "date": "pass --date YYYY-MM-DD",
}

log = logging.getLogger("site_builder")


@dataclass(frozen=True)
class Site:
    """What ingest needs to know about the site it writes into."""

    root: Path
    rules: Rules
    matcher: Matcher
    markdown: MarkdownIt  # the site's parser: actors and names are found as the build finds mentions
    by_original: dict[str, list[str]]  # input file name -> briefings that say they came from it
    slugs: frozenset[str]  # slugs in use, so a new briefing never collides with an old one


@dataclass(frozen=True)
class Outcome:
    """One input's result, computed in memory before anything is written."""

    source: str
    dest: str
    text: str
    status: str  # new | updated | unchanged
    article: Article
    names: list[tuple[str, int]] = field(default_factory=list)


def collect_inputs(names: list[str]) -> list[Path]:
    """Files as given and the .txt/.html files inside folders, sorted, each once."""
    found: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            inside = [path / rel for rel in walk_files(path) if rel.lower().endswith(HTML_SUFFIXES + TEXT_SUFFIXES)]
            if not inside:
                raise UsageError(f"{name!r} has no .txt or .html files")
            found += inside
        elif path.is_file():
            if not path.name.lower().endswith(HTML_SUFFIXES + TEXT_SUFFIXES) or is_editor_noise(path.name):
                raise UsageError(f"{name!r} is not a .txt or .html file")
            found.append(path)
        else:
            raise UsageError(f"{name!r} does not exist")
    return sorted(set(found), key=lambda p: p.as_posix())


def load_site(root: Path) -> Site:
    """Rules, the actor matcher and an index of existing briefings; errors in any of them stop the run."""
    rules, config = load_rules(root)
    diagnostics = Diagnostics()
    files = discover(root, config.output_dir)
    actors = [a for rel in files.actors if (a := load_actor(root, rel, config, diagnostics))]
    matcher = build_registry(actors, config.mentions, diagnostics)
    diagnostics.raise_if_any()
    by_original: dict[str, list[str]] = {}
    slugs = set()
    for rel in files.briefings:
        fields = _lookup_fields(root / rel, rel)
        if fields.get("original"):
            by_original.setdefault(fields["original"], []).append(rel)
        slugs.add(fields.get("slug") or slug_from_filename(rel))
    return Site(root, rules, matcher, create_markdown(config.markdown), by_original, frozenset(slugs))


def _lookup_fields(path: Path, rel: str) -> dict[str, str]:
    """`original` and `slug` of an existing briefing, read loosely.

    A briefing ingest does not write to may be broken; that is for `build` to report, so a file
    whose front matter does not parse gives what a line-by-line look finds.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    end = text.find("\n---", 3)
    head = text[4:end] if text.startswith("---\n") and end > 0 else ""
    if not re.search(r"^(?:original|slug):", head, re.MULTILINE):
        return {}
    try:
        node = parse_yaml(head, rel, line_offset=1)
        if isinstance(node.value, dict):
            return {k: str(node.value[k].value) for k in ("original", "slug") if k in node.value}
    except YamlProblem:
        pass
    found = re.findall(r"^(original|slug):[ \t]*['\"]?(.+?)['\"]?[ \t]*$", head, re.MULTILINE)
    return dict(found)


def read_article(path: Path, rules: Rules, diagnostics: Diagnostics, label: str = "") -> Article | None:
    """Clean one raw file; None (and an error recorded) when it cannot be read or nothing is left."""
    label = label or path.as_posix()
    article = clean_file(path, rules, diagnostics, label)
    if article is not None and not article.paragraphs:
        diagnostics.error(SourceLocation(label), _EMPTY, "run with --explain to see which rule dropped each line")
        return None
    return article


def clean_file(path: Path, rules: Rules, diagnostics: Diagnostics, label: str) -> Article | None:
    """Clean one raw file by its kind (HTML through trafilatura, anything else as text).

    Problems reading it are recorded against the input's path; an article with no paragraphs left
    is returned as it is, so --explain can show what dropped them.
    """
    if path.name.lower().endswith(HTML_SUFFIXES):
        try:
            data = path.read_bytes()
        except OSError as exc:
            diagnostics.error(SourceLocation(label), f"cannot read file: {exc.strerror}")
            return None
        try:
            article = clean_html(data, rules)
        except ExtractionFailed as exc:
            diagnostics.error(SourceLocation(label), str(exc), "is this an article page?")
            return None
    else:
        text = read_text(path, label, diagnostics, limit=MAX_DOCUMENT_BYTES)
        if text is None:
            return None
        article = clean_text(text, rules)
    return article


def plan(inputs: list[Path], site: Site, force: bool, explain: bool = False,
         given_date: date | None = None) -> list[Outcome]:
    """Clean every input and decide where it goes; raises ContentError (nothing written) on any problem.

    `given_date` (the --date option) is every input's date, in place of any date the article
    gives. A briefing that would lack a title or a date (found in the article, given, or kept from
    the desk's briefing) is an error naming its input, so ingest never writes one that cannot build.
    With `explain`, each input's account is printed as soon as it is cleaned, so it shows even
    when another input's error stops the run.
    """
    diagnostics = Diagnostics()
    outcomes: list[Outcome] = []
    claimed = set(site.slugs)
    originals: dict[str, str] = {}
    progress = sys.stderr.isatty() and len(inputs) >= PROGRESS_FROM and log.isEnabledFor(logging.INFO)
    for number, path in enumerate(inputs, start=1):
        if progress:
            print(f"\ringesting {number}/{len(inputs)}", end="", file=sys.stderr, flush=True)
        label = path.as_posix()
        if path.name in originals:
            diagnostics.error(SourceLocation(label), f"another input has the same file name: {originals[path.name]}",
                              "'original:' names the input file, so input names must differ")
            continue
        originals[path.name] = label
        article = clean_file(path, site.rules, diagnostics, label)
        if article is None:
            continue
        outcome = None
        if article.paragraphs:
            dated = article if given_date is None else replace(article, date=given_date)
            outcome = _place(path, label, dated, site, claimed, force, diagnostics)
        else:
            diagnostics.error(SourceLocation(label), _EMPTY, "run with --explain to see which rule dropped each line")
        if explain:
            print(explanation(label, outcome.dest if outcome else "(nothing written)", article, given_date))
        if outcome is not None:
            outcomes.append(outcome)
    if progress:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    diagnostics.raise_if_any()
    return outcomes


def _place(path: Path, label: str, article: Article, site: Site, claimed: set[str], force: bool,
           diagnostics: Diagnostics) -> Outcome | None:
    """Where an article goes: the briefing ingested from the same file before, else a new free name.

    None (and an error recorded) when it cannot go anywhere, or when the briefing would lack a field
    the build needs.
    """
    actors, names = _actors_and_names(article, site)
    previous = site.by_original.get(path.name, [])
    if len(previous) > 1:
        diagnostics.error(SourceLocation(previous[1]), f"two briefings say they came from {path.name!r}: "
                          f"{previous[0]} and {previous[1]}", "remove 'original:' from the one that is not")
        return None
    if previous:
        dest = previous[0]
        current = read_text(site.root / dest, dest, diagnostics, limit=MAX_DOCUMENT_BYTES)
        existing: Existing | None = read_existing(current, dest, diagnostics) if current is not None else None
        if existing is None:
            return None
        if _report_missing(label, article, existing, diagnostics):
            return None
        text = render(article, path.name, actors, existing)
        if text == current:
            return Outcome(label, dest, text, "unchanged", article, names)
        if not force:
            diagnostics.error(SourceLocation(dest), f"already ingested from {label} and the new result differs",
                              "use --force to replace the body and ingest's fields; the desk's fields are kept")
            return None
        return Outcome(label, dest, text, "updated", article, names)
    if _report_missing(label, article, None, diagnostics) or article.date is None:  # None: for the type checker
        return None
    slug = _free_slug(_slug(article, path), claimed)
    claimed.add(slug)
    text = render(article, path.name, actors, None)
    return Outcome(label, f"{BRIEFINGS}/{article.date.isoformat()}-{slug}.md", text, "new", article, names)


def _actors_and_names(article: Article, site: Site) -> tuple[list[str], list[tuple[str, int]]]:
    """Actor ids in order of first mention, and unclaimed capitalised names, most frequent first.

    The body is rendered as `build` renders it and names are found as `actors suggest` finds them,
    so ingest, the site and the suggestions never disagree about what is a mention.
    """
    rendered = render_body(site.markdown, article.body, matcher=site.matcher, link_mode="none",
                           actor_href=lambda actor_id: "")
    actors = list(dict.fromkeys(m.actor_id for m in rendered.mentions))
    counts = Counter(name for name, _ in candidates(rendered.blocks, rendered.mentions))
    order = {name: index for index, name in enumerate(counts)}
    return actors, sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def _report_missing(label: str, article: Article, existing: Existing | None, diagnostics: Diagnostics) -> bool:
    """Record an error for each field the build needs that neither the article nor the desk's briefing gives.

    True when there was one. The desk's value counts only when it is there and not empty, since
    `render` keeps it only then.
    """
    missing = False
    for key, value in (("title", article.title), ("date", article.date)):
        if not value and not (existing is not None and existing.values.get(key) not in (None, "")):
            diagnostics.error(SourceLocation(label), f"no {key} found in the article", _MISSING_HINTS[key])
            missing = True
    return missing


def _slug(article: Article, path: Path) -> str:
    slug = slugify(article.title) or slugify(path.stem) or "briefing"
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


def _free_slug(slug: str, claimed: set[str]) -> str:
    """The slug, or the slug with the first free "-2", "-3" ...: two stories may share a headline."""
    candidate, number = slug, 1
    while candidate in claimed:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def explanation(source: str, dest: str, article: Article, given_date: date | None = None) -> str:
    """What ingest found, then every dropped line with the rule that dropped it, as `input:line: rule: text`.

    With `given_date` (--date), the date line shows it and what the article gave.
    """
    lines = [f"{source} -> {dest}"]
    if source.lower().endswith(HTML_SUFFIXES):
        lines.append("  (line numbers count lines of the text trafilatura extracted)")
    for meta in ("title", "date", "dateline", "agency", "section"):
        value = getattr(article, meta)
        shown = value.isoformat() if hasattr(value, "isoformat") else value or "(none)"
        if meta == "date" and given_date is not None:
            shown = f"{given_date.isoformat()} (--date; the article gives {shown})"
        lines.append(f"  {meta}: {shown}")
    for dropped in article.dropped:
        lines.append(f"{source}:{dropped.line}: {dropped.rule}: {dropped.text}")
    repairs = {k: v for k, v in sorted(article.fired.items()) if k.startswith("space-")}
    if repairs:
        lines.append("  repaired: " + ", ".join(f"{k} x{v}" for k, v in repairs.items()))
    return "\n".join(lines)

