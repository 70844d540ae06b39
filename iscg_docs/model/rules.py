"""Rules that span several records: shares, references, dates, ETP under the framework.

:func:`problems` lists every problem of a framework at once; :func:`validate` raises them
together as a :class:`~iscg_docs.errors.ValidationError`. Codes are stable: tools and
tests match on them, jurists read the French message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

import attrs

from iscg_docs.errors import PathPart, Problem, Severity, ValidationError, format_path
from iscg_docs.model import file_names, places
from iscg_docs.model.financing import departement_rate
from iscg_docs.model.records import (
    AVENANT_SECTIONS,
    COLLECTIVITY_KINDS,
    Avenant,
    Convention,
    Framework,
    Party,
    PartyKind,
    SplitMethod,
)
from iscg_docs.model.validators import MAX_AMOUNT

__all__ = ["problems", "validate", "warnings"]


def validate(framework: Framework) -> Framework:
    """Check every rule that spans records; return the framework unchanged if all hold.

    Raises:
        ValidationError: every problem found, each with its code, path and message.
    """
    found = problems(framework)
    if found:
        raise ValidationError.of(found)
    return framework


def problems(framework: Framework) -> list[Problem]:
    """Every error of ``framework`` and its conventions, in document order, then file
    names no disk can hold (:func:`iscg_docs.model.file_names.problems`) and what the
    Code officiel géographique contradicts (:func:`iscg_docs.model.places.problems`)."""
    found = [*_framework(framework), *file_names.problems(framework)]
    return found + places.problems(framework)


def warnings(framework: Framework) -> list[Problem]:
    """Every warning of a valid ``framework``, in document order.

    Warnings have the codes, paths and French messages of errors, with
    :attr:`~iscg_docs.errors.Severity.WARNING`; they are reported and never stop a run.
    """
    return [w for check in _WARNING_CHECKS for w in check(framework)]


def warning(code: str, path: tuple[PathPart, ...], message: str) -> Problem:
    """A located warning, as :func:`problems` gives located errors."""
    return Problem(code, format_path(path), message, severity=Severity.WARNING)


def _p(code: str, path: tuple[PathPart, ...], message: str) -> Problem:
    return Problem(code, format_path(path), message)


def _fmt(value: Decimal) -> str:
    """A number as a French reader writes it in a message: 99,99."""
    return format(value, "f").replace(".", ",")


def _framework(fw: Framework) -> Iterator[Problem]:
    ids = Counter(p.id for p in fw.parties)
    for i, party in enumerate(fw.parties):
        if ids[party.id] > 1:
            yield _p(
                "duplicate-party",
                ("parties", i, "id"),
                f"l'identifiant « {party.id} » est utilisé par plusieurs parties ; "
                "chaque partie doit avoir un identifiant unique.",
            )
        yield from _party(party, ("parties", i))
    # Framework.party decides which of two parties sharing an identifier is meant.
    parties = {p.id: fw.party(p.id) for p in fw.parties}

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

    yield from _signers(fw)

    references = Counter(c.reference for c in fw.conventions)
    for i, convention in enumerate(fw.conventions):
        path: tuple[PathPart, ...] = ("conventions", i)
        if references[convention.reference] > 1:
            yield _p(
                "duplicate-reference",
                (*path, "reference"),
                f"la référence « {convention.reference} » est utilisée par plusieurs conventions.",
            )
        yield from _convention(convention, fw, parties, path)
        yield from _avenants(convention, fw, parties, path)

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
        # deliberation too.
        states = [c.state_after(n) for n in range(len(c.avenants) + 1)]
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


def _unknown(path: tuple[PathPart, ...], pid: str) -> Problem:
    return _p(
        "unknown-party",
        path,
        f"aucune partie n'a l'identifiant « {pid} » ; déclarez-la dans la liste des parties.",
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
    yield from _funding(c, fw, parties, path)

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


def _funding(
    c: Convention, fw: Framework, parties: dict[str, Party], path: tuple[PathPart, ...]
) -> Iterator[Problem]:
    fpath = (*path, "funding")
    yield from _years(c, fpath)
    yield from _split(c, fw, parties, fpath)


def _years(c: Convention, fpath: tuple[PathPart, ...]) -> Iterator[Problem]:
    """One cost a year, each above zero; the State's share an amount or a rate."""
    plan = c.funding
    if not plan.years:
        yield _p(
            "no-year", (*fpath, "years"), "le plan de financement doit couvrir au moins une année."
        )
    elif len(plan.years) != c.period.years:
        yield _p(
            "years-count",
            (*fpath, "years"),
            f"le plan de financement compte {len(plan.years)} année(s) mais la convention dure "
            f"{c.period.years} an(s) : indiquez un coût pour chaque année.",
        )
    total = sum((year.cost for year in plan.years), Decimal(0))
    if total > MAX_AMOUNT:
        yield _p(
            "total-too-large",
            (*fpath, "years"),
            f"le coût total de la convention ({_fmt(total)} €) dépasse le plus grand montant "
            "qu'une convention peut écrire (999 999 999 999,99 €).",
        )
    for j, year in enumerate(plan.years):
        ypath = (*fpath, "years", j)
        if year.cost <= 0:
            yield _p(
                "cost",
                (*ypath, "cost"),
                f"le coût de l'année {j + 1} doit être supérieur à zéro.",
            )
        state = year.state
        if (state.amount is None) == (state.rate is None):
            yield _p(
                "state-share",
                (*ypath, "state"),
                f"pour l'année {j + 1}, indiquez la participation de l'État soit en montant "
                "(« amount »), soit en taux (« rate »), et pas les deux ; 0 si l'État ne "
                "participe pas.",
            )
        elif state.amount is not None and state.amount > year.cost:
            yield _p(
                "state-exceeds-cost",
                (*ypath, "state", "amount"),
                f"la participation de l'État pour l'année {j + 1} dépasse le coût de l'année.",
            )


def _rest_remains(c: Convention, fw: Framework) -> bool:
    """Whether some year leaves a part to the collectivities after State and Département."""
    dep_rate = departement_rate(c, fw)
    for year in c.funding.years:
        state = year.state
        state_amount = state.amount if state.amount is not None else Decimal(0)
        if state.rate is not None:
            state_amount = year.cost * state.rate / 100
        by_rate = (year.cost - state_amount) * dep_rate / 100
        ceiling = fw.departement_ceiling_per_etp
        if (year.cost - state_amount) * (100 - dep_rate) > 0 or (
            ceiling is not None and by_rate > ceiling * c.etp
        ):
            return True
    return False


def _split(
    c: Convention, fw: Framework, parties: dict[str, Party], fpath: tuple[PathPart, ...]
) -> Iterator[Problem]:
    """The collectivities that share the rest, and their key."""
    plan = c.funding
    split = plan.split
    spath = (*fpath, "split")
    if not split and _rest_remains(c, fw):
        yield _p(
            "split-empty",
            spath,
            "il reste une part à la charge des collectivités : indiquez au moins une "
            "collectivité dans la répartition (« split »).",
        )
    counts = Counter(s.party for s in split)
    populations = places.split_populations(fw, c)
    for j, share in enumerate(split):
        here = (*spath, j)
        party = parties.get(share.party)
        if party is None:
            yield _unknown((*here, "party"), share.party)
        elif share.party not in c.parties:
            yield _p(
                "split-not-party",
                (*here, "party"),
                f"« {share.party} » paie une part mais n'est pas partie à la convention : "
                "ajoutez-la à la liste « parties ».",
            )
        elif party.kind in (PartyKind.ETAT, PartyKind.DEPARTEMENT):
            yield _p(
                "split-party-kind",
                (*here, "party"),
                "l'État et le Département ne figurent pas dans la répartition du reste à "
                "charge : leurs parts sont calculées à part.",
            )
        if counts[share.party] > 1:
            yield _p(
                "split-duplicate",
                (*here, "party"),
                f"« {share.party} » figure plusieurs fois dans la répartition.",
            )
        known = populations[j]
        count = None if known is None else known.count
        yield from _split_key(plan.split_method, share.percent, share.population, count, here)

    percents = [s.percent for s in split]
    if split and plan.split_method is SplitMethod.PERCENT and None not in percents:
        total = sum((p for p in percents if p is not None), Decimal(0))
        if total != 100:
            yield _p(
                "split-total",
                spath,
                f"les pourcentages de la répartition totalisent {_fmt(total)} % au lieu "
                "de 100 % exactement.",
            )
    figures = [p.count for p in populations if p is not None]
    method_figures = plan.split_method is SplitMethod.POPULATION and len(figures) == len(split)
    if split and method_figures and not sum(figures):
        yield _p("population", spath, "la population totale ne peut être nulle.")


def _split_key(
    method: SplitMethod,
    percent: Decimal | None,
    population: int | None,
    counted: int | None,
    here: tuple[PathPart, ...],
) -> Iterator[Problem]:
    """The split key's field agrees with the method; ``counted`` is the population the
    split would use, given or official."""
    if method is SplitMethod.PERCENT and percent is None:
        yield _p(
            "split-key",
            (*here, "percent"),
            "la répartition se fait par pourcentages : indiquez le pourcentage de cette "
            "collectivité.",
        )
    if method is SplitMethod.POPULATION and counted is None:
        yield _p(
            "split-key",
            (*here, "population"),
            "la répartition se fait selon la population : indiquez la population de cette "
            "collectivité, que le Code officiel géographique ne donne pas.",
        )
    if method is not SplitMethod.PERCENT and percent is not None:
        yield _p(
            "split-key",
            (*here, "percent"),
            f"un pourcentage est donné alors que la répartition se fait « {method.value} » : "
            "retirez-le ou choisissez la méthode « percent ».",
        )
    if method is not SplitMethod.POPULATION and population is not None:
        yield _p(
            "split-key",
            (*here, "population"),
            f"une population est donnée alors que la répartition se fait « {method.value} » : "
            "retirez-la ou choisissez la méthode « population ».",
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


#: The checks that give warnings, each ``check(framework) -> Iterable[Problem]``, in the
#: order their warnings are reported.
_WARNING_CHECKS: tuple[Callable[[Framework], Iterable[Problem]], ...] = (
    places.warnings,
    _past_years,
)
