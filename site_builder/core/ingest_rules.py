"""Ingest rules as data: the shipped defaults (rules/ingest.yaml) and the schema of config.yaml's `ingest:` section.

Config validation checks that section here, so `build` and `check` report a broken rule as `ingest` does;
the ingest package extends the defaults with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from site_builder.core.errors import Diagnostics, SourceLocation
from site_builder.core.schema import Fields
from site_builder.core.yaml_files import Node, YamlProblem, parse_yaml

DEFAULT_RULES = "rules/ingest.yaml"
DEFAULT_RULES_PATH = f"site_builder/{DEFAULT_RULES}"  # how diagnostics name the shipped file
SITE_KEYS = ("sections", "agencies", "boilerplate")  # what `ingest:` in config.yaml may extend
_DEFAULT_KEYS = (*SITE_KEYS, "labels", "update_labels", "title_prefixes", "keep_hyphen_after",
                 "dateline_small_words", "tail_after")
_RULE_KEYS = ("name", "why", "match", "tail")


@dataclass(frozen=True)
class BoilerplateRule:
    """A named set of whole-line patterns; `tail` rules also cut everything after them late in a text."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    tail: bool = False
    why: str = ""

    def matches(self, line: str) -> bool:
        """Whether the whole (normalised) line is this kind of furniture."""
        return any(p.fullmatch(line) for p in self.patterns)


@dataclass(frozen=True)
class Rules:
    """Everything the cleaner needs to know that is a matter of editorial judgement, not code."""

    sections: tuple[str, ...] = ()
    agencies: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # casefolded alias -> name
    labels: tuple[str, ...] = ()
    update_labels: frozenset[str] = frozenset()  # casefolded
    dateline_small_words: frozenset[str] = frozenset()
    keep_hyphen_after: frozenset[str] = frozenset()
    tail_after: float = 0.5
    boilerplate: tuple[BoilerplateRule, ...] = ()
    title_prefixes: tuple[re.Pattern[str], ...] = ()

    def title(self, text: str) -> str:
        """A headline without wire slugs in front ("UPDATE 1-", "(LEAD)") or a " | Site name" tail."""
        text = re.split(r"\s+\|\s+", text.strip())[0]  # sites put their name after the headline
        for pattern in self.title_prefixes:
            text = pattern.sub("", text, count=1)
        return text

    def section(self, line: str) -> str | None:
        """The configured spelling of a section label, when the whole line is one."""
        folded = line.strip(" :|").casefold()
        return next((s for s in self.sections if s.casefold() == folded), None)

    def agency(self, text: str) -> str | None:
        """The canonical name of an agency written in any of its known ways."""
        return self.agencies.get(text.strip().casefold())

    def agency_regex(self) -> str:
        """An alternation of every agency spelling, longest first, for use inside larger patterns."""
        return "|".join(re.escape(a) for a in sorted(self.agencies, key=lambda a: (-len(a), a)))

    def furniture(self, line: str) -> BoilerplateRule | None:
        """The first boilerplate rule that matches the whole line."""
        return next((rule for rule in self.boilerplate if rule.matches(line)), None)


@dataclass
class RuleSpec:
    """Rules as read, before patterns are compiled; sites extend this, then it is compiled once."""

    sections: list[str] = field(default_factory=list)
    agencies: dict[str, list[str]] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    update_labels: list[str] = field(default_factory=list)
    small_words: list[str] = field(default_factory=list)
    hyphen_prefixes: list[str] = field(default_factory=list)
    tail_after: float = 0.5
    boilerplate: list[tuple[str, str, bool, list[tuple[str, SourceLocation]]]] = field(default_factory=list)
    title_prefixes: list[tuple[str, SourceLocation]] = field(default_factory=list)


def validate_site_rules(node: Node | None, path: str, diagnostics: Diagnostics) -> None:
    """Check a config.yaml `ingest:` mapping (keys, types, regular expressions), recording every error.

    For config validation, so `build` and `check` report a broken rule as `ingest` does.
    """
    if node is None or node.value is None:
        return
    spec = RuleSpec()
    extend_spec(spec, node, path, "ingest.", diagnostics, site=True)
    compile_rules(spec, diagnostics)


def default_rules() -> Rules:
    """The shipped rules alone, for evaluation and tests that need no site."""
    diagnostics = Diagnostics()
    rules = compile_rules(default_spec(diagnostics), diagnostics)
    diagnostics.raise_if_any()
    return rules


def default_spec(diagnostics: Diagnostics) -> RuleSpec:
    text = resources.files("site_builder").joinpath(DEFAULT_RULES).read_text(encoding="utf-8")
    spec = RuleSpec()
    try:
        node = parse_yaml(text, DEFAULT_RULES_PATH)
    except YamlProblem as exc:
        diagnostics.extend([exc.diagnostic])
        return spec
    extend_spec(spec, node, DEFAULT_RULES_PATH, "", diagnostics, site=False)
    return spec


def extend_spec(spec: RuleSpec, node: Node, path: str, prefix: str, diagnostics: Diagnostics, site: bool) -> None:
    """Add one rules mapping to the spec: lists append, agencies merge, same-named rules replace."""
    if not isinstance(node.value, dict):
        diagnostics.error(SourceLocation(path, node.line, node.column),
                          f"'{prefix.rstrip('.') or 'rules'}' must be a mapping",
                          "e.g. ingest: {sections: [Inter-Korean]}")
        return
    f = Fields(node, path, diagnostics, f"'{prefix.rstrip('.')}'" if prefix else path, prefix=prefix)
    spec.sections += [v for v, _ in f.texts("sections") if v.casefold() not in {s.casefold() for s in spec.sections}]
    _agencies(spec, f)
    for item in f.items("boilerplate"):
        _boilerplate_rule(spec, item, path, prefix, diagnostics)
    if site:
        f.reject_unknown(SITE_KEYS)
        return
    spec.labels += [v for v, _ in f.texts("labels")]
    spec.update_labels += [v for v, _ in f.texts("update_labels")]
    spec.title_prefixes += [(v, SourceLocation(path, n.line, n.column)) for v, n in f.texts("title_prefixes")]
    spec.small_words += [v for v, _ in f.texts("dateline_small_words")]
    spec.hyphen_prefixes += [v for v, _ in f.texts("keep_hyphen_after")]
    tail = f.get("tail_after")
    if tail is not None:
        if isinstance(tail.value, int | float) and not isinstance(tail.value, bool) and 0 <= tail.value <= 1:
            spec.tail_after = float(tail.value)
        else:
            f.error(tail, "'tail_after' must be a fraction between 0 and 1")
    f.reject_unknown(_DEFAULT_KEYS)


def _agencies(spec: RuleSpec, f: Fields) -> None:
    """`agencies` is a mapping of name to aliases; a plain list of names is accepted too."""
    node = f.get("agencies")
    if node is None or node.value is None:
        return
    entries: list[tuple[str, list[str]]] = []
    if isinstance(node.value, list):
        entries = [(str(v), []) for v, _ in f.texts("agencies")]
    elif isinstance(node.value, dict):
        sub = Fields(node, f.path, f.diagnostics, f"'{f.name('agencies')}'", prefix=f.name("agencies") + ".")
        entries = [(name, [v for v, _ in sub.texts(name)]) for name in node.value]
    else:
        f.error(node, f"'{f.name('agencies')}' must map agency names to lists of aliases",
                "e.g. agencies: {NK News: [NKNews]}")
    for name, aliases in entries:
        known = next((k for k in spec.agencies if k.casefold() == name.casefold()), None)
        if known is None:
            spec.agencies[name] = aliases
        else:
            spec.agencies[known] += aliases


def _boilerplate_rule(spec: RuleSpec, item: Node, path: str, prefix: str, diagnostics: Diagnostics) -> None:
    if not isinstance(item.value, dict):
        diagnostics.error(SourceLocation(path, item.line, item.column),
                          f"each entry of '{prefix}boilerplate' must be a mapping with 'name' and 'match'",
                          "e.g. {name: desk-promo, match: ['Get our newsletter.*']}")
        return
    f = Fields(item, path, diagnostics, "boilerplate rule", prefix=f"{prefix}boilerplate.")
    name = f.text("name", required=True)
    patterns = [(v, SourceLocation(path, n.line, n.column)) for v, n in f.texts("match")]
    if not patterns:
        f.error(None, f"boilerplate rule {name!r} has no 'match' patterns", "add match: ['pattern', ...]")
    rule = (name, f.text("why"), f.boolean("tail", False), patterns)
    f.reject_unknown(_RULE_KEYS)
    for index, existing in enumerate(spec.boilerplate):
        if existing[0] == name:
            spec.boilerplate[index] = rule
            return
    spec.boilerplate.append(rule)


def compile_rules(spec: RuleSpec, diagnostics: Diagnostics) -> Rules:
    agencies = {}
    for name, aliases in spec.agencies.items():
        for alias in (name, *aliases):
            agencies[alias.casefold()] = name
    partial = Rules(agencies=MappingProxyType(agencies))
    agency_alternation = partial.agency_regex() or "(?!)"
    rules = []
    for name, why, tail, patterns in spec.boilerplate:
        compiled = [c for text, where in patterns if (c := _regex(text, agency_alternation, where, diagnostics))]
        rules.append(BoilerplateRule(name, tuple(compiled), tail, why))
    return Rules(
        sections=tuple(spec.sections),
        agencies=MappingProxyType(agencies),
        labels=tuple(sorted(spec.labels, key=lambda s: (-len(s), s))),  # longest first: "Last updated"
        update_labels=frozenset(s.casefold() for s in spec.update_labels),
        dateline_small_words=frozenset(s.casefold() for s in spec.small_words),
        keep_hyphen_after=frozenset(s.casefold() for s in spec.hyphen_prefixes),
        tail_after=spec.tail_after,
        boilerplate=tuple(rules),
        title_prefixes=tuple(c for text, where in spec.title_prefixes
                             if (c := _regex("^(?:" + text + ")", "", where, diagnostics, flags=0))),
    )


def _regex(text: str, agencies: str, where: SourceLocation, diagnostics: Diagnostics,
           flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    try:
        return re.compile(text.replace("{agency}", agencies), flags)
    except re.error as exc:
        diagnostics.error(where, f"invalid regular expression {text!r}: {exc}",
                          "patterns are Python regular expressions matched against a whole line")
        return None

