"""The Code officiel géographique: every département, current commune and EPCI of France.

The data ship with the package (``cog.json.gz``, rebuilt by ``tools/update_referentiel.py``
from Etalab's ``@etalab/decoupage-administratif``) and are read on the first call to
:func:`referentiel`, never at ``import iscg_docs``. Names match whatever their case,
accents, hyphens, apostrophes and spaces; a name not found comes with the closest official
names, in French. The grammar (:func:`of`, :func:`to`, :func:`with_article`) and the
matching key (:func:`normalise`) are :mod:`iscg_docs.model.place_names`', re-exported.
"""

from __future__ import annotations

import functools
import json
import os
import zlib
from enum import StrEnum
from typing import Any, Final

from attrs import frozen

from iscg_docs.errors import InputError, IscgError, os_reason
from iscg_docs.model.place_names import (
    LIMIT,
    Tncc,
    closest_keys,
    normalise,
    of,
    split_article,
    to,
    with_article,
)

__all__ = [
    "DATA_FILE",
    "AmbiguousName",
    "Commune",
    "Departement",
    "Epci",
    "EpciCategory",
    "Referentiel",
    "ReferentielError",
    "Source",
    "Tncc",
    "UnknownName",
    "load",
    "normalise",
    "of",
    "referentiel",
    "split_article",
    "to",
    "with_article",
]

#: The data file's name, inside the ``iscg_docs.model`` package.
DATA_FILE: Final = "cog.json.gz"
#: The layout this module reads; ``tools/update_referentiel.py`` writes the same number.
FORMAT: Final = 1
_TOOL: Final = "tools/update_referentiel.py"
#: ``zlib`` reads the gzip container (header and CRC) with this, faster than ``gzip``.
_GZIP: Final = 16 + zlib.MAX_WBITS

#: A TNCC as the data file writes it (one digit) → the enum, faster than ``Tncc(int())``.
_TNCCS: Final = {str(t.value): t for t in Tncc}


# --------------------------------------------------------------------------- records


class EpciCategory(StrEnum):
    """An EPCI's legal category, as the DGCL's list writes it (``nature_juridique``)."""

    CC = "CC"
    CA = "CA"
    CU = "CU"
    METRO = "METRO"
    #: The Métropole de Lyon: a collectivité à statut particulier, listed with the EPCI.
    MET69 = "MET69"

    @property
    def label(self) -> str:
        """The category in words: « communauté d'agglomération », « métropole »."""
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS: Final = {
    EpciCategory.CC: "communauté de communes",
    EpciCategory.CA: "communauté d'agglomération",
    EpciCategory.CU: "communauté urbaine",
    EpciCategory.METRO: "métropole",
    EpciCategory.MET69: "métropole",
}


@frozen
class Source:
    """Where the data come from, as the data file records it."""

    package: str
    version: str
    #: SHA-256 of the npm tarball the file was built from.
    sha256: str
    #: The package's licence (package.json): MIT.
    licence: str
    #: The data's licence, as the package's README states it.
    data_licence: str
    origin: str
    #: The COG's year the package follows (2026 for version 6.0.0).
    cog: int | None
    #: Which population the communes carry (« population municipale »).
    population: str


@frozen
class Departement:
    """A département: ``Departement("69", "Rhône", Tncc.LE, "84")``."""

    code: str
    #: The official name, without its article (« Rhône », « Hauts-de-Seine »).
    name: str
    tncc: Tncc
    #: The code of its région.
    region: str

    @property
    def with_article(self) -> str:
        """« le Rhône », « l'Ain », « Saône-et-Loire »."""
        return with_article(self.name, self.tncc)

    @property
    def of(self) -> str:
        """« du Rhône », « de l'Ain », « des Hauts-de-Seine », « de Saône-et-Loire »."""
        return of(self.name, self.tncc)


@frozen
class Commune:
    """A current commune (« commune actuelle »)."""

    insee: str
    #: The official name, with its article (« Le Creusot », « L'Abergement-de-Cuisery »).
    name: str
    tncc: Tncc
    #: The code of its département (``"71"``, ``"2A"``, ``"974"``).
    departement: str
    siren: str
    #: The legal population (population municipale) of :attr:`population_millesime`.
    population: int
    population_millesime: int
    #: The SIREN of its EPCI à fiscalité propre; None for the few islands in none.
    epci_siren: str | None

    @property
    def with_article(self) -> str:
        """The name as it reads in a sentence; a commune's carries its article already."""
        return with_article(self.name, self.tncc)

    @property
    def of(self) -> str:
        """« du Creusot », « de La Clayette », « d'Hirson », « de Hannapes »."""
        return of(self.name, self.tncc)

    @property
    def to(self) -> str:
        """« au Creusot », « à La Clayette », « à Hirson »."""
        return to(self.name, self.tncc)


@frozen
class Epci:
    """An EPCI à fiscalité propre (or the Métropole de Lyon) and its member communes.

    The data give no TNCC for EPCI: their names are the DGCL's « raison sociale », which
    abbreviates the category (« CA Mâconnais Beaujolais Agglomération », « CC du
    Clunisois »).
    """

    siren: str
    name: str
    category: EpciCategory
    #: The INSEE codes of its member communes, sorted.
    members: tuple[str, ...]

    @property
    def stem(self) -> str:
        """The name without the category's abbreviation: « du Clunisois », « Metz Métropole »."""
        head, _, rest = self.name.partition(" ")
        return rest if head == self.category.value and rest else self.name

    @property
    def long_name(self) -> str:
        """The name with its abbreviation spelt out: « communauté de communes du Clunisois »."""
        stem = self.stem
        return self.name if stem == self.name else f"{self.category.label} {stem}"


# --------------------------------------------------------------------------- errors


class ReferentielError(InputError):
    """The shipped data file cannot be read: missing, truncated, corrupt, another format.

    Args:
        message: what is wrong, in French, naming the tool that rebuilds the file.
        source: the data file.
    """


class UnknownName(IscgError, LookupError):
    """A name or code found nowhere in the referential; :attr:`suggestions` may help.

    Args:
        message: the full French message, suggestions included.
        kind: ``"commune"``, ``"departement"`` or ``"epci"``.
        query: what was looked up, as given.
        suggestions: the official names the message offers, best first.
    """

    def __init__(
        self, message: str, kind: str, query: str, suggestions: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, kind, query, suggestions)
        self.message = message
        self.kind = kind
        self.query = query
        self.suggestions = suggestions

    def __str__(self) -> str:
        return self.message


class AmbiguousName(IscgError, LookupError):
    """A name several places bear (« La Haye »): a département or a SIREN tells them apart.

    Args:
        message: the full French message, candidates included.
        kind: ``"commune"`` or ``"epci"``.
        query: what was looked up, as given.
        candidates: each candidate as the message shows it: « La Haye (Manche, 50) ».
    """

    def __init__(self, message: str, kind: str, query: str, candidates: tuple[str, ...]) -> None:
        super().__init__(message, kind, query, candidates)
        self.message = message
        self.kind = kind
        self.query = query
        self.candidates = candidates

    def __str__(self) -> str:
        return self.message


def _unknown(kind: str, query: str, what: str, suggestions: tuple[str, ...]) -> UnknownName:
    """« « X » n'est pas …[ ; vouliez-vous dire « A », « B » ou « C » ?] »."""
    message = f"« {query} » {what}"
    if suggestions:
        quoted = [f"« {s} »" for s in suggestions]
        choice = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " ou " + quoted[-1]
        message += f" ; vouliez-vous dire {choice} ?"
    else:
        message += "."
    return UnknownName(message, kind, query, suggestions)


# --------------------------------------------------------------------------- the referential


class Referentiel:
    """The départements, current communes and EPCI of one data file, and lookups in them.

    Get it from :func:`referentiel` (the shipped data, read once) or :func:`load`. A
    département's communes become records on the first lookup that needs them; a lookup
    across France (a commune without département, an INSEE code) first indexes every
    name and code, once.

    Attributes:
        source: where the data come from.
        population_millesime: the vintage of the legal populations.
        population_exceptions: the départements whose populations have another vintage
            (Mayotte, « 976 », in version 6.0.0).
    """

    def __init__(self, header: dict[str, Any], body: bytes, source_name: str) -> None:
        self._file = source_name
        src, pop = header["source"], header["population"]
        self.source = Source(
            package=src["paquet"],
            version=src["version"],
            sha256=src["sha256"],
            licence=src["licence"],
            data_licence=src["licence_donnees"],
            origin=src["origine"],
            cog=src["cog"],
            population=pop["nature"],
        )
        self.population_millesime = int(pop["millesime"])
        self.population_exceptions = {k: int(v) for k, v in pop["exceptions"].items()}
        if len(body) != header["taille"]:
            raise ValueError(f"{len(body)} octets de tables au lieu de {header['taille']}")
        self._body = body
        self._ranges: dict[str, list[int]] = header["tables"]
        self._departements: dict[str, Departement] = {}
        self._departement_keys: dict[str, str] = {}
        for code, name, tncc, region in self._table("departements"):
            dep = Departement(code, name, _TNCCS[tncc], region)
            self._departements[code] = dep
            self._departement_keys[normalise(name)] = code
            self._departement_keys.setdefault(normalise(dep.with_article), code)
        self._communes: dict[str, dict[str, Commune]] = {}  # département → key → commune
        self._by_code: dict[str, Commune] = {}  # the communes parsed so far

    def _table(self, name: str) -> list[list[str]]:
        """A table's lines, split into fields (the tool's ``champs``)."""
        start, end = self._ranges[name]
        text = self._body[start:end].decode("utf-8")
        return [line.split("\t") for line in text.split("\n")] if text else []

    @property
    def departements(self) -> tuple[Departement, ...]:
        """Every département, by code."""
        return tuple(self._departements.values())

    def departement(self, key: str | Departement) -> Departement:
        """A département by code (« 71 », « 2a », « 974 ») or name (« saone et loire », « le Rhône »).

        Raises:
            UnknownName: no such département; the message offers the closest names.
        """
        if isinstance(key, Departement):
            key = key.code
        code = key.strip().upper()
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        found = self._departements.get(code)
        if found is None:
            found = self._departements.get(self._departement_keys.get(normalise(key), ""))
        if found is not None:
            return found
        names = {normalise(d.name): d.name for d in self._departements.values()}
        near = tuple(names[k] for k in closest_keys(key, names, LIMIT))
        raise _unknown("departement", key, "n'est pas un département", near)

    def _parsed(self, code: str) -> dict[str, Commune]:
        """A département's communes by normalised name, parsed on first use."""
        table = self._communes.get(code)
        if table is None:
            year = self.population_exceptions.get(code, self.population_millesime)
            table = {}
            try:
                for insee, name, tncc, siren, population, epci in self._table(f"communes/{code}"):
                    commune = Commune(
                        insee, name, _TNCCS[tncc], code, siren, int(population), year, epci or None
                    )
                    table[normalise(name)] = self._by_code[insee] = commune
            except (ValueError, TypeError, KeyError) as e:
                raise _corrupt(self._file, e) from None
            self._communes[code] = table
        return table

    @functools.cached_property
    def _france(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Two indexes of every commune, built without records on the first need.

        Returns:
            The départements having a commune of each normalised name, and the
            département of each INSEE code.
        """
        names: dict[str, list[str]] = {}
        codes: dict[str, str] = {}
        try:
            for dep in self._departements:
                start, end = self._ranges[f"communes/{dep}"]
                for line in self._body[start:end].decode("utf-8").split("\n"):
                    insee, name, _ = line.split("\t", 2)
                    names.setdefault(normalise(name), []).append(dep)
                    codes[insee] = dep
        except (ValueError, KeyError) as e:
            raise _corrupt(self._file, e) from None
        return names, codes

    def homonyms(self, name: str) -> list[Commune]:
        """The communes of France bearing ``name`` (as :func:`normalise` compares), maybe none."""
        key = normalise(name)
        return [self._parsed(code)[key] for code in self._france[0].get(key, [])]

    def communes(self, departement: str | Departement) -> tuple[Commune, ...]:
        """Every current commune of a département, by INSEE code.

        Raises:
            UnknownName: no such département.
        """
        table = self._parsed(self.departement(departement).code)
        return tuple(sorted(table.values(), key=lambda c: c.insee))

    def _described(self, commune: Commune) -> str:
        """« La Haye (Manche, 50) »."""
        dep = self._departements[commune.departement]
        return f"{commune.name} ({dep.name}, {dep.code})"

    def commune(self, name: str, departement: str | Departement | None = None) -> Commune:
        """A current commune by name, in a département (code, name or record) or in France.

        Args:
            name: the commune's name, matched as :func:`normalise` says.
            departement: where to look; without it the name must be unique in France.

        Raises:
            UnknownName: no such commune (there). The message offers the closest names in
                the département, or else the communes of that name elsewhere.
            AmbiguousName: without département, several communes bear the name.
        """
        key = normalise(name)
        if departement is None:
            matches = self.homonyms(key)
            if len(matches) == 1:
                return matches[0]
            shown = tuple(self._described(c) for c in matches)
            if shown:
                message = (
                    f"plusieurs communes s'appellent « {name} » : {', '.join(shown)} ; "
                    "précisez le département."
                )
                raise AmbiguousName(message, "commune", name, shown)
            near = tuple(self._described(c) for c in self.closest_communes(name))
            raise _unknown("commune", name, "n'est le nom d'aucune commune", near)
        dep = self.departement(departement)
        table = self._parsed(dep.code)
        found = table.get(key)
        if found is not None:
            return found
        what = f"n'est pas une commune {dep.of}"
        near = tuple(table[k].name for k in closest_keys(name, table, LIMIT))
        elsewhere = tuple(self._described(c) for c in self.homonyms(key))
        if near or not elsewhere:
            raise _unknown("commune", name, what, near)
        if len(elsewhere) == 1:
            others = "d'une commune d'un autre département"
        else:
            others = "de communes d'autres départements"
        message = f"« {name} » {what} ; ce nom est celui {others} : {', '.join(elsewhere)}."
        raise UnknownName(message, "commune", name, elsewhere)

    def commune_by_code(self, insee: str) -> Commune:
        """A current commune by its INSEE code (« 71306 », « 2A004 »).

        Raises:
            UnknownName: no current commune has this code.
        """
        code = insee.strip().upper()
        departement = self._france[1].get(code)
        if departement is not None:
            self._parsed(departement)
        found = self._by_code.get(code)
        if found is None:
            message = f"« {insee} » n'est le code INSEE d'aucune commune actuelle."
            raise UnknownName(message, "commune", insee)
        return found

    def closest_communes(
        self, name: str, departement: str | Departement | None = None, limit: int = LIMIT
    ) -> tuple[Commune, ...]:
        """The communes whose names come closest to ``name``, best first (maybe none).

        Args:
            name: a name, maybe misspelt.
            departement: where to look; without it, all of France (homonyms all count).
            limit: at most this many.

        Raises:
            UnknownName: no such département.
        """
        if departement is None:
            keys = closest_keys(name, self._france[0], limit)
            return tuple(c for k in keys for c in self.homonyms(k))[:limit]
        table = self._parsed(self.departement(departement).code)
        return tuple(table[k] for k in closest_keys(name, table, limit))

    @functools.cached_property
    def _epcis(self) -> dict[str, Epci]:
        """The EPCI by SIREN, parsed on first use."""
        try:
            return {
                siren: Epci(siren, name, EpciCategory(category), tuple(members.split(" ")))
                for siren, name, category, members in self._table("epcis")
            }
        except (ValueError, TypeError) as e:
            raise _corrupt(self._file, e) from None

    @functools.cached_property
    def _epci_keys(self) -> dict[str, list[str]]:
        """SIRENs by normalised name, stem and long name."""
        keys: dict[str, list[str]] = {}
        for e in self._epcis.values():
            for key in {normalise(e.name), normalise(e.stem), normalise(e.long_name)}:
                keys.setdefault(key, []).append(e.siren)
        return keys

    @property
    def epcis(self) -> tuple[Epci, ...]:
        """Every EPCI, by SIREN."""
        return tuple(self._epcis.values())

    def epci(self, key: str) -> Epci:
        """An EPCI by SIREN (spaces ignored) or name, with or without its category.

        « Mâconnais Beaujolais Agglomération », « CA Mâconnais Beaujolais Agglomération »
        and « communauté d'agglomération Mâconnais-Beaujolais Agglomération » all find it.

        Raises:
            UnknownName: no such EPCI; the message offers the closest names.
            AmbiguousName: several EPCI bear the name (« du Sud »).
        """
        siren = "".join(key.split())
        if siren.isdigit() and len(siren) == 9:
            found = self._epcis.get(siren)
            if found is None:
                message = f"« {key} » n'est le SIREN d'aucun EPCI à fiscalité propre."
                raise UnknownName(message, "epci", key)
            return found
        sirens = self._epci_keys.get(normalise(key), [])
        if len(sirens) == 1:
            return self._epcis[sirens[0]]
        if sirens:
            shown = tuple(f"{self._epcis[s].name} (SIREN {s})" for s in sirens)
            message = (
                f"plusieurs EPCI s'appellent « {key} » : {', '.join(shown)} ; donnez son SIREN."
            )
            raise AmbiguousName(message, "epci", key, shown)
        near = tuple(e.name for e in self.closest_epcis(key))
        raise _unknown("epci", key, "n'est pas un EPCI à fiscalité propre", near)

    def closest_epcis(self, name: str, limit: int = LIMIT) -> tuple[Epci, ...]:
        """The EPCI whose names come closest to ``name``, best first (maybe none)."""
        found: dict[str, Epci] = {}
        for key in closest_keys(name, self._epci_keys, limit * 3):
            for siren in self._epci_keys[key]:
                found.setdefault(siren, self._epcis[siren])
        return tuple(found.values())[:limit]

    def epci_of(self, commune: Commune) -> Epci | None:
        """The EPCI a commune belongs to, or None (a few islands belong to none)."""
        return None if commune.epci_siren is None else self._epcis[commune.epci_siren]

    def members(self, epci: Epci) -> tuple[Commune, ...]:
        """An EPCI's member communes, by INSEE code."""
        return tuple(self.commune_by_code(code) for code in epci.members)


# --------------------------------------------------------------------------- loading


def _corrupt(name: str, error: BaseException) -> ReferentielError:
    """The error for a data file that cannot be read, naming it and the tool."""
    if isinstance(error, OSError) and error.errno is not None:
        reason = os_reason(error)
    else:
        reason = f"{type(error).__name__} : {error}" if str(error) else type(error).__name__
    return ReferentielError(
        f"le référentiel géographique (Code officiel géographique) est illisible ({reason}) ; "
        f"réinstallez iscg-docs ou régénérez ce fichier avec {_TOOL}.",
        name,
    )


def load(path: str | os.PathLike[str] | None = None) -> Referentiel:
    """Read a data file (by default the shipped one) into a :class:`Referentiel`.

    The file is gzip-compressed: a JSON header line (format, source, population vintage,
    byte ranges of the tables), then the tables as tab-separated UTF-8 lines.

    Args:
        path: a file written by ``tools/update_referentiel.py``; None for the shipped one.

    Raises:
        ReferentielError: the file is missing, truncated, corrupt or of another format;
            the message names it and the tool that rebuilds it.
    """
    name = os.path.join(os.path.dirname(__file__), DATA_FILE) if path is None else os.fspath(path)
    try:
        with open(name, "rb") as f:
            raw = f.read()
        head, _, body = zlib.decompress(raw, wbits=_GZIP).partition(b"\n")
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            found = header.get("format") if isinstance(header, dict) else None
            raise ValueError(f"format {found!r} au lieu de {FORMAT}")
        return Referentiel(header, body, name)
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError) as e:
        raise _corrupt(name, e) from None


@functools.cache
def referentiel() -> Referentiel:
    """The shipped referential, read on the first call and kept.

    Raises:
        ReferentielError: as for :func:`load`.
    """
    return load()
