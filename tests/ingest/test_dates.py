"""Date-and-time lines of the wire layouts: the article's date is read from them and they leave the body.

Each layout has an article of its own in tests/ingest_eval/raw/ (written for the set, not copied).
The date is the calendar day a line prints, in the line's own zone; the Reuters, AP and ISO stamps
fall on another day in UTC, so a date that went through a time-zone conversion would show.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import SiteFactory

from site_builder.cli.main import main
from site_builder.core.errors import Diagnostics
from site_builder.core.ingest_rules import Rules, default_rules
from site_builder.ingest.articles import read_article
from site_builder.ingest.metadata import read_meta_line

REPO = Path(__file__).resolve().parents[2]
EVAL_RAW = REPO / "tests/ingest_eval/raw"
RULES = default_rules()
AD_LINES = ("Advertisement", "Advertisement · Scroll to continue", "Scroll to continue",
            "Story continues below advertisement", "Continue reading below")


@pytest.fixture(scope="module")
def rules() -> Rules:
    return RULES


@pytest.mark.parametrize(("name", "stamp", "day"), [
    ("reuters-txt-01.txt", "January 30, 2023 7:41 AM GMT+9 Updated 2 years ago", date(2023, 1, 30)),
    ("ap-html-01.html", "Updated 11:14 PM EST, January 28, 2023", date(2023, 1, 28)),
    ("yonhap-txt-01.txt", "2023.02.04 09:52", date(2023, 2, 4)),
    ("afp-wire-txt-01.txt", "Released: 03 Mar 2023 23:40 GMT Changed: 04 Mar 2023 01:15 GMT", date(2023, 3, 3)),
    ("iso-txt-01.txt", "2023-05-16T01:25:00+03:00", date(2023, 5, 16)),
])
def test_the_stamp_line_gives_the_date_and_leaves_the_body(rules: Rules, name: str, stamp: str, day: date) -> None:
    article = read_article(EVAL_RAW / name, rules, Diagnostics())
    assert article is not None
    assert article.date == day  # the day the line prints, in its own zone
    assert [d.rule for d in article.dropped if d.text == stamp] == ["date"]
    assert stamp not in article.body
    assert not set(article.paragraphs) & set(AD_LINES)


@pytest.mark.parametrize(("line", "day"), [
    # Reuters
    ("August 22, 2019 7:41 AM GMT+9 Updated 4 years ago", date(2019, 8, 22)),
    ("August 22, 2019 7:41 AM GMT+9", date(2019, 8, 22)),
    ("August 22, 2019 7:41 AM GMT+9 Updated a year ago", date(2019, 8, 22)),
    ("August 22, 2019 7:41 AM GMT+9 · Updated 4 years ago", date(2019, 8, 22)),
    ("August 22, 2019 7:41 AM GMT+9 Updated August 23, 2019", date(2019, 8, 22)),
    ("Updated August 23, 2019 2:10 AM GMT+9", date(2019, 8, 23)),
    # AP
    ("Updated 3:14 AM EST, January 29, 2023", date(2023, 1, 29)),
    ("Published 3:14 AM EST, January 29, 2023", date(2023, 1, 29)),
    ("Updated 5:00 AM EST, January 30, 2023 Published 11:50 PM EST, January 28, 2023", date(2023, 1, 28)),
    # Yonhap
    ("2023-01-29 14:00", date(2023, 1, 29)),
    ("2023.01.29 14:00", date(2023, 1, 29)),
    ("2023-01-29 14:00 KST", date(2023, 1, 29)),
    # AFP: the release, whichever order the labels come in
    ("Released: 29 Jan 2023 14:00 GMT Changed: 29 Jan 2023 15:10 GMT", date(2023, 1, 29)),
    ("Released: 28 Jan 2023 23:40 GMT, Changed: 29 Jan 2023 01:15 GMT", date(2023, 1, 28)),
    ("Changed: 29 Jan 2023 01:15 GMT Released: 28 Jan 2023 23:40 GMT", date(2023, 1, 28)),
    # ISO 8601
    ("2023-01-29T14:00:00+09:00", date(2023, 1, 29)),
    ("2023-01-29T23:30:00-05:00", date(2023, 1, 29)),
    ("2023-01-28T22:41:00Z", date(2023, 1, 28)),
    ("2023-01-29", date(2023, 1, 29)),
])
def test_wire_stamp_lines(rules: Rules, line: str, day: date) -> None:
    meta = read_meta_line(line, rules)
    assert meta is not None and (meta.rule, meta.date) == ("date", day)


def test_an_update_date_is_used_only_without_a_publication_date(rules: Rules) -> None:
    meta = read_meta_line("Updated 3:14 AM EST, January 29, 2023", rules)
    assert meta is not None and meta.is_update
    meta = read_meta_line("August 22, 2019 7:41 AM GMT+9 Updated August 23, 2019", rules)
    assert meta is not None and not meta.is_update


@pytest.mark.parametrize("line", ["Updated 4 years ago", "Updated a year ago"])
def test_an_age_alone_is_an_empty_label(rules: Rules, line: str) -> None:
    meta = read_meta_line(line, rules)
    assert meta is not None and (meta.rule, meta.date) == ("empty-label", None)


@pytest.mark.parametrize("line", AD_LINES)
def test_ad_and_scroll_lines_are_furniture(rules: Rules, line: str) -> None:
    rule = rules.furniture(line)
    assert rule is not None and rule.name == "advertisement" and rule.why


def test_ingest_writes_the_stamps_date(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({})
    assert main(["ingest", "--site", str(site), str(EVAL_RAW / "reuters-txt-01.txt")]) == 0
    dest = site / "content/briefings/2023-01-30-russia-and-north-korea-open-second-rail-crossing-for-freight.md"
    text = dest.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Russia and North Korea open second rail crossing for freight"\n'
                           "date: 2023-01-30\nsection: World\ndateline: Vladivostok, Russia\nagency: Reuters\n")
    assert "GMT+9" not in text and "Scroll to continue" not in text
    assert main(["build", str(site), "-q"]) == 0
