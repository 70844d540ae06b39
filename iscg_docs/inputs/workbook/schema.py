"""The workbook's layout: its sheets, their columns and French headers, the Notice's texts.

Data tables only: :mod:`~iscg_docs.inputs.workbook.reader` and
:mod:`~iscg_docs.inputs.workbook.writer` both work from them, so a column is declared once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Literal

from attrs import field, frozen

from iscg_docs.model.kinds import EpciKind, Force, Gender, PartyKind, Role, SplitMethod

__all__ = [
    "AVENANTS",
    "AVENANT_KEY",
    "CADRE",
    "CONVENTIONS",
    "CONVENTION_KEY",
    "FIELD",
    "FINANCEMENT",
    "GROUPS",
    "HELP",
    "LABELS",
    "NOTICE",
    "OPTIONAL_SHEETS",
    "PARTIES",
    "POSTES",
    "REPARTITION",
    "RULES",
    "SHEETS",
    "SIGNATAIRES_AVENANTS",
    "VALUE",
    "YEAR_KEY",
    "Column",
    "Kind",
    "Sheet",
]

# --------------------------------------------------------------------------- French labels
# What the drop-down lists show, mapped to the record's value. The record values themselves
# ("epci", "police", "percent") are accepted too, as are the labels without accents or case.

LABELS: Mapping[type[StrEnum], Mapping[str, str]] = {
    PartyKind: {
        "État": PartyKind.ETAT.value,
        "Département": PartyKind.DEPARTEMENT.value,
        "commune": PartyKind.COMMUNE.value,
        "EPCI": PartyKind.EPCI.value,
        "CCAS": PartyKind.CCAS.value,
        "CIAS": PartyKind.CIAS.value,
        "association": PartyKind.ASSOCIATION.value,
        "autre": PartyKind.AUTRE.value,
    },
    EpciKind: {
        "Communauté de communes": EpciKind.COMMUNAUTE_DE_COMMUNES.value,
        "Communauté d'agglomération": EpciKind.COMMUNAUTE_D_AGGLOMERATION.value,
        "Communauté urbaine": EpciKind.COMMUNAUTE_URBAINE.value,
        "Métropole": EpciKind.METROPOLE.value,
    },
    Gender: {
        "masculin": Gender.MASCULINE.value,
        "féminin": Gender.FEMININE.value,
    },
    Role: {
        "Préfet / Préfète": Role.PREFET.value,
        "Président / Présidente": Role.PRESIDENT.value,
        "Maire": Role.MAIRE.value,
        "Procureur / Procureure": Role.PROCUREUR.value,
        "Directeur / Directrice": Role.DIRECTEUR.value,
        "Commandant / Commandante": Role.COMMANDANT.value,
        "autre": Role.AUTRE.value,
    },
    Force: {
        "Police nationale (commissariat)": Force.POLICE.value,
        "Gendarmerie": Force.GENDARMERIE.value,
    },
    SplitMethod: {
        "pourcentages": SplitMethod.PERCENT.value,
        "parts égales": SplitMethod.EQUAL.value,
        "population": SplitMethod.POPULATION.value,
    },
}

# --------------------------------------------------------------------------- layout

Kind = Literal["text", "id", "ids", "money", "number", "percent", "int", "date", "enum", "yesno"]

#: Keys of the columns that join a row to its convention or give a funding year's number.
CONVENTION_KEY = "#convention"
YEAR_KEY = "#year"
#: Key of the column giving the avenant from which a post, year or share applies.
AVENANT_KEY = "#avenant"


@frozen
class Column:
    """One column of a sheet (or one field of the « Cadre » sheet).

    Attributes:
        header: the French header, as written on row 1 (or in « Champ » for the Cadre).
        key: where the value goes in the row's record, e.g. ``("signatory", "role")``.
        kind: how a cell is read and written.
        meaning: what the column holds, for the Notice.
        fmt: the expected format, for the Notice.
        example: an example value, for the Notice.
        required: the sheet must have this column (the record cannot do without it).
        enum: for ``enum`` columns, the record enumeration (its labels are in :data:`LABELS`).
        width: column width in characters.
    """

    header: str
    key: tuple[str, ...]
    kind: Kind
    meaning: str
    fmt: str
    example: str
    required: bool = False
    enum: type[StrEnum] | None = None
    width: int = 18


def _columns(items: Iterable[Column]) -> tuple[Column, ...]:
    return tuple(items)


@frozen
class Sheet:
    """A sheet of the workbook: its name, its columns and what one row stands for."""

    name: str
    meaning: str
    columns: tuple[Column, ...] = field(converter=_columns)


_TEXT = "texte libre sur une ligne"
_ID = "identifiant : lettres non accentuées, chiffres, « _ », « - », « . »"
_DATE = "date JJ/MM/AAAA (cellule date) ou texte AAAA-MM-JJ"
_MONEY = "montant en euros, au plus deux décimales (nombre ou texte « 44 000,00 »)"
_PERCENT = "pourcentage en points : 50 pour 50 % (une cellule au format % est aussi comprise)"


_JOIN = Column(
    "Convention",
    (CONVENTION_KEY,),
    "text",
    "référence de la convention (feuille « Conventions ») à laquelle la ligne se rattache",
    "référence exacte, telle qu'écrite dans la feuille « Conventions »",
    "CD71-ISCG-2021-01",
    required=True,
    width=20,
)

#: Who signs for a party: on « Parties » (the convention's signatory) and on « Signataires
#: des avenants » (an avenant signed by someone else, a new Maire after an election).
_SIGNATORY = (
    Column(
        "Signataire : fonction",
        ("signatory", "role"),
        "enum",
        "fonction du signataire ; le titre s'accorde avec son genre",
        "liste déroulante",
        "Maire",
        enum=Role,
        width=24,
    ),
    Column(
        "Signataire : nom",
        ("signatory", "full_name"),
        "text",
        "prénom et nom imprimés sous la signature",
        _TEXT,
        "Claire Exemple",
        width=24,
    ),
    Column(
        "Signataire : genre",
        ("signatory", "gender"),
        "enum",
        "genre du signataire (« le Préfet » ou « la Préfète »)",
        "liste déroulante",
        "féminin",
        enum=Gender,
        width=12,
    ),
    Column(
        "Signataire : complément du titre",
        ("signatory", "title_suffix"),
        "text",
        "ce qui suit le titre ; pour un cosignataire service de l'État, toute la fonction "
        "(« du groupement de gendarmerie départementale de Saône-et-Loire »)",
        _TEXT,
        "du Conseil départemental",
        width=30,
    ),
    Column(
        "Signataire : titre",
        ("signatory", "title"),
        "text",
        "le titre lui-même, accordé, sans article, quand la fonction est « autre »",
        _TEXT,
        "Directrice départementale de la sécurité publique",
        width=24,
    ),
    Column(
        "Signataire : titre du délégataire",
        ("signatory", "delegate_title"),
        "text",
        "quand le signataire agit par délégation : son propre titre, avec l'article",
        _TEXT,
        "le Secrétaire général de la préfecture",
        width=30,
    ),
)

_FROM_AVENANT = Column(
    "Avenant n°",
    (AVENANT_KEY,),
    "int",
    "vide : la ligne appartient à la convention telle que signée ; un numéro : elle "
    "appartient à l'avenant de ce numéro (feuille « Avenants »), dont les lignes forment "
    "ensemble la section remplacée, entière (tous les postes, toutes les années, toute la "
    "répartition)",
    "vide, ou le numéro d'un avenant de la convention",
    "1",
    width=10,
)


CADRE = Sheet(
    "Cadre",
    "la convention cadre : une ligne par champ, colonnes « Champ » et « Valeur »",
    [
        Column(
            "Intitulé",
            ("title",),
            "text",
            "intitulé de la convention cadre",
            _TEXT,
            "Convention cadre État / Département / collectivités…",
            required=True,
        ),
        Column(
            "Identifiant de l'État",
            ("state",),
            "id",
            "identifiant de la partie État (feuille « Parties »)",
            _ID,
            "etat",
            required=True,
        ),
        Column(
            "Identifiant du Département",
            ("departement",),
            "id",
            "identifiant de la partie Département (feuille « Parties »)",
            _ID,
            "cd71",
            required=True,
        ),
        Column(
            "ETP autorisés",
            ("etp_authorised",),
            "number",
            "nombre d'équivalents temps plein autorisés par la convention cadre",
            "nombre positif",
            "6",
            required=True,
        ),
        Column(
            "Taux du Département (%)",
            ("departement_rate",),
            "percent",
            "part du reste à charge (après l'État) payée par le Département",
            _PERCENT,
            "50",
            required=True,
        ),
        Column(
            "Date d'approbation",
            ("approved_on",),
            "date",
            "date à laquelle l'assemblée a approuvé la convention cadre",
            _DATE,
            "17/12/2020",
            required=True,
        ),
        Column(
            "Approuvée par",
            ("approved_by",),
            "text",
            "organe qui a approuvé la convention cadre",
            _TEXT,
            "Assemblée départementale",
        ),
        Column(
            "N° de la délibération d'approbation",
            ("approved_number",),
            "text",
            "numéro de la délibération qui a approuvé la convention cadre, cité dans les visas",
            _TEXT,
            "2020-123",
        ),
        Column(
            "Plafond du Département par ETP et par an (€)",
            ("departement_ceiling_per_etp",),
            "money",
            "participation maximale du Département par équivalent temps plein et par an ; "
            "au-delà, le solde est à la charge des collectivités (vide : pas de plafond)",
            _MONEY,
            "15000,00",
            width=22,
        ),
        Column(
            "Tribunal administratif",
            ("tribunal_administratif",),
            "text",
            "tribunal administratif compétent pour les litiges, sans article (vide : celui "
            "que l'article R. 221-3 du code de justice administrative donne au département)",
            _TEXT,
            "tribunal administratif de Lyon",
        ),
    ],
)

PARTIES = Sheet(
    "Parties",
    "une partie par ligne (État, Département, communes, EPCI, employeurs, cosignataires), "
    "avec son signataire et la délibération qui l'autorise à signer",
    [
        Column(
            "Identifiant",
            ("id",),
            "id",
            "identifiant unique de la partie, auquel renvoient les autres feuilles",
            _ID,
            "montceau",
            required=True,
            width=16,
        ),
        Column(
            "Nature",
            ("kind",),
            "enum",
            "nature juridique de la partie",
            "liste déroulante",
            "commune",
            required=True,
            enum=PartyKind,
            width=14,
        ),
        Column(
            "Nom",
            ("name",),
            "text",
            "nom officiel, sans article",
            _TEXT,
            "Montceau-les-Mines",
            required=True,
            width=34,
        ),
        Column(
            "Catégorie d'EPCI",
            ("epci_kind",),
            "enum",
            "pour un EPCI seulement : sa catégorie",
            "liste déroulante",
            "Communauté d'agglomération",
            enum=EpciKind,
            width=26,
        ),
        Column(
            "Désignation",
            ("designation",),
            "text",
            "groupe nominal sans article, quand la désignation déduite de la nature et du "
            "nom ne convient pas",
            _TEXT,
            "commune du Creusot",
            width=34,
        ),
        Column(
            "Genre",
            ("gender",),
            "enum",
            "genre grammatical de la désignation",
            "liste déroulante",
            "féminin",
            enum=Gender,
            width=10,
        ),
        Column(
            "Adresse",
            ("address",),
            "text",
            "adresse postale",
            _TEXT,
            "Hôtel de ville, 71300 Montceau-les-Mines",
            width=40,
        ),
        Column(
            "SIREN",
            ("siren",),
            "text",
            "numéro SIREN",
            "neuf chiffres, sans espace",
            "123456782",
            width=12,
        ),
        Column(
            "Code INSEE",
            ("insee",),
            "text",
            "pour une commune ou son CCAS : son code INSEE, utile pour une commune homonyme "
            "ou d'un autre département ; vérifié avec le nom",
            "cinq caractères, en texte (« 01004 », « 2A004 »)",
            "71306",
            width=12,
        ),
        Column(
            "Hors référentiel",
            ("hors_referentiel",),
            "yesno",
            "« oui » pour une commune ou un EPCI qui manque à bon droit au Code officiel "
            "géographique (commune nouvelle plus récente que les données) : son nom n'est "
            "alors pas signalé comme inconnu, mais il est à vérifier",
            "« oui » ou vide",
            "oui",
            width=12,
        ),
        *_SIGNATORY,
        Column(
            "Délibération : organe",
            ("deliberation", "body"),
            "text",
            "organe délibérant qui autorise la signature",
            _TEXT,
            "conseil municipal",
            width=24,
        ),
        Column(
            "Délibération : date",
            ("deliberation", "date"),
            "date",
            "date de la séance",
            _DATE,
            "28/01/2021",
            width=14,
        ),
        Column(
            "Délibération : numéro",
            ("deliberation", "number"),
            "text",
            "numéro de la délibération, tel que la collectivité l'écrit",
            "texte (saisi tel quel, même s'il ne contient que des chiffres)",
            "2021-07",
            width=16,
        ),
    ],
)

CONVENTIONS = Sheet(
    "Conventions",
    "une convention triennale par ligne ; ses postes, son financement et sa répartition sont "
    "dans les feuilles suivantes, rattachés par la référence",
    [
        Column(
            "Référence",
            ("reference",),
            "text",
            "référence unique de la convention",
            _TEXT,
            "CD71-ISCG-2021-01",
            required=True,
            width=20,
        ),
        Column(
            "Territoire",
            ("territory",),
            "text",
            "nom du territoire",
            _TEXT,
            "Bassin minier",
            required=True,
            width=22,
        ),
        Column(
            "Parties",
            ("parties",),
            "ids",
            "identifiants des parties autres que l'État et le Département (collectivités, "
            "employeur), dans l'ordre où elles sont citées",
            "identifiants séparés par « ; »",
            "montceau; blanzy",
            required=True,
            width=40,
        ),
        Column(
            "Cosignataires",
            ("cosignatories",),
            "ids",
            "identifiants des cosignataires non financeurs (parquet, police, gendarmerie)",
            "identifiants séparés par « ; »",
            "parquet-macon; ddsp71",
            width=30,
        ),
        Column(
            "Lieu de signature",
            ("signed_at",),
            "text",
            "ville où la convention est signée",
            _TEXT,
            "Mâcon",
            required=True,
            width=16,
        ),
        Column(
            "Date de signature",
            ("signed_on",),
            "date",
            "date de signature, si connue",
            _DATE,
            "08/03/2021",
            width=14,
        ),
        Column(
            "Date de début",
            ("period", "start"),
            "date",
            "premier jour de la convention",
            _DATE,
            "01/01/2021",
            required=True,
            width=14,
        ),
        Column(
            "Durée (années)",
            ("period", "years"),
            "int",
            "durée en années (3 par défaut)",
            "nombre entier de 1 à 10",
            "3",
            width=10,
        ),
        Column(
            "Méthode de répartition",
            ("funding", "split_method"),
            "enum",
            "comment les collectivités se partagent le reste à charge (« pourcentages » par "
            "défaut)",
            "liste déroulante",
            "pourcentages",
            enum=SplitMethod,
            width=18,
        ),
        Column(
            "Taux du Département (%)",
            ("funding", "departement_rate"),
            "percent",
            "taux du Département propre à cette convention ; vide : celui de la convention cadre",
            _PERCENT,
            "50",
            width=14,
        ),
    ],
)

POSTES = Sheet(
    "Postes",
    "un lieu d'exercice d'un intervenant social par ligne",
    [
        _JOIN,
        Column(
            "Identifiant",
            ("id",),
            "id",
            "identifiant du poste dans sa convention",
            _ID,
            "bm-commissariat",
            required=True,
            width=20,
        ),
        Column(
            "Force",
            ("force",),
            "enum",
            "commissariat de police nationale ou gendarmerie",
            "liste déroulante",
            "Gendarmerie",
            required=True,
            enum=Force,
            width=28,
        ),
        Column(
            "Site",
            ("site",),
            "text",
            "commissariat ou unité de gendarmerie",
            _TEXT,
            "commissariat de police de Mâcon",
            required=True,
            width=40,
        ),
        Column(
            "Commune",
            ("commune",),
            "text",
            "commune où se trouve le site",
            _TEXT,
            "Mâcon",
            required=True,
            width=20,
        ),
        Column(
            "Quotité (ETP)",
            ("quotite",),
            "number",
            "temps de travail en ETP",
            "nombre supérieur à 0 et au plus 1 (0,5 pour un mi-temps)",
            "0,5",
            required=True,
            width=12,
        ),
        Column(
            "Employeur",
            ("employer",),
            "id",
            "identifiant de la partie qui emploie l'intervenant (elle doit être partie à la "
            "convention)",
            _ID,
            "montceau",
            required=True,
            width=16,
        ),
        Column(
            "Poste partagé",
            ("job",),
            "id",
            "même identifiant sur les lignes d'un même intervenant partagé entre plusieurs "
            "lieux (poste mixte ou mutualisé)",
            _ID,
            "iscg-bassin-minier",
            width=20,
        ),
        Column(
            "Commune hors référentiel",
            ("hors_referentiel",),
            "yesno",
            "« oui » si la commune du site manque à bon droit au Code officiel géographique",
            "« oui » ou vide",
            "oui",
            width=12,
        ),
        _FROM_AVENANT,
    ],
)

FINANCEMENT = Sheet(
    "Financement",
    "une année de convention par ligne : le coût des postes et la participation de l'État "
    "(en montant ou en taux, pas les deux ; 0 si l'État ne participe pas)",
    [
        _JOIN,
        Column(
            "Année n°",
            (YEAR_KEY,),
            "int",
            "numéro de l'année dans la convention",
            "1, 2, 3… sans doublon ni trou",
            "1",
            required=True,
            width=10,
        ),
        Column(
            "Coût annuel (€)",
            ("cost",),
            "money",
            "coût annuel des postes (salaires, charges, frais)",
            _MONEY,
            "44000,00",
            required=True,
            width=16,
        ),
        Column(
            "Participation de l'État : montant (€)",
            ("state", "amount"),
            "money",
            "participation de l'État (FIPD) en euros",
            _MONEY,
            "20000,00",
            width=22,
        ),
        Column(
            "Participation de l'État : taux (%)",
            ("state", "rate"),
            "percent",
            "participation de l'État (FIPD) en pourcentage du coût",
            _PERCENT,
            "40",
            width=22,
        ),
        Column(
            "Participation de l'État prévisionnelle",
            ("state", "provisional"),
            "yesno",
            "« oui » si la participation de l'État de l'année n'est pas encore attribuée : "
            "la convention parle alors de « montant prévisionnel »",
            "« oui » ou vide",
            "oui",
            width=16,
        ),
        _FROM_AVENANT,
    ],
)

REPARTITION = Sheet(
    "Répartition",
    "une collectivité qui paie une part du reste à charge par ligne",
    [
        _JOIN,
        Column(
            "Partie",
            ("party",),
            "id",
            "identifiant de la collectivité (elle doit être partie à la convention)",
            _ID,
            "blanzy",
            required=True,
            width=16,
        ),
        Column(
            "Pourcentage (%)",
            ("percent",),
            "percent",
            "sa part, pour la méthode « pourcentages » (le total fait 100)",
            _PERCENT,
            "17,5",
            width=14,
        ),
        Column(
            "Population",
            ("population",),
            "int",
            "sa population, pour la méthode « population »",
            "nombre entier d'habitants",
            "12000",
            width=12,
        ),
        _FROM_AVENANT,
    ],
)

AVENANTS = Sheet(
    "Avenants",
    "un avenant par ligne : il remplace, entières, les sections qu'il donne (parties, "
    "cosignataires, durée sur cette ligne ; postes, financement et répartition par les "
    "lignes des autres feuilles qui portent son numéro)",
    [
        _JOIN,
        Column(
            "Numéro",
            ("number",),
            "int",
            "numéro de l'avenant : 1, 2, 3… dans l'ordre de signature",
            "nombre entier à partir de 1, sans trou",
            "1",
            required=True,
            width=10,
        ),
        Column(
            "Objet",
            ("object",),
            "text",
            "ce que l'avenant modifie, sans article initial",
            _TEXT,
            "participation de l'État (FIPD) pour 2023",
            required=True,
            width=40,
        ),
        Column(
            "Lieu de signature",
            ("signed_at",),
            "text",
            "ville où l'avenant est signé",
            _TEXT,
            "Mâcon",
            required=True,
            width=16,
        ),
        Column(
            "Date de signature",
            ("signed_on",),
            "date",
            "date de signature de l'avenant, si connue",
            _DATE,
            "12/04/2023",
            width=14,
        ),
        Column(
            "Parties",
            ("parties",),
            "ids",
            "vide : inchangées ; sinon toutes les parties autres que l'État et le Département "
            "après l'avenant (une collectivité entre ou sort)",
            "identifiants séparés par « ; »",
            "bli; louhans",
            width=30,
        ),
        Column(
            "Cosignataires",
            ("cosignatories",),
            "ids",
            "vide : inchangés ; sinon tous les cosignataires non financeurs après l'avenant",
            "identifiants séparés par « ; »",
            "parquet-macon",
            width=24,
        ),
        Column(
            "Date de début",
            ("period", "start"),
            "date",
            "avec « Durée (années) », la nouvelle durée (prolongation) ; vide : inchangée",
            _DATE,
            "01/01/2021",
            width=14,
        ),
        Column(
            "Durée (années)",
            ("period", "years"),
            "int",
            "la nouvelle durée en années ; vide : inchangée",
            "nombre entier de 1 à 10",
            "4",
            width=10,
        ),
        Column(
            "Méthode de répartition",
            ("funding", "split_method"),
            "enum",
            "si l'avenant remplace le financement : la méthode de répartition (« pourcentages » "
            "par défaut)",
            "liste déroulante",
            "parts égales",
            enum=SplitMethod,
            width=18,
        ),
        Column(
            "Taux du Département (%)",
            ("funding", "departement_rate"),
            "percent",
            "si l'avenant remplace le financement : le taux du Département propre à la "
            "convention ; vide : celui de la convention cadre",
            _PERCENT,
            "50",
            width=14,
        ),
    ],
)

SIGNATAIRES_AVENANTS = Sheet(
    "Signataires des avenants",
    "une ligne par partie dont l'avenant est signé par une autre personne que le signataire "
    "de la convention (un nouveau maire après une élection) ; les autres parties signent "
    "par le signataire de la feuille « Parties »",
    [
        _JOIN,
        Column(
            "Avenant n°",
            (AVENANT_KEY,),
            "int",
            "numéro de l'avenant (feuille « Avenants ») que cette personne signe",
            "numéro d'un avenant de la convention",
            "1",
            required=True,
            width=10,
        ),
        Column(
            "Partie",
            ("party",),
            "id",
            "identifiant de la partie pour laquelle la personne signe (feuille « Parties »)",
            _ID,
            "louhans",
            required=True,
            width=16,
        ),
        *_SIGNATORY,
    ],
)

#: Every sheet that is read back, in workbook order (the Notice comes first and is not read).
SHEETS: tuple[Sheet, ...] = (
    CADRE,
    PARTIES,
    CONVENTIONS,
    POSTES,
    FINANCEMENT,
    REPARTITION,
    AVENANTS,
    SIGNATAIRES_AVENANTS,
)

#: Sheets a workbook may leave out: a workbook made before avenants existed has none.
OPTIONAL_SHEETS: tuple[Sheet, ...] = (AVENANTS, SIGNATAIRES_AVENANTS)

NOTICE = "Notice"
FIELD, VALUE, HELP = "Champ", "Valeur", "Aide"
GROUPS = {
    "signatory": "Signataire : …",
    "deliberation": "Délibération : …",
    "state": "Participation de l'État : …",
}
RULES = (
    "Une feuille par sorte d'enregistrement ; les feuilles se rattachent par des identifiants "
    "(parties) et par la référence de la convention (postes, financement, répartition).",
    "La première ligne de chaque feuille porte les en-têtes : ne les renommez pas. Les lignes "
    "vides sont ignorées, ainsi que les colonnes dont l'en-tête commence par « Commentaire » ou "
    "« Remarque ».",
    "Dans la feuille « Cadre », seules les colonnes « Champ » et « Valeur » sont lues ; "
    "« Aide » rappelle le sens de chaque champ.",
    "Montants : au plus deux décimales, en nombre ou en texte (« 44 000,00 » ou « 44000.00 »). "
    "Un résultat de formule comme 0,30000000000000004 est refusé : arrondissez-le (ARRONDI).",
    "Pourcentages en points : 50 pour 50 %. Dates : cellule date, ou texte JJ/MM/AAAA ou "
    "AAAA-MM-JJ.",
    "Formules : le résultat enregistré par Excel ou LibreOffice est lu ; un classeur produit par "
    "un programme doit être ouvert puis enregistré pour que ses formules soient calculées.",
    "Noms de lieux : le nom d'un Département, d'une commune (et de son CCAS) ou d'un EPCI, et "
    "la commune de chaque poste, sont vérifiés avec le Code officiel géographique de l'INSEE ; "
    "un nom introuvable est signalé avec les noms officiels les plus proches. Les SIREN, "
    "codes INSEE et catégories d'EPCI donnés doivent concorder avec ces données ; un nom qui "
    "y manque à bon droit (commune nouvelle plus récente que les données) se signale par "
    "« oui » dans la colonne « Hors référentiel ».",
    "Listes déroulantes : le libellé affiché est traduit en valeur (voir la colonne « Valeurs "
    "possibles ») ; la valeur elle-même est aussi acceptée.",
    "Avenants : une ligne par avenant dans la feuille « Avenants ». Un avenant remplace des "
    "sections entières : les lignes des feuilles « Postes », « Financement » et « Répartition » "
    "dont la colonne « Avenant n° » porte son numéro forment ses nouveaux postes, son nouveau "
    "financement (toutes les années) et sa nouvelle répartition ; les lignes sans numéro sont "
    "celles de la convention telle que signée. Le financement remplacé donne toujours ses "
    "années et sa répartition.",
)
