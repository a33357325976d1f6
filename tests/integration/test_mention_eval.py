"""Precision and recall of actor mentions against hand-annotated text: sentences and the seed briefing.

The annotations say what a reader would call a mention, including cases a plain-text matcher
cannot get right (an actor named by a description, a Korean particle glued to a name), so the
figures are honest. Run with `-s` to see them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.actors.matcher import Matcher, build_registry
from site_builder.build.options import BuildOptions, load_site_config
from site_builder.build.site_build import Build
from site_builder.content.loader import load_actor
from site_builder.core.config import MentionsConfig
from site_builder.core.errors import Diagnostics
from site_builder.core.site_files import discover

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parents[1] / "mentions"
MARK = re.compile(r"\[\[(?!\[)(.+?)\|([a-z0-9-]+)\]\]", re.DOTALL)
SEED = "north-korea-denies-arms-dealing-with-russia"
MIN_PRECISION = 0.98
MIN_RECALL = 0.95

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
    matcher = build_registry(actors, MentionsConfig(), diagnostics)
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
        found |= {(number, m.start, m.end, m.actor_id) for m in matcher.find(text) if m.actor_id}
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
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL
