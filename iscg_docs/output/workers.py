"""Rendering a batch's documents to complete temporaries, in this process or in several.

With more than one process, each worker renders, hashes and writes its documents itself,
in tasks of a few conventions, and hands back only names and hashes: the parent's share
is renaming the temporaries and keeping the manifest.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iscg_docs.model.records import Framework
from iscg_docs.output.atomic import discard, write_temporary
from iscg_docs.output.manifest import sha256

if TYPE_CHECKING:
    from iscg_docs.convention.render import ConventionRenderer

__all__ = ["Commit", "Written", "render_and_write", "tasks", "write_all"]

#: What rendering hands back for each document: its index, its complete temporary file
#: (beside its final name, flushed to the disk) and its SHA-256.
Written = tuple[int, str, str]

#: Called with a :data:`Written` document's three parts to rename it into place.
Commit = Callable[[int, str, str], None]

# prctl's option: the signal a process gets when its parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1

# One renderer per worker process, built once by the pool's initializer.
_WORKER: dict[str, Any] = {}


def render_and_write(
    renderer: ConventionRenderer, framework: Framework, i: int, draft: bool, path: Path
) -> Written:
    """Render convention ``i`` into a complete temporary beside ``path``.

    The temporary is not flushed to the disk: the caller flushes a group of them at once
    before renaming them (:func:`iscg_docs.output.atomic.sync_files`).
    """
    data = renderer.render_convention(framework, framework.conventions[i], draft=draft)
    return i, write_temporary(path, data, durable=False), sha256(data)


def write_all(
    renderer: ConventionRenderer,
    framework: Framework,
    todo: list[int],
    draft: bool,
    jobs: int,
    paths: dict[int, Path],
    commit: Commit,
) -> None:
    """Render ``todo`` to temporaries beside ``paths`` and hand each to ``commit``.

    If anything fails or is interrupted, the tasks under way are waited for and every
    temporary not committed is removed.

    Args:
        renderer: the template, compiled.
        framework: a validated framework.
        todo: the indexes of the conventions to render.
        draft: mark every page "PROJET" and leave the signature date blank.
        jobs: render in that many processes.
        paths: each index's final file name.
        commit: renames one document into place (and records it).
    """
    produced: list[str] = []
    jobs = min(jobs, len(todo), cores())
    try:
        if jobs <= 1:
            for i in todo:
                written = render_and_write(renderer, framework, i, draft, paths[i])
                produced.append(written[1])
                commit(*written)
            return
        _write_in_pool(renderer, framework, todo, draft, jobs, paths, commit, produced)
    except BaseException:
        for tmp in produced:  # a committed one was renamed: nothing left to remove
            discard(tmp)
        raise


def cores() -> int:
    """The processor cores this process may run on: more processes only wait their turn."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def tasks(todo: list[int], jobs: int) -> list[list[int]]:
    """``todo`` cut into tasks: about eight per process, at most eight conventions each.

    Small enough that the processes finish together and progress shows, large enough
    that a task's round trip (a few hundred microseconds) stays small beside its work.
    """
    size = max(1, min(8, -(-len(todo) // (8 * jobs))))
    return [todo[first : first + size] for first in range(0, len(todo), size)]


def _write_in_pool(
    renderer: ConventionRenderer,
    framework: Framework,
    todo: list[int],
    draft: bool,
    jobs: int,
    paths: dict[int, Path],
    commit: Commit,
    produced: list[str],
) -> None:
    """:func:`write_all` in ``jobs`` processes; every temporary made goes into ``produced``."""
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        initializer=_init_worker,
        initargs=(renderer.source, framework, draft, paths),
    ) as pool:
        futures = [pool.submit(_write_in_worker, task) for task in tasks(todo, jobs)]
        try:
            for future in concurrent.futures.as_completed(futures):
                results = future.result()
                produced.extend(tmp for _, tmp, _sha in results)
                for written in results:
                    commit(*written)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            for future in futures:
                if future.done() and not future.cancelled() and future.exception() is None:
                    produced.extend(tmp for _, tmp, _sha in future.result())
            raise


def _init_worker(
    template: bytes, framework: Framework, draft: bool, paths: dict[int, Path]
) -> None:
    from iscg_docs.convention.render import ConventionRenderer

    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    # (it waits for the tasks under way, then removes what they wrote).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _WORKER.update(
        renderer=ConventionRenderer(template), framework=framework, draft=draft, paths=paths
    )


def _die_with_parent() -> None:
    """End this worker when the parent process ends, even killed (SIGKILL).

    The pool's queue alone would not tell it: a worker waits on it for ever, holding the
    temporaries it was writing (the next run removes them). On Linux the kernel sends
    the signal; elsewhere a thread watches the parent.
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


def _write_in_worker(indices: Sequence[int]) -> list[Written]:
    """Render and write the temporaries of ``indices``; remove them all if one fails."""
    framework: Framework = _WORKER["framework"]
    written: list[Written] = []
    try:
        for i in indices:
            written.append(
                render_and_write(
                    _WORKER["renderer"], framework, i, _WORKER["draft"], _WORKER["paths"][i]
                )
            )
    except BaseException:
        for _, tmp, _sha in written:
            discard(tmp)
        raise
    return written
