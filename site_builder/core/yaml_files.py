"""Safe YAML parsing with line marks, duplicate-key detection and errors that name file and line.

Hostile input is refused, not expanded: nesting deeper than MAX_DEPTH, and aliases that would expand
the document far beyond what it writes (a "billion laughs" file of a few hundred bytes), are errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from site_builder.core.errors import Diagnostic, SourceLocation

try:  # the C loader is much faster; fall back so a build never depends on libyaml
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


@dataclass(frozen=True)
class Node:
    """A parsed YAML value with the 1-based line and column it started at."""

    value: Any  # plain Python for scalars; dict[str, Node] / list[Node] for collections
    line: int
    column: int
    keys: dict[str, SourceLocation] | None = None  # where each key of a mapping stands
    quoted: bool = False  # a quoted scalar: its text starts one column after `column`

    def key_location(self, key: str) -> SourceLocation | None:
        """Where a mapping key was written, for errors about the key itself."""
        return self.keys.get(key) if self.keys else None

    def plain(self) -> Any:
        """The value with all line marks stripped, for free-form data such as `extra`."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


class YamlProblem(Exception):
    """A YAML document could not be turned into nodes; carries the diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(diagnostic.format())


def parse_yaml(text: str, path: str, line_offset: int = 0) -> Node:
    """Parse one YAML document into marked nodes; never constructs arbitrary Python objects.

    `line_offset` is added to every line so front matter reports lines of the whole file.
    """
    loader = _BaseLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Node({}, line_offset + 1, 1)
        converter = _Converter(loader, path, line_offset, _written(root))
        return converter.convert(root, 1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        col = (mark.column + 1) if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(
            Diagnostic(
                SourceLocation(path, line, col),
                f"YAML syntax error: {problem}",
                "check indentation, colons and quotes; quote values that contain ': ' or start with '{' or '['",
            )
        ) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(
            Diagnostic(SourceLocation(path, line_offset + 1), f"YAML error: {exc}")
        ) from exc
    finally:
        loader.dispose()


MAX_DEPTH = 64  # mappings and lists inside each other
# Values a document may expand to through aliases: this many, or ALIAS_RATIO times the values it writes.
MAX_EXPANDED = 10_000
ALIAS_RATIO = 10
_PLAIN_COLLECTIONS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_STR = "tag:yaml.org,2002:str"  # most scalars of front matter; they need no constructor


def _written(root: yaml.Node) -> int:
    """How many values a document writes: each node once, however many aliases point at it."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            pending.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    return len(seen)


class _Converter:
    """Walks composed nodes, keeping marks; one loader per document keeps the hot path cheap."""

    def __init__(self, loader: Any, path: str, offset: int, written: int) -> None:
        self.loader = loader
        self.path = path
        self.offset = offset
        self.budget = max(MAX_EXPANDED, ALIAS_RATIO * written)  # values left to make, aliases expanded

    def location(self, node: yaml.Node) -> SourceLocation:
        mark = node.start_mark
        return SourceLocation(self.path, mark.line + 1 + self.offset, mark.column + 1)

    def convert(self, node: yaml.Node, depth: int) -> Node:
        loc = self.location(node)
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(Diagnostic(
                loc, "YAML aliases expand to too many values (more than ten times what the file writes)",
                "write the values out instead of repeating anchors inside anchors"))
        if depth > MAX_DEPTH and isinstance(node, yaml.CollectionNode):
            raise YamlProblem(Diagnostic(loc, f"YAML nested more than {MAX_DEPTH} levels deep",
                                         "flatten the data: lists and mappings inside each other"))
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_COLLECTIONS:
            raise YamlProblem(Diagnostic(
                loc, f"unsupported YAML tag {node.tag!r}",
                "tags such as !!python/object are not allowed; write a plain list or mapping"))
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Node] = {}
            keys: dict[str, SourceLocation] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                key = key if isinstance(key, str) else str(key)
                if key in out:
                    raise YamlProblem(
                        Diagnostic(
                            self.location(key_node),
                            f"duplicate key {key!r} (first at line {out[key].line})",
                            "remove one of them",
                        )
                    )
                out[key] = self.convert(value_node, depth + 1)
                keys[key] = self.location(key_node)
            return Node(out, loc.line, loc.column, keys)
        if isinstance(node, yaml.SequenceNode):
            return Node([self.convert(item, depth + 1) for item in node.value], loc.line, loc.column)
        quoted = isinstance(node, yaml.ScalarNode) and node.style in ('"', "'")
        return Node(self.scalar(node), loc.line, loc.column, quoted=quoted)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise YamlProblem(Diagnostic(self.location(node), "a mapping key must be a plain value"))
        if node.tag == _STR:
            return node.value  # what the constructor returns for a string, without its bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:
            # An impossible timestamp such as 2023-02-31: keep the text, the field check explains it.
            return node.value
        except yaml.constructor.ConstructorError as exc:
            raise YamlProblem(
                Diagnostic(
                    self.location(node),
                    f"unsupported YAML value: {exc.problem}",
                    "tags such as !!python/object are not allowed; write a plain value",
                )
            ) from exc
