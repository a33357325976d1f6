"""Source locations, the SiteError family and the Diagnostics collector that reports every error at once."""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class SourceLocation:
    """Where a problem is: a site-relative path and 1-based line and column (0 = unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning with where it is and what to do about it."""

    location: SourceLocation
    message: str
    hint: str = ""
    severity: str = "error"  # or "warning": something the user wrote was not used as they may think

    def format(self) -> str:
        """Render as `path:line:col: error: message (hint)`, the form editors and CI can jump to."""
        text = f"{self.location}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_error(self) -> Diagnostic:
        """The same problem as an error (`--strict`)."""
        return Diagnostic(self.location, self.message, self.hint)


class SiteError(Exception):
    """Base of every error the tool reports to a user; carries one or more diagnostics.

    `warnings` are those the failed run had found before it stopped: a failure reports them alongside
    its errors, as a good run reports them on their own. They are not counted as errors.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], warnings: Iterable[Diagnostic] = ()) -> None:
        self.diagnostics = tuple(sorted(diagnostics, key=_sort_key))
        self.warnings = tuple(sorted(warnings, key=_sort_key))
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def with_warnings(self, warnings: Iterable[Diagnostic]) -> None:
        """Let this error carry the run's warnings, unless it carries some already."""
        if not self.warnings:
            self.warnings = tuple(sorted(warnings, key=_sort_key))

    def everything(self) -> tuple[Diagnostic, ...]:
        """Errors and warnings in one list, sorted by file, line and column, as they are printed."""
        return tuple(sorted((*self.diagnostics, *self.warnings), key=_sort_key))


class ContentError(SiteError):
    """Content, config or reference errors found while loading or linking."""


class TemplateFailure(SiteError):
    """A template could not be loaded or rendered."""


class SystemProblem(SiteError):
    """The operating system refused a read or a write: a full disk, a permission, a file in the way."""


class Interrupted(BaseException):
    """Ctrl-C or a termination signal stopped a run; `untouched` says what was left as it was."""

    def __init__(self, signum: int, untouched: str = "") -> None:
        super().__init__(signum)
        self.signum = signum
        self.untouched = untouched


class UsageError(Exception):
    """Wrong command-line usage (exit code 2)."""


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.location.path, d.location.line, d.location.column, d.message)


@dataclass
class Diagnostics:
    """Collects errors across a whole run so the user sees all of them, not just the first; warnings apart."""

    items: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    def error(self, location: SourceLocation, message: str, hint: str = "") -> None:
        """Record one error."""
        self.items.append(Diagnostic(location, message, hint))

    def warning(self, location: SourceLocation, message: str, hint: str = "") -> None:
        """Record one warning: input that is not used, said with the path and the fix."""
        self.warnings.append(Diagnostic(location, message, hint, "warning"))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        """Record errors and warnings found elsewhere (e.g. carried by a SiteError, or by a worker)."""
        for diagnostic in other:
            (self.warnings if diagnostic.severity == "warning" else self.items).append(diagnostic)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(self.items, key=_sort_key))

    def raise_if_any(self, kind: type[SiteError] = ContentError) -> None:
        """Stop the pipeline before anything is written when errors were collected; the error carries the
        warnings collected so far, so they are reported too."""
        if self.items:
            raise kind(self.items, self.warnings)


def within_two_edits(a: str, b: str) -> bool:
    """Whether two words differ by at most two insertions, deletions or substitutions."""
    if abs(len(a) - len(b)) > 2:
        return False
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1] <= 2


def closest(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Known names closest to a misspelt one, for "did you mean" hints."""
    return difflib.get_close_matches(word, sorted(set(candidates)), n=n, cutoff=0.6)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest known names, or listing a few when none is close."""
    options = closest(word, candidates)
    if options:
        return "did you mean " + " or ".join(repr(o) for o in options) + "?"
    known = sorted(set(candidates))
    if not known:
        return ""
    shown = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
    return f"known: {shown}"


_OS_HINTS = {
    errno.ENOSPC: "free space on that disk, then run again",
    errno.EDQUOT: "free space within your disk quota, then run again",
    errno.EACCES: "check that you may write there, or build into another folder with -o",
    errno.EPERM: "check that you may write there, or build into another folder with -o",
    errno.EROFS: "that file system is read-only: build into another folder with -o",
    errno.ENOTDIR: "a file stands where a folder must be: move or delete it",
    errno.EEXIST: "a file stands where a folder must be: move or delete it",
    errno.EISDIR: "a folder stands where a file must be: move or delete it",
    errno.ELOOP: "a symbolic link leads back to itself: remove the loop",
    errno.ENOENT: "it vanished while the run went on: run again",
}


def os_problem(exc: OSError, action: str) -> Diagnostic:
    """An operating-system error as one diagnostic naming the path, what failed and what to do."""
    path = shown_path(os.fsdecode(exc.filename)) if exc.filename is not None else "site-builder"
    reason = exc.strerror or str(exc)
    return Diagnostic(SourceLocation(path), f"cannot {action}: {reason}", _OS_HINTS.get(exc.errno or 0, ""))


def shown_path(path: str) -> str:
    """A path as a person names it: relative to the working folder when inside it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative
