"""Worker processes forked with the parent's memory: the cores, a child's setup.

A forked child starts with everything the parent holds (a framework of thousands of
conventions, a compiled template), so nothing of it crosses a pipe: only indexes go out
and results come back. Every child ignores Ctrl-C, which the parent alone handles, and
ends when the parent ends, even killed.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time

__all__ = ["cores", "start_child"]

# prctl's option: the signal a process gets when its parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def cores() -> int:
    """The processor cores this process may run on: more processes only wait their turn."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_child() -> None:
    """Set up a worker process: Ctrl-C left to the parent, and an end with the parent's.

    Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    (it waits for the tasks under way, then undoes what they did).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()


def _die_with_parent() -> None:
    """End this worker when the parent process ends, even killed (SIGKILL).

    The pool's queue alone would not tell it: a worker waits on it for ever, holding
    what it was doing. On Linux the kernel sends the signal; elsewhere a thread watches
    the parent.
    """
    parent = multiprocessing.parent_process()
    expected = os.getppid() if parent is None else parent.pid
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        linux = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0
    except (OSError, AttributeError):  # no prctl: not Linux
        linux = False
    if os.getppid() != expected:  # the parent died before the signal was asked for
        os._exit(1)
    if not linux:
        threading.Thread(target=_watch_parent, args=(expected,), daemon=True).start()


def _watch_parent(expected: int) -> None:
    while os.getppid() == expected:
        time.sleep(1)
    os._exit(1)
