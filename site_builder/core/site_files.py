"""Scan a site folder and classify each path; the same rules serve full builds and the file watcher."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from site_builder.core.config import CONFIG_NAMES
from site_builder.core.errors import Diagnostic, SourceLocation, closest


class Kind(Enum):
    """What a file in a site folder is, which decides what a change to it rebuilds."""

    CONFIG = "config"
    BRIEFING = "briefing"
    ACTOR = "actor"
    TOPIC = "topic"
    PAGE = "page"
    TEMPLATE = "template"
    STATIC = "static"
    IGNORED = "ignored"


# Editors leave these beside real files; they must never be read as content.
_BACKUP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".bak", ".orig", ".tmp", ".part", ".crdownload")
_SKIPPED_DIRS = {"__pycache__", "node_modules", ".cache", ".venv"}
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")  # as Hugo reads them
YAML_SUFFIXES = (".yaml", ".yml")
# Files a desk keeps beside its briefings on purpose: never warned about.
_MEDIA_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".pdf", ".mp3", ".mp4", ".webm",
                   ".ogg", ".wav", ".csv", ".json")
_SECTION_NAMES = ("briefings", "actors", "topics", "pages")


def is_editor_noise(name: str) -> bool:
    """Hidden, backup, swap and lock files that editors and tools create and delete at will."""
    return (
        name.startswith((".", "#", "~$"))
        or name.endswith(_BACKUP_SUFFIXES)
        or name == "4913"  # vim's write test file
    )


def classify(rel: str, output_dir: str = "public") -> Kind:
    """Classify a site-relative POSIX path."""
    parts = PurePosixPath(rel).parts
    if not parts or any(is_editor_noise(p) for p in parts) or parts[0] in _SKIPPED_DIRS:
        return Kind.IGNORED
    if parts[0] == PurePosixPath(output_dir).parts[0]:
        return Kind.IGNORED
    if rel in CONFIG_NAMES:
        return Kind.CONFIG
    suffix = PurePosixPath(rel).suffix.lower()
    if parts[0] == "content" and len(parts) >= 3:
        section = parts[1]
        if section == "briefings" and suffix in MARKDOWN_SUFFIXES:
            return Kind.BRIEFING
        if section == "actors" and len(parts) == 3 and suffix in YAML_SUFFIXES:
            return Kind.ACTOR
        if section == "topics" and len(parts) == 3 and suffix in YAML_SUFFIXES:
            return Kind.TOPIC
        if section == "pages" and len(parts) == 3 and suffix in MARKDOWN_SUFFIXES:
            return Kind.PAGE
        return Kind.IGNORED
    if parts[0] == "templates" and len(parts) >= 2:
        return Kind.TEMPLATE
    if parts[0] == "static" and len(parts) >= 2:
        return Kind.STATIC
    return Kind.IGNORED


@dataclass(frozen=True)
class SiteFiles:
    """The classified files of a site, each list sorted so iteration is deterministic."""

    briefings: tuple[str, ...]
    actors: tuple[str, ...]
    topics: tuple[str, ...]
    pages: tuple[str, ...]
    unread: tuple[Diagnostic, ...] = ()  # a warning for each file under content/ that no section reads


def walk_files(folder: Path) -> list[str]:
    """All regular files below a folder as sorted POSIX paths relative to it, skipping noise early."""
    out: list[str] = []
    if not folder.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not is_editor_noise(d) and d not in _SKIPPED_DIRS)
        base = Path(dirpath).relative_to(folder)
        for name in filenames:
            if not is_editor_noise(name):
                out.append((base / name).as_posix())
    return sorted(out)


_SECTIONS = {Kind.BRIEFING: "briefings", Kind.ACTOR: "actors", Kind.TOPIC: "topics", Kind.PAGE: "pages"}


def discover(root: Path, output_dir: str = "public") -> SiteFiles:
    """Find every content file of a site."""
    found: dict[Kind, list[str]] = {k: [] for k in Kind}
    for rel in walk_files(root / "content"):
        path = f"content/{rel}"
        found[classify(path, output_dir)].append(path)
    return SiteFiles(
        briefings=tuple(found[Kind.BRIEFING]),
        actors=tuple(found[Kind.ACTOR]),
        topics=tuple(found[Kind.TOPIC]),
        pages=tuple(found[Kind.PAGE]),
        unread=tuple(unread_warnings(found[Kind.IGNORED])),
    )


def unread_warnings(ignored: Iterable[str]) -> list[Diagnostic]:
    """A warning for each content file that no section reads, with where it would be read.

    Media beside briefings are kept on purpose and stay silent; an unknown folder is named once.
    """
    out: list[Diagnostic] = []
    folders: set[str] = set()
    for rel in ignored:
        parts = PurePosixPath(rel).parts
        suffix = PurePosixPath(rel).suffix.lower()
        if len(parts) == 2:
            out.append(_warning(rel, "a file directly in content/ is not read",
                                "move it into content/briefings/ or content/pages/"))
        elif parts[1] not in _SECTION_NAMES:
            if parts[1] not in folders:
                folders.add(parts[1])
                near = closest(parts[1], _SECTION_NAMES, 1)
                hint = f"did you mean content/{near[0]}/?" if near else "use briefings/, actors/, topics/ or pages/"
                out.append(_warning(f"content/{parts[1]}/", "unknown folder; its files are not read", hint))
        elif suffix in _MEDIA_SUFFIXES and parts[1] in ("briefings", "pages"):
            continue
        elif parts[1] in ("briefings", "pages"):
            fix = "run site-builder ingest on it" if suffix in (".txt", ".html", ".htm") else "rename it to .md"
            out.append(_warning(rel, f"not read: {parts[1]} are markdown files (.md, .markdown)", fix))
        else:
            where = "directly in" if suffix in YAML_SUFFIXES else "as .yaml files in"
            out.append(_warning(rel, f"not read: {parts[1]} are read {where} content/{parts[1]}/",
                                f"move or rename it to content/{parts[1]}/{PurePosixPath(rel).stem}.yaml"))
    return out


def _warning(rel: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(SourceLocation(rel), message, hint, "warning")


def refresh(files: SiteFiles, root: Path, changed: Iterable[str], output_dir: str = "public") -> SiteFiles | None:
    """The file list after `changed` were created, edited or deleted, without walking the whole tree.

    Walking every file of a big site costs more than a one-file rebuild. Each changed path is looked at
    as it is now. None when a path may stand for a folder (a folder made, moved or deleted hides
    which files it held): then only discover() can tell.
    """
    lists = {kind: set(getattr(files, section)) for kind, section in _SECTIONS.items()}
    for rel in changed:
        kind = classify(rel, output_dir)
        if kind not in lists:
            if _may_be_content_folder(rel):
                return None
            continue
        path = root / rel
        if path.is_dir():
            return None
        if _walked(rel) and os.path.lexists(path):
            lists[kind].add(rel)
        else:
            lists[kind].discard(rel)
    return SiteFiles(**{section: tuple(sorted(lists[kind])) for kind, section in _SECTIONS.items()})


def _walked(rel: str) -> bool:
    """Whether walk_files would list this content path: it skips tool folders at any depth."""
    return not any(part in _SKIPPED_DIRS for part in PurePosixPath(rel).parts[1:-1])


def _may_be_content_folder(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return len(parts) >= 2 and parts[0] == "content" and not any(is_editor_noise(p) for p in parts)
