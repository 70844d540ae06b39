"""Tests for iscg_docs.convention.articles: optional articles, numbers and references."""

from __future__ import annotations

import attrs
import pytest

from iscg_docs.convention.articles import ARTICLE_VARIABLES, ARTICLES, number_articles
from iscg_docs.convention.context import build_context
from iscg_docs.model.records import Framework, PartyKind

REFS = ("CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03")


def _arts(fw: Framework, ref: str) -> dict[str, dict[str, object]]:
    articles: dict[str, dict[str, object]] = build_context(fw, fw.convention(ref))["articles"]
    return articles


class TestArticles:
    """Articles are numbered in the context; optional ones renumber the rest."""

    def test_numbering_without_cosignatories(self, framework: Framework) -> None:
        """Bassin minier: no co-signatories, so Financement is article 4."""
        arts = _arts(framework, REFS[0])
        assert arts["objet"] == {"present": True, "number": "Article 1er", "ref": "l’article 1er"}
        assert arts["cosignataires"] == {"present": False, "number": "", "ref": ""}
        assert arts["financement"]["number"] == "Article 4"
        assert arts["financement"]["ref"] == "l’article 4"
        assert arts["litiges"]["number"] == "Article 12"

    def test_numbering_with_cosignatories(self, framework: Framework) -> None:
        """Mâconnais: the co-signatories' article is 4, so every later reference moves by one."""
        arts = _arts(framework, REFS[1])
        assert arts["cosignataires"]["number"] == "Article 4"
        assert arts["financement"]["ref"] == "l’article 5"
        assert arts["versement"]["ref"] == "l’article 6"
        assert arts["litiges"]["number"] == "Article 13"

    def test_numbers_are_consecutive(self, framework: Framework) -> None:
        """Present articles are numbered 1..n in the order of ARTICLES."""
        for ref in REFS:
            arts = _arts(framework, ref)
            numbers = [arts[a.key]["number"] for a in ARTICLES if arts[a.key]["present"]]
            assert numbers == ["Article 1er"] + [f"Article {i}" for i in range(2, len(numbers) + 1)]

    @pytest.mark.parametrize("ref", REFS, ids=["bassin-minier", "maconnais", "bresse"])
    def test_number_articles_gives_the_context(self, framework: Framework, ref: str) -> None:
        """number_articles is what the context prints, one variable per article."""
        numbered = number_articles(framework, framework.convention(ref))
        assert list(numbered) == [a.key for a in ARTICLES]
        assert [v.key for v in ARTICLE_VARIABLES] == [a.key for a in ARTICLES]
        for key, article in numbered.items():
            assert _arts(framework, ref)[key] == {
                "present": article.present,
                "number": article.number,
                "ref": article.ref,
            }

    def test_association_employer_adds_an_article(self, framework: Framework) -> None:
        """An association employing a post brings the contrat d'engagement républicain."""
        convention = framework.conventions[0]
        employer = framework.party(convention.posts[0].employer)
        association = attrs.evolve(employer, kind=PartyKind.ASSOCIATION, name="Escale")
        parties = tuple(association if p.id == employer.id else p for p in framework.parties)
        numbered = number_articles(attrs.evolve(framework, parties=parties), convention)
        assert numbered["engagement_republicain"].present
        assert numbered["engagement_republicain"].number == "Article 4"
        assert numbered["financement"].ref == "l’article 5"
