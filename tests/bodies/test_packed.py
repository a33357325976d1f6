"""Packed bodies: what is unpacked equals what was rendered, and what linking needs is found at render time."""

from __future__ import annotations

import pickle

import pytest

from site_builder.actors.excerpts import excerpt
from site_builder.actors.matcher import Matcher
from site_builder.actors.quotes import find_quotes, resolve_quotes
from site_builder.bodies.markdown import BodyParts, create_markdown, render_body
from site_builder.bodies.packed import RenderedBody, pooled
from site_builder.core.config import MarkdownConfig

MATCHER = Matcher({"Jens Stoltenberg": "stoltenberg", "Stoltenberg": "stoltenberg", "NATO": "nato",
                   "North Korea": "north-korea", "Russia": "russia", "Kim": "kim"})
TEXT = """Jens Stoltenberg met NATO officials in Seoul. He said North Korea helps Russia. North Korea denied it.

“We also know that North Korea is providing support,” he added.

NATO said: “We will stay the course in every way.” North Korea, again, and Russia.

| State | Note |
|---|---|
| Russia | Russia is mentioned twice — here. |
"""


def parts(text: str = TEXT) -> BodyParts:
    return render_body(create_markdown(MarkdownConfig()), text, matcher=MATCHER, link_mode="first",
                       actor_href=lambda a: f"../../actors/{a}/", line_offset=5)


def test_unpacks_to_what_was_rendered() -> None:
    rendered = parts()
    body = RenderedBody.pack(rendered)
    assert body.html == rendered.html and "—" in body.html
    assert body.blocks == rendered.blocks and body.mentions == rendered.mentions
    assert body.detail() == (rendered.blocks, rendered.mentions)


def test_without_detail_the_rest_is_the_same() -> None:
    rendered = parts()
    full, bare = RenderedBody.pack(rendered), RenderedBody.pack(rendered, detail=False)
    assert bare.html == full.html and bare.actors == full.actors and bare.counts == full.counts
    assert bare.quotes == full.quotes and all(bare.excerpts(a) == full.excerpts(a) for a in full.actors)
    assert len(bare.region()) < len(full.region())
    with pytest.raises(LookupError, match="detail=True"):
        bare.detail()
    again = pickle.loads(pickle.dumps(bare))
    assert again == bare and pickle.dumps(again) == pickle.dumps(bare)


def test_pickles_as_its_packed_bytes() -> None:
    body = RenderedBody.pack(parts())
    again = pickle.loads(pickle.dumps(body))
    assert again == body and again.html == body.html
    assert pickle.dumps(again) == pickle.dumps(body)
    assert body != RenderedBody.pack(parts(TEXT + "\nMore.\n"))


def test_actors_in_order_of_first_mention_with_counts() -> None:
    rendered = parts()
    body = RenderedBody.pack(rendered)
    assert body.actors == ("stoltenberg", "nato", "north-korea", "russia")
    expected = {a: sum(m.actor_id == a for m in rendered.mentions) for a in body.actors}
    assert dict(body.mention_counts()) == expected and expected["russia"] == 4
    assert list(body.mention_counts()) == list(body.actors)


def test_excerpts_are_the_first_two_different_sentences() -> None:
    rendered = parts()
    body = RenderedBody.pack(rendered)
    for actor in body.actors:
        expected: list[str] = []
        for m in rendered.mentions:
            text = rendered.blocks[m.block].text
            found = excerpt(text, m.start, m.end).text
            if m.actor_id == actor and found not in expected and len(expected) < 2:
                expected.append(found)
        assert [e.text for e in body.excerpts(actor)] == expected
    russia = body.excerpts("russia")
    assert (russia[0].match, russia[0].after) == ("Russia", ".")
    assert russia[1].text == "North Korea, again, and Russia."
    assert body.excerpts("kim") == ()


def test_quote_candidates_resolve_once_persons_are_known() -> None:
    rendered = parts()
    body = RenderedBody.pack(rendered)

    def speakers(persons: set[str]) -> list[tuple[str, int]]:
        found = resolve_quotes(body.quotes, persons)
        assert found == find_quotes(rendered.blocks, rendered.mentions, persons)
        return [(q.actor_id, q.line) for q in found]

    # "he added" goes to the last person named before it: none in its paragraph, so the paragraph before,
    # read from its end. "NATO said:" names its speaker whoever is a person.
    assert speakers({"stoltenberg"}) == [("stoltenberg", 7), ("nato", 9)]
    assert speakers({"stoltenberg", "north-korea"}) == [("north-korea", 7), ("nato", 9)]
    assert speakers({"stoltenberg", "russia"}) == [("russia", 7), ("nato", 9)]
    assert speakers(set()) == [("nato", 9)]


def test_pooled_bodies_read_as_their_own() -> None:
    """Bodies moved into one pool unpack, compare and pickle exactly as before; pooled ones stay put."""
    bodies = [RenderedBody.pack(parts(TEXT + f"\nMore on NATO, part {n}.\n")) for n in range(3)]
    moved = pooled([*bodies, bodies[0]])  # a body listed twice moves once
    assert len(moved) == 3
    for body in bodies:
        again = moved[id(body)]
        assert again == body and again.html == body.html and again.detail() == body.detail()
        assert all(again.excerpts(a) == body.excerpts(a) for a in body.actors) and again.excerpts("nobody") == ()
        assert pickle.dumps(again) == pickle.dumps(body)
    assert pooled(list(moved.values())) == {}
    assert pooled(bodies[:1]) == {}
