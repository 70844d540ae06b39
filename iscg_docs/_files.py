"""Read a file the user names, refusing what is no regular file or is too large to be one."""

from __future__ import annotations

import os
import stat

__all__ = ["MEGABYTE", "Refused", "read_regular"]

MEGABYTE = 1024 * 1024


class Refused(Exception):
    """A file that is not read at all; ``reason`` says why, in French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_KINDS = (
    (stat.S_ISDIR, "c'est un dossier, pas un fichier"),
    (stat.S_ISFIFO, "c'est un tube nommé (FIFO), pas un fichier"),
    (stat.S_ISCHR, "c'est un périphérique, pas un fichier"),
    (stat.S_ISBLK, "c'est un périphérique, pas un fichier"),
    (stat.S_ISSOCK, "c'est une socket, pas un fichier"),
)


def _check(mode: int, size: int, limit: int) -> None:
    for test, reason in _KINDS:
        if test(mode):
            raise Refused(reason)
    if not stat.S_ISREG(mode):
        raise Refused("ce n'est pas un fichier ordinaire")
    if size > limit:
        raise Refused(
            f"fichier trop volumineux ({size / MEGABYTE:.1f} Mo) ; la limite est de "
            f"{limit // MEGABYTE} Mo"
        )


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    A FIFO, a device (``/dev/zero``), a socket or a directory, directly or through a
    symbolic link, is refused before it is read: opening a FIFO would wait for a writer,
    reading a device would never end. The file is opened without blocking and checked
    again once open, so a file swapped between the check and the opening is caught, and
    never more than ``limit`` bytes are read.

    Raises:
        Refused: not a regular file, or larger than ``limit``.
        OSError: the system refused to open or read it.
    """
    _check(*_mode_size(os.stat(path)), limit)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb", closefd=True) as stream:
        _check(*_mode_size(os.fstat(fd)), limit)
        data = stream.read(limit + 1)
    if len(data) > limit:  # the file grew since it was checked
        _check(stat.S_IFREG, len(data), limit)
    return data


def _mode_size(status: os.stat_result) -> tuple[int, int]:
    return status.st_mode, status.st_size
