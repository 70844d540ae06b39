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

from iscg_docs._characters import UNTYPABLE
from iscg_docs.errors import Problem
from iscg_docs.model.coerce import type_name

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_AMOUNT",
    "MAX_DECIMALS",
    "MAX_ETP",
    "MAX_NAME",
    "MAX_POPULATION",
    "MAX_TEXT",
    "Validator",
    "a_date",
    "avenant_number",
    "decimal_in",
    "decimals",
    "exact_decimal",
    "flag",
    "identifier",
    "ids",
    "insee",
    "instance_of",
    "member_of",
    "money",
    "name",
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
#: An INSEE commune code: two digits (or 2A, 2B for Corsica) then three.
_INSEE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$")

# Bounds on what a document can carry, checked before any arithmetic: an exponent of a
# billion makes exact arithmetic run for minutes, and an amount beyond the largest one
# French words are written for cannot be printed.
#: The largest amount, and total, a convention can print (in figures and in words).
MAX_AMOUNT = Decimal("999999999999.99")
#: Decimals a rate, a percentage, a quotité or a number of ETP may have.
MAX_DECIMALS = 6
#: The most ETP a framework may authorise.
MAX_ETP = Decimal(10000)
#: The largest population (France has about 68 million inhabitants).
MAX_POPULATION = 100_000_000
#: The years a date may fall in.
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: The longest text a field may hold; references and territories name files and titles.
MAX_TEXT, MAX_NAME = 1000, 120


def _fail(attribute: attrs.Attribute[Any], code: str, message: str) -> Problem:
    return Problem(code, attribute.name, message)


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
            raise _fail(attribute, "type", f"{what} est attendu (Decimal), pas {type_name(value)}.")
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


def decimals(value: Decimal) -> int:
    """How many decimals ``value`` really has: ``0.500`` has one, ``1E+3`` none.

    Counted on the digits, not after ``normalize()``, which would round to 28 digits and
    make ``1.0000000000000000000000000002`` look whole.
    """
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:  # a whole number, the usual case of a record's amounts
        return 0
    for trailing, digit in enumerate(reversed(digits)):
        if digit:
            return max(0, -(exponent + trailing))
    return 0  # zero


def _cents(value: Decimal) -> bool:
    return decimals(value) <= 2


def _few_decimals(value: Decimal) -> bool:
    return decimals(value) <= MAX_DECIMALS


_DECIMALS_MESSAGE = f"au plus {MAX_DECIMALS} décimales sont admises ({{value}} donné)."

#: A non-negative amount in euros, at most 999 999 999 999,99, with at most two decimals.
money: Validator = attrs.validators.and_(
    decimal_in(
        "un montant",
        lambda v: v >= 0,
        "negative-amount",
        "le montant ne peut pas être négatif ({value}).",
    ),
    _holds(
        lambda v: v <= MAX_AMOUNT,
        "amount-too-large",
        "le montant dépasse le plus grand montant qu'une convention peut écrire "
        "(999 999 999 999,99 €) : {value}.",
    ),
    _holds(
        _cents,
        "sub-cent-amount",
        "un montant s'écrit au centime près, avec au plus deux décimales ({value}).",
    ),
)

#: A percentage in points, between 0 and 100 inclusive, with at most six decimals.
points: Validator = attrs.validators.and_(
    decimal_in(
        "un pourcentage",
        lambda v: Decimal(0) <= v <= Decimal(100),
        "percent-range",
        "un pourcentage doit être compris entre 0 et 100 ({value} donné).",
    ),
    _holds(_few_decimals, "too-many-decimals", "pour un pourcentage, " + _DECIMALS_MESSAGE),
)

#: A quotité in ETP: ``0 < q <= 1``, with at most six decimals.
quotite: Validator = attrs.validators.and_(
    decimal_in(
        "une quotité",
        lambda v: Decimal(0) < v <= Decimal(1),
        "quotite-range",
        "la quotité d'un poste doit être supérieure à 0 et au plus égale à 1 ETP ({value} donné).",
    ),
    _holds(_few_decimals, "too-many-decimals", "pour une quotité, " + _DECIMALS_MESSAGE),
)

#: The ETP a framework authorises: more than 0, at most 10 000, at most six decimals.
positive_decimal: Validator = attrs.validators.and_(
    decimal_in(
        "un nombre",
        lambda v: v > 0,
        "not-positive",
        "la valeur doit être strictement positive ({value}).",
    ),
    _holds(
        lambda v: v <= MAX_ETP,
        "etp-range",
        f"un nombre d'ETP au plus égal à {MAX_ETP} est attendu ({{value}} donné).",
    ),
    _holds(_few_decimals, "too-many-decimals", _DECIMALS_MESSAGE),
)


def years_count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A whole number of years, 1 to 10."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
        raise _fail(
            attribute,
            "years",
            f"la durée est un nombre entier d'années, de 1 à 10 ({value!r} donné).",
        )


def avenant_number(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An avenant's number: a whole number from 1 to 99."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 99:
        raise _fail(
            attribute,
            "avenant-number",
            f"le numéro d'un avenant est un nombre entier de 1 à 99 ({value!r} donné).",
        )


def population(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A population (whole number of inhabitants, > 0), or ``None``."""
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_POPULATION:
        shown = value if not isinstance(value, int) or value.bit_length() < 64 else "trop grand"
        raise _fail(
            attribute,
            "population",
            "la population est un nombre entier d'habitants, supérieur à 0 et au plus égal à "
            f"100 000 000 ({shown!r} donné).",
        )


# --------------------------------------------------------------------------- texts and codes


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A non-empty single-line text of at most 1 000 characters, with no control character."""
    _text(attribute, value, MAX_TEXT)


def name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Like :func:`text`, at most 120 characters: a reference or a territory, which name
    files and document titles."""
    _text(attribute, value, MAX_NAME)


def _text(attribute: attrs.Attribute[Any], value: object, limit: int) -> None:
    if not isinstance(value, str):
        raise _fail(attribute, "type", f"un texte est attendu, pas {type_name(value)}.")
    if not value.strip():
        raise _fail(attribute, "empty", "ce texte ne peut pas être vide.")
    if len(value) > limit:
        raise _fail(
            attribute,
            "too-long",
            f"ce texte compte {len(value)} caractères ; {limit} au plus sont admis ici.",
        )
    bad = UNTYPABLE.search(value) or re.search("[\n\r\t]", value)
    if bad:
        raise _fail(
            attribute,
            "control-character",
            "ce texte contient un caractère de contrôle (saut de ligne, tabulation ou caractère "
            "invisible ou invalide) qui ne peut pas figurer dans la convention "
            f"(U+{ord(bad.group()):04X} en position {bad.start() + 1}).",
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


def insee(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An INSEE commune code (« 71306 », « 2A004 »), or ``None``."""
    if value is not None and (not isinstance(value, str) or not _INSEE.match(value)):
        raise _fail(
            attribute,
            "insee",
            f"un code INSEE de commune compte cinq caractères, « 71306 » ou « 2A004 » "
            f"({value!r} donné).",
        )


def flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A yes or no: ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise _fail(
            attribute, "type", f"« {attribute.name} » vaut true ou false ({value!r} donné)."
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
            attribute, "type", f"une date est attendue (AAAA-MM-JJ), pas {type_name(value)}."
        )
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _fail(
            attribute,
            "date-range",
            f"une date entre {FIRST_YEAR} et {LAST_YEAR} est attendue ({value.isoformat()} donné).",
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
