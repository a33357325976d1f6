"""Content files to models: front matter, dates, extra keys, line numbers of errors."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SiteFactory, briefing

from site_builder.content import loader as content_module
from site_builder.content.loader import (
    load_actor,
    load_briefing,
    load_content,
    load_page,
    load_topic,
    split_front_matter,
)
from site_builder.core.config import load_config
from site_builder.core.errors import Diagnostics
from site_builder.core.processes import in_two
from site_builder.core.site_files import discover


def load_one(site: Path, rel: str) -> tuple[object, list[str]]:
    d = Diagnostics()
    loader = {"briefings": load_briefing, "actors": load_actor}[rel.split("/")[1]]
    model = loader(site, rel, load_config(site), d)
    return model, [x.format() for x in d]


def test_split_front_matter_lines() -> None:
    d = Diagnostics()
    assert split_front_matter("---\na: 1\n---\nbody\n", "x.md", d) == ("a: 1\n", "body\n", 4)
    assert split_front_matter("---\na: 1\n...\n\nbody", "x.md", d) == ("a: 1\n", "\nbody", 4)
    assert not d
    assert split_front_matter("---\na: 1\n", "x.md", d) is None
    assert [x.format() for x in d] == [
        "x.md:1:1: error: front matter opened at line 1 is never closed "
        "(add a line with only '---' after the last front matter line)"
    ]


def test_full_briefing(make_site: SiteFactory) -> None:
    site = make_site({"content/briefings/2023-01-29-nk-denies.md": """\
        ---
        title: "North Korea denies: arms"
        date: 2023-01-29
        updated: 2023-01-30T10:00:00+09:00
        summary: Short.
        key_points: [one, two]
        topics: [War in Ukraine, sanctions]
        actors: [kim-jong-un]
        sources:
          - {title: AFP wire, url: "https://example.org/a", publisher: AFP, date: 2023-01-29}
        dateline: Seoul
        agency: AFP
        section: World News
        ---

        Body.
        """})
    b, errs = load_one(site, "content/briefings/2023-01-29-nk-denies.md")
    assert errs == []
    assert b.slug == "nk-denies"
    assert b.title == "North Korea denies: arms"
    assert b.date == datetime(2023, 1, 29, tzinfo=b.date.tzinfo) and b.date.utcoffset() == timedelta(0)
    assert b.updated.utcoffset() == timedelta(hours=9)
    assert b.topics == ("war-in-ukraine", "sanctions")
    assert b.actors == ("kim-jong-un",) and b.actor_lines == (8,)
    assert b.sources[0].url == "https://example.org/a" and b.sources[0].date.isoformat() == "2023-01-29"
    assert b.extra == {"section": "World News"}
    assert b.body_line == 15 and b.body.strip() == "Body."


def test_dates_in_site_timezone(make_site: SiteFactory) -> None:
    site = make_site({"content/briefings/a.md": briefing(date="2023-05-01")}, config="timezone: Asia/Seoul\n")
    b, _ = load_one(site, "content/briefings/a.md")
    assert b.date.utcoffset() == timedelta(hours=9)
    site = make_site({"content/briefings/a.md": briefing(date="2023-05-01T08:00:00Z")})
    b, _ = load_one(site, "content/briefings/a.md")
    assert b.date == datetime(2023, 5, 1, 8, tzinfo=UTC)


def test_briefing_errors_are_all_reported(make_site: SiteFactory) -> None:
    site = make_site({"content/briefings/a.md": "---\ndate: 2023-02-31\nkey_points: {a: 1}\nslug: ../../x\n---\n"})
    b, errs = load_one(site, "content/briefings/a.md")
    assert b is not None  # still returned so its references are checked in the same pass
    assert errs == [
        "content/briefings/a.md:2:1: error: front matter is missing required field 'title' (add 'title: ...')",
        "content/briefings/a.md:2:7: error: 'date' is not a real date: '2023-02-31' "
        "(write YYYY-MM-DD or an ISO 8601 date-time with a zone, e.g. 2023-01-29T09:30:00+09:00)",
        "content/briefings/a.md:3:13: error: 'key_points' must be a list, not a mapping (write '- item' lines)",
        "content/briefings/a.md:4:7: error: slug '../../x' is not a single lowercase word-and-hyphen segment "
        "(use 'x')",
    ]


def test_source_with_javascript_url_is_an_error(make_site: SiteFactory) -> None:
    site = make_site({"content/briefings/a.md": briefing(sources='[{title: t, url: "javascript:alert(1)"}]')})
    _, errs = load_one(site, "content/briefings/a.md")
    assert errs == ["content/briefings/a.md:4:27: error: source url uses a scheme that is not allowed: "
                    "'javascript:alert(1)' (use an http(s) URL)"]


def test_actor_file(make_site: SiteFactory) -> None:
    site = make_site({"content/actors/kim-yo-jong.yaml": """\
        name: Kim Yo Jong
        type: person
        aliases: [Kim Yo-jong]
        country: north-korea
        roles:
          - {title: Vice department director, of: wpk, from: 2014, to: 2023-06}
        relations:
          - {actor: kim-jong-un, kind: Sister of}
        links: {wikipedia: "https://en.wikipedia.org/wiki/Kim_Yo_Jong"}
        nickname: Yo
        """})
    a, errs = load_one(site, "content/actors/kim-yo-jong.yaml")
    assert errs == []
    assert (a.id, a.name, a.type, a.aliases, a.alias_lines) == ("kim-yo-jong", "Kim Yo Jong", "person",
                                                                  ("Kim Yo-jong",), (3,))
    assert a.roles[0].of == "wpk" and (a.roles[0].start, a.roles[0].end) == ("2014", "2023-06")
    assert a.relations[0].kind == "sister-of" and a.relations[0].line == 8
    assert a.links["wikipedia"].startswith("https://")
    assert a.extra == {"nickname": "Yo"}


def test_actor_errors(make_site: SiteFactory) -> None:
    site = make_site({"content/actors/Bad_Name.yaml": "type: persn\nlinks: {site: 'javascript:x'}\n"})
    a, errs = load_one(site, "content/actors/Bad_Name.yaml")
    assert a is not None
    assert errs == [
        "content/actors/Bad_Name.yaml:1:1: error: actor file is missing required field 'name' (add 'name: ...')",
        "content/actors/Bad_Name.yaml:1:1: error: actor id 'Bad_Name' (the file name) must be lowercase words "
        "joined by hyphens (rename the file to bad-name.yaml)",
        "content/actors/Bad_Name.yaml:1:7: error: 'type' must be one of armed-group, organization, person, state, "
        "not 'persn' (did you mean 'person'?)",
        "content/actors/Bad_Name.yaml:2:15: error: link 'site' uses a scheme that is not allowed: 'javascript:x' "
        "(use an http(s) URL)",
    ]


def test_topic_and_page(make_site: SiteFactory) -> None:
    site = make_site({
        "content/topics/sanctions.yaml": "title: Sanctions\nsummary: Who is sanctioned.\n",
        "content/pages/about.md": "---\ntitle: About\nweight: 2\n---\n\nWe are a desk.\n",
    })
    d = Diagnostics()
    topic = load_topic(site, "content/topics/sanctions.yaml", d)
    page = load_page(site, "content/pages/about.md", d)
    assert not d
    assert topic.title == "Sanctions" and topic.slug == "sanctions"
    assert (page.slug, page.weight, page.body_line) == ("about", 2, 5)


def test_bom_and_crlf(make_site: SiteFactory) -> None:
    raw = "\ufeff---\r\ntitle: T\r\ndate: 2023-01-01\r\n---\r\n\r\nBody\r\n".encode()
    site = make_site({"content/briefings/a.md": raw})
    b, errs = load_one(site, "content/briefings/a.md")
    assert errs == [] and b.title == "T" and b.body == "\nBody\n"


def test_invalid_utf8_names_line(make_site: SiteFactory) -> None:
    site = make_site({"content/briefings/a.md": b"---\ntitle: T\ndate: 2023-01-01\n---\n\nabc \xff\n"})
    _, errs = load_one(site, "content/briefings/a.md")
    assert errs == ["content/briefings/a.md:6:5: error: file is not valid UTF-8 (byte 0xff) (save the file as UTF-8)"]


def test_briefings_read_in_two_processes_equal_one(make_site: SiteFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same models, and the same problems in file order, whichever process read which file."""
    assert threading.active_count() == 1, "another test left a thread running; no process would be forked"
    files = {f"content/briefings/b{n:02d}.md": briefing(f"Briefing {n}", f"2023-01-{n % 28 + 1:02d}", f"Body {n}.")
             for n in range(20)}
    files["content/briefings/b03.md"] = briefing("Bad early", "2023-02-30")
    files["content/briefings/b17.md"] = "---\ntitle: [unclosed\n---\n\nBody.\n"
    site = make_site(files)
    config = load_config(site)
    found = discover(site, config.output_dir)
    monkeypatch.setattr(content_module, "PARALLEL_MIN", 2)
    results = []
    for processes in (1, 2):
        diagnostics = Diagnostics()
        results.append((load_content(site, found, config, diagnostics, processes=processes),
                        [d.format() for d in diagnostics]))
    (one, one_problems), (two, two_problems) = results
    assert two == one and two_problems == one_problems
    assert [p.split(":")[0] for p in one_problems] == ["content/briefings/b03.md", "content/briefings/b17.md"]
    assert len(one[0].briefings) == 19  # the unparsable one is left out, the one with a bad date kept


def test_reading_in_two_falls_back_when_the_worker_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def work(items: Sequence[int]) -> list[int]:
        return [i * 2 for i in items]

    def broken(result: list[int]) -> bytes:
        raise RuntimeError("cannot send")  # in the worker only: this process never encodes

    assert in_two(list(range(10)), work, broken) == ([0, 2, 4, 6, 8], [10, 12, 14, 16, 18])


def test_oversized_front_matter_and_body_are_errors_and_large_bodies_build(make_site: SiteFactory) -> None:
    big_front = "---\ntitle: Big\ndate: 2023-01-01\nextra: {notes: '" + "x" * (2**20) + "'}\n---\n\nBody.\n"
    big_body = briefing(title="Long", body="word " * (2 * 2**20 + 10))  # a little over 10 MiB
    site = make_site({"content/briefings/a.md": big_front, "content/briefings/b.md": big_body,
                      "content/briefings/c.md": briefing(title="Fine", body="word " * 100_000),  # 500 KB builds
                      "content/actors/huge.yaml": "name: Huge\nsummary: '" + "y" * (2**20) + "'\n"})
    diagnostics = Diagnostics()
    content, _ = load_content(site, discover(site), load_config(site), diagnostics)
    assert [d.format() for d in diagnostics] == [
        "content/actors/huge.yaml:1: error: the file is 1.0 MiB, over the limit of 1 MiB "
        "(split it, or move the data out of the site's sources)",
        "content/briefings/a.md:1: error: the front matter is 1.0 MiB, over the limit of 1 MiB "
        "(split it, or move the data out of the site's sources)",
        "content/briefings/b.md:5: error: the body is 10.0 MiB, over the limit of 10 MiB "
        "(split it, or move the data out of the site's sources)",
    ]
    assert [b.title for b in content.briefings] == ["Fine"]
