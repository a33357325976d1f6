"""A progress bar for long builds: drawn on a terminal only, redrawn at most ten times a second, then erased.

A stage is also where a build may be stopped: given a CancelToken, `advance` checks it, so every item
a build counts is a point where a stop request is honoured (see core/cancel.py).
"""

from __future__ import annotations

import time
from typing import TextIO

from site_builder.core.cancel import CancelToken

MIN_TOTAL = 300  # stages smaller than this finish before a bar would help
WIDTH = 28
INTERVAL = 0.1


class Stage:
    """One counted step of a build (bodies, pages); `advance` is cheap enough to call per item."""

    def __init__(self, stream: TextIO | None, name: str, total: int, cancel: CancelToken | None = None) -> None:
        self.stream = stream if total >= MIN_TOTAL else None
        self.name = name
        self.total = total
        self.count = 0
        self.cancel = cancel
        self._drawn = 0.0

    def advance(self, n: int) -> None:
        """Count n more items done; raises Interrupted when the stage's token was cancelled meanwhile."""
        self.count += n
        if self.cancel is not None:
            self.cancel.check()
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self._drawn >= INTERVAL:
            self._drawn = now
            self._draw()

    def _draw(self) -> None:
        assert self.stream is not None
        filled = WIDTH * min(self.count, self.total) // max(self.total, 1)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r{self.name:<7} [{bar}] {min(self.count, self.total)}/{self.total}")
        self.stream.flush()

    def done(self) -> None:
        """Erase the bar, so the summary line that follows stands alone."""
        if self.stream is not None and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class Progress:
    """Hands out stages; silent unless given a stream (the CLI passes stderr when it is a terminal)."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    @classmethod
    def silent(cls) -> Progress:
        """No output at all: tests, servers, pipes and `--quiet`."""
        return cls(None)

    @classmethod
    def for_stream(cls, stream: TextIO, quiet: bool = False) -> Progress:
        """A bar on stream when it is an interactive terminal and the user did not ask for quiet."""
        return cls(stream if not quiet and stream.isatty() else None)

    def stage(self, name: str, total: int, cancel: CancelToken | None = None) -> Stage:
        """A new counted step; with `cancel`, each `advance` is a point where the build may stop."""
        return Stage(self.stream, name, total, cancel)
