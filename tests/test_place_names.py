"""Tests for iscg_docs.model.place_names: articles and linking words, matching keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iscg_docs.model import place_names
from iscg_docs.model.place_names import (
    Tncc,
    closest_keys,
    normalise,
    of,
    split_article,
    to,
    with_article,
)

# (name as the COG writes it, TNCC, with article, after « de », after « à »).
# Départements carry no article in their names; communes carry theirs.
FORMS = [
    ("Saône-et-Loire", 0, "Saône-et-Loire", "de Saône-et-Loire", "à Saône-et-Loire"),
    ("Hannapes", 0, "Hannapes", "de Hannapes", "à Hannapes"),
    ("Eure-et-Loir", 1, "Eure-et-Loir", "d’Eure-et-Loir", "à Eure-et-Loir"),
    ("Hirson", 1, "Hirson", "d’Hirson", "à Hirson"),
    ("Rhône", 2, "le Rhône", "du Rhône", "au Rhône"),
    ("Le Creusot", 2, "Le Creusot", "du Creusot", "au Creusot"),
    ("Haute-Saône", 3, "la Haute-Saône", "de la Haute-Saône", "à la Haute-Saône"),
    ("La Clayette", 3, "La Clayette", "de La Clayette", "à La Clayette"),
    ("Hauts-de-Seine", 4, "les Hauts-de-Seine", "des Hauts-de-Seine", "aux Hauts-de-Seine"),
    ("Les Bizots", 4, "Les Bizots", "des Bizots", "aux Bizots"),
    ("Ain", 5, "l’Ain", "de l’Ain", "à l’Ain"),
    (
        "L’Abergement-de-Cuisery",
        5,
        "L’Abergement-de-Cuisery",
        "de L’Abergement-de-Cuisery",
        "à L’Abergement-de-Cuisery",
    ),
    ("Aux Marais", 6, "Aux Marais", "des Marais", "aux Marais"),
    ("Las Illas", 7, "Las Illas", "de Las Illas", "à Las Illas"),
    ("Los Masos", 8, "Los Masos", "de Los Masos", "à Los Masos"),
]


class TestForms:
    @pytest.mark.parametrize(
        ("name", "tncc", "article", "de", "a"), FORMS, ids=[f[0] for f in FORMS]
    )
    def test_each_tncc(self, name: str, tncc: int, article: str, de: str, a: str) -> None:
        """Each TNCC, on a name without its article and on one that carries it."""
        assert with_article(name, tncc) == article
        assert of(name, tncc) == de
        assert to(name, tncc) == a

    def test_article_outside_the_name(self) -> None:
        """A name without its written article gets it in lower case: « la Guadeloupe »."""
        assert with_article("Guadeloupe", Tncc.LA) == "la Guadeloupe"
        assert of("Landes", Tncc.LES) == "des Landes"
        assert of("Las Illas", Tncc.LAS) == "de Las Illas"
        assert of("Illas", Tncc.LAS) == "de las Illas"
        assert of("Masos", Tncc.LOS) == "de los Masos"

    def test_curly_apostrophe_counts_as_written(self) -> None:
        """« L’Abergement » (typographic apostrophe) carries its article like « L'Abergement »."""
        assert split_article("L’Abergement-de-Cuisery", 5) == ("L’", "Abergement-de-Cuisery")
        assert of("L’Abergement-de-Cuisery", 5) == "de L’Abergement-de-Cuisery"

    def test_article_is_whole_word(self) -> None:
        """« Lesparre » is not « Les parre », « Laval » is not « La val »: a space must follow."""
        assert split_article("Lesparre-Médoc", Tncc.LES) == ("", "Lesparre-Médoc")
        assert of("Laval", Tncc.LA) == "de la Laval"
        assert split_article("Le ", Tncc.LE) == ("", "Le ")

    def test_tncc_zero_keeps_an_article_like_word(self) -> None:
        """TNCC 0 and 1 never strip: the COG says « de » for « Le Vernet-Chaméane » (TNCC 0)."""
        assert of("Le Vernet-Chaméane", Tncc.DE) == "de Le Vernet-Chaméane"
        assert split_article("Le Vernet-Chaméane", Tncc.DE) == ("", "Le Vernet-Chaméane")

    @pytest.mark.parametrize("tncc", [-1, 9, 42])
    def test_unknown_tncc(self, tncc: int) -> None:
        """A TNCC outside 0 to 8 is refused, not guessed."""
        with pytest.raises(ValueError, match=str(tncc)):
            of("Blanzy", tncc)

    @given(
        name=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1),
        tncc=st.sampled_from(list(Tncc)),
    )
    def test_name_survives(self, name: str, tncc: Tncc) -> None:
        """Whatever the name, its part after the article is in every form, unchanged."""
        _, rest = split_article(name, tncc)
        for form in (with_article(name, tncc), of(name, tncc), to(name, tncc)):
            assert form.endswith(rest)


class TestNormalise:
    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("Saône-et-Loire", "saoneetloire"),
            ("saone et loire", "saoneetloire"),
            ("L’Abergement-de-Cuisery", "labergementdecuisery"),
            ("Œuilly", "oeuilly"),
            ("Île-de-Sein", "iledesein"),
            ("  ", ""),
        ],
    )
    def test_keys(self, text: str, key: str) -> None:
        """Lower case, no accents or ligatures, letters and digits only."""
        assert normalise(text) == key

    @given(st.text())
    def test_fast_path_is_the_definition(self, text: str) -> None:
        """The one-translate fast path gives what the decomposition gives, for any text."""
        assert normalise(text) == place_names._strict(text)


class TestClosestKeys:
    def test_prefix_first_then_close(self) -> None:
        """Names that begin with the query come first, then difflib's close ones."""
        keys = ["louhanschateaurenaud", "bouhans", "blanzy"]
        assert closest_keys("Louhans", keys) == ["louhanschateaurenaud", "bouhans"]

    def test_only_about_as_good_as_the_best(self) -> None:
        """A much worse match is not offered beside a near-perfect one."""
        keys = ["montceaulesmines", "montceauxletoile"]
        assert closest_keys("Montceau-les-Mine", keys) == ["montceaulesmines"]

    def test_limit_and_nothing(self) -> None:
        """At most ``limit``; an empty or far query gets nothing."""
        keys = [f"saint{c}" for c in "abcdef"]
        assert len(closest_keys("Saint", keys, limit=2)) == 2
        assert closest_keys("", keys) == []
        assert closest_keys("Zzzz", keys) == []
