"""Judgments, graded sources, revisions and publish_at in front matter: values read, every mistake at file:line:col."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import MINIMAL_CONFIG, SiteFactory

from site_builder.content.loader import is_embargoed, load_briefing
from site_builder.core.config import load_config
from site_builder.core.errors import Diagnostics
from site_builder.core.models import Briefing

REL = "content/briefings/a.md"

GOOD = """\
---
title: Shells
date: 2023-10-13
topics: [arms]
sources:
  - id: kirby
    title: Press briefing
    publisher: White House
    date: 2023-10-13
    reliability: b
    credibility: 2
    archived: https://archive.example.org/kirby
  - Untitled wire copy
judgments:
  - id: shells
    text: "North Korea supplies shells."
    likelihood: very-likely
    confidence: moderate
    basis: [kirby]
revisions:
  - {date: 2023-10-16, note: Graded the imagery.}
  - {date: 2023-10-14, note: Raised the likelihood.}
publish_at: 2023-10-15T06:00:00+09:00
---

Body.
"""


def load(site: Path, config_text: str | None = None) -> tuple[Briefing | None, list[str]]:
    found = Diagnostics()
    briefing = load_briefing(site, REL, load_config(site), found)
    return briefing, [d.format() for d in [*found, *found.warnings]]


def test_reads_judgments_sources_revisions_and_publish_at(make_site: SiteFactory) -> None:
    b, problems = load(make_site({REL: GOOD}))
    assert problems == [] and b is not None
    (j,) = b.judgments
    assert (j.id, j.text, j.likelihood, j.confidence, j.basis) == (
        "shells", "North Korea supplies shells.", "very-likely", "moderate", ("kirby",))
    assert (j.text_line, j.text_column) == (16, 12)  # inside the quotes, where the words start
    kirby, wire = b.sources
    assert (kirby.id, kirby.reliability, kirby.credibility, kirby.archived) == (
        "kirby", "B", 2, "https://archive.example.org/kirby")
    assert (wire.id, wire.reliability, wire.credibility) == ("", "", None)
    assert [r.date for r in b.revisions] == [date(2023, 10, 14), date(2023, 10, 16)]  # oldest first
    assert b.updated == datetime(2023, 10, 16, tzinfo=ZoneInfo("UTC"))  # the last revision's date
    assert b.publish_at == datetime.fromisoformat("2023-10-15T06:00:00+09:00")


def test_updated_given_wins_over_revisions(make_site: SiteFactory) -> None:
    b, _ = load(make_site({REL: GOOD.replace("date: 2023-10-13\n", "date: 2023-10-13\nupdated: 2023-10-20\n", 1)}))
    assert b is not None and b.updated == datetime(2023, 10, 20, tzinfo=ZoneInfo("UTC"))


def test_embargo_is_a_matter_of_the_clock(make_site: SiteFactory) -> None:
    b, _ = load(make_site({REL: GOOD}))
    assert b is not None
    assert is_embargoed(b, datetime.fromisoformat("2023-10-15T05:59:00+09:00"))
    assert not is_embargoed(b, datetime.fromisoformat("2023-10-15T06:00:00+09:00"))
    assert not is_embargoed(b, None)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("likelihood: very-likely", "likelihood: probable",
     "content/briefings/a.md:17:17: error: likelihood 'probable' is not on the icd-203 scale (use one of "
     "almost-no-chance, very-unlikely, unlikely, roughly-even-chance, likely, very-likely, almost-certain)"),
    ("likelihood: very-likely", "likelihood: very-likly",
     "content/briefings/a.md:17:17: error: likelihood 'very-likly' is not on the icd-203 scale (did you mean "
     "'very-likely'? use one of almost-no-chance, very-unlikely, unlikely, roughly-even-chance, likely, "
     "very-likely, almost-certain)"),
    ("confidence: moderate", "confidence: medium",
     "content/briefings/a.md:18:17: error: confidence 'medium' is not a confidence level "
     "(use one of high, moderate, low)"),
    ("basis: [kirby]", "basis: [kirby, imagery]",
     "content/briefings/a.md:19:20: error: basis 'imagery' names no source of this briefing (use one of kirby)"),
    ("reliability: b", "reliability: G",
     "content/briefings/a.md:10:18: error: 'reliability' must be a letter from A to F, not 'G' (A completely "
     "reliable, B usually reliable, C fairly reliable, D not usually reliable, E unreliable, F cannot be judged)"),
    ("credibility: 2", "credibility: 7",
     "content/briefings/a.md:11:18: error: 'credibility' must be a number from 1 to 6, not 7 (1 confirmed, "
     "2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged)"),
    ("  - id: shells", "  - id: Shells Now",
     "content/briefings/a.md:15:9: error: judgment id 'Shells Now' must be lowercase words joined by hyphens "
     "(use 'shells-now')"),
])
def test_each_mistake_is_named_where_it_stands(make_site: SiteFactory, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    _, problems = load(make_site({REL: GOOD.replace(old, new, 1)}))
    assert problems == [expected]


def test_ids_used_twice_and_all_errors_at_once(make_site: SiteFactory) -> None:
    text = GOOD.replace("""  - Untitled wire copy
""", """  - id: kirby
    title: Another
""").replace("""revisions:""", """  - id: shells
    text: Again.
    likelihood: sure
    confidence: low
revisions:""")
    _, problems = load(make_site({REL: text}))
    assert problems == [
        "content/briefings/a.md:13:9: error: source id 'kirby' is used twice in this briefing "
        "(give each source its own id)",
        "content/briefings/a.md:21:9: error: judgment id 'shells' is used twice in this briefing "
        "(give each judgment its own id)",
        "content/briefings/a.md:23:17: error: likelihood 'sure' is not on the icd-203 scale (use one of "
        "almost-no-chance, very-unlikely, unlikely, roughly-even-chance, likely, very-likely, almost-certain)",
    ]


def test_a_judgment_needs_its_four_fields(make_site: SiteFactory) -> None:
    text = GOOD.replace('''    text: "North Korea supplies shells."
    likelihood: very-likely
    confidence: moderate
''', "")
    _, problems = load(make_site({REL: text}))
    assert problems == [
        "content/briefings/a.md:15:5: error: judgment is missing required field 'confidence' (add 'confidence: ...')",
        "content/briefings/a.md:15:5: error: judgment is missing required field 'likelihood' (add 'likelihood: ...')",
        "content/briefings/a.md:15:5: error: judgment is missing required field 'text' (add 'text: ...')",
    ]


def test_a_custom_scale_checks_judgments_against_its_keys(make_site: SiteFactory) -> None:
    config = MINIMAL_CONFIG + "tradecraft:\n  scale:\n    - {key: low, label: Low, range: 0-40}\n" \
                              "    - {key: high, label: High, range: 60-100}\n"
    _, problems = load(make_site({REL: GOOD}, config))
    assert problems == ["content/briefings/a.md:17:17: error: likelihood 'very-likely' is not on the custom "
                        "scale (use one of low, high)"]
