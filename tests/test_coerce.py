"""Tests for iscg_docs.model.coerce: the one conversion to Decimal, int and dates."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iscg_docs.model.coerce import (
    CoercionError,
    date_from_datetime,
    decimal_from_float,
    to_date,
    to_decimal,
    to_int,
    type_name,
)

#: The largest amount a convention writes (in words too): 15 significant digits.
_LARGEST = Decimal("999999999999.99")


class TestCoercionError:
    """CoercionError: a ValueError with a code and a French message."""

    def test_is_a_value_error(self) -> None:
        """Callers may catch the familiar type."""
        with pytest.raises(ValueError, match="un nombre est attendu"):
            to_decimal("abc")

    def test_code_message_and_pickling(self) -> None:
        """The code and message survive a trip to another process."""
        error = CoercionError("number", "un nombre est attendu")
        copy = pickle.loads(pickle.dumps(error))
        assert (copy.code, copy.message, str(copy)) == ("number", *(["un nombre est attendu"] * 2))


class TestTypeName:
    """type_name: the type of a refused value, named in French."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0.5, "un nombre décimal à virgule flottante"),
            ([1], "une liste"),
            (None, "une valeur vide"),
        ],
        ids=["float", "list", "none"],
    )
    def test_french(self, value: object, expected: str) -> None:
        """Messages name the type in French, not by its Python name."""
        assert type_name(value) == expected

    def test_in_messages(self) -> None:
        """A date column holding a number says so in French."""
        with pytest.raises(CoercionError, match="pas un nombre décimal à virgule flottante"):
            to_date(44000.0)  # type: ignore[arg-type]


class TestToDecimal:
    """to_decimal: Decimal, int and text; never a float."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("44 000,50", "44000.50"),
            ("44000.50", "44000.50"),
            ("44\u202f000,50", "44000.50"),
            ("44\u00a0000", "44000"),
            ("  0,5 ", "0.5"),
            (12, "12"),
            (Decimal("1.500"), "1.500"),
        ],
        ids=["french", "point", "narrow-space", "no-break-space", "padded", "int", "decimal"],
    )
    def test_reads(self, value: Decimal | int | str, expected: str) -> None:
        """Spaces between thousands and a decimal comma are read exactly, digits kept."""
        result = to_decimal(value)
        assert isinstance(result, Decimal)
        assert str(result) == expected

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("quarante mille", "number"),
            ("", "number"),
            ("1,000.5", "number"),
            ("NaN", "not-finite"),
            ("Infinity", "not-finite"),
            (Decimal("NaN"), "not-finite"),
            (0.1, "float"),
            (True, "type"),
            (None, "type"),
            ([1], "type"),
        ],
        ids=[
            "words",
            "empty",
            "two-separators",
            "nan-text",
            "inf-text",
            "nan",
            "float",
            "bool",
            "none",
            "list",
        ],
    )
    def test_refuses(self, value: object, code: str) -> None:
        """What is not an exact finite number is refused with a code, naming the value."""
        with pytest.raises(CoercionError) as caught:
            to_decimal(value)  # type: ignore[arg-type]
        assert caught.value.code == code
        assert repr(value) in caught.value.message

    @given(st.decimals(min_value=-_LARGEST, max_value=_LARGEST, places=2))
    def test_french_text_round_trip(self, value: Decimal) -> None:
        """An amount written the French way (spaces, decimal comma) reads back equal."""
        french = f"{value:,f}".replace(",", "\u202f").replace(".", ",")
        assert to_decimal(french) == value


class TestDecimalFromFloat:
    """decimal_from_float: a spreadsheet's double as the decimal that was typed."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0.1, "0.1"),
            (44000.5, "44000.5"),
            (3.0, "3.0"),
            (0.30000000000000004, "0.30000000000000004"),
        ],
        ids=["tenth", "amount", "whole", "formula-noise"],
    )
    def test_shortest_form(self, value: float, expected: str) -> None:
        """The shortest decimal giving back the double, not its 55 binary digits."""
        assert str(decimal_from_float(value)) == expected

    @pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")], ids=str)
    def test_refuses_non_finite(self, value: float) -> None:
        """An infinity or NaN is not a number a convention can hold."""
        with pytest.raises(CoercionError) as caught:
            decimal_from_float(value)
        assert caught.value.code == "not-finite"

    @given(st.decimals(min_value=-_LARGEST, max_value=_LARGEST, places=2))
    def test_typed_amount_survives_the_double(self, value: Decimal) -> None:
        """An amount to the cent (15 digits at most, as a double holds) reads back equal."""
        assert decimal_from_float(float(value)) == value


class TestToInt:
    """to_int: int, whole float, digits in a text."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(3, 3), (3.0, 3), ("12 000", 12000), (" 42 ", 42), ("12\u202f000", 12000)],
        ids=["int", "whole-float", "spaced-text", "padded", "narrow-space"],
    )
    def test_reads(self, value: int | float | str, expected: int) -> None:
        """Whole numbers in any form a reader hands over."""
        assert to_int(value) == expected

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            (2.5, "integer"),
            ("2,5", "integer"),
            ("trois", "integer"),
            ("-3", "integer"),
            (True, "type"),
            (None, "type"),
        ],
        ids=["fraction", "fraction-text", "words", "negative-text", "bool", "none"],
    )
    def test_refuses(self, value: object, code: str) -> None:
        """A fraction, words or a boolean are refused with a code."""
        with pytest.raises(CoercionError) as caught:
            to_int(value)  # type: ignore[arg-type]
        assert caught.value.code == code


class TestToDate:
    """to_date and date_from_datetime."""

    @pytest.mark.parametrize(
        "value",
        [
            "17/12/2020",
            "2020-12-17",
            " 17/12/2020 ",
            dt.date(2020, 12, 17),
            dt.datetime(2020, 12, 17),
        ],
        ids=["french", "iso", "padded", "date", "midnight"],
    )
    def test_reads(self, value: dt.date | str) -> None:
        """A date cell, a midnight datetime, or a text JJ/MM/AAAA or AAAA-MM-JJ."""
        assert to_date(value) == dt.date(2020, 12, 17)

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("demain", "date"),
            ("2021-02-30", "date"),
            ("30/02/2021", "date"),
            (dt.datetime(2020, 12, 17, 9, 30), "date"),
            (20201217, "type"),
        ],
        ids=["word", "impossible-iso", "impossible-french", "with-hour", "number"],
    )
    def test_refuses(self, value: object, code: str) -> None:
        """What is not a real day is refused with a code."""
        with pytest.raises(CoercionError) as caught:
            to_date(value)  # type: ignore[arg-type]
        assert caught.value.code == code

    def test_hour_named(self) -> None:
        """A datetime with an hour is refused, the hour shown."""
        with pytest.raises(CoercionError, match="2020-12-17T09:30:00"):
            date_from_datetime(dt.datetime(2020, 12, 17, 9, 30))

    @given(st.dates(min_value=dt.date(1000, 1, 1)))
    def test_both_forms_round_trip(self, day: dt.date) -> None:
        """Every day written either way reads back to itself."""
        assert to_date(day.isoformat()) == day
        assert to_date(f"{day.day:02d}/{day.month:02d}/{day.year}") == day
