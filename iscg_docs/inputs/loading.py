"""Read a framework and its conventions from a TOML, JSON or Excel file into validated records."""

from __future__ import annotations

import hashlib
import json
import os
import re
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli
from attrs import define, frozen

from iscg_docs._files import MEGABYTE, Refused, read_regular
from iscg_docs.errors import InputError, Problem, ValidationError, os_reason
from iscg_docs.inputs.structure import Shared, structure, structure_at
from iscg_docs.inputs.tables import Unsplit, json_tables, tables
from iscg_docs.model.records import Convention, Framework, Party
from iscg_docs.model.rules import review

if TYPE_CHECKING:
    from iscg_docs.inputs.workbook.reader import WorkbookReading

__all__ = [
    "INPUT_LIMIT",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "SUFFIXES",
    "Loaded",
    "Rejected",
    "convention_index",
    "load",
    "load_data",
    "load_each",
    "load_file",
    "read_data",
    "read_file",
]

#: File suffixes :func:`load` understands.
SUFFIXES = (".toml", ".json", ".xlsx")

#: The largest input file read, in bytes: a framework of 300 conventions takes 1 MB.
INPUT_LIMIT = 20 * MEGABYTE
#: How deep lists and tables may nest in a TOML or JSON file; a framework needs 6.
MAX_DEPTH = 32
#: The most digits an integer of a TOML or JSON file may have.
MAX_DIGITS = 100


def read_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an input file, with a French reason if it cannot be read.

    Only a regular file of at most :data:`INPUT_LIMIT` bytes is read (see
    :func:`~iscg_docs._files.read_regular`): a FIFO or a device is refused, not waited on.

    Raises:
        InputError: the file is of an unknown kind, missing, unreadable, not a regular
            file or too large.
    """
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise InputError(
            f"format de fichier non reconnu « {p.suffix or '(aucune extension)'} » ; "
            f"formats acceptés : {', '.join(SUFFIXES)}.",
            str(p),
        )
    try:
        return read_regular(p, INPUT_LIMIT)
    except Refused as e:
        raise InputError(f"{e.reason}.", str(p)) from None
    except FileNotFoundError:
        raise InputError("fichier introuvable.", str(p)) from None
    except OSError as e:
        raise InputError(f"lecture impossible ({os_reason(e)}).", str(p)) from None


def read_data(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a TOML, JSON or Excel (``.xlsx``) file into plain data, without interpreting it.

    Raises:
        InputError: the file is missing, unreadable, of an unknown kind or malformed.
        ValidationError: a workbook whose layout or cells are wrong (missing sheet or
            column, unknown convention, unreadable cell), every problem located.
    """
    p = Path(path)
    content = read_file(p)
    if p.suffix.lower() == ".xlsx":
        from iscg_docs.inputs.workbook.reader import read_workbook  # lazily: openpyxl is slow

        return read_workbook(p, content)
    return _parse_text(p, content)


def _parse_text(p: Path, raw: bytes) -> dict[str, Any]:
    """A TOML or JSON file's bytes as plain data."""
    return _parse_decoded(p, _decode(p, raw))


def _decode(p: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"le fichier n'est pas encodé en UTF-8 (octet {e.start}) ; enregistrez-le en UTF-8.",
            str(p),
        ) from None


def _parse_decoded(p: Path, text: str) -> dict[str, Any]:
    """A TOML or JSON file's text as plain data."""
    try:
        if p.suffix.lower() == ".toml":
            data: Any = tomli.loads(text)
        else:
            data = json.loads(text, parse_float=_refuse_json_float, parse_int=_json_int)
    except tomli.TOMLDecodeError as e:
        raise InputError(f"syntaxe TOML incorrecte {_toml_place(str(e))}.", str(p)) from None
    except json.JSONDecodeError as e:
        raise InputError(
            f"syntaxe JSON incorrecte ligne {e.lineno}, colonne {e.colno} : {e.msg}.", str(p)
        ) from None
    except _TooManyDigits as e:
        raise InputError(_digits_message(e.digits), str(p)) from None
    except RecursionError:
        raise InputError(_DEPTH_MESSAGE, str(p)) from None
    except ValueError:  # tomli: an integer beyond Python's int-string limit
        raise InputError(_digits_message(None), str(p)) from None
    if not isinstance(data, dict):
        raise InputError("le fichier doit contenir un objet (la convention cadre).", str(p))
    _check_shape(data, p)
    return data


_DEPTH_MESSAGE = (
    f"listes ou tables imbriquées sur plus de {MAX_DEPTH} niveaux ; une convention cadre "
    "en a au plus six : ce fichier n'en est pas une."
)


class _TooManyDigits(Exception):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _digits_message(digits: int | None) -> str:
    count = f" de {digits} chiffres" if digits is not None else ""
    return f"un nombre entier{count} est trop long : un nombre a au plus {MAX_DIGITS} chiffres."


def _json_int(literal: str) -> int:
    # Python refuses to convert more than 4 300 digits, with an English ValueError.
    digits = len(literal.lstrip("-"))
    if digits > MAX_DIGITS:
        raise _TooManyDigits(digits)
    return int(literal)


# An integer of MAX_DIGITS digits holds at most this many bits.
_MAX_BITS = MAX_DIGITS * 10 // 3 + 1


def _check_shape(data: dict[str, Any], p: Path) -> None:
    """Refuse data nested deeper than :data:`MAX_DEPTH` or an integer too long, without
    recursion: every later step (structure, validation, rendering) may then recurse."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InputError(_DEPTH_MESSAGE, str(p))
            items = value.values() if isinstance(value, dict) else value
            stack.extend(zip(items, repeat(depth + 1)))
        elif isinstance(value, int) and value.bit_length() > _MAX_BITS:
            raise InputError(_digits_message(None), str(p))


class _JsonFloat(float):
    """A JSON number with a fraction, kept as a float so the record refuses it by name."""


def _toml_place(message: str) -> str:
    """tomli's message with its place first, in French, as JSON errors are given.

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
    return _validated(structure(Framework, data, source=source), source)[0]


def _validated(framework: Framework, source: str | None) -> tuple[Framework, tuple[Problem, ...]]:
    """``framework`` and its warnings, if the cross-record rules find no problem in it.

    The errors and the warnings are found in one pass (:func:`~iscg_docs.model.rules.review`).
    """
    found = review(framework)
    if found.problems:
        raise ValidationError.of(found.problems, source)
    return framework, found.warnings


def load(path: str | os.PathLike[str]) -> Framework:
    """Read, build and validate a framework from a ``.toml``, ``.json`` or ``.xlsx`` file.

    For a workbook, every problem also names its sheet, row and column (``location``).

    Raises:
        InputError: the file cannot be read or parsed.
        ValidationError: the file's content is invalid; every problem is reported.
    """
    return load_file(path).framework


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
    loaded = load_file(path, keep_going=True)
    return loaded.framework, loaded.rejected


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


@frozen
class Loaded:
    """What :func:`load_file` read: the framework, the conventions set aside, the file's
    hash, the framework's warnings.

    Attributes:
        framework: the valid framework (without the rejected conventions).
        rejected: the conventions set aside (always empty unless ``keep_going``).
        sha256: the SHA-256 of the bytes read, for a manifest to record.
        warnings: the framework's warnings, as :func:`~iscg_docs.model.rules.warnings`
            gives them.
    """

    framework: Framework
    rejected: tuple[Rejected, ...]
    sha256: str
    warnings: tuple[Problem, ...] = ()


def load_file(path: str | os.PathLike[str], *, keep_going: bool = False) -> Loaded:
    """Read a file once, parse it once, and build its framework, as :func:`load` does.

    Args:
        path: a ``.toml``, ``.json`` or ``.xlsx`` file.
        keep_going: set aside the invalid conventions, as :func:`load_each` does.

    Raises:
        InputError: the file cannot be read or parsed.
        ValidationError: the content is invalid (with ``keep_going``: outside any single
            convention).
    """
    p = Path(path)
    parsed, sha256 = _read_parsed(p)
    try:
        framework, warnings = _build(p, parsed, frozenset(), keep=keep_going)
        return Loaded(framework, (), sha256, warnings)
    except ValidationError as e:
        rejected = _rejected(e, parsed) if keep_going else None
        if rejected is None:
            raise
    dropped = frozenset(r.index for r in rejected)
    framework, warnings = _build(p, parsed, dropped)
    return Loaded(framework, rejected, sha256, warnings)


def _rejected(error: ValidationError, parsed: _Parsed) -> tuple[Rejected, ...] | None:
    """The conventions ``error`` finds invalid, or None if it holds a shared problem."""
    groups: dict[int, list[Problem]] = {}
    for problem in error.problems:
        index = convention_index(problem.path)
        if index is None:
            return None
        groups.setdefault(index, []).append(problem)
    return tuple(
        Rejected(i, _reference(parsed, i), tuple(found)) for i, found in sorted(groups.items())
    )


_CONVENTION = re.compile(r"^conventions\[(\d+)\](?:[.\[]|$)")


def convention_index(path: str) -> int | None:
    """The index of the convention a problem path lies in, or None for shared data."""
    m = _CONVENTION.match(path)
    return int(m.group(1)) if m else None


def _reference(parsed: _Parsed, index: int) -> str | None:
    if parsed.references is not None:
        return parsed.references[index] if index < len(parsed.references) else None
    try:
        reference = parsed.data["conventions"][index]["reference"]
    except (IndexError, KeyError, TypeError):
        return None
    return reference if isinstance(reference, str) else None


@define
class _Parsed:
    """A file's plain data, and for a workbook what its reader found besides.

    ``data`` is emptied once the records are built from it, unless it is kept to name
    the conventions set aside (``keep_going``): the tree of a large file takes several
    times the memory of its records. A TOML or JSON file read a table at a time (see
    :func:`_by_tables`) has its parties and conventions already built in ``data``, and
    the references of its conventions in ``references``, to name those set aside.
    """

    data: dict[str, Any]
    workbook: WorkbookReading | None
    references: list[str | None] | None = None


def _read_parsed(p: Path) -> tuple[_Parsed, str]:
    """The plain data of the file ``p`` and the SHA-256 of its bytes.

    A text file's bytes are let go once decoded, before its tree is built; a TOML or JSON
    file is read a table at a time when it can be: the memory of a large batch peaks
    while its input is parsed.
    """
    content = read_file(p)
    sha256 = hashlib.sha256(content).hexdigest()
    if p.suffix.lower() == ".xlsx":
        return _parse(p, content), sha256
    text = _decode(p, content)
    del content
    if (parsed := _by_tables(p, text)) is not None:
        return parsed, sha256
    return _Parsed(_parse_decoded(p, text), None), sha256


#: The top-level arrays of tables a file is read by, and the record of each table.
_TABLES: dict[str, type] = {"parties": Party, "conventions": Convention}

#: A text whose tables hold more problems is parsed whole: its problems, not its records,
#: would then take the memory, and a syntax error further on is found before they are.
_MOST_PROBLEMS = 1000

#: A JSON text's values are read as :func:`_parse_decoded` reads the whole text.
_JSON = json.JSONDecoder(parse_float=_refuse_json_float, parse_int=_json_int)


def _by_tables(p: Path, text: str) -> _Parsed | None:
    """The data of a TOML or JSON text read a table at a time, each party and convention
    built as soon as its table is read; None when the text must be parsed whole (a
    doubt, a malformed part, or more than :data:`_MOST_PROBLEMS` problems).

    The data is the whole text's, with each table of ``parties`` and ``conventions``
    replaced by its record (a :class:`~iscg_docs.inputs.structure.Built`): built from
    it, the framework and every problem, in its order, are those of the whole text.
    """
    data: dict[str, Any] = {}
    references: list[str | None] = []
    shared = Shared()
    found = 0
    keys = tuple(_TABLES)
    parts = tables(text, keys) if p.suffix.lower() == ".toml" else json_tables(text, keys, _JSON)
    try:
        for key, part in parts:
            _check_shape(part, p)
            if key is None:
                data.update(part)
                continue
            (table,) = part[key]
            del part  # each tree goes before the next is parsed
            built = data.setdefault(key, [])
            if key == "conventions":
                reference = table.get("reference") if isinstance(table, dict) else None
                references.append(reference if isinstance(reference, str) else None)
            built.append(structure_at(_TABLES[key], table, (key, len(built)), shared))
            del table
            found += len(built[-1].problems)
            if found > _MOST_PROBLEMS:
                return None
    except (Unsplit, InputError, _TooManyDigits):
        return None  # the whole text gives the data, or the error with its line
    return _Parsed(data, None, references)


def _parse(path: Path, content: bytes) -> _Parsed:
    if path.suffix.lower() == ".xlsx":
        from iscg_docs.inputs.workbook.reader import scan_workbook  # lazily: openpyxl is slow

        reading = scan_workbook(path, content)
        return _Parsed(reading.data, reading)
    return _Parsed(_parse_text(path, content), None)


def _without(data: dict[str, Any], drop: frozenset[int]) -> dict[str, Any]:
    if not drop:
        return data
    conventions = data.get("conventions")
    if not isinstance(conventions, list):
        return data
    kept = [c for i, c in enumerate(conventions) if i not in drop]
    return {**data, "conventions": kept}


def _build(
    path: Path, parsed: _Parsed, drop: frozenset[int], *, keep: bool = True
) -> tuple[Framework, tuple[Problem, ...]]:
    """The framework of ``parsed`` without the conventions in ``drop``, and its warnings.

    Unless ``keep``, a text file's data is let go once its records are built, before the
    cross-record rules run.
    """
    data = _without(parsed.data, drop)
    reading = parsed.workbook
    if reading is None:
        if not keep:
            parsed.data = {}
        framework = structure(Framework, data, source=str(path))
        del data
        return _validated(framework, str(path))
    from iscg_docs.inputs.workbook.reader import locate

    own = [p for p in reading.problems if convention_index(p.path) not in drop]
    try:
        framework = structure(Framework, data, source=str(path))
        valid = _validated(framework, str(path))
    except ValidationError as e:
        # A refused cell is left out of the data, so the records would report it missing
        # as well: keep the workbook's own, more precise, message.
        later = [p for p in e.problems if not reading.covers(p.path)]
        located = [*own, *locate(later, reading.locations)]
        raise ValidationError(e.message, located or list(e.problems)) from None
    if own:
        raise ValidationError.of(own, path)
    return valid
