"""One workbook cell to the plain value the structurer expects for its column.

A spreadsheet hands over binary doubles, datetimes and percentages scaled to 1; these
functions turn them into what a TOML file would hold, through :mod:`iscg_docs.model.coerce`,
and refuse what has no sense in the column with a :class:`~iscg_docs.model.coerce.CoercionError`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from iscg_docs.inputs.workbook.schema import LABELS, Column
from iscg_docs.model.coerce import CoercionError, decimal_from_float, to_date, to_int

__all__ = ["cell_text", "convert", "is_formula", "norm"]


def norm(text: str) -> str:
    """Compare labels and headers without case, accents, apostrophe style or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def cell_text(value: object) -> str:
    """A header or label cell's text, stripped; ``""`` for anything that is not text."""
    return value.strip() if isinstance(value, str) else ""


def is_formula(value: object) -> bool:
    """True if a cell read with its formulas (``data_only=False``) holds one."""
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in {"ArrayFormula", "DataTableFormula"}


def convert(column: Column, value: object, number_format: str) -> Any:
    """A cell value as the structurer expects it for ``column``'s kind.

    Args:
        column: the column the cell stands in.
        value: the cell's (computed) value, never empty.
        number_format: the cell's number format (a percentage format scales by 100).

    Raises:
        CoercionError: the value has no sense in this column.
    """
    if isinstance(value, str):
        value = value.strip()
    kind = column.kind
    if kind == "yesno":
        return _yes_no(value)
    if isinstance(value, bool):
        raise CoercionError("type", f"une valeur VRAI/FAUX n'a pas de sens ici ({value!r}).")
    if isinstance(value, dt.time | dt.timedelta) or (isinstance(value, dt.date) and kind != "date"):
        raise CoercionError(
            "type",
            "le tableur a lu cette valeur comme une date ou une heure ; saisissez-la comme texte "
            "(précédée d'une apostrophe) ou changez le format de la cellule en « Texte ».",
        )
    if kind in ("text", "id"):
        return _number_text(value) if isinstance(value, int | float) else value
    if kind == "ids":
        text = _number_text(value) if isinstance(value, int | float) else str(value)
        return [part.strip() for part in re.split(r"[;,]", text) if part.strip()]
    if kind in ("money", "number", "percent"):
        return _number(kind, value, number_format)
    if kind == "int":
        return to_int(value) if isinstance(value, int | float | str) else value
    if kind == "date":
        return to_date(value)  # type: ignore[arg-type]  # to_date names a wrong type
    return _choice(column, value)


_YES = frozenset({"oui", "o", "x", "vrai", "true", "1"})
_NO = frozenset({"non", "n", "faux", "false", "0"})


def _yes_no(value: object) -> bool:
    """A « oui / non » cell: oui, x, VRAI (or a checked box) is true; non, FAUX is false."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CoercionError(
        "choice", f"valeur inattendue {value!r} ; valeurs possibles : « oui », « non »."
    )


def _number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _number(kind: str, value: object, number_format: str) -> Any:
    if not isinstance(value, int | float):
        return value  # text: the structurer reads it with coerce.to_decimal
    number = Decimal(value) if isinstance(value, int) else decimal_from_float(value)
    if kind == "percent" and "%" in number_format:
        number *= 100  # a cell formatted as a percentage holds 0.5 for 50 %
    if kind == "money":
        if number.as_tuple().exponent > -2:  # type: ignore[operator]
            number = number.quantize(Decimal("0.01"))  # exact: only adds zeros
        return number
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def _choice(column: Column, value: object) -> str:
    assert column.enum is not None
    labels = LABELS[column.enum]
    accepted = {norm(label): v for label, v in labels.items()}
    accepted.update({norm(v): v for v in labels.values()})
    if isinstance(value, str) and norm(value) in accepted:
        return accepted[norm(value)]
    allowed = ", ".join(f"« {label} »" for label in labels)
    raise CoercionError("choice", f"valeur inattendue {value!r} ; valeurs possibles : {allowed}.")
