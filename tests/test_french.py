"""Tests for iscg_docs.french: exact French spellings, exact Unicode spaces, bad inputs."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from decimal import Decimal, localcontext
from typing import Any

import attrs
import jinja2
import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from iscg_docs import french
from iscg_docs.french import (
    FILTERS,
    article_number,
    designation,
    designation_all,
    fte,
    in_words_and_figures,
    join,
    long_date,
    money,
    money_full,
    money_in_words,
    number,
    number_in_words,
    of,
    of_all,
    ordinal,
    percent,
    period,
    represented_by,
    signatory_block,
    signatory_title,
    to,
    to_all,
    typography,
)
from iscg_docs.french.numbers import plain
from iscg_docs.french.parties import (
    authorisation,
    deliberating_body,
    deliberation_citation,
    noun_phrase,
)
from iscg_docs.french.text import agree, capitalize, elides, strip_article, with_article
from iscg_docs.model.cog import referentiel
from iscg_docs.model.records import (
    Deliberation,
    EpciKind,
    Gender,
    Party,
    PartyKind,
    Role,
    Signatory,
)
from tests.test_cog import DEPARTEMENTS_DE

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"  # no-break space

MAX = 999_999_999_999

# --------------------------------------------------------------------------- helpers

# An independent reader of French number words, written from the rules and not from the
# generator: it only adds and multiplies, so a spelling that reads back to the right value
# is at least arithmetically right.
_VALUES = {
    "zéro": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
}


def read_number(words: str) -> int:
    """Read French number words (either spelling) back to an integer."""
    total = current = 0
    previous = ""
    for token in re.split(r"[ -]", words):
        if token == "et":
            pass
        elif token in _VALUES:
            current += _VALUES[token]
        elif token in ("vingt", "vingts"):
            # quatre-vingt(s) is four twenties, not four plus twenty.
            current += 76 if previous == "quatre" else 20
        elif token in ("cent", "cents"):
            current = (current or 1) * 100
        elif token == "mille":
            total += (current or 1) * 1000
            current = 0
        elif token in ("million", "millions"):
            total += current * 10**6
            current = 0
        elif token in ("milliard", "milliards"):
            total += current * 10**9
            current = 0
        else:
            raise ValueError(f"unknown number word {token!r} in {words!r}")
        previous = token
    return total + current


_MONEY = re.compile(
    r"(?:(?P<euros>.+?)(?: d’| )euros?)?(?:(?:^| et )(?P<cents>.+) centimes?)?",
)


def read_money(words: str) -> Decimal:
    """Read an amount in words back to a Decimal with two places."""
    if words == "zéro euro":
        return Decimal("0.00")
    match = _MONEY.fullmatch(words)
    assert match, words
    euros = read_number(match["euros"]) if match["euros"] else 0
    cents = read_number(match["cents"]) if match["cents"] else 0
    return Decimal(euros) + Decimal(cents) / 100


def assert_well_formed(words: str, n: int) -> None:
    """The spelling rules that hold for every traditional spelling of ``n``."""
    assert words == words.strip(), words
    assert "  " not in words, words
    assert "--" not in words, words
    tokens = words.split(" ")
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        # vingt and cent take an s only at the very end or before million/milliard.
        if token.endswith(("vingts", "cents")):
            assert after in (None, "millions", "milliards", "million", "milliard"), words
        # ...and must take it there when multiplied.
        if token == "quatre-vingt" or (token == "cent" and i and tokens[i - 1] in _VALUES):
            assert after not in (None, "millions", "milliards"), words
        # "et" only joins un or onze to a ten, from vingt to soixante.
        if token == "et":
            assert tokens[i - 1] in ("vingt", "trente", "quarante", "cinquante", "soixante")
            assert after in ("un", "onze"), words
    # mille is invariable and never counted by "un".
    assert "milles" not in words, words
    assert not re.search(r"(^|milliards? |millions? )un mille", words), words
    # Traditional spelling: no hyphen around cent, mille, million, milliard.
    assert not re.search(r"-(cents?|mille|millions?|milliards?)\b|\b(cents?|mille)-", words)


def commune(name: str, **kwargs: object) -> Party:
    """A commune party."""
    return Party(id=f"c-{len(name)}", kind=PartyKind.COMMUNE, name=name, **kwargs)  # type: ignore[arg-type]


ETAT = Party(
    id="etat",
    kind=PartyKind.ETAT,
    name="État",
    signatory=Signatory(
        role=Role.PREFET,
        full_name="Jean Dupont",
        gender=Gender.MASCULINE,
        title_suffix="de Saône-et-Loire",
    ),
)
DEPARTEMENT = Party(
    id="cd71",
    kind=PartyKind.DEPARTEMENT,
    name="Saône-et-Loire",
    signatory=Signatory(
        role=Role.PRESIDENT,
        full_name="Anne Martin",
        gender=Gender.FEMININE,
        title_suffix="du Conseil départemental",
    ),
)
MBA = Party(
    id="mba",
    kind=PartyKind.EPCI,
    name="Mâconnais Beaujolais Agglomération",
    epci_kind=EpciKind.COMMUNAUTE_D_AGGLOMERATION,
    signatory=Signatory(
        role=Role.PRESIDENT,
        full_name="Anne Martin",
        gender=Gender.FEMININE,
        title_suffix="de Mâconnais Beaujolais Agglomération",
    ),
)
BLI = Party(
    id="bli",
    kind=PartyKind.EPCI,
    name="Bresse Louhannaise Intercom'",
    epci_kind=EpciKind.COMMUNAUTE_DE_COMMUNES,
)
BLANZY = commune("Blanzy")
AUTUN = commune("Autun")


# --------------------------------------------------------------------------- money in words

# (amount, expected words), grouped by the rule each group checks. Spellings written by
# hand from the rules (Grevisse, Le Bon Usage §§ 593-598; rectifications of 1990).
REFERENCE = [
    # Units 0-16 are single words; "zéro euro" and "un euro" are singular.
    ("0", "zéro euro"),
    ("1", "un euro"),
    ("2", "deux euros"),
    ("3", "trois euros"),
    ("5", "cinq euros"),
    ("9", "neuf euros"),
    ("10", "dix euros"),
    # Teens 11-16 are single words.
    ("11", "onze euros"),
    ("12", "douze euros"),
    ("13", "treize euros"),
    ("14", "quatorze euros"),
    ("15", "quinze euros"),
    ("16", "seize euros"),
    # 17-19 are dix + unit, hyphenated.
    ("17", "dix-sept euros"),
    ("18", "dix-huit euros"),
    ("19", "dix-neuf euros"),
    # Tens 20-60, hyphenated with units 2-9.
    ("20", "vingt euros"),
    ("22", "vingt-deux euros"),
    ("29", "vingt-neuf euros"),
    ("30", "trente euros"),
    ("35", "trente-cinq euros"),
    ("40", "quarante euros"),
    ("48", "quarante-huit euros"),
    ("50", "cinquante euros"),
    ("57", "cinquante-sept euros"),
    ("60", "soixante euros"),
    ("66", "soixante-six euros"),
    # "et" without hyphens joins un to vingt … soixante, and onze to soixante.
    ("21", "vingt et un euros"),
    ("31", "trente et un euros"),
    ("41", "quarante et un euros"),
    ("51", "cinquante et un euros"),
    ("61", "soixante et un euros"),
    ("71", "soixante et onze euros"),
    # 70-79 count on from soixante with dix … dix-neuf.
    ("70", "soixante-dix euros"),
    ("72", "soixante-douze euros"),
    ("77", "soixante-dix-sept euros"),
    ("79", "soixante-dix-neuf euros"),
    # quatre-vingts takes an s when it ends the number; no "et" and no s in 81-89.
    ("80", "quatre-vingts euros"),
    ("81", "quatre-vingt-un euros"),
    ("82", "quatre-vingt-deux euros"),
    ("89", "quatre-vingt-neuf euros"),
    # 90-99 count on from quatre-vingt with dix … dix-neuf, without "et".
    ("90", "quatre-vingt-dix euros"),
    ("91", "quatre-vingt-onze euros"),
    ("96", "quatre-vingt-seize euros"),
    ("97", "quatre-vingt-dix-sept euros"),
    ("99", "quatre-vingt-dix-neuf euros"),
    # cent: "cent" alone (never "un cent"); multiplied, s only when it ends the number.
    ("100", "cent euros"),
    ("101", "cent un euros"),
    ("111", "cent onze euros"),
    ("121", "cent vingt et un euros"),
    ("180", "cent quatre-vingts euros"),
    ("200", "deux cents euros"),
    ("201", "deux cent un euros"),
    ("280", "deux cent quatre-vingts euros"),
    ("300", "trois cents euros"),
    ("371", "trois cent soixante et onze euros"),
    ("999", "neuf cent quatre-vingt-dix-neuf euros"),
    # mille is invariable, never "un mille"; vingt and cent before it take no s.
    ("1000", "mille euros"),
    ("1001", "mille un euros"),
    ("1100", "mille cent euros"),
    ("1200", "mille deux cents euros"),
    ("1980", "mille neuf cent quatre-vingts euros"),
    ("2000", "deux mille euros"),
    ("2021", "deux mille vingt et un euros"),
    ("10000", "dix mille euros"),
    ("21000", "vingt et un mille euros"),
    ("25000", "vingt-cinq mille euros"),
    ("45000", "quarante-cinq mille euros"),
    ("80000", "quatre-vingt mille euros"),
    ("81000", "quatre-vingt-un mille euros"),
    ("100000", "cent mille euros"),
    ("101000", "cent un mille euros"),
    ("200000", "deux cent mille euros"),
    ("280000", "deux cent quatre-vingt mille euros"),
    ("999000", "neuf cent quatre-vingt-dix-neuf mille euros"),
    # million and milliard are nouns: plural s, vingt/cent agree before them, and a
    # number ending in one takes "d'euros".
    ("1000000", "un million d’euros"),
    ("2000000", "deux millions d’euros"),
    ("21000000", "vingt et un millions d’euros"),
    ("80000000", "quatre-vingts millions d’euros"),
    ("200000000", "deux cents millions d’euros"),
    ("1000001", "un million un euros"),
    ("1000100", "un million cent euros"),
    ("1001000", "un million mille euros"),
    ("1200000", "un million deux cent mille euros"),
    ("2500000", "deux millions cinq cent mille euros"),
    ("1000000000", "un milliard d’euros"),
    ("2000000000", "deux milliards d’euros"),
    ("80000000000", "quatre-vingts milliards d’euros"),
    ("1001000000", "un milliard un million d’euros"),
    ("1500000000", "un milliard cinq cents millions d’euros"),
    ("1000001000", "un milliard mille euros"),
    (
        "999999999999",
        "neuf cent quatre-vingt-dix-neuf milliards neuf cent quatre-vingt-dix-neuf millions "
        "neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf euros",
    ),
    # Centimes: no "et zéro centime" for whole amounts; "centime(s)" agrees; alone if no euro.
    ("0.01", "un centime"),
    ("0.21", "vingt et un centimes"),
    ("0.50", "cinquante centimes"),
    ("0.80", "quatre-vingts centimes"),
    ("0.99", "quatre-vingt-dix-neuf centimes"),
    ("1.01", "un euro et un centime"),
    ("2.5", "deux euros et cinquante centimes"),
    ("21.80", "vingt et un euros et quatre-vingts centimes"),
    ("100.00", "cent euros"),
    ("25000.50", "vingt-cinq mille euros et cinquante centimes"),
    ("45000.10", "quarante-cinq mille euros et dix centimes"),
    ("1000000.50", "un million d’euros et cinquante centimes"),
    (
        "999999999999.99",
        "neuf cent quatre-vingt-dix-neuf milliards neuf cent quatre-vingt-dix-neuf millions "
        "neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf euros "
        "et quatre-vingt-dix-neuf centimes",
    ),
]

# The 1990 rectifications: hyphens between all numerals, "et" included; agreement of
# vingt and cent unchanged; million and milliard are nouns and stay unhyphenated.
REFERENCE_1990 = [
    ("21", "vingt-et-un euros"),
    ("71", "soixante-et-onze euros"),
    ("81", "quatre-vingt-un euros"),
    ("80", "quatre-vingts euros"),
    ("101", "cent-un euros"),
    ("200", "deux-cents euros"),
    ("201", "deux-cent-un euros"),
    ("372", "trois-cent-soixante-douze euros"),
    ("1021", "mille-vingt-et-un euros"),
    ("2000", "deux-mille euros"),
    ("7400", "sept-mille-quatre-cents euros"),
    ("25000", "vingt-cinq-mille euros"),
    ("80000", "quatre-vingt-mille euros"),
    ("1000000", "un million d’euros"),
    ("1200000", "un million deux-cent-mille euros"),
    ("200000000", "deux-cents millions d’euros"),
    ("0.21", "vingt-et-un centimes"),
]


class TestMoneyInWords:
    """money_in_words: the spelling a jurist checks next to the figures."""

    @pytest.mark.parametrize(("amount", "expected"), REFERENCE, ids=[a for a, _ in REFERENCE])
    def test_reference_spelling(self, amount: str, expected: str) -> None:
        """Each reference amount is spelt exactly as the rule of its group says."""
        assert money_in_words(amount) == expected

    @pytest.mark.parametrize(
        ("amount", "expected"), REFERENCE_1990, ids=[a for a, _ in REFERENCE_1990]
    )
    def test_reform_1990_spelling(self, amount: str, expected: str) -> None:
        """The 1990 spelling hyphenates every numeral but not million or milliard."""
        assert money_in_words(amount, reform1990=True) == expected

    def test_reference_table_is_large(self) -> None:
        """The reference table keeps at least 80 hand-written traditional spellings."""
        assert len(REFERENCE) >= 80
        assert len({a for a, _ in REFERENCE}) == len(REFERENCE)

    @pytest.mark.parametrize(
        "amount",
        [Decimal("25000"), 25000, "25000", " 25000 ", Decimal("25000.00"), Decimal("2.5E+4")],
        ids=["decimal", "int", "text", "text-with-spaces", "decimal-two-places", "exponent"],
    )
    def test_accepts_decimal_int_and_text(self, amount: object) -> None:
        """Decimal, int and numeric text give the same words."""
        assert money_in_words(amount) == "vingt-cinq mille euros"  # type: ignore[arg-type]

    def test_trailing_zero_beyond_cents_is_exact(self) -> None:
        """'1.500' has three written decimals but is exactly 1,50 €: accepted, not rounded."""
        assert money_in_words("1.500") == "un euro et cinquante centimes"

    def test_negative_zero_is_zero(self) -> None:
        """-0 reads as zéro euro."""
        assert money_in_words(Decimal("-0")) == "zéro euro"

    def test_one_thousand_milliards_is_too_large(self) -> None:
        """Mille milliards is above the range: an error, not a wrong spelling."""
        with pytest.raises(ValueError, match="999 999 999 999,99"):
            money_in_words("1000000000000")

    def test_float_is_refused_with_advice(self) -> None:
        """A float is refused with a French message naming it and how to write it."""
        with pytest.raises(TypeError, match=r"virgule flottante \(0\.1\) : écrivez-le en texte"):
            money_in_words(0.1)  # type: ignore[arg-type]

    def test_text_as_the_data_files_write_it(self) -> None:
        """A filter reads an amount typed with a decimal comma and spaces, as a file does."""
        assert money("25 000,50") == money("25000.50")

    def test_three_decimals_are_refused_not_rounded(self) -> None:
        """A third significant decimal is an error: amounts are never rounded silently."""
        with pytest.raises(ValueError, match=r"deux décimales \('10\.005'\)"):
            money_in_words("10.005")


BAD_AMOUNTS = [
    pytest.param(0.5, TypeError, id="float"),
    pytest.param(True, TypeError, id="bool"),
    pytest.param(None, TypeError, id="none"),
    pytest.param([1], TypeError, id="list"),
    pytest.param(Decimal("NaN"), ValueError, id="nan"),
    pytest.param(Decimal("Infinity"), ValueError, id="infinity"),
    pytest.param("inf", ValueError, id="text-inf"),
    pytest.param(Decimal("-0.01"), ValueError, id="negative"),
    pytest.param(-1, ValueError, id="negative-int"),
    pytest.param("1.001", ValueError, id="three-decimals"),
    pytest.param("abc", ValueError, id="not-a-number"),
    pytest.param("", ValueError, id="empty-text"),
    pytest.param(10**12, ValueError, id="above-max"),
]


class TestBadAmounts:
    """Every money function refuses the same bad inputs with the same exception types."""

    @pytest.mark.parametrize(
        "function", [money, money_in_words, money_full], ids=lambda f: f.__name__
    )
    @pytest.mark.parametrize(("amount", "error"), BAD_AMOUNTS)
    def test_refused(self, function: object, amount: object, error: type[Exception]) -> None:
        """A bad amount raises TypeError (wrong type) or ValueError (wrong value)."""
        with pytest.raises(error):
            function(amount)  # type: ignore[operator]

    def test_message_names_the_value(self) -> None:
        """The message quotes the offending value so the jurist can find it."""
        with pytest.raises(ValueError, match=r"négatif \(-1\)"):
            money(-1)


class TestMoneyInWordsProperties:
    """Invariants of the spelling over whole ranges, checked by reading the words back."""

    def test_every_integer_below_a_million(self) -> None:
        """0..999 999: reads back, and follows the hyphen, s, et and mille rules."""
        for n in range(1_000_000):
            words = number_in_words(n)
            assert read_number(words) == n, words
            assert_well_formed(words, n)

    def test_every_integer_below_100000_in_1990_spelling(self) -> None:
        """0..99 999 in the 1990 spelling: reads back, no space, same words unhyphenated."""
        for n in range(100_000):
            words = number_in_words(n, reform1990=True)
            assert read_number(words) == n, words
            assert " " not in words, words
            assert words.replace("-", " ") == number_in_words(n).replace("-", " "), words

    @given(st.integers(0, MAX))
    def test_round_trip_integers(self, n: int) -> None:
        """Any integer up to 999 999 999 999 reads back from its words, both spellings."""
        words = number_in_words(n)
        assert read_number(words) == n
        assert_well_formed(words, n)
        assert read_number(number_in_words(n, reform1990=True)) == n

    @given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
    def test_round_trip_amounts(self, amount: Decimal) -> None:
        """Any amount reads back from its words; whole amounts never mention centimes."""
        words = money_in_words(amount)
        assert read_money(words) == amount
        assert ("centime" in words) == (amount % 1 != 0)
        assert words.endswith(("euro", "euros", "centime", "centimes"))

    @given(
        st.integers(1, 999).map(lambda k: k * 10**6) | st.integers(1, 999).map(lambda k: k * 10**9)
    )
    def test_round_millions_take_de(self, n: int) -> None:
        """A whole number of millions or milliards is followed by "d'euros"."""
        assert money_in_words(n).endswith(" d’euros")

    @given(st.integers(1, 999_999).filter(lambda n: n % 10**6))
    def test_other_amounts_take_no_de(self, n: int) -> None:
        """Any amount that is not a round million reads "… euros" without "de"."""
        assert "d’euros" not in money_in_words(n)


# --------------------------------------------------------------------------- figures


class TestMoney:
    """money: figures with U+202F thousands and U+00A0 before €."""

    @pytest.mark.parametrize(
        ("amount", "expected"),
        [
            ("25000", "25\u202f000,00\u00a0€"),
            ("0", "0,00\u00a0€"),
            ("0.5", "0,50\u00a0€"),
            ("999.99", "999,99\u00a0€"),
            ("1000", "1\u202f000,00\u00a0€"),
            ("1000000.05", "1\u202f000\u202f000,05\u00a0€"),
            ("999999999999.99", "999\u202f999\u202f999\u202f999,99\u00a0€"),
            ("1.500", "1,50\u00a0€"),
            (Decimal("-0"), "0,00\u00a0€"),
        ],
        ids=[
            "25k",
            "zero",
            "half",
            "below-thousand",
            "thousand",
            "million",
            "max",
            "1.500",
            "minus-zero",
        ],
    )
    def test_figures(self, amount: str, expected: str) -> None:
        """Two decimals always, comma, U+202F between thousands, U+00A0 before €."""
        assert money(amount) == expected

    def test_exact_characters(self) -> None:
        """The separators are exactly U+202F and U+00A0, never a plain space."""
        text = money(Decimal("25000"))
        assert text[2] == NNBSP
        assert text[-2] == NBSP
        assert " " not in text


class TestRemembered:
    """The texts remembered for Decimal values are the ones computed without them."""

    @pytest.mark.parametrize(
        "function", [money, number, percent, money_in_words, fte], ids=lambda f: f.__name__
    )
    def test_equal_values_read_alike(self, function: Any) -> None:
        """1.5 and 1.50 are one key: the text is the same whichever comes first."""
        first, second = function(Decimal("1.50")), function(Decimal("1.5"))
        assert first == second == function.__wrapped__(Decimal("1.5"))

    def test_bool_is_refused_after_an_equal_decimal(self) -> None:
        """True equals Decimal(1) but is still refused, not answered from memory."""
        money(Decimal(1))
        with pytest.raises(TypeError):
            money(True)

    @pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity"])
    def test_non_finite_raise_value_error(self, value: str) -> None:
        """A NaN (even a signalling one, which cannot be hashed) raises as before."""
        with pytest.raises(ValueError, match="montant"):
            money(Decimal(value))

    def test_errors_are_not_remembered(self) -> None:
        """A third decimal raises each time, even after the rounded value was written."""
        money(Decimal("1.00"))
        for _ in range(2):
            with pytest.raises(ValueError, match="centime"):
                money(Decimal("1.001"))

    def test_places_are_part_of_the_key(self) -> None:
        """percent with and without places gives each its own text."""
        assert percent(Decimal(50)) == "50\u00a0%"
        assert percent(Decimal(50), 2) == "50,00\u00a0%"


class TestMoneyFull:
    """money_full: words then figures in parentheses."""

    def test_words_and_figures(self) -> None:
        """Words then figures, with the exact spaces."""
        assert money_full(Decimal("25000")) == "vingt-cinq mille euros (25\u202f000,00\u00a0€)"

    def test_million(self) -> None:
        """A round million keeps "d'euros" before the figures."""
        assert money_full(1_000_000) == "un million d’euros (1\u202f000\u202f000,00\u00a0€)"

    def test_centimes(self) -> None:
        """Centimes appear in both parts."""
        assert money_full("1.01") == "un euro et un centime (1,01\u00a0€)"


class TestNumber:
    """number: French decimal figures, exact, no trailing zeros."""

    @pytest.mark.parametrize(
        ("n", "expected"),
        [
            ("3.5", "3,5"),
            ("3.50", "3,5"),
            ("1234.5", "1\u202f234,5"),
            (1_000_000, "1\u202f000\u202f000"),
            ("0", "0"),
            ("0.25", "0,25"),
            (Decimal("1E+2"), "100"),
            ("1234.5678901234567890123456789012345", "1\u202f234,5678901234567890123456789012345"),
        ],
        ids=[
            "3.5",
            "trailing-zero",
            "thousands",
            "million",
            "zero",
            "quarter",
            "exponent",
            "37-digits",
        ],
    )
    def test_figures(self, n: str, expected: str) -> None:
        """Comma decimal, U+202F thousands, trailing zeros dropped, nothing rounded."""
        assert number(n) == expected

    @pytest.mark.parametrize(
        ("n", "error"),
        [(1.5, TypeError), (False, TypeError), ("-1", ValueError), ("nan", ValueError)],
        ids=["float", "bool", "negative", "nan"],
    )
    def test_bad_input(self, n: object, error: type[Exception]) -> None:
        """Floats and booleans are type errors; negatives and NaN value errors."""
        with pytest.raises(error):
            number(n)  # type: ignore[arg-type]


class TestFiguresAgainstBabel:
    """money and number write what Babel writes for fr_FR, the separators made U+202F."""

    @staticmethod
    def babel(value: Decimal, pattern: str | None = None) -> str:
        # As the code formatted them before: through Babel's pattern, in a decimal
        # context wide enough for every digit, then every separator made U+202F.
        with localcontext() as context:
            context.prec = len(value.as_tuple().digits) + 28
            text = format_decimal(value, format=pattern, locale="fr_FR", decimal_quantization=False)
        return re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d)", NNBSP, text)

    @given(
        st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False)
    )
    def test_money(self, amount: Decimal) -> None:
        """Any amount to the cent up to the largest written in words."""
        assert money(amount) == self.babel(amount.copy_abs(), "#,##0.00") + NBSP + "€"

    @given(
        st.decimals(min_value=0, max_value=10**40, allow_nan=False)
        | st.integers(min_value=0, max_value=10**40).map(Decimal)
        | st.builds(
            lambda digits, exponent: Decimal(f"{digits}E{exponent}"),
            st.integers(min_value=0, max_value=10**30),
            st.integers(min_value=-40, max_value=12),
        )
    )
    def test_number(self, n: Decimal) -> None:
        """Up to 40 digits, with any exponent, trailing zeros or none."""
        assert number(n) == self.babel(plain(n.copy_abs()))


class TestPercent:
    """percent: points with a comma and U+00A0 before %."""

    def test_places(self) -> None:
        """With places, every share of a table has the same decimals; nothing is rounded."""
        assert percent(Decimal(50), 2) == "50,00\u00a0%"
        assert percent(Decimal("45.46"), 2) == "45,46\u00a0%"
        assert percent(Decimal("12.5"), 2) == "12,50\u00a0%"
        with pytest.raises(ValueError, match="décimales"):
            percent(Decimal("33.333"), 2)
        with pytest.raises(ValueError, match="négatif"):
            percent(Decimal(-1), 2)

    @pytest.mark.parametrize(
        ("points", "expected"),
        [
            (Decimal(50), "50\u00a0%"),
            ("12.5", "12,5\u00a0%"),
            ("33.33", "33,33\u00a0%"),
            ("12.50", "12,5\u00a0%"),
            ("100", "100\u00a0%"),
            ("0", "0\u00a0%"),
        ],
        ids=["50", "12.5", "33.33", "trailing-zero", "100", "0"],
    )
    def test_format(self, points: str, expected: str) -> None:
        """No trailing zeros, comma decimal, no-break space before %."""
        assert percent(points) == expected

    def test_float_refused(self) -> None:
        """A float rate is refused."""
        with pytest.raises(TypeError, match="virgule flottante"):
            percent(0.5)  # type: ignore[arg-type]


class TestFte:
    """fte: quotités as conventions write them."""

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("0.5", "un mi-temps (0,5\u00a0ETP)"),
            ("0.50", "un mi-temps (0,5\u00a0ETP)"),
            ("1", "un équivalent temps plein (1\u00a0ETP)"),
            ("1.0", "un équivalent temps plein (1\u00a0ETP)"),
            ("2", "deux équivalents temps plein (2\u00a0ETP)"),
            ("6", "six équivalents temps plein (6\u00a0ETP)"),
            ("21", "vingt et un équivalents temps plein (21\u00a0ETP)"),
            ("1.5", "1,5\u00a0ETP"),
            ("0.8", "0,8\u00a0ETP"),
            ("3.5", "3,5\u00a0ETP"),
            ("0", "0\u00a0ETP"),
        ],
        ids=[
            "half",
            "half-2dp",
            "one",
            "one-1dp",
            "two",
            "six",
            "twenty-one",
            "1.5",
            "0.8",
            "3.5",
            "zero",
        ],
    )
    def test_quotite(self, q: str, expected: str) -> None:
        """Half and whole quotités in words and figures, others in figures."""
        assert fte(q) == expected

    def test_float_refused(self) -> None:
        """A float quotité is refused."""
        with pytest.raises(TypeError):
            fte(0.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- numbers in words


class TestNumberInWords:
    """number_in_words: whole numbers, masculine or feminine, either spelling."""

    @pytest.mark.parametrize(
        ("n", "kwargs", "expected"),
        [
            (3, {}, "trois"),
            (0, {}, "zéro"),
            (1, {"feminine": True}, "une"),
            (21, {"feminine": True}, "vingt et une"),
            (81, {"feminine": True}, "quatre-vingt-une"),
            (101, {"feminine": True}, "cent une"),
            (21, {"feminine": True, "reform1990": True}, "vingt-et-une"),
            (2, {"feminine": True}, "deux"),
            (1000, {"feminine": True}, "mille"),
            (11, {"feminine": True}, "onze"),
            (21000, {}, "vingt et un mille"),
            (Decimal("3.0"), {}, "trois"),
            ("1000000", {}, "un million"),
        ],
        ids=[
            "three", "zero", "une", "vingt-et-une", "quatre-vingt-une", "cent-une",
            "reform-feminine", "deux-feminine", "mille-feminine", "onze-feminine",
            "thousands", "decimal-whole", "million",
        ],
    )  # fmt: skip
    def test_words(self, n: int, kwargs: dict[str, bool], expected: str) -> None:
        """Only a final "un" agrees in the feminine."""
        assert number_in_words(n, **kwargs) == expected

    @pytest.mark.parametrize(
        ("n", "error"),
        [
            (3.0, TypeError),
            (True, TypeError),
            ("3.5", ValueError),
            (-1, ValueError),
            (10**12, ValueError),
        ],
        ids=["float", "bool", "fraction", "negative", "above-max"],
    )
    def test_bad_input(self, n: object, error: type[Exception]) -> None:
        """Floats, booleans, fractions, negatives and too large numbers are refused."""
        with pytest.raises(error):
            number_in_words(n)  # type: ignore[arg-type]


class TestInWordsAndFigures:
    """in_words_and_figures: "trois (3) ans"."""

    @pytest.mark.parametrize(
        ("n", "unit", "kwargs", "expected"),
        [
            (3, "an", {}, "trois (3) ans"),
            (1, "an", {}, "un (1) an"),
            (0, "an", {}, "zéro (0) an"),
            (1, "année", {"feminine": True}, "une (1) année"),
            (21, "année", {"feminine": True}, "vingt et une (21) années"),
            (2, "mois", {}, "deux (2) mois"),
            (
                6,
                ("équivalent temps plein", "équivalents temps plein"),
                {},
                "six (6) équivalents temps plein",
            ),
            (1, ("exemplaire original", "exemplaires originaux"), {}, "un (1) exemplaire original"),
            (4, ("exemplaire original", "exemplaires originaux"), {}, "quatre (4) exemplaires originaux"),
            (1000, "an", {}, "mille (1\u202f000) ans"),
            (21, "an", {"reform1990": True}, "vingt-et-un (21) ans"),
        ],
        ids=[
            "three-years", "one-year", "zero", "feminine-one", "feminine-21", "invariable-s",
            "pair-plural", "pair-singular", "pair-originaux", "thousands", "reform",
        ],
    )  # fmt: skip
    def test_phrase(self, n: int, unit: str, kwargs: dict[str, bool], expected: str) -> None:
        """Words, figures in parentheses, unit singular for 0 and 1, plural from 2."""
        assert in_words_and_figures(n, unit, **kwargs) == expected

    def test_malformed_unit(self) -> None:
        """A unit that is neither a text nor a pair is a type error."""
        with pytest.raises(TypeError, match="paire"):
            in_words_and_figures(2, ("a", "b", "c"))

    def test_fraction_refused(self) -> None:
        """Only whole counts are written in words and figures."""
        with pytest.raises(ValueError, match="décimales"):
            in_words_and_figures("1.5", "an")


# --------------------------------------------------------------------------- ordinals


class TestOrdinal:
    """ordinal: "1er", "2e", "premier", "deuxième"."""

    @pytest.mark.parametrize(
        ("n", "kwargs", "expected"),
        [
            (1, {}, "1er"),
            (1, {"feminine": True}, "1re"),
            (2, {}, "2e"),
            (2, {"feminine": True}, "2e"),
            (21, {}, "21e"),
            (1, {"words": True}, "premier"),
            (1, {"words": True, "feminine": True}, "première"),
            (2, {"words": True}, "deuxième"),
            (4, {"words": True}, "quatrième"),
            (5, {"words": True}, "cinquième"),
            (9, {"words": True}, "neuvième"),
            (11, {"words": True}, "onzième"),
            (21, {"words": True}, "vingt et unième"),
            (80, {"words": True}, "quatre-vingtième"),
            (200, {"words": True}, "deux centième"),
            (1000, {"words": True}, "millième"),
            (10**6, {"words": True}, "millionième"),
        ],
        ids=[
            "1er", "1re", "2e", "2e-feminine", "21e", "premier", "premiere", "deuxieme",
            "quatrieme", "cinquieme", "neuvieme", "onzieme", "vingt-et-unieme",
            "quatre-vingtieme", "deux-centieme", "millieme", "millionieme",
        ],
    )  # fmt: skip
    def test_ordinal(self, n: int, kwargs: dict[str, bool], expected: str) -> None:
        """Figures use er/re/e; words drop the s of vingts and cents and the final e."""
        assert ordinal(n, **kwargs) == expected

    @pytest.mark.parametrize("n", [0, -1, "1.5"], ids=["zero", "negative", "fraction"])
    def test_bad_rank(self, n: object) -> None:
        """A rank starts at 1 and is whole."""
        with pytest.raises(ValueError, match="rang"):
            ordinal(n)  # type: ignore[arg-type]


class TestArticleNumber:
    """article_number: "Article 1er", "Article 2"."""

    @pytest.mark.parametrize(
        ("n", "expected"),
        [(1, "Article 1er"), (2, "Article 2"), (10, "Article 10")],
        ids=["first", "second", "tenth"],
    )
    def test_heading(self, n: int, expected: str) -> None:
        """Only the first article takes the ordinal."""
        assert article_number(n) == expected

    def test_zero_refused(self) -> None:
        """There is no article 0."""
        with pytest.raises(ValueError, match="commence à 1"):
            article_number(0)


class TestJoin:
    """join: French enumerations without a comma before the conjunction."""

    @pytest.mark.parametrize(
        ("items", "conjunction", "expected"),
        [
            ([], "et", ""),
            (["A"], "et", "A"),
            (["A", "B"], "et", "A et B"),
            (["A", "B", "C"], "et", "A, B et C"),
            (["A", "B", "C"], "ou", "A, B ou C"),
        ],
        ids=["empty", "one", "two", "three", "ou"],
    )
    def test_join(self, items: list[str], conjunction: str, expected: str) -> None:
        """Commas between items, the conjunction before the last."""
        assert join(items, conjunction) == expected

    def test_generator(self) -> None:
        """Any iterable is accepted."""
        assert join(x for x in "ABC") == "A, B et C"


# --------------------------------------------------------------------------- dates


class TestLongDate:
    """long_date: "1er janvier 2021"."""

    @pytest.mark.parametrize(
        ("d", "expected"),
        [
            (dt.date(2021, 1, 1), "1er janvier 2021"),
            (dt.date(2020, 12, 17), "17 décembre 2020"),
            (dt.date(2024, 2, 29), "29 février 2024"),
            (dt.date(2021, 8, 2), "2 août 2021"),
        ],
        ids=["first", "december", "leap-day", "aout"],
    )
    def test_date(self, d: dt.date, expected: str) -> None:
        """The first day is "1er"; months in lower case with accents."""
        assert long_date(d) == expected

    @pytest.mark.parametrize(
        "d",
        [dt.datetime(2021, 1, 1, 10, 30), "2021-01-01", None],
        ids=["datetime", "text", "none"],
    )
    def test_not_a_date(self, d: object) -> None:
        """Only a calendar date is accepted."""
        with pytest.raises(TypeError):
            long_date(d)  # type: ignore[arg-type]


class TestPeriod:
    """period: "du 1er janvier 2021 au 31 décembre 2023"."""

    def test_period(self) -> None:
        """Both bounds as long dates."""
        assert period(dt.date(2021, 1, 1), dt.date(2023, 12, 31)) == (
            "du 1er janvier 2021 au 31 décembre 2023"
        )

    def test_one_day(self) -> None:
        """A period can start and end the same day."""
        assert (
            period(dt.date(2021, 3, 1), dt.date(2021, 3, 1)) == "du 1er mars 2021 au 1er mars 2021"
        )

    def test_end_before_start(self) -> None:
        """An inverted period is an error."""
        with pytest.raises(ValueError, match="avant de commencer"):
            period(dt.date(2022, 1, 1), dt.date(2021, 1, 1))


# --------------------------------------------------------------------------- parties

PARTIES = [
    pytest.param(ETAT, "l’État", "de l’État", "à l’État", id="etat"),
    pytest.param(
        DEPARTEMENT,
        "le Département de Saône-et-Loire",
        "du Département de Saône-et-Loire",
        "au Département de Saône-et-Loire",
        id="departement",
    ),
    pytest.param(
        BLANZY,
        "la commune de Blanzy",
        "de la commune de Blanzy",
        "à la commune de Blanzy",
        id="commune",
    ),
    pytest.param(
        AUTUN, "la commune d’Autun", "de la commune d’Autun", "à la commune d’Autun", id="elided"
    ),
    pytest.param(
        commune("Épinac"),
        "la commune d’Épinac",
        "de la commune d’Épinac",
        "à la commune d’Épinac",
        id="accented-vowel",
    ),
    pytest.param(
        commune("Le Creusot"),
        "la commune du Creusot",
        "de la commune du Creusot",
        "à la commune du Creusot",
        id="le-contracted",
    ),
    pytest.param(
        MBA,
        "la communauté d’agglomération Mâconnais Beaujolais Agglomération",
        "de la communauté d’agglomération Mâconnais Beaujolais Agglomération",
        "à la communauté d’agglomération Mâconnais Beaujolais Agglomération",
        id="agglomeration",
    ),
    pytest.param(
        BLI,
        "la communauté de communes Bresse Louhannaise Intercom'",
        "de la communauté de communes Bresse Louhannaise Intercom'",
        "à la communauté de communes Bresse Louhannaise Intercom'",
        id="communes",
    ),
    pytest.param(
        Party(
            id="cu",
            kind=PartyKind.EPCI,
            name="Creusot Montceau",
            epci_kind=EpciKind.COMMUNAUTE_URBAINE,
        ),
        "la communauté urbaine Creusot Montceau",
        "de la communauté urbaine Creusot Montceau",
        "à la communauté urbaine Creusot Montceau",
        id="urbaine",
    ),
    pytest.param(
        Party(id="m", kind=PartyKind.EPCI, name="de Lyon", epci_kind=EpciKind.METROPOLE),
        "la métropole de Lyon",
        "de la métropole de Lyon",
        "à la métropole de Lyon",
        id="metropole",
    ),
    pytest.param(
        Party(id="ccas", kind=PartyKind.CCAS, name="Blanzy"),
        "le centre communal d’action sociale de Blanzy",
        "du centre communal d’action sociale de Blanzy",
        "au centre communal d’action sociale de Blanzy",
        id="ccas",
    ),
    pytest.param(
        Party(id="cias", kind=PartyKind.CIAS, name="du Grand Autunois Morvan"),
        "le centre intercommunal d’action sociale du Grand Autunois Morvan",
        "du centre intercommunal d’action sociale du Grand Autunois Morvan",
        "au centre intercommunal d’action sociale du Grand Autunois Morvan",
        id="cias",
    ),
    pytest.param(
        Party(id="fv71", kind=PartyKind.ASSOCIATION, name="France Victimes 71"),
        "l’association France Victimes 71",
        "de l’association France Victimes 71",
        "à l’association France Victimes 71",
        id="association",
    ),
    pytest.param(
        Party(
            id="ggd",
            kind=PartyKind.AUTRE,
            name="GGD71",
            designation="groupement de gendarmerie départementale de Saône-et-Loire",
            gender=Gender.MASCULINE,
        ),
        "le groupement de gendarmerie départementale de Saône-et-Loire",
        "du groupement de gendarmerie départementale de Saône-et-Loire",
        "au groupement de gendarmerie départementale de Saône-et-Loire",
        id="autre-masculine",
    ),
    pytest.param(
        Party(
            id="en",
            kind=PartyKind.AUTRE,
            name="EN",
            designation="Éducation nationale",
            gender=Gender.FEMININE,
        ),
        "l’Éducation nationale",
        "de l’Éducation nationale",
        "à l’Éducation nationale",
        id="autre-elided",
    ),
    pytest.param(
        Party(
            id="cd70",
            kind=PartyKind.DEPARTEMENT,
            name="Haute-Saône",
            designation="Département de la Haute-Saône",
        ),
        "le Département de la Haute-Saône",
        "du Département de la Haute-Saône",
        "au Département de la Haute-Saône",
        id="override-h-aspire",
    ),
    pytest.param(
        Party(
            id="x",
            kind=PartyKind.COMMUNE,
            name="Mâcon",
            designation="Ville de Mâcon",
            gender=Gender.FEMININE,
        ),
        "la Ville de Mâcon",
        "de la Ville de Mâcon",
        "à la Ville de Mâcon",
        id="override",
    ),
]


class TestDesignation:
    """designation, of, to: articles, elision and contraction."""

    @pytest.mark.parametrize(("party", "subject", "de", "a"), PARTIES)
    def test_subject(self, party: Party, subject: str, de: str, a: str) -> None:
        """The subject form has "le", "la" or "l'"."""
        assert designation(party) == subject

    @pytest.mark.parametrize(("party", "subject", "de", "a"), PARTIES)
    def test_of(self, party: Party, subject: str, de: str, a: str) -> None:
        """After "de": "du", "de la", "de l'"."""
        assert of(party) == de

    @pytest.mark.parametrize(("party", "subject", "de", "a"), PARTIES)
    def test_to(self, party: Party, subject: str, de: str, a: str) -> None:
        """After "à": "au", "à la", "à l'"."""
        assert to(party) == a

    @pytest.mark.parametrize(
        ("party", "match"),
        [
            (Party(id="x", kind=PartyKind.AUTRE, name="X"), "désignation"),
            (Party(id="x", kind=PartyKind.AUTRE, name="X", designation="bureau"), "genre"),
            (Party(id="x", kind=PartyKind.EPCI, name="X"), "epci_kind"),
        ],
        ids=["autre-without-designation", "autre-without-gender", "epci-without-kind"],
    )
    def test_missing_information(self, party: Party, match: str) -> None:
        """A designation that cannot be derived is an error naming what to add."""
        with pytest.raises(ValueError, match=match):
            designation(party)


class TestDesignationAll:
    """designation_all, of_all, to_all: several parties at once."""

    FOUR = (
        commune("Blanzy"),
        commune("Montceau-les-Mines"),
        commune("Saint-Vallier"),
        commune("Sanvignes-les-Mines"),
    )

    def test_four_communes(self) -> None:
        """Communes share one "les communes de"."""
        assert designation_all(self.FOUR) == (
            "les communes de Blanzy, Montceau-les-Mines, Saint-Vallier et Sanvignes-les-Mines"
        )

    def test_of_and_to_communes(self) -> None:
        """After de and à: "des communes de …", "aux communes de …"."""
        assert of_all(self.FOUR).startswith("des communes de Blanzy, Montceau-les-Mines")
        assert to_all(self.FOUR).startswith("aux communes de Blanzy, Montceau-les-Mines")

    @pytest.mark.parametrize(
        ("names", "expected"),
        [
            (["Blanzy", "Autun"], "les communes de Blanzy et d’Autun"),
            (["Autun", "Blanzy"], "les communes d’Autun et Blanzy"),
            (["Blanzy", "Le Creusot"], "les communes de Blanzy et du Creusot"),
            (["Blanzy", "Les Mureaux"], "les communes de Blanzy et des Mureaux"),
        ],
        ids=["elided-second", "elided-first", "du", "des"],
    )
    def test_names_keep_their_link(self, names: list[str], expected: str) -> None:
        """A name needing "d'", "du" or "des" keeps it inside the shared "de"."""
        assert designation_all([commune(n) for n in names]) == expected

    def test_mixed_parties(self) -> None:
        """Parties of different kinds are listed one by one."""
        parties = [ETAT, DEPARTEMENT, BLANZY]
        assert designation_all(parties) == (
            "l’État, le Département de Saône-et-Loire et la commune de Blanzy"
        )
        assert of_all(parties) == (
            "de l’État, du Département de Saône-et-Loire et de la commune de Blanzy"
        )
        assert (
            to_all(parties)
            == "à l’État, au Département de Saône-et-Loire et à la commune de Blanzy"
        )

    def test_single_commune(self) -> None:
        """One commune keeps its singular designation."""
        assert designation_all([BLANZY]) == "la commune de Blanzy"
        assert of_all([BLANZY]) == "de la commune de Blanzy"

    def test_overridden_commune_is_not_grouped(self) -> None:
        """A commune with its own designation cannot be grouped and is listed."""
        ville = commune("Mâcon", designation="Ville de Mâcon", gender=Gender.FEMININE)
        assert designation_all([ville, BLANZY]) == "la Ville de Mâcon et la commune de Blanzy"

    def test_empty(self) -> None:
        """No party is an error."""
        with pytest.raises(ValueError, match="aucune partie"):
            designation_all([])


# --------------------------------------------------------------------------- signatories


def signer(role: Role, gender: Gender, **kwargs: str) -> Signatory:
    """A signatory named after the gender."""
    name = "Anne Martin" if gender is Gender.FEMININE else "Jean Dupont"
    return Signatory(role=role, full_name=name, gender=gender, **kwargs)


M, F = Gender.MASCULINE, Gender.FEMININE


class TestSignatoryTitle:
    """signatory_title: titles that agree with the signatory."""

    @pytest.mark.parametrize(
        ("signatory", "expected"),
        [
            (signer(Role.PREFET, M, title_suffix="de Saône-et-Loire"), "le Préfet de Saône-et-Loire"),
            (signer(Role.PREFET, F, title_suffix="de Saône-et-Loire"), "la Préfète de Saône-et-Loire"),
            (signer(Role.PRESIDENT, M, title_suffix="du Conseil départemental"), "le Président du Conseil départemental"),
            (signer(Role.PRESIDENT, F, title_suffix="du Conseil départemental"), "la Présidente du Conseil départemental"),
            (signer(Role.MAIRE, M, title_suffix="de Blanzy"), "le Maire de Blanzy"),
            (signer(Role.MAIRE, F, title_suffix="de Blanzy"), "la Maire de Blanzy"),
            (
                signer(Role.PROCUREUR, M, title_suffix="près le tribunal judiciaire de Mâcon"),
                "le Procureur de la République près le tribunal judiciaire de Mâcon",
            ),
            (
                signer(Role.PROCUREUR, F, title_suffix="près le tribunal judiciaire de Mâcon"),
                "la Procureure de la République près le tribunal judiciaire de Mâcon",
            ),
            (signer(Role.DIRECTEUR, M), "le Directeur"),
            (signer(Role.DIRECTEUR, F), "la Directrice"),
            (signer(Role.COMMANDANT, M, title_suffix="du groupement"), "le Commandant du groupement"),
            (signer(Role.COMMANDANT, F, title_suffix="du groupement"), "la Commandante du groupement"),
            (
                signer(Role.AUTRE, F, title="Directrice départementale de la sécurité publique"),
                "la Directrice départementale de la sécurité publique",
            ),
            (
                signer(Role.AUTRE, M, title="Administrateur", title_suffix="de l’association"),
                "l’Administrateur de l’association",
            ),
        ],
        ids=[
            "prefet", "prefete", "president", "presidente", "maire-m", "maire-f",
            "procureur", "procureure", "directeur", "directrice", "commandant",
            "commandante", "autre", "autre-elided",
        ],
    )  # fmt: skip
    def test_title(self, signatory: Signatory, expected: str) -> None:
        """Role, gender and suffix give the agreed title with its article."""
        assert signatory_title(signatory) == expected

    def test_autre_without_title(self) -> None:
        """Role "autre" needs its title."""
        with pytest.raises(ValueError, match="titre"):
            signatory_title(signer(Role.AUTRE, M))


class TestRepresentedBy:
    """represented_by: agreement with the party, civility with the signatory."""

    def test_state(self) -> None:
        """A masculine party, a male signatory; U+00A0 after "M."."""
        assert (
            represented_by(ETAT) == "représenté par M.\u00a0Jean Dupont, Préfet de Saône-et-Loire"
        )

    def test_feminine_party(self) -> None:
        """The participle agrees with the communauté, "Mme" with the signatory."""
        assert represented_by(MBA) == (
            "représentée par Mme\u00a0Anne Martin, Présidente de Mâconnais Beaujolais Agglomération"
        )

    def test_masculine_party_female_signatory(self) -> None:
        """The Département is masculine whoever signs for it."""
        assert represented_by(DEPARTEMENT) == (
            "représenté par Mme\u00a0Anne Martin, Présidente du Conseil départemental"
        )

    def test_delegation(self) -> None:
        """By delegation the office comes first, then the signer with the delegate's title."""
        party = Party(
            id="etat",
            kind=PartyKind.ETAT,
            name="État",
            signatory=Signatory(
                role=Role.PREFET,
                full_name="Paul Durand",
                gender=M,
                title_suffix="de Saône-et-Loire",
                delegate_title="le Secrétaire général de la préfecture",
            ),
        )
        assert represented_by(party) == (
            "représenté par le Préfet de Saône-et-Loire et, par délégation, "
            "par M.\u00a0Paul Durand, Secrétaire général de la préfecture"
        )

    def test_no_signatory(self) -> None:
        """A party without signatory cannot be represented."""
        with pytest.raises(ValueError, match="signataire"):
            represented_by(BLANZY)


class TestSignatoryBlock:
    """signatory_block: the lines above a signature."""

    def test_plain(self) -> None:
        """Title with a capital, then the name."""
        assert signatory_block(ETAT.signatory) == ["Le Préfet de Saône-et-Loire", "Jean Dupont"]  # type: ignore[arg-type]

    def test_delegation(self) -> None:
        """By delegation: "Pour le Préfet … et par délégation, le Secrétaire général …"."""
        s = signer(
            Role.PREFET,
            F,
            title_suffix="de Saône-et-Loire",
            delegate_title="le Secrétaire général de la préfecture",
        )
        assert signatory_block(s) == [
            "Pour la Préfète de Saône-et-Loire et par délégation, "
            "le Secrétaire général de la préfecture",
            "Anne Martin",
        ]

    def test_elided_title_capitalised(self) -> None:
        """An elided article is capitalised too."""
        s = signer(Role.AUTRE, M, title="Administrateur")
        assert signatory_block(s)[0] == "L’Administrateur"


# --------------------------------------------------------------------------- shared grammar


class TestElision:
    """text.elides and text.with_article: the article before a noun phrase."""

    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [
            ("État", True),
            ("Assemblée départementale", True),
            ("  espace", True),
            ("hôpital", True),
            ("Yonne", True),
            ("commune", False),
            ("", False),
        ],
        ids=["accented", "capital", "leading-space", "h", "y", "consonant", "empty"],
    )
    def test_elides(self, phrase: str, expected: bool) -> None:
        """A vowel, y or h, accented or capital, elides the article."""
        assert elides(phrase) is expected

    @pytest.mark.parametrize(
        ("phrase", "gender", "after", "expected"),
        [
            ("État", M, "", "l’État"),
            ("conseil municipal", M, "", "le conseil municipal"),
            ("commune de Blanzy", F, "", "la commune de Blanzy"),
            ("État", M, "de", "de l’État"),
            ("conseil municipal", M, "de", "du conseil municipal"),
            ("Commission permanente", F, "de", "de la Commission permanente"),
            ("Assemblée départementale", F, "à", "à l’Assemblée départementale"),
            ("Département", M, "à", "au Département"),
            ("commune", F, "à", "à la commune"),
        ],
        ids=["l", "le", "la", "de-l", "du", "de-la", "a-l", "au", "a-la"],
    )
    def test_with_article(self, phrase: str, gender: Gender, after: str, expected: str) -> None:
        """Elided before a vowel, contracted after "de" and "à"."""
        assert with_article(phrase, gender, after) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("le Secrétaire général", "Secrétaire général"),
            ("La Directrice", "Directrice"),
            ("l’Administrateur", "Administrateur"),
            ("les services", "services"),
            ("Secrétaire général", "Secrétaire général"),
            ("lecteur", "lecteur"),
        ],
        ids=["le", "La", "l", "les", "none", "word-starting-le"],
    )
    def test_strip_article(self, text: str, expected: str) -> None:
        """Only a whole leading article is removed."""
        assert strip_article(text) == expected

    def test_capitalize_keeps_the_rest(self) -> None:
        """Only the first letter changes, unlike str.capitalize."""
        assert capitalize("la commune de Saint-Vallier") == "La commune de Saint-Vallier"
        assert capitalize("") == ""

    def test_agree(self) -> None:
        """A participle takes an e for a feminine subject only."""
        assert agree("habilité", F) == "habilitée"
        assert agree("habilité", M) == "habilité"


SITTING = Deliberation(
    body="Commission permanente", date=dt.date(2021, 2, 12), number="CP-2021-0042"
)


class TestDeliberations:
    """parties.deliberating_body, authorisation, deliberation_citation, noun_phrase."""

    @pytest.mark.parametrize(
        ("body", "after", "expected"),
        [
            ("conseil municipal", "", "le conseil municipal"),
            ("Conseil communautaire", "de", "du Conseil communautaire"),
            ("bureau communautaire", "de", "du bureau communautaire"),
            ("Commission permanente", "de", "de la Commission permanente"),
            ("Assemblée départementale", "", "l’Assemblée départementale"),
            ("Assemblée départementale", "de", "de l’Assemblée départementale"),
        ],
        ids=["conseil", "capital-conseil", "bureau", "commission", "elided", "elided-de"],
    )
    def test_body(self, body: str, after: str, expected: str) -> None:
        """A body is masculine when it is a conseil, bureau or comité; elided before a vowel."""
        assert deliberating_body(body, after) == expected

    def test_authorisation_agrees_with_the_signatory(self) -> None:
        """« habilitée » for a woman signing for a masculine party; body, date, number."""
        party = attrs.evolve(DEPARTEMENT, deliberation=SITTING)
        assert authorisation(party) == (
            "dûment habilitée par délibération de la Commission permanente du "
            f"12 février 2021 (n°{NBSP}CP‑2021‑0042)"
        )

    def test_no_authorisation(self) -> None:
        """Without deliberation, or without signatory, there is nothing to say."""
        assert authorisation(DEPARTEMENT) == ""
        assert authorisation(attrs.evolve(BLANZY, deliberation=SITTING)) == ""

    def test_citation(self) -> None:
        """The visa names the body, the party after « de », the date and the number."""
        party = attrs.evolve(BLANZY, deliberation=attrs.evolve(SITTING, body="conseil municipal"))
        assert deliberation_citation(party) == (
            "la délibération du conseil municipal de la commune de Blanzy du "
            f"12 février 2021 (n°{NBSP}CP‑2021‑0042)"
        )
        assert deliberation_citation(BLANZY) is None

    @pytest.mark.parametrize(
        ("party", "expected"),
        [
            (ETAT, "État"),
            (DEPARTEMENT, "Département de Saône-et-Loire"),
            (AUTUN, "commune d’Autun"),
            (BLI, "communauté de communes Bresse Louhannaise Intercom'"),
        ],
        ids=["etat", "departement", "elided-commune", "epci"],
    )
    def test_noun_phrase(self, party: Party, expected: str) -> None:
        """What designation writes after its article."""
        assert noun_phrase(party) == expected
        assert designation(party).endswith(expected)


# --------------------------------------------------------------------------- typography


class TestTypography:
    """typography: no-break spaces before ; : ! ? and inside « »."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Article 2: objet", "Article 2\u00a0: objet"),
            ("Article 2 : objet", "Article 2\u00a0: objet"),
            ("oui;non", "oui\u202f;non"),
            ("oui ; non", "oui\u202f; non"),
            ("Quoi?", "Quoi\u202f?"),
            ("Quoi ?", "Quoi\u202f?"),
            ("Enfin!", "Enfin\u202f!"),
            ("Quoi ?!", "Quoi\u202f?!"),
            ("oui  ;", "oui\u202f;"),
            ("oui\u00a0;", "oui\u202f;"),
            ("«oui»", "«\u00a0oui\u00a0»"),
            ("« oui »", "«\u00a0oui\u00a0»"),
            ("« oui »;", "«\u00a0oui\u00a0»\u202f;"),
            ("à 10:30", "à 10:30"),
            ("voir https://exemple.fr/a?b=1;c=2 ; merci", "voir https://exemple.fr/a?b=1;c=2\u202f; merci"),
            ("voir https://exemple.fr.", "voir https://exemple.fr."),
            ("www.exemple.fr?x", "www.exemple.fr?x"),
            ("écrire à mailto:a@b.fr!", "écrire à mailto:a@b.fr\u202f!"),
            ("? au début", "? au début"),
            ("(!)", "(!)"),
            ("sans signe", "sans signe"),
        ],
        ids=[
            "colon-inserted", "colon-replaced", "semicolon-inserted", "semicolon-replaced",
            "question-inserted", "question-replaced", "exclamation", "double-sign",
            "collapsed-spaces", "nbsp-narrowed", "guillemets-inserted", "guillemets-replaced",
            "guillemet-then-semicolon", "time", "url", "url-then-full-stop", "www", "mailto",
            "sign-at-start", "bracketed-sign", "plain",
        ],
    )  # fmt: skip
    def test_spaces(self, text: str, expected: str) -> None:
        """Inserted when absent, replaced when present, never doubled."""
        assert typography(text) == expected

    @given(st.text(alphabet=" \u00a0\u202fab1:;!?«»/.h"))
    def test_idempotent(self, text: str) -> None:
        """Typesetting twice changes nothing more."""
        once = typography(text)
        assert typography(once) == once

    @given(st.text(alphabet=" \u00a0ab1:;!?«»").map(lambda t: re.sub("[ \u00a0]+", " ", t)))
    def test_never_doubles_spaces(self, text: str) -> None:
        """From text with single spaces, no run of two spaces comes out."""
        out = typography(text)
        assert not re.search("[ \u00a0\u202f]{2}", out)

    def test_not_text(self) -> None:
        """Only text is typeset."""
        with pytest.raises(TypeError):
            typography(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- public API


class TestPublicApi:
    """__all__, FILTERS and docstrings."""

    def test_all_sorted(self) -> None:
        """__all__ is sorted."""
        assert french.__all__ == sorted(french.__all__)

    def test_filters_cover_every_function(self) -> None:
        """Every public function is a filter under its own name, and nothing else is."""
        functions = {name for name in french.__all__ if name != "FILTERS"}
        assert set(FILTERS) == functions
        for name, function in FILTERS.items():
            assert getattr(french, name) is function

    @pytest.mark.parametrize("name", sorted(FILTERS))
    def test_docstring(self, name: str) -> None:
        """Each function has a summary line and an Args/Returns section."""
        doc = inspect.getdoc(FILTERS[name])
        assert doc
        assert "Returns:" in doc
        assert "Args:" in doc

    def test_module_docstring_is_one_line(self) -> None:
        """The module docstring is one line."""
        assert french.__doc__
        assert "\n" not in french.__doc__.strip()

    def test_jinja_filters(self) -> None:
        """The filters work in a Jinja template."""
        env = jinja2.Environment(autoescape=False)
        env.filters.update(FILTERS)
        template = env.from_string(
            "{{ a|money_full }} ; {{ 3|in_words_and_figures('an') }} ; {{ p|designation }} ; "
            "{{ 1|article_number }} ; {{ parties|of_all }}"
        )
        assert template.render(a=Decimal("25000"), p=ETAT, parties=[BLANZY, AUTUN]) == (
            "vingt-cinq mille euros (25\u202f000,00\u00a0€) ; trois (3) ans ; l’État ; "
            "Article 1er ; des communes de Blanzy et d’Autun"
        )


class TestPlaceDesignations:
    """Designations from the Code officiel géographique's TNCC (french.parties)."""

    @pytest.mark.parametrize("code", sorted(DEPARTEMENTS_DE))
    def test_every_departement(self, code: str) -> None:
        """Every Département party reads as the hand-checked « de » table says, in all three forms."""
        name = referentiel().departement(code).name
        party = Party(id="cd", kind=PartyKind.DEPARTEMENT, name=name)
        de = DEPARTEMENTS_DE[code]
        assert french.designation(party) == f"le Département {de}"
        assert french.of(party) == f"du Département {de}"
        assert french.to(party) == f"au Département {de}"

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("Ain", "le Département de l’Ain"),
            ("Hauts-de-Seine", "le Département des Hauts-de-Seine"),
            ("Rhône", "le Département du Rhône"),
            ("Haute-Saône", "le Département de la Haute-Saône"),
            ("Eure-et-Loir", "le Département d’Eure-et-Loir"),
            ("Saône-et-Loire", "le Département de Saône-et-Loire"),
            ("haute saone", "le Département de la Haute-Saône"),
        ],
        ids=lambda v: v if isinstance(v, str) and not v.startswith("le ") else "",
    )
    def test_departement_sample(self, name: str, expected: str) -> None:
        """The issue's sample, checked by hand; a loosely written name takes the official one."""
        assert french.designation(Party(id="cd", kind=PartyKind.DEPARTEMENT, name=name)) == expected

    @pytest.mark.parametrize(
        ("name", "of", "to"),
        [
            ("Hannapes", "de la commune de Hannapes", "à la commune de Hannapes"),
            ("Ham", "de la commune de Ham", "à la commune de Ham"),
            ("Hirson", "de la commune d’Hirson", "à la commune d’Hirson"),
            ("Le Creusot", "de la commune du Creusot", "à la commune du Creusot"),
            ("Les Bizots", "de la commune des Bizots", "à la commune des Bizots"),
            ("La Clayette", "de la commune de La Clayette", "à la commune de La Clayette"),
            (
                "L'Abergement-de-Cuisery",
                "de la commune de L'Abergement-de-Cuisery",
                "à la commune de L'Abergement-de-Cuisery",
            ),
            ("Aux Marais", "de la commune des Marais", "à la commune des Marais"),
            ("La Haye", "de la commune de La Haye", "à la commune de La Haye"),
        ],
    )
    def test_communes(self, name: str, of: str, to: str) -> None:
        """Aspirated h (Hannapes, Ham), mute h, written articles, homonyms (La Haye, three)."""
        party = Party(id="c", kind=PartyKind.COMMUNE, name=name)
        assert french.designation(party) == of.removeprefix("de ")
        assert french.of(party) == of
        assert french.to(party) == to

    def test_unknown_name_keeps_first_letter_rule(self) -> None:
        """A name the data do not know links by its first letter, as before."""
        party = Party(id="c", kind=PartyKind.COMMUNE, name="Exempleville")
        assert french.designation(party) == "la commune d’Exempleville"

    def test_designation_overrides(self) -> None:
        """``designation`` still wins over the data."""
        party = Party(
            id="c", kind=PartyKind.COMMUNE, name="Le Creusot", designation="ville du Creusot"
        )
        assert french.designation(party) == "la ville du Creusot"

    def test_ccas(self) -> None:
        """A CCAS is named after its commune, as the TNCC says."""
        party = Party(id="c", kind=PartyKind.CCAS, name="Le Creusot")
        assert french.designation(party) == "le centre communal d’action sociale du Creusot"

    def test_group(self) -> None:
        """One « de » serves a list; a name that links otherwise keeps its link."""
        parties = [
            Party(id=f"c{i}", kind=PartyKind.COMMUNE, name=n)
            for i, n in enumerate(["Blanzy", "Le Creusot", "Hirson", "Hannapes"])
        ]
        assert french.designation_all(parties) == (
            "les communes de Blanzy, du Creusot, d’Hirson et Hannapes"
        )
        assert french.of_all(parties[2:]) == "des communes d’Hirson et Hannapes"
        assert french.to_all(parties[1:3]) == "aux communes du Creusot et d’Hirson"

    def test_epci_category_from_data(self) -> None:
        """An EPCI without ``epci_kind`` takes the data's category."""
        party = Party(id="e", kind=PartyKind.EPCI, name="Haut-Bugey Agglomération")
        assert french.designation(party) == (
            "la communauté d’agglomération Haut-Bugey Agglomération"
        )

    def test_hors_referentiel_borrows_nothing(self) -> None:
        """A party outside the data is not named after a namesake in it (Haut-Lieu, Nord)."""
        party = Party(id="c", kind=PartyKind.COMMUNE, name="Hautlieu", hors_referentiel=True)
        assert french.designation(party) == "la commune d’Hautlieu"
        namesake = Party(id="c", kind=PartyKind.COMMUNE, name="Hautlieu")
        assert french.designation(namesake) == "la commune de Haut-Lieu"

    def test_official_spelling_only_for_plain_names(self) -> None:
        """« haute saone » reads as the data write it; a name with other characters keeps
        them (the renderer refuses what it cannot print); an official name with
        parentheses is the data's own."""
        loose = Party(id="c", kind=PartyKind.COMMUNE, name="le creusot")
        assert french.designation(loose) == "la commune du Creusot"
        odd = Party(id="c", kind=PartyKind.COMMUNE, name="Blanzy*")
        assert french.designation(odd) == "la commune de Blanzy*"
        bracketed = Party(id="c", kind=PartyKind.COMMUNE, name="Château-Chinon (Ville)")
        assert french.designation(bracketed) == "la commune de Château-Chinon (Ville)"
