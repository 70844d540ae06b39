"""Field validators and converters for the records, composed the attrs way.

Each validator is ``validator(instance, attribute, value)`` and raises a located
:class:`~iscg_docs.errors.Problem` whose path is the field name, with a French message.
Reusable pieces are small factories (:func:`decimal_in`, :func:`member_of`,
:func:`optional`, :func:`tuple_of`) combined with :func:`attrs.validators.and_`; the
loader runs them field by field, so that every problem of a file is reported at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from iscg_docs.errors import Problem

__all__ = [
    "Validator",
    "a_date",
    "decimal_in",
    "exact_decimal",
    "identifier",
    "ids",
    "instance_of",
    "member_of",
    "money",
    "optional",
    "points",
    "population",
    "positive_decimal",
    "quotite",
    "records",
    "siren",
    "text",
    "tuple_of",
    "tuple_of_ids",
    "years_count",
]

T = TypeVar("T")

#: What attrs calls with each field's value.
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SIREN = re.compile(r"^\d{9}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _fail(attribute: attrs.Attribute[Any], code: str, message: str) -> Problem:
    return Problem(code, attribute.name, message)


def _type_name(value: object) -> str:
    return {
        float: "un nombre décimal à virgule flottante",
        int: "un nombre entier",
        str: "un texte",
        bool: "un booléen",
    }.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- converters


def records(value: Iterable[T]) -> tuple[T, ...]:
    """Records given as any iterable (a list, a generator) become the field's tuple.

    A text or a mapping is left as it is, for the field's validator to refuse in French.
    """
    if isinstance(value, tuple | str | bytes | dict) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]
    return tuple(value)


def ids(value: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Identifiers given as a list or a tuple; a lone text is not a list of identifiers."""
    return tuple(value) if isinstance(value, list) else value


# --------------------------------------------------------------------------- numbers


def exact_decimal(what: str) -> Validator:
    """A finite ``Decimal``; a float is refused with a message saying how to write it."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, float):
            raise _fail(
                attribute,
                "float",
                f"{what} doit être exact : la valeur {value!r} est un nombre à virgule "
                f'flottante, écrivez-la entre guillemets, par exemple "{value}" (ou passez '
                "un Decimal).",
            )
        if not isinstance(value, Decimal):
            raise _fail(
                attribute, "type", f"{what} est attendu (Decimal), pas {_type_name(value)}."
            )
        if not value.is_finite():
            raise _fail(attribute, "not-finite", f"{what} doit être un nombre fini ({value}).")

    return check


def decimal_in(what: str, accepts: Callable[[Decimal], bool], code: str, message: str) -> Validator:
    """An exact ``Decimal`` (see :func:`exact_decimal`) for which ``accepts`` holds.

    ``message`` may name the value as ``{value}``.
    """
    return attrs.validators.and_(exact_decimal(what), _holds(accepts, code, message))


def _holds(accepts: Callable[[Decimal], bool], code: str, message: str) -> Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Decimal) -> None:
        if not accepts(value):
            raise _fail(attribute, code, message.format(value=value))

    return check


def _cents(value: Decimal) -> bool:
    return value.as_tuple().exponent >= -2  # type: ignore[operator]


#: A non-negative amount in euros, with at most two decimals.
money: Validator = attrs.validators.and_(
    decimal_in(
        "un montant",
        lambda v: v >= 0,
        "negative-amount",
        "le montant ne peut pas être négatif ({value}).",
    ),
    _holds(
        _cents,
        "sub-cent-amount",
        "un montant s'écrit au centime près, avec au plus deux décimales ({value}).",
    ),
)

#: A percentage in points, between 0 and 100 inclusive.
points: Validator = decimal_in(
    "un pourcentage",
    lambda v: Decimal(0) <= v <= Decimal(100),
    "percent-range",
    "un pourcentage doit être compris entre 0 et 100 ({value} donné).",
)

#: A quotité in ETP: ``0 < q <= 1``.
quotite: Validator = decimal_in(
    "une quotité",
    lambda v: Decimal(0) < v <= Decimal(1),
    "quotite-range",
    "la quotité d'un poste doit être supérieure à 0 et au plus égale à 1 ETP ({value} donné).",
)

#: A strictly positive number (the ETP a framework authorises).
positive_decimal: Validator = decimal_in(
    "un nombre",
    lambda v: v > 0,
    "not-positive",
    "la valeur doit être strictement positive ({value}).",
)


def years_count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A whole number of years, 1 to 10."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
        raise _fail(
            attribute,
            "years",
            f"la durée est un nombre entier d'années, de 1 à 10 ({value!r} donné).",
        )


def population(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A population (whole number of inhabitants, > 0), or ``None``."""
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise _fail(
            attribute,
            "population",
            f"la population est un nombre entier d'habitants, supérieur à 0 ({value!r} donné).",
        )


# --------------------------------------------------------------------------- texts and codes


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A non-empty single-line text with no control character."""
    if not isinstance(value, str):
        raise _fail(attribute, "type", f"un texte est attendu, pas {_type_name(value)}.")
    if not value.strip():
        raise _fail(attribute, "empty", "ce texte ne peut pas être vide.")
    if _CONTROL.search(value) or "\n" in value or "\r" in value or "\t" in value:
        raise _fail(
            attribute,
            "control-character",
            "ce texte contient un caractère de contrôle (saut de ligne, tabulation ou caractère "
            "invisible) qui ne peut pas figurer dans la convention.",
        )


def identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An identifier: letters, digits, ``_``, ``-`` and ``.``, starting with a letter or digit."""
    if not isinstance(value, str) or not _ID.match(value):
        raise _fail(
            attribute,
            "identifier",
            "un identifiant ne contient que des lettres non accentuées, des chiffres, « _ », "
            f"« - » et « . » ({value!r} donné).",
        )


def siren(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A SIREN number (nine digits, Luhn checksum), or ``None``."""
    if value is None:
        return
    if not isinstance(value, str) or not _SIREN.match(value):
        raise _fail(attribute, "siren", f"un numéro SIREN compte neuf chiffres ({value!r} donné).")
    total = 0
    for i, ch in enumerate(reversed(value)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    if total % 10:
        raise _fail(
            attribute, "siren", f"le numéro SIREN {value} n'est pas valide (clé de contrôle)."
        )


def a_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A calendar date (not a datetime)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _fail(
            attribute, "type", f"une date est attendue (AAAA-MM-JJ), pas {_type_name(value)}."
        )


# --------------------------------------------------------------------------- composition


def member_of(enum: type[StrEnum]) -> Validator:
    """Only members of ``enum``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, enum):
            allowed = ", ".join(f"« {m.value} »" for m in enum)
            raise _fail(
                attribute, "choice", f"valeur inattendue {value!r} ; valeurs possibles : {allowed}."
            )

    return check


def optional(validator: Validator) -> Validator:
    """``validator``, or ``None``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return check


def instance_of(kind: type) -> Validator:
    """Only instances of ``kind`` (records nested in records)."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            raise _fail(attribute, "type", f"un enregistrement {kind.__name__} est attendu.")

    return check


def tuple_of(kind: type) -> Validator:
    """A tuple whose items are all ``kind`` records."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple) or not all(isinstance(v, kind) for v in value):
            raise _fail(attribute, "type", f"une liste de {kind.__name__} est attendue.")

    return check


def tuple_of_ids(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A tuple of identifiers."""
    if not isinstance(value, tuple):
        raise _fail(attribute, "type", "une liste d'identifiants est attendue.")
    for item in value:
        identifier(instance, attribute, item)
