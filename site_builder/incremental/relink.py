"""The last build's graph patched after edits to briefings, instead of linking every briefing again.

Linking a desk walks every briefing for who is in which list, every body for quotes and every
actor for its topic tallies; after an edit to one briefing nearly all of that comes out as it was.
Here only the lists and tallies of the actors and topics the edited briefings are or were in are
worked out again. Both functions give what `build_graph` gives for the same content (tests compare
the two), given that actor files, topic files and pages are as they were.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace

from site_builder.actors.quotes import Quote, resolve_quotes
from site_builder.bodies.packed import RenderedBody
from site_builder.core.models import Briefing, Content
from site_builder.graph.site_graph import SiteGraph, briefing_actor_list, linked, newest_first, site_topics, topic_tally
from site_builder.incremental.derived_memo import DerivedMemo

Quotes = dict[str, tuple[tuple[str, Quote], ...]]


def relink_bodies(previous: SiteGraph, edited: Mapping[str, tuple[Briefing, RenderedBody]]) -> SiteGraph:
    """The previous graph with new bodies for briefings whose front matter and actor list are unchanged.

    Everything linked from front matter and the actor list (related briefings, co-mentions, topics,
    who is in which briefing) stays; only mentions counts and quotes follow a body. Re-linking the
    whole graph for that costs more than the rest of a one-briefing rebuild. `edited` maps slugs to
    the new briefing and body; the caller has checked that the rest of each briefing is unchanged.
    """
    if not edited:
        return previous
    by_slug = {**previous.by_slug, **{slug: b for slug, (b, _) in edited.items()}}
    bodies = {**previous.bodies, **{slug: body for slug, (_, body) in edited.items()}}
    order = {b.slug: i for i, b in enumerate(previous.briefings)}
    return replace(
        previous,
        briefings=tuple(by_slug[b.slug] for b in previous.briefings),
        bodies=bodies,
        by_slug=by_slug,
        quotes=_requoted(previous, previous.briefing_actors, bodies, edited, order),
        actor_mentions=_recounted(previous, bodies, edited, by_slug),
    )


def relink_briefings(previous: SiteGraph, content: Content, bodies: Mapping[str, RenderedBody],
                     page_bodies: Mapping[str, RenderedBody], edited: Collection[str],
                     derived: DerivedMemo) -> SiteGraph:
    """The graph of `content` after the briefings `edited` (slugs before and after the edit) changed in
    anything, came or went; every other briefing, actor, topic file and page is as the previous graph has it.

    Related briefings and co-mentions come from `linked`, which works out related lists only where an
    edit reaches and takes co-mentions from the memo while every actor list is as it was.
    """
    briefings = newest_first(content.briefings)
    by_slug = {b.slug: b for b in briefings}
    briefing_actors = {b.slug: previous.briefing_actors[b.slug]
                       if b.slug not in edited and b.slug in previous.briefing_actors
                       else briefing_actor_list(b, bodies[b.slug]) for b in briefings}
    actors: set[str] = set()  # the actors and topics whose lists and tallies the edits can change
    topics: set[str] = set()
    for slug in edited:
        if slug in previous.by_slug:
            actors.update(previous.briefing_actors[slug])
            topics.update(previous.by_slug[slug].topics)
        if slug in by_slug:
            actors.update(briefing_actors[slug])
            topics.update(by_slug[slug].topics)
    at = {b.slug: i for i, b in enumerate(briefings)}
    actor_briefings = _relisted(previous.actor_briefings, actors, edited, at, briefing_actors.__getitem__)
    topic_briefings = _relisted(previous.topic_briefings, topics, edited, at, lambda slug: by_slug[slug].topics)
    site = site_topics(content.topics, topic_briefings)
    actor_topics = dict(previous.actor_topics)
    for actor_id in actors:
        if actor_id in actor_briefings:
            actor_topics[actor_id] = topic_tally(actor_briefings[actor_id], by_slug, site)
        else:
            actor_topics.pop(actor_id, None)
    related, co_mentions = linked(briefings, briefing_actors, content.actors, derived)
    return replace(
        previous,
        briefings=briefings,
        topics=site,
        bodies=bodies,
        page_bodies=page_bodies,
        briefing_actors=briefing_actors,
        actor_briefings=actor_briefings,
        topic_briefings=topic_briefings,
        related=related,
        by_slug=by_slug,
        co_mentions=co_mentions,
        quotes=_requoted(previous, briefing_actors, bodies, edited, at),
        actor_topics=dict(sorted(actor_topics.items())),
        actor_mentions=_recounted(previous, bodies, edited, by_slug),
    )


def _relisted(old: Mapping[str, tuple[str, ...]], keys: Iterable[str], edited: Collection[str],
              at: Mapping[str, int], holds: Callable[[str], Collection[str]]) -> dict[str, tuple[str, ...]]:
    """Lists of slugs by actor or topic (newest first): for each of `keys`, the edited briefings taken out
    and put back where they belong now, if they hold the key; keys left without briefings are dropped."""
    lists = dict(old)
    for key in keys:
        kept = [slug for slug in old.get(key, ()) if slug not in edited]
        kept += [slug for slug in edited if slug in at and key in holds(slug)]
        kept.sort(key=at.__getitem__)
        if kept:
            lists[key] = tuple(kept)
        else:
            lists.pop(key, None)
    return dict(sorted(lists.items()))


def _recounted(previous: SiteGraph, bodies: Mapping[str, RenderedBody], edited: Iterable[str],
               now: Mapping[str, Briefing]) -> dict[str, int]:
    """Mentions of each actor in all bodies, with the edited briefings' counts swapped."""
    counts = Counter(previous.actor_mentions)
    for slug in edited:
        if slug in previous.by_slug:
            counts.subtract(previous.mention_counts(slug))
        if slug in now:
            counts.update(bodies[slug].mention_counts())
    return {k: v for k, v in sorted(counts.items()) if v}


def _requoted(previous: SiteGraph, briefing_actors: Mapping[str, tuple[str, ...]],
              bodies: Mapping[str, RenderedBody], edited: Iterable[str], order: Mapping[str, int]) -> Quotes:
    """Each speaker's quotes, newest first, with the edited briefings' quotes taken out and put back in the
    place a full link puts them (`order`: each briefing's place in the site now).

    Speakers are always actors mentioned in a body, so only an edited briefing's own actors, before
    and after, can lose a quote. All edited briefings are taken out before any is put back, so the
    lists they go into hold only briefings in their new order.
    """
    persons = frozenset(a.id for a in previous.actors.values() if a.type == "person")
    quotes = dict(previous.quotes)
    found: dict[str, list[Quote]] = {}
    for slug in edited:
        found[slug] = resolve_quotes(bodies[slug].quotes, persons) if slug in order else []
        speakers = {*previous.briefing_actors.get(slug, ()), *briefing_actors.get(slug, ())}
        for actor_id in speakers & quotes.keys():
            quotes[actor_id] = tuple(entry for entry in quotes[actor_id] if entry[0] != slug)
    for slug, said in found.items():
        for actor_id in dict.fromkeys(q.actor_id for q in said):
            kept = list(quotes.get(actor_id, ()))
            place = next((i for i, (s, _) in enumerate(kept) if order[s] > order[slug]), len(kept))
            kept[place:place] = [(slug, q) for q in said if q.actor_id == actor_id]
            quotes[actor_id] = tuple(kept)
    return {k: v for k, v in sorted(quotes.items()) if v}
