"""Tests for iscg_docs.output.forks: a forked child's setup."""

from __future__ import annotations

import multiprocessing
import os
import signal

from iscg_docs.output.forks import cores, start_child


def _child(queue: multiprocessing.Queue[object]) -> None:
    start_child()
    queue.put(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)


def test_cores() -> None:
    """At least one core, at most what the machine has."""
    assert 1 <= cores() <= (os.cpu_count() or 1)


def test_child_leaves_ctrl_c_to_the_parent() -> None:
    """A child set up by start_child ignores Ctrl-C: the parent alone handles it."""
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[object] = context.Queue()
    child = context.Process(target=_child, args=(queue,))
    child.start()
    assert queue.get(timeout=30) is True
    child.join(30)
    assert child.exitcode == 0
