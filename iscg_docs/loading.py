"""Read a framework and its conventions from a TOML, JSON or Excel file into validated records."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from iscg_docs.errors import InputError, ValidationError
from iscg_docs.records import Framework
from iscg_docs.structure import structure
from iscg_docs.validation import problems

__all__ = ["SUFFIXES", "load", "load_data", "read_data"]

#: File suffixes :func:`load` understands.
SUFFIXES = (".toml", ".json", ".xlsx")


def read_data(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a TOML, JSON or Excel (``.xlsx``) file into plain data, without interpreting it.

    Raises:
        InputError: the file is missing, unreadable, of an unknown kind or malformed.
        ValidationError: a workbook whose layout or cells are wrong (missing sheet or
            column, unknown convention, unreadable cell), every problem located.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"format de fichier non reconnu « {p.suffix or '(aucune extension)'} » ; "
            f"formats acceptés : {', '.join(SUFFIXES)}.",
            str(p),
        )
    if suffix == ".xlsx":
        from iscg_docs.workbook import read_workbook  # lazily: openpyxl is slow to import

        return read_workbook(p)[0]
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError("fichier introuvable.", str(p)) from None
    except OSError as e:
        raise InputError(f"lecture impossible ({e.strerror}).", str(p)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"le fichier n'est pas encodé en UTF-8 (octet {e.start}) ; enregistrez-le en UTF-8.",
            str(p),
        ) from None
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text)
        else:
            data = json.loads(text, parse_float=_refuse_json_float)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"syntaxe TOML incorrecte : {e}.", str(p)) from None
    except json.JSONDecodeError as e:
        raise InputError(
            f"syntaxe JSON incorrecte ligne {e.lineno}, colonne {e.colno} : {e.msg}.", str(p)
        ) from None
    if not isinstance(data, dict):
        raise InputError("le fichier doit contenir un objet (la convention cadre).", str(p))
    return data


class _JsonFloat(float):
    """A JSON number with a fraction, kept as a float so the record refuses it by name."""


def _refuse_json_float(literal: str) -> float:
    # JSON numbers with a fraction are floats in every JSON tool; refuse them like TOML
    # floats instead of silently reading "0.1" as exact.
    return _JsonFloat(literal)


def load_data(data: dict[str, Any], *, source: str | None = None) -> Framework:
    """Build and validate a framework from plain data (as TOML or JSON gives it).

    Args:
        data: the framework's fields, its parties and its conventions.
        source: the file it came from, named in errors.

    Raises:
        ValidationError: every problem of the data, structural and cross-record, at once.
    """
    framework = structure(Framework, data, source=source)
    found = problems(framework)
    if found:
        where = f" dans {source}" if source else ""
        raise ValidationError(f"Données invalides{where}", found)
    return framework


def load(path: str | os.PathLike[str]) -> Framework:
    """Read, build and validate a framework from a ``.toml``, ``.json`` or ``.xlsx`` file.

    For a workbook, every problem also names its sheet, row and column (``location``).

    Raises:
        InputError: the file cannot be read or parsed.
        ValidationError: the file's content is invalid; every problem is reported.
    """
    if Path(path).suffix.lower() == ".xlsx":
        return _load_workbook(Path(path))
    return load_data(read_data(path), source=str(path))


def _load_workbook(path: Path) -> Framework:
    """Load a workbook, reporting its own problems and the records' together, located."""
    from iscg_docs.workbook import locate, scan_workbook

    reading = scan_workbook(path)
    try:
        framework = load_data(reading.data, source=str(path))
    except ValidationError as e:
        # A refused cell is left out of the data, so the records would report it missing
        # as well: keep the workbook's own, more precise, message.
        later = [p for p in e.problems if not reading.covers(p.path)]
        located = [*reading.problems, *locate(later, reading.locations)]
        raise ValidationError(e.message, located or list(e.problems)) from None
    if reading.problems:
        raise ValidationError(f"Données invalides dans {path}", reading.problems)
    return framework
