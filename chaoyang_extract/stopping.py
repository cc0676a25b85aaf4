"""How a run stops: SIGTERM/SIGHUP unwind like Ctrl-C (so temporaries are removed and the
exit code says which signal), and pool workers never outlive the run that started them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType


class Stopped(BaseException):
    """Raised in the main thread by SIGTERM or SIGHUP; a BaseException like
    KeyboardInterrupt, so that ``except Exception`` never swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum  # the shell's convention: 143 for SIGTERM
        self.name = signal.Signals(signum).name


_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Stopped (only the main thread can)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _raise) for s in _STOP_SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


# ------------------------------------------------------------------------- pool workers

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_POLL_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """Make this worker process end when ``parent`` does, however the parent ends.

    A worker blocks reading its task queue, and a parent killed with SIGKILL never sends
    the sentinel that ends it, so it would wait for ever. On Linux the kernel sends
    SIGKILL when the parent dies (PR_SET_PDEATHSIG); everywhere a daemon thread also
    watches the parent id, which covers other systems and a parent that died before
    the prctl call.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="cyx-parent-watch", daemon=True).start()
