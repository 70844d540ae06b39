"""Rendering a batch's documents to complete temporaries, in this process or in several.

With more than one process, each worker renders, hashes, writes and (when asked) reads
back its documents itself, in tasks of a few conventions, and hands back only names,
hashes and what the reading found: the parent's share is renaming the temporaries and
keeping the manifest. The workers are forked with the validated framework in memory, so
nothing of it is copied through a pipe.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iscg_docs.model.records import Framework
from iscg_docs.output.atomic import discard, write_temporary
from iscg_docs.output.forks import cores, start_child
from iscg_docs.output.manifest import sha256

if TYPE_CHECKING:
    from iscg_docs.convention.render import ConventionRenderer
    from iscg_docs.convention.verify import Finding

__all__ = [
    "TASK_SIZE",
    "Checked",
    "Commit",
    "Written",
    "check",
    "render_and_write",
    "tasks",
    "write_all",
]

#: What reading a document back found: its findings (empty when clean), the error that
#: kept it from being read, or None when it was not read back.
Checked = tuple["Finding", ...] | Exception | None

#: What rendering hands back for each document: its index, its complete temporary file
#: (beside its final name, not yet flushed to the disk), its SHA-256 and what reading
#: it back found.
Written = tuple[int, str, str, Checked]

#: Called with a :data:`Written` document's four parts to rename it into place.
Commit = Callable[[int, str, str, Checked], None]

# One renderer per worker process, built once by the pool's initializer.
_WORKER: dict[str, Any] = {}


def render_and_write(
    renderer: ConventionRenderer,
    framework: Framework,
    i: int,
    draft: bool,
    path: Path,
    verify: bool = False,
) -> Written:
    """Render convention ``i`` into a complete temporary beside ``path``, read back if asked.

    The temporary is not flushed to the disk: the caller flushes a group of them at once
    before renaming them (:func:`iscg_docs.output.atomic.sync_files`). With ``verify``,
    the temporary is read back from the file and checked (:func:`check`).
    """
    data = renderer.render_convention(framework, framework.conventions[i], draft=draft)
    tmp = write_temporary(path, data, durable=False)
    try:
        checked = check(Path(tmp).read_bytes()) if verify else None
    except BaseException:
        discard(tmp)
        raise
    return i, tmp, sha256(data), checked


def check(data: bytes) -> Checked:
    """Read a written document back as a jurist would: its findings, or why it could not be.

    Reading back is not part of writing: a document that cannot be read (a
    :class:`~iscg_docs.errors.TemplateError`), or a failure of the reading itself, does
    not stop the batch (the document is complete and stays); the error is handed back,
    to be raised once the batch is done, in the documents' order.
    """
    from iscg_docs.convention.verify import verify_document

    try:
        return verify_document(data)
    except Exception as e:  # handed back, raised after the batch
        return e


def write_all(
    renderer: ConventionRenderer,
    framework: Framework,
    todo: list[int],
    draft: bool,
    jobs: int,
    paths: dict[int, Path],
    commit: Commit,
    verify: bool = False,
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
        verify: read each document back, in the process that wrote it.
    """
    produced: list[str] = []
    jobs = min(jobs, len(todo), cores())
    try:
        if jobs <= 1:
            for i in todo:
                written = render_and_write(renderer, framework, i, draft, paths[i], verify)
                produced.append(written[1])
                commit(*written)
                produced.clear()
            return
        _write_in_pool(renderer, framework, todo, (draft, verify), jobs, paths, commit, produced)
    except BaseException:
        for tmp in produced:  # one committed already was renamed: nothing left to remove
            discard(tmp)
        raise


#: The most conventions a task holds.
TASK_SIZE = 32


def tasks(todo: list[int], jobs: int) -> list[list[int]]:
    """``todo`` cut into tasks, large first, smaller and smaller towards the end.

    Each task holds an eighth of what remains per process, at most :data:`TASK_SIZE`
    conventions: large tasks keep the parent's share small (each costs it about a
    quarter of a millisecond of processor time, taken from the workers), and the small
    ones at the end let the processes finish together.
    """
    found = []
    first = 0
    while first < len(todo):
        size = max(1, min(TASK_SIZE, (len(todo) - first) // (8 * jobs)))
        found.append(todo[first : first + size])
        first += size
    return found


def _write_in_pool(
    renderer: ConventionRenderer,
    framework: Framework,
    todo: list[int],
    options: tuple[bool, bool],
    jobs: int,
    paths: dict[int, Path],
    commit: Commit,
    produced: list[str],
) -> None:
    """:func:`write_all` in ``jobs`` processes.

    ``produced`` holds the temporaries handed back and not yet committed (once committed,
    a temporary is its commit's to remove); if the run stops, it also gets those of the
    tasks that finished meanwhile. A task's results are let go once committed: a large
    batch does not keep every document's name and hash twice.
    """
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        initializer=_init_worker,
        initargs=(renderer, framework, options, paths),
    ) as pool:
        futures = {pool.submit(_write_in_worker, task) for task in tasks(todo, jobs)}
        try:
            for future in concurrent.futures.as_completed(futures):
                futures.discard(future)
                results = future.result()
                produced.extend(written[1] for written in results)
                for written in results:
                    commit(*written)
                produced.clear()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            for future in futures:
                if future.done() and not future.cancelled() and future.exception() is None:
                    produced.extend(written[1] for written in future.result())
            raise


def _init_worker(
    renderer: ConventionRenderer,
    framework: Framework,
    options: tuple[bool, bool],
    paths: dict[int, Path],
) -> None:
    # Forked, a worker has the parent's compiled template; spawned, the renderer comes
    # pickled as its template's bytes and compiles again. On Ctrl-C the parent waits
    # for the tasks under way, then removes what they wrote.
    start_child()
    draft, verify = options
    _WORKER.update(
        renderer=renderer,
        framework=framework,
        draft=draft,
        verify=verify,
        paths=paths,
    )


def _write_in_worker(indices: Sequence[int]) -> list[Written]:
    """Render and write the temporaries of ``indices``; remove them all if one fails."""
    w = _WORKER
    written: list[Written] = []
    try:
        for i in indices:
            written.append(
                render_and_write(
                    w["renderer"], w["framework"], i, w["draft"], w["paths"][i], w["verify"]
                )
            )
    except BaseException:
        for done in written:
            discard(done[1])
        raise
    return written
