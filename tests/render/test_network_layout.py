"""Network layouts are deterministic, stay on the canvas and keep the strongest links."""

from __future__ import annotations

from site_builder.core.ui_strings import UiStrings
from site_builder.render.network_layout import ego_network, whole_network
from site_builder.render.views import ActorRef

TYPES = ["person", "state", "organization", "armed-group"]


def ref(actor_id: str) -> ActorRef:
    number = int(actor_id[1:])
    return ActorRef(actor_id, f"Actor {number}", TYPES[number % 4], "Label", f"actors/{actor_id}/")


def test_ego_network_places_neighbours_around_the_actor() -> None:
    view = ego_network("a0", [("a1", 5), ("a2", 3), ("a3", 1)], ref, UiStrings())
    assert view is not None
    center = view.nodes[0]
    assert center.center and (center.x, center.y) == (view.width / 2, view.height / 2)
    assert [n.actor.id for n in view.nodes[1:]] == ["a1", "a2", "a3"]
    assert view.nodes[1].r > view.nodes[3].r  # stronger ties are bigger
    assert [e.count for e in view.edges] == [5, 3, 1] and view.edges[0].width > view.edges[2].width
    assert [(a.id, b.id, n) for a, b, n in view.pairs] == [("a0", "a1", 5), ("a0", "a2", 3), ("a0", "a3", 1)]
    assert ego_network("a0", [], ref, UiStrings()) is None


def test_whole_network_is_deterministic_and_readable_at_fifty() -> None:
    ids = [f"a{n}" for n in range(80)]
    weights = {a: 100 - i for i, a in enumerate(ids)}
    co = {a: [(b, (i * j) % 7 + 1) for j, b in enumerate(ids) if b != a] for i, a in enumerate(ids)}
    first = whole_network(weights, co, ref, UiStrings())
    second = whole_network(dict(reversed(list(weights.items()))), co, ref, UiStrings())
    assert first == second
    assert first is not None and len(first.nodes) == 50
    assert len(first.edges) <= 100  # only the strongest links are drawn
    for node in first.nodes:
        assert 0 <= node.x <= first.width and 0 <= node.y <= first.height
    xs = sorted((n.x, n.y) for n in first.nodes)
    assert len(set(xs)) == 50  # no two nodes on the same spot
