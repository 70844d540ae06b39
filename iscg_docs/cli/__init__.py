"""The ``iscg-docs`` command line: a thin layer over the library.

Results go to standard output; messages and progress to standard error. The library's
errors become an :class:`ExitCode`: 0 success; 1 invalid data (every problem is listed;
with ``--keep-going``, some conventions were set aside), or ``lint`` found errors in the
template; 2 unreadable input or bad usage; 3 an output could not be written (an existing
document differs, a disk or LibreOffice error); 4 the template cannot be used (a custom
template the lint refuses included: its report is printed and nothing is written); 130
interrupted by Ctrl-C.

Modules: ``app`` (:func:`main`), ``parser`` (one sub-command each), ``commands`` (what
each does), ``codes``, ``summary`` (``check``'s text) and ``variables`` (the catalogue's).
"""

from __future__ import annotations

from iscg_docs.cli.app import main
from iscg_docs.cli.codes import ExitCode

__all__ = ["ExitCode", "main"]
