"""A time budget for one document (``--doc-timeout``): one pathological file must not
hold up a batch of thousands.

The budget is a timer signal, so it also stops a long call inside the regex engines
(both check for signals while they match). Signals reach only a process's main thread:
elsewhere (a caller's own thread) the document runs without a budget.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


class DocTimeout(BaseException):
    """The document ran over its budget.

    A BaseException, like KeyboardInterrupt: the pipeline's ``except Exception`` guards
    (one odd report must not stop a batch) must not swallow it and carry on.
    """


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise DocTimeout in the block once ``seconds`` have passed (None or 0: no budget)."""
    usable = (
        bool(seconds)
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable or seconds is None:
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise DocTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
