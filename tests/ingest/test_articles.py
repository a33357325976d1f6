"""`site-builder ingest`: files written, idempotence, --force, the desk's fields, dates, rules, errors, the seed."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import pytest
from conftest import SiteFactory, read_tree

from site_builder.cli.main import main

REPO = Path(__file__).resolve().parents[2]
EVAL_RAW = REPO / "tests/ingest_eval/raw"
SEED_NAME = "000_25a29b58037e4e9f.txt"
SEED_COPY = EVAL_RAW / SEED_NAME  # the raw seed article, as scraped, with its boilerplate
SEED_SHA256 = "ea25470e189238798fdb6748d276c3aa52caa3259515c4541131df1bf01af656"  # of the article as received
SEED_BRIEFING = "content/briefings/2023-01-29-north-korea-denies-arms-dealing-with-russia.md"

ACTORS = {
    "content/actors/north-korea.yaml": "name: North Korea\ntype: state\naliases: [Pyongyang, North Korean]\n",
    "content/actors/russia.yaml": "name: Russia\ntype: state\naliases: [Moscow]\n",
}
RAW = """\
World News

North Korea sends shells to Russia, officials say

Published: 2023-03-09 10:15 | Updated: 2023-03-09 12:00

SEOUL, March 9 (Yonhap) -- North Korea has sent more artillery shells to Russia by rail, officials in Seoul said on Thursday, citing satellite images of a border station.

The images show freight cars loaded at a depot near the border city of Rason, according to the Hanbit Institute.

Pyongyang has denied any arms trade with Moscow, calling the reports a fabrication.

Related Articles

Leave a Reply
"""
EXPECTED = """\
---
title: "North Korea sends shells to Russia, officials say"
date: 2023-03-09
section: World News
dateline: Seoul
agency: Yonhap
original: shells.txt
actors: [north-korea, russia]
---

North Korea has sent more artillery shells to Russia by rail, officials in Seoul said on Thursday, citing satellite images of a border station.

The images show freight cars loaded at a depot near the border city of Rason, according to the Hanbit Institute.

Pyongyang has denied any arms trade with Moscow, calling the reports a fabrication.
"""
DEST = "content/briefings/2023-03-09-north-korea-sends-shells-to-russia-officials-say.md"


@pytest.fixture
def site(make_site: SiteFactory) -> Path:
    return make_site(dict(ACTORS))


def raw_file(tmp_path: Path, text: str = RAW, name: str = "shells.txt") -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def ingest(site: Path, *args: str | Path) -> int:
    return main(["ingest", "--site", str(site), *(str(a) for a in args)])


def test_writes_a_briefing_and_prints_its_path(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ingest(site, raw_file(tmp_path)) == 0
    assert (site / DEST).read_text(encoding="utf-8") == EXPECTED
    err = capsys.readouterr().err
    assert f"wrote {DEST} (from " in err
    assert "names not in the registry: Seoul, Rason, Hanbit Institute" in err
    assert "ingested 1 file: 1 new, 0 updated, 0 unchanged" in err
    assert main(["build", str(site), "-q"]) == 0  # what ingest writes builds


def test_running_twice_changes_nothing(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = raw_file(tmp_path)
    assert ingest(site, raw) == 0
    before = read_tree(site / "content")
    stamp = (site / DEST).stat().st_mtime_ns
    assert ingest(site, raw) == 0
    assert read_tree(site / "content") == before and (site / DEST).stat().st_mtime_ns == stamp
    assert f"unchanged {DEST}" in capsys.readouterr().err


def test_never_overwrites_without_force(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = raw_file(tmp_path)
    assert ingest(site, raw) == 0
    raw_file(tmp_path, RAW.replace("calling the reports a fabrication", "calling the reports lies"))
    assert ingest(site, raw) == 1
    err = capsys.readouterr().err
    assert f"{DEST}: error: already ingested from {raw.as_posix()} and the new result differs" in err
    assert "1 error; nothing was written" in err
    assert (site / DEST).read_text(encoding="utf-8") == EXPECTED
    assert ingest(site, raw, "--force") == 0
    assert "calling the reports lies" in (site / DEST).read_text(encoding="utf-8")
    assert f"updated {DEST}" in capsys.readouterr().err


def test_the_desks_fields_survive_reingesting(site: Path, tmp_path: Path) -> None:
    """Summary, topics, added actors and the date stay as written, even after the desk renamed the file."""
    raw = raw_file(tmp_path, RAW.replace("Published: 2023-03-09 10:15 | Updated: 2023-03-09 12:00", "Released:"))
    assert ingest(site, raw, "--date", "2023-03-08") == 0
    written = site / "content/briefings/2023-03-08-north-korea-sends-shells-to-russia-officials-say.md"
    edited = written.read_text(encoding="utf-8").replace("date: 2023-03-08\n", "").replace(
        "actors: [north-korea, russia]\n",
        "actors: [north-korea, russia, kcna]\n"
        "# the desk's summary\nsummary: >-\n  Shells by rail.\n\ntopics: [sanctions]\ndate: 2023-03-09\n")
    renamed = site / "content/briefings/2023-03-09-shells.md"
    renamed.write_text(edited, encoding="utf-8")
    written.unlink()
    raw_file(tmp_path, RAW.replace("Published: 2023-03-09 10:15 | Updated: 2023-03-09 12:00", "Released:")
             .replace("by rail", "by rail and sea"))
    assert ingest(site, raw, "--force") == 0
    text = renamed.read_text(encoding="utf-8")
    assert "by rail and sea" in text
    assert text.startswith('---\ntitle: "North Korea sends shells to Russia, officials say"\ndate: 2023-03-09\n')
    assert "actors: [north-korea, russia, kcna]\n# the desk's summary\nsummary: >-\n  Shells by rail.\n\n" \
           "topics: [sanctions]\n---\n" in text
    assert sorted(p.name for p in (site / "content/briefings").iterdir()) == ["2023-03-09-shells.md"]


def test_a_new_article_never_takes_another_briefings_name(site: Path, tmp_path: Path) -> None:
    (site / DEST).parent.mkdir(parents=True)
    (site / DEST).write_text("---\ntitle: Someone else's\ndate: 2023-03-09\n---\n\nText.\n", encoding="utf-8")
    assert ingest(site, raw_file(tmp_path)) == 0
    assert (site / DEST).read_text(encoding="utf-8").startswith("---\ntitle: Someone else's")
    assert (site / DEST.replace("say.md", "say-2.md")).read_text(encoding="utf-8") == EXPECTED


def test_an_article_without_a_date_is_refused(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A briefing without `date:` fails the build, so ingest writes nothing and asks for --date."""
    raw = raw_file(tmp_path, RAW.replace("Published: 2023-03-09 10:15 | Updated: 2023-03-09 12:00", ""))
    good = raw_file(tmp_path, RAW, "dated.txt")
    assert ingest(site, good, raw) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{raw.as_posix()}: error: no date found in the article (pass --date YYYY-MM-DD)",
        "1 error; nothing was written",
    ]
    assert not (site / "content/briefings").exists()


def test_date_option_dates_an_article_without_one(site: Path, tmp_path: Path) -> None:
    raw = raw_file(tmp_path, RAW.replace("Published: 2023-03-09 10:15 | Updated: 2023-03-09 12:00", ""))
    assert ingest(site, raw, "--date", "2023-03-10") == 0
    dest = "content/briefings/2023-03-10-north-korea-sends-shells-to-russia-officials-say.md"
    assert (site / dest).read_text(encoding="utf-8") == EXPECTED.replace("date: 2023-03-09", "date: 2023-03-10")
    assert main(["build", str(site), "-q"]) == 0


def test_date_option_wins_over_the_articles_date(site: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The user asked for this date explicitly; --explain shows what the article said."""
    raw = raw_file(tmp_path)
    assert ingest(site, raw, "--date", "2023-03-10", "--explain") == 0
    dest = "content/briefings/2023-03-10-north-korea-sends-shells-to-russia-officials-say.md"
    assert (site / dest).read_text(encoding="utf-8") == EXPECTED.replace("date: 2023-03-09", "date: 2023-03-10")
    assert "  date: 2023-03-10 (--date; the article gives 2023-03-09)" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["2023-02-30", "09.03.2023", "2023-3-9", "yesterday"])
def test_date_option_must_be_a_real_date(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         value: str) -> None:
    assert ingest(site, raw_file(tmp_path), "--date", value) == 2
    err = capsys.readouterr().err
    assert f"site-builder: error: --date must be a real date written YYYY-MM-DD, not {value!r}" in err
    assert not (site / "content/briefings").exists()


def test_the_desks_date_counts_when_the_article_has_none(site: Path, tmp_path: Path) -> None:
    """Ingesting again needs no --date when the briefing on disk has one: it is kept."""
    raw = raw_file(tmp_path, RAW.replace("Published: 2023-03-09 10:15 | Updated: 2023-03-09 12:00", ""))
    assert ingest(site, raw, "--date", "2023-03-10") == 0
    raw_file(tmp_path, RAW.replace("Published: 2023-03-09 10:15 | Updated: 2023-03-09 12:00", "")
             .replace("by rail", "by rail and sea"))
    assert ingest(site, raw, "--force") == 0
    text = (site / "content/briefings/2023-03-10-north-korea-sends-shells-to-russia-officials-say.md").read_text(
        encoding="utf-8")
    assert "date: 2023-03-10\n" in text and "by rail and sea" in text


def test_an_article_without_a_title_is_refused(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = raw_file(tmp_path, "2023-03-09 10:15\n\n" + RAW.split("\n\n", 3)[3])  # no lines above the dateline
    assert ingest(site, raw) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{raw.as_posix()}: error: no title found in the article "
        "(put the headline on a line of its own above the article)",
        "1 error; nothing was written",
    ]


def test_html_input(site: Path) -> None:
    assert ingest(site, EVAL_RAW / "cms-html-01.html") == 0
    text = (site / "content/briefings/2023-01-12-drones-hit-power-plant-near-kyiv-as-temperatures-drop.md").read_text(
        encoding="utf-8")
    assert text.startswith('---\ntitle: "Drones hit power plant near Kyiv as temperatures drop"\ndate: 2023-01-12\n'
                           "section: World\ndateline: Kyiv, Ukraine\nagency: AP\noriginal: cms-html-01.html\n")
    assert "\n\nA wave of drones struck a thermal power plant" in text and "READ MORE" not in text


def test_folders_and_determinism(make_site: SiteFactory) -> None:
    first, second = make_site(dict(ACTORS)), make_site(dict(ACTORS))
    assert ingest(first, EVAL_RAW, "--date", "2023-01-29") == 0  # the seed gives no date of its own
    assert ingest(second, *sorted(EVAL_RAW.iterdir(), reverse=True), "--date", "2023-01-29") == 0
    assert read_tree(first / "content") == read_tree(second / "content")
    assert len(list((first / "content/briefings").iterdir())) == len(list(EVAL_RAW.glob("*.*")))


def test_explain_prints_every_dropped_line(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = raw_file(tmp_path)
    assert ingest(site, raw, "--explain") == 0
    out = capsys.readouterr().out.splitlines()
    name = raw.as_posix()
    assert f"{name}:1: section: World News" in out
    assert f"{name}:3: title: North Korea sends shells to Russia, officials say" in out
    assert f"{name}:5: date: Published: 2023-03-09 10:15 | Updated: 2023-03-09 12:00" in out
    assert f"{name}:7: dateline: SEOUL, March 9 (Yonhap) --" in out
    assert f"{name}:13: related: Related Articles" in out
    assert f"{name}:15: tail after related: Leave a Reply" in out


def test_progress_only_on_a_terminal(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    inputs = [raw_file(tmp_path, RAW.replace("shells", f"shells {n}"), f"s{n:02}.txt") for n in range(10)]
    assert ingest(site, *inputs) == 0
    assert "\r" not in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert ingest(site, *inputs) == 0
    assert "\ringesting 10/10" in capsys.readouterr().err


def test_site_rules_extend_the_shipped_ones(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site(dict(ACTORS), config="title: Desk\ningest:\n  sections: [Inter-Korean]\n"
                     "  agencies: {NK News: [NKNews]}\n  boilerplate:\n    - name: desk-promo\n"
                     "      match: ['Get the Korea Desk newsletter.*']\n")
    raw = raw_file(tmp_path, "Inter-Korean\n\nNorth Korea sends shells to Russia, officials say\n\n"
                   "SEOUL (NK News) -- North Korea has sent more artillery shells to Russia by rail, officials said.\n\n"
                   "Get the Korea Desk newsletter every morning\n\nPyongyang denied it, calling the reports lies.\n")
    assert ingest(site, raw, "--date", "2023-03-09") == 0
    text = (site / "content/briefings/2023-03-09-north-korea-sends-shells-to-russia-officials-say.md").read_text(
        encoding="utf-8")
    assert "section: Inter-Korean\ndateline: Seoul\nagency: NK News\n" in text
    assert "newsletter" not in text


def test_bad_site_rules_are_reported_with_lines(make_site: SiteFactory, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(dict(ACTORS), config="title: Desk\ningest:\n  boilerplate:\n    - name: broken\n"
                     "      match: ['(unclosed']\n  sektions: [X]\n")
    assert ingest(site, raw_file(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "config.yaml:5:15: error: invalid regular expression '(unclosed'" in err
    assert "config.yaml:6:3: error: unknown key 'ingest.sektions' (did you mean 'sections'?)" in err
    assert not (site / "content/briefings").exists()


def test_one_bad_input_writes_nothing(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = raw_file(tmp_path)
    bad = tmp_path / "inbox/latin1.txt"
    bad.write_bytes("Caf\xe9 owners protest\n\nA long enough sentence about the cafe owners.\n".encode("latin-1"))
    empty = raw_file(tmp_path, "Advertisement\n\nShare\n", "empty.txt")
    assert ingest(site, good, bad, empty) == 1
    err = capsys.readouterr().err
    assert f"{bad.as_posix()}:1:4: error: file is not valid UTF-8 (byte 0xe9) (save the file as UTF-8)" in err
    assert f"{empty.as_posix()}: error: no article text left after cleaning" in err
    assert not (site / "content/briefings").exists()


def test_two_inputs_with_one_name_are_an_error(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "shells.txt").write_text(RAW, encoding="utf-8")
    assert ingest(site, raw_file(tmp_path), other / "shells.txt") == 1
    assert "another input has the same file name" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["missing.txt"], "'missing.txt' does not exist"),
    (["notes.md"], "'notes.md' is not a .txt or .html file"),
    (["empty-folder"], "'empty-folder' has no .txt or .html files"),
    (["--site", "no-such-site", "x.txt"], "site folder 'no-such-site' does not exist"),
])
def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                      args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty-folder").mkdir()
    assert main(["ingest", *args]) == 2
    assert message in capsys.readouterr().err


def test_the_seed_is_the_article_as_received() -> None:
    """The raw seed is never cleaned by hand: its bytes are those of the scraped article."""
    assert hashlib.sha256(SEED_COPY.read_bytes()).hexdigest() == SEED_SHA256


def test_committed_seed_briefing_is_what_ingest_produces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ingesting the seed into a copy of the example desk leaves the committed briefing byte for byte."""
    desk = tmp_path / "desk"
    shutil.copytree(REPO / "content", desk / "content")
    shutil.copy(REPO / "config.yaml", desk / "config.yaml")
    assert ingest(desk, SEED_COPY) == 0
    assert f"unchanged {SEED_BRIEFING}" in capsys.readouterr().err
    assert (desk / SEED_BRIEFING).read_bytes() == (REPO / SEED_BRIEFING).read_bytes()


def test_seed_body_and_ingest_fields_come_from_ingest_alone(tmp_path: Path) -> None:
    """In a desk without the briefing, ingest writes the same body and fields; the seed gives no date, so it is
    passed with --date, and the desk adds the rest."""
    desk = tmp_path / "desk"
    shutil.copytree(REPO / "content/actors", desk / "content/actors")
    shutil.copy(REPO / "config.yaml", desk / "config.yaml")
    assert ingest(desk, SEED_COPY) == 1
    assert ingest(desk, SEED_COPY, "--date", "2023-01-29") == 0
    fresh = (desk / SEED_BRIEFING).read_text(encoding="utf-8")
    committed = (REPO / SEED_BRIEFING).read_text(encoding="utf-8")
    fresh_head, fresh_body = fresh.split("\n---\n", 1)
    committed_head, committed_body = committed.split("\n---\n", 1)
    assert fresh_body == committed_body
    for line in fresh_head.splitlines()[1:]:
        if line.startswith("actors: ["):
            assert committed_head.count(line[:-1]) == 1  # the desk's ids come after ingest's
        else:
            assert line in committed_head.splitlines()


def test_explain_shows_why_nothing_was_left(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = raw_file(tmp_path, "Advertisement\n\nShare\n", "empty.txt")
    assert ingest(site, empty, "--explain") == 1
    captured = capsys.readouterr()
    assert f"{empty.as_posix()} -> (nothing written)" in captured.out
    assert f"{empty.as_posix()}:1: advertisement: Advertisement" in captured.out
    assert f"{empty.as_posix()}: error: no article text left after cleaning" in captured.err


def test_html_date_never_comes_from_prose(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A date in a sentence is not the article's date: without markup or a date line, ingest asks for --date."""
    page = ("<html><head><title>Allies plan drills</title></head><body><article><h1>Allies plan drills</h1>"
            "<p>SEOUL (AP) — South Korea and the United States will hold large drills next month, officials said.</p>"
            "<p>The drills are scheduled to end on February 1, 2024, and will involve thousands of troops.</p>"
            "<p>North Korea has called such drills rehearsals for an invasion and often responds with launches.</p>"
            "</article></body></html>")
    raw = raw_file(tmp_path, page, "drills.html")
    assert ingest(site, raw) == 1
    assert f"{raw.as_posix()}: error: no date found in the article (pass --date YYYY-MM-DD)" in capsys.readouterr().err
    assert ingest(site, raw, "--date", "2024-01-10") == 0
    text = (site / "content/briefings/2024-01-10-allies-plan-drills.md").read_text(encoding="utf-8")
    assert "date: 2024-01-10\ndateline: Seoul\nagency: AP\n" in text


def test_site_rules_can_be_validated_on_their_own() -> None:
    from site_builder.core.errors import Diagnostics
    from site_builder.core.ingest_rules import validate_site_rules
    from site_builder.core.yaml_files import parse_yaml

    node = parse_yaml("ingest:\n  agencies: [NK News]\n  boilerplate:\n    - {name: x, match: '[a-'}\n", "config.yaml")
    diagnostics = Diagnostics()
    validate_site_rules(node.value["ingest"], "config.yaml", diagnostics)
    assert [d.format() for d in diagnostics] == [
        "config.yaml:4:24: error: invalid regular expression '[a-': unterminated character set at position 0 "
        "(patterns are Python regular expressions matched against a whole line)"]
