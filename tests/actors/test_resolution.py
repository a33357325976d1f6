"""Shared surnames and context aliases resolve to the actor the body named just before (Mention rules M9, M13)."""

from __future__ import annotations

import re

import pytest

from site_builder.actors.matcher import AMBIGUOUS, CONTEXT, PLAIN, Matcher, build_registry
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.core.config import MarkdownConfig, MentionsConfig
from site_builder.core.errors import Diagnostics
from site_builder.core.models import Actor


def actor(actor_id: str, name: str, *aliases: str, context: tuple[str, ...] = ()) -> Actor:
    return Actor(path=f"content/actors/{actor_id}.yaml", id=actor_id, name=name, type="person", aliases=aliases,
                 alias_lines=tuple(range(3, 3 + len(aliases))), context_aliases=context,
                 context_alias_lines=tuple(range(10, 10 + len(context))))


ACTORS = [
    actor("kim-jong-un", "Kim Jong Un", "Kim"),
    actor("kim-yo-jong", "Kim Yo Jong", "Kim"),
    actor("park-jin", "Park Jin", "Park"),
    actor("park-geun-hye", "Park Geun-hye", "Park"),
    actor("north-korea", "North Korea", "Pyongyang", context=("the North", "the regime", "the country")),
    actor("south-korea", "South Korea", "Seoul", context=("the South", "the country")),
    actor("russia", "Russia", "Moscow"),
]


def matcher() -> Matcher:
    diagnostics = Diagnostics()
    built = build_registry(ACTORS, MentionsConfig(ambiguous=("Kim", "Park")), diagnostics)
    assert not diagnostics
    return built


def mentions(body: str, listed: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(text, actor) of every mention the body gets, in order."""
    parts = render_body(create_markdown(MarkdownConfig()), body, matcher=matcher(), link_mode="all",
                        actor_href=lambda a: f"/actors/{a}/", listed=listed)
    return [(m.text, m.actor_id) for m in parts.mentions]


def test_find_tells_the_kind_of_each_match() -> None:
    found = [(m.text, m.kind, m.claimants) for m in matcher().find("Kim met the North in Seoul.")]
    assert found == [("Kim", AMBIGUOUS, ("kim-jong-un", "kim-yo-jong")),
                     ("the North", CONTEXT, ("north-korea",)), ("Seoul", PLAIN, ())]


@pytest.mark.parametrize(("body", "expected"), [
    # a surname goes to the claimant named most recently before it, by name or plain alias
    ("Kim Jong Un spoke. Kim said no.", [("Kim Jong Un", "kim-jong-un"), ("Kim", "kim-jong-un")]),
    ("Kim Jong Un and Kim Yo Jong spoke. Kim said no.",
     [("Kim Jong Un", "kim-jong-un"), ("Kim Yo Jong", "kim-yo-jong"), ("Kim", "kim-yo-jong")]),
    # alternating claimants, across paragraphs
    ("Kim Yo Jong wrote.\n\nKim Jong Un replied. Kim was angry.\n\nKim Yo Jong answered. Kim's tone hardened.",
     [("Kim Yo Jong", "kim-yo-jong"), ("Kim Jong Un", "kim-jong-un"), ("Kim", "kim-jong-un"),
      ("Kim Yo Jong", "kim-yo-jong"), ("Kim", "kim-yo-jong")]),
    # a resolved surname names nobody: the next one still looks at plain names only
    ("Park Jin met Park Geun-hye. Park left. Park stayed.",
     [("Park Jin", "park-jin"), ("Park Geun-hye", "park-geun-hye"), ("Park", "park-geun-hye"),
      ("Park", "park-geun-hye")]),
    # a surname before any full name, with no listed claimant: nobody
    ("Kim spoke first. Then Kim Jong Un.", [("Kim Jong Un", "kim-jong-un")]),
    # a shared surname that continues a longer name is no mention, and names someone outside the registry
    ("Kim Jong Un praised Kim Il Sung. Kim founded the state.", [("Kim Jong Un", "kim-jong-un")]),
    ("Kim Il Sung founded the state. Kim Jong Un spoke; Kim smiled.",
     [("Kim Jong Un", "kim-jong-un"), ("Kim", "kim-jong-un")]),
    # a name broken over a line still names
    ("Kim Yo\nJong spoke. Kim left.", [("Kim Yo\nJong", "kim-yo-jong"), ("Kim", "kim-yo-jong")]),
    # a context alias only after its actor was named
    ("The regime fired. North Korea denied it. The North said the regime was calm.",
     [("North Korea", "north-korea"), ("The North", "north-korea"), ("the regime", "north-korea")]),
    # a shared context alias goes to the most recently named
    ("North Korea and South Korea met. The country's envoy left. Pyongyang stayed; the country waited.",
     [("North Korea", "north-korea"), ("South Korea", "south-korea"), ("The country", "south-korea"),
      ("Pyongyang", "north-korea"), ("the country", "north-korea")]),
    # capitalised only at a sentence start; part of a longer name is no context alias
    ("Seoul spoke. Officials said The South was calm. The North Korean leader and the North Atlantic.",
     [("Seoul", "south-korea")]),
    ("Seoul spoke. \u201cThe South is ready,\u201d he said.", [("Seoul", "south-korea"), ("The South", "south-korea")]),
])
def test_resolution_in_reading_order(body: str, expected: list[tuple[str, str]]) -> None:
    assert mentions(body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    # a common noun qualified by "in" and a name form is that actor's, or nobody's
    ("North Korea armed the regime in Moscow.", [("North Korea", "north-korea"), ("Moscow", "russia")]),
    ("Envoys met the regime in Pyongyang.", [("the regime", "north-korea"), ("Pyongyang", "north-korea")]),
    # "in" and a word that is no name form says when or where, and a capitalised alias is a name, not qualified
    ("North Korea spoke. Talks with the regime in March failed.",
     [("North Korea", "north-korea"), ("the regime", "north-korea")]),
    ("North Korea spoke. Officials met the North in Seoul.",
     [("North Korea", "north-korea"), ("the North", "north-korea"), ("Seoul", "south-korea")]),
    # "of" and a capitalised word qualifies any context alias
    ("North Korea spoke. The North of England voted.", [("North Korea", "north-korea")]),
    ("North Korea spoke. The country of Georgia abstained.", [("North Korea", "north-korea")]),
    ("North Korea spoke. Seoul said the country of 50 million was ready.",
     [("North Korea", "north-korea"), ("Seoul", "south-korea"), ("the country", "south-korea")]),
])
def test_a_qualified_context_alias_names_the_actor_of_its_qualifier(body: str, expected: list[tuple[str, str]]) -> None:
    assert mentions(body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    # a possessive name no form claims is someone outside the registry: a description after it names nobody
    ("South Korea protested. Japan’s prime minister said the country would too.", [("South Korea", "south-korea")]),
    ("South Korea protested. Japan's envoy left. Seoul said the country would act.",
     [("South Korea", "south-korea"), ("Seoul", "south-korea"), ("the country", "south-korea")]),
    # "It's" is no possessive, and a context alias only one actor declares is no description
    ("South Korea protested. It’s clear the country will act.",
     [("South Korea", "south-korea"), ("the country", "south-korea")]),
    ("North Korea fired. Japan's coast guard said the North fired twice.",
     [("North Korea", "north-korea"), ("the North", "north-korea")]),
    # the claimant named last only as a place, another named otherwise since: recency and salience disagree
    ("North Korea fired. Officials in Seoul said the country was ready.",
     [("North Korea", "north-korea"), ("Seoul", "south-korea")]),
    ("Officials in Seoul said the country was ready.", [("Seoul", "south-korea"), ("the country", "south-korea")]),
    ("North Korea fired. Seoul said the country was ready.",
     [("North Korea", "north-korea"), ("Seoul", "south-korea"), ("the country", "south-korea")]),
    ("North Korea fired. South Korea answered from its bases in Seoul. The country was ready.",
     [("North Korea", "north-korea"), ("South Korea", "south-korea"), ("Seoul", "south-korea"),
      ("The country", "south-korea")]),
])
def test_a_description_weighs_outsiders_and_places(body: str, expected: list[tuple[str, str]]) -> None:
    assert mentions(body) == expected


def test_a_surname_with_no_antecedent_falls_back_on_the_one_listed_claimant() -> None:
    assert mentions("Kim spoke. Kim Yo Jong replied. Kim left.", listed=("kim-jong-un", "park-jin")) == [
        ("Kim", "kim-jong-un"), ("Kim Yo Jong", "kim-yo-jong"), ("Kim", "kim-yo-jong")]
    assert mentions("Kim spoke.", listed=("kim-jong-un", "kim-yo-jong")) == []  # two listed: nobody
    assert mentions("The North spoke.", listed=("north-korea",)) == []  # context aliases have no fallback


def test_headings_name_actors_but_get_no_mentions() -> None:
    body = "## Kim Yo Jong warns Seoul\n\nKim said the South would pay."
    assert mentions(body) == [("Kim", "kim-yo-jong"), ("the South", "south-korea")]
    assert mentions("South Korea spoke.\n\n## Japan's answer\n\nThe country protested.") == [
        ("South Korea", "south-korea")]


def test_a_resolved_mention_says_how_in_its_title() -> None:
    parts = render_body(create_markdown(MarkdownConfig()), "Kim Yo Jong wrote.\n\nThen Kim left the North.",
                        matcher=matcher(), link_mode="first", actor_href=lambda a: f"/actors/{a}/")
    assert '<a class="mention" data-actor="kim-yo-jong" href="/actors/kim-yo-jong/">Kim Yo Jong</a>' in parts.html
    assert ('<span class="mention" data-actor="kim-yo-jong" title="Kim → Kim Yo Jong, named in paragraph 1">Kim'
            '</span>') in parts.html
    assert "the North." in parts.html  # not named before: plain text
    listed = render_body(create_markdown(MarkdownConfig()), "Kim left.", matcher=matcher(), link_mode="first",
                         actor_href=lambda a: f"/actors/{a}/", listed=("kim-jong-un",))
    assert 'title="Kim → Kim Jong Un, listed in the briefing\'s actors"' in listed.html
    qualified = render_body(create_markdown(MarkdownConfig()), "Talks with the regime in Pyongyang.", matcher=matcher(),
                            link_mode="none", actor_href=lambda a: a)
    assert 'title="the regime → North Korea, named right after it"' in qualified.html


def test_a_context_alias_that_is_another_actors_alias_is_an_error() -> None:
    diagnostics = Diagnostics()
    build_registry([actor("north-korea", "North Korea", context=("Pyongyang",)),
                    actor("pyongyang-city", "Pyongyang city", "Pyongyang")], MentionsConfig(), diagnostics)
    assert [d.format() for d in diagnostics] == [
        "content/actors/north-korea.yaml:10: error: context alias 'Pyongyang' is a name or alias of "
        "'pyongyang-city' (that name form always wins; remove the context alias, or the other actor's alias)"]


def test_the_registry_digest_covers_context_aliases_and_claimants() -> None:
    plain = build_registry(ACTORS[:2], MentionsConfig(ambiguous=("Kim",)), Diagnostics())
    other = build_registry([*ACTORS[:2], actor("north-korea", "North Korea", context=("the North",))],
                           MentionsConfig(ambiguous=("Kim",)), Diagnostics())
    renamed = build_registry([ACTORS[0], actor("kim-yo-jong", "Kim Yo-jong", "Kim")],
                             MentionsConfig(ambiguous=("Kim",)), Diagnostics())
    assert len({plain.registry_digest, other.registry_digest, renamed.registry_digest}) == 3


def test_a_form_declared_ambiguous_that_one_actor_claims_still_belongs_to_nobody() -> None:
    built = build_registry([actor("kim-jong-un", "Kim Jong Un", "Kim")], MentionsConfig(ambiguous=("Kim",)),
                           Diagnostics())
    assert [(m.text, m.actor_id) for m in built.find("Kim")] == [("Kim", None)]
    parts = render_body(create_markdown(MarkdownConfig()), "Kim Jong Un spoke. Kim left.", matcher=built,
                        link_mode="all", actor_href=lambda a: a)
    assert [m.text for m in parts.mentions] == ["Kim Jong Un"]
    assert not re.search(r'title=', parts.html)


def test_a_context_alias_not_taken_leaves_room_for_a_shorter_form_inside_it() -> None:
    built = Matcher({"North Korean": "north-korea", "Korean": "korea"}, context={"the North": ("north-korea",)})
    assert [(m.text, m.kind) for m in built.find("the North Korean leader met the North.")] == [
        ("North Korean", PLAIN), ("the North", CONTEXT)]
