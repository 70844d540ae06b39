"""A framework's parties and posts against the Code officiel géographique.

The records keep what the user wrote; the official facts (INSEE code, SIREN, an EPCI's
category, a commune's legal population, a name's TNCC) are looked up here, on demand, in
:func:`iscg_docs.model.cog.referentiel`. Communes are sought in the framework's
département, the one its Département party names. :func:`problems` and
:func:`warnings` say what disagrees with the data; :func:`official_name` gives
:mod:`iscg_docs.french` the TNCC, :func:`split_populations` the population split its
official figures.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final, TypeAlias

from attrs import frozen

from iscg_docs.errors import PathPart, Problem, Severity, format_path
from iscg_docs.model.kinds import EpciKind, PartyKind, SplitMethod
from iscg_docs.model.place_names import Tncc, normalise
from iscg_docs.model.records import Convention, Framework, Party

if TYPE_CHECKING:
    from iscg_docs.model.cog import (
        AmbiguousName,
        Commune,
        Departement,
        Epci,
        Referentiel,
        UnknownName,
    )

    #: What the data say of a party: the place found, or why none was.
    Found: TypeAlias = Commune | Epci | Departement | UnknownName | AmbiguousName | None

__all__ = [
    "Population",
    "convention_checks",
    "epci_kind",
    "framework_departement",
    "locate",
    "official_name",
    "party_checks",
    "problems",
    "referentiel",
    "split_populations",
    "warnings",
]

#: A name the official spelling may replace: letters, digits, spaces, hyphens, apostrophes.
_PLAIN_NAME: Final = re.compile(r"[^\W_]+(?:[ '’-]+[^\W_]+)*[.]?")
#: The kinds of party named after a commune: a commune, and its CCAS.
_COMMUNE_KINDS: Final = (PartyKind.COMMUNE, PartyKind.CCAS)
#: The records' EPCI kinds for the data's categories; the Métropole de Lyon is a métropole.
#: (The keys are :class:`~iscg_docs.model.cog.EpciCategory` values, which equal them.)
EPCI_KINDS: Final[dict[str, EpciKind]] = {
    "CC": EpciKind.COMMUNAUTE_DE_COMMUNES,
    "CA": EpciKind.COMMUNAUTE_D_AGGLOMERATION,
    "CU": EpciKind.COMMUNAUTE_URBAINE,
    "METRO": EpciKind.METROPOLE,
    "MET69": EpciKind.METROPOLE,
}


@frozen
class Population:
    """A collectivity's population as the split uses it.

    Attributes:
        count: the number of inhabitants.
        millesime: the vintage of the official figure; None when the convention gives it.
    """

    count: int
    millesime: int | None = None

    @property
    def official(self) -> bool:
        """True when the figure is INSEE's, not the convention's."""
        return self.millesime is not None


# --------------------------------------------------------------------------- lookups


def referentiel() -> Referentiel:
    """The shipped data, :func:`iscg_docs.model.cog.referentiel`.

    The module is imported here, on the first lookup: ``import iscg_docs`` neither
    imports it nor reads its file.
    """
    from iscg_docs.model import cog

    return cog.referentiel()


@functools.lru_cache(maxsize=4096)
def official_name(kind: PartyKind, name: str) -> tuple[str, Tncc] | None:
    """A Département's or commune's official name and TNCC, for its designation.

    A commune's homonyms (« Saint-Vallier », in Saône-et-Loire and in the Drôme) share
    their TNCC, so no département is needed; the name's spelling is the data's.

    Args:
        kind: the party's kind; only Départements, communes and CCAS have one.
        name: the party's name, matched as :func:`~iscg_docs.model.cog.normalise` says.

    Returns:
        The official name and its TNCC, or None when the data do not know the name (or
        its homonyms disagree), so that the designation keeps its first-letter rule.
        A name other than the official one and holding more than letters, digits,
        spaces, hyphens and apostrophes is not replaced by the official spelling: what
        the matching ignores (a control character, a lone surrogate) stays for
        validation and the renderer to refuse.
    """
    from iscg_docs.model.cog import Departement  # lazily: see referentiel()

    if kind is PartyKind.DEPARTEMENT:
        found = _departement(name)
        official = (found.name, found.tncc) if isinstance(found, Departement) else None
    elif kind in _COMMUNE_KINDS:
        same = {(c.name, c.tncc) for c in referentiel().homonyms(name)}
        official = same.pop() if len(same) == 1 else None
    else:
        return None
    if official is None or (official[0] != name and not _PLAIN_NAME.fullmatch(name)):
        return None
    return official


def framework_departement(framework: Framework) -> Departement | None:
    """The département the framework's Département party names, or None if unknown."""
    from iscg_docs.model.cog import Departement  # lazily: see referentiel()

    party = _party(framework, framework.departement)
    found = None if party is None else _departement(party.name)
    return found if isinstance(found, Departement) else None


@functools.lru_cache(maxsize=256)
def _departement(name: str) -> Departement | UnknownName:
    from iscg_docs.model.cog import UnknownName  # lazily: see referentiel()

    try:
        return referentiel().departement(name)
    except UnknownName as e:
        return e.with_traceback(None)  # cached: keep no frames


@functools.lru_cache(maxsize=8192)
def _commune(name: str, insee: str | None, departement: str | None) -> Found:
    """A commune by INSEE code, else by name in the département, else unique in France."""
    from iscg_docs.model.cog import AmbiguousName, UnknownName  # lazily: see referentiel()

    data = referentiel()
    try:
        if insee is not None:
            return data.commune_by_code(insee)
        if departement is None:
            return data.commune(name)
        try:
            return data.commune(name, departement)
        except UnknownName as in_departement:
            if data.closest_communes(name, departement) or not in_departement.suggestions:
                raise  # a typo, or a name found nowhere: the département's message
            try:
                return data.commune(name)  # elsewhere, and unique: a membership warning
            except AmbiguousName:
                raise in_departement from None
    except (UnknownName, AmbiguousName) as e:
        if insee is None:
            return _not_a_commune(name, e.with_traceback(None))
        return e.with_traceback(None)  # cached: keep no frames


def _not_a_commune(name: str, error: UnknownName | AmbiguousName) -> UnknownName | AmbiguousName:
    """An EPCI given as a commune is told so (an exact name: no EPCI suggestions)."""
    from iscg_docs.model.cog import AmbiguousName, UnknownName  # lazily: see referentiel()

    if normalise(name) not in _epci_keys():
        return error
    try:
        epci = referentiel().epci(name)
    except (UnknownName, AmbiguousName):
        return error
    message = (
        f"« {name} » n'est pas une commune mais un EPCI ({epci.long_name}, SIREN {epci.siren}) : "
        "déclarez la partie de nature « epci »."
    )
    return UnknownName(message, "commune", name, (epci.name,))


@functools.lru_cache(maxsize=4096)
def _epci(name: str, siren: str | None) -> Found:
    from iscg_docs.model.cog import AmbiguousName, UnknownName  # lazily: see referentiel()

    data = referentiel()
    try:
        return data.epci(name)
    except AmbiguousName as e:
        if siren is None:
            return e.with_traceback(None)  # cached: keep no frames
        try:
            return data.epci(siren)
        except UnknownName:
            return e.with_traceback(None)  # cached: keep no frames
    except UnknownName as e:
        return e.with_traceback(None)  # cached: keep no frames


def locate(party: Party, departement: Departement | None = None) -> Found:
    """What the data say of a party: its place, the error finding it, or None.

    Args:
        party: the party; its ``insee`` (a commune, a CCAS) or ``siren`` (an EPCI) settles
            a homonym.
        departement: where its commune is sought first (the framework's).

    Returns:
        A :class:`Departement`, :class:`Commune` (for a commune or its CCAS) or
        :class:`Epci`; the :class:`UnknownName` or :class:`AmbiguousName` explaining why
        none was found; None for the kinds the data do not hold (État, CIAS,
        association, autre).
    """
    if party.kind is PartyKind.DEPARTEMENT:
        return _departement(party.name)
    if party.kind in _COMMUNE_KINDS:
        return _commune(party.name, party.insee, None if departement is None else departement.code)
    if party.kind is PartyKind.EPCI:
        return _epci(party.name, party.siren)
    return None


def epci_kind(party: Party) -> EpciKind | None:
    """An EPCI party's category: as the party gives it, else the data's, else None."""
    from iscg_docs.model.cog import Epci  # lazily: see referentiel()

    if party.epci_kind is not None or party.kind is not PartyKind.EPCI or party.hors_referentiel:
        return party.epci_kind
    found = locate(party)
    return EPCI_KINDS[found.category] if isinstance(found, Epci) else None


def _population(place: Found) -> Population | None:
    """The legal population of a commune, or of an EPCI (the sum of its members')."""
    from iscg_docs.model.cog import Commune, Epci  # lazily: see referentiel()

    if isinstance(place, Commune):
        return Population(place.population, place.population_millesime)
    if isinstance(place, Epci):
        members = referentiel().members(place)
        years = {c.population_millesime for c in members}
        return Population(sum(c.population for c in members), max(years))
    return None


def split_populations(framework: Framework, convention: Convention) -> list[Population | None]:
    """The population of each collectivity of a population split, in the split's order.

    The convention's figure when it gives one, else the official one (a commune's
    population municipale, an EPCI's members' total); None when neither is known.
    """
    dep = framework_departement(framework)
    out: list[Population | None] = []
    for share in convention.funding.split:
        if share.population is not None:
            out.append(Population(share.population))
        else:
            party = _party(framework, share.party)
            if party is None or party.hors_referentiel:
                out.append(None)
            else:
                out.append(_population(locate(party, dep)))
    return out


def _party(framework: Framework, party_id: str) -> Party | None:
    try:
        return framework.party(party_id)
    except KeyError:
        return None


# --------------------------------------------------------------------------- checks

#: What an error for a name not found adds: how to make it a warning.
_HORS_REFERENTIEL: Final = (
    " Si ce nom manque à bon droit au Code officiel géographique (commune nouvelle plus "
    "récente que les données, syndicat), indiquez « hors_referentiel = true »."
)


def _problem(code: str, path: tuple[PathPart, ...], message: str, warn: bool) -> Problem:
    severity = Severity.WARNING if warn else Severity.ERROR
    return Problem(code, format_path(path), message, severity=severity)


@functools.cache
def _epci_keys() -> frozenset[str]:
    """Every name :meth:`~iscg_docs.model.cog.Referentiel.epci` finds: raison sociale,
    stem and long name, as :func:`normalise` writes them."""
    return frozenset(
        normalise(n) for e in referentiel().epcis for n in (e.name, e.stem, e.long_name)
    )


def _absent(kind: PartyKind, name: str) -> UnknownName | None:
    """For a name marked hors_referentiel: an exact look-up, without suggestions.

    Finding the closest names costs tens of milliseconds a name; a name its author
    knows to be absent is reported without them.
    """
    from iscg_docs.model.cog import UnknownName  # lazily: see referentiel()

    if kind in _COMMUNE_KINDS:
        present = bool(referentiel().homonyms(name))
    elif kind is PartyKind.EPCI:
        present = normalise(name) in _epci_keys()
    else:
        return None
    if present:
        return None
    message = f"« {name} » ne figure pas au Code officiel géographique (hors référentiel)."
    return UnknownName(message, kind.value, name)


def _located(party: Party, dep: Departement | None) -> Found:
    """:func:`locate`, without suggestions for a party marked hors_referentiel."""
    missing = party.hors_referentiel and party.insee is None and _absent(party.kind, party.name)
    return missing or locate(party, dep)


def _party_checks(
    party: Party, dep: Departement | None, path: tuple[PathPart, ...]
) -> Iterator[Problem]:
    from iscg_docs.model.cog import Commune, Epci  # lazily: see referentiel()

    found = _located(party, dep)
    if isinstance(found, LookupError):
        hint = "" if party.hors_referentiel else _HORS_REFERENTIEL
        yield _problem(
            "unknown-place", (*path, "name"), found.message + hint, party.hors_referentiel
        )
        return
    if isinstance(found, Commune | Epci) and party.siren is not None and party.siren != found.siren:
        yield _problem(
            "siren-mismatch",
            (*path, "siren"),
            f"le SIREN {party.siren} n'est pas celui de « {found.name} » ({found.siren} selon "
            "le Code officiel géographique).",
            False,
        )
    if isinstance(found, Epci) and party.epci_kind not in (None, EPCI_KINDS[found.category]):
        expected = EPCI_KINDS[found.category]
        yield _problem(
            "epci-kind",
            (*path, "epci_kind"),
            f"« {found.name} » est une {found.category.label} ({expected.value}), pas "
            f"« {party.epci_kind.value if party.epci_kind else ''} ».",
            False,
        )
    if (
        isinstance(found, Commune)
        and party.insee is not None
        and normalise(found.name) != normalise(party.name)
    ):
        yield _problem(
            "insee-mismatch",
            (*path, "insee"),
            f"le code INSEE {found.insee} est celui de « {found.name} », pas de « {party.name} ».",
            False,
        )
    if isinstance(found, Commune) and dep is not None and found.departement != dep.code:
        yield _problem(
            "commune-outside-departement",
            (*path, "name"),
            f"la commune « {found.name} » ({found.insee}) n'appartient pas au département "
            f"{dep.of}, celui de la convention cadre ; vérifiez que c'est voulu.",
            True,
        )


def _posts(
    framework: Framework, dep: Departement | None, i: int, convention: Convention
) -> Iterator[Problem]:
    """Each post's commune exists; a convention's EPCI hold its posts' communes."""
    from iscg_docs.model.cog import Commune, Epci  # lazily: see referentiel()

    epcis = [
        e
        for pid in convention.parties
        if (p := _party(framework, pid)) is not None and isinstance(e := _located(p, dep), Epci)
    ]
    for j, post in enumerate(convention.posts):
        path: tuple[PathPart, ...] = ("conventions", i, "posts", j, "commune")
        found = (post.hors_referentiel and _absent(PartyKind.COMMUNE, post.commune)) or _commune(
            post.commune, None, None if dep is None else dep.code
        )
        if isinstance(found, LookupError):
            hint = "" if post.hors_referentiel else _HORS_REFERENTIEL
            yield _problem("unknown-place", path, found.message + hint, post.hors_referentiel)
        elif (
            isinstance(found, Commune)
            and epcis
            and not any(found.insee in e.members for e in epcis)
        ):
            names = " ni ".join(f"« {e.name} »" for e in epcis)
            yield _problem(
                "post-outside-epci",
                path,
                f"le poste « {post.id} » est situé à {found.name}, commune qui n'est pas "
                f"membre de {names} ; vérifiez que c'est voulu.",
                True,
            )


def _populations(
    framework: Framework, dep: Departement | None, i: int, c: Convention
) -> Iterator[Problem]:
    """A population the convention gives that differs from INSEE's is kept, and warned."""
    if c.funding.split_method is not SplitMethod.POPULATION:
        return
    for j, share in enumerate(c.funding.split):
        party = _party(framework, share.party)
        if party is None or party.hors_referentiel:
            continue
        official = _population(locate(party, dep))
        if share.population is None or official is None or official.count == share.population:
            continue
        yield _problem(
            "population-differs",
            ("conventions", i, "funding", "split", j, "population"),
            f"la population indiquée pour « {share.party} » ({share.population} habitants) "
            f"diffère de la population municipale légale ({official.count} habitants, INSEE, "
            f"millésime {official.millesime}) ; la population indiquée est retenue.",
            True,
        )


def _checks(framework: Framework) -> Iterator[Problem]:
    dep = framework_departement(framework)
    for k in range(len(framework.parties)):
        yield from party_checks(framework, dep, k)
    for i in range(len(framework.conventions)):
        yield from convention_checks(framework, dep, i)


def party_checks(framework: Framework, dep: Departement | None, k: int) -> Iterator[Problem]:
    """The errors and warnings of party ``k``, as :func:`problems` and :func:`warnings`
    give them; ``dep`` is :func:`framework_departement`'s."""
    return _party_checks(framework.parties[k], dep, ("parties", k))


def convention_checks(framework: Framework, dep: Departement | None, i: int) -> Iterator[Problem]:
    """The errors and warnings of convention ``i``'s posts and split, as :func:`party_checks`
    gives a party's."""
    convention = framework.conventions[i]
    yield from _posts(framework, dep, i, convention)
    yield from _populations(framework, dep, i, convention)


def problems(framework: Framework) -> list[Problem]:
    """The errors: a name, code or category the Code officiel géographique contradicts."""
    return [p for p in _checks(framework) if not p.is_warning]


def warnings(framework: Framework) -> list[Problem]:
    """The warnings: names knowingly outside the data, membership, populations."""
    return [p for p in _checks(framework) if p.is_warning]
