"""Quote attribution from the patterns reporters use."""

from __future__ import annotations

from site_builder.actors.matcher import Matcher
from site_builder.actors.quotes import find_quotes
from site_builder.bodies.markdown import create_markdown, render_body
from site_builder.core.config import MarkdownConfig

MATCHER = Matcher({"John Kirby": "kirby", "Kirby": "kirby", "Putin": "putin", "Joe Biden": "biden",
                   "Jens Stoltenberg": "stoltenberg", "North Korea": "nk", "KCNA": "kcna", "Russia": "russia"})
PEOPLE = {"kirby", "putin", "biden", "stoltenberg"}


def quotes(markdown: str) -> list[tuple[str, str]]:
    body = render_body(create_markdown(MarkdownConfig()), markdown, matcher=MATCHER, link_mode="none",
                       actor_href=lambda a: a)
    return [(q.actor_id, q.text) for q in find_quotes(body.blocks, body.mentions, PEOPLE)]


def test_said_after_the_quote_with_a_title_between() -> None:
    assert quotes("“We can confirm the delivery to Russia,” said national security spokesman John Kirby.") == [
        ("kirby", "We can confirm the delivery to Russia")]


def test_name_then_verb_after_the_quote() -> None:
    assert quotes("“The shipment was completed last month,” Kirby told reporters on Thursday.") == [
        ("kirby", "The shipment was completed last month")]
    assert quotes("“The shipment was completed last month,” John Kirby, the spokesman, said.") == [
        ("kirby", "The shipment was completed last month")]


def test_speaker_before_the_quote() -> None:
    assert quotes("Asked about satellites, Putin said: “That’s why we came here.”") == [
        ("putin", "That’s why we came here.")]


def test_according_to() -> None:
    assert quotes("“Rail cars were loaded at the border,” according to KCNA.") == [
        ("kcna", "Rail cars were loaded at the border")]


def test_pronoun_goes_to_the_last_person_named_before() -> None:
    text = ("Jens Stoltenberg met officials in Seoul.\n\n"
            "“We also know that North Korea is providing support,” he added.")
    assert quotes(text) == [("stoltenberg", "We also know that North Korea is providing support")]
    assert quotes("Joe Biden was not surprised. “There’s not much that happens in Russia that Putin’s not "
                  "behind,” he told reporters.") == [("biden", "There’s not much that happens in Russia that "
                                                               "Putin’s not behind")]


def test_scare_quotes_and_unattributed_quotes_are_ignored() -> None:
    assert quotes("Washington called Wagner a “transnational criminal organization” on Friday.") == []
    assert quotes("Kirby spoke. Later, “a long quote with nobody named nearby at all” appeared.") == []
