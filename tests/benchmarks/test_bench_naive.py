"""The naive baseline of the benchmark builds the page set the Hugo adapter builds, from the same corpus."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.adapters import ADAPTERS
from bench.adapters.source import load_corpus
from bench.corpus import generate_corpus


def test_naive_builder_writes_every_page_and_feed(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "desk", briefings=30, actors=12, seed=3)
    corpus = load_corpus(tmp_path / "desk")
    adapter = ADAPTERS["naive"]
    site, out = tmp_path / "naive", tmp_path / "out"
    site.mkdir()
    adapter.write(corpus, site)
    tool = adapter.tool()
    assert not tool.missing
    done = subprocess.run(adapter.command(tool, site, out, tmp_path / "cache"), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    for b in corpus.briefings:
        page = (out / "briefings" / b.slug / "index.html").read_text(encoding="utf-8")
        assert "<table>" in page or "<p>" in page
    actors = {a for b in corpus.briefings for a in b.actors}
    topics = {t for b in corpus.briefings for t in b.topics}
    assert {p.name for p in (out / "actors").iterdir() if p.is_dir()} == actors
    assert {p.name for p in (out / "topics").iterdir() if p.is_dir()} == topics
    assert all((out / "actors" / a / "index.xml").exists() for a in actors)
    assert (out / "briefings" / "page" / "2" / "index.html").exists()  # 30 briefings, 20 to a page
    written = [p for p in out.rglob("*") if p.is_file()]
    assert done.stderr.strip() == f"{len(written)} files"
