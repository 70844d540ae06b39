"""Rules that span several records: shares, references, dates, ETP under the framework.

:func:`problems` lists every problem of a framework at once; :func:`validate` raises them
together as a :class:`~iscg_docs.errors.ValidationError`; :func:`review` gives the
problems, or a valid framework's warnings, in one pass, each party's and convention's
checks through a ``map`` that may run them in other processes. Codes are stable: tools
and tests match on them, jurists read the French message.
"""

from __future__ import annotations

import builtins
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

import attrs
from attrs import frozen

from iscg_docs.errors import PathPart, Problem, ValidationError, format_path
from iscg_docs.model import file_names, jurisdictions, places
from iscg_docs.model.funding_rules import funding_problems
from iscg_docs.model.located import error as _p
from iscg_docs.model.located import french_number as _fmt
from iscg_docs.model.located import unknown_party as _unknown
from iscg_docs.model.located import warning
from iscg_docs.model.records import (
    AVENANT_SECTIONS,
    COLLECTIVITY_KINDS,
    Avenant,
    Convention,
    Framework,
    Party,
    PartyKind,
)

#: What the checks of one party or convention found: the rules' errors, then the Code
#: officiel géographique's errors and warnings.
_Found = tuple[tuple[Problem, ...], tuple[Problem, ...]]

#: A function like the built-in :func:`map`, over the parties' and conventions' numbers.
Map = Callable[[Callable[[int], _Found], Iterable[int]], Iterable[_Found]]

__all__ = ["Map", "Review", "problems", "review", "validate", "warning", "warnings"]


def validate(framework: Framework) -> Framework:
    """Check every rule that spans records; return the framework unchanged if all hold.

    Raises:
        ValidationError: every problem found, each with its code, path and message.
    """
    found = problems(framework)
    if found:
        raise ValidationError.of(found)
    return framework


def problems(framework: Framework, *, map: Map = builtins.map) -> list[Problem]:
    """Every error of ``framework`` and its conventions, in document order, then file
    names no disk can hold (:func:`iscg_docs.model.file_names.problems`) and what the
    Code officiel géographique contradicts (:func:`iscg_docs.model.places.problems`).

    ``map`` runs the checks of each party and convention, as :func:`review` says."""
    return list(review(framework, map=map).problems)


@frozen
class Review:
    """What :func:`review` found: the errors, or the warnings of a valid framework.

    Attributes:
        problems: every error, as :func:`problems` lists them.
        warnings: every warning, as :func:`warnings` lists them; empty when there are
            errors.
    """

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def review(framework: Framework, *, map: Map = builtins.map) -> Review:
    """The errors of ``framework``, or when it has none its warnings, in one pass.

    Args:
        framework: the framework.
        map: runs a function over the parties' and conventions' numbers, as the
            built-in :func:`map` does, with results in their order; it may run it in
            processes forked from this one (each check depends on its record and on
            what this process computed before calling it), so the function needs not
            pickle, only its results do.
    """
    records = _Records(framework)
    found = list(map(records.check, range(len(framework.parties) + len(framework.conventions))))
    parties, conventions = found[: len(framework.parties)], found[len(framework.parties) :]
    errors = [
        *(p for own, _ in parties for p in own),
        *_roles(framework, records.parties),
        *_signers(framework),
        *(p for own, _ in conventions for p in own),
        *_etp(framework),
        *file_names.problems(framework),
        *(p for _, placed in found for p in placed if not p.is_warning),
        *jurisdictions.problems(framework),
    ]
    if errors:
        return Review(tuple(errors), ())
    placed = [p for _, placed in found for p in placed if p.is_warning]
    return Review((), (*placed, *_later_warnings(framework)))


def warnings(framework: Framework) -> list[Problem]:
    """Every warning of a valid ``framework``, in document order.

    Warnings have the codes, paths and French messages of errors, with
    :attr:`~iscg_docs.errors.Severity.WARNING`; they are reported and never stop a run.
    """
    return [*places.warnings(framework), *_later_warnings(framework)]


def _later_warnings(framework: Framework) -> Iterator[Problem]:
    """The warnings after the Code officiel géographique's, in their order."""
    yield from jurisdictions.warnings(framework)
    yield from _past_years(framework)


class _Records:
    """What the checks of one party or convention need of the whole framework.

    Built before the checks run, in the process that calls :func:`review`: a process
    forked from it finds it ready.
    """

    def __init__(self, fw: Framework) -> None:
        self.fw = fw
        self.ids = Counter(p.id for p in fw.parties)
        # Framework.party decides which of two parties sharing an identifier is meant.
        self.parties = {p.id: fw.party(p.id) for p in fw.parties}
        self.references = Counter(c.reference for c in fw.conventions)
        self.departement = places.framework_departement(fw)

    def check(self, n: int) -> _Found:
        """Party ``n``, or convention ``n`` less the number of parties: the errors of
        :func:`problems`' first part, then the Code officiel géographique's errors and
        warnings."""
        fw, count = self.fw, len(self.fw.parties)
        if n < count:
            return tuple(self._party(n)), tuple(places.party_checks(fw, self.departement, n))
        i = n - count
        return tuple(self._convention(i)), tuple(places.convention_checks(fw, self.departement, i))

    def _party(self, k: int) -> Iterator[Problem]:
        party = self.fw.parties[k]
        if self.ids[party.id] > 1:
            yield _p(
                "duplicate-party",
                ("parties", k, "id"),
                f"l'identifiant « {party.id} » est utilisé par plusieurs parties ; "
                "chaque partie doit avoir un identifiant unique.",
            )
        yield from _party(party, ("parties", k))

    def _convention(self, i: int) -> Iterator[Problem]:
        convention, path = self.fw.conventions[i], ("conventions", i)
        if self.references[convention.reference] > 1:
            yield _p(
                "duplicate-reference",
                (*path, "reference"),
                f"la référence « {convention.reference} » est utilisée par plusieurs conventions.",
            )
        yield from _convention(convention, self.fw, self.parties, path)
        yield from _avenants(convention, self.fw, self.parties, path)


def _roles(fw: Framework, parties: dict[str, Party]) -> Iterator[Problem]:
    """The parties named as the State and the Département exist and are of that kind."""
    for name, kind, label in (
        ("state", PartyKind.ETAT, "l'État"),
        ("departement", PartyKind.DEPARTEMENT, "le Département"),
    ):
        pid = getattr(fw, name)
        found = parties.get(pid)
        if found is None:
            yield _unknown((name,), pid)
        elif found.kind is not kind:
            yield _p(
                "party-kind",
                (name,),
                f"la partie « {pid} » doit être {label} (nature « {kind.value} »), "
                f"pas « {found.kind.value} ».",
            )


def _etp(fw: Framework) -> Iterator[Problem]:
    if fw.etp > fw.etp_authorised:
        yield _p(
            "etp-exceeded",
            ("conventions",),
            f"les conventions totalisent {_fmt(fw.etp)} ETP, au-delà des "
            f"{_fmt(fw.etp_authorised)} ETP autorisés par la convention cadre.",
        )
    yield from _etp_after_avenants(fw)


def _signers(fw: Framework) -> Iterator[Problem]:
    """Every party that signs a convention has a signatory; collectivities a deliberation."""
    signs: dict[str, list[str]] = {}
    for c in fw.conventions:
        # A collectivity that joins by an avenant signs it: it needs a signatory and a
        # deliberation too. The convention as first signed has its own signatories:
        # state_after(0) would copy it, at the cost of building a convention.
        states = [c, *(c.state_after(n) for n in range(1, len(c.avenants) + 1))]
        for pid in dict.fromkeys(p for s in states for p in (*s.parties, *s.cosignatories)):
            signs.setdefault(pid, []).append(c.reference)
        for pid in (fw.state, fw.departement):
            signs.setdefault(pid, []).append(c.reference)
    for k, party in enumerate(fw.parties):
        refs = signs.get(party.id)
        if not refs:
            continue
        which = ", ".join(f"« {r} »" for r in dict.fromkeys(refs))
        if party.signatory is None:
            yield _p(
                "missing-signatory",
                ("parties", k, "signatory"),
                f"la partie « {party.id} » signe {which} mais n'a pas de signataire "
                "(« signatory ») : indiquez qui la représente.",
            )
        if party.kind in COLLECTIVITY_KINDS and party.deliberation is None:
            yield _p(
                "missing-deliberation",
                ("parties", k, "deliberation"),
                f"la collectivité « {party.id} » signe {which} sans délibération l'y "
                "autorisant (« deliberation » : organe, date, numéro).",
            )


def _party(party: Party, path: tuple[PathPart, ...]) -> Iterator[Problem]:
    if party.kind is PartyKind.EPCI and places.epci_kind(party) is None:
        yield _p(
            "epci-kind",
            (*path, "epci_kind"),
            "pour un EPCI absent du Code officiel géographique, précisez sa catégorie : "
            "communaute_de_communes, "
            "communaute_d_agglomeration, communaute_urbaine ou metropole.",
        )
    if party.kind is not PartyKind.EPCI and party.epci_kind is not None:
        yield _p(
            "epci-kind",
            (*path, "epci_kind"),
            "la catégorie d'EPCI ne s'applique qu'à une partie de nature « epci ».",
        )
    if party.kind is PartyKind.AUTRE and (party.designation is None or party.gender is None):
        yield _p(
            "designation",
            (*path, "designation"),
            "pour une partie de nature « autre », indiquez sa désignation "
            "(« designation ») et son genre grammatical (« gender »).",
        )


def _convention(
    c: Convention, fw: Framework, parties: dict[str, Party], path: tuple[PathPart, ...]
) -> Iterator[Problem]:
    seen: set[str] = set()
    for field_name, ids in (("parties", c.parties), ("cosignatories", c.cosignatories)):
        for j, pid in enumerate(ids):
            where = (*path, field_name, j)
            if pid not in parties:
                yield _unknown(where, pid)
            elif pid in seen or pid in (fw.state, fw.departement):
                yield _p(
                    "duplicate-signatory",
                    where,
                    f"la partie « {pid} » figure plusieurs fois parmi les signataires "
                    "(l'État et le Département signent toujours, sans être listés).",
                )
            seen.add(pid)
    if c.signed_on:
        for pid in (fw.state, fw.departement, *c.parties, *c.cosignatories):
            party = parties.get(pid)
            if party and party.deliberation and party.deliberation.date > c.signed_on:
                yield _p(
                    "incoherent-dates",
                    (*path, "signed_on"),
                    f"la délibération de « {pid} » ({party.deliberation.date.isoformat()}) "
                    f"est postérieure à la date de signature ({c.signed_on.isoformat()}).",
                )

    yield from _posts(c, fw, parties, path)
    yield from funding_problems(c, fw, parties, path)

    if c.period.start < fw.approved_on:
        yield _p(
            "incoherent-dates",
            (*path, "period", "start"),
            f"la convention commencerait le {c.period.start.isoformat()}, avant l'approbation "
            f"de la convention cadre le {fw.approved_on.isoformat()}.",
        )
    if c.signed_on and c.signed_on > c.period.end:
        yield _p(
            "incoherent-dates",
            (*path, "signed_on"),
            f"la date de signature ({c.signed_on.isoformat()}) est postérieure à la fin de la "
            f"convention ({c.period.end.isoformat()}).",
        )


def _posts(
    c: Convention, fw: Framework, parties: dict[str, Party], path: tuple[PathPart, ...]
) -> Iterator[Problem]:
    if not c.posts:
        yield _p(
            "no-post",
            (*path, "posts"),
            "la convention doit financer au moins un poste d'intervenant social.",
        )
    ids = Counter(p.id for p in c.posts)
    signers = {fw.state, fw.departement, *c.parties}
    jobs: dict[str, Decimal] = {}
    for j, post in enumerate(c.posts):
        here = (*path, "posts", j)
        if ids[post.id] > 1:
            yield _p(
                "duplicate-post",
                (*path, "posts", j, "id"),
                f"l'identifiant de poste « {post.id} » est utilisé plusieurs fois.",
            )
        if post.employer not in parties:
            yield _unknown((*here, "employer"), post.employer)
        elif post.employer not in signers:
            yield _p(
                "employer-not-party",
                (*here, "employer"),
                f"l'employeur « {post.employer} » doit être partie à la convention : "
                "ajoutez-le à la liste « parties ».",
            )
        if post.job is not None:
            jobs[post.job] = jobs.get(post.job, Decimal(0)) + post.quotite
    for job, total in jobs.items():
        if total > 1:
            yield _p(
                "job-quotite",
                (*path, "posts"),
                f"les lieux d'exercice du poste « {job} » totalisent {_fmt(total)} ETP ; "
                "un même intervenant ne peut dépasser 1 ETP.",
            )


def _avenants(
    c: Convention, fw: Framework, parties: dict[str, Party], path: tuple[PathPart, ...]
) -> Iterator[Problem]:
    """Each avenant is numbered and dated in order, changes something, and leaves a
    convention that passes every rule; what a state breaks is reported at its avenant."""
    if not c.avenants:
        return
    before = set(_convention(c, fw, parties, path))
    for k, avenant in enumerate(c.avenants):
        apath: tuple[PathPart, ...] = (*path, "avenants", k)
        yield from _avenant_order(c, k, apath)
        previous, state = c.state_after(k), c.state_after(k + 1)
        if not avenant.signatories and all(
            getattr(state, s) == getattr(previous, s) for s in AVENANT_SECTIONS
        ):
            yield _p(
                "avenant-empty",
                apath,
                f"l'avenant n° {avenant.number} ne modifie rien : indiquez la ou les sections "
                f"qu'il remplace ({', '.join(AVENANT_SECTIONS)}) ou ses signataires.",
            )
        # A collectivity that joins deliberates before it signs the avenant, not the
        # convention: the state's dates are checked against the avenant's signature.
        dated = attrs.evolve(state, signed_on=avenant.signed_on or state.signed_on)
        found = set(_convention(dated, fw, parties, path))
        prefix = format_path(path)
        for problem in sorted(found - before, key=lambda p: p.path):
            yield Problem(
                problem.code,
                format_path(apath) + problem.path[len(prefix) :],
                f"après l'avenant n° {avenant.number}, {problem.message}",
            )
        before = found
        yield from _avenant_signatories(avenant, (previous, state), fw, apath)


def _avenant_order(c: Convention, k: int, apath: tuple[PathPart, ...]) -> Iterator[Problem]:
    avenant = c.avenants[k]
    if avenant.number != k + 1:
        yield _p(
            "avenant-number",
            (*apath, "number"),
            f"les avenants se suivent sans manque (1, 2, 3…) : le {k + 1}e porte le numéro "
            f"{avenant.number}.",
        )
    day = avenant.signed_on
    if day is None:
        if k < len(c.avenants) - 1:
            yield _p(
                "avenant-date",
                (*apath, "signed_on"),
                f"l'avenant n° {avenant.number} n'est pas daté alors qu'un avenant le suit : "
                "seul le dernier avenant peut attendre sa date de signature.",
            )
        return
    earlier = [a.signed_on for a in c.avenants[:k] if a.signed_on is not None]
    if (c.signed_on is not None and day <= c.signed_on) or any(day <= e for e in earlier):
        yield _p(
            "avenant-date",
            (*apath, "signed_on"),
            f"l'avenant n° {avenant.number} doit être signé après la convention et après les "
            "avenants qui le précèdent.",
        )


def _avenant_signatories(
    avenant: Avenant,
    states: tuple[Convention, Convention],
    fw: Framework,
    apath: tuple[PathPart, ...],
) -> Iterator[Problem]:
    # The parties before and after the avenant all sign it: one that leaves consents too.
    signing = {fw.state, fw.departement}
    for state in states:
        signing |= {*state.parties, *state.cosignatories}
    for j, ps in enumerate(avenant.signatories):
        if ps.party not in signing:
            yield _p(
                "unknown-party",
                (*apath, "signatories", j, "party"),
                f"la partie « {ps.party} » ne signe pas la convention modifiée par l'avenant "
                f"n° {avenant.number}.",
            )


def _etp_after_avenants(fw: Framework) -> Iterator[Problem]:
    """The ETP in force stay within the framework at every avenant's date, and after all.

    When the conventions as signed already exceed it (reported once as such), only a
    moment that exceeds it further is reported.
    """
    days = sorted({a.signed_on for c in fw.conventions for a in c.avenants if a.signed_on})
    moments: list[tuple[str, list[Convention]]] = [
        (f"au {day:%d/%m/%Y}", [c.state_on(day) for c in fw.conventions]) for day in days
    ]
    if any(c.avenants for c in fw.conventions):
        moments.append(
            ("après tous les avenants", [c.state_after(len(c.avenants)) for c in fw.conventions])
        )
    ceiling = max(fw.etp_authorised, fw.etp)
    for when, states in moments:
        total = sum((c.etp for c in states), Decimal(0))
        if total > ceiling:
            yield _p(
                "etp-exceeded",
                ("conventions",),
                f"{when}, les conventions modifiées par leurs avenants totalisent "
                f"{_fmt(total)} ETP, au-delà des {_fmt(fw.etp_authorised)} ETP autorisés "
                "par la convention cadre.",
            )
            return


def _past_years(fw: Framework) -> Iterator[Problem]:
    """An avenant that changes a year already ended when it is signed."""
    for i, c in enumerate(fw.conventions):
        for k, avenant in enumerate(c.avenants):
            if avenant.funding is None or avenant.signed_on is None:
                continue
            previous, state = c.state_after(k).funding.years, avenant.funding.years
            for j, (old, new) in enumerate(zip(previous, state, strict=False)):
                first, last = c.state_after(k + 1).period.year_bounds(j)
                if last < avenant.signed_on and old != new:
                    yield warning(
                        "avenant-past-year",
                        ("conventions", i, "avenants", k, "funding", "years", j),
                        f"l'avenant n° {avenant.number} modifie l'année {j + 1} (du "
                        f"{first:%d/%m/%Y} au {last:%d/%m/%Y}), déjà achevée à sa date "
                        "de signature : vérifiez que c'est voulu (régularisation).",
                    )
