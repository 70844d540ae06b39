"""French numbers: amounts, figures, percentages, quotités, numbers and ordinals in words."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Concatenate, ParamSpec

from babel import Locale

from iscg_docs.french.text import NBSP, NNBSP
from iscg_docs.model.coerce import CoercionError, to_decimal
from iscg_docs.model.validators import MAX_AMOUNT, decimals

__all__ = [
    "MAX_IN_WORDS",
    "Number",
    "article_number",
    "fte",
    "in_words_and_figures",
    "money",
    "money_full",
    "money_in_words",
    "number",
    "number_in_words",
    "ordinal",
    "percent",
    "plain",
]

#: The largest amount (and integer) written in words, just under a thousand milliards:
#: the largest amount a record accepts.
MAX_IN_WORDS = MAX_AMOUNT

Number = Decimal | int | str

_P = ParamSpec("_P")


def _remembered(
    function: Callable[Concatenate[Number, _P], str],
) -> Callable[Concatenate[Number, _P], str]:
    """``function``, remembering its text for a finite Decimal.

    A convention's context writes the same few amounts and rates many times, and a batch
    the same ones again for every convention. The functions this wraps depend on a
    Decimal's value only (never on its exponent: 1.5 and 1.50 read alike, and are equal
    keys), so their texts are kept for the most recent values. Anything else (an int, a
    text, a bool that equals 1, a NaN that cannot be a key) is computed every time, as
    are the errors.
    """
    cached: Callable[..., str] = functools.lru_cache(maxsize=4096, typed=True)(function)

    @functools.wraps(function)
    def remembering(value: Number, /, *args: _P.args, **kwargs: _P.kwargs) -> str:
        if type(value) is Decimal and value.is_finite():
            return cached(value, *args, **kwargs)
        return function(value, *args, **kwargs)

    return remembering


# --------------------------------------------------------------------------- input checks


def _decimal(value: object, what: str) -> Decimal:
    """``value`` as a finite, non-negative Decimal, exactly, read as the data files are
    (:func:`~iscg_docs.model.coerce.to_decimal`); floats and booleans are refused."""
    try:
        result = to_decimal(value)  # type: ignore[arg-type]
    except CoercionError as e:
        # A wrong type is the caller's error, as Python reports it; a bad text is a value.
        kind = TypeError if e.code in {"float", "type"} else ValueError
        raise kind(f"{what} : {e.message}") from None
    if result < 0:
        raise ValueError(f"{what} ne peut pas être négatif ({value!r}).")
    # -0 would print as "-0,00 €".
    return result.copy_abs()


def _amount(value: object) -> Decimal:
    """A money amount: non-negative, at most two significant decimals, never rounded."""
    result = _decimal(value, "montant")
    # Trailing zeros ("1.500") are exact and accepted; a third significant decimal is not.
    if decimals(result) > 2:
        raise ValueError(
            f"un montant s'écrit au centime près, avec au plus deux décimales ({value!r}) ; "
            "il n'est jamais arrondi ici."
        )
    if result > MAX_IN_WORDS:
        raise ValueError(f"montant trop élevé ({value!r}) : au plus 999 999 999 999,99 €.")
    # Exact: at most 14 digits, two decimals, well inside the default 28-digit context.
    return result.quantize(Decimal("0.01"))


def _integer(value: object, what: str = "nombre entier") -> int:
    result = _decimal(value, what)
    if result != result.to_integral_value():
        raise ValueError(f"{what} attendu, pas un nombre à décimales ({value!r}).")
    return int(result)


def _words_range(n: int | Decimal, value: object) -> None:
    if n > MAX_IN_WORDS:
        raise ValueError(
            f"nombre trop grand pour être écrit en lettres ({value!r}) : "
            "au plus 999 999 999 999,99."
        )


def plain(value: Decimal) -> Decimal:
    """Drop trailing zeros exactly, without exponent notation: 3.50 → 3.5, 1E+2 → 100.

    ``Decimal.normalize`` would round past 28 digits, so the tuple is rebuilt by hand.

    Args:
        value: a finite Decimal.

    Returns:
        The same value, with no trailing zero after the decimal point and no exponent.
    """
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if not any(digits):
        return Decimal(0)
    kept = list(digits)
    while exponent < 0 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    if exponent > 0:
        kept += [0] * exponent
        exponent = 0
    return Decimal((sign, tuple(kept), exponent))


# --------------------------------------------------------------------------- figures


#: Parsed once: Babel would parse "fr_FR" again on every call.
_FR = Locale.parse("fr_FR")

#: fr_FR's decimal sign and its digit grouping (primary, secondary), read once from
#: Babel's CLDR data. The thousands separator is always U+202F: older CLDR data had
#: U+00A0, or a plain space.
_DECIMAL_SIGN: str = _FR.number_symbols["latn"]["decimal"]
_GROUPING: tuple[int, int] = _FR.decimal_formats[None].grouping


def _figures(value: Decimal) -> str:
    """``value`` (non-negative, exact) as fr_FR writes it, with the decimals it has.

    The same text as Babel's ``format_decimal(value, "#,##0.##…", locale="fr_FR",
    decimal_quantization=False)`` with U+202F between thousands (tested against it).
    Written out here because Babel parses its pattern on every call, and a convention's
    context formats some fifty figures.
    """
    units, _, decimals = f"{value:f}".partition(".")
    primary, secondary = _GROUPING
    groups = []
    if len(units) > primary:
        groups.append(units[-primary:])
        units = units[:-primary]
        while len(units) > secondary:
            groups.append(units[-secondary:])
            units = units[:-secondary]
    groups.append(units)
    text = NNBSP.join(reversed(groups))
    return f"{text}{_DECIMAL_SIGN}{decimals}" if decimals else text


@_remembered
def money(amount: Number) -> str:
    """An amount in figures: "25 000,00 €".

    Thousands are grouped with a narrow no-break space (U+202F), the decimal mark is a
    comma, there are always two decimals, and a no-break space (U+00A0) precedes "€".

    Args:
        amount: euros, as a Decimal, an int or a numeric text ("25000.50").

    Returns:
        The amount in French figures.

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: not a finite number, negative, or more than two decimals.
    """
    # _amount gives exactly two decimals: fr_FR's currency pattern is "#,##0.00 ¤".
    return f"{_figures(_amount(amount))}{NBSP}€"


@_remembered
def number(n: Number) -> str:
    """A number in French figures: "3,5", "1 234,5", "0,25".

    Trailing zeros are dropped ("3,50" reads "3,5"); nothing is rounded, however many
    decimals ``n`` has. Thousands are grouped with U+202F.

    Args:
        n: a non-negative Decimal, int or numeric text.

    Returns:
        The number with a decimal comma.

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: not a finite number, or negative.
    """
    return _figures(plain(_decimal(n, "nombre")))


@_remembered
def percent(points: Number, places: int | None = None) -> str:
    """A percentage: "50 %", "12,5 %", "33,33 %", with U+00A0 before "%".

    Args:
        points: the rate in percentage points (50 for half), not a fraction.
        places: write exactly this many decimals ("50,00 %"), so that every share of a
            table has the same format; the value is never rounded.

    Returns:
        The figures as :func:`number` writes them (or with ``places`` decimals), then a
        no-break space and "%".

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: not a finite number, negative, or more decimals than ``places``.
    """
    if places is None:
        return f"{number(points)}{NBSP}%"
    value = plain(_decimal(points, "pourcentage"))
    if value < 0:
        raise ValueError(f"pourcentage négatif ({points!r}).")
    if decimals(value) > places:
        raise ValueError(f"{points!r} a plus de {places} décimales ; il n'est pas arrondi ici.")
    return f"{_figures(value.quantize(Decimal(1).scaleb(-places)))}{NBSP}%"


# --------------------------------------------------------------------------- numbers in words

_UNITS = (
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
)
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int, reform: bool, final: bool) -> str:
    """1..99. ``final``: nothing but a noun follows, so "quatre-vingts" takes its s."""
    if n <= 16:
        return _UNITS[n]
    if n < 20:
        return "dix-" + _UNITS[n - 10]
    tens, units = divmod(n, 10)
    if tens in (7, 9):
        # soixante-dix and quatre-vingt-dix count on from 60 and 80 with 10..19.
        tens, units = tens - 1, units + 10
    head = "quatre-vingt" if tens == 8 else _TENS[tens]
    if units == 0:
        return head + ("s" if tens == 8 and final else "")
    if units in (1, 11) and tens != 8:
        # vingt et un … soixante et onze; but quatre-vingt-un, quatre-vingt-onze.
        return head + ("-et-" if reform else " et ") + _below_100(units, reform, final)
    return head + "-" + _below_100(units, reform, final)


def _below_1000(n: int, reform: bool, final: bool) -> str:
    """1..999. ``final`` is False before "mille" (an adjective): "deux cent mille"."""
    sep = "-" if reform else " "
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_100(rest, reform, final)
    head = "cent" if hundreds == 1 else _UNITS[hundreds] + sep + "cent"
    if rest == 0:
        return head + ("s" if hundreds > 1 and final else "")
    return head + sep + _below_100(rest, reform, final)


def _int_words(n: int, reform: bool) -> str:
    """0..999 999 999 999 in words, traditional or 1990 spelling."""
    if n == 0:
        return "zéro"
    sep = "-" if reform else " "
    milliards, rest = divmod(n, 10**9)
    millions, rest = divmod(rest, 10**6)
    thousands, units = divmod(rest, 1000)
    # million and milliard are nouns: they take a plural s, let vingt and cent agree
    # before them, and stay unhyphenated even in the 1990 spelling.
    chunks = []
    for count, noun in ((milliards, "milliard"), (millions, "million")):
        if count:
            chunks.append(f"{_below_1000(count, reform, True)} {noun}{'s' if count > 1 else ''}")
    small = []
    if thousands:
        # mille is invariable and never preceded by "un".
        small.append(
            "mille" if thousands == 1 else _below_1000(thousands, reform, False) + sep + "mille"
        )
    if units:
        small.append(_below_1000(units, reform, True))
    if small:
        chunks.append(sep.join(small))
    return " ".join(chunks)


def number_in_words(n: Number, *, feminine: bool = False, reform1990: bool = False) -> str:
    """A whole number in words: "trois", "vingt et un", "deux cents", "mille".

    Args:
        n: a whole number from 0 to 999 999 999 999.
        feminine: agree a final "un" with a feminine noun ("une", "vingt et une").
        reform1990: hyphenate every numeral as the 1990 spelling recommends
            ("vingt-et-un", "deux-cents"); million and milliard, being nouns, stay apart.

    Returns:
        The number in words, lower case.

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: negative, not whole, or above 999 999 999 999.
    """
    value = _integer(n)
    _words_range(value, n)
    words = _int_words(value, reform1990)
    if feminine and (words == "un" or words.endswith((" un", "-un"))):
        words += "e"
    return words


@_remembered
def money_in_words(amount: Number, *, reform1990: bool = False) -> str:
    """An amount in words: "vingt-cinq mille euros", "un million d'euros".

    Whole amounts have no centimes part; "d'euros" follows a round million or milliard;
    "zéro euro" for nothing; centimes alone read "cinquante centimes".

    Args:
        amount: euros, 0 to 999 999 999 999,99, at most two decimals.
        reform1990: use the 1990 spelling (hyphens between all numerals).

    Returns:
        The amount in words, lower case.

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: not a finite number, negative, more than two decimals, or too large.
    """
    value = _amount(amount)
    euros = int(value)
    cents = int((value - euros) * 100)
    if euros == 0 and cents == 0:
        return "zéro euro"
    parts = []
    if euros:
        unit = "euro" if euros == 1 else "euros"
        # "un million d'euros": a number ending in a noun takes "de" before its complement.
        of = " d’" if euros % 10**6 == 0 else " "
        parts.append(f"{_int_words(euros, reform1990)}{of}{unit}")
    if cents:
        parts.append(f"{_int_words(cents, reform1990)} centime{'s' if cents > 1 else ''}")
    return " et ".join(parts)


def money_full(amount: Number) -> str:
    """An amount in words then figures: "vingt-cinq mille euros (25 000,00 €)".

    Args:
        amount: as for :func:`money_in_words`.

    Returns:
        The words, a space, and the figures in parentheses.

    Raises:
        TypeError: as for :func:`money`.
        ValueError: as for :func:`money_in_words`.
    """
    return f"{money_in_words(amount)} ({money(amount)})"


def _plural(unit: str | Sequence[str], count: Decimal) -> str:
    if isinstance(unit, str):
        singular = unit
        plural = unit if unit.endswith(("s", "x", "z")) else unit + "s"
    else:
        if len(unit) != 2 or not all(isinstance(u, str) for u in unit):
            raise TypeError(
                f"unité attendue : un texte ou une paire (singulier, pluriel), pas {unit!r}."
            )
        singular, plural = unit
    # French puts 0 and 1 (and anything below 2) in the singular.
    return singular if count < 2 else plural


def in_words_and_figures(
    n: Number,
    unit: str | Sequence[str],
    *,
    feminine: bool = False,
    reform1990: bool = False,
) -> str:
    """A count in words and figures with its unit: "trois (3) ans", "une (1) année".

    Args:
        n: a whole number, 0 to 999 999 999 999.
        unit: the singular noun, pluralised by adding "s" unless it ends in s, x or z
            ("an", "année", "mois"); or a ``(singular, plural)`` pair for anything else
            ("équivalent temps plein", "équivalents temps plein").
        feminine: the noun is feminine ("une (1) année", "vingt et une (21) années").
        reform1990: as for :func:`number_in_words`.

    Returns:
        "{words} ({figures}) {unit}", singular for 0 and 1.

    Raises:
        TypeError: ``n`` is a float, a boolean or another type; ``unit`` is malformed.
        ValueError: as for :func:`number_in_words`.
    """
    words = number_in_words(n, feminine=feminine, reform1990=reform1990)
    value = Decimal(_integer(n))
    return f"{words} ({number(value)}) {_plural(unit, value)}"


@_remembered
def fte(q: Number) -> str:
    """A quotité in ETP: "un mi-temps (0,5 ETP)", "un équivalent temps plein (1 ETP)".

    Half and whole numbers get words before the figures ("deux équivalents temps plein
    (2 ETP)"); any other quotité is written in figures only ("0,8 ETP", "1,5 ETP"),
    because "un équivalent temps plein et demi" is not how conventions read.

    Args:
        q: the quotité in ETP, a non-negative Decimal, int or numeric text.

    Returns:
        The quotité as a convention writes it.

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: not a finite number, or negative.
    """
    value = _decimal(q, "quotité")
    figures = f"{number(value)}{NBSP}ETP"
    if value == Decimal("0.5"):
        return f"un mi-temps ({figures})"
    if value == 1:
        return f"un équivalent temps plein ({figures})"
    if value > 1 and value == value.to_integral_value() and value <= MAX_IN_WORDS:
        return f"{_int_words(int(value), False)} équivalents temps plein ({figures})"
    return figures


# --------------------------------------------------------------------------- ordinals


def ordinal(n: Number, *, words: bool = False, feminine: bool = False) -> str:
    """An ordinal: "1er", "2e", "1re"; in words "premier", "deuxième", "première".

    Args:
        n: a whole number from 1 (up to 999 999 999 999 in words).
        words: spell it out instead of "1er", "2e".
        feminine: agree with a feminine noun ("1re", "première"); only 1 changes.

    Returns:
        The ordinal, lower case.

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: zero, negative, not whole, or too large in words.
    """
    value = _integer(n, "rang")
    if value < 1:
        raise ValueError(f"un rang commence à 1 ({n!r}).")
    if not words:
        return f"{value}{('re' if feminine else 'er') if value == 1 else 'e'}"
    if value == 1:
        return "première" if feminine else "premier"
    _words_range(value, n)
    cardinal = _int_words(value, False)
    if value in (10**6, 10**9):
        cardinal = cardinal.removeprefix("un ")
    # The ordinal is built on the invariable stem: deux centième, quatre-vingtième.
    if cardinal.endswith(("cents", "vingts", "millions", "milliards")):
        cardinal = cardinal[:-1]
    if cardinal.endswith("cinq"):
        return cardinal + "uième"
    if cardinal.endswith("neuf"):
        return cardinal[:-1] + "vième"
    if cardinal.endswith("e"):
        return cardinal[:-1] + "ième"
    return cardinal + "ième"


def article_number(n: Number) -> str:
    """An article heading: "Article 1er", "Article 2".

    Args:
        n: the article's number, from 1.

    Returns:
        "Article 1er" for the first, "Article {n}" after.

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: zero, negative or not whole.
    """
    value = _integer(n, "numéro d'article")
    if value < 1:
        raise ValueError(f"un numéro d'article commence à 1 ({n!r}).")
    return f"Article {ordinal(value) if value == 1 else value}"
