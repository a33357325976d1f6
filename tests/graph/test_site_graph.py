"""The site graph: references, slug collisions, involvement, topics by use, related briefings in a graph."""

from __future__ import annotations

import pickle
import random
from datetime import UTC, datetime

from site_builder.actors.mentions import RenderedMention, TextBlock
from site_builder.bodies.markdown import BodyParts
from site_builder.bodies.packed import RenderedBody
from site_builder.core.errors import Diagnostics
from site_builder.core.models import Actor, Briefing, Content, Page, Relation, Role
from site_builder.graph import site_graph as graph_module
from site_builder.graph.related import related_signature
from site_builder.graph.site_graph import Tally, build_graph, check_references, check_slugs


def b(slug: str, day: int, actors: tuple[str, ...] = (), topics: tuple[str, ...] = (), path: str = "") -> Briefing:
    return Briefing(path=path or f"content/briefings/{slug}.md", slug=slug, title=slug.title(),
                    date=datetime(2023, 1, day, tzinfo=UTC), body="", body_line=5, topics=topics, actors=actors,
                    actor_lines=tuple(range(4, 4 + len(actors))))


def a(actor_id: str, **kw: object) -> Actor:
    return Actor(path=f"content/actors/{actor_id}.yaml", id=actor_id, name=actor_id.title(), type="person", **kw)


def body(*mentioned: str) -> RenderedBody:
    text = " ".join(mentioned)
    mentions, start = [], 0
    for m in mentioned:
        mentions.append(RenderedMention(m, m, 1, 0, start, start + len(m)))
        start += len(m) + 1
    return RenderedBody.pack(BodyParts("", tuple(mentions), (TextBlock(text, 1),)))


def test_unknown_references_with_closest_ids() -> None:
    content = Content(
        briefings=(b("x", 1, actors=("kim-jong-um",)),),
        actors=(a("kim-jong-un", country="north-kore", country_line=3,
                  roles=(Role("Leader", of="wpk", of_line=5),),
                  relations=(Relation("kim-yo-jung", "sibling-of", 7),)),
                a("kim-yo-jong"), a("north-korea")),
        topics=(), pages=())
    d = Diagnostics()
    check_references(content, d, {x.id for x in content.actors})
    assert [x.format() for x in d] == [
        "content/actors/kim-jong-un.yaml:3: error: unknown actor 'north-kore' in 'country' "
        "(did you mean 'north-korea'?)",
        "content/actors/kim-jong-un.yaml:5: error: unknown actor 'wpk' in 'roles' "
        "(known: kim-jong-un, kim-yo-jong, north-korea)",
        "content/actors/kim-jong-un.yaml:7: error: unknown actor 'kim-yo-jung' in 'relations' "
        "(did you mean 'kim-yo-jong' or 'kim-jong-un'?)",
        "content/briefings/x.md:4: error: unknown actor 'kim-jong-um' in 'actors' "
        "(did you mean 'kim-jong-un' or 'kim-yo-jong'?)",
    ]


def test_duplicate_slugs_name_both_files_and_reserved_pages() -> None:
    content = Content(
        briefings=(b("same", 1, path="content/briefings/2023-01-01-same.md"),
                   b("same", 2, path="content/briefings/same.md")),
        actors=(), topics=(),
        pages=(Page("content/pages/actors.md", "actors", "Actors", "", 3),))
    d = Diagnostics()
    check_slugs(content, d)
    assert [x.format() for x in d] == [
        "content/briefings/same.md:1: error: briefing slug 'same' is also used by "
        "content/briefings/2023-01-01-same.md (give one of them a different file name or a 'slug:' in its front matter)",
        "content/pages/actors.md:1: error: page slug 'actors' is reserved for a site section "
        "(rename the file or set another 'slug:')",
    ]


def graph_of(*briefings: Briefing, bodies: dict[str, RenderedBody] | None = None,
             actors: tuple[str, ...] = ("p", "q", "r", "common")) -> object:
    content = Content(briefings=briefings, actors=tuple(a(x) for x in actors), topics=(), pages=())
    all_bodies = {x.slug: (bodies or {}).get(x.slug, body()) for x in briefings}
    return build_graph(content, all_bodies, {})


def test_involvement_order_and_counts() -> None:
    g = graph_of(b("one", 1, actors=("r",)), bodies={"one": body("q", "p", "q")})
    assert g.briefing_actors["one"] == ("q", "p", "r")  # by first mention, then listed
    assert g.mention_counts("one")["q"] == 2 and g.total_mentions("q") == 2
    assert g.actor_briefings["r"] == ("one",)


def test_topics_created_by_use() -> None:
    g = graph_of(b("one", 1, topics=("war-in-ukraine",)))
    assert g.topics["war-in-ukraine"].title == "War in ukraine"
    assert g.topic_briefings["war-in-ukraine"] == ("one",)


def test_related_prefers_rare_shared_actors_and_is_deterministic() -> None:
    briefings = (
        b("base", 10, actors=("p", "common")),
        b("rare-match", 11, actors=("p", "common")),
        b("common-only", 10, actors=("common",)),
        b("far-rare-match", 1, actors=("p", "common")),
        b("topic-match", 10, actors=("common",), topics=()),
    )
    g = graph_of(*briefings)
    related = [r.slug for r in g.related["base"]]
    assert related[:2] == ["rare-match", "far-rare-match"]
    assert "common-only" not in related  # an actor in every briefing says nothing
    assert g.related["base"][0].shared_actors[0] == "p"
    assert graph_of(*reversed(briefings)).related["base"] == g.related["base"]


def test_tally_reads_and_compares_as_its_pairs() -> None:
    pairs = (("russia", 3), ("nato", 2), ("kim", 1))
    tally = Tally(pairs)
    assert tally == pairs and tuple(tally) == pairs and len(tally) == 3
    assert tally[1] == ("nato", 2) and tally[-1] == ("kim", 1)
    assert tally[:2] == pairs[:2] and isinstance(tally[:2], Tally)
    assert [a for a, _ in tally] == ["russia", "nato", "kim"]
    again = pickle.loads(pickle.dumps(tally))
    assert again == tally and pickle.dumps(again) == pickle.dumps(tally)
    assert Tally() == () and tally != pairs[:2] and tally != Tally(pairs[:2])


def test_co_mentions_after_edits_equal_counting_them_all() -> None:
    """Tallies updated from the briefings that came, went or changed actors equal a fresh count, order included."""
    rng = random.Random(5)
    actors = {f"x{i}": a(f"x{i}") for i in range(12)}

    def signature(drafts: dict[str, tuple[str, ...]]) -> graph_module.CoMentionInput:
        briefings = tuple(b(slug, 1, acts) for slug, acts in drafts.items())
        return related_signature(briefings, drafts), tuple((k, v.name) for k, v in actors.items())

    for _ in range(60):
        drafts = {f"s{i}": tuple(rng.sample(sorted(actors), rng.randint(0, 4))) for i in range(rng.randint(0, 12))}
        briefings = tuple(b(slug, 1, acts) for slug, acts in drafts.items())
        tallies = graph_module._co_mentions(briefings, drafts, actors)
        for _ in range(5):
            old = signature(drafts)
            for _ in range(rng.randint(1, 3)):
                move = rng.choice(["add", "remove", "change"])
                if move == "add" or not drafts:
                    drafts[f"n{rng.random()}"] = tuple(rng.sample(sorted(actors), rng.randint(0, 4)))
                elif move == "remove":
                    del drafts[rng.choice(sorted(drafts))]
                else:
                    drafts[rng.choice(sorted(drafts))] = tuple(rng.sample(sorted(actors), rng.randint(0, 4)))
            briefings = tuple(b(slug, 1, acts) for slug, acts in drafts.items())
            tallies = graph_module._co_mentions_update(briefings, drafts, actors, signature(drafts), old, tallies)
            fresh = graph_module._co_mentions(briefings, drafts, actors)
            assert tallies == fresh and list(tallies) == list(fresh)
