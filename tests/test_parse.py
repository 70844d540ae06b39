"""Tests for iscg_docs.french.parse: French number words read back to their value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iscg_docs.french import money_in_words, number_in_words
from iscg_docs.french.parse import parse_money_words, parse_number_words

#: Every amount money_in_words accepts: 0 to 999 999 999 999,99 €, to the cent.
amounts = st.integers(min_value=0, max_value=99_999_999_999_999).map(
    lambda n: Decimal(n).scaleb(-2)
)
integers = st.integers(min_value=0, max_value=999_999_999_999)


class TestParseMoneyWords:
    """Amounts in words come back to the cent, and only as French writes them."""

    @pytest.mark.parametrize(
        ("text", "amount"),
        [
            ("vingt-cinq mille euros", "25000"),
            ("un million d'euros", "1000000"),
            ("un million d’euros", "1000000"),
            ("quatre-vingts euros", "80"),
            ("quatre-vingt-un euros", "81"),
            ("deux cents euros et un centime", "200.01"),
            ("deux cent un euros", "201"),
            ("vingt et un euros", "21"),
            ("vingt-et-un euros", "21"),
            ("cinquante centimes", "0.50"),
            ("zéro euro", "0"),
            ("un euro", "1"),
            ("trois milliards d'euros", "3000000000"),
        ],
        ids=lambda v: str(v),
    )
    def test_examples(self, text: str, amount: str) -> None:
        """The review's examples and the traps of French numerals read right."""
        assert parse_money_words(text) == Decimal(amount)

    @pytest.mark.parametrize(
        "text",
        [
            "quatre-vingt euros",
            "un million euros",
            "un mille euros",
            "deux cent euros",
            "vingt-cinq mille",
            "cent centimes",
            "vingt-cinq mille euros et zéro centime",
            "vingt-cinq mile euros",
            "",
        ],
        ids=lambda v: v or "empty",
    )
    def test_refuses_misspellings(self, text: str) -> None:
        """A misspelt or malformed amount is an error, not a guess."""
        with pytest.raises(ValueError, match=r"lettres|centimes"):
            parse_money_words(text)

    @given(amounts)
    def test_round_trip(self, amount: Decimal) -> None:
        """Whatever money_in_words writes reads back to the same amount."""
        assert parse_money_words(money_in_words(amount)) == amount

    @given(amounts)
    def test_round_trip_1990(self, amount: Decimal) -> None:
        """The 1990 spelling reads back too."""
        assert parse_money_words(money_in_words(amount, reform1990=True)) == amount


class TestParseNumberWords:
    """Whole numbers in words come back exactly."""

    @given(integers)
    def test_round_trip(self, n: int) -> None:
        """number_in_words, both spellings, reads back to n."""
        assert parse_number_words(number_in_words(n)) == n
        assert parse_number_words(number_in_words(n, reform1990=True)) == n

    def test_feminine(self) -> None:
        """« vingt et une » reads 21."""
        assert parse_number_words("vingt et une") == 21

    def test_unknown_word(self) -> None:
        """A word that is no numeral is named in the message."""
        with pytest.raises(ValueError, match="« douzaine »"):
            parse_number_words("une douzaine")
