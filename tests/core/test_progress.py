"""The progress bar shows only on a terminal, only for long stages, and erases itself."""

from __future__ import annotations

import io

from site_builder.core import progress
from site_builder.core.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_stage_draws_on_a_terminal_and_erases_itself() -> None:
    stream = Terminal()
    stage = Progress.for_stream(stream).stage("pages", 1000)
    for _ in range(1000):
        stage.advance(1)
    stage.done()
    out = stream.getvalue()
    assert out.startswith("\rpages   [") and "/1000" in out
    assert out.endswith("\r\x1b[K")


def test_quiet_pipes_and_short_stages_print_nothing() -> None:
    for stream, quiet, total in ((Terminal(), True, 1000), (io.StringIO(), False, 1000),
                                 (Terminal(), False, progress.MIN_TOTAL - 1)):
        stage = Progress.for_stream(stream, quiet=quiet).stage("bodies", total)
        stage.advance(total)
        stage.done()
        assert stream.getvalue() == ""
    silent = Progress.silent().stage("pages", 10_000)
    silent.advance(10_000)
    silent.done()
    assert silent.count == 10_000
