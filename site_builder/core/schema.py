"""Typed reads from marked YAML mappings, recording every mistake with its line instead of stopping."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from site_builder.core.errors import Diagnostic, Diagnostics, SourceLocation, closest, did_you_mean, within_two_edits
from site_builder.core.yaml_files import Node

_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}


class Fields:
    """A view of one YAML mapping that hands out typed values and reports what is wrong with file:line.

    A wrong value is reported and replaced by the default, so one run shows every error of a file.
    """

    def __init__(self, node: Node, path: str, diagnostics: Diagnostics, what: str, prefix: str = "") -> None:
        self.prefix = prefix  # "pagination." for a nested mapping, so messages name the full key
        self.node = node
        self.path = path
        self.diagnostics = diagnostics
        self.what = what
        self.mapping: dict[str, Node] = node.value if isinstance(node.value, dict) else {}
        self.used: set[str] = set()

    def name(self, key: str) -> str:
        """The full dotted name of a key, as users write it in docs."""
        return self.prefix + key

    def loc(self, node: Node | None = None) -> SourceLocation:
        """Where a value (or the mapping itself) starts."""
        target = node or self.node
        return SourceLocation(self.path, target.line, target.column)

    def error(self, node: Node | None, message: str, hint: str = "") -> None:
        """Record an error at a value."""
        self.diagnostics.error(self.loc(node), message, hint)

    def get(self, key: str) -> Node | None:
        """The raw node of a key, marking it as known."""
        self.used.add(key)
        return self.mapping.get(key)

    def text(self, key: str, default: str = "", required: bool = False) -> str:
        """A string value; numbers and dates written unquoted are accepted as their text."""
        node = self.get(key)
        if node is None or node.value is None:
            if required:
                self.error(None, f"{self.what} is missing required field {self.name(key)!r}", f"add '{key}: ...'")
            return default
        if isinstance(node.value, bool | dict | list):
            self.error(node, f"{self.name(key)!r} must be text, not {_describe(node.value)}", "quote the value")
            return default
        value = str(node.value).strip()
        if required and not value:
            self.error(node, f"{self.name(key)!r} must not be empty")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """A true/false value."""
        node = self.get(key)
        if node is None or node.value is None:
            return default
        if not isinstance(node.value, bool):
            self.error(node, f"{self.name(key)!r} must be true or false, not {node.value!r}")
            return default
        return node.value

    def integer(self, key: str, default: int, minimum: int | None = None) -> int:
        """A whole number, optionally bounded below."""
        node = self.get(key)
        if node is None or node.value is None:
            return default
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            self.error(node, f"{self.name(key)!r} must be a whole number, not {node.value!r}")
            return default
        if minimum is not None and node.value < minimum:
            self.error(node, f"{self.name(key)!r} must be at least {minimum}, not {node.value}")
            return default
        return int(node.value)

    def choice(self, key: str, default: str, options: Iterable[str]) -> str:
        """One of a fixed set of words."""
        allowed = sorted(options)
        value = self.text(key, default)
        if value not in allowed:
            node = self.get(key)
            close = closest(value, allowed)
            hint = f"did you mean {close[0]!r}?" if close else ""
            self.error(node, f"{self.name(key)!r} must be one of {', '.join(allowed)}, not {value!r}", hint)
            return default
        return value

    def items(self, key: str) -> list[Node]:
        """A list value; a single scalar is accepted as a one-item list."""
        node = self.get(key)
        if node is None or node.value is None:
            return []
        if isinstance(node.value, list):
            return node.value
        if isinstance(node.value, dict):
            self.error(node, f"{self.name(key)!r} must be a list, not a mapping", "write '- item' lines")
            return []
        return [node]

    def entries(self, key: str, what: str, message: str, hint: str = "", texts: bool = False,
                prefix: str = "") -> Iterator[tuple[Node, Fields | None]]:
        """Each entry of a list of mappings (sources, judgments, roles, scale bands, ...) with its own Fields,
        named `what` in messages and keyed under `prefix`. With `texts`, a text entry comes with None, for a
        caller that takes it as a bare title; any other value is reported with `message` and skipped."""
        for item in self.items(key):
            if isinstance(item.value, dict):
                yield item, Fields(item, self.path, self.diagnostics, what, prefix)
            elif texts and isinstance(item.value, str):
                yield item, None
            else:
                self.error(item, message, hint)

    def mappings(self, key: str, what: str, message: str, hint: str = "",
                 prefix: str = "") -> Iterator[tuple[Node, Fields]]:
        """Each entry of a list that holds only mappings, with its own Fields (see `entries`)."""
        for item, sub in self.entries(key, what, message, hint, prefix=prefix):
            if sub is not None:
                yield item, sub

    def texts(self, key: str) -> list[tuple[str, Node]]:
        """A list of strings with their nodes."""
        out = []
        for item in self.items(key):
            if item.value is None or isinstance(item.value, dict | list | bool):
                self.error(item, f"each entry of {self.name(key)!r} must be text, not {_describe(item.value)}")
                continue
            value = str(item.value).strip()
            if value:
                out.append((value, item))
        return out

    def mapping_of(self, key: str) -> Fields | None:
        """A nested mapping as its own Fields, or None when absent."""
        node = self.get(key)
        if node is None or node.value is None:
            return None
        if not isinstance(node.value, dict):
            self.error(node, f"{self.name(key)!r} must be a mapping of 'name: value' lines, "
                             f"not {_describe(node.value)}")
            return None
        return Fields(node, self.path, self.diagnostics, f"{self.name(key)!r}", prefix=f"{self.name(key)}.")

    def unknown(self, known: Iterable[str]) -> dict[str, Node]:
        """Keys that were never read: the caller decides whether they are errors or `extra`."""
        known_set = set(known) | self.used
        return {k: v for k, v in self.mapping.items() if k not in known_set}

    def near_misses(self, known: Iterable[str], free: str) -> tuple[Diagnostic, ...]:
        """Warnings for unknown keys within two edits of a known one ("topic" for "topics"): they are kept
        for templates, so a typo would otherwise drop the value without a word. `free` says where keys
        meant for templates go instead. Returned, not recorded: the caller keeps them with what it read."""
        known_list = sorted(set(known))
        found = []
        for key in sorted(self.unknown(known_list)):
            near = [k for k in known_list if within_two_edits(key, k)]
            if near and not key.startswith(("x_", "x-")):
                where = self.node.key_location(key) or self.loc()
                found.append(Diagnostic(where, f"unknown key {self.name(key)!r} in {self.what}, kept for templates",
                                        f"did you mean {near[0]!r}? {free}", "warning"))
        return tuple(found)

    def reject_unknown(self, known: Iterable[str]) -> None:
        """Report every key nobody asked for, with the closest known key."""
        known_list = sorted(set(known) | self.used)
        for key in sorted(self.unknown(known_list)):
            where = self.node.key_location(key) or self.loc()
            where_text = "" if self.prefix else f" in {self.what}"
            self.diagnostics.error(where, f"unknown key {self.name(key)!r}{where_text}", did_you_mean(key, known_list))


def _describe(value: Any) -> str:
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, datetime | date):
        return "a date"
    return "nothing" if value is None else type(value).__name__
