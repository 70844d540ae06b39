"""The tribunal administratif competent for a framework's département (CJA, art. R. 221-3)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Final

from iscg_docs.errors import Problem, Severity, format_path
from iscg_docs.model.places import framework_departement, referentiel
from iscg_docs.model.records import Framework

__all__ = ["RESSORTS", "problems", "tribunal_administratif", "tribunal_for_code", "warnings"]

#: The seat and territorial jurisdiction of the metropolitan tribunaux administratifs, as
#: article R. 221-3 of the code de justice administrative fixes them (version in force
#: since the décret n° 2015-1444 of 6 November 2015; where it was read is in
#: docs/references.md). The names are the article's, one département each (the article
#: writes « Nord - Pas-de-Calais » and « ville de Paris »). The overseas tribunaux bear
#: the name of their territory (art. R. 221-1), not read here: a framework there names its
#: tribunal itself (``Framework.tribunal_administratif``).
RESSORTS: Final[dict[str, tuple[str, ...]]] = {
    "tribunal administratif d’Amiens": ("Aisne", "Oise", "Somme"),
    "tribunal administratif de Bastia": ("Corse-du-Sud", "Haute-Corse"),
    "tribunal administratif de Besançon": ("Doubs", "Jura", "Haute-Saône", "Territoire de Belfort"),
    "tribunal administratif de Bordeaux": ("Dordogne", "Gironde", "Lot-et-Garonne"),
    "tribunal administratif de Caen": ("Calvados", "Manche", "Orne"),
    "tribunal administratif de Cergy-Pontoise": ("Hauts-de-Seine", "Val-d'Oise"),
    "tribunal administratif de Châlons-en-Champagne": ("Ardennes", "Aube", "Marne", "Haute-Marne"),
    "tribunal administratif de Clermont-Ferrand": (
        "Allier",
        "Cantal",
        "Haute-Loire",
        "Puy-de-Dôme",
    ),
    "tribunal administratif de Dijon": ("Côte-d'Or", "Nièvre", "Saône-et-Loire", "Yonne"),
    "tribunal administratif de Grenoble": ("Drôme", "Isère", "Savoie", "Haute-Savoie"),
    "tribunal administratif de Lille": ("Nord", "Pas-de-Calais"),
    "tribunal administratif de Limoges": ("Corrèze", "Creuse", "Indre", "Haute-Vienne"),
    "tribunal administratif de Lyon": ("Ain", "Ardèche", "Loire", "Rhône"),
    "tribunal administratif de Marseille": (
        "Alpes-de-Haute-Provence",
        "Hautes-Alpes",
        "Bouches-du-Rhône",
    ),
    "tribunal administratif de Melun": ("Seine-et-Marne", "Val-de-Marne"),
    "tribunal administratif de Montpellier": ("Aude", "Hérault", "Pyrénées-Orientales"),
    "tribunal administratif de Montreuil": ("Seine-Saint-Denis",),
    "tribunal administratif de Nancy": ("Meurthe-et-Moselle", "Meuse", "Vosges"),
    "tribunal administratif de Nantes": (
        "Loire-Atlantique",
        "Maine-et-Loire",
        "Mayenne",
        "Sarthe",
        "Vendée",
    ),
    "tribunal administratif de Nice": ("Alpes-Maritimes",),
    "tribunal administratif de Nîmes": ("Gard", "Lozère", "Vaucluse"),
    "tribunal administratif d’Orléans": (
        "Cher",
        "Eure-et-Loir",
        "Indre-et-Loire",
        "Loir-et-Cher",
        "Loiret",
    ),
    "tribunal administratif de Paris": ("Paris",),
    "tribunal administratif de Pau": (
        "Gers",
        "Landes",
        "Pyrénées-Atlantiques",
        "Hautes-Pyrénées",
    ),
    "tribunal administratif de Poitiers": (
        "Charente",
        "Charente-Maritime",
        "Deux-Sèvres",
        "Vienne",
    ),
    "tribunal administratif de Rennes": (
        "Côtes-d'Armor",
        "Finistère",
        "Ille-et-Vilaine",
        "Morbihan",
    ),
    "tribunal administratif de Rouen": ("Eure", "Seine-Maritime"),
    "tribunal administratif de Strasbourg": ("Moselle", "Bas-Rhin", "Haut-Rhin"),
    "tribunal administratif de Toulon": ("Var",),
    "tribunal administratif de Toulouse": (
        "Ariège",
        "Aveyron",
        "Haute-Garonne",
        "Lot",
        "Tarn",
        "Tarn-et-Garonne",
    ),
    "tribunal administratif de Versailles": ("Essonne", "Yvelines"),
}


@functools.cache
def _by_code() -> dict[str, str]:
    """The table by département code (« 71 », « 2A »), the names read in the COG."""
    return {
        referentiel().departement(name).code: tribunal
        for tribunal, names in RESSORTS.items()
        for name in names
    }


def tribunal_for_code(code: str) -> str | None:
    """The tribunal administratif of the département ``code`` in :data:`RESSORTS`, or None."""
    return _by_code().get(code.upper())


def tribunal_administratif(framework: Framework) -> str | None:
    """The tribunal competent for the framework, without article: « tribunal administratif de Lyon ».

    ``Framework.tribunal_administratif`` when the data name it; otherwise the table's
    entry for the département the Département party names; None when neither is known
    (:func:`problems` reports it).
    """
    if framework.tribunal_administratif is not None:
        return framework.tribunal_administratif
    departement = framework_departement(framework)
    return None if departement is None else tribunal_for_code(departement.code)


def _hors_referentiel(framework: Framework) -> bool:
    try:
        return framework.party(framework.departement).hors_referentiel
    except KeyError:
        return False


def problems(framework: Framework) -> Iterator[Problem]:
    """An error when no tribunal administratif is known for the framework."""
    if tribunal_administratif(framework) is not None:
        return
    departement = framework_departement(framework)
    if departement is None and not _hors_referentiel(framework):
        return  # the unknown Département is reported already (places.problems)
    where = "" if departement is None else f" {departement.of}"
    yield Problem(
        "tribunal-administratif",
        format_path(("tribunal_administratif",)),
        f"le tribunal administratif compétent pour le Département{where} n'est pas connu de "
        "la table des ressorts (code de justice administrative, art. R. 221-3) : indiquez-le "
        "dans la convention cadre, sans article (tribunal_administratif = « tribunal "
        "administratif de … »).",
    )


def _same(a: str, b: str) -> bool:
    """The same tribunal, whatever the case, spaces or apostrophe typed."""

    def key(text: str) -> str:
        return " ".join(text.replace("’", "'").split()).casefold()

    return key(a) == key(b)


def warnings(framework: Framework) -> Iterator[Problem]:
    """A warning when the tribunal the framework names is not the table's.

    The territorial jurisdiction is the code's, not the parties' choice; a different
    name may be a slip (a framework copied from another département).
    """
    named = framework.tribunal_administratif
    departement = framework_departement(framework)
    if named is None or departement is None:
        return
    table = tribunal_for_code(departement.code)
    if table is None or _same(named, table):
        return
    yield Problem(
        "tribunal-administratif",
        format_path(("tribunal_administratif",)),
        f"la convention cadre cite le « {named} », mais l'article R. 221-3 du code de justice "
        f"administrative donne le Département {departement.of} au « {table} » : "
        "vérifiez ce choix.",
        severity=Severity.WARNING,
    )
