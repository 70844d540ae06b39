"""Tests for iscg_docs._forks: a map over forked processes."""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest

from iscg_docs._forks import cores, forked_map

two_cores = pytest.mark.skipif(cores() < 2, reason="one core: the map runs in one process")


class TestForkedMap:
    def test_results_in_order(self) -> None:
        """The results are the built-in map's, in the items' order, for a function that
        does not pickle (a closure over a lock)."""
        lock = threading.Lock()

        def square(n: int) -> tuple[int, bool]:
            return n * n, lock.locked()

        assert forked_map(2)(square, range(200)) == [(n * n, False) for n in range(200)]

    @two_cores
    def test_runs_in_several_processes(self) -> None:
        """With two jobs, the items are shared between this process and a forked one."""
        pids = set(forked_map(2)(lambda _: os.getpid(), range(200)))
        assert os.getpid() in pids
        assert len(pids) == 2

    def test_one_job_runs_here(self) -> None:
        """One job, or one item, is the built-in map in this process."""
        assert set(forked_map(1)(lambda _: os.getpid(), range(50))) == {os.getpid()}
        assert forked_map(4)(lambda _: os.getpid(), [0]) == [os.getpid()]

    @pytest.mark.parametrize("bad", [0, 15, 199], ids=["first", "sixteenth", "last"])
    def test_error_reaches_the_caller(self, bad: int) -> None:
        """An exception of the function, wherever it is raised (in a child, in this
        process before or after the fork), reaches the caller, and no process is left
        behind."""

        def fail(n: int) -> int:
            if n == bad:
                raise ValueError(f"item {n}")
            return n

        with pytest.raises(ValueError, match="item"):
            forked_map(2)(fail, range(200))
        assert multiprocessing.active_children() == []

    def test_interrupted(self) -> None:
        """Ctrl-C while this process computes its share ends the children too."""
        pid = os.getpid()

        def interrupted(n: int) -> int:
            if n == 190 and os.getpid() == pid:
                raise KeyboardInterrupt
            return n

        with pytest.raises(KeyboardInterrupt):
            forked_map(2)(interrupted, range(200))
        assert multiprocessing.active_children() == []

    def test_no_process_left(self) -> None:
        """Once the map returns, every process it forked has ended."""
        forked_map(2)(abs, range(100))
        assert multiprocessing.active_children() == []
