"""The ``iscg-docs`` command line: a thin layer that maps library errors to exit codes.

Exit codes: 0 success; 1 invalid data (every problem is listed); 2 unreadable input or
bad usage; 3 nothing written because an output could not be written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from iscg_docs import __version__
from iscg_docs.errors import InputError, IscgError, ValidationError

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INPUT = 2
EXIT_OUTPUT = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iscg-docs",
        description=(
            "Conventions de financement des intervenants sociaux en commissariat et "
            "gendarmerie (ISCG) : vérification des données et génération des documents Word."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    check = sub.add_parser(
        "check",
        help="vérifier un fichier de données et résumer ses conventions",
        description="Vérifie le fichier et affiche, par convention, parties, postes et financement.",
    )
    check.add_argument("file", metavar="FICHIER", help="fichier .toml ou .json")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line.

    Args:
        argv: the arguments (``sys.argv[1:]`` by default).
        out: where to print (standard output by default); errors go there too, so tests
            can read everything in one place.

    Returns:
        The exit code.
    """
    stream = out if out is not None else sys.stdout
    err = out if out is not None else sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # argparse exits on --help, --version and usage errors
        return int(e.code or 0) if not isinstance(e.code, str) else EXIT_INPUT
    try:
        if args.command == "check":
            return _check(args.file, stream)
    except ValidationError as e:
        print(f"{e.message} :", file=err)
        for line in e.lines():
            print(f"  - {line}", file=err)
        return EXIT_INVALID
    except InputError as e:
        print(f"Erreur : {e}", file=err)
        return EXIT_INPUT
    except IscgError as e:
        print(f"Erreur : {e}", file=err)
        return EXIT_OUTPUT
    return EXIT_INPUT  # pragma: no cover - argparse requires a command


def _check(path: str, out: TextIO) -> int:
    from iscg_docs.loading import load
    from iscg_docs.summary import summarize

    framework = load(path)
    out.write(summarize(framework))
    return EXIT_OK
