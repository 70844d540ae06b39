"""The exit codes of the ``iscg-docs`` command line."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    """What ``iscg-docs`` returns to the shell.

    Attributes:
        OK: done.
        INVALID: invalid data (every problem is listed; with ``--keep-going``, some
            conventions were set aside), or ``lint`` found errors in the template.
        INPUT: unreadable input or bad usage.
        OUTPUT: an output could not be written (an existing document differs, a disk or
            LibreOffice error).
        TEMPLATE: the template cannot be used (a custom template the lint refuses
            included: its report is printed and nothing is written).
        INTERRUPTED: stopped by Ctrl-C, the code a shell gives a process ended by SIGINT.
    """

    OK = 0
    INVALID = 1
    INPUT = 2
    OUTPUT = 3
    TEMPLATE = 4
    INTERRUPTED = 130
