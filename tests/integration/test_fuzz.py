"""No traceback, ever, for bad input: random front matter, actor YAML, config and markdown either build
or fail with the tool's own diagnostics.

Random bytes, random YAML structures and random text with bidi controls, NULs and lone surrogates
go into a small desk. In CI the examples are derived from the test's name (a fixed seed);
HYPOTHESIS_EXAMPLES=N runs more locally. A deadline of 10 s per example catches a hang.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import yaml
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build.options import BuildOptions, load_site_config
from site_builder.build.site_build import Build
from site_builder.core.errors import SiteError

SPECIAL = "\u202e\u202d\u2066\u2069\u200f\x00\ufeff\u2028\ud800"  # bidi controls, NUL, BOM, separators, a surrogate
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(SPECIAL), max_size=80)
KEYS = st.sampled_from(["title", "date", "summary", "topics", "actors", "sources", "slug", "draft", "key_points",
                        "dateline", "agency", "updated", "extra", "name", "type", "aliases", "context_aliases",
                        "roles", "relations", "links", "country", "mentions", "markdown", "base_url", "timezone",
                        "pagination", "output_dir", "theme", "search", "feeds"]) | TEXT
SCALARS = st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True) | TEXT | st.dates()
STRUCTURES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
                          max_leaves=20)
MARKDOWN = st.lists(st.sampled_from(["# ", "## ", "> ", "- ", "1. ", "*", "**", "_", "`", "```\n", "[", "](",
                                     ")", "<", ">", "&", "|", "---", "\n", "\n\n", "Kim Jong Un", "the North",
                                     "Pyongyang", "[^1]", "[^1]: ", "javascript:", "http://x"]) | TEXT,
                    max_size=40).map("".join)


def dumped(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None, sort_keys=False)


def front_matter_file(fields: object, body: str) -> str:
    return f"---\n{dumped(fields)}---\n\n{body}\n"


# Each file is often valid, so that many examples get through loading into linking and rendering.
VALID_DOCUMENTS = st.builds(lambda title, body: front_matter_file({"title": title or "T", "date": "2023-01-29"}, body),
                            TEXT, MARKDOWN)
DOCUMENTS = st.one_of(
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.builds(front_matter_file, STRUCTURES, MARKDOWN),
    st.builds(front_matter_file, st.fixed_dictionaries({"title": TEXT, "date": st.dates()}, optional={
        "topics": STRUCTURES, "actors": st.lists(st.sampled_from(["kim", "nk", "ghost"]) | TEXT, max_size=3),
        "sources": STRUCTURES, "slug": TEXT, "extra": STRUCTURES}), MARKDOWN),
)
VALID_ACTORS = st.builds(lambda name, aliases, context: dumped({"name": name or "N", "type": "person",
                                                                "aliases": aliases, "context_aliases": context}),
                         TEXT, st.lists(TEXT, max_size=3), st.lists(TEXT, max_size=2))
YAML_FILES = st.one_of(st.binary(max_size=200).map(lambda b: b.decode("utf-8", "surrogateescape")),
                       STRUCTURES.map(dumped),
                       st.fixed_dictionaries({"name": TEXT}, optional={
                           "aliases": st.lists(TEXT, max_size=3), "context_aliases": st.lists(TEXT, max_size=2),
                           "type": TEXT, "roles": STRUCTURES, "relations": STRUCTURES}).map(dumped))
VALID_TOPICS = st.builds(lambda title, summary: dumped({"title": title or "T", "summary": summary}), TEXT, TEXT)
TOPIC_FILES = st.one_of(STRUCTURES.map(dumped),
                        st.binary(max_size=200).map(lambda b: b.decode("utf-8", "surrogateescape")))
BASE_CONFIG = "title: Desk\nbase_url: https://example.org/\n"
CONFIGS = st.one_of(STRUCTURES.map(dumped),
                    st.fixed_dictionaries({"title": TEXT}, optional={
                        "mentions": STRUCTURES, "markdown": STRUCTURES, "pagination": STRUCTURES,
                        "timezone": TEXT}).map(dumped))


@st.composite
def desks(draw: st.DrawFn) -> dict[str, str]:
    """The files of a small desk: valid ones with random text, and at most one hostile file among them."""
    hostile = draw(st.sampled_from(["none", "config", "briefing", "page", "actor", "topic"]))
    return {
        "config.yaml": draw(CONFIGS if hostile == "config" else st.just(BASE_CONFIG)),
        "content/briefings/2023-01-29-fuzz.md": draw(DOCUMENTS if hostile == "briefing" else VALID_DOCUMENTS),
        "content/pages/fuzz.md": draw(DOCUMENTS if hostile == "page" else VALID_DOCUMENTS),
        "content/actors/fuzz.yaml": draw(YAML_FILES if hostile == "actor" else VALID_ACTORS),
        "content/topics/fuzz.yaml": draw(TOPIC_FILES if hostile == "topic" else VALID_TOPICS),
    }


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


@settings(max_examples=examples(60), deadline=timedelta(seconds=10),
          derandomize=os.environ.get("HYPOTHESIS_PROFILE") == "ci",
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=desks())
def test_random_input_builds_or_reports(files: dict[str, str]) -> None:
    site = Path(tempfile.mkdtemp(prefix="site-builder-fuzz-"))
    try:
        for rel, text in files.items():
            write(site / rel, text)
        write(site / "content/briefings/2023-01-30-plain.md",
              "---\ntitle: Plain\ndate: 2023-01-30\nactors: [kim]\n---\n\nKim Jong Un met Kim. The North said no.\n")
        write(site / "content/actors/kim.yaml", "name: Kim Jong Un\ntype: person\n")
        write(site / "content/actors/nk.yaml", "name: North Korea\ntype: state\ncontext_aliases: [the North]\n")
        try:
            Build(load_site_config(site, BuildOptions()), drafts=True).render_site()
        except SiteError as exc:
            assert exc.diagnostics, "an error without a diagnostic"
            for diagnostic in exc.diagnostics:
                assert diagnostic.format().strip()
    finally:
        shutil.rmtree(site, ignore_errors=True)
