"""Related briefings: the best candidates, their bounds, and lists updated after edits, additions and removals."""

from __future__ import annotations

import math
import pickle
import random

import pytest
from test_site_graph import b

from site_builder.core.models import Briefing
from site_builder.graph import related as related_module
from site_builder.graph.related import Related, RelatedLists, best, related_lists, related_signature, updated_lists

Drafts = dict[str, tuple[tuple[str, ...], tuple[str, ...], int]]  # slug -> actors, topics, day


def test_best_candidates_equal_scoring_them_all() -> None:
    """The raw-score floor only skips work: ties (broken by slug) and far-apart dates included; the bound
    is at or above every candidate left out."""
    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(1, 80)
        stamps = [rng.choice([0.0, 86400.0 * rng.randint(0, 2000)]) for _ in range(n)]
        slugs = [f"b{rng.randint(0, 40):02d}-{i}" for i in range(n)]
        scores = {i: rng.choice([1.0, 2.5, 2.5, rng.random() * 5]) for i in rng.sample(range(n), rng.randint(0, n))}
        here = rng.choice(stamps)
        every = sorted((-round(raw / (1.0 + abs(here - stamps[o]) / 86400 / 90.0) ** 0.5, 9), slugs[o], o)
                       for o, raw in scores.items())
        limit = rng.randint(0, 6)
        top, bound = best(scores, here, stamps, slugs, limit)
        assert top == every[:limit]
        if len(every) > limit:
            assert bound >= -every[limit][0]
        else:
            assert bound == -math.inf


def test_related_pickles_as_its_fields() -> None:
    related = Related("b", 1.25, ("kim", "nato"), ("security",))
    assert pickle.loads(pickle.dumps(related)) == related
    assert pickle.dumps(related) == pickle.dumps(Related("b", 1.25, ("kim", "nato"), ("security",)))


def linked(drafts: Drafts) -> tuple[tuple[Briefing, ...], dict[str, tuple[str, ...]]]:
    made = sorted((b(slug, day, acts, tops) for slug, (acts, tops, day) in drafts.items()),
                  key=lambda x: (x.date, x.slug), reverse=True)
    return tuple(made), {x.slug: x.actors for x in made}


def left_out(briefings: tuple[Briefing, ...], involved: dict[str, tuple[str, ...]]) -> dict[str, float]:
    """The best score of a candidate left out of each list, found by listing every candidate."""
    limit = related_module.LIMIT
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(related_module, "LIMIT", len(briefings))
        every = related_lists(briefings, involved).lists
    return {slug: items[limit].score if len(items) > limit else -math.inf for slug, items in every.items()}


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_related_after_edits_equal_working_them_all_out(seed: int) -> None:
    """Lists worked out only where an edit can reach, and lists carried past a briefing added or removed
    elsewhere, equal the whole computation, caps and ties included, round after round; every carried
    bound stays at or above the candidates its list leaves out."""
    rng = random.Random(seed)
    actors = [f"a{i}" for i in range(300)]
    weights = [1 / (i + 1) for i in range(300)]  # a few actors in most briefings, past the cap; most in few
    topics = [f"t{i}" for i in range(30)]

    def pick() -> tuple[tuple[str, ...], tuple[str, ...], int]:
        chosen = tuple(dict.fromkeys(rng.choices(actors, weights, k=rng.randint(0, 5))))
        return chosen, tuple(sorted(set(rng.sample(topics, rng.randint(0, 2))))), rng.randint(1, 28)

    carried = 0
    for round_ in range(12):
        drafts: Drafts = {f"s{i:03d}": pick() for i in range(rng.randint(100, 260))}
        briefings, involved = linked(drafts)
        lists = related_lists(briefings, involved)
        for step in range(4):
            signature = related_signature(briefings, involved)
            kind = rng.choice(["edit", "add", "remove", "add", "remove", "mixed"])
            if kind in ("edit", "mixed"):
                for slug in rng.sample(sorted(drafts), rng.randint(1, 3)):
                    acts, tops, day = drafts[slug]
                    new_acts, new_tops, new_day = pick()
                    drafts[slug] = rng.choice([(new_acts, tops, day), (acts, new_tops, day), (acts, tops, new_day),
                                               (new_acts, new_tops, new_day)])
            if kind in ("add", "mixed"):
                drafts[f"n{round_}-{step}"] = pick()
            if kind in ("remove", "mixed"):
                del drafts[rng.choice(sorted(drafts))]
            briefings, involved = linked(drafts)
            updated = updated_lists(briefings, involved, related_signature(briefings, involved), signature, lists)
            fresh = related_lists(briefings, involved)
            assert updated.lists == fresh.lists, (round_, step, kind)
            assert list(updated.lists) == list(updated.bounds) == [x.slug for x in briefings]
            truth = left_out(briefings, involved)
            assert all(updated.bounds[s] >= truth[s] for s in truth), (round_, step, kind)
            carried += sum(updated.lists[s] is not fresh.lists[s] and updated.bounds[s] != fresh.bounds[s]
                           for s in truth)
            lists = updated
    assert carried > 1000  # most lists past an addition or removal were carried, not scored again


def test_a_list_whose_members_no_longer_clear_its_bound_is_scored_again() -> None:
    """x's list holds y, which shares a rare actor; z, left out, shares two commoner ones. A briefing added
    elsewhere raises every weight by as much, so z's score rises twice as much as y's and overtakes it."""
    def made(added: int) -> tuple[tuple[Briefing, ...], dict[str, tuple[str, ...]]]:
        drafts: Drafts = {"x": (("p", "q", "r"), (), 10), "y": (("p",), (), 10), "z": (("q", "r"), (), 10),
                          "g": (("q", "r"), (), 1)}
        drafts.update({f"f{i}": ((f"o{i}",), (), 1) for i in range(added)})
        return linked(drafts)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(related_module, "LIMIT", 1)
        old = related_lists(*made(0))
        assert [r.slug for r in old.lists["x"]] == ["y"]
        updated = updated_lists(*made(1), related_signature(*made(1)), related_signature(*made(0)), old)
        fresh = related_lists(*made(1))
        assert updated.lists == fresh.lists and updated.bounds["x"] == fresh.bounds["x"]  # x was scored again
        assert [r.slug for r in updated.lists["x"]] == ["z"]


def test_related_after_an_edit_reorders_reasons_of_lists_it_does_not_join() -> None:
    """S gains an actor too common to count: no list gets S, but that actor's weight changes and with it
    the order of the shared actors shown on other lists."""
    def made(s_actors: tuple[str, ...]) -> tuple[tuple[Briefing, ...], dict[str, tuple[str, ...]]]:
        items = [b(f"b{i:02d}", 1, ("zbig", "mid")) for i in range(60)]
        items += [b("m", 1, ("mid",)), b("x", 2, ("zbig", "mid", "c")), b("y", 2, ("zbig", "mid", "c")),
                  b("s", 3, s_actors)]
        ordered = tuple(sorted(items, key=lambda x: (x.date, x.slug), reverse=True))
        return ordered, {x.slug: x.actors for x in ordered}

    briefings, involved = made(())
    before = related_lists(briefings, involved)
    assert before.lists["x"][0].shared_actors == ("c", "zbig", "mid")
    signature = related_signature(briefings, involved)
    briefings, involved = made(("zbig",))
    updated = updated_lists(briefings, involved, related_signature(briefings, involved), signature, before)
    assert updated.lists == related_lists(briefings, involved).lists
    assert updated.lists["x"][0].shared_actors == ("c", "mid", "zbig")


def test_briefings_added_with_a_common_actor_reorder_reasons_of_lists_they_do_not_join() -> None:
    """Two briefings added with an actor too common to count join no list, but that actor's weight falls
    below another's, and the reasons shown on a list carried past them are ordered by the new weights."""
    def made(added: int) -> tuple[tuple[Briefing, ...], dict[str, tuple[str, ...]]]:
        drafts: Drafts = {f"p{i:02d}": (("big1",), (), 1) for i in range(58)}
        drafts.update({f"q{i:02d}": (("big2",), (), 1) for i in range(59)})
        drafts.update({"x": (("c", "big1", "big2"), (), 5), "y": (("c", "big1", "big2"), (), 5)})
        drafts.update({f"n{i}": (("big1",), (), 2) for i in range(added)})
        return linked(drafts)

    old = related_lists(*made(0))
    assert old.lists["x"][0].shared_actors == ("c", "big1", "big2")  # big1 is in 60 briefings, big2 in 61
    updated = updated_lists(*made(2), related_signature(*made(2)), related_signature(*made(0)), old)
    assert updated.lists == related_lists(*made(2)).lists
    assert updated.lists["x"][0].shared_actors == ("c", "big2", "big1")  # now 62 against 61


def test_an_actor_or_topic_that_starts_counting_without_changing_briefings_reaches_its_lists() -> None:
    """Adding a briefing elsewhere can make an unchanged actor or topic count: the cap grows with N (51 at
    168 briefings, 52 at 169), and an actor in every briefing weighs nothing until one comes without it.
    The lists of its briefings gain candidates, so they are scored again."""
    def topic_site(added: int) -> tuple[tuple[Briefing, ...], dict[str, tuple[str, ...]]]:
        drafts: Drafts = {f"t{i:02d}": ((), ("busy",), 1 + i % 20) for i in range(52)}
        drafts.update({f"f{i:03d}": ((f"o{i}",), (), 1) for i in range(116 + added)})
        return linked(drafts)

    def everywhere_site(added: int) -> tuple[tuple[Briefing, ...], dict[str, tuple[str, ...]]]:
        drafts: Drafts = {f"e{i}": (("everywhere",), (), 1 + i) for i in range(8)}
        drafts.update({f"f{i}": (("elsewhere",), (), 1) for i in range(added)})
        return linked(drafts)

    for made, slug in ((topic_site, "t00"), (everywhere_site, "e0")):
        old = related_lists(*made(0))
        assert old.lists[slug] == ()
        updated = updated_lists(*made(1), related_signature(*made(1)), related_signature(*made(0)), old)
        assert updated.lists == related_lists(*made(1)).lists
        assert len(updated.lists[slug]) == related_module.LIMIT


def test_an_edit_that_takes_a_topic_past_the_cap_rescores_its_briefings() -> None:
    """A topic in 50 briefings counts (the cap at 60 briefings is 50); given to one more, it stops counting
    for all 51, so their lists lose every candidate they had through it, not only the edited briefing."""
    def made(s_topics: tuple[str, ...]) -> tuple[tuple[Briefing, ...], dict[str, tuple[str, ...]]]:
        drafts: Drafts = {f"t{i:02d}": ((), ("busy",), 1 + i % 20) for i in range(50)}
        drafts.update({f"f{i}": ((f"o{i}",), (), 1) for i in range(9)})
        drafts["s"] = (("o0",), s_topics, 3)
        return linked(drafts)

    old = related_lists(*made(()))
    assert len(old.lists["t00"]) == related_module.LIMIT
    updated = updated_lists(*made(("busy",)), related_signature(*made(("busy",))), related_signature(*made(())), old)
    assert updated.lists == related_lists(*made(("busy",))).lists
    assert updated.lists["t00"] == ()


def test_lists_are_kept_with_their_bounds() -> None:
    briefings, involved = linked({"a": (("p",), (), 1), "b": (("p",), (), 2), "c": (("q",), (), 3)})
    lists = related_lists(briefings, involved)
    assert isinstance(lists, RelatedLists)
    assert [r.slug for r in lists.lists["a"]] == ["b"] and lists.bounds["a"] == -math.inf  # no candidate left out
    assert lists.lists["c"] == ()
