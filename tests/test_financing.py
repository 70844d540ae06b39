"""Tests for iscg_docs.model.financing."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iscg_docs.model.financing import (
    ROUNDING_RULE,
    FunderRole,
    allocate,
    compute_financing,
    departement_rate,
    round_half_up,
)
from iscg_docs.model.records import Framework
from iscg_docs.model.rules import problems
from tests.reference_financing import allocate as reference_allocate
from tests.reference_financing import reference_table
from tests.strategies import frameworks

D = Decimal


class TestRoundHalfUp:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (Fraction(1, 200), "0.01"),
            (Fraction(1, 300), "0.00"),
            (Fraction(2, 3), "0.67"),
            (Fraction(-1, 200), "-0.01"),
            (D("2.345"), "2.35"),
            (D("2.344"), "2.34"),
        ],
        ids=["half", "below-half", "third", "negative-half", "decimal-half", "decimal-below"],
    )
    def test_values(self, value: Fraction | Decimal, expected: str) -> None:
        """A half cent goes up (away from zero); exact fractions decide ties exactly."""
        assert round_half_up(value) == D(expected)


class TestAllocate:
    def test_thirds(self) -> None:
        """100 € in three equal parts: the first listed gets the leftover cent."""
        assert allocate(D("100.00"), [Fraction(1)] * 3) == [D("33.34"), D("33.33"), D("33.33")]

    def test_largest_remainder(self) -> None:
        """The leftover cent goes to the largest remainder, not the first listed."""
        parts = allocate(D("0.10"), [Fraction(1), Fraction(2), Fraction(4)])
        # exact: 0.0142.., 0.0285.., 0.0571.. -> rounded 0.01, 0.03, 0.06 = 0.10
        assert parts == [D("0.01"), D("0.03"), D("0.06")]
        assert sum(parts) == D("0.10")

    def test_excess_taken_from_smallest_remainder(self) -> None:
        """When half-up rounding overshoots, the cent is taken back where it hurts least."""
        parts = allocate(D("0.02"), [Fraction(1)] * 4)  # exact 0.005 each -> 0.01 each = 0.04
        assert parts == [D("0.01"), D("0.01"), D("0.00"), D("0.00")]

    def test_zero_weight_stays_zero(self) -> None:
        """A zero weight never receives a leftover cent."""
        parts = allocate(D("0.03"), [Fraction(0), Fraction(1), Fraction(1)])
        assert parts[0] == 0
        assert sum(parts) == D("0.03")

    @pytest.mark.parametrize(
        "weights",
        [[], [Fraction(0)], [Fraction(-1), Fraction(2)]],
        ids=["none", "zeros", "negative"],
    )
    def test_bad_weights(self, weights: list[Fraction]) -> None:
        """No weight, all-zero or negative weights cannot split anything."""
        with pytest.raises(ValueError, match="weights"):
            allocate(D("1.00"), weights)

    @given(
        total=st.integers(0, 10**11).map(lambda n: D(n).scaleb(-2)),
        weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any),
    )
    def test_parts_add_up(self, total: Decimal, weights: list[int]) -> None:
        """For any total and weights, the parts add up to the total, each within a cent of exact."""
        parts = allocate(total, [Fraction(w) for w in weights])
        assert sum(parts) == total
        for part, w in zip(parts, weights, strict=True):
            exact = Fraction(total) * w / sum(weights)
            assert abs(Fraction(part) - exact) < Fraction(1, 100)
            assert part >= 0


class TestExample:
    def test_bassin_minier_year_one(self, framework: Framework) -> None:
        """Year 1 of the Bassin minier: State 20 000, Département half the rest, key 45/17,5/22,5/15."""
        f = compute_financing(framework.conventions[0], framework)
        y = f.years[0]
        amounts = {c.party: c.amount for c in y.contributions}
        assert amounts == {
            "etat": D("20000.00"),
            "cd71": D("12000.00"),
            "montceau": D("5400.00"),
            "blanzy": D("2100.00"),
            "saint-vallier": D("2700.00"),
            "sanvignes": D("1800.00"),
        }
        assert [c.role for c in y.contributions[:3]] == [
            FunderRole.STATE,
            FunderRole.DEPARTEMENT,
            FunderRole.COLLECTIVITY,
        ]

    def test_state_rate(self, framework: Framework) -> None:
        """A State rate is applied to the year's cost: 40 % of 66 000 €."""
        f = compute_financing(framework.conventions[1], framework)
        assert f.years[0].amount_of("etat") == D("26400.00")

    def test_state_zero_year(self, framework: Framework) -> None:
        """With no State money, the Département and the EPCI share the cost half and half."""
        y3 = compute_financing(framework.conventions[2], framework).years[2]
        assert y3.amount_of("etat") == D("0.00")
        assert y3.amount_of("cd71") == y3.amount_of("bli") == D("22628.70")

    def test_totals(self, framework: Framework) -> None:
        """Each party's total is the sum of its years; the grand total is the cost."""
        f = compute_financing(framework.conventions[0], framework)
        for t in f.totals:
            assert t.amount == sum(y.amount_of(t.party) for y in f.years)
        assert sum(t.amount for t in f.totals) == f.total_cost == D("134657.60")
        assert sum(t.share for t in f.totals) == 100

    def test_year_dates(self, framework: Framework) -> None:
        """Convention years follow the period's anniversaries."""
        f = compute_financing(framework.conventions[0], framework)
        assert [(y.start.isoformat(), y.end.isoformat()) for y in f.years] == [
            ("2021-01-01", "2021-12-31"),
            ("2022-01-01", "2022-12-31"),
            ("2023-01-01", "2023-12-31"),
        ]

    def test_departement_ceiling_per_etp(self, framework: Framework) -> None:
        """01 (1 ETP), year 3: the Département's 15 388,80 is capped at 14 000,00 and the
        collectivities pay the difference; years 1 and 2 stay under the ceiling."""
        fw = attrs.evolve(framework, departement_ceiling_per_etp=D("14000"))
        f = compute_financing(fw.convention("CD71-ISCG-2021-01"), fw)
        assert [y.amount_of(fw.departement) for y in f.years] == [
            D("12000.00"),
            D("12440.00"),
            D("14000.00"),
        ]
        assert [y.departement_capped for y in f.years] == [False, False, True]
        third = f.years[2]
        assert sum(c.amount for c in third.contributions[2:]) == D("45777.60") - D("15000.00") - D(
            "14000.00"
        )

    def test_convention_rate_overrides_framework(self, framework: Framework) -> None:
        """A convention that declares its own Département rate uses it."""
        c = framework.conventions[1]
        c = attrs.evolve(c, funding=attrs.evolve(c.funding, departement_rate=D("25")))
        y = compute_financing(c, framework).years[0]
        assert y.amount_of("cd71") == D("9900.00")  # 25 % of 39 600
        assert y.amount_of("mba") == D("29700.00")

    def test_rule_is_french(self) -> None:
        """The rounding rule is stated in French for the convention."""
        assert "plus forts restes" in ROUNDING_RULE


class TestProperties:
    @settings(max_examples=150, deadline=None)
    @given(frameworks())
    def test_every_year_adds_up(self, fw: Framework) -> None:
        """For any valid plan, each year's contributions add up exactly to its cost,
        every share lies in [0, 100] and shares add up to 100."""
        assert problems(fw) == []
        for convention in fw.conventions:
            f = compute_financing(convention, fw)
            for y in f.years:
                assert sum(c.amount for c in y.contributions) == y.cost
                assert all(D(0) <= c.share <= 100 for c in y.contributions)
                assert all(c.amount >= 0 for c in y.contributions)
                assert sum(c.share for c in y.contributions) == 100
                assert all(c.amount == c.amount.quantize(D("0.01")) for c in y.contributions)
            assert sum(t.amount for t in f.totals) == f.total_cost
            for t in f.totals:
                assert t.amount == sum(y.amount_of(t.party) for y in f.years)

    @settings(max_examples=150, deadline=None)
    @given(frameworks())
    def test_shares_within_a_hundredth(self, fw: Framework) -> None:
        """The printed rule: no share is more than a hundredth of a point from its value."""
        for convention in fw.conventions:
            f = compute_financing(convention, fw)
            for y in f.years:
                for c in y.contributions:
                    exact = Fraction(c.amount) * 100 / Fraction(y.cost)
                    assert abs(Fraction(c.share) - exact) <= Fraction(1, 100)

    @settings(max_examples=150, deadline=None)
    @given(frameworks())
    def test_departement_ceiling(self, fw: Framework) -> None:
        """The Département never pays above its ceiling times the ETP, nor above its rate."""
        per_etp = fw.departement_ceiling_per_etp
        for convention in fw.conventions:
            f = compute_financing(convention, fw)
            rate = departement_rate(convention, fw)
            for y in f.years:
                paid = y.amount_of(fw.departement)
                remaining = y.cost - y.amount_of(fw.state)
                by_rate = round_half_up(Fraction(remaining) * Fraction(rate) / 100)
                assert paid <= by_rate
                if per_etp is not None:
                    assert paid <= round_half_up(Fraction(per_etp) * Fraction(convention.etp))
                assert y.departement_capped == (paid < by_rate)


class TestSameAsFractions:
    @settings(max_examples=200, deadline=None)
    @given(frameworks())
    def test_same_cents_and_shares(self, fw: Framework) -> None:
        """Whole cents and integer ratios give the table fractions give, value and form."""
        for convention in fw.conventions:
            f = compute_financing(convention, fw)
            years, totals = reference_table(convention, fw)
            got = [[(c.amount, c.share) for c in y.contributions] for y in f.years]
            assert got == years
            assert [str(a) for y in got for a, _ in y] == [str(a) for y in years for a, _ in y]
            assert [(t.amount, t.share) for t in f.totals] == totals

    @given(
        total=st.integers(0, 10**11),
        weights=st.lists(
            st.fractions(min_value=0, max_denominator=10**4), min_size=1, max_size=8
        ).filter(any),
    )
    def test_allocate_same_as_fractions(self, total: int, weights: list[Fraction]) -> None:
        """Any total in cents split by any rational weights: the same parts as fractions give."""
        amount = D(total).scaleb(-2)
        assert allocate(amount, weights) == reference_allocate(amount, weights)


class TestDepartementRate:
    def test_framework_rate_by_default(self, framework: Framework) -> None:
        """A plan that states no rate takes the framework's."""
        convention = framework.conventions[0]
        assert convention.funding.departement_rate is None
        assert departement_rate(convention, framework) == framework.departement_rate

    def test_own_rate_wins(self, framework: Framework) -> None:
        """A plan's own rate, even 0, is the one used."""
        convention = framework.conventions[0]
        own = attrs.evolve(
            convention, funding=attrs.evolve(convention.funding, departement_rate=D(0))
        )
        assert departement_rate(own, framework) == D(0)
        financing = compute_financing(own, framework)
        assert financing.total_of(framework.departement) == D(0)
