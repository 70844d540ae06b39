"""Rules of a convention's funding plan: a cost for each year, the State's share, and the
split of the rest between the collectivities (:func:`funding_problems`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from iscg_docs.errors import PathPart, Problem
from iscg_docs.model import places
from iscg_docs.model.financing import departement_rate
from iscg_docs.model.located import error as _p
from iscg_docs.model.located import french_number as _fmt
from iscg_docs.model.located import unknown_party as _unknown
from iscg_docs.model.records import Convention, Framework, Party, PartyKind, SplitMethod
from iscg_docs.model.validators import MAX_AMOUNT

__all__ = ["funding_problems"]


def funding_problems(
    c: Convention, fw: Framework, parties: dict[str, Party], path: tuple[PathPart, ...]
) -> Iterator[Problem]:
    """The problems of convention ``c``'s funding plan; ``path`` is the convention's,
    ``parties`` the framework's by identifier."""
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
