"""``main``: parse the arguments, run the command, map the library's errors to exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout, suppress
from typing import TextIO

from iscg_docs.cli.codes import ExitCode
from iscg_docs.cli.parser import build_parser
from iscg_docs.cli.streams import Checked, OutputClosed, console_streams, silence_stdout
from iscg_docs.errors import (
    InputError,
    IscgError,
    LintError,
    Problem,
    TemplateError,
    ValidationError,
    os_reason,
)

__all__ = ["main"]

_INTERRUPTED = (
    "Interrompu : les documents déjà écrits sont complets et listés dans le manifeste ; "
    "relancez la même commande pour terminer."
)
_STDOUT_CLOSED = "la sortie standard est fermée"
_STDOUT_FAILED = (
    "la sortie standard n'accepte plus de texte (fermée, pleine, ou un tube que plus rien "
    "ne lit) ; les résultats n'ont pas tous été affichés"
)


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line.

    Args:
        argv: the arguments (``sys.argv[1:]`` by default).
        out: where results go (standard output by default).
        err: where messages and progress go (standard error by default).

    Returns:
        An :class:`~iscg_docs.cli.codes.ExitCode`; :attr:`~ExitCode.OUTPUT` also when
        standard output is closed, full, or a pipe whose reader left.
    """
    if out is None or err is None:
        console_out, console_err = console_streams()
        err = console_err if err is None else err
        if out is None:
            if console_out is None:
                _say(err, f"Erreur : {_STDOUT_CLOSED} ; rien n'a été fait.")
                return ExitCode.OUTPUT
            out = console_out
    results = Checked(out)
    try:
        code = _run(argv, results.as_text_io(), Checked(err, drop=True).as_text_io())
        results.flush()
    except OutputClosed:
        if out is sys.stdout:
            silence_stdout()
        _say(err, f"Erreur : {_STDOUT_FAILED}.")
        return ExitCode.OUTPUT
    return code


def _run(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    """Parse ``argv`` and run its command; the library's errors become exit codes."""
    # argparse prints help, version and usage errors to sys.stdout and sys.stderr, then
    # raises SystemExit: the streams are lent to it and the exit becomes a code.
    try:
        with redirect_stdout(out), redirect_stderr(err):
            args = build_parser().parse_args(argv)
    except SystemExit as e:
        return ExitCode.OK if e.code in (0, None) else ExitCode.INPUT
    try:
        return int(args.func(args, out, err))
    except ValidationError as e:
        print(f"{e.message} :", file=err)
        _print_grouped(e.problems, err)
        return ExitCode.INVALID
    except InputError as e:
        print(f"Erreur : {e}", file=err)
        return ExitCode.INPUT
    except LintError as e:
        print(f"Modèle inutilisable : {e}", file=err)
        for line in e.lines():
            print(line, file=err)
        return ExitCode.TEMPLATE
    except TemplateError as e:
        print(f"Modèle inutilisable : {e}", file=err)
        return ExitCode.TEMPLATE
    except IscgError as e:
        print(f"Erreur : {e}", file=err)
        return ExitCode.OUTPUT
    except OSError as e:  # the library names its files in its errors; a last resort
        where = f" ({e.filename})" if e.filename else ""
        print(f"Erreur : opération impossible sur le disque{where} : {os_reason(e)}.", file=err)
        return ExitCode.OUTPUT
    except KeyboardInterrupt:
        print(_INTERRUPTED, file=err)
        return ExitCode.INTERRUPTED


def _say(err: TextIO, message: str) -> None:
    """``message`` on ``err``, unless standard error cannot take it either."""
    with suppress(OSError):
        print(message, file=err, flush=True)


def _print_grouped(problems: Sequence[Problem], err: TextIO) -> None:
    """Problems grouped by convention, shared data first."""
    from iscg_docs.inputs.loading import convention_index

    groups: dict[int | None, list[Problem]] = {}
    for p in problems:
        groups.setdefault(convention_index(p.path), []).append(p)
    for index in sorted(groups, key=lambda i: -1 if i is None else i):
        indent = "  "
        if index is not None and len(groups) > 1:
            print(f"  Convention n° {index + 1} (conventions[{index}]) :", file=err)
            indent = "    "
        for p in groups[index]:
            print(f"{indent}- {p}", file=err)
