"""Content-hashed names for stylesheets and scripts, so hosts can cache them forever."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from urllib.parse import quote, unquote

from site_builder.core.errors import Diagnostics, SourceLocation

# Only these get hashed names: pages load them through url(), which knows the new names. Images,
# fonts and documents keep theirs because briefings and actor files link to them by name.
FINGERPRINTED = (".css", ".js")
DIGEST_LENGTH = 10  # 40 bits: a collision between two versions of one file is not a practical concern

# One pass over a stylesheet. Comments and other strings are matched only so that a `url(` inside
# them is skipped; an unquoted url() with a backslash escape is left alone rather than half-parsed.
# The leading lookahead lets the scan skip most characters at once.
_CSS_TOKENS = re.compile(
    r"""(?=[/@uU"'])
    (?: (?P<comment>/\*.*?(?:\*/|\Z))
      | @import\s*(?P<iq>["'])(?P<itarget>(?:\\.|(?!(?P=iq))[^\\\n])*)(?P=iq)
      | (?<![\w-])url\(\s*(?:(?P<uq>["'])(?P<qtarget>(?:\\.|(?!(?P=uq))[^\\\n])*)(?P=uq)
                             |(?P<target>[^"'()\s\\]*))\s*\)
      | (?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*') )
    """, re.IGNORECASE | re.DOTALL | re.VERBOSE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_QUERY_OR_FRAGMENT = re.compile(r"[?#]")


@dataclass(frozen=True)
class Reference:
    """One `url(...)` or `@import` target in a stylesheet, as written, with where it is."""

    start: int
    end: int
    written: str
    path: str | None  # the static file it points at, or None for data:, absolute and fragment-only URLs


@dataclass(frozen=True)
class Assets:
    """Static files as they are written, and the hashed name of every fingerprinted one.

    `key` is what a rendered page depends on: pages link to assets through url(), so a page must be
    rendered again whenever any hashed name changes.
    """

    files: Mapping[str, bytes]  # output path -> bytes
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # original -> hashed path

    @cached_property
    def key(self) -> tuple[tuple[str, str], ...]:
        """The name mapping as a comparable value, for the build memo."""
        return tuple(sorted(self.names.items()))


def prepare_assets(static: Mapping[str, bytes], fingerprint: bool, diagnostics: Diagnostics) -> Assets:
    """The static files of a build, fingerprinted when config asks for it (the dev server never does)."""
    if not fingerprint:
        return Assets(dict(static))
    return fingerprint_assets(static, diagnostics)


def is_fingerprinted(path: str) -> bool:
    """Whether a static file gets a content-hashed name."""
    return path.endswith(FINGERPRINTED)


def digest(data: bytes) -> str:
    """A short hex digest of the bytes."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]


def with_digest(name: str, hex_digest: str) -> str:
    """`css/site.css` → `css/site.<digest>.css`: the digest goes before the last suffix."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{hex_digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{hex_digest}"


def resolve_reference(css_path: str, written: str) -> str | None:
    """The site path a reference in the stylesheet `css_path` points at, relative to the stylesheet's folder.

    None for what is not a file of the site: `data:` and other schemes, protocol-relative and
    root-absolute URLs, fragments (SVG filters) and paths that climb above the site.
    """
    if not written or written.startswith(("#", "/")) or _SCHEME.match(written):
        return None
    cut = _QUERY_OR_FRAGMENT.search(written)
    path = unquote(written[:cut.start()] if cut else written)
    if not path:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(css_path), path))
    if joined == ".." or joined.startswith("../") or path.endswith("/"):
        return None
    return joined


def css_references(css_path: str, text: str) -> Iterator[Reference]:
    """Every url() and @import target of a stylesheet outside comments and strings, in order."""
    for match in _CSS_TOKENS.finditer(text):
        for group in ("itarget", "qtarget", "target"):
            written = match.group(group)
            if written is not None:
                yield Reference(match.start(group), match.end(group), written, resolve_reference(css_path, written))
                break


def rewrite_css(css_path: str, text: str, names: Mapping[str, str]) -> str:
    """The stylesheet with each reference to a renamed file pointing at its new name.

    The written form is kept (quotes, `./`, query, fragment) and only the digest inserted, so an
    unquoted url() stays valid; anything else, missing files included, stays exactly as written.
    """
    return _rewrite(css_path, text, css_references(css_path, text), names)


def _rewrite(css_path: str, text: str, refs: Iterable[Reference], names: Mapping[str, str]) -> str:
    out: list[str] = []
    done = 0
    for ref in refs:
        if ref.path is None or ref.path not in names:
            continue
        out.append(text[done:ref.start])
        out.append(_renamed(css_path, ref.written, ref.path, names[ref.path]))
        done = ref.end
    out.append(text[done:])
    return "".join(out)


def _renamed(css_path: str, written: str, target: str, hashed: str) -> str:
    cut = _QUERY_OR_FRAGMENT.search(written)
    path, rest = (written[:cut.start()], written[cut.start():]) if cut else (written, "")
    suffix = posixpath.splitext(target)[1]
    if suffix and path.endswith(suffix):
        return path[:-len(suffix)] + hashed[len(target) - len(suffix):] + rest
    # Written in a form the digest cannot be slotted into (an escaped dot): a plain relative path.
    return quote(posixpath.relpath(hashed, posixpath.dirname(css_path) or "."), safe="/") + rest


def fingerprint_assets(static: Mapping[str, bytes], diagnostics: Diagnostics) -> Assets:
    """Give stylesheets and scripts content-hashed names and point stylesheets at each other's new names.

    A stylesheet is hashed after its references are rewritten, so editing an imported sheet changes
    the name of every sheet that imports it. That needs an order: stylesheets that reference each
    other in a cycle are reported (and keep those references as written).
    """
    sheets = sorted(p for p in static if p.endswith(".css"))
    texts = {p: static[p].decode("utf-8", "surrogateescape") for p in sheets if _may_reference(static[p])}
    scanned = {p: list(css_references(p, text)) for p, text in texts.items()}
    refs = {p: [r for r in rs if r.path is not None and r.path.endswith(".css") and r.path in static]
            for p, rs in scanned.items()}
    waiting = {p: {r.path for r in refs.get(p, ()) if r.path is not None} for p in sheets}
    needed_by: dict[str, set[str]] = {}
    for p, deps in waiting.items():
        for dep in deps:
            needed_by.setdefault(dep, set()).add(p)
    names: dict[str, str] = {}
    files: dict[str, bytes] = {}

    def name(path: str) -> None:
        data = static[path]
        if scanned.get(path):
            data = _rewrite(path, texts[path], scanned[path], names).encode("utf-8", "surrogateescape")
        names[path] = with_digest(path, digest(data))
        files[names[path]] = data

    for path in sorted(static):
        if is_fingerprinted(path) and not path.endswith(".css"):  # scripts are hashed as they are
            name(path)
    ready = deque(p for p in sheets if not waiting[p])
    while ready:
        path = ready.popleft()
        name(path)
        for referrer in sorted(needed_by.get(path, ())):
            waiting[referrer].discard(path)
            if not waiting[referrer]:
                ready.append(referrer)
    for path in sorted(set(sheets) - set(names)):  # each of these references something: it was scanned
        _report_cycle(path, texts[path], refs[path], waiting, diagnostics)
        name(path)
    for path in sorted(static):
        if not is_fingerprinted(path):
            files[path] = static[path]
    return Assets(dict(sorted(files.items())), MappingProxyType(dict(sorted(names.items()))))


def _may_reference(data: bytes) -> bool:
    """A substring test, far cheaper than the scan: most stylesheets reference nothing (bytes.lower is ASCII only)."""
    folded = data.lower()
    return b"url(" in folded or b"@import" in folded


def _report_cycle(path: str, text: str, refs: list[Reference], waiting: Mapping[str, set[str]],
                  diagnostics: Diagnostics) -> None:
    """Report the references of `path` that lead back to it; a sheet merely downstream of a cycle is fine."""
    for ref in refs:
        if ref.path is None or not _reaches(ref.path, path, waiting):
            continue
        line = text.count("\n", 0, ref.start) + 1
        column = ref.start - (text.rfind("\n", 0, ref.start) + 1) + 1
        message = ("the stylesheet references itself" if ref.path == path
                   else f"stylesheets reference each other in a cycle through {ref.path}")
        diagnostics.error(SourceLocation(f"static/{path}", line, column), message,
                          "a hashed name needs the names of the files it references first; remove one reference "
                          "or set fingerprint: false")


def _reaches(start: str, goal: str, edges: Mapping[str, set[str]]) -> bool:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False
