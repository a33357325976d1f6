"""A request to stop work in progress, honoured by that work only where stopping leaves nothing half done.

Whoever wants the work to stop (a signal handler, the dev server's `stop()`) calls `cancel(signum)`;
the work calls `check()` between its steps and its items, which raises `Interrupted(signum)` once a
stop was asked for, and sleeps with `wait()` where it waits on something else. So the work is never
interrupted inside a lock or halfway through renaming files into place: it stops at the next check.

`cancel()` only stores a number: it takes no lock, so a signal handler may call it whatever the code
it interrupted holds, and any thread may call it at any time. Each run makes its own token; there is
no global state.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from site_builder.core.errors import Interrupted

STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
POLL = 0.05  # seconds between two looks at the token while waiting: well below what a person notices


class CancelToken:
    """One stop request, shared by the code that asks for the stop and the work that honours it.

    A token is never reset: once cancelled, every later `check()` raises too, so a stopped server's
    builder cannot start another build by mistake. A token made with a `parent` (see `child`) counts as
    cancelled when either is: work that one more reason may stop (a newer edit) still stops with its parent.
    """

    def __init__(self, parent: CancelToken | None = None) -> None:
        self._signum = 0
        self._parent = parent

    def child(self) -> CancelToken:
        """A token cancelled by its own `cancel()` or by this one's; cancelling it leaves this one as it is."""
        return CancelToken(self)

    def cancel(self, signum: int = signal.SIGTERM) -> None:
        """Ask the work to stop, as the signal `signum` would; the first request is kept. Lock-free."""
        if not self._signum:
            self._signum = int(signum)

    @property
    def cancelled(self) -> bool:
        """Whether a stop was asked for, of this token or its parent."""
        return self.signum != 0

    @property
    def signum(self) -> int:
        """The signal the stop was asked for with (0 while none was); the parent's first, when it has one."""
        parent = self._parent.signum if self._parent is not None else 0
        return parent or self._signum

    def check(self) -> None:
        """Raise Interrupted(signum) when a stop was asked for; return at once otherwise."""
        if signum := self.signum:
            raise Interrupted(signum)

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking within POLL of a stop request; returns whether one came."""
        deadline = time.monotonic() + seconds
        while not self.signum:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(POLL, left))
        return True


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for this thread while the block runs: one that arrives meanwhile is delivered
    when it ends. For work that must not stop halfway, such as renaming a build's staged files into
    place: the commands whose signal handler raises at once then stop right after it, not inside it.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
