"""French dates: "1er janvier 2021", "du 1er janvier 2021 au 31 décembre 2023"."""

from __future__ import annotations

import datetime as dt

__all__ = ["long_date", "period"]

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _date(value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"date attendue (datetime.date), pas {type(value).__name__} ({value!r}).")
    return value


def long_date(d: dt.date) -> str:
    """A date as a jurist writes it: "1er janvier 2021", "17 décembre 2020".

    Args:
        d: the date (a ``datetime.datetime`` is refused: a convention has no hour).

    Returns:
        Day (ordinal "1er" for the first), a no-break space, the month in lower case, a
        space and the year.

    Raises:
        TypeError: ``d`` is not a date.
    """
    d = _date(d)
    day = "1er" if d.day == 1 else str(d.day)
    # A no-break space keeps the day with its month at a line end.
    return f"{day}\u00a0{_MONTHS[d.month - 1]} {d.year}"


def period(start: dt.date, end: dt.date) -> str:
    """A period: "du 1er janvier 2021 au 31 décembre 2023".

    Args:
        start: first day.
        end: last day, on or after ``start``.

    Returns:
        "du {start} au {end}".

    Raises:
        TypeError: either bound is not a date.
        ValueError: ``end`` is before ``start``.
    """
    start, end = _date(start), _date(end)
    if end < start:
        raise ValueError(f"la période finit ({end}) avant de commencer ({start}).")
    return f"du {long_date(start)} au {long_date(end)}"
