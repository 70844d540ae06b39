"""The financing computed with fractions at every step: the reference the fast path equals.

This is how :func:`iscg_docs.model.financing.compute_financing` computed its tables before
it moved to whole cents and integer ratios. The tests compare both on generated plans, so
that the faster arithmetic is shown to give the same cents and shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from iscg_docs.model.financing import CENT, departement_rate
from iscg_docs.model.records import Convention, Framework, SplitMethod

#: (per year: [(amount, share) per funder]), [(amount, share) per funder over the period]
Table = tuple[list[list[tuple[Decimal, Decimal]]], list[tuple[Decimal, Decimal]]]


def _round(value: Fraction, quantum: Decimal = CENT) -> Decimal:
    steps = abs(value) / Fraction(quantum)
    n = int(steps)
    if steps - n >= Fraction(1, 2):
        n += 1
    return (Decimal(n if value >= 0 else -n) * quantum).quantize(quantum)


def allocate(total: Decimal, weights: Sequence[Fraction]) -> list[Decimal]:
    weight_sum = sum(weights, Fraction(0))
    exact = [Fraction(total) * w / weight_sum for w in weights]
    parts = [_round(e) for e in exact]
    leftover = int(
        (Fraction(total) - sum((Fraction(p) for p in parts), Fraction(0))) / Fraction(CENT)
    )
    if leftover:
        remainders = [e - Fraction(p) for e, p in zip(exact, parts, strict=True)]
        order = sorted(
            range(len(parts)),
            key=lambda i: (-remainders[i], i) if leftover > 0 else (remainders[i], -i),
        )
        eligible = [i for i in order if weights[i] > 0]
        for k in range(abs(leftover)):
            parts[eligible[k % len(eligible)]] += (1 if leftover > 0 else -1) * CENT
    return parts


def _shares(amounts: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    if total == 0 or not any(amounts):
        return [Decimal("0.00") for _ in amounts]
    return allocate(Decimal(100), [Fraction(a) for a in amounts])


def reference_table(convention: Convention, framework: Framework) -> Table:
    """The financing table, amounts and shares, computed with fractions."""
    plan = convention.funding
    rate = departement_rate(convention, framework)
    per_etp = framework.departement_ceiling_per_etp
    ceiling = None if per_etp is None else _round(Fraction(per_etp) * Fraction(convention.etp))
    if plan.split_method is SplitMethod.EQUAL:
        weights = [Fraction(1) for _ in plan.split]
    elif plan.split_method is SplitMethod.POPULATION:
        weights = [Fraction(s.population or 0) for s in plan.split]
    else:
        weights = [Fraction(s.percent or 0) for s in plan.split]
    years = []
    for year in plan.years:
        cost = year.cost.quantize(CENT)
        if year.state.amount is not None:
            state = year.state.amount.quantize(CENT)
        else:
            state = _round(Fraction(cost) * Fraction(year.state.rate or 0) / 100)
        remaining = cost - state
        departement = _round(Fraction(remaining) * Fraction(rate) / 100)
        if ceiling is not None:
            departement = min(departement, ceiling)
        rest = remaining - departement
        amounts = [state, departement, *(allocate(rest, weights) if plan.split else [])]
        years.append(list(zip(amounts, _shares(amounts, cost), strict=True)))
    total = sum((sum(a for a, _ in y) for y in years), Decimal("0.00"))
    per_party = [sum((y[i][0] for y in years), Decimal("0.00")) for i in range(len(years[0]))]
    return years, list(zip(per_party, _shares(per_party, total), strict=True))
