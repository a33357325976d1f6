"""The mention matcher follows the mention rules of docs/architecture.md exactly; the registry reports ambiguous aliases."""

from __future__ import annotations

import re

import pytest

from site_builder.actors.matcher import Matcher, alias_key, build_registry, fold
from site_builder.core.config import MentionsConfig
from site_builder.core.errors import Diagnostics
from site_builder.core.models import Actor

REGISTRY = {
    "North Korea": "north-korea", "DPRK": "north-korea", "Pyongyang": "north-korea",
    "Kim Jong Un": "kim-jong-un", "Kim Jong-un": "kim-jong-un",
    "Kim Yo Jong": "kim-yo-jong", "Kim Yo-jong": "kim-yo-jong",
    "US": "united-states", "U.S.": "united-states", "Russia": "russia", "Moscow": "russia",
    "Wagner": "wagner", "Wagner Group": "wagner", "O'Brien": "obrien", "김정은": "kim-jong-un",
}


def found(text: str) -> list[tuple[str, str | None]]:
    return [(m.text, m.actor_id) for m in Matcher(dict(REGISTRY)).find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("North Korea fired.", [("North Korea", "north-korea")]),
        ("North Korean officials", []),  # longest whole word: not "North Korea" + "n"
        ("us and US", [("US", "united-states")]),  # case-sensitive
        ("the U.S. Army", [("U.S.", "united-states")]),
        ("Kim Jong\u00a0Un and Kim  Jong\nUn", [("Kim Jong\u00a0Un", "kim-jong-un"), ("Kim  Jong\nUn", "kim-jong-un")]),
        ("Kim Jong\u2011un, Kim Jong\u2010un", [("Kim Jong\u2011un", "kim-jong-un"), ("Kim Jong\u2010un", "kim-jong-un")]),
        ("O’Brien said", [("O’Brien", "obrien")]),
        ("Russia’s army, Russia's army", [("Russia", "russia"), ("Russia", "russia")]),
        ("Russian-backed, Russia-backed", [("Russia", "russia")]),
        ("Wagner Group fighters and Wagner-linked firms", [("Wagner Group", "wagner"), ("Wagner", "wagner")]),
        ("MoscowTimes, xRussia, Russia2", []),
        ("2Russia, éRussia, é Russia, _Russia", [("Russia", "russia"), ("Russia", "russia")]),  # letter or digit before
        ("Russia", [("Russia", "russia")]),  # at the very start and end
        ("김정은 위원장, 김정은은", [("김정은", "kim-jong-un")]),  # Hangul letters count as word characters
        ("(Pyongyang)", [("Pyongyang", "north-korea")]),
        ("Kim Yo Jong and Kim Jong Un", [("Kim Yo Jong", "kim-yo-jong"), ("Kim Jong Un", "kim-jong-un")]),
    ],
)
def test_matching_rules(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_positions_slice_the_original() -> None:
    text = "Ask Kim\u00a0Jong‑un’s aides"
    (mention,) = Matcher(dict(REGISTRY)).find(text)
    assert text[mention.start:mention.end] == mention.text == "Kim\u00a0Jong‑un"


def test_fold_keeps_length() -> None:
    text = "a\u00a0b\u2010c\u2019d\ne"
    assert len(fold(text)) == len(text)
    assert alias_key("  Kim \u00a0 Jong‑un ") == "Kim Jong-un"


def actor(actor_id: str, name: str, *aliases: str) -> Actor:
    return Actor(path=f"content/actors/{actor_id}.yaml", id=actor_id, name=name, type="person", aliases=aliases,
                 alias_lines=tuple(range(3, 3 + len(aliases))))


def test_ambiguous_alias_is_an_error_naming_both() -> None:
    d = Diagnostics()
    build_registry([actor("kim-jong-un", "Kim Jong Un", "Kim"), actor("kim-yo-jong", "Kim Yo Jong", "Kim")],
                   MentionsConfig(), d)
    assert [x.format() for x in d] == [
        "content/actors/kim-yo-jong.yaml:3: error: alias 'Kim' is claimed by both 'kim-jong-un' and 'kim-yo-jong' "
        "(remove it from one actor, or list 'Kim' under mentions.ambiguous in config.yaml)"
    ]


def test_declared_ambiguous_alias_matches_but_links_nobody() -> None:
    d = Diagnostics()
    matcher = build_registry([actor("a", "Kim Jong Un", "Kim"), actor("b", "Kim Yo Jong", "Kim")],
                             MentionsConfig(ambiguous=("Kim",)), d)
    assert not d
    assert [(m.text, m.actor_id) for m in matcher.find("Kim met Kim Yo Jong")] == [("Kim", None),
                                                                                   ("Kim Yo Jong", "b")]


def test_trie_is_one_pattern_at_scale() -> None:
    """10,000 aliases compile to one trie-shaped pattern; its speed is measured by bench/, not here."""
    registry = {f"Actor{n:05d} Name": f"a{n}" for n in range(10_000)}
    matcher = Matcher(registry)
    assert matcher.pattern is not None
    assert matcher.pattern.pattern.count("ctor0") == 1  # shared prefix written once (the first letter leads)
    hits = list(matcher.find("Words before Actor01234 Name and after. " * 100))
    assert len(hits) == 100 and {h.actor_id for h in hits} == {"a1234"}


def test_empty_registry_finds_nothing() -> None:
    assert list(Matcher({}).find("North Korea")) == []


def test_special_characters_in_aliases_are_literal() -> None:
    matcher = Matcher({"A.B (C)": "x", "C++": "y"})
    assert [(m.text, m.actor_id) for m in matcher.find("A.B (C) and AxB (C) and C++")] == [("A.B (C)", "x"),
                                                                                             ("C++", "y")]
    assert re.compile(matcher.pattern.pattern)  # compiles standalone


@pytest.mark.parametrize(("text", "expected"), [
    ("President Moon Jae-in said", [("President Moon Jae-in", "moon")]),
    ("President Moon said", [("President Moon", "moon")]),
    ("Moon Jae-in met Moon.", [("Moon Jae-in", "moon"), ("Moon", "moon")]),
    ("US-ROK drills", [("US", "us"), ("ROK", "rok")]),
    ("A B C D", [("A B", "a"), ("C D", "a")]),  # another actor's "B C" overlaps "A B" and gives way
])
def test_overlapping_forms_of_one_actor_merge(text: str, expected: list[tuple[str, str]]) -> None:
    matcher = Matcher({"President Moon": "moon", "Moon Jae-in": "moon", "Moon": "moon", "US": "us", "ROK": "rok",
                       "A B": "a", "B C": "b", "C D": "a"})
    assert [(m.text, m.actor_id) for m in matcher.find(text)] == expected


# Actors with borrowed forms ("Seoul", "Washington", "the Kremlin") and forms of their own name (Mention rules, M14).
BORROWING = Matcher(
    {"South Korea": "south-korea", "Seoul": "south-korea", "United States": "united-states",
     "Washington": "united-states", "U.S.": "united-states", "the DPRK": "north-korea", "Russia": "russia",
     "Russian": "russia", "the Kremlin": "russia", "Yoon Suk Yeol": "yoon", "Yoon": "yoon"},
    names={"south-korea": "South Korea", "united-states": "United States", "north-korea": "North Korea",
           "russia": "Russia", "yoon": "Yoon Suk Yeol"})


@pytest.mark.parametrize(("text", "expected"), [
    # a borrowed form joined to a capitalised word names something else
    ("A professor at Seoul National University said so.", []),
    ("The aircraft carrier USS George Washington docked.", []),
    ("He toured the Kremlin Palace.", []),
    ("The ship, the \u201cGeorge Washington\u201d, sailed.", []),  # an opening quotation mark before the word
    # the first word of a sentence, a possessive or a title before it is no part of a longer name
    ("In Seoul, officials met. But Washington said no.", [("Seoul", "south-korea"), ("Washington", "united-states")]),
    ("\u201cWashington must act,\u201d he said.", [("Washington", "united-states")]),
    ("South Korea\u2019s Seoul office and the Kremlin\u2019s answer.",
     [("South Korea", "south-korea"), ("Seoul", "south-korea"), ("the Kremlin", "russia")]),
    ("Talks in Washington, Seoul and Moscow.", [("Washington", "united-states"), ("Seoul", "south-korea")]),
    # forms that are not borrowed keep matching beside capitalised words
    ("the U.S. Army and the DPRK Foreign Ministry", [("U.S.", "united-states"), ("the DPRK", "north-korea")]),
    ("the Russian Defence Ministry", [("Russian", "russia")]),  # shares its stem with "Russia"
    ("President Yoon said. Yoon Suk Yeol Park?", [("Yoon", "yoon"), ("Yoon Suk Yeol", "yoon")]),
])
def test_a_borrowed_form_inside_a_longer_name_is_no_mention(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.text, m.actor_id) for m in BORROWING.find(text)] == expected


def test_which_forms_are_borrowed() -> None:
    matcher = build_registry([actor("south-korea", "South Korea", "Seoul", "ROK", "Republic of Korea", "South Korean"),
                              actor("nato", "NATO", "North Atlantic Treaty Organization", "the Alliance")],
                             MentionsConfig(), Diagnostics())
    borrowed = [m.text for m in matcher.find("Seoul Times, ROK Navy, Republic of Korea Army, South Korean Navy, "
                                            "NATO Summit, North Atlantic Treaty Organization Summit, the Alliance Fund")]
    assert borrowed == ["ROK", "Republic of Korea", "South Korean", "NATO", "North Atlantic Treaty Organization"]
