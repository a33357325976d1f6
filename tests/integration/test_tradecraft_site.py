"""A hand-made analytic desk built whole: the judgment markup contract, what changed, the judgment, standards and
feed pages, current assessments on topic and actor pages, revisions, and the embargo under a fixed clock."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import DESK_ACTOR_FILES, SiteFactory, read_tree

from site_builder.build.builder import Builder
from site_builder.build.options import BuildOptions, BuildPolicy
from site_builder.cli.main import main
from site_builder.incremental.site_state import SiteState, is_current

ATOM = "{http://www.w3.org/2005/Atom}"
EARLY = "1696118400"  # 2023-10-01 00:00 UTC: the embargoed briefing is still held
LATE = "1700000000"  # 2023-11-14: its embargo has ended


def judged(title: str, day: str, topics: str, judgments: str, extra: str = "") -> str:
    return f"""---
title: {title}
date: {day}
topics: {topics}
actors: [nk]
sources:
  - id: kirby
    title: Kirby briefing
    publisher: White House
    reliability: B
    credibility: 2
  - id: imagery
    title: Container imagery
    archived: https://archive.example.org/imagery
  - Wire copy
judgments:
{judgments}{extra}---

North Korea is named here.
"""


def j(judgment_id: str, likelihood: str, confidence: str, basis: str = "[kirby]") -> str:
    return (f"  - {{id: {judgment_id}, text: 'Judgment {judgment_id}.', likelihood: {likelihood}, "
            f"confidence: {confidence}, basis: {basis}}}\n")


FILES = {
    **DESK_ACTOR_FILES,
    "content/briefings/2023-01-01-first.md": judged("First", "2023-01-01", "[arms]", j("shells", "likely", "low")
                                                    + j("wagner", "likely", "low")),
    "content/briefings/2023-02-01-second.md": judged("Second", "2023-02-01", "[arms]",
                                                     j("shells", "very-likely", "low", "[kirby, imagery]")
                                                     + j("tech", "unlikely", "moderate"),
                                                     "revisions:\n  - {date: 2023-02-03, note: Added the imagery.}\n"),
    "content/briefings/2023-03-01-third.md": judged("Third", "2023-03-01", "[arms]", j("shells", "very-likely", "high")
                                                    + j("tech", "unlikely", "moderate")),
    "content/briefings/2023-04-01-fourth.md": judged("Fourth", "2023-04-01", "[arms]", j("shells", "likely", "high")
                                                     + j("tech", "unlikely", "low")),
    "content/briefings/2023-10-20-held.md": judged("Held", "2023-10-20", "[arms]", j("shells", "almost-certain", "high"),
                                                   "publish_at: 2023-10-20T06:00:00+09:00\n"),
}


@pytest.fixture
def desk(make_site: SiteFactory) -> Path:
    return make_site(FILES)


def build(site: Path, out: Path, monkeypatch: pytest.MonkeyPatch, epoch: str = EARLY, future: bool = False) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    Builder(site, BuildOptions(out_dir=out, cache=False, future=future)).build()
    return out


def page(out: Path, rel: str) -> str:
    return (out / rel / "index.html").read_text(encoding="utf-8")


def judgment_elements(html: str) -> dict[str, str]:
    """data-judgment -> the opening tag of each element with class="judgment"."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<li class="judgment"[^>]*data-judgment="([^"]+)"[^>]*>', html)}


def test_markup_contract_and_what_changed(desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = build(desk, tmp_path / "out", monkeypatch)
    first = judgment_elements(page(out, "briefings/first"))
    assert first["shells"] == ('<li class="judgment" id="j-shells" data-judgment="shells" data-likelihood="likely" '
                               'data-confidence="low" data-change="new">')
    second = judgment_elements(page(out, "briefings/second"))
    assert 'data-change="raised" data-previous="first"' in second["shells"]
    assert 'data-change="new"' in second["tech"]
    third = judgment_elements(page(out, "briefings/third"))
    assert 'data-change="confidence-up" data-previous="second"' in third["shells"]
    assert 'data-change="unchanged" data-previous="second"' in third["tech"]
    fourth_html = page(out, "briefings/fourth")
    fourth = judgment_elements(fourth_html)
    assert 'data-change="lowered" data-previous="third"' in fourth["shells"]
    assert 'data-change="confidence-down"' in fourth["tech"]
    # Visible words, linked to the previous assessment; likelihood as the scale's words and range.
    assert re.search(r'Lowered from very likely \(<a href="\.\./third/" rel="prev"><time[^>]*>1 Mar 2023'
                     r"</time></a>\)", fourth_html)
    assert "Likely, 55–80 %</a>" in fourth_html and ">Low</a>" in fourth_html
    second_html = page(out, "briefings/second")
    # The first briefing's wagner judgment is no longer assessed in the second, on the same main topic.
    assert "No longer assessed" in second_html and "Judgment wagner." in second_html
    assert "No longer assessed" not in page(out, "briefings/third")
    # Basis links point at source elements that carry their grade in words.
    assert '<a href="#source-kirby">[1] Kirby briefing</a>; <a href="#source-imagery">[2] Container imagery</a>' \
        in second_html
    assert re.search(r'<li id="source-kirby" data-reliability="B" data-credibility="2">', second_html)
    assert re.search(r'>B2</a> usually reliable, probably true', second_html)
    assert '<li id="source-imagery">' in second_html and "archived copy" in second_html
    assert '<li id="source-3">' in second_html  # a source without an id still has an anchor
    # Key judgments come first: before the bottom line and the article.
    assert second_html.index("Key judgments") < second_html.index("is named here")
    # Revisions at the end, and `updated` is the last revision's date.
    assert second_html.index("Revisions") > second_html.index("is named here")
    assert "3 February 2023</time>: Added the imagery." in second_html
    assert 'property="article:modified_time" content="2023-02-03' in second_html


def test_judgment_standards_and_feed_pages(desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = build(desk, tmp_path / "out", monkeypatch)
    history = page(out, "judgments/shells")
    assert history.count("<circle ") == 4 and '<path class="step-chart__line" d="M' in history
    assert "<svg" in history and "cdn" not in history.lower()
    rows = re.findall(r'<tr data-likelihood="([^"]+)" data-confidence="([^"]+)" data-change="([^"]+)">', history)
    assert rows == [("likely", "high", "lowered"), ("very-likely", "high", "confidence-up"),
                    ("very-likely", "low", "raised"), ("likely", "low", "new")]  # newest first
    index = page(out, "judgments")
    assert index.count('class="assessment"') == 3  # shells, tech, wagner
    standards = page(out, "standards")
    for words in ("Roughly even chance", "45–55 %", "Usually reliable", "Probably true", 'id="likelihood"',
                  'id="confidence"', 'id="grading"'):
        assert words in standards
    assert 'href="../../standards/#likelihood"' in page(out, "briefings/first")
    topic = page(out, "topics/arms")
    assert "Current assessments" in topic and topic.count('class="assessment"') == 3
    assert "Current assessments" in page(out, "actors/nk")
    feed = ET.parse(out / "judgments.xml").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Lowered: Judgment shells.", "Confidence down: Judgment tech.",
                      "Confidence up: Judgment shells.", "Raised: Judgment shells.", "New: Judgment tech.",
                      "New: Judgment shells.", "New: Judgment wagner."]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "judgments/shells/" in sitemap and "standards/" in sitemap


def test_embargo_under_a_fixed_clock(desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    held = build(desk, tmp_path / "held", monkeypatch)
    tree = read_tree(held)
    assert not (held / "briefings/held").exists()
    assert not any(b"Held" in data or b"briefings/held" in data for data in tree.values())
    assert b"4 briefings" in (held / "topics/arms/index.html").read_bytes()
    released = build(desk, tmp_path / "released", monkeypatch, epoch=LATE)
    assert "Held" in page(released, "briefings") and "Embargoed" not in page(released, "briefings/held")
    assert "almost-certain" in page(released, "judgments/shells")
    preview = build(desk, tmp_path / "preview", monkeypatch, future=True)
    banner = page(preview, "briefings/held")
    assert re.search(r'<p class="embargo" role="note".*Embargoed until <time[^>]*>20 October 2023</time>, 06:00 '
                     r"UTC\+09:00", banner)


def test_an_up_to_date_build_notices_an_embargo_ending(make_site: SiteFactory, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Unchanged inputs build another site once an embargo ends: the stored state says until when it holds."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the wall clock, which moves on between the builds
    due = datetime.now(tz=UTC) + timedelta(seconds=2)
    files = dict(FILES)
    files["content/briefings/2023-10-20-held.md"] = files["content/briefings/2023-10-20-held.md"].replace(
        "2023-10-20T06:00:00+09:00", due.isoformat(timespec="seconds"))
    site, out = make_site(files), tmp_path / "out"
    options, policy = BuildOptions(out_dir=out), BuildPolicy(rebuilds=False)
    Builder(site, options, policy=policy).build()
    assert Builder(site, options, policy=policy).build().up_to_date
    time.sleep(max(0.0, (due - datetime.now(tz=UTC)).total_seconds()) + 1.1)
    later = Builder(site, options, policy=policy).build()
    assert not later.up_to_date and (out / "briefings/held/index.html").exists()


def test_stored_state_expires_with_the_first_embargo(tmp_path: Path) -> None:
    due = datetime(2023, 10, 20, tzinfo=UTC)
    state = SiteState(b"inputs", {}, 1, 1, embargo_ends=due)
    assert is_current(state, b"inputs", tmp_path, due - timedelta(seconds=1))
    assert not is_current(state, b"inputs", tmp_path, due)
    assert is_current(SiteState(b"inputs", {}, 1, 1), b"inputs", tmp_path, due)


def test_check_lists_embargoed_briefings(desk: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EARLY)
    assert main(["check", str(desk)]) == 0
    assert ("content/briefings/2023-10-20-held.md: note: embargoed until 2023-10-20T06:00+09:00"
            in capsys.readouterr().err)
    assert main(["check", str(desk), "--format", "json"]) == 0
    assert '"severity": "note", "message": "embargoed until 2023-10-20T06:00+09:00"' in capsys.readouterr().out


def test_serve_shows_an_embargoed_briefing_with_its_banner(desk: Path) -> None:
    """The preview includes briefings under embargo, each saying until when, so the desk can read them first."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SOURCE_DATE_EPOCH": EARLY}
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", str(desk), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/\S*)", line)
        assert match, line
        with urllib.request.urlopen(match.group(1).rstrip("/") + "/briefings/held/", timeout=30) as reply:
            html = reply.read().decode("utf-8")
        assert '<p class="embargo" role="note"' in html and "Embargoed until" in html
        with urllib.request.urlopen(match.group(1).rstrip("/") + "/judgments/shells/", timeout=30) as reply:
            assert "almost-certain" in reply.read().decode("utf-8")  # its judgments are in the preview's histories
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
