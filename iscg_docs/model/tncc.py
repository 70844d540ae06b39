"""The TNCC of the Code officiel géographique: a place name's article and linking words.

Pure grammar, no data: given an official name and its TNCC (« type de nom en clair »),
:func:`with_article`, :func:`of` and :func:`to` write « le Rhône », « du Rhône »,
« au Creusot ». The COG writes a commune's article inside its name (« Le Creusot »,
TNCC 2) and a département's outside (« Rhône », TNCC 2); both give « du … ».
Apostrophes are straight, as in the COG's names and the documents.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

__all__ = ["Tncc", "of", "split_article", "to", "with_article"]


class Tncc(IntEnum):
    """The COG's « type de nom en clair »: a name's article and its link after « de »."""

    DE = 0  # no article, « de »: Saône-et-Loire, Hannapes (aspirated h)
    D = 1  # no article, « d' »: Eure-et-Loir, Hirson (mute h)
    LE = 2  # « le », « du »: (le) Rhône, Le Creusot
    LA = 3  # « la », « de la »: (la) Haute-Saône, La Clayette
    LES = 4  # « les », « des »: (les) Hauts-de-Seine, Les Bizots
    L = 5  # « l' », « de l' »: (l')Ain, L'Abergement-de-Cuisery
    AUX = 6  # « aux », « des »: Aux Marais
    LAS = 7  # « las », « de las »
    LOS = 8  # « los », « de los »: Los Masos


#: The article of each TNCC, as the COG writes it at the start of a commune's name.
_ARTICLES: Final = {
    Tncc.LE: "Le ",
    Tncc.LA: "La ",
    Tncc.LES: "Les ",
    Tncc.L: "L'",
    Tncc.AUX: "Aux ",
    Tncc.LAS: "Las ",
    Tncc.LOS: "Los ",
}
#: « de » and « à » before a name whose article is not written in it (a département's).
_OF: Final = {
    Tncc.DE: "de ",
    Tncc.D: "d'",
    Tncc.LE: "du ",
    Tncc.LA: "de la ",
    Tncc.LES: "des ",
    Tncc.L: "de l'",
    Tncc.AUX: "des ",
    Tncc.LAS: "de las ",
    Tncc.LOS: "de los ",
}
_TO: Final = {
    Tncc.DE: "à ",
    Tncc.D: "à ",
    Tncc.LE: "au ",
    Tncc.LA: "à la ",
    Tncc.LES: "aux ",
    Tncc.L: "à l'",
    Tncc.AUX: "aux ",
    Tncc.LAS: "à las ",
    Tncc.LOS: "à los ",
}
#: The articles that contract with « de » and « à » (du, des, au, aux) and so vanish
#: from a name that carries them: « du Creusot », « des Bizots », « des Marais ».
_CONTRACTED: Final = {Tncc.LE, Tncc.LES, Tncc.AUX}


def split_article(name: str, tncc: int) -> tuple[str, str]:
    """A name's written article and the rest: ``("Le ", "Creusot")``, ``("", "Rhône")``.

    The article counts as written when the name starts with the TNCC's article,
    capitalised, as the COG writes communes (« Le Creusot », « L'Abergement-de-Cuisery »,
    either apostrophe); a département's name carries none (« Rhône »).

    Args:
        name: an official name.
        tncc: its TNCC (0 to 8).

    Returns:
        The article exactly as written (empty if none) and the rest of the name.

    Raises:
        ValueError: a TNCC outside 0 to 8.
    """
    article = _ARTICLES.get(Tncc(tncc))
    if article is None:
        return "", name
    for written in (article, article.replace("'", "’")):
        if name.startswith(written) and len(name) > len(written):
            return written, name[len(written) :]
    return "", name


def with_article(name: str, tncc: int) -> str:
    """A name with its article, as it reads inside a sentence: « le Rhône », « l'Ain ».

    A name that carries its article keeps it as written: « Le Creusot », « La Clayette ».

    Raises:
        ValueError: a TNCC outside 0 to 8.
    """
    kind = Tncc(tncc)
    written, _ = split_article(name, kind)
    if written or kind not in _ARTICLES:
        return name
    return _ARTICLES[kind].lower() + name


def _linked(name: str, tncc: int, table: dict[Tncc, str], plain: str) -> str:
    kind = Tncc(tncc)
    written, rest = split_article(name, kind)
    if not written:
        return table[kind] + name
    if kind in _CONTRACTED:
        return table[kind] + rest
    return plain + name


def of(name: str, tncc: int) -> str:
    """A name after « de », as the TNCC says: « du Rhône », « de La Clayette », « d'Hirson ».

    The article written in a commune's name contracts (« du Creusot », « des Bizots »,
    « des Marais » for Aux Marais) or stays as written (« de La Clayette », « de
    L'Abergement-de-Cuisery »); a département's is added (« de l'Ain », « des
    Hauts-de-Seine », « de la Haute-Saône »).

    Args:
        name: an official name.
        tncc: its TNCC (0 to 8).

    Returns:
        The linked form, apostrophes straight as in the COG.

    Raises:
        ValueError: a TNCC outside 0 to 8.
    """
    return _linked(name, tncc, _OF, "de ")


def to(name: str, tncc: int) -> str:
    """A name after « à »: « au Creusot », « aux Bizots », « à La Clayette », « à Hirson ».

    Meant for places (« Fait au Creusot »); a département without article reads « en
    Saône-et-Loire » in French, which this does not attempt.

    Raises:
        ValueError: a TNCC outside 0 to 8.
    """
    return _linked(name, tncc, _TO, "à ")
