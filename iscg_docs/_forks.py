"""Worker processes forked with the parent's memory: the cores, a child's setup, a map.

A forked child starts with everything the parent holds (a framework of thousands of
conventions, a compiled template), so nothing of it crosses a pipe: only indexes go out
and results come back. Every child ignores Ctrl-C, which the parent alone handles, and
ends when the parent ends, even killed.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

__all__ = ["Map", "cores", "forked_map", "start_child"]

_T = TypeVar("_T")
_R = TypeVar("_R")

#: A function over items, as the built-in :func:`map` calls it, and its results.
Map = Callable[[Callable[[_T], _R], Iterable[_T]], Iterable[_R]]

# prctl's option: the signal a process gets when its parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1

# The function and items of the map under way, which a forked child finds in memory
# (one map at a time: the command line and the library call it from one thread).
_MAPPED: dict[str, Any] = {}


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


def forked_map(jobs: int) -> Map[Any, Any]:
    """A :func:`map` over ``jobs`` processes, this one and ``jobs - 1`` forked from it,
    with the results in the items' order.

    The function needs not pickle (a closure over a framework will do): the children
    find it, and the items, in the memory they were forked with; only their results
    are pickled back. Where processes cannot be forked, or one would do, it is the
    built-in :func:`map`.
    """

    def mapped(func: Callable[[_T], _R], items: Iterable[_T]) -> list[_R]:
        todo = list(items)
        workers = min(jobs, cores(), len(todo))
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return list(map(func, todo))
        _MAPPED.update(func=func, items=todo)
        try:
            return _map_in_pool(workers, len(todo))
        finally:
            _MAPPED.clear()

    return mapped


def _map_in_pool(workers: int, count: int) -> list[Any]:
    """The results of ``_MAPPED`` over its items, in this process and ``workers - 1``
    processes forked from it.

    The items go in slices, eight a process, each taking every so many items so that
    the slices cost alike wherever the costly items stand. This process computes the
    last slice before it forks: the children find in memory what that built (an index,
    a cache) instead of each building it again. Then the children take slices from the
    first, this process from the last, until they meet; its results cross no pipe, and
    what it computed stays for a later fork.
    """
    step = min(8 * workers, count)
    last = step - 1
    here = {last: _run_slice(last, step)}
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers - 1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=start_child,
    ) as pool:
        # A child's collector would visit every object it was forked with, copying the
        # page of each (as long as the work itself at 3 000 conventions): they are set
        # aside while the children are forked, at the first task.
        gc.freeze()
        try:
            futures = [pool.submit(_run_slice, k, step) for k in range(last)]
        finally:
            gc.unfreeze()
        try:
            for k in reversed(range(last)):
                if not futures[k].cancel():  # a child has it already
                    break
                here[k] = _run_slice(k, step)
            slices = [here[k] if k in here else futures[k].result() for k in range(step)]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [slices[n % step][n // step] for n in range(count)]


def _run_slice(first: int, step: int) -> list[Any]:
    """The results of every ``step``-th item from item ``first``."""
    func, items = _MAPPED["func"], _MAPPED["items"]
    return [func(item) for item in items[first::step]]
