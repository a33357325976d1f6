"""Load and validate config.yaml into frozen dataclasses; unknown keys are errors with a "did you mean"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from site_builder.core.errors import ContentError, Diagnostic, Diagnostics, SourceLocation, did_you_mean
from site_builder.core.ingest_rules import validate_site_rules
from site_builder.core.schema import Fields
from site_builder.core.text_files import read_text
from site_builder.core.tradecraft import TradecraftConfig, parse_tradecraft
from site_builder.core.ui_strings import (
    REFERENCE,
    Entry,
    UiStrings,
    available_languages,
    entry_of,
    given_values,
    placeholders,
    read_table,
    table_language,
)
from site_builder.core.yaml_files import Node, YamlProblem, parse_yaml

CONFIG_NAME = "config.yaml"
CONFIG_NAMES = (CONFIG_NAME, "config.yml")  # the second is read when the first is absent
_HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")

# Their labels are UI strings: `actor_type.<id>` and `actor_type.<id>.plural`.
BUILTIN_ACTOR_TYPES = ("person", "state", "organization", "armed-group")


@dataclass(frozen=True)
class ActorType:
    """A kind of actor with its singular and plural labels."""

    id: str
    label: str
    plural: str


@dataclass(frozen=True)
class MentionsConfig:
    """How plain-text mentions of actors become links (docs/architecture.md, Mention rules)."""

    link: str = "first"  # first | all | none
    ambiguous: tuple[str, ...] = ()


@dataclass(frozen=True)
class MarkdownConfig:
    """Markdown options; raw HTML stays off unless a desk trusts its sources."""

    html: bool = False
    anchors: bool = True
    typographer: bool = False


@dataclass(frozen=True)
class PaginationConfig:
    """How many rows list pages show."""

    per_page: int = 20
    home: int = 10
    timeline: int = 50


@dataclass(frozen=True)
class FeedsConfig:
    """Atom feed options."""

    entries: int = 20
    full_content: bool = False  # actor and topic feeds carry whole bodies too; the site feed always does


@dataclass(frozen=True)
class DeployConfig:
    """Where `site-builder deploy` publishes when no flag says otherwise; empty text means unset."""

    branch: str = ""
    remote: str = "origin"
    folder: str = ""
    message: str = ""
    cname: str = ""


@dataclass(frozen=True)
class SearchConfig:
    """Full-text search; a desk that does not want the index (or the binary) turns it off."""

    enabled: bool = True
    placeholder: str = ""  # an example query in the search box: the desk's own words, so none by default


@dataclass(frozen=True)
class Config:
    """A site's validated configuration."""

    root: Path
    title: str = "Briefings"
    description: str = ""
    footer: str = ""  # plain text after the description in every page's footer
    base_url: str = "http://localhost/"
    language: str = "en"
    timezone: str = "UTC"
    output_dir: str = "public"
    theme: str = "briefing"
    relative_urls: bool = False
    fingerprint: bool = True  # content-hashed names for CSS and JS, so hosts can cache them forever
    strict: bool = False  # warnings fail the build, as `build --strict` does
    actor_types: tuple[ActorType, ...] = ()
    mentions: MentionsConfig = field(default_factory=MentionsConfig)
    markdown: MarkdownConfig = field(default_factory=MarkdownConfig)
    pagination: PaginationConfig = field(default_factory=PaginationConfig)
    feeds: FeedsConfig = field(default_factory=FeedsConfig)
    deploy: DeployConfig = field(default_factory=DeployConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    tradecraft: TradecraftConfig = field(default_factory=TradecraftConfig)
    strings: UiStrings = field(default_factory=UiStrings)  # the theme's words: language's table, site's overrides
    extra: Any = field(default_factory=lambda: MappingProxyType({}))
    # What reading the config warned about (an unknown UI string, a language without a table); not a setting.
    warnings: tuple[Diagnostic, ...] = field(default=(), repr=False, compare=False)

    @property
    def tz(self) -> ZoneInfo:
        """The zone for dates written without a time."""
        return ZoneInfo(self.timezone)

    def actor_type(self, type_id: str) -> ActorType:
        """Labels for a type id; the loader guarantees the id is known."""
        for kind in self.actor_types:  # four to a handful of types: a scan beats building a map
            if kind.id == type_id:
                return kind
        return ActorType(type_id, type_id.replace("-", " ").capitalize(), type_id)

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with command-line overrides applied (e.g. --base-url)."""
        if "base_url" in changes:
            changes["base_url"] = normalise_base_url(changes["base_url"])
        return replace(self, **changes)


_TOP_KEYS = (
    "title", "description", "base_url", "language", "timezone", "output_dir", "theme",
    "relative_urls", "fingerprint", "actor_types", "mentions", "markdown", "pagination", "feeds", "search", "ingest",
    "deploy", "strict", "tradecraft", "footer", "strings",
    "extra",
)


def normalise_base_url(value: str) -> str:
    """Base URLs always end with one slash so joining a site path never drops a segment."""
    return value.rstrip("/") + "/"


def config_file(root: Path) -> str | None:
    """The name of a site's config file: config.yaml, else config.yml; None when it has neither.

    Both at once is an error: which one counts would be a guess.
    """
    present = [name for name in CONFIG_NAMES if (root / name).exists()]
    if len(present) > 1:
        raise ContentError([Diagnostic(SourceLocation(present[1]), "both config.yaml and config.yml exist",
                                       "keep one: config.yaml is the usual name")])
    return present[0] if present else None


def load_config(root: Path) -> Config:
    """Read `config.yaml` (or `config.yml`) of a site folder; a missing file gives the defaults."""
    name = config_file(root)
    if name is None:
        return Config(root=root, actor_types=_actor_types({}, UiStrings()))
    diagnostics = Diagnostics()
    text = read_text(root / name, name, diagnostics)
    if text is None:
        diagnostics.raise_if_any()
        raise AssertionError("unreachable")
    try:
        node = parse_yaml(text, name)
    except YamlProblem as exc:
        raise ContentError([exc.diagnostic]) from exc
    config = parse_config(node, root, diagnostics, name)
    diagnostics.raise_if_any()
    return replace(config, warnings=tuple(diagnostics.warnings))


def parse_config(node: Node, root: Path, diagnostics: Diagnostics, name: str = CONFIG_NAME) -> Config:
    """Validate a parsed config mapping read from the file `name`; every problem is recorded with its line."""
    if not isinstance(node.value, dict):
        diagnostics.error(SourceLocation(name, node.line), "config must be a mapping of 'key: value' lines")
        return Config(root=root)
    f = Fields(node, name, diagnostics, name)
    base_url = f.text("base_url", "http://localhost/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        f.error(f.get("base_url"), f"base_url must be an absolute http(s) URL, not {base_url!r}",
                "e.g. https://example.org/ or https://example.org/desk/")
    timezone = f.text("timezone", "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        f.error(f.get("timezone"), f"unknown time zone {timezone!r}", did_you_mean(timezone, available_timezones()))
        timezone = "UTC"
    output_dir = f.text("output_dir", "public") or "public"
    if (Path(output_dir).is_absolute() or ".." in Path(output_dir).parts or output_dir == "."
            or Path(output_dir).parts[0] in ("content", "templates", "static")):
        f.error(f.get("output_dir"), f"output_dir must be a folder inside the site, not {output_dir!r}",
                "use a folder such as 'public', outside content/, templates/ and static/")
        output_dir = "public"
    types_node = f.get("actor_types")
    extra_node = f.get("extra")
    validate_site_rules(f.get("ingest"), name, diagnostics)
    language = f.text("language", "en")
    strings = _strings(f, language, diagnostics)
    config = Config(
        root=root,
        title=f.text("title", "Briefings"),
        description=f.text("description"),
        footer=f.text("footer"),
        base_url=normalise_base_url(base_url),
        language=language,
        timezone=timezone,
        output_dir=output_dir,
        theme=f.text("theme", "briefing"),
        relative_urls=f.boolean("relative_urls", False),
        fingerprint=f.boolean("fingerprint", True),
        strict=f.boolean("strict", False),
        actor_types=_actor_types(_read_actor_types(types_node, diagnostics, name), strings),
        mentions=_mentions(f.mapping_of("mentions")),
        markdown=_markdown(f.mapping_of("markdown")),
        pagination=_pagination(f.mapping_of("pagination")),
        feeds=_feeds(f.mapping_of("feeds")),
        deploy=_deploy(f.mapping_of("deploy")),
        search=_search(f.mapping_of("search")),
        tradecraft=parse_tradecraft(f.mapping_of("tradecraft")),
        strings=strings,
        extra=MappingProxyType(extra_node.plain() if extra_node and isinstance(extra_node.value, dict) else {}),
    )
    f.reject_unknown(_TOP_KEYS)
    return config


def _read_actor_types(node: Node | None, diagnostics: Diagnostics, name: str) -> dict[str, tuple[str, str]]:
    if node is None or node.value is None:
        return {}
    if not isinstance(node.value, dict):
        diagnostics.error(SourceLocation(name, node.line), "actor_types must map a type id to its labels",
                          "e.g. actor_types: {company: {label: Company, plural: Companies}}")
        return {}
    out = {}
    for type_id, sub in node.value.items():
        label = type_id.replace("-", " ").capitalize()
        plural = label + "s"
        if isinstance(sub.value, dict):
            f = Fields(sub, name, diagnostics, f"actor type {type_id!r}")
            label = f.text("label", label)
            plural = f.text("plural", label + "s")
            f.reject_unknown(("label", "plural"))
        elif isinstance(sub.value, str):
            label, plural = sub.value, sub.value + "s"
        out[type_id] = (label, plural)
    return out


def _actor_types(declared: dict[str, tuple[str, str]], strings: UiStrings) -> tuple[ActorType, ...]:
    builtin = {k: (strings.plain(f"actor_type.{k}"), strings.plain(f"actor_type.{k}.plural"))
               for k in BUILTIN_ACTOR_TYPES}
    merged = {**builtin, **declared}
    return tuple(ActorType(k, *merged[k]) for k in merged)


def _strings(f: Fields, language: str, diagnostics: Diagnostics) -> UiStrings:
    """The theme's words for `language:`, with the site's `strings:` over them.

    A language without a table falls back to English with a warning at its line; an unknown key under
    `strings:` is a warning with the closest keys (the text would never show); a value of the wrong shape,
    or one that shows a `{name}` its key is not given, is an error.
    """
    overrides: dict[str, Entry] = {}
    node = f.get("strings")
    if node is not None and node.value is not None and not isinstance(node.value, dict):
        f.error(node, "'strings' must map UI string keys to texts", "e.g. strings: {nav.briefings: Reports}")
    elif node is not None and isinstance(node.value, dict):
        english = read_table(REFERENCE)  # every key there is
        for key, sub in node.value.items():
            if key not in english:
                diagnostics.warning(node.key_location(key) or f.loc(sub),
                                    f"unknown UI string 'strings.{key}', not used", did_you_mean(key, english))
                continue
            entry = entry_of(sub.plain())
            unknown = sorted(placeholders(entry) - given_values(key)) if entry is not None else []
            if entry is None:
                f.error(sub, f"'strings.{key}' must be text, or 'one' and 'other' texts for a count",
                        "quote a text that starts with { or holds ': '")
            elif unknown:
                given = ", ".join(f"{{{n}}}" for n in sorted(given_values(key))) or "none"
                f.error(sub, f"'strings.{key}' shows {{{unknown[0]}}}, a value this text is not given",
                        f"its values: {given}")
            else:
                overrides[key] = entry
    if table_language(language) is None:
        f.diagnostics.warning(f.loc(f.get("language")), f"no UI strings for language {language!r}: the theme's "
                              "words stay English",
                              f"translate them under 'strings:', or use a language with a table: "
                              f"{', '.join(available_languages())}")
    return UiStrings.of(language, overrides)


def _mentions(f: Fields | None) -> MentionsConfig:
    if f is None:
        return MentionsConfig()
    out = MentionsConfig(
        link=f.choice("link", "first", ("first", "all", "none")),
        ambiguous=tuple(v for v, _ in f.texts("ambiguous")),
    )
    f.reject_unknown(())
    return out


def _markdown(f: Fields | None) -> MarkdownConfig:
    if f is None:
        return MarkdownConfig()
    out = MarkdownConfig(
        html=f.boolean("html", False),
        anchors=f.boolean("anchors", True),
        typographer=f.boolean("typographer", False),
    )
    f.reject_unknown(())
    return out


def _pagination(f: Fields | None) -> PaginationConfig:
    if f is None:
        return PaginationConfig()
    out = PaginationConfig(per_page=f.integer("per_page", 20, minimum=1), home=f.integer("home", 10, minimum=1),
                           timeline=f.integer("timeline", 50, minimum=1))
    f.reject_unknown(())
    return out


def _feeds(f: Fields | None) -> FeedsConfig:
    if f is None:
        return FeedsConfig()
    out = FeedsConfig(entries=f.integer("entries", 20, minimum=1), full_content=f.boolean("full_content", False))
    f.reject_unknown(())
    return out


def _deploy(f: Fields | None) -> DeployConfig:
    if f is None:
        return DeployConfig()
    out = DeployConfig(branch=f.text("branch"), remote=f.text("remote", "origin") or "origin",
                       folder=f.text("folder"), message=f.text("message"), cname=f.text("cname"))
    # GitHub Pages reads CNAME as a bare host name; a URL there silently breaks the custom domain.
    if out.cname and not _HOST_NAME.fullmatch(out.cname):
        f.error(f.get("cname"), f"'deploy.cname' must be a host name, not {out.cname!r}",
                "write the bare domain, e.g. desk.example.org")
    f.reject_unknown(())
    return out


def _search(f: Fields | None) -> SearchConfig:
    if f is None:
        return SearchConfig()
    out = SearchConfig(enabled=f.boolean("enabled", True), placeholder=f.text("placeholder"))
    f.reject_unknown(())
    return out
