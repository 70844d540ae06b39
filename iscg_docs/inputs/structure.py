"""Turn plain data (dicts, lists, strings) into records, reporting every problem at once.

A small structurer in the spirit of cattrs' detailed validation: it walks the attrs fields
of a record class, converts each value by its annotation (text to ``Decimal`` or date,
text to enumeration member, nested records and lists), runs the field's own validator,
and collects every :class:`~iscg_docs.errors.Problem` with its full path instead of
stopping at the first one.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from iscg_docs.errors import PathPart, Problem, ValidationError, format_path
from iscg_docs.model.coerce import CoercionError, to_date, to_decimal

__all__ = ["Built", "Shared", "structure", "structure_at"]

T = TypeVar("T")

_MISSING = object()


def structure(cls: type[T], data: object, *, source: str | None = None) -> T:
    """Build a ``cls`` record from plain data.

    Args:
        cls: an attrs record class (usually :class:`~iscg_docs.model.records.Framework`).
        data: what a TOML, JSON or spreadsheet reader produced.
        source: the file it came from, named in the error.

    Returns:
        The record.

    Raises:
        ValidationError: with every problem found, each at its path.
    """
    problems = _Found(Shared())
    result = _record(cls, data, (), problems)
    if problems or result is _MISSING:
        raise ValidationError.of(list(problems), source)
    return typing.cast(T, result)


class Built:
    """A record already built from its part of the data, with the problems found there.

    Placed in the data where the plain table stood, it is taken as it is: a large file's
    conventions are built one at a time, each tree let go before the next is read.
    """

    __slots__ = ("problems", "value")

    def __init__(self, value: object, problems: tuple[Problem, ...]) -> None:
        self.value = value
        self.problems = problems


class Shared:
    """One object for each equal text, number and date built from a file.

    A framework repeats the same values thousands of times (a party's identifier in its
    conventions, « conseil municipal », a start date): built once, records take some 40 %
    less memory. All three kinds are immutable, so sharing them changes no record.
    """

    __slots__ = ("dates", "numbers", "texts")

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        #: Each number by the text or integer it was read from: ``"1.0"`` and ``"1"``
        #: are equal Decimals, but not the same.
        self.numbers: dict[object, Decimal] = {}
        #: Each date by itself, or by the text it was read from.
        self.dates: dict[object, dt.date] = {}


class _Found(list[Problem]):
    """The problems found so far, and what the values built so far are shared through."""

    __slots__ = ("shared",)

    def __init__(self, shared: Shared) -> None:
        super().__init__()
        self.shared = shared


def structure_at(cls: type, data: object, path: tuple[PathPart, ...], shared: Shared) -> Built:
    """A ``cls`` record built from ``data``, which stands at ``path`` in the whole data.

    The problems carry their whole path; :func:`structure` reports them where the
    returned :class:`Built` stands, in the order the whole data would give them.
    """
    problems = _Found(shared)
    value = _record(cls, data, path, problems)
    return Built(value, tuple(problems))


def _record(cls: type, data: object, path: tuple[PathPart, ...], out: _Found) -> Any:
    if not isinstance(data, Mapping):
        out.append(
            Problem(
                "type",
                format_path(path),
                f"une table de champs ({cls.__name__}) est attendue ici.",
            )
        )
        return _MISSING
    fields, known = _fields(cls)
    for key in data:
        if key not in known:
            out.append(
                Problem(
                    "unknown-field",
                    format_path((*path, str(key))),
                    f"champ inconnu « {key} » ; champs possibles : {', '.join(sorted(known))}.",
                )
            )
    kwargs: dict[str, Any] = {}
    before = len(out)
    for f, kind, target in fields:
        raw = data.get(f.name)
        if raw is None:
            if f.default is attrs.NOTHING:
                out.append(
                    Problem(
                        "missing",
                        format_path((*path, f.name)),
                        f"le champ obligatoire « {f.name} » est absent.",
                    )
                )
            continue
        if kind == _OTHER:  # most fields: no path to build
            value = out.shared.texts.setdefault(raw, raw) if type(raw) is str else raw
        else:
            value = _convert(kind, target, raw, (*path, f.name), out)
            if value is _MISSING:
                continue
        if f.validator is not None:
            try:
                f.validator(None, f, value)
            except Problem as p:
                out.append(p.under(*path))
                continue
        kwargs[f.name] = value
    if len(out) > before:
        return _MISSING
    try:
        return cls(**kwargs)
    except Problem as p:  # pragma: no cover - every field was already checked
        out.append(p.under(*path))
        return _MISSING


@functools.cache
def _fields(cls: type) -> tuple[tuple[tuple[Any, int, Any], ...], frozenset[str]]:
    """A record class's fields each with how its value is converted (see :func:`_kind`),
    and their names: once per class."""
    # get_type_hints evaluates every annotation string.
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    return (
        tuple((f, *_kind(hints[f.name])) for f in fields),
        frozenset(f.name for f in fields),
    )


_TUPLE, _RECORD, _ENUM, _DECIMAL, _DATE, _OTHER = range(6)


@functools.cache
def _kind(tp: Any) -> tuple[int, Any]:
    """How a value of annotation ``tp`` is converted, and the type it is converted to.

    An optional type is converted as its inner type; a tuple's type is its items'.
    Read from the annotation once per type rather than once per value.
    """
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _kind(inner)
    if origin is tuple:
        return _TUPLE, typing.get_args(tp)[0]
    if attrs.has(tp):
        return _RECORD, tp
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        return _ENUM, tp
    if tp is Decimal:
        return _DECIMAL, tp
    if tp is dt.date:
        return _DATE, tp
    return _OTHER, tp


def _convert(kind: int, target: Any, value: object, path: tuple[PathPart, ...], out: _Found) -> Any:
    if kind == _TUPLE:
        if not isinstance(value, list | tuple):
            out.append(Problem("type", format_path(path), "une liste est attendue ici."))
            return _MISSING
        item_kind, item_target = _kind(target)
        items = [_convert(item_kind, item_target, v, (*path, i), out) for i, v in enumerate(value)]
        return _MISSING if any(i is _MISSING for i in items) else tuple(items)
    if kind == _RECORD:
        if type(value) is Built:
            out.extend(value.problems)
            return value.value
        return _record(target, value, path, out)
    if kind == _ENUM:
        # The member Enum's call would look up, without the call.
        member = target._value2member_map_.get(value) if isinstance(value, str) else None
        return value if member is None else member  # member_of explains what is allowed
    if kind == _DECIMAL:
        return _decimal(value, path, out)
    if kind == _DATE:
        return _date(value, path, out)
    if type(value) is str:
        return out.shared.texts.setdefault(value, value)
    return value  # int, bool: the field validators check the type


def _decimal(value: object, path: tuple[PathPart, ...], out: _Found) -> Any:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return _coerced(to_decimal, value, path, out, out.shared.numbers)
    return value  # a float, a boolean…: the field's validator says why it is refused


def _date(value: object, path: tuple[PathPart, ...], out: _Found) -> Any:
    if type(value) is str:
        return _coerced(to_date, value, path, out, out.shared.dates)
    if isinstance(value, str | dt.datetime):
        # Not shared: equal datetimes of two time zones may fall on two days.
        return _coerced(to_date, value, path, out, {})
    if type(value) is dt.date:
        return out.shared.dates.setdefault(value, value)
    return value  # anything else is refused by the field's validator


def _coerced(
    convert: Callable[[Any], T],
    value: object,
    path: tuple[PathPart, ...],
    out: _Found,
    built: dict[object, T],
) -> Any:
    """``convert(value)``, the same object for an equal ``value`` read before."""
    if (known := built.get(value)) is not None:
        return known
    try:
        result = built[value] = convert(value)
    except CoercionError as e:
        out.append(Problem(e.code, format_path(path), e.message))
        return _MISSING
    return result
