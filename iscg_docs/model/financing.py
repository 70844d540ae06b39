"""Exact financing tables: who pays what, each year, to the cent.

The rule, quoted in every convention (:data:`ROUNDING_RULE`):

1. The State's contribution is its amount, or its rate of the year's cost rounded half up
   to the cent.
2. The Département pays its rate of what remains after the State, rounded half up to the
   cent, and no more than the framework's ceiling per ETP times the convention's ETP
   (rounded half up to the cent) when the framework sets one.
3. The rest is split among the collectivities by the key (percentages, equal shares or
   population): each share is rounded half up to the cent, then the cents still missing
   (or in excess) go one by one to the largest remainders (or are taken from the
   smallest), ties going to the collectivity listed first.

So every year's contributions add up exactly to its cost, and each party's total over the
period is the sum of its yearly amounts. Shares in percent are computed the same way at
the hundredth of a point, so they add up to exactly 100: the leftover hundredths go to
the largest remainders among all the parties, so no share is more than a hundredth of a
point from its exact value. Amounts are computed in whole
cents and ratios as integer numerators over one denominator, so no intermediate result is
ever inexact.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from attrs import frozen

from iscg_docs.model.places import split_populations
from iscg_docs.model.records import Convention, Framework, SplitMethod

__all__ = [
    "ROUNDING_RULE",
    "Contribution",
    "Financing",
    "FunderRole",
    "PartyTotal",
    "YearFinancing",
    "allocate",
    "allocate_units",
    "compute_financing",
    "departement_ceiling",
    "departement_rate",
    "round_half_up",
]

ROUNDING_RULE = (
    "Les montants sont arrondis au centime le plus proche (le demi-centime étant arrondi au "
    "centime supérieur)\u202f; les centimes restants sont attribués aux collectivités présentant "
    "les plus forts restes, dans l’ordre de la clé de répartition. Les parts exprimées en "
    "pourcentage sont arrondies au centième le plus proche\u202f; les centièmes restants sont "
    "attribués aux parts, de tous les financeurs, présentant les plus forts restes, de sorte "
    "que les parts totalisent 100\u00a0% et qu’aucune ne s’écarte de plus d’un centième de point "
    "de sa valeur exacte. Ainsi, chaque total est exactement égal à la somme de ses parts."
)

CENT = Decimal("0.01")


class FunderRole(StrEnum):
    """Why a party pays: as the State, as the Département, or under the split key."""

    STATE = "etat"
    DEPARTEMENT = "departement"
    COLLECTIVITY = "collectivite"


@frozen
class Contribution:
    """What one party pays in one year.

    Attributes:
        party: the party's identifier.
        role: why it pays.
        amount: the amount in euros, to the cent.
        share: its share of the year's cost, in points to the hundredth.
    """

    party: str
    role: FunderRole
    amount: Decimal
    share: Decimal


@frozen
class YearFinancing:
    """One convention year: its dates, its cost and every contribution.

    Attributes:
        index: 1 for the first year.
        start: first day of the year.
        end: last day of the year.
        cost: the year's cost.
        contributions: State, Département, then the collectivities in key order.
        state_provisional: the State's amount is a forecast (``StateShare.provisional``).
        departement_capped: the Département pays its ceiling, less than its rate.
    """

    index: int
    start: dt.date
    end: dt.date
    cost: Decimal
    contributions: tuple[Contribution, ...]
    state_provisional: bool = False
    departement_capped: bool = False

    def amount_of(self, party: str) -> Decimal:
        """What ``party`` pays this year (zero if it does not pay)."""
        return sum((c.amount for c in self.contributions if c.party == party), Decimal(0))


@frozen
class PartyTotal:
    """One party's commitment over the whole period.

    Attributes:
        party: the party's identifier.
        role: why it pays.
        amount: the sum of its yearly amounts.
        share: its share of the total cost, in points to the hundredth.
    """

    party: str
    role: FunderRole
    amount: Decimal
    share: Decimal


@frozen
class Financing:
    """The financing table of a convention.

    Attributes:
        years: one entry per convention year.
        totals: each funding party's commitment over the period, in table order.
        total_cost: the cost over the whole period.
    """

    years: tuple[YearFinancing, ...]
    totals: tuple[PartyTotal, ...]
    total_cost: Decimal

    @property
    def funders(self) -> tuple[str, ...]:
        """The funding parties' identifiers, in table order."""
        return tuple(t.party for t in self.totals)

    def total_of(self, party: str) -> Decimal:
        """What ``party`` pays over the period."""
        return sum((t.amount for t in self.totals if t.party == party), Decimal(0))


def round_half_up(value: Fraction | Decimal, quantum: Decimal = CENT) -> Decimal:
    """Round to ``quantum`` (the cent by default), half away from zero ("half up").

    Args:
        value: an exact value.
        quantum: the step to round to.
    """
    if isinstance(value, Fraction):
        # Decide on the Fraction itself: 1/3 has no exact Decimal, and a tie must stay a tie.
        steps = value / Fraction(quantum)
        return (Decimal(_round_ratio(steps.numerator, steps.denominator)) * quantum).quantize(
            quantum
        )
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def _round_ratio(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` (denominator > 0) rounded half away from zero."""
    units = (2 * abs(numerator) + denominator) // (2 * denominator)
    return units if numerator >= 0 else -units


def _integers(values: Sequence[Fraction | Decimal | int]) -> list[int]:
    """The same ratios as whole numbers: every value times one common denominator."""
    fractions = [Fraction(v) for v in values]
    scale = math.lcm(*(f.denominator for f in fractions)) if fractions else 1
    return [int(f * scale) for f in fractions]


def allocate(
    total: Decimal, weights: Sequence[Fraction | Decimal | int], quantum: Decimal = CENT
) -> list[Decimal]:
    """Split ``total`` by ``weights`` so the parts add up to ``total`` exactly.

    Each part is rounded half up to ``quantum``; the quanta still missing (or in excess)
    go one by one to the parts with the largest remainders (are taken from the smallest),
    ties favouring the part listed first.

    Args:
        total: the amount to split, a multiple of ``quantum``.
        weights: non-negative weights; they need not add up to one.
        quantum: the step of the parts.

    Returns:
        The parts, in the order of ``weights``.

    Raises:
        ValueError: no weight, all weights zero, or a negative weight.
    """
    if not weights or any(w < 0 for w in weights):
        raise ValueError("weights must be non-empty and non-negative")
    units = Fraction(total) / Fraction(quantum)
    if units.denominator != 1:
        raise ValueError("total must be a multiple of quantum")
    parts = allocate_units(units.numerator, _integers(weights))
    return [(Decimal(p) * quantum).quantize(quantum) for p in parts]


def allocate_units(total: int, weights: Sequence[int]) -> list[int]:
    """:func:`allocate` on whole numbers of quanta (cents) and whole weights.

    Everything is integer arithmetic, so it is exact and gives the same parts as the same
    split computed with fractions, without building one.

    Raises:
        ValueError: no weight, all weights zero, or a negative weight.
    """
    if not weights or any(w < 0 for w in weights):
        raise ValueError("weights must be non-empty and non-negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    # Part i is exactly total * w_i / weight_sum; its numerators share that denominator.
    exact = [total * w for w in weights]
    parts = [_round_ratio(n, weight_sum) for n in exact]
    leftover = total - sum(parts)
    if leftover:
        remainders = [n - p * weight_sum for n, p in zip(exact, parts, strict=True)]
        order = sorted(
            range(len(parts)),
            key=lambda i: (-remainders[i], i) if leftover > 0 else (remainders[i], -i),
        )
        sign = 1 if leftover > 0 else -1
        # Never take a part below zero: a zero-weight part is skipped.
        eligible = [i for i in order if weights[i] > 0]
        for k in range(abs(leftover)):
            parts[eligible[k % len(eligible)]] += sign
    return parts


def _cents(amount: Decimal) -> int:
    """An amount in whole cents (it has at most two decimals once validated)."""
    return int(amount.scaleb(2).to_integral_value(rounding=ROUND_HALF_UP))


def _rate_of(cents: int, rate: Decimal) -> int:
    """``rate`` points of ``cents``, rounded half up to the cent."""
    numerator, denominator = rate.as_integer_ratio()
    return _round_ratio(cents * numerator, 100 * denominator)


def _amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _shares(amounts: Sequence[int], total: int) -> list[Decimal]:
    """Shares of ``total`` cents in points to the hundredth, adding up to exactly 100."""
    if total == 0 or not any(amounts):
        return [Decimal("0.00") for _ in amounts]
    return [_amount(h) for h in allocate_units(10000, amounts)]


def _split_weights(convention: Convention, framework: Framework) -> list[int]:
    plan = convention.funding
    if plan.split_method is SplitMethod.EQUAL:
        return [1 for _ in plan.split]
    if plan.split_method is SplitMethod.POPULATION:
        # The convention's figure, else INSEE's (iscg_docs.model.places).
        return [0 if p is None else p.count for p in split_populations(framework, convention)]
    return _integers([s.percent or 0 for s in plan.split])


def departement_rate(convention: Convention, framework: Framework) -> Decimal:
    """The Département's rate of what remains after the State, in points, for ``convention``.

    The convention's own rate when its plan states one, else the framework's.
    """
    own = convention.funding.departement_rate
    return framework.departement_rate if own is None else own


def departement_ceiling(convention: Convention, framework: Framework) -> int | None:
    """The most the Département pays in a year for ``convention``, in cents, or None.

    The framework's ceiling per ETP times the convention's ETP, rounded half up to the cent.
    """
    ceiling = framework.departement_ceiling_per_etp
    if ceiling is None:
        return None
    numerator, denominator = convention.etp.as_integer_ratio()
    return _round_ratio(_cents(ceiling) * numerator, denominator)


def compute_financing(convention: Convention, framework: Framework) -> Financing:
    """Compute the financing table of ``convention`` under ``framework``.

    The convention is assumed valid (see :func:`iscg_docs.model.rules.validate`).

    Args:
        convention: the convention.
        framework: its framework, for the State and Département parties and the default
            Département rate.

    Returns:
        The table; every year's contributions add up to its cost.

    Raises:
        ValueError: the plan cannot be split (no collectivity for a non-zero rest).
    """
    plan = convention.funding
    dep_rate = departement_rate(convention, framework)
    ceiling = departement_ceiling(convention, framework)
    weights = _split_weights(convention, framework)
    roles = [
        (framework.state, FunderRole.STATE),
        (framework.departement, FunderRole.DEPARTEMENT),
    ] + [(s.party, FunderRole.COLLECTIVITY) for s in plan.split]

    years: list[YearFinancing] = []
    for index, year in enumerate(plan.years):
        cost = _cents(year.cost)
        if year.state.amount is not None:
            state = _cents(year.state.amount)
        else:
            state = _rate_of(cost, year.state.rate or Decimal(0))
        remaining = cost - state
        departement = _rate_of(remaining, dep_rate)
        capped = False
        if ceiling is not None and departement > ceiling:
            departement, capped = ceiling, True
        rest = remaining - departement
        if rest and not plan.split:
            raise ValueError("a non-zero rest needs at least one collectivity in the split")
        split = allocate_units(rest, weights) if plan.split else []
        amounts = [state, departement, *split]
        if sum(amounts) != cost:  # pragma: no cover - guarded by allocate_units
            raise AssertionError("financing does not add up")
        start, end = convention.period.year_bounds(index)
        years.append(
            YearFinancing(
                index=index + 1,
                start=start,
                end=end,
                cost=_amount(cost),
                contributions=tuple(
                    Contribution(party, role, _amount(amount), share)
                    for (party, role), amount, share in zip(
                        roles, amounts, _shares(amounts, cost), strict=True
                    )
                ),
                state_provisional=year.state.provisional,
                departement_capped=capped,
            )
        )

    total_cost = sum((_cents(y.cost) for y in years), 0)
    party_amounts = [
        sum(_cents(y.contributions[i].amount) for y in years) for i in range(len(roles))
    ]
    totals = tuple(
        PartyTotal(party, role, _amount(amount), share)
        for (party, role), amount, share in zip(
            roles, party_amounts, _shares(party_amounts, total_cost), strict=True
        )
    )
    return Financing(years=tuple(years), totals=totals, total_cost=_amount(total_cost))
