"""Tests for iscg_docs.model.records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest

from iscg_docs.errors import Problem
from iscg_docs.model.records import (
    Convention,
    Deliberation,
    Force,
    FundingPlan,
    FundingYear,
    Gender,
    Party,
    PartyKind,
    Period,
    Post,
    Role,
    Signatory,
    SplitShare,
    StateShare,
    add_years,
)


def post(**changes: Any) -> Post:
    fields: dict[str, Any] = {
        "id": "p1",
        "force": Force.POLICE,
        "site": "commissariat de police de Mâcon",
        "commune": "Mâcon",
        "quotite": Decimal("0.5"),
        "employer": "mba",
    }
    fields.update(changes)
    return Post(**fields)


class TestMoney:
    def test_float_refused_with_advice(self) -> None:
        """A float amount is refused, and the message says to write it as text."""
        with pytest.raises(Problem) as caught:
            FundingYear(cost=44000.5)  # type: ignore[arg-type]
        assert caught.value.code == "float"
        assert caught.value.path == "cost"
        assert '"44000.5"' in caught.value.message

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            (Decimal("-1"), "negative-amount"),
            (Decimal("1.005"), "sub-cent-amount"),
            (Decimal("NaN"), "not-finite"),
            ("44000", "type"),
            (True, "type"),
        ],
        ids=["negative", "sub-cent", "nan", "text", "bool"],
    )
    def test_bad_amounts(self, value: object, code: str) -> None:
        """Negative, sub-cent, infinite and non-Decimal amounts are refused by code."""
        with pytest.raises(Problem) as caught:
            FundingYear(cost=value)  # type: ignore[arg-type]
        assert caught.value.code == code

    def test_decimal_accepted(self) -> None:
        """A Decimal with two decimals is an amount."""
        assert FundingYear(cost=Decimal("44000.50")).cost == Decimal("44000.50")


class TestPost:
    @pytest.mark.parametrize("q", ["0.1", "0.5", "1"], ids=str)
    def test_quotite_in_range(self, q: str) -> None:
        """0 < quotité <= 1 is accepted."""
        assert post(quotite=Decimal(q)).quotite == Decimal(q)

    @pytest.mark.parametrize("q", ["0", "-0.5", "1.5"], ids=str)
    def test_quotite_out_of_range(self, q: str) -> None:
        """A quotité of zero, negative or above one ETP is refused."""
        with pytest.raises(Problem) as caught:
            post(quotite=Decimal(q))
        assert caught.value.code == "quotite-range"

    def test_float_quotite(self) -> None:
        """A float quotité is refused like a float amount."""
        with pytest.raises(Problem, match="virgule flottante"):
            post(quotite=0.5)

    def test_force_must_be_enum(self) -> None:
        """An unknown force lists the allowed values."""
        with pytest.raises(Problem, match="« police », « gendarmerie »"):
            post(force="douane")

    def test_frozen(self) -> None:
        """Records are immutable."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            post().quotite = Decimal(1)  # type: ignore[misc]


class TestText:
    @pytest.mark.parametrize(
        "value",
        ["", "   ", "a\nb", "a\x01b", "a\tb"],
        ids=["empty", "blank", "newline", "control", "tab"],
    )
    def test_refused(self, value: str) -> None:
        """Empty text and control characters cannot reach a document."""
        with pytest.raises(Problem):
            Signatory(Role.MAIRE, value, Gender.FEMININE)

    def test_special_characters_kept(self) -> None:
        """Ampersands, angle brackets and braces are ordinary text for a record."""
        s = Signatory(Role.MAIRE, "Saint-Vallier & <Cie> {{ 7*7 }}", Gender.MASCULINE)
        assert s.full_name == "Saint-Vallier & <Cie> {{ 7*7 }}"


class TestParty:
    def test_siren_checksum(self) -> None:
        """A SIREN number must pass the Luhn check."""
        assert Party("x", PartyKind.COMMUNE, "Mâcon", siren="217102706").siren == "217102706"
        with pytest.raises(Problem, match="clé de contrôle"):
            Party("x", PartyKind.COMMUNE, "Mâcon", siren="217102705")

    @pytest.mark.parametrize(
        "pid", ["a b", "é", "-x", ""], ids=["space", "accent", "dash", "empty"]
    )
    def test_identifier(self, pid: str) -> None:
        """Identifiers are plain ASCII names."""
        with pytest.raises(Problem) as caught:
            Party(pid, PartyKind.COMMUNE, "Mâcon")
        assert caught.value.code == "identifier"

    def test_collectivity(self) -> None:
        """Communes, EPCI and the Département are collectivities; the State is not."""
        assert Party("m", PartyKind.COMMUNE, "Mâcon").is_collectivity
        assert not Party("e", PartyKind.ETAT, "État").is_collectivity

    def test_deliberation_date_type(self) -> None:
        """A deliberation's date is a date, not a datetime."""
        with pytest.raises(Problem):
            Deliberation("conseil municipal", dt.datetime(2021, 1, 1), "1")  # type: ignore[arg-type]


class TestPeriod:
    @pytest.mark.parametrize(
        ("start", "years", "end"),
        [
            (dt.date(2021, 1, 1), 3, dt.date(2023, 12, 31)),
            (dt.date(2021, 3, 15), 3, dt.date(2024, 3, 14)),
            (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 28)),
            (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 28)),
        ],
        ids=["calendar", "mid-month", "leap-1", "leap-4"],
    )
    def test_end_is_day_before_anniversary(self, start: dt.date, years: int, end: dt.date) -> None:
        """The end is the day before the n-th anniversary of the start."""
        assert Period(start, years).end == end

    def test_year_bounds(self) -> None:
        """Each convention year runs from an anniversary to the day before the next."""
        p = Period(dt.date(2021, 3, 1), 3)
        assert p.year_bounds(1) == (dt.date(2022, 3, 1), dt.date(2023, 2, 28))

    @pytest.mark.parametrize("years", [0, 11, True], ids=["zero", "eleven", "bool"])
    def test_years_range(self, years: int) -> None:
        """A period lasts 1 to 10 whole years."""
        with pytest.raises(Problem):
            Period(dt.date(2021, 1, 1), years)

    def test_add_years_leap_day(self) -> None:
        """29 February plus one year is 1 March."""
        assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 3, 1)


class TestShares:
    @pytest.mark.parametrize("value", ["-1", "100.01"], ids=["negative", "over-100"])
    def test_percent_range(self, value: str) -> None:
        """A percentage lies in [0, 100]."""
        with pytest.raises(Problem) as caught:
            SplitShare("c", percent=Decimal(value))
        assert caught.value.code == "percent-range"

    def test_state_rate_float(self) -> None:
        """A float rate is refused."""
        with pytest.raises(Problem, match="virgule flottante"):
            StateShare(rate=40.0)  # type: ignore[arg-type]

    def test_population(self) -> None:
        """A population is a positive whole number."""
        with pytest.raises(Problem):
            SplitShare("c", population=0)


class TestConverters:
    def test_records_from_any_iterable(self) -> None:
        """A generator of records becomes the field's tuple."""
        year = FundingYear(cost=Decimal(1000))
        plan = FundingPlan(years=(y for y in [year]), split=[])
        assert plan.years == (year,)
        assert plan.split == ()

    @pytest.mark.parametrize("value", ["nonsense", {"a": 1}, 3], ids=["text", "mapping", "int"])
    def test_not_a_list_of_records(self, value: object) -> None:
        """A text, a mapping or a number is refused in French, not split into items."""
        with pytest.raises(Problem) as caught:
            FundingPlan(years=value, split=[])  # type: ignore[arg-type]
        assert caught.value.code == "type"
        assert caught.value.path == "years"

    def test_a_lone_text_is_not_a_list_of_identifiers(self) -> None:
        """Identifiers come as a list; a text is refused rather than read letter by letter."""
        with pytest.raises(Problem) as caught:
            Convention(
                reference="r",
                territory="t",
                parties="abc",  # type: ignore[arg-type]
                posts=[],
                period=Period(start=dt.date(2021, 1, 1)),
                funding=FundingPlan(years=[], split=[]),
                signed_at="Mâcon",
            )
        assert caught.value.path == "parties"


class TestBounds:
    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("1e400", "amount-too-large"),
            ("1E+100000", "amount-too-large"),
            ("1e28", "amount-too-large"),
            ("9" * 29, "amount-too-large"),
            ("1000000000000", "amount-too-large"),
            ("0.001", "sub-cent-amount"),
            ("1e-999999999", "sub-cent-amount"),
        ],
        ids=["1e400", "huge-exponent", "1e28", "29-nines", "one-over", "mill", "tiny"],
    )
    def test_amounts(self, value: str, code: str) -> None:
        """An amount no convention can print is refused before any arithmetic."""
        with pytest.raises(Problem) as caught:
            FundingYear(cost=Decimal(value))
        assert caught.value.code == code

    def test_largest_amount(self) -> None:
        """999 999 999 999,99 € is the largest amount accepted."""
        assert FundingYear(cost=Decimal("999999999999.99")).cost == Decimal("999999999999.99")

    @pytest.mark.parametrize(
        "value",
        ["1e-999999999", "0.5000001", "1.0000000000000000000000000002"],
        ids=["tiny-exponent", "seven-decimals", "28-digits"],
    )
    def test_quotite_decimals(self, value: str) -> None:
        """Exact means exact: more than six decimals is refused, whatever Decimal rounds to."""
        with pytest.raises(Problem) as caught:
            post(quotite=Decimal(value))
        assert caught.value.code in {"too-many-decimals", "quotite-range"}

    def test_trailing_zeros_are_not_decimals(self) -> None:
        """0,50000000 is one half, not eight decimals."""
        assert post(quotite=Decimal("0.50000000")).quotite == Decimal("0.5")

    @pytest.mark.parametrize("value", ["1e-999999", "33.3333333"], ids=["tiny", "seven"])
    def test_percent_decimals(self, value: str) -> None:
        """A percentage has at most six decimals."""
        with pytest.raises(Problem) as caught:
            SplitShare("c", percent=Decimal(value))
        assert caught.value.code == "too-many-decimals"

    @pytest.mark.parametrize("year", [1899, 2201, 9998, 9999], ids=str)
    def test_dates(self, year: int) -> None:
        """A start in year 9998 cannot end; dates lie between 1900 and 2200."""
        with pytest.raises(Problem) as caught:
            Period(start=dt.date(year, 1, 1))
        assert caught.value.code == "date-range"

    def test_population(self) -> None:
        """A population of 5 000 digits is refused without printing it."""
        with pytest.raises(Problem) as caught:
            SplitShare("c", population=10**5000)
        assert caught.value.code == "population"
        assert "trop grand" in caught.value.message

    @pytest.mark.parametrize(
        ("field", "length"), [("name", 1001), ("name", 100_000)], ids=["1001", "100k"]
    )
    def test_long_texts(self, field: str, length: int) -> None:
        """A text beyond 1 000 characters is refused with its length."""
        with pytest.raises(Problem) as caught:
            Party(id="p", kind=PartyKind.COMMUNE, **{field: "a" * length})
        assert caught.value.code == "too-long"
        assert str(length) in caught.value.message
