"""Co-mention networks laid out at build time: deterministic coordinates for an inline SVG, no JavaScript."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from site_builder.core.ui_strings import UiStrings
from site_builder.render.views import ActorRef, NetworkEdge, NetworkNode, NetworkView

EDGES_PER_NODE = 2.0


@dataclass(frozen=True)
class Placed:
    """A node's position and radius."""

    id: str
    x: float
    y: float
    r: float


def ego_layout(center: str, neighbours: Sequence[tuple[str, int]], width: float = 720.0,
               height: float = 400.0) -> list[Placed]:
    """The actor in the middle, its co-mentioned actors on an ellipse, strongest at the top.

    An ellipse wider than tall leaves room for labels on the left and right, where they run
    sideways; the margins keep them inside the drawing.
    """
    cx, cy = width / 2, height / 2
    placed = [Placed(center, cx, cy, 16.0)]
    if not neighbours:
        return placed
    top = max(w for _, w in neighbours)
    count = len(neighbours)
    rx, ry = cx - 190, cy - 45
    for index, (node, weight) in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        placed.append(Placed(node, _r(cx + rx * math.cos(angle)), _r(cy + ry * math.sin(angle)),
                             _r(5 + 7 * weight / top)))
    return placed


def ring_layout(nodes: Sequence[str], weights: Mapping[str, int], size: float = 760.0,
                label_room: float = 195.0) -> list[Placed]:
    """Nodes evenly on a circle in the given order, labels pointing outwards.

    A ring stays readable at fifty nodes where a force layout of a dense co-mention graph
    collapses into a knot, and it is deterministic by construction.
    """
    count = len(nodes)
    mid = size / 2
    radius = mid - label_room
    top = max((weights.get(n, 0) for n in nodes), default=1) or 1
    return [
        Placed(node, _r(mid + radius * math.cos(-math.pi / 2 + 2 * math.pi * i / count)),
               _r(mid + radius * math.sin(-math.pi / 2 + 2 * math.pi * i / count)),
               _r(3 + 7 * math.sqrt(weights.get(node, 0) / top)))
        for i, node in enumerate(nodes)
    ]


def _r(value: float) -> float:
    return round(value, 1)


def _node(actor: ActorRef, p: Placed, weight: int, center: bool, mid_x: float, mid_y: float,
          radial: bool) -> NetworkNode:
    """A node with its label placed outside the circle, pointing away from the middle of the drawing."""
    if center:
        return NetworkNode(actor, p.x, p.y, p.r, weight, True, p.x, _r(p.y + p.r + 16), "middle", 0.0)
    angle = math.atan2(p.y - mid_y, p.x - mid_x)
    gap = p.r + 5
    x, y = _r(p.x + gap * math.cos(angle)), _r(p.y + gap * math.sin(angle))
    right = math.cos(angle) >= -1e-9
    if radial:  # along the radius, flipped on the left half so text never reads upside down
        degrees = math.degrees(angle) if right else math.degrees(angle) - 180
        return NetworkNode(actor, p.x, p.y, p.r, weight, False, x, _r(y + 4), "start" if right else "end",
                           _r(degrees))
    if abs(p.x - mid_x) < 8:
        return NetworkNode(actor, p.x, p.y, p.r, weight, False, p.x,
                           _r(p.y + (p.r + 14 if p.y > mid_y else -(p.r + 6))), "middle", 0.0)
    return NetworkNode(actor, p.x, p.y, p.r, weight, False, x, _r(y + 4), "start" if right else "end", 0.0)


def ego_network(center: str, neighbours: Sequence[tuple[str, int]], ref: Callable[[str], ActorRef],
                words: UiStrings, limit: int = 16) -> NetworkView | None:
    """An actor's neighbourhood: who it shares briefings with, as a radial drawing, titled in the site's words."""
    shown = list(neighbours[:limit])
    if not shown:
        return None
    width, height = 720, 400
    placed = ego_layout(center, shown, float(width), float(height))
    weights = dict(shown)
    top = max(weights.values())
    by_id = {p.id: p for p in placed}
    middle = by_id[center]
    nodes = tuple(_node(ref(p.id), p, weights.get(p.id, 0), p.id == center, width / 2, height / 2, radial=False)
                  for p in placed)
    edges = tuple(
        NetworkEdge(center, other, middle.x, middle.y, by_id[other].x, by_id[other].y, count,
                    _r(1 + 4 * count / top))
        for other, count in shown
    )
    name = ref(center).name
    return NetworkView(
        title=words.plain("network.ego.title", name=name),
        description=words.plain("network.ego.description", name=name, count=len(shown)),
        width=width, height=height, nodes=nodes, edges=edges,
        pairs=tuple((ref(center), ref(other), count) for other, count in shown),
    )


def whole_network(weights: Mapping[str, int], co_mentions: Mapping[str, Sequence[tuple[str, int]]],
                  ref: Callable[[str], ActorRef], words: UiStrings, limit: int = 50) -> NetworkView | None:
    """The most involved actors on a ring, grouped by type, joined by their strongest co-mentions."""
    chosen = sorted(weights, key=lambda a: (-weights[a], a))[:limit]
    if len(chosen) < 2:
        return None
    nodes_sorted = sorted(chosen, key=lambda a: (ref(a).type, -weights[a], ref(a).name))
    keep = set(chosen)
    every = {(a, b): n for a in nodes_sorted for b, n in co_mentions.get(a, ()) if b in keep and a < b}
    # Only the strongest links are drawn: on a small desk everyone shares a briefing with everyone,
    # and a complete graph says nothing.
    strongest_first = sorted(every.items(), key=lambda kv: (-kv[1], kv[0]))
    edges = dict(strongest_first[: int(len(chosen) * EDGES_PER_NODE)])
    width = height = 760
    placed = ring_layout(nodes_sorted, weights, float(width))
    by_id = {p.id: p for p in placed}
    top = max(edges.values(), default=1)
    edge_views = tuple(
        NetworkEdge(a, b, by_id[a].x, by_id[a].y, by_id[b].x, by_id[b].y, n, _r(0.5 + 3.5 * n / top))
        for (a, b), n in sorted(edges.items(), key=lambda kv: (kv[1], kv[0]))
    )
    nodes = tuple(_node(ref(p.id), p, weights[p.id], False, width / 2, height / 2, radial=True) for p in placed)
    strongest = strongest_first[:limit]
    return NetworkView(
        title=words.plain("network.all.title"),
        description=words.plain("network.all.description", count=len(chosen)),
        width=width, height=height, nodes=nodes, edges=edge_views,
        pairs=tuple((ref(a), ref(b), n) for (a, b), n in strongest),
    )
