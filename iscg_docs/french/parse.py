"""French number words read back: « vingt-cinq mille euros » → Decimal("25000")."""

from __future__ import annotations

import re
from decimal import Decimal

from iscg_docs.french.numbers import money_in_words, number_in_words

__all__ = ["parse_money_words", "parse_number_words"]

#: Every numeral word with its value; plural forms ("vingts", "cents") read the same.
_WORDS = {
    "zéro": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
}
#: Words that multiply what stands before them and close a group of the number.
_SCALES = {"million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9}
_HUNDREDS = frozenset({"cent", "cents"})
_THOUSAND = "mille"

#: « … euros et … centimes », « … d'euros », « … centimes » alone; apostrophes of both kinds.
_MONEY = re.compile(
    r"(?:(?P<euros>.+?)(?:\s+d'|\s+)euros?)?(?:\s*\bet\s+)?(?:(?P<cents>.+?)\s+centimes?)?",
)


def _plain(text: str) -> str:
    """One spelling to compare: straight apostrophes, single spaces, lower case."""
    return " ".join(text.replace("\u2019", "'").split()).lower()


def _value(tokens: list[str], text: str) -> int:
    """The number the numeral ``tokens`` count; any order is summed, checked afterwards."""
    total, current, previous = 0, 0, ""
    for token in tokens:
        if token in _WORDS:
            value = _WORDS[token]
            # quatre-vingt(s): the « quatre » already counted becomes eighty.
            current += 76 if value == 20 and previous == "quatre" else value
        elif token in _HUNDREDS:
            hundreds, rest = divmod(current, 100)
            current = hundreds * 100 + (rest or 1) * 100
        elif token == _THOUSAND:
            current = (current or 1) * 1000
        elif token in _SCALES:
            total += (current or 1) * _SCALES[token]
            current = 0
        elif token != "et":
            raise ValueError(f"« {text} » : « {token} » n'est pas un nombre écrit en lettres.")
        previous = token
    return total + current


def parse_number_words(text: str) -> int:
    """A whole number written in French words, read back: « deux cent un » → 201.

    The traditional spelling and the 1990 one (« deux-cent-un ») are both read; the text
    must be exactly how :func:`iscg_docs.french.number_in_words` writes its value (so
    « quatre-vingt » without its s, or « un mille », are refused).

    Args:
        text: the words, in lower or upper case.

    Returns:
        The number.

    Raises:
        ValueError: not a number in words, or not written the way French writes it.
    """
    plain = _plain(text)
    tokens = [t for t in re.split(r"[\s-]+", plain) if t]
    if not tokens:
        raise ValueError("nombre en lettres attendu, texte vide.")
    value = _value(tokens, text)
    spellings = {number_in_words(value), number_in_words(value, reform1990=True)}
    feminine = {number_in_words(value, feminine=True)}
    if plain not in spellings | feminine:
        raise ValueError(
            f"« {text} » n'est pas l'écriture en lettres de {value} "
            f"(attendu : « {number_in_words(value)} »)."
        )
    return value


def parse_money_words(text: str) -> Decimal:
    """An amount written in French words, read back to the cent.

    « vingt-cinq mille euros » → 25000.00; « un million d'euros » → 1000000.00;
    « quatre-vingts euros et un centime » → 80.01; « zéro euro » → 0.00. The text must be
    exactly how :func:`iscg_docs.french.money_in_words` writes its value, in the
    traditional or the 1990 spelling; either apostrophe (' or ’) is accepted.

    Args:
        text: the amount in words.

    Returns:
        The amount, with two decimals.

    Raises:
        ValueError: not an amount in words, or not written the way French writes it.
    """
    plain = _plain(text)
    match = _MONEY.fullmatch(plain)
    if match is None or not (match["euros"] or match["cents"]):
        raise ValueError(f"« {text} » n'est pas un montant écrit en lettres.")
    euros = _value(re.split(r"[\s-]+", match["euros"]), text) if match["euros"] else 0
    cents = _value(re.split(r"[\s-]+", match["cents"]), text) if match["cents"] else 0
    if cents > 99:
        raise ValueError(f"« {text} » : {cents} centimes, plus d'un euro.")
    amount = Decimal(euros) + Decimal(cents) / 100
    amount = amount.quantize(Decimal("0.01"))
    spellings = {_plain(money_in_words(amount)), _plain(money_in_words(amount, reform1990=True))}
    if plain not in spellings:
        raise ValueError(
            f"« {text} » n'est pas l'écriture en lettres de {amount} € "
            f"(attendu : « {money_in_words(amount)} »)."
        )
    return amount
