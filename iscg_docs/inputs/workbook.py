"""Read and write a framework as an Excel workbook: one sheet per kind of record, in French.

Legal and finance services keep their figures in spreadsheets. This module reads a workbook
(``.xlsx``, through openpyxl) into the same plain data the TOML loader produces, so that
:func:`~iscg_docs.inputs.structure.structure` and the validation apply unchanged, and writes
documented workbooks (drop-down lists, a « Notice » sheet) to be filled in.

Layout (headers on row 1, one record per row, empty rows ignored):

==============  ============================================================================
« Cadre »       the framework, one field per row: columns « Champ » and « Valeur »
« Parties »     one party per row, its signatory and deliberation on the same row
« Conventions » one convention per row; parties and co-signatories separated by « ; »
« Postes »      one post per row, joined to its convention by « Convention » (reference)
« Financement » one year per row (« Année n° » 1, 2, 3…) of a convention
« Répartition » one paying collectivity per row of a convention
« Notice »      what each column means, its format, an example (not read back)
==============  ============================================================================

openpyxl is imported inside the functions that need it, so importing this module (or the
command line) does not pay for it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from attrs import field, frozen

from iscg_docs.errors import (
    InputError,
    OutputError,
    PathPart,
    Problem,
    ValidationError,
    format_path,
    os_reason,
)
from iscg_docs.model.records import EpciKind, Force, Gender, PartyKind, Role, SplitMethod

__all__ = [
    "LABELS",
    "SHEETS",
    "Column",
    "Sheet",
    "WorkbookReading",
    "locate",
    "read_workbook",
    "scan_workbook",
    "write_workbook",
    "write_workbook_template",
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

Kind = Literal["text", "id", "ids", "money", "number", "percent", "int", "date", "enum"]

#: Keys of the columns that join a row to its convention or give a funding year's number.
_CONVENTION = "#convention"
_YEAR = "#year"


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
    (_CONVENTION,),
    "text",
    "référence de la convention (feuille « Conventions ») à laquelle la ligne se rattache",
    "référence exacte, telle qu'écrite dans la feuille « Conventions »",
    "CD71-ISCG-2021-01",
    required=True,
    width=20,
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
    ],
)

PARTIES = Sheet(
    "Parties",
    "une partie par ligne (État, Département, communes, EPCI, employeurs, co-signataires), "
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
            "ce qui suit le titre",
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
            "identifiants des co-signataires non financeurs (parquet, police, gendarmerie)",
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
            (_YEAR,),
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
    ],
)

#: Every sheet that is read back, in workbook order (the Notice comes first and is not read).
SHEETS: tuple[Sheet, ...] = (CADRE, PARTIES, CONVENTIONS, POSTES, FINANCEMENT, REPARTITION)

NOTICE = "Notice"
_FIELD, _VALUE, _HELP = "Champ", "Valeur", "Aide"
_GROUPS = {
    "signatory": "Signataire : …",
    "deliberation": "Délibération : …",
    "state": "Participation de l'État : …",
}
_RULES = (
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
    "Listes déroulantes : le libellé affiché est traduit en valeur (voir la colonne « Valeurs "
    "possibles ») ; la valeur elle-même est aussi acceptée.",
)


# --------------------------------------------------------------------------- reading


@frozen
class WorkbookReading:
    """What :func:`scan_workbook` found in a workbook.

    Attributes:
        data: the plain data, shaped like the TOML loader's.
        locations: data path (``conventions[0].posts[1].quotite``) → French location
            (« Feuille « Postes », ligne 4, colonne « Quotité (ETP) » »).
        problems: what the workbook itself gets wrong (missing sheet or column, unknown
            convention, unreadable cell), each with its location.
        covered: data paths whose cell was refused; later problems under them repeat it.
    """

    data: dict[str, Any]
    locations: dict[str, str]
    problems: tuple[Problem, ...]
    covered: frozenset[str]

    def covers(self, path: str) -> bool:
        """True if ``path`` is, or lies under, a cell that was already reported."""
        return any(prefix in self.covered for prefix in _prefixes(path))


def read_workbook(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Read a workbook into plain data and a map from data path to location.

    Args:
        path: the ``.xlsx`` file.

    Returns:
        The plain data (as :func:`iscg_docs.inputs.loading.read_data` gives for TOML) and, for
        every data path, where it stands in the workbook, in French.

    Raises:
        InputError: the file is missing or is not a readable workbook.
        ValidationError: the workbook's layout or cells are wrong, every problem located.
    """
    reading = scan_workbook(path)
    if reading.problems:
        raise ValidationError(f"Classeur invalide : {path}", reading.problems)
    return reading.data, reading.locations


def scan_workbook(path: str | os.PathLike[str]) -> WorkbookReading:
    """Read a workbook, collecting its problems instead of raising them.

    :func:`iscg_docs.inputs.loading.load` uses it to report the workbook's problems together with
    those the records and the validation find.

    Raises:
        InputError: the file is missing or is not a readable workbook.
    """
    values = _open(Path(path), data_only=True)
    formulas = _open(Path(path), data_only=False)
    return _Reader(values, formulas).read()


def locate(problems: Iterable[Problem], locations: Mapping[str, str]) -> list[Problem]:
    """Give each problem the location of the longest known prefix of its path.

    Problems that already have a location keep it.
    """
    out = []
    for p in problems:
        where = p.location
        if where is None:
            where = next((locations[k] for k in _prefixes(p.path) if k in locations), None)
        out.append(Problem(p.code, p.path, p.message, where))
    return out


def _prefixes(path: str) -> Iterator[str]:
    """``a.b[1].c``, then ``a.b[1]``, ``a.b``, ``a``: the path and its ancestors."""
    yield path
    for i in range(len(path) - 1, 0, -1):
        if path[i] in ".[":
            yield path[:i]


def _open(path: Path, *, data_only: bool) -> Any:
    import openpyxl  # lazily: the CLI must not pay for it at start-up
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise InputError("fichier introuvable.", str(path))
    try:
        with warnings.catch_warnings():
            # Excel's extended data validation and conditional formatting are dropped on
            # reading; only cell values matter here.
            warnings.filterwarnings(
                "ignore",
                message=r".* extension is not supported and will be removed",
                category=UserWarning,
            )
            return openpyxl.load_workbook(path, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError) as e:
        raise InputError(
            f"ce fichier n'est pas un classeur Excel (.xlsx) lisible ({type(e).__name__}) ; "
            "enregistrez-le au format « Classeur Excel (.xlsx) ».",
            str(path),
        ) from None
    except OSError as e:
        raise InputError(f"lecture impossible ({os_reason(e)}).", str(path)) from None


class _Bad(Exception):
    """A cell that cannot be read: a code and a French message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message


def _norm(text: str) -> str:
    """Compare labels and headers without case, accents, apostrophe style or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _cell_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


@frozen
class _Row:
    sheet: Sheet
    number: int
    cells: dict[Column, Any]  # column → openpyxl cell
    headers: dict[Column, str]  # column → header as written in the file

    def where(self, column: Column | None = None) -> str:
        here = f"Feuille « {self.sheet.name} », ligne {self.number}"
        return f"{here}, colonne « {self.headers[column]} »" if column else here


class _Reader:
    def __init__(self, values: Any, formulas: Any) -> None:
        self.values = values
        self.formulas = formulas
        self.problems: list[Problem] = []
        self.locations: dict[str, str] = {}
        self.covered: set[str] = set()
        self.formula_sheets: dict[str, Any] = {}

    def read(self) -> WorkbookReading:
        data: dict[str, Any] = {}
        self._cadre(data)
        self.locations["parties"] = f"Feuille « {PARTIES.name} »"
        self.locations["conventions"] = f"Feuille « {CONVENTIONS.name} »"
        parties = self._rows(PARTIES)
        if parties is None:
            self.covered.add("parties")
        else:
            data["parties"] = [self._fill(row, ("parties", i)) for i, row in enumerate(parties)]
        conventions = self._rows(CONVENTIONS)
        index: dict[str, int] = {}
        if conventions is None:
            self.covered.add("conventions")
        else:
            data["conventions"] = []
            for i, row in enumerate(conventions):
                conv = self._fill(row, ("conventions", i))
                conv.setdefault("funding", {})
                data["conventions"].append(conv)
                ref = conv.get("reference")
                if isinstance(ref, str):
                    index.setdefault(ref, i)
                    for what, sheet in (
                        ("posts", POSTES),
                        ("funding.years", FINANCEMENT),
                        ("funding.split", REPARTITION),
                    ):
                        self.locations[f"conventions[{i}].{what}"] = (
                            f"Feuille « {sheet.name} », lignes de la convention « {ref} »"
                        )
        convs: list[dict[str, Any]] = data.get("conventions", [])
        for conv in convs:
            conv["posts"] = []
            conv["funding"]["years"] = []
            conv["funding"]["split"] = []
        for i, rows in self._joined(POSTES, index, len(convs), "posts").items():
            convs[i]["posts"] = [
                self._fill(row, ("conventions", i, "posts", k)) for k, row in enumerate(rows)
            ]
        for i, rows in self._joined(REPARTITION, index, len(convs), "funding.split").items():
            convs[i]["funding"]["split"] = [
                self._fill(row, ("conventions", i, "funding", "split", k))
                for k, row in enumerate(rows)
            ]
        for i, rows in self._joined(FINANCEMENT, index, len(convs), "funding.years").items():
            convs[i]["funding"]["years"] = self._years(rows, i, convs[i].get("reference"))
        return WorkbookReading(data, self.locations, tuple(self.problems), frozenset(self.covered))

    # ------------------------------------------------------------------ problems

    def _problem(self, code: str, path: str, message: str, location: str) -> None:
        self.problems.append(Problem(code, path, message, location))

    # ------------------------------------------------------------------ sheets

    def _sheet(self, sheet: Sheet) -> tuple[Any, Any] | None:
        names = {_norm(n): n for n in self.values.sheetnames}
        name = names.get(_norm(sheet.name))
        if name is None:
            self._problem(
                "missing-sheet",
                "$",
                f"la feuille « {sheet.name} » ({sheet.meaning}) est absente du classeur ; "
                "partez du modèle (iscg-docs workbook-template) pour avoir toutes les feuilles.",
                f"Feuille « {sheet.name} »",
            )
            return None
        return self.values[name], self.formulas[name]

    def _header(self, sheet: Sheet, ws: Any, columns: Sequence[Column]) -> dict[int, Column]:
        """Map column numbers to the columns they hold, reporting unknown or missing ones."""
        by_name = {_norm(c.header): c for c in columns}
        found: dict[int, Column] = {}
        seen: set[Column] = set()
        for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
            header = _cell_text(cell.value)
            if not header or _norm(header).startswith(("commentaire", "remarque")):
                continue
            where = f"Feuille « {sheet.name} », ligne 1, colonne {cell.column_letter}"
            column = by_name.get(_norm(header))
            if column is None:
                known = ", ".join(f"« {c.header} »" for c in columns)
                self._problem(
                    "unknown-column",
                    "$",
                    f"colonne inconnue « {header} » ; colonnes possibles : {known} (une colonne "
                    "de notes doit commencer par « Commentaire »).",
                    where,
                )
            elif column in seen:
                self._problem(
                    "duplicate-column", "$", f"la colonne « {header} » figure deux fois.", where
                )
            else:
                seen.add(column)
                found[cell.column] = column
        for column in columns:
            if column.required and column not in seen:
                self._problem(
                    "missing-column",
                    "$",
                    f"la colonne obligatoire « {column.header} » est absente ({column.meaning}).",
                    f"Feuille « {sheet.name} », ligne 1",
                )
        return found

    def _rows(self, sheet: Sheet) -> list[_Row] | None:
        """The non-empty rows of a table sheet, or ``None`` if the sheet is missing."""
        pair = self._sheet(sheet)
        if pair is None:
            return None
        ws, wf = pair
        columns = self._header(sheet, ws, sheet.columns)
        headers = {c: _cell_text(ws.cell(1, n).value) for n, c in columns.items()}
        rows = []
        for r, cells in enumerate(ws.iter_rows(min_row=2), start=2):
            mine = {columns[c.column]: c for c in cells if c.column in columns}
            if all(self._empty(c, wf) for c in mine.values()):
                continue
            rows.append(_Row(sheet, r, mine, headers))
        self.formula_sheets[sheet.name] = wf
        return rows

    @staticmethod
    def _empty(cell: Any, wf: Any) -> bool:
        value = cell.value
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return False
        return not _is_formula(wf[cell.coordinate].value)

    def _joined(
        self, sheet: Sheet, index: Mapping[str, int], count: int, what: str
    ) -> dict[int, list[_Row]]:
        """The rows of ``sheet`` grouped by the index of the convention they refer to.

        If the sheet is missing, that is the problem: the conventions' empty ``what``
        lists are not reported once more.
        """
        rows = self._rows(sheet)
        groups: dict[int, list[_Row]] = {}
        join = sheet.columns[0]
        if rows is None or any(join not in row.cells for row in rows):
            # No sheet, or no « Convention » column (already reported): nothing to attach.
            self.covered.update(f"conventions[{i}].{what}" for i in range(count))
            return groups
        for row in rows:
            try:
                ref = self._value(row, join)
            except _Bad as bad:
                self._problem(bad.code, "$", bad.message, row.where(join))
                continue
            if ref is None:
                self._problem(
                    "missing-convention",
                    "$",
                    "indiquez la référence de la convention à laquelle cette ligne se rattache.",
                    row.where(join) if join in row.cells else row.where(),
                )
            elif ref not in index:
                self._problem(
                    "unknown-convention",
                    "$",
                    f"aucune convention n'a la référence « {ref} » dans la feuille "
                    f"« {CONVENTIONS.name} » ; cette ligne est ignorée.",
                    row.where(join),
                )
            else:
                groups.setdefault(index[ref], []).append(row)
        return groups

    def _years(self, rows: list[_Row], i: int, ref: object) -> list[dict[str, Any]]:
        """The funding years of convention ``i``, ordered by their number, without gaps."""
        year_col = FINANCEMENT.columns[1]
        numbered: dict[int, _Row] = {}
        if any(year_col not in row.cells for row in rows):
            self.covered.add(f"conventions[{i}].funding.years")  # missing column reported
            return []
        for row in rows:
            try:
                number = self._value(row, year_col)
            except _Bad as bad:
                self._problem(bad.code, "$", bad.message, row.where(year_col))
                continue
            if not isinstance(number, int) or number < 1:
                self._problem(
                    "year-number",
                    "$",
                    f"le numéro d'année est un nombre entier à partir de 1 ({number!r} donné) ; "
                    "cette ligne est ignorée.",
                    row.where(year_col) if year_col in row.cells else row.where(),
                )
            elif number in numbered:
                self._problem(
                    "duplicate-year",
                    "$",
                    f"l'année n° {number} de la convention « {ref} » figure déjà ligne "
                    f"{numbered[number].number} ; cette ligne est ignorée.",
                    row.where(year_col),
                )
            else:
                numbered[number] = row
        path = f"conventions[{i}].funding.years"
        for missing in sorted(set(range(1, max(numbered, default=0) + 1)) - set(numbered)):
            self._problem(
                "missing-year",
                path,
                f"l'année n° {missing} de la convention « {ref} » n'a pas de ligne ; "
                "numérotez les années 1, 2, 3… sans en sauter.",
                f"Feuille « {FINANCEMENT.name} »",
            )
        return [
            self._fill(numbered[n], ("conventions", i, "funding", "years", j))
            for j, n in enumerate(sorted(numbered))
        ]

    def _cadre(self, data: dict[str, Any]) -> None:
        pair = self._sheet(CADRE)
        if pair is None:
            self.covered.update(format_path(c.key) for c in CADRE.columns)
            return
        ws, wf = pair
        self.formula_sheets[CADRE.name] = wf
        field_col = value_col = None
        for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
            header = _norm(_cell_text(cell.value))
            if header == _norm(_FIELD) and field_col is None:
                field_col = cell.column
            elif header == _norm(_VALUE) and value_col is None:
                value_col = cell.column
        for name, col in ((_FIELD, field_col), (_VALUE, value_col)):
            if col is None:
                self._problem(
                    "missing-column",
                    "$",
                    f"la colonne « {name} » est absente : la feuille « {CADRE.name} » a deux "
                    f"colonnes, « {_FIELD} » (le nom du champ) et « {_VALUE} ».",
                    f"Feuille « {CADRE.name} », ligne 1",
                )
        if field_col is None or value_col is None:
            self.covered.update(format_path(c.key) for c in CADRE.columns)
            return
        by_label = {_norm(c.header): c for c in CADRE.columns}
        seen: dict[Column, int] = {}
        for r in range(2, ws.max_row + 1):
            label = _cell_text(ws.cell(r, field_col).value)
            value_cell = ws.cell(r, value_col)
            if not label:
                if not self._empty(value_cell, wf):
                    self._problem(
                        "unknown-field",
                        "$",
                        f"une valeur sans nom de champ ; indiquez le champ dans « {_FIELD} ».",
                        f"Feuille « {CADRE.name} », ligne {r}, colonne « {_FIELD} »",
                    )
                continue
            column = by_label.get(_norm(label))
            if column is None:
                known = ", ".join(f"« {c.header} »" for c in CADRE.columns)
                self._problem(
                    "unknown-field",
                    "$",
                    f"champ inconnu « {label} » ; champs possibles : {known}.",
                    f"Feuille « {CADRE.name} », ligne {r}, colonne « {_FIELD} »",
                )
                continue
            if column in seen:
                self._problem(
                    "duplicate-field",
                    "$",
                    f"le champ « {column.header} » figure déjà ligne {seen[column]}.",
                    f"Feuille « {CADRE.name} », ligne {r}, colonne « {_FIELD} »",
                )
                continue
            seen[column] = r
            row = _Row(CADRE, r, {column: value_cell}, {column: _VALUE})
            data.update(self._fill(row, ()))
        for column in CADRE.columns:
            if column not in seen:
                self.locations[format_path(column.key)] = (
                    f"Feuille « {CADRE.name} », champ « {column.header} » (ligne absente)"
                )

    # ------------------------------------------------------------------ cells

    def _fill(self, row: _Row, prefix: tuple[PathPart, ...]) -> dict[str, Any]:
        """The record of one row, with every cell's location registered under ``prefix``."""
        if prefix:
            self.locations[format_path(prefix)] = row.where()
        record: dict[str, Any] = {}
        for column in row.sheet.columns:
            if column.key[0].startswith("#"):
                continue
            path = format_path((*prefix, *column.key))
            if column not in row.cells:
                if column.required and row.sheet is not CADRE:
                    self.covered.add(path)  # the missing column is reported once
                continue
            self.locations[path] = row.where(column)
            if len(column.key) > 1 and column.key[0] in _GROUPS:
                group = format_path((*prefix, column.key[0]))
                self.locations[group] = f"{row.where()}, colonnes « {_GROUPS[column.key[0]]} »"
            try:
                value = self._value(row, column)
            except _Bad as bad:
                self._problem(bad.code, path, bad.message, row.where(column))
                self.covered.add(path)
                continue
            if value is None:
                continue
            target = record
            for part in column.key[:-1]:
                target = target.setdefault(part, {})
            target[column.key[-1]] = value
        return record

    def _value(self, row: _Row, column: Column) -> Any:
        cell = row.cells.get(column)
        if cell is None:
            return None
        value = cell.value
        if cell.data_type == "e":
            raise _Bad(
                "formula-error",
                f"la formule de cette cellule donne une erreur ({value}) ; corrigez-la.",
            )
        if value is None or (isinstance(value, str) and not value.strip()):
            formula = self.formula_sheets[row.sheet.name][cell.coordinate].value
            if _is_formula(formula):
                raise _Bad(
                    "formula-not-computed",
                    "cette cellule contient une formule dont le résultat n'est pas enregistré "
                    "dans le fichier : ouvrez le classeur dans Excel ou LibreOffice et "
                    "enregistrez-le pour qu'il soit recalculé.",
                )
            return None
        return _convert(column, value, cell.number_format or "")


def _is_formula(value: object) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in {"ArrayFormula", "DataTableFormula"}


def _convert(column: Column, value: object, number_format: str) -> Any:
    """A cell value as the structurer expects it for ``column``'s kind."""
    if isinstance(value, str):
        value = value.strip()
    kind = column.kind
    if isinstance(value, bool):
        raise _Bad("type", f"une valeur VRAI/FAUX n'a pas de sens ici ({value!r}).")
    if isinstance(value, dt.time | dt.timedelta) or (
        isinstance(value, dt.date) and kind not in ("date",)
    ):
        raise _Bad(
            "type",
            "le tableur a lu cette valeur comme une date ou une heure ; saisissez-la comme texte "
            "(précédée d'une apostrophe) ou changez le format de la cellule en « Texte ».",
        )
    if kind in ("text", "id"):
        return _number_text(value) if isinstance(value, int | float) else value
    if kind == "ids":
        text = _number_text(value) if isinstance(value, int | float) else str(value)
        return [part.strip() for part in re.split(r"[;,]", text) if part.strip()]
    if kind in ("money", "number", "percent"):
        return _decimal(kind, value, number_format)
    if kind == "int":
        return _int(value)
    if kind == "date":
        return _date(value)
    return _choice(column, value)


def _number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _decimal(kind: str, value: object, number_format: str) -> Any:
    if not isinstance(value, int | float):
        return value  # text: the structurer strips spaces and reads a decimal comma
    # Excel stores every number as a binary double; the shortest repr is what was typed.
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if not number.is_finite():
        raise _Bad("not-finite", f"un nombre fini est attendu ({value!r}).")
    if kind == "percent" and "%" in number_format:
        number *= 100  # a cell formatted as a percentage holds 0.5 for 50 %
    if kind == "money":
        if number.as_tuple().exponent > -2:  # type: ignore[operator]
            number = number.quantize(Decimal("0.01"))  # exact: only adds zeros
        return number
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def _int(value: object) -> Any:
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad("integer", f"un nombre entier est attendu ({value!r} donné).")
        return int(value)
    if isinstance(value, str):
        digits = value.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        if digits.isdigit():
            return int(digits)
        raise _Bad("integer", f"un nombre entier est attendu ({value!r} donné).")
    return value


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise _Bad("date", f"une date sans heure est attendue ({value.isoformat()} donné).")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                pass
    raise _Bad(
        "date",
        f"une date est attendue : cellule au format date, ou texte JJ/MM/AAAA ou AAAA-MM-JJ "
        f"({value!r} donné).",
    )


def _choice(column: Column, value: object) -> str:
    assert column.enum is not None
    labels = LABELS[column.enum]
    accepted = {_norm(label): v for label, v in labels.items()}
    accepted.update({_norm(v): v for v in labels.values()})
    if isinstance(value, str) and _norm(value) in accepted:
        return accepted[_norm(value)]
    allowed = ", ".join(f"« {label} »" for label in labels)
    raise _Bad("choice", f"valeur inattendue {value!r} ; valeurs possibles : {allowed}.")


# --------------------------------------------------------------------------- writing


def write_workbook_template(path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Write an empty, documented workbook to fill in.

    Raises:
        OutputError: the file exists (and ``overwrite`` is false) or cannot be written.
    """
    write_workbook(path, None, overwrite=overwrite)


def write_workbook(
    path: str | os.PathLike[str],
    data: Mapping[str, Any] | None = None,
    *,
    overwrite: bool = False,
    note: str | None = None,
) -> None:
    """Write a documented workbook, filled with ``data`` if given.

    The file is written to a temporary file in the same folder, then moved into place, so a
    reader never sees half a workbook.

    Args:
        path: the ``.xlsx`` file to write.
        data: plain data shaped like the TOML loader's (a framework, its parties and
            conventions); ``None`` writes an empty workbook.
        overwrite: replace the file if it exists.
        note: a warning shown on the Notice and Cadre sheets (e.g. that figures are
            illustrative).

    Raises:
        OutputError: the file exists (and ``overwrite`` is false) or cannot be written.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputError(
            "le fichier existe déjà ; choisissez un autre nom ou autorisez le remplacement.",
            str(target),
        )
    workbook = _build(data or {}, note)
    _save_atomically(workbook, target, overwrite=overwrite)


def _save_atomically(workbook: Any, target: Path, *, overwrite: bool) -> None:
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"le dossier « {folder} » n'existe pas.", str(target))
    # Not tempfile.mkstemp: its 0600 mode would stick to the workbook; open() obeys the umask.
    tmp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        with tmp.open("xb"):
            pass
        workbook.save(tmp)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_or_move(tmp, target)
    except FileExistsError:
        raise OutputError(
            "le fichier existe déjà ; choisissez un autre nom ou autorisez le remplacement.",
            str(target),
        ) from None
    except OSError as e:
        raise OutputError(f"écriture impossible ({os_reason(e)}).", str(target)) from None
    finally:
        tmp.unlink(missing_ok=True)


def _link_or_move(tmp: Path, target: Path) -> None:
    """Put ``tmp`` at ``target`` unless ``target`` exists, even if it appeared meanwhile."""
    try:
        os.link(tmp, target)  # fails with FileExistsError: no silent overwrite
    except FileExistsError:
        raise
    except OSError:
        # Some file systems (FAT, some network shares) have no hard links.
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.replace(tmp, target)


def _build(data: Mapping[str, Any], note: str | None) -> Any:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    workbook.properties.creator = "iscg-docs"
    notice = workbook.active
    notice.title = NOTICE
    _notice(notice, note, Font, Alignment)

    cadre = workbook.create_sheet(CADRE.name)
    for n, (header, width) in enumerate(((_FIELD, 30), (_VALUE, 60), (_HELP, 60)), start=1):
        cadre.cell(1, n, header).font = Font(bold=True)
        cadre.column_dimensions[_letter(n)].width = width
    cadre.freeze_panes = "A2"
    for r, column in enumerate(CADRE.columns, start=2):
        cadre.cell(r, 1, column.header)
        cell = cadre.cell(r, 2, _to_cell(column, _get(data, column.key)))
        _style_value(cell, column)
        cadre.cell(r, 3, f"{column.meaning} — {column.fmt}")
    if note:
        cadre.column_dimensions["E"].width = 70
        warning = cadre.cell(1, 5, note)
        warning.font = Font(bold=True, color="C00000")
        warning.alignment = Alignment(wrap_text=True, vertical="top")

    conventions = list(data.get("conventions") or [])
    rows: dict[str, list[dict[tuple[str, ...], Any]]] = {
        PARTIES.name: [_flat(p) for p in data.get("parties") or []],
        CONVENTIONS.name: [_flat(c) for c in conventions],
        POSTES.name: [],
        FINANCEMENT.name: [],
        REPARTITION.name: [],
    }
    for conv in conventions:
        ref = conv.get("reference")
        funding = conv.get("funding") or {}
        for post in conv.get("posts") or []:
            rows[POSTES.name].append({(_CONVENTION,): ref, **_flat(post)})
        for n, year in enumerate(funding.get("years") or [], start=1):
            rows[FINANCEMENT.name].append({(_CONVENTION,): ref, (_YEAR,): n, **_flat(year)})
        for share in funding.get("split") or []:
            rows[REPARTITION.name].append({(_CONVENTION,): ref, **_flat(share)})

    for sheet in SHEETS[1:]:
        ws = workbook.create_sheet(sheet.name)
        _table(ws, sheet, rows[sheet.name], Font)
    workbook.active = 0
    return workbook


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def _get(data: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    value: Any = data
    for part in key:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _flat(record: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, (*prefix, key)))
        else:
            out[(*prefix, key)] = value
    return out


_ROWS_WITH_LISTS = 1000  # drop-down lists cover this many rows of each sheet


def _table(ws: Any, sheet: Sheet, rows: list[dict[tuple[str, ...], Any]], font: Any) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    last = max(_ROWS_WITH_LISTS, len(rows) + 100)
    for n, column in enumerate(sheet.columns, start=1):
        letter = _letter(n)
        ws.cell(1, n, column.header).font = font(bold=True)
        ws.column_dimensions[letter].width = max(column.width, len(column.header) + 2)
        for r, row in enumerate(rows, start=2):
            cell = ws.cell(r, n, _to_cell(column, row.get(column.key)))
            _style_value(cell, column)
        validation = None
        if column.enum is not None:
            choices = ",".join(LABELS[column.enum])
            validation = DataValidation(
                type="list",
                formula1=f'"{choices}"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Valeur non prévue",
                error="Choisissez une valeur de la liste (voir la feuille « Notice »).",
            )
        elif column.key in {(_CONVENTION,), ("employer",), ("party",)}:
            source = CONVENTIONS if column.key == (_CONVENTION,) else PARTIES
            # A warning only: the user may type an identifier before declaring it.
            validation = DataValidation(
                type="list",
                formula1=f"{source.name}!$A$2:$A${last}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="Identifiant inconnu",
                error=f"Cet identifiant n'est pas (encore) dans la feuille « {source.name} ».",
            )
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"


def _style_value(cell: Any, column: Column) -> None:
    if column.kind == "date":
        cell.number_format = "DD/MM/YYYY"
    elif column.kind == "money":
        cell.number_format = "#,##0.00"
    elif column.kind in ("text", "id", "ids"):
        cell.number_format = "@"  # keep "2021" or "0042" as typed


def _to_cell(column: Column, value: Any) -> Any:
    """A plain-data value as the cell should hold it (labels for choices, numbers…)."""
    if value is None:
        return None
    kind = column.kind
    if kind == "ids" and isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if kind == "enum" and column.enum is not None and isinstance(value, str):
        labels = {v: label for label, v in LABELS[column.enum].items()}
        return labels.get(value, value)
    if kind in ("money", "number", "percent") and isinstance(value, str | int | Decimal):
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            return str(value)
        # Written as a number only if the binary double gives back exactly the same value.
        if number.is_finite() and Decimal(repr(float(number))) == number:
            return number
        return str(value)
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _notice(ws: Any, note: str | None, font: Any, alignment: Any) -> None:
    ws.cell(1, 1, "Notice — classeur de saisie iscg-docs").font = font(bold=True, size=14)
    r = 2
    if note:
        ws.cell(r, 1, note).font = font(bold=True, color="C00000")
        r += 1
    for rule in _RULES:
        ws.cell(r, 1, rule)
        r += 1
    r += 1
    headers = (
        "Feuille",
        "Colonne",
        "Signification",
        "Format attendu",
        "Exemple",
        "Valeurs possibles (libellé → valeur)",
    )
    widths = (14, 34, 60, 40, 28, 60)
    for n, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        ws.cell(r, n, header).font = font(bold=True)
        ws.column_dimensions[_letter(n)].width = width
    ws.freeze_panes = ws.cell(r + 1, 1)
    for sheet in SHEETS:
        r += 1
        ws.cell(r, 1, sheet.name).font = font(bold=True)
        ws.cell(r, 3, sheet.meaning[:1].upper() + sheet.meaning[1:] + ".")
        for column in sheet.columns:
            r += 1
            values = ""
            if column.enum is not None:
                values = " ; ".join(f"« {k} » → {v}" for k, v in LABELS[column.enum].items())
            what = column.meaning + (" (obligatoire)" if column.required else "")
            for n, text in enumerate(
                (sheet.name, column.header, what, column.fmt, column.example, values), start=1
            ):
                cell = ws.cell(r, n, text)
                cell.alignment = alignment(wrap_text=True, vertical="top")
                cell.number_format = "@"
