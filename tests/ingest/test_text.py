"""The cleaning rules: metadata lines, datelines, furniture, tail cuts, unwrapping and repairs."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from site_builder.core.ingest_rules import Rules, default_rules
from site_builder.ingest.metadata import find_date, normal_place, read_byline, read_meta_line, split_dateline
from site_builder.ingest.text import clean_text, escape_markdown, units_of

REPO = Path(__file__).resolve().parents[2]
RULES = default_rules()
LEDE = "North Korea fired two ballistic missiles into the sea on Monday, the South Korean military said."
PROSE = [
    "The launch was the third this month and came as the allies prepared for joint naval drills.",
    "“We are closely watching the situation,” a spokesman for the Joint Chiefs of Staff told reporters.",
    "Analysts said the tests were meant to show that the country could strike targets across the region.",
    "Officials in Tokyo said the missiles appeared to have landed outside Japan’s exclusive economic zone.",
]


def article(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def rules() -> Rules:
    return RULES


@pytest.mark.parametrize(("line", "place", "agency"), [
    ("SEOUL, March 3 (Yonhap) -- North Korea fired", "Seoul", "Yonhap"),
    ("MOSCOW (Reuters) - Russia said", "Moscow", "Reuters"),
    ("Seoul (AFP) – North Korea on Sunday denied", "Seoul", "AFP"),
    ("Kyiv, Ukraine — Ukrainian officials said", "Kyiv, Ukraine", ""),
    ("KYIV, Ukraine (AP) — A wave of drones", "Kyiv, Ukraine", "AP"),
    ("MOSCOW, April 14. /TASS/. Russia’s Pacific Fleet", "Moscow", "TASS"),
    ("BERLIN (dpa) - The German government", "Berlin", "dpa"),
    ("ODESA, Ukraine, May 2 (AP) — A Russian strike", "Odesa, Ukraine", "AP"),
    ("ROSTOV-ON-DON, June 24 (Reuters) - Wagner fighters", "Rostov-on-Don", "Reuters"),
    ("SEOUL — South Korea will resume", "Seoul", ""),
    ("MOSCOW, June 6 (RIA Novosti) - Russian bombers", "Moscow", ""),  # a dateline; agency not whitelisted
    ("(Bloomberg) -- North Korea", "", "Bloomberg"),
])
def test_datelines(rules: Rules, line: str, place: str, agency: str) -> None:
    dateline = split_dateline(line, rules)
    assert dateline is not None
    assert (dateline.place, dateline.agency) == (place, agency)
    assert dateline.rest[:1].isupper()


@pytest.mark.parametrize("line", [
    "North Korea (DPRK) – Pyongyang has launched more missiles than ever",
    "North Korea (DPRK) – the country marked the anniversary",
    "Kim Jong Un — the country’s leader — watched the launch",
    "North Korea on Sunday denied supplying weapons to Moscow",
    "Earlier this week, U.S. President Joe Biden pledged 31 Abrams tanks",
    "Seoul – which has no nuclear weapons – relies on the United States",
    "U.S. officials (who spoke anonymously) - said the deal was close",
])
def test_not_datelines(rules: Rules, line: str) -> None:
    assert split_dateline(line, rules) is None


def test_dateline_with_year_gives_a_date(rules: Rules) -> None:
    dateline = split_dateline("SEOUL, Jan. 29, 2023 (Yonhap) -- North Korea", rules)
    assert dateline is not None and dateline.date == date(2023, 1, 29)


@pytest.mark.parametrize(("text", "expected"), [
    ("March 17, 2023", date(2023, 3, 17)),
    ("17 March 2023", date(2023, 3, 17)),
    ("Mar. 7th, 2023", date(2023, 3, 7)),
    ("2023-04-08T06:12:00+09:00", date(2023, 4, 8)),
    ("2023.05.12 14:03", date(2023, 5, 12)),
    ("05.06.2023", date(2023, 6, 5)),
    ("3/17/2023", date(2023, 3, 17)),
    ("17/3/2023", date(2023, 3, 17)),
    ("2023-02-31", None),
    ("in 2023", None),
])
def test_dates(text: str, expected: date | None) -> None:
    found = find_date(text)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(("line", "rule", "day"), [
    ("Released: Changed:", "empty-label", None),
    ("Published: 2023-04-08 06:12 | Updated: 2023-04-09 09:30", "date", date(2023, 4, 8)),
    ("Updated: 2023-04-09 09:30 | Published: 2023-04-08 06:12", "date", date(2023, 4, 8)),
    ("Updated 3:05 PM EST, Fri March 17, 2023", "date", date(2023, 3, 17)),
    ("March 17, 2023 9:14 AM GMT Updated 2 hours ago", "date", date(2023, 3, 17)),
    ("By Lee Ji-won | Published: 2023-04-08 06:12", "date", date(2023, 4, 8)),
    ("Posted on March 3, 2023 by admin", "date", date(2023, 3, 3)),
    ("Published: 05.06.2023 | 11:47 (Moscow time)", "date", date(2023, 6, 5)),
    ("THE KOREA LEDGER | TUESDAY, MAY 9, 2023 | A3", "date", date(2023, 5, 9)),
    ("By Staff Writer", "byline", None),
    ("By Park Soo-min, Staff Reporter", "byline", None),
    ("BY CHOI JI-HO", "byline", None),
    ("Moscow Correspondent", "byline", None),
    ("Source: Xinhua | 2023-07-21 19:40:12 | Editor: Zhang Wei", "date", date(2023, 7, 21)),
    ("AFP", "agency-line", None),
    ("— Reuters", "agency-line", None),
])
def test_metadata_lines(rules: Rules, line: str, rule: str, day: date | None) -> None:
    meta = read_meta_line(line, rules)
    assert meta is not None and meta.rule == rule and meta.date == day


@pytest.mark.parametrize("line", [
    "Talks are set for March 3, 2024 in Geneva",
    "By Friday, the ministry had said nothing",
    "By the end of the year, the plant will be rebuilt.",
    "| Period | 7 September to 1 October 2023 |",
    "North Korea denies arms dealing with Russia",
    "Kim Jong Un",
])
def test_text_is_not_metadata(rules: Rules, line: str) -> None:
    assert read_meta_line(line, rules) is None


def test_byline_names_the_agency(rules: Rules) -> None:
    assert read_byline("By Kim Min-ji, Associated Press", rules) == "AP"
    assert read_byline("By Reuters Staff", rules) == "Reuters"


def test_places_get_normal_capitals(rules: Rules) -> None:
    assert normal_place("SEOUL", rules) == "Seoul"
    assert normal_place("ST. PETERSBURG", rules) == "St. Petersburg"
    assert normal_place("FRANKFURT AM MAIN", rules) == "Frankfurt am Main"
    assert normal_place("Kyiv", rules) == "Kyiv"


def test_seed_like_article(rules: Rules) -> None:
    raw = ("World News\n\nNorth Korea denies arms dealing with Russia\n\n\nReleased: Changed:\n\n"
           "Seoul (AFP) – North Korea on Sunday denied supplying weapons, calling it an attempt to tarnish"
           "[North Korea’s]image.\n\n" + article(*PROSE) + "\n\nRelated Articles\n\nLeave a Reply\n\n"
           "Your email address will not be published. Required fields are marked *\n\nBack to top button\n")
    cleaned = clean_text(raw, rules)
    assert (cleaned.title, cleaned.section, cleaned.dateline, cleaned.agency, cleaned.date) == (
        "North Korea denies arms dealing with Russia", "World News", "Seoul", "AFP", None)
    assert cleaned.paragraphs[0] == ("North Korea on Sunday denied supplying weapons, calling it an attempt to "
                                     "tarnish [North Korea’s] image.")
    assert list(cleaned.paragraphs[1:]) == PROSE
    rules_fired = {d.rule for d in cleaned.dropped}
    assert {"section", "title", "empty-label", "dateline", "related", "tail after related"} <= rules_fired


def test_trigger_early_in_the_text_drops_only_its_line(rules: Rules) -> None:
    raw = article("A headline about missiles", LEDE, "Related Articles", *PROSE, *PROSE)
    cleaned = clean_text(raw, rules)
    assert list(cleaned.paragraphs) == [LEDE, *PROSE, *PROSE]
    assert "tail-cut" not in cleaned.fired


def test_furniture_is_dropped_wherever_it_stands(rules: Rules) -> None:
    furniture = ["Advertisement", "READ MORE: Allies wrap up drills", "Share: Facebook | Twitter | Email",
                 "Comments (12)", "Tags: North Korea, missiles", "(Reporting by Anna Volkova; Editing by Mark Hollis)",
                 "© 2023 The Korea Ledger. All rights reserved.", "Continue reading below", "Sign up for our newsletter",
                 "You may also like", "Most Read"]
    raw = article("A headline about missiles", LEDE, *[x for pair in zip(furniture, PROSE * 3, strict=False)
                                                        for x in pair])
    cleaned = clean_text(raw, rules)
    assert not set(cleaned.paragraphs) & set(furniture)
    assert LEDE in cleaned.paragraphs


@pytest.mark.parametrize("paragraph", [
    *PROSE,
    "Subscribers to the ministry’s service were warned about the launch before it happened.",
    "The share of exports going to China rose to a record last year, customs data showed.",
    "Comments by the foreign minister drew a sharp reaction from Pyongyang.",
    "Related talks in Geneva ended without an agreement on Tuesday.",
    "Copyright disputes between the two companies have dragged on for years.",
])
def test_prose_survives(rules: Rules, paragraph: str) -> None:
    cleaned = clean_text(article("A headline about missiles", LEDE, paragraph, *PROSE), rules)
    assert paragraph in cleaned.paragraphs


def test_hand_written_briefings_pass_through_unchanged(rules: Rules) -> None:
    """Clean prose is not furniture: every plain paragraph of the example desk survives cleaning."""
    for path in sorted((REPO / "content/briefings").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        paragraphs = [p for p in body.strip().split("\n\n") if not re.match(r"[#>|*\-\d]", p) and "\n" not in p]
        cleaned = clean_text(article("A headline for the test", *paragraphs), rules)
        assert list(cleaned.paragraphs) == paragraphs, path.name


def test_hard_wrapped_text_is_unwrapped(rules: Rules) -> None:
    first = ("Russia will expand military exercises in its Far East this year with anti-aircraft units, "
             "long-range bombers and more warships than last year, the ministry said on Friday in a statement.")
    second = "The drills will include live-fire exercises in the Sea of Japan and a joint patrol with China, it said."
    wrapped = [textwrap.fill(text, width=58, break_on_hyphens=True) for text in ("MOSCOW (Reuters) - " + first, second)]
    assert any(line.endswith("-") for line in wrapped[0].splitlines())
    cleaned = clean_text(article("Russia to expand drills", *wrapped), rules)
    assert list(cleaned.paragraphs) == [first, second]


def test_print_columns_lose_soft_hyphens_but_keep_real_ones(rules: Rules) -> None:
    lines = ["The loudspeakers were removed in", "2018 to ease military ten-", "sions, and a non-",
             "aggression pledge followed soon", "after the summit in the north."]
    units = units_of(lines, unwrap=True, keep_hyphen_after=rules.keep_hyphen_after)
    assert [u.text for u in units] == ["The loudspeakers were removed in 2018 to ease military tensions, and a "
                                       "non-aggression pledge followed soon after the summit in the north."]


def test_lines_without_blank_lines_are_paragraphs(rules: Rules) -> None:
    cleaned = clean_text("A headline about missiles\n" + "\n".join([LEDE, *PROSE]) + "\n", rules)
    assert list(cleaned.paragraphs) == [LEDE, *PROSE]


@pytest.mark.parametrize(("raw", "fixed"), [
    ("to tarnish[North Korea’s]image by", "to tarnish [North Korea’s] image by"),
    ("Bakhmut , the commander said .", "Bakhmut, the commander said."),
    ("supply routes to Crimea,a senior official said", "supply routes to Crimea, a senior official said"),
    ("“We will not give up,”said a commander.", "“We will not give up,” said a commander."),
    ("The ministry said.The launch was", "The ministry said. The launch was"),
    ("( the Joint Chiefs of Staff )", "(the Joint Chiefs of Staff)"),
    ("the U.S.-led coalition and 3.5 km", "the U.S.-led coalition and 3.5 km"),
    ("each country(s) and “quotes” stay", "each country(s) and “quotes” stay"),
])
def test_spacing_repairs(rules: Rules, raw: str, fixed: str) -> None:
    cleaned = clean_text(article("A headline about repairs", LEDE, raw + " " + PROSE[0]), rules)
    assert cleaned.paragraphs[1] == fixed + " " + PROSE[0]


def test_markdown_structure_is_escaped() -> None:
    assert escape_markdown("# 1 priority") == "\\# 1 priority"
    assert escape_markdown("1. The first point") == "1\\. The first point"
    assert escape_markdown("- a list?") == "\\- a list?"
    assert escape_markdown("marked * and _this_ and [x](y)") == "marked \\* and \\_this\\_ and \\[x](y)"
    assert escape_markdown("statement_2023.pdf <b>") == "statement_2023.pdf \\<b>"


def test_title_prefixes_and_site_names_are_removed(rules: Rules) -> None:
    assert rules.title("UPDATE 1-Russia to expand drills") == "Russia to expand drills"
    assert rules.title("(LEAD) N. Korea fires missile") == "N. Korea fires missile"
    assert rules.title("(2nd LD) N. Korea says it tested drone") == "N. Korea says it tested drone"
    assert rules.title("Drones hit Kyiv as temperatures drop | The Daily Ledger") == "Drones hit Kyiv as temperatures drop"
    assert rules.title("Update on talks") == "Update on talks"


def test_title_is_the_first_long_line_and_site_names_are_dropped(rules: Rules) -> None:
    cleaned = clean_text(article("The Ledger", "Home | World | Politics", "Kim visits Moscow for talks",
                                 "By Anna Petrova", LEDE, *PROSE), rules)
    assert cleaned.title == "Kim visits Moscow for talks"
    assert ("header", "The Ledger") in {(d.rule, d.text) for d in cleaned.dropped}


def test_standfirst_is_kept_as_the_first_paragraph(rules: Rules) -> None:
    standfirst = "Pyongyang has found a buyer for its ageing shells. The price may be paid in technology."
    cleaned = clean_text(article("What North Korea gets from the war", standfirst, "By Anna Petrova",
                                 "March 17, 2023", LEDE, *PROSE), rules)
    assert cleaned.paragraphs[:2] == (standfirst, LEDE)
    assert cleaned.date == date(2023, 3, 17)


def test_agency_signoff_and_agency_lines(rules: Rules) -> None:
    cleaned = clean_text(article("A headline about missiles", LEDE, *PROSE[:-1], PROSE[-1] + " — AFP"), rules)
    assert cleaned.agency == "AFP" and cleaned.paragraphs[-1] == PROSE[-1]
    cleaned = clean_text(article("A headline about missiles", "AFP, SEOUL", LEDE, *PROSE), rules)
    assert (cleaned.agency, cleaned.dateline) == ("AFP", "Seoul")
