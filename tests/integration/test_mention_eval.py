"""Precision and recall of actor mentions against hand-annotated text: sentences, the seed briefing, and
documents that name actors by shared surnames and context aliases.

The annotations say what a reader would call a mention, including cases a plain-text matcher
cannot get right (an actor named by a description, a Korean particle glued to a name, a surname
whose antecedent is not the last one named), so the figures are honest. Run with `-s` to see them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from site_builder.actors.matcher import Matcher, alias_key, build_registry
from site_builder.actors.resolution import Resolver
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.build.options import BuildOptions, load_site_config
from site_builder.build.site_build import Build
from site_builder.content.loader import load_actor
from site_builder.core.config import MarkdownConfig, MentionsConfig
from site_builder.core.errors import Diagnostics
from site_builder.core.models import Actor
from site_builder.core.site_files import discover

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parents[1] / "mentions"
MARK = re.compile(r"\[\[(?!\[)(.+?)\|([a-z0-9-]+)\]\]", re.DOTALL)
SEED = "north-korea-denies-arms-dealing-with-russia"
MIN_PRECISION = 0.98
MIN_RECALL = 0.95
# The older set together (sentences and seed) stands at 121 right of 123 found and 124 annotated: the rules for
# context (M9, M13, M14) must not lower either figure.
COMBINED_MIN_PRECISION = 0.983
COMBINED_MIN_RECALL = 0.975
# Documents with shared surnames and context aliases. The set keeps traps that names alone cannot settle (a
# referent outside the registry that no possessive announces, "the country" meaning the story's subject rather
# than the country named last): the rules leave some of them plain, and get a few wrong.
CONTEXT_MIN_PRECISION = 0.99
CONTEXT_MIN_RECALL = 0.98
KINDS = ("plain", "ambiguous", "context")

Span = tuple[int, int, int, str]  # line or block, start, end, actor id


def parse(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Strip [[surface|id]] marks; returns the plain text and the marked spans in it."""
    line = line.replace("⏎", "\n").replace("␣", "\u00a0")
    text, spans, cursor = "", [], 0
    for match in MARK.finditer(line):
        text += line[cursor:match.start()]
        spans.append((len(text), len(text) + len(match.group(1)), match.group(2)))
        text += match.group(1)
        cursor = match.end()
    return text + line[cursor:], spans


def annotated(path: Path) -> list[str]:
    return [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def desk_matcher() -> Matcher:
    diagnostics = Diagnostics()
    config = load_site_config(REPO, BuildOptions())
    actors = [a for rel in discover(REPO).actors if (a := load_actor(REPO, rel, config, diagnostics))]
    matcher = build_registry(actors, config.mentions, diagnostics)
    assert not diagnostics
    return matcher


def score(name: str, gold: set[Span], found: set[Span]) -> tuple[float, float]:
    hits = len(gold & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(gold) if gold else 1.0
    print(f"\n{name}: {len(gold)} annotated, {len(found)} found, {hits} right: "
          f"precision {precision:.3f}, recall {recall:.3f}")
    for span in sorted(found - gold):
        print(f"  extra   {span}")
    for span in sorted(gold - found):
        print(f"  missing {span}")
    return precision, recall


def sentence_spans() -> tuple[set[Span], set[Span]]:
    matcher = desk_matcher()
    gold: set[Span] = set()
    found: set[Span] = set()
    lines = annotated(HERE / "sentences.txt")
    assert len(lines) >= 40
    for number, line in enumerate(lines):
        text, spans = parse(line)
        gold |= {(number, s, e, a) for s, e, a in spans}
        resolver = Resolver(matcher.registry.names)  # each sentence is a body of its own
        found |= {(number, m.start, m.end, actor) for m in matcher.find(text)
                  if (actor := resolver.resolve(m, "this sentence").actor_id)}
    return gold, found


def seed_spans() -> tuple[set[Span], set[Span]]:
    graph = Build(load_site_config(REPO, BuildOptions()), detail=True).link()
    body = graph.bodies[SEED]
    lines = annotated(HERE / "seed.txt")
    assert [parse(line)[0] for line in lines] == [block.text for block in body.blocks]
    gold = {(number, s, e, a) for number, line in enumerate(lines) for s, e, a in parse(line)[1]}
    found = {(m.block, m.start, m.end, m.actor_id) for m in body.mentions}
    return gold, found


def test_parse_marks() -> None:
    assert parse("a [[North Korea|north-korea]] b ⏎c") == ("a North Korea b \nc", [(2, 13, "north-korea")])


@pytest.mark.parametrize("name", ["sentences", "seed briefing"])
def test_precision_and_recall(name: str) -> None:
    gold, found = sentence_spans() if name == "sentences" else seed_spans()
    precision, recall = score(name, gold, found)
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL


def test_combined_figures() -> None:
    g1, f1 = sentence_spans()
    g2, f2 = seed_spans()
    gold = {("s", *x) for x in g1} | {("d", *x) for x in g2}
    found = {("s", *x) for x in f1} | {("d", *x) for x in f2}
    precision, recall = score("combined", gold, found)  # type: ignore[arg-type]
    assert precision >= COMBINED_MIN_PRECISION and recall >= COMBINED_MIN_RECALL


def context_matcher() -> Matcher:
    """The registry of tests/mentions/context_actors.yaml: three Kims, two Parks, states with context aliases."""
    data = yaml.safe_load((HERE / "context_actors.yaml").read_text(encoding="utf-8"))
    actors = []
    for actor_id, fields in data["actors"].items():
        aliases, context = tuple(fields.get("aliases", ())), tuple(fields.get("context_aliases", ()))
        actors.append(Actor(path="tests/mentions/context_actors.yaml", id=actor_id, name=fields["name"], type="person",
                            aliases=aliases, alias_lines=(1,) * len(aliases), context_aliases=context,
                            context_alias_lines=(1,) * len(context)))
    diagnostics = Diagnostics()
    matcher = build_registry(actors, MentionsConfig(ambiguous=tuple(data["ambiguous"])), diagnostics)
    assert not diagnostics
    return matcher


def context_documents() -> list[tuple[tuple[str, ...], list[str]]]:
    """Each document of tests/mentions/context.txt: the ids of its `actors:` line and its paragraphs."""
    text = "\n".join(line for line in (HERE / "context.txt").read_text(encoding="utf-8").splitlines()
                     if not (line.startswith("#") and not line.startswith("##")))  # "## " is a heading
    documents = []
    for chunk in re.split(r"^---$", text, flags=re.M):
        lines = chunk.strip().splitlines()
        listed: tuple[str, ...] = ()
        if lines and lines[0].startswith("actors:"):
            listed = tuple(a.strip() for a in lines.pop(0).removeprefix("actors:").split(",") if a.strip())
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", "\n".join(lines)) if p.strip()]
        if paragraphs:
            documents.append((listed, paragraphs))
    return documents


def kind_of(matcher: Matcher, surface: str) -> str:
    """Whether a span is written as a plain name form, an alias several actors share, or a context alias."""
    key = alias_key(surface)
    if key in matcher.registry.claimants:
        return "ambiguous"
    if key not in matcher.owners and (key in matcher.registry.context
                                      or key[:1].lower() + key[1:] in matcher.registry.context):
        return "context"
    return "plain"


def context_spans() -> tuple[set[tuple[str, Span]], set[tuple[str, Span]]]:
    """Gold and found spans of the context documents, each with its kind; spans are (document, block, ...)."""
    matcher = context_matcher()
    md = create_markdown(MarkdownConfig())
    gold: set[tuple[str, Span]] = set()
    found: set[tuple[str, Span]] = set()
    documents = context_documents()
    assert len(documents) >= 40
    for number, (listed, paragraphs) in enumerate(documents):
        parsed = [parse(p) for p in paragraphs]
        blocks = [(text, spans) for text, spans in parsed if not text.startswith("#")]
        body = "\n\n".join(text for text, _ in parsed)
        parts = render_body(md, body, matcher=matcher, link_mode="none", actor_href=lambda a: "", listed=listed)
        assert [b.text for b in parts.blocks] == [text.replace("\n", " ") for text, _ in blocks]
        for index, (text, spans) in enumerate(blocks):
            gold |= {(kind_of(matcher, text[s:e]), (number * 1000 + index, s, e, a)) for s, e, a in spans}
        found |= {(kind_of(matcher, m.text), (number * 1000 + m.block, m.start, m.end, m.actor_id))
                  for m in parts.mentions}
    return gold, found


def test_context_documents_are_annotated_with_every_kind() -> None:
    gold, _ = context_spans()
    counts = {kind: sum(k == kind for k, _ in gold) for kind in KINDS}
    assert counts["ambiguous"] >= 40 and counts["context"] >= 40, counts


def test_shared_surnames_and_context_aliases() -> None:
    """Figures by kind of the span as written, then overall; the targets hold overall."""
    gold, found = context_spans()
    for kind in KINDS:
        score(f"context documents, {kind}", {s for k, s in gold if k == kind}, {s for k, s in found if k == kind})
    precision, recall = score("context documents, overall", {s for _, s in gold}, {s for _, s in found})
    assert precision >= CONTEXT_MIN_PRECISION and recall >= CONTEXT_MIN_RECALL
