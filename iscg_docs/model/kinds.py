"""The closed vocabularies of the records: kinds of party, offices, forces, split methods."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "COLLECTIVITY_KINDS",
    "EpciKind",
    "Force",
    "Gender",
    "PartyKind",
    "Role",
    "SplitMethod",
]


class Gender(StrEnum):
    """Grammatical gender, for agreement of articles and titles."""

    MASCULINE = "m"
    FEMININE = "f"


class PartyKind(StrEnum):
    """What kind of legal person a party is."""

    ETAT = "etat"
    DEPARTEMENT = "departement"
    COMMUNE = "commune"
    EPCI = "epci"
    CCAS = "ccas"
    CIAS = "cias"
    ASSOCIATION = "association"
    AUTRE = "autre"


#: Kinds that are collectivities (or their public bodies) and sign under a deliberation.
COLLECTIVITY_KINDS = frozenset(
    {PartyKind.DEPARTEMENT, PartyKind.COMMUNE, PartyKind.EPCI, PartyKind.CCAS, PartyKind.CIAS}
)


class EpciKind(StrEnum):
    """The sort of an EPCI à fiscalité propre."""

    COMMUNAUTE_DE_COMMUNES = "communaute_de_communes"
    COMMUNAUTE_D_AGGLOMERATION = "communaute_d_agglomeration"
    COMMUNAUTE_URBAINE = "communaute_urbaine"
    METROPOLE = "metropole"


class Role(StrEnum):
    """The office a signatory holds; the French title is derived with gender agreement."""

    PREFET = "prefet"
    PRESIDENT = "president"
    MAIRE = "maire"
    PROCUREUR = "procureur"
    DIRECTEUR = "directeur"
    COMMANDANT = "commandant"
    AUTRE = "autre"


class Force(StrEnum):
    """Where an ISCG works: a police station or a gendarmerie unit."""

    POLICE = "police"
    GENDARMERIE = "gendarmerie"


class SplitMethod(StrEnum):
    """How the collectivities share what remains after the State and the Département."""

    PERCENT = "percent"
    EQUAL = "equal"
    POPULATION = "population"
