"""Frozen content models; relations are held by id so the graph stays the single source of links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from site_builder.core.errors import Diagnostic

EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Source:
    """One cited source of a briefing, optionally graded (NATO system: reliability A-F, credibility 1-6)."""

    title: str
    url: str
    publisher: str = ""
    date: date | None = None
    id: str = ""  # what judgments' `basis` names; optional
    reliability: str = ""  # A-F, or empty when not graded
    credibility: int | None = None  # 1-6
    archived: str = ""  # URL of an archived copy


@dataclass(frozen=True, slots=True)
class Judgment:
    """A key judgment: a statement with its likelihood (a key of the site's scale) and confidence, stated apart.

    The id is stable across briefings: the same judgment assessed again later keeps it.
    """

    id: str
    text: str
    likelihood: str
    confidence: str  # low | moderate | high
    basis: tuple[str, ...] = ()  # ids of the briefing's sources
    line: int = 0  # where the judgment starts in its file
    text_line: int = 0  # where its text starts, for the estimative-language lint
    text_column: int = 0


@dataclass(frozen=True, slots=True)
class Revision:
    """A dated note on how a briefing's assessment changed."""

    date: date
    note: str


@dataclass(frozen=True, slots=True)
class Briefing:
    """One briefing file: front matter plus the markdown body, not yet rendered."""

    path: str  # site-relative path, used in diagnostics
    slug: str
    title: str
    date: datetime
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    updated: datetime | None = None
    summary: str = ""
    key_points: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    actor_lines: tuple[int, ...] = ()  # line of each entry of `actors`, for diagnostics
    sources: tuple[Source, ...] = ()
    dateline: str = ""
    agency: str = ""
    draft: bool = False
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    judgments: tuple[Judgment, ...] = ()
    revisions: tuple[Revision, ...] = ()  # oldest first
    publish_at: datetime | None = None  # embargo: left out of the site until then
    # What reading the file warned about (a key that looks like a typo): kept with the model, so a build
    # that takes the model from its memo or cache warns as the build that read the file did.
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Role:
    """A position an actor held, optionally in another actor (`of`)."""

    title: str
    of: str = ""
    of_line: int = 0
    start: str = ""
    end: str = ""


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed edge to another actor, as written in the actor file."""

    actor: str
    kind: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Actor:
    """One actor file; the file name is the id."""

    path: str
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    alias_lines: tuple[int, ...] = ()
    # Phrases that name the actor only after it was named by name or plain alias in the same body
    # ("the North"); docs/architecture.md, Mention rules.
    context_aliases: tuple[str, ...] = ()
    context_alias_lines: tuple[int, ...] = ()
    summary: str = ""
    country: str = ""
    country_line: int = 0
    roles: tuple[Role, ...] = ()
    relations: tuple[Relation, ...] = ()
    links: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    image: str = ""
    name_line: int = 1
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    # What reading the file warned about (a key that looks like a typo): kept with the model, so a build
    # that takes the model from its memo or cache warns as the build that read the file did.
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic, from a file in content/topics or created by use in a briefing."""

    slug: str
    title: str
    summary: str = ""
    path: str = ""
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)  # none yet: unknown keys are errors


@dataclass(frozen=True, slots=True)
class Page:
    """A standalone page such as 'about' or 'methodology'."""

    path: str
    slug: str
    title: str
    body: str
    body_line: int
    summary: str = ""
    weight: int = 0
    draft: bool = False
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    # What reading the file warned about (a key that looks like a typo): kept with the model, so a build
    # that takes the model from its memo or cache warns as the build that read the file did.
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything loaded from a site folder, sorted for deterministic iteration."""

    briefings: tuple[Briefing, ...]
    actors: tuple[Actor, ...]
    topics: tuple[Topic, ...]
    pages: tuple[Page, ...]
