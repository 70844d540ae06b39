"""The one conversion of typed or read values (text, numbers, dates) to ``Decimal``, ``int`` and dates.

Every reader (TOML, JSON, spreadsheet cells) and every checker of programmatic values turns
what it was given into a record's types through these functions, so a text such as
« 44 000,50 » or « 17/12/2020 » means the same wherever it is typed. They are pure and
raise one exception, :class:`CoercionError`, whose code and French message a caller turns
into a located :class:`~iscg_docs.errors.Problem` (or re-raises as it sees fit).

Floats are never read by :func:`to_decimal`: a binary fraction is not an exact amount. A
spreadsheet, which stores every number as a binary double, goes through
:func:`decimal_from_float`, which takes the shortest decimal form (what was typed).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "CoercionError",
    "date_from_datetime",
    "decimal_from_float",
    "to_date",
    "to_decimal",
    "to_int",
    "type_name",
]

#: Spaces a French number may hold between its thousands: plain, no-break, narrow no-break.
_SPACES = str.maketrans("", "", " \u00a0\u202f")
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class CoercionError(ValueError):
    """A value that cannot be read as the type asked for.

    Attributes:
        code: a short stable code (``number``, ``not-finite``, ``float``, ``integer``,
            ``date``, ``type``), the same as a record's :class:`~iscg_docs.errors.Problem`.
        message: what is wrong, in French, naming the value given.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


#: How a message names the type of a value it refuses.
_TYPE_NAMES: dict[type, str] = {
    float: "un nombre décimal à virgule flottante",
    int: "un nombre entier",
    str: "un texte",
    bool: "un booléen",
    Decimal: "un nombre décimal",
    dt.date: "une date",
    dt.datetime: "une date et heure",
    list: "une liste",
    dict: "une table",
    type(None): "une valeur vide",
}


def type_name(value: object) -> str:
    """The type of ``value`` as a French message names it: « un texte », « une liste »…"""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _finite(number: Decimal, value: object) -> Decimal:
    if not number.is_finite():
        raise CoercionError("not-finite", f"un nombre fini est attendu ({value!r} donné).")
    return number


def to_decimal(value: Decimal | int | str) -> Decimal:
    """``value`` as an exact, finite ``Decimal``.

    A text may hold spaces (plain, no-break or narrow no-break) between the thousands and a
    decimal comma or point: « 44 000,50 » and « 44000.50 » are the same amount.

    Raises:
        CoercionError: a float (``float``: not exact), a boolean or another type (``type``),
            a text that is not a number (``number``), or an infinity or NaN (``not-finite``).
    """
    # bool first: it is an int subclass, and True would silently read as 1.
    if isinstance(value, bool):
        raise CoercionError("type", f"un nombre est attendu, pas un booléen ({value!r}).")
    if isinstance(value, float):
        raise CoercionError(
            "float",
            f"un nombre exact est attendu, pas un nombre à virgule flottante ({value!r}) : "
            f'écrivez-le en texte, par exemple "{value}".',
        )
    if isinstance(value, Decimal):
        return _finite(value, value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().translate(_SPACES).replace(",", "."))
        except InvalidOperation:
            raise CoercionError(
                "number", f'un nombre est attendu, par exemple "45000.00" ({value!r} donné).'
            ) from None
        return _finite(number, value)
    raise CoercionError("type", f"un nombre est attendu, pas {type_name(value)} ({value!r}).")


def decimal_from_float(value: float) -> Decimal:
    """A spreadsheet's binary double as the decimal that was typed: its shortest form.

    ``0.1`` gives ``Decimal("0.1")``, not the 55 digits of the double; ``3.0`` gives
    ``Decimal("3.0")``.

    Raises:
        CoercionError: an infinity or NaN (``not-finite``).
    """
    return _finite(Decimal(repr(value)), value)


def to_int(value: int | float | str) -> int:
    """``value`` as a whole number: an int, a whole float (``3.0``), or digits in a text.

    A text may hold spaces between the thousands (« 12 000 »).

    Raises:
        CoercionError: a boolean or another type (``type``), a fraction or a text that is
            not a whole number (``integer``).
    """
    if isinstance(value, bool):
        raise CoercionError("type", f"un nombre entier est attendu, pas un booléen ({value!r}).")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and (digits := value.strip().translate(_SPACES)).isdigit():
        return int(digits)
    if isinstance(value, float | str):
        raise CoercionError("integer", f"un nombre entier est attendu ({value!r} donné).")
    raise CoercionError(
        "type", f"un nombre entier est attendu, pas {type_name(value)} ({value!r})."
    )


def date_from_datetime(value: dt.datetime) -> dt.date:
    """The day of a midnight ``datetime`` (how spreadsheets and TOML store a bare date).

    Raises:
        CoercionError: the time is not midnight (``date``): a convention's date has no hour.
    """
    if value.time() != dt.time(0):
        raise CoercionError(
            "date", f"une date sans heure est attendue ({value.isoformat()} donné)."
        )
    return value.date()


def to_date(value: dt.date | str) -> dt.date:
    """``value`` as a date: a date, a midnight datetime, or a text JJ/MM/AAAA or AAAA-MM-JJ.

    Raises:
        CoercionError: a datetime with an hour, a text that is not a real date (``date``),
            or another type (``type``).
    """
    if isinstance(value, dt.datetime):
        return date_from_datetime(value)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise CoercionError(
            "type",
            f"une date est attendue (JJ/MM/AAAA ou AAAA-MM-JJ), pas {type_name(value)} ({value!r}).",
        )
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if match := _FRENCH_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise CoercionError(
        "date", f"une date est attendue, au format JJ/MM/AAAA ou AAAA-MM-JJ ({value!r} donné)."
    )
