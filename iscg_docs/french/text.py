"""French text: no-break spaces, enumerations, typography, elision, capitals, articles."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from iscg_docs._characters import SUPERSCRIPT_CLOSE, SUPERSCRIPT_OPEN
from iscg_docs.model.records import Gender

__all__ = [
    "NBSP",
    "NNBSP",
    "agree",
    "capitalize",
    "elides",
    "join",
    "strip_article",
    "superscript_ordinals",
    "typography",
    "with_article",
]

#: Narrow no-break space: thousands separator, and before ; ! ? (Imprimerie nationale).
NNBSP = "\u202f"
#: No-break space: before € and %, before :, inside « ».
NBSP = "\u00a0"


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


# --------------------------------------------------------------------------- elision and articles

#: The definite article of a noun phrase, by the word before it: elided, masculine, feminine.
_ARTICLES = {
    "": ("l’", "le ", "la "),
    "de": ("de l’", "du ", "de la "),
    "à": ("à l’", "au ", "à la "),
}

#: The first letters before which "le", "la", "de" elide (accents removed).
_ELIDING = frozenset("aeiouyh")

#: The articles :func:`strip_article` removes, each with the space or apostrophe after it
#: (either apostrophe: the code writes ’, a user may type ').
_LEADING_ARTICLES = ("le ", "la ", "l’", "l'", "les ", "Le ", "La ", "L’", "L'", "Les ")


def elides(text: str) -> bool:
    """Whether "le", "la", "de" elide before ``text``: a vowel, y or a mute h.

    Accents do not matter (État, Éducation). An aspirated h ("la Haute-Marne") cannot be
    told from spelling: such names need ``Party.designation`` or must start with their
    article already.

    Args:
        text: the words that follow the article.

    Returns:
        True if the first letter is a vowel, y or h, accented or not.
    """
    first = unicodedata.normalize("NFD", text.lstrip()[:1]).lower()[:1]
    return first in _ELIDING


def with_article(phrase: str, gender: Gender, after: str = "") -> str:
    """``phrase`` with its definite article, elided or contracted: "l'État", "du conseil".

    Args:
        phrase: the noun phrase, without article.
        gender: its gender, for "le" / "la".
        after: the preposition before it: "" (none), "de" or "à", contracted with the
            article ("du", "au").

    Returns:
        "l'…", "le …", "la …"; after "de": "de l'…", "du …", "de la …"; after "à":
        "à l'…", "au …", "à la …".
    """
    elided, masculine, feminine = _ARTICLES[after]
    if elides(phrase):
        return elided + phrase
    return (feminine if gender is Gender.FEMININE else masculine) + phrase


def strip_article(text: str) -> str:
    """``text`` without its leading definite article: "le Secrétaire général" → "Secrétaire général".

    Args:
        text: a noun phrase, with or without "le", "la", "l'", "les" (any capitalisation
            of the first letter).

    Returns:
        The phrase without the article; ``text`` itself when it has none.
    """
    for article in _LEADING_ARTICLES:
        if text.startswith(article):
            return text[len(article) :]
    return text


def capitalize(text: str) -> str:
    """``text`` with a capital initial, the rest unchanged: "la commune" → "La commune".

    Unlike :meth:`str.capitalize`, the rest of the text keeps its capitals.

    Args:
        text: any text.

    Returns:
        The text, its first character upper-cased.
    """
    return text[:1].upper() + text[1:]


def agree(participle: str, gender: Gender) -> str:
    """A past participle agreed with its subject: "représenté" → "représentée" (feminine).

    Args:
        participle: the masculine singular form, ending in "é" ("habilité").
        gender: the subject's gender.

    Returns:
        The participle, with "e" added for a feminine subject.
    """
    return participle + "e" if gender is Gender.FEMININE else participle


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


# An ordinal in figures as French abbreviates it: 1er, 1re, 2e, 1ers, 2es; a whole word
# (not "2021e", "A1e", "CD71-2e").
_ORDINAL = re.compile(r"(?<![\w-])(\d+)(ers?|res?|es?)(?![\w-])")


def superscript_ordinals(text: str) -> str:
    """``text`` with the suffix of each ordinal in figures marked as a superscript.

    For a .docx only: the markers (:data:`~iscg_docs._characters.SUPERSCRIPT_OPEN` and
    ``SUPERSCRIPT_CLOSE``) are written as a superscript run by the .docx engine, which
    removes them; read back, the document says "1er janvier" as before. Console and web
    text never goes through this.

    Args:
        text: any text.

    Returns:
        "1er janvier" as ``1\ue000er\ue001 janvier``; "Article 2" unchanged.
    """
    return _ORDINAL.sub(rf"\1{SUPERSCRIPT_OPEN}\2{SUPERSCRIPT_CLOSE}", text)
