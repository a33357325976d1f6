"""Seeded synthetic briefing desk: thousands of briefings that mention hundreds of actors, for benchmarks.

Every random choice comes from `random.Random` seeded with a string built from the seed and the item's
index (string seeds hash with SHA-512, not Python's randomised `hash`), and nothing iterates a set, so
the same arguments always give the same bytes. Briefing *i* depends only on the seed, *i* and the actor
list, so a 50-briefing corpus is the first 50 briefings of the 5,000-briefing one with the same actors.

    python -m bench.corpus /tmp/desk --briefings 5000 --actors 500 --seed 1
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Any

import yaml

# The C dumper is ~10x faster; generation of 10,000 briefings should take seconds, not a minute.
_BASE_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BASE_DUMPER):  # type: ignore[misc]
    """Never writes `&id001` anchors for values that happen to be shared (dates of sources)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_DUMPER = _Dumper

ACTOR_TYPES = ("person", "state", "organization", "armed-group")
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2024, 12, 31)

# ---------------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------------

_ONSETS = ("b", "br", "ch", "d", "dr", "g", "k", "kh", "l", "m", "n", "p", "r", "s", "sh", "st", "t", "tr",
           "v", "z", "gr", "h", "y", "f")
_VOWELS = ("a", "e", "i", "o", "u", "a", "o", "ai", "ia", "ei", "ou")
_CODAS = ("", "", "", "n", "r", "l", "s", "k", "m", "v", "nd", "rt")
_SURNAME_ENDS = ("ov", "enko", "ski", "ani", "ez", "sson", "berg", "yan", "adze", "escu", "ic", "ard", "ini",
                 "mann", "ovich", "er")
_STATE_ENDS = ("ia", "istan", "land", "ova", "ar", "ania", "ea", "ura")
_PLACE_ENDS = ("grad", "sk", "pol", "ville", "burg", "abad", "port", "haven", "ovo", "ec", "ford", "ino")
_KOREAN_FAMILY = ("Kim", "Park", "Choe", "Ri", "Han", "Jang", "O", "Yun", "Kang", "Song", "Jo", "Hwang")
_KOREAN_GIVEN = ("Yo", "Jong", "Chol", "Su", "Hyon", "Il", "Sun", "Myong", "Ho", "Gwang", "Nam", "Yong",
                 "Hui", "Ryong", "Sok", "Chun")
_HANGUL = {
    "Kim": "김", "Park": "박", "Choe": "최", "Ri": "리", "Han": "한", "Jang": "장", "O": "오", "Yun": "윤",
    "Kang": "강", "Song": "송", "Jo": "조", "Hwang": "황", "Yo": "여", "Jong": "정", "Chol": "철", "Su": "수",
    "Hyon": "현", "Il": "일", "Sun": "순", "Myong": "명", "Ho": "호", "Gwang": "광", "Nam": "남", "Yong": "용",
    "Hui": "희", "Ryong": "룡", "Sok": "석", "Chun": "춘",
}
_SPACE_RUN = re.compile(r"\s+")
_FOLD = str.maketrans({"\u2019": "'", "\u2010": "-", "\u2011": "-"})


def alias_key(text: str) -> str:
    """How the builder compares aliases (docs/architecture.md, Mention rules): with typographic variants
    and runs of white space folded.

    The generator refuses any alias whose key another actor already holds, because an alias claimed
    by two actors fails the build.
    """
    return _SPACE_RUN.sub(" ", text.translate(_FOLD)).strip()


def slugify(text: str) -> str:
    """An actor id or slug: lowercase ASCII words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "").replace("’", "")).strip("-")


def _syllable(rng: Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _word(rng: Random, low: int = 2, high: int = 3) -> str:
    """A pronounceable invented word, so names never collide with real people or English words."""
    return "".join(_syllable(rng) for _ in range(rng.randint(low, high))).capitalize()


def person_name(rng: Random) -> tuple[str, list[str]]:
    """A person's name and the aliases news copy uses for them (surname, spelling variants, Hangul)."""
    style = rng.random()
    if style < 0.2:  # Korean-style: "Kim Yo Jong", "Kim Yo-jong", "김여정"
        family, a, b = rng.choice(_KOREAN_FAMILY), rng.choice(_KOREAN_GIVEN), rng.choice(_KOREAN_GIVEN)
        name = f"{family} {a} {b}"
        aliases = [f"{family} {a}-{b.lower()}"]
        if rng.random() < 0.5:
            aliases.append(_HANGUL[family] + _HANGUL[a] + _HANGUL[b])
        return name, aliases
    given = _word(rng, 2, 2)
    surname = _word(rng, 1, 2) + rng.choice(_SURNAME_ENDS)
    if style < 0.3:  # double-barrelled: "Anna Berg-Lindqvist"
        surname = f"{surname}-{_word(rng, 1, 2)}{rng.choice(_SURNAME_ENDS)}"
    name = f"{given} {surname}"
    aliases = []
    if rng.random() < 0.6:
        aliases.append(surname)
    if rng.random() < 0.3:  # transliteration variant, as in Yevgeny/Evgeny
        variant = given.replace("v", "w").replace("k", "c").replace("i", "y")
        if variant != given:
            aliases.append(f"{variant} {surname}")
    return name, aliases


def demonym(state: str) -> str:
    """An adjective for a state ("Veldorian"): deliberately *not* an alias, like "North Korean"."""
    for end, adjective in (("istan", "istani"), ("land", "lander"), ("ia", "ian"), ("ea", "ean"), ("a", "an")):
        if state.endswith(end):
            return state[: -len(end)] + adjective
    return state + "ian"


def generate_names(count: int, seed: int | str) -> list[str]:
    """`count` distinct invented names (people, organisations, places) for the matcher benchmark."""
    rng = Random(f"{seed}:names")
    seen: dict[str, None] = {}
    while len(seen) < count:
        kind = rng.random()
        if kind < 0.6:
            name, _ = person_name(rng)
        elif kind < 0.8:
            name = f"{_word(rng)} {rng.choice(('Group', 'Bank', 'Council', 'Agency', 'Front', 'Institute'))}"
        else:
            name = _word(rng) + rng.choice(_PLACE_ENDS + _STATE_ENDS)
        seen.setdefault(alias_key(name), None)
    return list(seen)


# ---------------------------------------------------------------------------------------------------
# Actors and topics
# ---------------------------------------------------------------------------------------------------


@dataclass
class Actor:
    """One generated actor: what goes into its YAML file plus what the body writer needs."""

    id: str
    name: str
    type: str
    aliases: list[str]
    weight: float = 1.0
    country: str | None = None
    summary: str = ""
    roles: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, str]] = field(default_factory=list)
    demonym: str = ""
    short: str = ""  # the one-word form used in "Tarvek-linked"

    def file_data(self, index: int) -> dict[str, Any]:
        """The actor file's mapping, keys in the order a desk would write them."""
        data: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.aliases:
            data["aliases"] = self.aliases
        data["summary"] = self.summary
        if self.country:
            data["country"] = self.country
        if self.roles:
            data["roles"] = self.roles
        if self.relations:
            data["relations"] = self.relations
        data["links"] = {"wikipedia": "https://en.wikipedia.org/wiki/" + self.name.replace(" ", "_"),
                         "wikidata": f"https://www.wikidata.org/wiki/Q{9_000_000 + index}"}
        return data


class Registry:
    """Claims names and aliases so no key is ever held twice (a shared alias would fail the build)."""

    def __init__(self) -> None:
        self.claimed: dict[str, str] = {}
        self.ids: dict[str, None] = {}

    def free(self, text: str) -> bool:
        """Whether nobody, not even a place, holds this alias key yet."""
        return alias_key(text) not in self.claimed

    def claim(self, owner: str, text: str) -> bool:
        """Claim a key for `owner`; False when someone else has it."""
        key = alias_key(text)
        if self.claimed.get(key, owner) != owner:
            return False
        self.claimed[key] = owner
        return True


_STATE_FORMS = ("Republic of {}", "{} Federation", "Kingdom of {}", "People's Republic of {}", "Union of {}")
_ORG_FORMS = (
    ("{d} Ministry of Defence", ("{d} Defence Ministry",), True),
    ("Workers' Party of {s}", ("{s} Workers' Party", "WP{i}"), True),
    ("{d} Central News Agency", ("{i}CNA",), True),
    ("National Security Council of {s}", ("{d} NSC",), True),
    ("{w} Energy Corporation", ("{w} Energy",), True),
    ("{w} Development Bank", ("{w} Bank",), True),
    ("{d} State Security Service", ("{i}SSS",), True),
    ("{w} Treaty Organization", ("{w0}TO",), False),
    ("Council of {w} States", ("C{w0}S",), False),
    ("{w} Monitoring Mission", ("{w0}MM",), False),
    ("{w} Institute for Strategic Studies", ("{w} Institute",), False),
)
_GROUP_FORMS = (
    ("{w} Group", ("{w}", "PMC {w}")),
    ("{d} Liberation Front", ("{i}LF",)),
    ("{w} Brigade", ("{w} Brigades",)),
    ("Army of {p}", ()),
    ("{w} Battalion", ("{w}",)),
)
_STATE_ROLES = ("President", "Prime Minister", "Foreign Minister", "Defence Minister", "Ambassador to the UN",
                "Chief of the General Staff", "Deputy Foreign Minister", "Interior Minister")
_ORG_ROLES = ("Chairman", "Director", "Spokesperson", "Secretary", "Vice Department Director", "Head of Research")
_GROUP_ROLES = ("Commander", "Founder", "Spokesman", "Field Commander")


def _weights(rng: Random, actors: list[Actor], exponent: float = 0.9) -> None:
    """Zipf-like prominence: a few actors appear in thousands of briefings, most in a handful."""
    order = list(range(len(actors)))
    rng.shuffle(order)
    for rank, index in enumerate(order):
        actors[index].weight = 1.0 / (rank + 1) ** exponent


def _period(rng: Random, year: int) -> int | str | date:
    """Role dates as desks write them: a year, a year-month, or a full date."""
    r = rng.random()
    if r < 0.6:
        return year
    if r < 0.85:
        return f"{year}-{rng.randint(1, 12):02d}"
    return date(year, rng.randint(1, 12), rng.randint(1, 28))


def generate_places(rng: Random, registry: Registry, count: int) -> list[str]:
    """City names; claimed first so no actor alias equals a place that is not its capital."""
    places: list[str] = []
    while len(places) < count:
        place = _word(rng, 1, 2) + rng.choice(_PLACE_ENDS)
        if registry.claim("place:" + place, place):
            places.append(place)
    return places


def generate_actors(count: int, seed: int | str, places: list[str], registry: Registry) -> list[Actor]:
    """`count` actors across the four built-in types, with unique aliases, roles, relations and countries."""
    rng = Random(f"{seed}:actors")
    n_states = max(2, count * 12 // 100)
    n_orgs = max(1, count * 18 // 100)
    n_groups = max(1, count * 10 // 100)
    n_people = max(1, count - n_states - n_orgs - n_groups)
    states = _make_states(rng, registry, n_states, places)
    orgs = _make_orgs(rng, registry, n_orgs, states)
    groups = _make_groups(rng, registry, n_groups, states, places)
    people = _make_people(rng, registry, n_people, states)
    actors = states + orgs + groups + people
    for group in (states, orgs, groups, people):
        _weights(rng, group)
    _link(rng, states, orgs, groups, people)
    return actors


def _new_actor(registry: Registry, name: str, type_: str, aliases: Sequence[str]) -> Actor | None:
    actor_id = slugify(name)
    if not actor_id or actor_id in registry.ids or not registry.free(name):
        return None
    registry.ids[actor_id] = None
    registry.claim(actor_id, name)
    kept = [a for a in aliases if alias_key(a) != alias_key(name) and registry.claim(actor_id, a)]
    return Actor(actor_id, name, type_, list(dict.fromkeys(kept)))


def _make_states(rng: Random, registry: Registry, count: int, places: list[str]) -> list[Actor]:
    states: list[Actor] = []
    capitals = iter(places[: count * 2])
    while len(states) < count:
        base = _word(rng, 2, 2) + rng.choice(_STATE_ENDS)
        name = (rng.choice(("North ", "South ", "East ", "New ")) + base) if rng.random() < 0.15 else base
        if slugify(name) in registry.ids or not registry.free(name):
            continue
        aliases = [rng.choice(_STATE_FORMS).format(name)]
        capital = next(capitals, None)
        if capital:  # metonymy, like "Pyongyang" for North Korea: the place becomes the state's alias
            registry.claimed.pop(alias_key(capital), None)
            aliases.append(capital)
        if " " in name:
            aliases.append("".join(w[0] for w in name.split()) + "R")
        actor = _new_actor(registry, name, "state", aliases)
        if actor:
            actor.demonym = demonym(base)
            actor.short = name
            actor.summary = (f"{name} is a state whose government sits in {capital or 'its capital'}. "
                             f"Its {actor.demonym} leadership features often in the desk's reporting.")
            states.append(actor)
    return states


def _make_orgs(rng: Random, registry: Registry, count: int, states: list[Actor]) -> list[Actor]:
    orgs: list[Actor] = []
    tries = 0
    while len(orgs) < count and tries < count * 50:
        tries += 1
        form, alias_forms, national = rng.choice(_ORG_FORMS)
        state = rng.choice(states)
        word = _word(rng, 2, 3)
        values = {"d": state.demonym, "s": state.name, "i": state.name[0], "w": word, "w0": word[0]}
        name = form.format(**values)
        actor = _new_actor(registry, name, "organization", [a.format(**values) for a in alias_forms])
        if actor:
            actor.country = state.id if national else None
            actor.short = word if "{w}" in form else name
            where = f" in {state.name}" if national else ""
            actor.summary = f"{name} is an organization{where}. It is quoted in briefings on policy and security."
            orgs.append(actor)
    return orgs


def _make_groups(rng: Random, registry: Registry, count: int, states: list[Actor], places: list[str]
                 ) -> list[Actor]:
    groups: list[Actor] = []
    tries = 0
    while len(groups) < count and tries < count * 50:
        tries += 1
        form, alias_forms = rng.choice(_GROUP_FORMS)
        state = rng.choice(states)
        word = _word(rng, 2, 2)
        values = {"d": state.demonym, "i": state.name[0], "w": word, "p": rng.choice(places)}
        name = form.format(**values)
        actor = _new_actor(registry, name, "armed-group", [a.format(**values) for a in alias_forms])
        if actor:
            actor.country = state.id
            single = [a for a in actor.aliases if " " not in a]
            actor.short = single[0] if single else name
            actor.summary = (f"{name} is an armed group active in {state.name} and beyond. "
                             "Its fighters have been reported on several fronts.")
            groups.append(actor)
    return groups


def _make_people(rng: Random, registry: Registry, count: int, states: list[Actor]) -> list[Actor]:
    people: list[Actor] = []
    while len(people) < count:
        name, aliases = person_name(rng)
        actor = _new_actor(registry, name, "person", aliases)
        if actor:
            actor.country = rng.choice(states).id
            actor.short = name
            people.append(actor)
    return people


def _link(rng: Random, states: list[Actor], orgs: list[Actor], groups: list[Actor], people: list[Actor]) -> None:
    """Roles, relations and summaries that point at existing actors, so every reference resolves."""
    for person in people:
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if kind < 0.55:
                target, title = next(s for s in states if s.id == person.country), rng.choice(_STATE_ROLES)
            elif kind < 0.85:
                target, title = rng.choice(orgs), rng.choice(_ORG_ROLES)
            else:
                target, title = rng.choice(groups), rng.choice(_GROUP_ROLES)
            start = rng.randint(2005, 2022)
            role: dict[str, Any] = {"title": title, "of": target.id, "from": _period(rng, start)}
            if rng.random() < 0.5:
                role["to"] = _period(rng, min(2024, start + rng.randint(1, 8)))
            person.roles.append(role)
        first = person.roles[0]
        person.summary = (f"{person.name} has served as {first['title']} since {str(first['from'])[:4]}. "
                          "The desk follows their statements and travel.")
    pools: list[tuple[list[Actor], list[Actor], tuple[str, ...]]] = [
        (people, people, ("sister-of", "brother-of", "ally-of", "rival-of", "deputy-of")),
        (people, orgs, ("member-of", "leader-of", "founder-of")),
        (people, groups, ("member-of", "founder-of")),
        (orgs, states, ("part-of", "subordinate-of")),
        (groups, states, ("ally-of", "subordinate-of")),
        (states, orgs, ("member-of",)),
        (states, states, ("ally-of",)),
    ]
    for sources, targets, kinds in pools:
        for actor in sources:
            if rng.random() < 0.35:
                target = rng.choice(targets)
                if target.id != actor.id and all(r["actor"] != target.id for r in actor.relations):
                    actor.relations.append({"actor": target.id, "kind": rng.choice(kinds)})


TOPICS = (
    ("sanctions", "Sanctions and export controls"), ("nuclear-programme", "Nuclear programme"),
    ("missile-tests", "Missile tests"), ("arms-transfers", "Arms transfers"), ("border-security", "Border security"),
    ("elections", "Elections"), ("energy", "Energy and pipelines"), ("cyber-operations", "Cyber operations"),
    ("human-rights", "Human rights"), ("refugees", "Refugees and displacement"),
    ("maritime-disputes", "Maritime disputes"), ("space-launches", "Space launches"),
    ("trade", "Trade and tariffs"), ("diplomacy", "Diplomacy"), ("peace-talks", "Peace talks"),
    ("military-exercises", "Military exercises"), ("mercenaries", "Mercenaries and private military companies"),
    ("intelligence", "Intelligence"), ("terrorism", "Terrorism"), ("disinformation", "Disinformation"),
    ("food-security", "Food security"), ("public-health", "Public health"),
    ("leadership-succession", "Leadership succession"), ("espionage", "Espionage"),
    ("prisoner-exchanges", "Prisoner exchanges"), ("arms-control", "Arms control"),
    ("defence-industry", "Defence industry"), ("humanitarian-aid", "Humanitarian aid"),
    ("ceasefire-monitoring", "Ceasefire monitoring"), ("alliances", "Alliances"),
)
USED_ONLY_TOPICS = ("cabinet-reshuffle", "court-rulings", "protests", "shipping", "natural-disasters", "tourism")


def topic_slugs(count: int) -> tuple[list[tuple[str, str]], list[str]]:
    """Topics with files (title, summary) and slugs only used in briefings (pages titled from the slug)."""
    with_files = [(s, t) for s, t in TOPICS[:count]]
    while len(with_files) < count:  # more topics than the list: numbered variants
        slug, title = TOPICS[len(with_files) % len(TOPICS)]
        n = len(with_files) // len(TOPICS) + 1
        with_files.append((f"{slug}-{n}", f"{title} ({n})"))
    used_only = list(USED_ONLY_TOPICS[: max(3, count // 5)])
    return with_files, used_only


# ---------------------------------------------------------------------------------------------------
# Briefing text
# ---------------------------------------------------------------------------------------------------

# Slots: P/P2 people, S/S2 states, O organisation, G armed group, A any cast member; ":pos" adds a
# possessive, ":adj" makes "Tarvek-linked". The rest (D demonym, place, num, ...) are plain words.
SENTENCES = (
    "{P} said on {weekday} that {S} would not accept any new conditions on the talks.",
    "Officials in {place} said {S2:pos} delegation had left without signing the draft text.",
    "{S} accused {S2} of supplying {weapon} to {G}, a charge {S2} denied.",
    "According to {O}, at least {num} people were killed in the fighting near {place}.",
    "{G:adj} units were seen moving towards {place} on {weekday}, according to satellite images reviewed by analysts.",
    "The statement, carried by {O}, quoted {P} as saying that “{quote}.”",
    "{P:pos} visit to {place} was the first by a senior {D} official in {num} years.",
    "Diplomats said {S} and {S2} had exchanged letters since {month}.",
    "{P} told reporters that {O} had been warned twice about the shipments.",
    "A spokesperson for {O} declined to comment on {P:pos} remarks.",
    "{S} has denied any role in the attacks, which {P} described as “{quote}.”",
    "Analysts in {place} said the move showed how far {S:pos} position had shifted since {year}.",
    "{G} fighters were first reported in the area in {month} {year}.",
    "{P2} met {P} in {place} for talks that lasted {num} hours.",
    "The {D} government said the figures published by {O} were exaggerated.",
    "{S} and {S2} agreed to set up a working group on {thing}.",
    "{O} said it had recorded {big} violations of the ceasefire since {month}.",
    "Asked about {G}, {P} said the group had no official status in {S}.",
    "Trade between {S} and {S2} rose by {pct} per cent last year, according to customs data.",
    "{S2:pos} foreign ministry summoned {S:pos} ambassador on {weekday}.",
    "{P} is expected to travel to {place} in {month}, two officials said.",
    "The {G:adj} convoy was stopped at the border with {S2}.",
    "{O} has imposed sanctions on {num} companies accused of helping {S} evade export controls.",
    "In a rare public statement, {P} blamed {S2} for the collapse of the talks.",
    "{A} has not commented publicly on the report.",
    "Satellite images show new construction near {place} that {O} links to {S:pos} {thing} programme.",
    "“{quote},” {P} said in a televised address.",
    "“{quote},” said {P}, speaking after a meeting with {P2}.",
    "{S} said {num} of its soldiers had been wounded in clashes with {G}.",
    "The agreement, signed by {P} and {P2}, commits {S} to {thing} for {num} years.",
    "Neither {S} nor {S2} has published the text of the deal.",
    "{P} has held the post since {year}, when {S} reorganised its security services.",
    "The {S}-{S2} border crossing at {place} was closed for {num} days.",
    "{P}, a close ally of {P2}, was named to a senior post at {O} in {month}.",
    "Reports that {G} had recruited fighters in {S} could not be independently verified.",
    "{S} said the exercises near {place} were defensive and aimed at no third country.",
    "Members of {O} voted {num} to {num2} to extend the monitoring mission.",
    "A senior official at {O} said {S} had been “{quote}.”",
    "{P:pos} office said the meeting with {S2:pos} envoy had been constructive.",
    "{S:adj} militias have operated near {place} since {year}.",
    "{A:pos} role in the negotiations remains unclear.",
    "The report by {O} names {P} and {P2} among those who approved the transfers.",
)
FILLERS = (
    "The figures could not be independently verified.",
    "Talks are expected to resume in {month}.",
    "The ministry gave no further details.",
    "Prices for fuel and food in {place} have risen sharply since {month}.",
    "Local residents described hearing explosions late into the night.",
    "The report was based on interviews with {num} officials and former officials.",
    "Earlier this year the same site was damaged by flooding.",
    "Observers said turnout appeared low.",
    "It was not clear when the shipments began.",
    "The decision takes effect on {day} {month}.",
    "Rail traffic through {place} was suspended for {num} hours.",
    "Neither side gave casualty figures.",
)
TITLES = (
    "{S} accuses {S2} of {accusation}",
    "{P} visits {place} as {S} seeks {thing} deal",
    "{G} fighters advance on {place}",
    "{O} reports {num} violations of {thing} rules",
    "{P} denies {accusation}",
    "{S} and {S2} sign {thing} agreement",
    "{P} and {P2} meet in {place}",
    "{S} summons {S2:pos} envoy over {thing}",
    "{G:adj} convoy seen near {place}",
    "{O} sanctions {num} firms over {thing} trade with {S}",
    "{S} says {G} attacked border posts near {place}",
    "{P} named to new post as {S} reshuffles cabinet",
)
HEADINGS = ("Background", "What {S} wants", "Reaction in {place}", "The view from {S}", "What comes next",
            "Timeline", "The numbers", "Who is involved", "Sanctions and trade", "On the ground",
            "Diplomatic fallout", "Earlier statements")
EVENTS = ("talks in {place}", "statement denying the report", "troop movements near {place}",
          "sanctions announced", "visit to {place}", "shipment seized at {place}", "ceasefire violation reported")
QUOTES = ("We will not accept any interference in our internal affairs", "the door to dialogue remains open",
          "a grave provocation", "these reports are fabricated", "the shipments must stop",
          "our patience has limits", "we are ready to defend our sovereignty", "a step towards lasting peace",
          "nothing has been agreed until everything is agreed", "a violation of every commitment they made",
          "the sanctions have failed", "we have no information about these fighters",
          "this is a matter for the courts", "the talks were frank and useful")
WEAPONS = ("artillery shells", "drones", "rocket launchers", "small arms", "anti-tank missiles", "armoured vehicles")
THINGS = ("satellite", "energy", "grain", "security", "missile", "fisheries", "border", "nuclear", "rail")
ACCUSATIONS = ("arming rebels", "spying", "breaking the ceasefire", "evading sanctions", "election interference",
               "cyber attacks", "smuggling fuel")
PUBLISHERS = ("Northern Wire", "Capital Post", "Daily Ledger", "Harbour Times", "Continental Press Agency",
              "Evening Courier", "Frontier Monitor", "Policy Review")
AGENCIES = ("Desk", "Northern Wire", "Continental Press Agency", "Harbour Times")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")
_SENTENCE_START = re.compile(r"^“?[a-z]")  # quotes start sentences in lower case
_CAST_SLOTS = {"P": ("person", 1), "P2": ("person", 2), "S": ("state", 1), "S2": ("state", 2),
               "O": ("organization", 1), "G": ("armed-group", 1), "A": ("any", 1)}


def _needs(template: str) -> dict[str, int]:
    """How many cast members of each type a template needs, so it is used only when the cast has them."""
    needs: dict[str, int] = {}
    for slot, _ in _SLOT.findall(template):
        if slot in _CAST_SLOTS:
            kind, count = _CAST_SLOTS[slot]
            needs[kind] = max(needs.get(kind, 0), count)
    return needs


_SENTENCE_NEEDS = [(t, _needs(t)) for t in SENTENCES]
_TITLE_NEEDS = [(t, _needs(t)) for t in TITLES]


class Writer:
    """Writes one briefing's text; remembers which actors it has named so later mentions use aliases."""

    def __init__(self, rng: Random, cast: dict[str, list[Actor]], places: list[str], states: dict[str, Actor]
                 ) -> None:
        self.rng = rng
        self.cast = cast
        self.places = places
        self.states = states
        self.seen: dict[str, None] = {}
        everyone = [a for kind in ACTOR_TYPES for a in cast.get(kind, [])]
        self.cast["any"] = everyone
        self.sentences = [t for t, needs in _SENTENCE_NEEDS if self._fits(needs)]
        self.titles = [t for t, needs in _TITLE_NEEDS if self._fits(needs)]

    def _fits(self, needs: dict[str, int]) -> bool:
        return all(len(self.cast.get(kind, ())) >= count for kind, count in needs.items())

    def mention(self, actor: Actor, form: str | None, *, plain: bool, breakable: bool) -> str:
        """How copy names an actor: full name first, then aliases; typographic and line-break variants."""
        rng = self.rng
        if form == "adj":
            dash = "-" if plain else rng.choice(("-", "-", "-", "\u2011"))
            return actor.short + dash + rng.choice(
                ("backed", "linked", "led", "allied", "based"))
        ascii_aliases = [a for a in actor.aliases if a.isascii()]
        first = actor.id not in self.seen
        self.seen[actor.id] = None
        if first or not ascii_aliases or rng.random() < 0.35:
            text = actor.name if not ascii_aliases or rng.random() < 0.85 else rng.choice(ascii_aliases)
        else:
            text = rng.choice(ascii_aliases)
        if not plain:
            text = self._vary(actor, text, first, breakable)
        if form == "pos":
            text += rng.choice(("’s", "’s", "'s"))
        elif not plain and rng.random() < 0.03:
            text = f"*{text}*"
        return text

    def _vary(self, actor: Actor, text: str, first: bool, breakable: bool) -> str:
        rng = self.rng
        if "'" in text and rng.random() < 0.4:
            text = text.replace("'", "’")
        if "-" in text and rng.random() < 0.15:
            text = text.replace("-", rng.choice(("\u2010", "\u2011")))
        if " " in text:
            r = rng.random()
            if r < 0.04:
                text = text.replace(" ", "\u00a0", 1)
            elif breakable and r < 0.10:  # a soft line break inside the name, as in hard-wrapped copy
                parts = text.split(" ")
                cut = rng.randrange(1, len(parts))
                text = " ".join(parts[:cut]) + "\n" + " ".join(parts[cut:])
        hangul = [a for a in actor.aliases if not a.isascii()]
        if first and hangul and rng.random() < 0.3:
            text += f" ({hangul[0]})"
        return text

    def fill(self, template: str, *, plain: bool = False, breakable: bool = False) -> str:
        """Fill a template's slots with cast mentions and plain details."""
        rng = self.rng
        picked: dict[str, list[Actor]] = {}

        def pick(kind: str, index: int) -> Actor:
            if kind not in picked:
                picked[kind] = rng.sample(self.cast[kind], min(2, len(self.cast[kind])))
            return picked[kind][index]

        def slot(match: re.Match[str]) -> str:
            name, form = match.group(1), match.group(2)
            if name in _CAST_SLOTS:
                kind, number = _CAST_SLOTS[name]
                return self.mention(pick(kind, number - 1), form, plain=plain, breakable=breakable)
            return self.detail(name, pick)

        return _SLOT.sub(slot, template)

    def detail(self, name: str, pick: Callable[[str, int], Actor]) -> str:
        """A plain (non-actor) slot value."""
        rng = self.rng
        values: dict[str, Callable[[], str]] = {
            "D": lambda: pick("state", 0).demonym if self.cast.get("state") else "national",
            "place": lambda: rng.choice(self.places),
            "month": lambda: rng.choice(MONTHS),
            "weekday": lambda: rng.choice(WEEKDAYS),
            "num": lambda: str(rng.randint(2, 60)),
            "num2": lambda: str(rng.randint(1, 9)),
            "big": lambda: f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}",
            "pct": lambda: str(rng.randint(3, 48)),
            "year": lambda: str(rng.randint(2012, 2024)),
            "day": lambda: str(rng.randint(1, 28)),
            "quote": lambda: rng.choice(QUOTES),
            "weapon": lambda: rng.choice(WEAPONS),
            "thing": lambda: rng.choice(THINGS),
            "accusation": lambda: rng.choice(ACCUSATIONS),
        }
        return values[name]()

    def sentence(self, *, plain: bool = False, breakable: bool = False) -> str:
        """One sentence: mostly about the cast, sometimes filler."""
        if self.sentences and self.rng.random() < 0.8:
            text = self.fill(self.rng.choice(self.sentences), plain=plain, breakable=breakable)
        else:
            text = self.fill(self.rng.choice(FILLERS))
        return _SENTENCE_START.sub(lambda m: m.group().upper(), text, count=1)

    def title(self) -> str:
        """A headline from the cast (plain names, no line breaks)."""
        template = self.rng.choice(self.titles) if self.titles else "{place} talks end without agreement"
        return self.fill(template, plain=True)

    def body(self, words: int, footnote_source: Callable[[int], str]) -> str:
        """Markdown body of about `words` words: paragraphs, and sometimes headings, lists, tables,
        block quotes, footnotes, links and code, the mix the markdown stage has to handle."""
        rng = self.rng
        blocks = [self.paragraph(rng.randint(3, 5), [])]
        notes: list[str] = []
        headings: dict[str, None] = {}
        count = len(blocks[0].split())
        while count < words:
            r = rng.random()
            if r < 0.07 and len(headings) < 3:
                text = self.fill(rng.choice(HEADINGS), plain=True)
                if text in headings:
                    continue
                headings[text] = None
                block = "## " + text
            elif r < 0.14:
                block = self.bullets()
            elif r < 0.18:
                block = self.table()
            elif r < 0.25:
                block = self.quote()
            else:
                block = self.paragraph(rng.randint(2, 6), notes)
            blocks.append(block)
            count += len(block.split())
        blocks += [f"[^{n}]: {footnote_source(n)}" for n in range(1, len(notes) + 1)]
        return "\n\n".join(blocks) + "\n"

    def paragraph(self, sentences: int, notes: list[str]) -> str:
        """Sentences joined; a footnote reference, a link or inline code now and then."""
        rng = self.rng
        out = []
        for _ in range(sentences):
            text = self.sentence(breakable=True)
            r = rng.random()
            if r < 0.06:
                notes.append(text)
                text += f"[^{len(notes)}]"
            elif r < 0.09:
                text += f" ([full statement](https://{slugify(rng.choice(PUBLISHERS))}.example.com/"
                text += f"{rng.randint(2019, 2024)}/statement-{rng.randint(100, 999)}))"
            elif r < 0.10:
                text += f" The file was labelled `{self.fill('{A}', plain=True)}-{rng.randint(1, 99)}`."
            out.append(text)
        return " ".join(out)

    def bullets(self) -> str:
        """A list, sometimes a dated timeline with bold dates."""
        rng = self.rng
        timeline = rng.random() < 0.4
        items = []
        for _ in range(rng.randint(3, 5)):
            lead = f"**{rng.randint(1, 28)} {rng.choice(MONTHS)}:** " if timeline else ""
            items.append("- " + lead + self.sentence())
        return "\n".join(items)

    def table(self) -> str:
        """A small table whose cells name actors (mentions inside tables count)."""
        rng = self.rng
        rows = ["| Date | Actor | Event |", "|---|---|---|"]
        for _ in range(rng.randint(3, 6)):
            who = self.mention(rng.choice(self.cast["any"]), None, plain=True, breakable=False)
            event = self.fill(rng.choice(EVENTS))
            rows.append(f"| {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2024)} | {who} | {event} |")
        return "\n".join(rows)

    def quote(self) -> str:
        """A block quote attributed to someone in the cast (quote attribution is what profiles collect)."""
        rng = self.rng
        speaker = "{P}" if self.cast.get("person") else "{A}"
        form = rng.choice(("“{q},” {s} said.", "“{q},” said {s}.", "“{q},” {s} told reporters."))
        line = self.fill(form.replace("{s}", speaker).replace("{q}", rng.choice(QUOTES).capitalize()))
        if rng.random() < 0.3:
            return f"> {line}\n>\n> {self.sentence()}"
        return "> " + line


# ---------------------------------------------------------------------------------------------------
# Briefings and the site folder
# ---------------------------------------------------------------------------------------------------


class Caster:
    """Picks each briefing's cast by prominence; people come mostly from the states in the story."""

    def __init__(self, actors: list[Actor]) -> None:
        self.pools: dict[str, tuple[list[Actor], list[float]]] = {}
        for kind in ACTOR_TYPES:
            self.pools[kind] = self._pool([a for a in actors if a.type == kind])
        by_state: dict[str, list[Actor]] = {}
        for actor in actors:
            if actor.type == "person" and actor.country:
                by_state.setdefault(actor.country, []).append(actor)
        self.people_of = {state: self._pool(people) for state, people in by_state.items()}

    @staticmethod
    def _pool(actors: list[Actor]) -> tuple[list[Actor], list[float]]:
        return actors, list(accumulate(a.weight for a in actors))

    @staticmethod
    def _sample(rng: Random, pool: tuple[list[Actor], list[float]], k: int, into: dict[str, Actor]) -> None:
        actors, cumulative = pool
        want = min(len(into) + k, len(into) + len(actors))
        for _ in range(k * 10):
            if len(into) >= want or not actors:
                return
            actor = rng.choices(actors, cum_weights=cumulative)[0]
            into.setdefault(actor.id, actor)

    def cast(self, rng: Random) -> dict[str, list[Actor]]:
        """States, people, organisations and armed groups for one story."""
        states: dict[str, Actor] = {}
        self._sample(rng, self.pools["state"], rng.randint(1, 3), states)
        people: dict[str, Actor] = {}
        for _ in range(rng.randint(1, 4)):
            home = rng.choice(list(states))
            pool = self.people_of.get(home) if rng.random() < 0.65 else None
            self._sample(rng, pool or self.pools["person"], 1, people)
        orgs: dict[str, Actor] = {}
        self._sample(rng, self.pools["organization"], rng.choice((0, 1, 1, 2)), orgs)
        groups: dict[str, Actor] = {}
        self._sample(rng, self.pools["armed-group"], rng.choice((0, 0, 1, 1, 2)), groups)
        return {"state": list(states.values()), "person": list(people.values()),
                "organization": list(orgs.values()), "armed-group": list(groups.values())}


@dataclass
class Desk:
    """Everything a briefing needs to know about the rest of the corpus."""

    seed: int | str
    actors: list[Actor]
    places: list[str]
    topics: list[str]
    caster: Caster
    topic_weights: list[float]
    states: dict[str, Actor]
    slugs: dict[str, None] = field(default_factory=dict)


def _dateline(rng: Random, day: date) -> str | date:
    """A plain date mostly; sometimes an ISO 8601 time with a zone, which the loader must also read."""
    if rng.random() < 0.85:
        return day
    zone = rng.choice(("+09:00", "+03:00", "+00:00", "-05:00", "Z"))
    return f"{day.isoformat()}T{rng.randint(0, 23):02d}:{rng.choice((0, 15, 30, 45)):02d}:00{zone}"


def make_briefing(index: int, desk: Desk) -> tuple[str, str]:
    """Briefing number `index`: its path under the site and the file's text."""
    rng = Random(f"{desk.seed}:briefing:{index}")
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    writer = Writer(rng, desk.caster.cast(rng), desk.places, desk.states)
    title = writer.title()
    writer.seen.clear()

    def footnote(n: int) -> str:
        return f"{rng.choice(PUBLISHERS)}, report of {rng.randint(1, 28)} {rng.choice(MONTHS)} {day.year}."

    body = writer.body(rng.randint(600, 900), footnote)
    meta: dict[str, Any] = {"title": title, "date": _dateline(rng, day)}
    if rng.random() < 0.15:
        meta["updated"] = day + timedelta(days=rng.randint(1, 10))
    meta["summary"] = writer.sentence(plain=True)
    meta["key_points"] = [writer.sentence(plain=True) for _ in range(rng.randint(2, 4))]
    topics = rng.choices(desk.topics, weights=desk.topic_weights, k=rng.randint(1, 3))
    meta["topics"] = list(dict.fromkeys(topics))
    listed = [a.id for a in rng.sample(writer.cast["any"], min(len(writer.cast["any"]), rng.randint(0, 2)))]
    if rng.random() < 0.25:  # an actor involved but never named in the text
        listed.append(rng.choice(desk.actors).id)
    if listed:
        meta["actors"] = list(dict.fromkeys(listed))
    meta["sources"] = []
    for _ in range(rng.randint(1, 3)):
        publisher = rng.choice(PUBLISHERS)
        meta["sources"].append({"title": title, "publisher": publisher, "date": day,
                                "url": f"https://{slugify(publisher)}.example.com/{day.year}/{index}"})
    meta["dateline"] = rng.choice(desk.places)
    meta["agency"] = rng.choice(AGENCIES)
    slug = "-".join(slugify(title).split("-")[:8])
    if slug in desk.slugs:
        slug = f"{slug}-{index}"
    desk.slugs[slug] = None
    name = f"{day.isoformat()}-{slug}.md"
    if rng.random() < 0.05:  # an explicit slug that differs from the file name
        meta["slug"] = slug
        name = f"{day.isoformat()}-brief-{index:05d}.md"
    if rng.random() < 0.005:
        meta["draft"] = True
    front = yaml.dump(meta, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100_000)
    return f"content/briefings/{day.year}/{name}", f"---\n{front}---\n\n{body}"


@dataclass(frozen=True)
class CorpusStats:
    """What was generated, for the runner's header."""

    root: Path
    briefings: int
    actors: int
    topics: int
    words: int
    seconds: float


CONFIG = """\
title: Benchmark Desk
description: A synthetic briefing desk generated by bench/corpus.py (seed {seed}).
base_url: https://bench.example.org/desk/
language: en
timezone: UTC
output_dir: public
theme: briefing
relative_urls: false
mentions:
  link: first
  ambiguous: []
markdown:
  html: false
  anchors: true
pagination:
  per_page: 20
  home: 10
feeds:
  entries: 20  # full_content stays at its default: actor and topic feeds carry summaries, as Hugo's do
search:
  enabled: {search}
"""
PAGES = {
    "about": "---\ntitle: About this desk\nweight: 1\n---\n\nA synthetic desk for benchmarks.\n",
    "methodology": "---\ntitle: Methodology\nweight: 2\n---\n\nEvery briefing here is generated text.\n",
}


def generate_corpus(root: Path, briefings: int = 5000, actors: int = 500, seed: int | str = 1, topics: int = 30,
                    search: bool = False) -> CorpusStats:
    """Write a complete site folder (config, actors, topics, pages, briefings) that passes `check`.

    Search is off unless asked for: the generators we compare with build no search index, and
    Pagefind's own indexing time is a figure of its own (`bench.run --search`).

    Refuses a folder that holds anything but an earlier corpus, so a typo never clobbers a real site.
    """
    started = time.perf_counter()
    if root.exists() and any(p.name not in ("config.yaml", "content", "public", ".cache") for p in root.iterdir()):
        raise ValueError(f"{root} is not empty and does not look like a generated corpus")
    if (root / "content").exists():
        shutil.rmtree(root / "content")
    registry = Registry()
    places = generate_places(Random(f"{seed}:places"), registry, max(60, actors // 2))
    cast = generate_actors(actors, seed, places, registry)
    topic_files, used_only = topic_slugs(topics)
    all_topics = [s for s, _ in topic_files] + used_only
    trng = Random(f"{seed}:topics")
    desk = Desk(seed, cast, places, all_topics, Caster(cast),
                [1.0 / (rank + 1) ** 0.8 for rank in trng.sample(range(len(all_topics)), len(all_topics))],
                {a.id: a for a in cast if a.type == "state"})

    def write(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")

    write("config.yaml", CONFIG.format(seed=seed, search="true" if search else "false"))
    for index, actor in enumerate(cast):
        write(f"content/actors/{actor.id}.yaml", yaml.dump(actor.file_data(index), Dumper=_DUMPER,
                                                             sort_keys=False, allow_unicode=True, width=100_000))
    for slug, title in topic_files:
        write(f"content/topics/{slug}.yaml", yaml.dump(
            {"title": title, "summary": f"Briefings on {title.lower()}."}, Dumper=_DUMPER, sort_keys=False))
    for slug, text in PAGES.items():
        write(f"content/pages/{slug}.md", text)
    words = 0
    for index in range(briefings):
        rel, text = make_briefing(index, desk)
        words += len(text.split("\n---\n", 1)[1].split())
        write(rel, text)
    return CorpusStats(root, briefings, len(cast), len(topic_files), words, time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.corpus DIR [--briefings N] [--actors A] [--seed S] [--topics T]`."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="site folder to write (new, or an earlier corpus)")
    parser.add_argument("--briefings", type=int, default=5000)
    parser.add_argument("--actors", type=int, default=500)
    parser.add_argument("--topics", type=int, default=30, help="topics with a file (a few more exist by use only)")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--search", action="store_true", help="turn the Pagefind search index on")
    args = parser.parse_args(argv)
    try:
        stats = generate_corpus(args.dir, args.briefings, args.actors, args.seed, args.topics, args.search)
    except ValueError as exc:
        print(f"bench.corpus: error: {exc}", file=sys.stderr)
        return 2
    print(f"{stats.root}: {stats.briefings} briefings ({stats.words / max(1, stats.briefings):.0f} words each "
          f"on average), {stats.actors} actors, {stats.topics} topic files, in {stats.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
