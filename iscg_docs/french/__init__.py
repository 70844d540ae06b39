"""French drafting helpers: dates, amounts, numbers in words, party designations, titles."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale

from iscg_docs.model.records import EpciKind, Gender, Party, PartyKind, Role, Signatory

__all__ = [
    "FILTERS",
    "article_number",
    "designation",
    "designation_all",
    "fte",
    "in_words_and_figures",
    "join",
    "long_date",
    "money",
    "money_full",
    "money_in_words",
    "number",
    "number_in_words",
    "of",
    "of_all",
    "ordinal",
    "percent",
    "period",
    "represented_by",
    "signatory_block",
    "signatory_title",
    "to",
    "to_all",
    "typography",
]

#: Narrow no-break space: thousands separator, and before ; ! ? (Imprimerie nationale).
NNBSP = "\u202f"
#: No-break space: before € and %, before :, inside « ».
NBSP = "\u00a0"

#: The largest amount (and integer) written in words: just under a thousand milliards.
MAX_IN_WORDS = Decimal("999999999999.99")

Number = Decimal | int | str

# --------------------------------------------------------------------------- input checks


def _decimal(value: object, what: str) -> Decimal:
    """``value`` as a finite Decimal, exactly; floats and booleans are refused."""
    # bool first: it is an int subclass, and True would silently read as 1.
    if isinstance(value, bool):
        raise TypeError(
            f"{what} attendu en Decimal, en entier ou en texte, pas un booléen ({value!r})."
        )
    if isinstance(value, float):
        raise TypeError(
            f"{what} attendu en Decimal ou en texte, pas un float ({value!r}) : "
            f"écrivez '{value}' (un float n'est pas exact)."
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(
                f"{what} illisible ({value!r}) : écrivez les chiffres avec un point décimal, "
                "sans espace, par exemple '25000.50'."
            ) from None
    else:
        raise TypeError(
            f"{what} attendu en Decimal, en entier ou en texte, pas {type(value).__name__} ({value!r})."
        )
    if not result.is_finite():
        raise ValueError(f"{what} doit être un nombre fini ({value!r}).")
    if result < 0:
        raise ValueError(f"{what} ne peut pas être négatif ({value!r}).")
    # -0 would print as "-0,00 €".
    return result.copy_abs()


def _decimals(value: Decimal) -> int:
    """How many significant decimals ``value`` has, exactly (no context rounding)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing) if any(digits) else 0


def _amount(value: object) -> Decimal:
    """A money amount: non-negative, at most two significant decimals, never rounded."""
    result = _decimal(value, "montant")
    # Trailing zeros ("1.500") are exact and accepted; a third significant decimal is not.
    if _decimals(result) > 2:
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


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros exactly, without exponent notation: 3.50 → 3.5, 1E+2 → 100.

    ``Decimal.normalize`` would round past 28 digits, so the tuple is rebuilt by hand.
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


# --------------------------------------------------------------------------- dates

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
        Day (ordinal "1er" for the first), month in lower case, year, separated by spaces.

    Raises:
        TypeError: ``d`` is not a date.
    """
    d = _date(d)
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {_MONTHS[d.month - 1]} {d.year}"


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
    decimal_quantization=False)`` with U+202F between thousands (tested against it),
    without parsing a pattern on each call: a batch formats some fifty figures a
    convention, and Babel's pattern machinery was a third of building its context.
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
    return _figures(_plain(_decimal(n, "nombre")))


def percent(points: Number) -> str:
    """A percentage: "50 %", "12,5 %", "33,33 %", with U+00A0 before "%".

    Args:
        points: the rate in percentage points (50 for half), not a fraction.

    Returns:
        The figures as :func:`number` writes them, then a no-break space and "%".

    Raises:
        TypeError: a float, a boolean or another type.
        ValueError: not a finite number, or negative.
    """
    return f"{number(points)}{NBSP}%"


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
        of = " d'" if euros % 10**6 == 0 else " "
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


def join(items: Iterable[str], conjunction: str = "et") -> str:
    """A French enumeration: "A", "A et B", "A, B et C" (no comma before the conjunction).

    Args:
        items: the texts, in order.
        conjunction: the last link, "et" or "ou".

    Returns:
        The enumeration; the empty text for no item.
    """
    texts = list(items)
    if len(texts) <= 1:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} {conjunction} {texts[-1]}"


# --------------------------------------------------------------------------- parties

_EPCI = {
    EpciKind.COMMUNAUTE_DE_COMMUNES: "communauté de communes",
    EpciKind.COMMUNAUTE_D_AGGLOMERATION: "communauté d'agglomération",
    EpciKind.COMMUNAUTE_URBAINE: "communauté urbaine",
    EpciKind.METROPOLE: "métropole",
}
_DEFAULT_GENDER = {
    PartyKind.ETAT: Gender.MASCULINE,
    PartyKind.DEPARTEMENT: Gender.MASCULINE,
    PartyKind.COMMUNE: Gender.FEMININE,
    PartyKind.EPCI: Gender.FEMININE,
    PartyKind.CCAS: Gender.MASCULINE,
    PartyKind.CIAS: Gender.MASCULINE,
    PartyKind.ASSOCIATION: Gender.FEMININE,
}


def _elides(text: str) -> bool:
    """Whether "le", "la", "de" elide before ``text``: a vowel, y or a mute h.

    Accents do not matter (État, Éducation). An aspirated h ("la Haute-Marne") cannot be
    told from spelling: such names need ``Party.designation`` or must start with their
    article already.
    """
    first = unicodedata.normalize("NFD", text.lstrip()[:1]).lower()[:1]
    return first in set("aeiouyh")


def _de(name: str) -> str:
    """ "de" before a proper name: "de Blanzy", "d'Autun", "du Creusot", "des Mureaux"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    return ("d'" if _elides(name) else "de ") + name


def _noun(party: Party) -> tuple[str, Gender]:
    """The noun phrase without article, and its gender."""
    gender = party.gender or _DEFAULT_GENDER.get(party.kind)
    if party.designation is not None:
        phrase = party.designation
    elif party.kind is PartyKind.ETAT:
        phrase = "État"
    elif party.kind is PartyKind.DEPARTEMENT:
        phrase = "Département " + _de(party.name)
    elif party.kind is PartyKind.COMMUNE:
        phrase = "commune " + _de(party.name)
    elif party.kind is PartyKind.EPCI:
        if party.epci_kind is None:
            raise ValueError(
                f"la partie « {party.id} » est un EPCI : précisez sa catégorie (epci_kind) "
                "ou sa désignation."
            )
        phrase = f"{_EPCI[party.epci_kind]} {party.name}"
    elif party.kind is PartyKind.CCAS:
        phrase = "centre communal d'action sociale " + _de(party.name)
    elif party.kind is PartyKind.CIAS:
        phrase = f"centre intercommunal d'action sociale {party.name}"
    elif party.kind is PartyKind.ASSOCIATION:
        phrase = f"association {party.name}"
    else:
        raise ValueError(
            f"la partie « {party.id} » est de nature « autre » : sa désignation "
            "(designation) est obligatoire."
        )
    if gender is None:
        raise ValueError(
            f"la partie « {party.id} » : précisez le genre (gender) de sa désignation « {phrase} »."
        )
    return phrase, gender


def _with(party: Party, elided: str, masculine: str, feminine: str) -> str:
    phrase, gender = _noun(party)
    if _elides(phrase):
        return elided + phrase
    return (masculine if gender is Gender.MASCULINE else feminine) + phrase


def designation(party: Party) -> str:
    """A party as subject, with its article: "l'État", "la commune de Blanzy".

    The noun phrase comes from the kind and name ("Département de Saône-et-Loire",
    "communauté d'agglomération Mâconnais Beaujolais Agglomération", "commune d'Autun",
    "commune du Creusot"); ``party.designation`` and ``party.gender`` override it.

    Args:
        party: the party.

    Returns:
        "le …", "la …" or "l'…".

    Raises:
        ValueError: an ``autre`` party without designation, or an EPCI without epci_kind.
    """
    return _with(party, "l'", "le ", "la ")


def of(party: Party) -> str:
    """A party after "de", contracted: "de l'État", "du Département de Saône-et-Loire".

    Args:
        party: the party.

    Returns:
        "du …", "de la …" or "de l'…".

    Raises:
        ValueError: as for :func:`designation`.
    """
    return _with(party, "de l'", "du ", "de la ")


def to(party: Party) -> str:
    """A party after "à", contracted: "à l'État", "au Département …", "à la commune …".

    Args:
        party: the party.

    Returns:
        "au …", "à la …" or "à l'…".

    Raises:
        ValueError: as for :func:`designation`.
    """
    return _with(party, "à l'", "au ", "à la ")


def _communes(parties: Sequence[Party]) -> str | None:
    """ "communes de Blanzy, Montceau-les-Mines et d'Autun", or None if not all communes."""
    if len(parties) < 2 or any(
        p.kind is not PartyKind.COMMUNE or p.designation is not None for p in parties
    ):
        return None
    # One "de" serves the list; a name that would need "d'", "du" or "des" keeps it.
    names = [_de(parties[0].name)]
    for p in parties[1:]:
        linked = _de(p.name)
        names.append(p.name if linked == "de " + p.name else linked)
    return "communes " + join(names)


def _all(parties: Iterable[Party], plural: str, each: Callable[[Party], str]) -> str:
    items = list(parties)
    if not items:
        raise ValueError("aucune partie à désigner.")
    group = _communes(items)
    if group is not None:
        return plural + group
    return join(each(p) for p in items)


def designation_all(parties: Iterable[Party]) -> str:
    """Several parties as subject: "les communes de Blanzy et d'Autun", or a plain list.

    Two or more communes (without designation override) are grouped; any other set is
    the :func:`join` of each :func:`designation`.

    Args:
        parties: the parties, in order.

    Returns:
        The group designation.

    Raises:
        ValueError: no party, or as for :func:`designation`.
    """
    return _all(parties, "les ", designation)


def of_all(parties: Iterable[Party]) -> str:
    """Several parties after "de": "des communes de Blanzy et d'Autun", or a list of :func:`of`.

    Args:
        parties: the parties, in order.

    Returns:
        The group designation after "de".

    Raises:
        ValueError: no party, or as for :func:`designation`.
    """
    return _all(parties, "des ", of)


def to_all(parties: Iterable[Party]) -> str:
    """Several parties after "à": "aux communes de Blanzy et d'Autun", or a list of :func:`to`.

    Args:
        parties: the parties, in order.

    Returns:
        The group designation after "à".

    Raises:
        ValueError: no party, or as for :func:`designation`.
    """
    return _all(parties, "aux ", to)


# --------------------------------------------------------------------------- signatories

# Feminine forms as the guide "Femme, j'écris ton nom" (CNRS-INaLF, 1999) gives them.
# The gendarmerie often keeps "le Commandant" for a woman; we print the feminised
# "la Commandante". A unit that insists can use role "autre" with its own title.
_TITLES = {
    Role.PREFET: ("Préfet", "Préfète"),
    Role.PRESIDENT: ("Président", "Présidente"),
    Role.MAIRE: ("Maire", "Maire"),
    Role.PROCUREUR: ("Procureur de la République", "Procureure de la République"),
    Role.DIRECTEUR: ("Directeur", "Directrice"),
    Role.COMMANDANT: ("Commandant", "Commandante"),
}


def _title(signatory: Signatory) -> str:
    """The agreed title without article: "Préfète de Saône-et-Loire"."""
    if signatory.role is Role.AUTRE:
        if signatory.title is None:
            raise ValueError(
                f"le titre de {signatory.full_name} est obligatoire quand sa fonction est « autre »."
            )
        base = signatory.title
    else:
        masculine, feminine = _TITLES[signatory.role]
        base = feminine if signatory.gender is Gender.FEMININE else masculine
    return f"{base} {signatory.title_suffix}" if signatory.title_suffix else base


def signatory_title(signatory: Signatory) -> str:
    """The signatory's title with its article: "le Préfet …", "la Préfète …", "la Maire …".

    Args:
        signatory: the signatory; ``gender`` agrees the title and the article,
            ``title_suffix`` follows the title, ``title`` replaces it for role ``autre``.

    Returns:
        The title with "le", "la" or "l'".

    Raises:
        ValueError: role ``autre`` without ``title``.
    """
    title = _title(signatory)
    if _elides(title):
        return "l'" + title
    return ("la " if signatory.gender is Gender.FEMININE else "le ") + title


def _civility(signatory: Signatory) -> str:
    # A no-break space keeps "M." or "Mme" on the same line as the name.
    return ("Mme" if signatory.gender is Gender.FEMININE else "M.") + NBSP + signatory.full_name


def _strip_article(text: str) -> str:
    for article in ("le ", "la ", "l'", "les ", "Le ", "La ", "L'", "Les "):
        if text.startswith(article):
            return text[len(article) :]
    return text


def represented_by(party: Party) -> str:
    """How a party acts: "représentée par Mme Anne Martin, Présidente du Conseil départemental".

    "représenté(e)" agrees with the party; "M." / "Mme" with the signatory. When the
    signer acts by delegation: "représenté par le Préfet de Saône-et-Loire et, par
    délégation, par M. Paul Durand, Secrétaire général de la préfecture".

    Args:
        party: a party with a signatory.

    Returns:
        The phrase, to follow the party's designation after a comma.

    Raises:
        ValueError: the party has no signatory, or as for :func:`designation`.
    """
    signatory = party.signatory
    if signatory is None:
        raise ValueError(f"la partie « {party.id} » n'a pas de signataire.")
    _, gender = _noun(party)
    verb = "représentée" if gender is Gender.FEMININE else "représenté"
    if signatory.delegate_title:
        return (
            f"{verb} par {signatory_title(signatory)} et, par délégation, par "
            f"{_civility(signatory)}, {_strip_article(signatory.delegate_title)}"
        )
    return f"{verb} par {_civility(signatory)}, {_title(signatory)}"


def signatory_block(signatory: Signatory) -> list[str]:
    """The lines above a signature: the title, then the name.

    ``["Le Préfet de Saône-et-Loire", "Jean Dupont"]``; by delegation,
    ``["Pour le Préfet de Saône-et-Loire et par délégation, le Secrétaire général de la
    préfecture", "Paul Durand"]``.

    Args:
        signatory: the signatory.

    Returns:
        Two lines; the first starts with a capital.

    Raises:
        ValueError: as for :func:`signatory_title`.
    """
    title = signatory_title(signatory)
    if signatory.delegate_title:
        first = f"Pour {title} et par délégation, {signatory.delegate_title}"
    else:
        first = title[:1].upper() + title[1:]
    return [first, signatory.full_name]


# --------------------------------------------------------------------------- typography

_SPACES = " \u00a0\u202f"
# One scanner: a URL is consumed whole, so nothing inside it is touched. A double sign
# ("?!") gets one space before its first mark; after an opening bracket or « (which
# has its own space) a sign gets none.
_TYPO = re.compile(
    rf"""
    (?P<url>(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.|mailto:)[^\s«»]*[^\s«».,;:!?)])
    | (?<=[^\s;:!?(\[«{_SPACES}])[{_SPACES}]*(?P<high>[;!?]+)
    | (?<=[^\s;:!?(\[«{_SPACES}])(?P<colon>[{_SPACES}]*:)
    | (?P<open>«)[{_SPACES}]*(?=[^\s»])
    | (?<=[^\s«])[{_SPACES}]*(?P<close>»)
    """,
    re.VERBOSE,
)


def _typeset(match: re.Match[str]) -> str:
    if match.group("url"):
        return match.group()
    if match.group("high"):
        return NNBSP + match.group("high")
    if match.group("colon"):
        text, start, end = match.string, match.start(), match.end()
        # "10:30" is a time (digits on both sides, no space): left alone.
        if (
            match.group() == ":"
            and text[start - 1 : start].isdigit()
            and text[end : end + 1].isdigit()
        ):
            return ":"
        return NBSP + ":"
    if match.group("open"):
        return "«" + NBSP
    return NBSP + "»"


def typography(text: str) -> str:
    """French no-break spaces: U+202F before ; ! ?, U+00A0 before : and inside « ».

    The rule is the Imprimerie nationale's: a narrow no-break space before the high signs
    ; ! ?, a full no-break space before the colon and inside guillemets. A space already
    there (ordinary or no-break) is replaced, a missing one inserted, never doubled, so
    the function is idempotent. URLs ("https://…", "www.…", "mailto:…") and times
    ("10:30") are left alone; a sign at the very start of the text gets no space.

    Args:
        text: any text.

    Returns:
        The text with French typographic spaces.

    Raises:
        TypeError: ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"texte attendu, pas {type(text).__name__} ({text!r}).")
    return _TYPO.sub(_typeset, text)


#: Every public function under its own name, for ``jinja_env.filters.update(FILTERS)``.
FILTERS: dict[str, Callable[..., Any]] = {
    f.__name__: f
    for f in (
        article_number,
        designation,
        designation_all,
        fte,
        in_words_and_figures,
        join,
        long_date,
        money,
        money_full,
        money_in_words,
        number,
        number_in_words,
        of,
        of_all,
        ordinal,
        percent,
        period,
        represented_by,
        signatory_block,
        signatory_title,
        to,
        to_all,
        typography,
    )
}
