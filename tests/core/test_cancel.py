"""The stop request: set once by a signal handler or another thread, honoured by the work at its checks."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from site_builder.core.cancel import CancelToken, signals_held
from site_builder.core.errors import Interrupted
from site_builder.core.progress import Progress

TIMEOUT = 30.0  # a hang guard only


def test_a_token_raises_with_the_first_signal_once_cancelled() -> None:
    token = CancelToken()
    token.check()  # nothing asked for yet
    assert not token.cancelled and token.signum == 0
    token.cancel(signal.SIGINT)
    token.cancel(signal.SIGTERM)  # a second request changes nothing
    assert token.cancelled and token.signum == signal.SIGINT
    for _ in range(2):  # never reset
        with pytest.raises(Interrupted) as stopped:
            token.check()
        assert stopped.value.signum == signal.SIGINT


def test_wait_sleeps_until_the_time_is_up_or_another_thread_cancels() -> None:
    token = CancelToken()
    assert token.wait(0) is False
    threading.Thread(target=token.cancel, args=(signal.SIGTERM,), daemon=True).start()
    assert token.wait(TIMEOUT) is True
    assert token.signum == signal.SIGTERM


def test_a_signal_handler_may_cancel_it() -> None:
    token = CancelToken()
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: token.cancel(signum))
    try:
        os.kill(os.getpid(), signal.SIGUSR1)
        assert token.wait(TIMEOUT) and token.signum == signal.SIGUSR1
    finally:
        signal.signal(signal.SIGUSR1, previous)


def test_each_item_a_stage_counts_is_a_point_where_a_build_stops() -> None:
    token = CancelToken()
    stage = Progress.silent().stage("pages", 10, token)
    stage.advance(1)
    token.cancel(signal.SIGTERM)
    with pytest.raises(Interrupted):
        stage.advance(1)
    Progress.silent().stage("pages", 10).advance(1)  # a stage without a token never stops


def test_signals_held_are_delivered_when_the_block_ends() -> None:
    """A signal that comes while staged files are renamed into place is handled only once they all are."""
    seen: list[str] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append("signal"))
    try:
        with signals_held():
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):  # bytecodes run here, at which Python would call an unblocked handler
                pass
            seen.append("renamed")
        for _ in range(1000):
            pass
        assert seen == ["renamed", "signal"]
    finally:
        signal.signal(signal.SIGTERM, previous)
