"""Writing files: the one place the library puts bytes on the disk.

A file is written to a hidden temporary beside its name, flushed to the disk, then
renamed over its name, so a reader (or a folder after a crash) sees the old file or the
complete new one, never a part. A temporary is created with mode 0666 less the process's
umask, as ``open()`` would create the file itself: 0644 under the usual umask, so
colleagues can read a document a jurist wrote to a shared folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

from iscg_docs.errors import OutputError, os_reason

__all__ = [
    "LOCK",
    "NOT_REGULAR",
    "SYNC_THREADS",
    "TEMP_PREFIX",
    "TEMP_SUFFIX",
    "adopt",
    "append",
    "commit",
    "discard",
    "lock_folder",
    "refuse_special",
    "remove_stale_temporaries",
    "sync_files",
    "sync_folder",
    "sync_threads",
    "write_atomic",
    "write_temporary",
]

#: Every temporary's name starts with this (hidden on Unix) …
TEMP_PREFIX = ".iscg-docs-"
#: … and a temporary file's ends with this, so a later run can find and remove it.
TEMP_SUFFIX = ".part"

#: The lock file a run holds in its output folder, so that two runs never share it.
LOCK = ".iscg-docs.lock"

#: How long a run waits for another run writing into the same folder, in seconds.
LOCK_WAIT = 300.0

#: What a refusal to write over a folder, a pipe or a device says.
NOT_REGULAR = (
    "ce n'est pas un fichier ordinaire (un dossier, un tube ou un périphérique) ; "
    "rien n'y a été écrit : choisissez un autre nom."
)
#: What a refused overwrite says.
_EXISTS = "le fichier existe déjà ; choisissez un autre nom ou autorisez le remplacement."


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | Iterable[bytes],
    *,
    overwrite: bool = True,
    durable: bool = True,
) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Args:
        path: the file to write; its folder must exist.
        data: its content, whole or in successive pieces (never held whole then).
        overwrite: replace an existing file; when false, a file already there, even one
            that appeared while ``data`` was being written, is left alone.
        durable: flush the data to the disk before the rename, so that even a power cut
            leaves the old file or the complete new one. A file a later run can rebuild
            (the manifest) may skip it: a killed process cannot tear a renamed file.

    Raises:
        OutputError: the file exists and ``overwrite`` is false, or it cannot be written.
    """
    target = Path(path)
    refuse_special(target)
    if not overwrite and target.exists():
        raise OutputError(_EXISTS, str(target))
    commit(write_temporary(target, data, durable=durable), target, overwrite=overwrite)


def write_temporary(
    path: str | os.PathLike[str], data: bytes | Iterable[bytes], *, durable: bool = True
) -> str:
    """Write ``data`` to a new hidden temporary beside ``path``; return the temporary's path.

    The temporary is complete (and on the disk, if ``durable``) when this returns, and
    removed if writing it fails. :func:`commit` renames it over ``path``. ``data`` is the
    content whole or in successive pieces.

    Raises:
        OutputError: the folder is missing or cannot be written.
    """
    target = Path(path)
    fd, tmp = _create_temporary(target)
    with _discarded_on_failure(tmp, target), os.fdopen(fd, "wb") as f:
        if isinstance(data, bytes | bytearray | memoryview):
            f.write(data)
        else:
            for piece in data:
                f.write(piece)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    return tmp


def commit(tmp: str, path: str | os.PathLike[str], *, overwrite: bool = True) -> None:
    """Rename the complete temporary ``tmp`` over ``path``; ``tmp`` is gone afterwards.

    Args:
        tmp: from :func:`write_temporary` with the same ``path``.
        path: the file's name.
        overwrite: replace a file already at ``path``; when false, keep it and fail.

    Raises:
        OutputError: ``path`` exists and ``overwrite`` is false, or the rename failed.
    """
    target = Path(path)
    with _discarded_on_failure(tmp, target):
        refuse_special(target)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link(tmp, target)
            discard(tmp)


def adopt(source: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Rename ``source``, a complete file another program made, over ``path``.

    For LibreOffice's PDFs: it writes them into a temporary folder beside ``path``, made
    by the caller, so that the rename is the only step the output folder sees.

    Raises:
        OutputError: ``path`` is not a regular file, or the rename failed.
    """
    refuse_special(path)
    try:
        os.replace(source, path)
    except OSError as e:
        raise OutputError(f"écriture impossible ({os_reason(e)}).", str(path)) from None


def append(path: str | os.PathLike[str], data: bytes) -> None:
    """Add ``data`` at the end of the file at ``path``, created if missing.

    For a journal: each call's bytes land whole at the end, after every earlier call's.
    Not flushed to the disk: a killed process loses nothing written, and what a power cut
    loses, a later run rebuilds from the documents themselves.

    Raises:
        OutputError: the file cannot be written.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as e:
        raise OutputError(f"écriture impossible ({os_reason(e)}).", str(path)) from None


@contextmanager
def lock_folder(folder: Path, *, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the output folder's lock for the block: one run writes into a folder at a time.

    The lock is :data:`LOCK`, a hidden file in ``folder``, removed when the block ends. A
    run that finds it held waits up to ``wait`` seconds; a lock taken on a file already
    removed (by the run that held it) is taken again on the new one. The system releases
    the lock when the process ends, however it ends; the file a killed run leaves is taken
    over. A folder where the file cannot be created cannot be written by this run either:
    it is left unlocked. Without ``fcntl`` (Windows), no lock.

    Raises:
        OutputError: another run still holds the lock after ``wait`` seconds.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path = folder / LOCK
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            yield
            return
        if _flocked(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, fcntl.flock) and _same_file(fd, path):
            break
        os.close(fd)
        if time.monotonic() >= deadline:
            raise OutputError(
                "un autre lancement écrit déjà dans ce dossier ; attendez qu'il se termine, "
                "ou choisissez un autre dossier.",
                str(folder),
            )
        time.sleep(0.1)
    try:
        yield
    finally:
        discard(str(path))
        os.close(fd)


def _flocked(fd: int, operation: int, flock: Callable[[int, int], None]) -> bool:
    """Whether ``flock(fd, operation)`` took the lock."""
    try:
        flock(fd, operation)
    except OSError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file named ``path`` (not one removed meanwhile)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


#: How many threads flush a group of files at once (:func:`sync_threads`).
SYNC_THREADS = 8


def sync_threads() -> ThreadPoolExecutor:
    """Threads for :func:`sync_files`, to keep (``with``) for a whole batch.

    Starting threads for each group cost a batch's parent more processor time than the
    flushing itself (a thousand threads for 3 000 documents).
    """
    return ThreadPoolExecutor(max_workers=SYNC_THREADS, thread_name_prefix="iscg-docs-sync")


def sync_files(paths: Sequence[str], threads: ThreadPoolExecutor | None = None) -> None:
    """Flush the complete files ``paths`` (temporaries written without it) to the disk.

    The files are shared among several threads that flush them at once, so that the file
    system commits them together: a group costs about what one file flushed alone does.
    Each thread flushes its share one file after another: a thread per file cost more
    processor time in handing the files over than the flushes themselves.

    Args:
        paths: the files.
        threads: from :func:`sync_threads`, kept for several groups; by default, threads
            started for this group alone.

    Raises:
        OutputError: a file cannot be flushed.
    """
    if len(paths) <= 1:
        for path in paths:
            _fsync(path)
        return
    count = min(SYNC_THREADS, len(paths))
    shares = [paths[first::count] for first in range(count)]
    if threads is None:
        with sync_threads() as own:
            list(own.map(_fsync_all, shares))
    else:
        list(threads.map(_fsync_all, shares))


def sync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (the renames into it) to the disk, where the system can."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):  # some systems (Windows) cannot flush a folder
            os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_all(paths: Sequence[str]) -> None:
    for path in paths:
        _fsync(path)


def _fsync(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise OutputError(f"écriture impossible ({os_reason(e)}).", path) from None


def refuse_special(path: str | os.PathLike[str]) -> None:
    """Refuse to write over anything but a regular file (through a link too).

    A folder, a named pipe, a device (``/dev/full``), a socket: each belongs to someone or
    something else, and a rename would replace it.

    Raises:
        OutputError: ``path`` is there and is not a regular file, or cannot be examined.
    """
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as e:
        raise OutputError(f"écriture impossible ({os_reason(e)}).", os.fspath(path)) from None
    if not stat.S_ISREG(mode):
        raise OutputError(NOT_REGULAR, os.fspath(path))


def discard(tmp: str) -> None:
    """Remove a temporary; one already renamed or removed is no longer there, which is fine."""
    with suppress(OSError):
        os.unlink(tmp)


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporary files and folders a killed run left in ``folder``."""
    for stale in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with suppress(OSError):
            stale.unlink()
    for stale in folder.glob(f"{TEMP_PREFIX}pdf-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _create_temporary(target: Path) -> tuple[int, str]:
    """A new empty temporary beside ``target``, open for writing: its descriptor and path.

    Not ``tempfile.mkstemp``: its mode 0600 would stay on the renamed file. ``os.open``
    with 0666 lets the umask decide, as for any file the user creates.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            return os.open(tmp, flags, 0o666), str(tmp)
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise OutputError(
                f"le dossier « {target.parent} » n'existe pas.", str(target)
            ) from None
        except OSError as e:
            raise OutputError(f"écriture impossible ({os_reason(e)}).", str(target)) from None
    raise OutputError("écriture impossible (aucun nom temporaire libre).", str(target))


def _link(tmp: str, target: Path) -> None:
    """Give ``tmp``'s content the name ``target`` unless a file has it, even a new one."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise OutputError(_EXISTS, str(target)) from None
    except OSError:
        # Some file systems (FAT, some network shares) have no hard links: check, then
        # rename, which leaves a moment for another program to create the file.
        if target.exists():
            raise OutputError(_EXISTS, str(target)) from None
        os.replace(tmp, target)


@contextmanager
def _discarded_on_failure(tmp: str, path: Path) -> Iterator[None]:
    """Remove ``tmp`` if the block fails; an OSError becomes an OutputError naming ``path``."""
    try:
        yield
    except BaseException as e:
        discard(tmp)
        if isinstance(e, OSError) and not isinstance(e, OutputError):
            raise OutputError(f"écriture impossible ({os_reason(e)}).", str(path)) from None
        raise
