"""One writer per output folder: an advisory lock file inside it, held while a run writes there.

The lock is `flock` on `<output>/.site-builder.lock`, which holds the pid of the run that has it. The
kernel drops the lock when that process ends, however it ends, so the lock of a dead run never blocks.
A run removes the file when it lets the lock go, so the output holds it only while a run writes (or
after a run was killed, until the next one); it is never published.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from site_builder.core.errors import UsageError, shown_path

LOCK_NAME = ".site-builder.lock"


class OutputBusy(UsageError):
    """Another live run holds the lock of this output folder."""


class OutputLock:
    """The lock of one output folder; `with OutputLock(out):` holds it or raises OutputBusy at once."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._fd: int | None = None
        self.created_folder = False  # the output folder was made to hold the lock

    def acquire(self) -> None:
        """Take the lock, making the output folder if needed; OutputBusy names the pid that holds it."""
        if not self.out_dir.exists():
            self.out_dir.mkdir(parents=True)
            self.created_folder = True
        path = self.out_dir / LOCK_NAME
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise OutputBusy(f"another site-builder run (pid {holder}) is writing to {display(self.out_dir)}; "
                                 "wait for it to finish, or stop it") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a file that the run before removed while this one opened it
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        """Let the lock go; an output folder made only to hold it is removed again."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            (self.out_dir / LOCK_NAME).unlink()  # while still held: a run waiting to open it retries
        os.close(self._fd)  # closing the only descriptor releases the flock
        self._fd = None
        if self.created_folder:
            with contextlib.suppress(OSError):
                self.out_dir.rmdir()  # only when the run wrote nothing there

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def display(folder: Path) -> str:
    """A folder as a person names it (see `shown_path`), with a final slash."""
    return f"{shown_path(folder.as_posix()).rstrip('/')}/"
