"""Read a framework and its conventions from a TOML, JSON or Excel file into validated records."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from attrs import frozen

from iscg_docs.errors import InputError, Problem, ValidationError, os_reason
from iscg_docs.inputs.structure import structure
from iscg_docs.model.records import Framework
from iscg_docs.model.rules import problems

__all__ = [
    "SUFFIXES",
    "Rejected",
    "convention_index",
    "load",
    "load_data",
    "load_each",
    "read_data",
]

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
        from iscg_docs.inputs.workbook import read_workbook  # lazily: openpyxl is slow to import

        return read_workbook(p)[0]
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError("fichier introuvable.", str(p)) from None
    except OSError as e:
        raise InputError(f"lecture impossible ({os_reason(e)}).", str(p)) from None
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
        raise InputError(f"syntaxe TOML incorrecte {_toml_place(str(e))}.", str(p)) from None
    except json.JSONDecodeError as e:
        raise InputError(
            f"syntaxe JSON incorrecte ligne {e.lineno}, colonne {e.colno} : {e.msg}.", str(p)
        ) from None
    if not isinstance(data, dict):
        raise InputError("le fichier doit contenir un objet (la convention cadre).", str(p))
    return data


class _JsonFloat(float):
    """A JSON number with a fraction, kept as a float so the record refuses it by name."""


def _toml_place(message: str) -> str:
    """tomllib's message with its place first, in French, as JSON errors are given.

    ``Invalid value (at line 3, column 9)`` becomes ``ligne 3, colonne 9 : Invalid value``.
    """
    if match := re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.DOTALL):
        return f"ligne {match[2]}, colonne {match[3]} : {match[1]}"
    if match := re.fullmatch(r"(.*) \(at end of document\)", message, re.DOTALL):
        return f"à la fin du fichier : {match[1]}"
    return f": {message}"


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
    return _load(Path(path), frozenset())


def load_each(path: str | os.PathLike[str]) -> tuple[Framework, tuple[Rejected, ...]]:
    """Like :func:`load`, but set aside the conventions whose own data is invalid.

    A batch run with ``--keep-going`` generates the valid conventions and reports the
    others. Problems in what the conventions share (the framework's fields, the parties)
    still stop everything: every convention depends on them.

    Returns:
        The framework holding only the valid conventions, and the rejected ones.

    Raises:
        InputError: the file cannot be read or parsed.
        ValidationError: a problem outside any single convention.
    """
    p = Path(path)
    try:
        return _load(p, frozenset()), ()
    except ValidationError as e:
        groups: dict[int, list[Problem]] = {}
        for problem in e.problems:
            index = convention_index(problem.path)
            if index is None:
                raise
            groups.setdefault(index, []).append(problem)
        conventions = _conventions_data(p)
        rejected = tuple(
            Rejected(i, _reference(conventions, i), tuple(found))
            for i, found in sorted(groups.items())
        )
        return _load(p, frozenset(groups)), rejected


@frozen
class Rejected:
    """A convention left out by :func:`load_each`, with its problems.

    Attributes:
        index: its position in the file (0 for the first).
        reference: its reference, when it has a readable one.
        problems: what is wrong with it, with paths into the file.
    """

    index: int
    reference: str | None
    problems: tuple[Problem, ...]


_CONVENTION = re.compile(r"^conventions\[(\d+)\](?:[.\[]|$)")


def convention_index(path: str) -> int | None:
    """The index of the convention a problem path lies in, or None for shared data."""
    m = _CONVENTION.match(path)
    return int(m.group(1)) if m else None


def _reference(conventions: list[Any], index: int) -> str | None:
    try:
        reference = conventions[index]["reference"]
    except (IndexError, KeyError, TypeError):
        return None
    return reference if isinstance(reference, str) else None


def _conventions_data(path: Path) -> list[Any]:
    if path.suffix.lower() == ".xlsx":
        from iscg_docs.inputs.workbook import scan_workbook

        data = scan_workbook(path).data
    else:
        data = read_data(path)
    conventions = data.get("conventions")
    return conventions if isinstance(conventions, list) else []


def _without(data: dict[str, Any], drop: frozenset[int]) -> dict[str, Any]:
    if not drop:
        return data
    conventions = data.get("conventions")
    if not isinstance(conventions, list):
        return data
    kept = [c for i, c in enumerate(conventions) if i not in drop]
    return {**data, "conventions": kept}


def _load(path: Path, drop: frozenset[int]) -> Framework:
    if path.suffix.lower() == ".xlsx":
        return _load_workbook(path, drop)
    return load_data(_without(read_data(path), drop), source=str(path))


def _load_workbook(path: Path, drop: frozenset[int] = frozenset()) -> Framework:
    """Load a workbook, reporting its own problems and the records' together, located."""
    from iscg_docs.inputs.workbook import WorkbookReading, locate, scan_workbook

    reading = scan_workbook(path)
    if drop:
        reading = WorkbookReading(
            data=_without(reading.data, drop),
            locations=reading.locations,
            problems=tuple(p for p in reading.problems if convention_index(p.path) not in drop),
            covered=reading.covered,
        )
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
