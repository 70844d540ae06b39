"""The convention's articles: which optional ones apply, their numbers and cross-references.

Articles are numbered here, not in the template: an optional article that does not apply
is left out, the others are renumbered, and every cross-reference (``articles.x.ref``)
follows.
"""

from __future__ import annotations

from operator import itemgetter
from typing import NamedTuple

from attrs import frozen

from iscg_docs.convention.variables import Node, flag, group, text
from iscg_docs.french.numbers import article_number
from iscg_docs.french.text import with_article
from iscg_docs.model.records import Convention, Framework, Gender, PartyKind

__all__ = ["ARTICLES", "ARTICLE_VARIABLES", "Article", "Numbered", "number_articles"]


@frozen
class Article:
    """One article of the convention, as the context numbers it.

    Attributes:
        key: its name in the context (``articles.<key>``).
        title: its heading in the template, for the catalogue.
        optional: whether it can be left out.
        condition: when it is present, in French, for the catalogue.
    """

    key: str
    title: str
    optional: bool = False
    condition: str = ""


#: The articles in order. The headings themselves are in the template, where a jurist
#: edits them; this list only decides which are present and how they are numbered.
ARTICLES: tuple[Article, ...] = (
    Article("objet", "Objet"),
    Article("missions", "Missions de l’intervenant social"),
    Article("postes", "Postes, lieux d’exercice et employeur"),
    Article(
        "cosignataires",
        "Engagements des cosignataires",
        optional=True,
        condition="présent seulement si la convention a des cosignataires non financeurs",
    ),
    Article(
        "engagement_republicain",
        "Contrat d’engagement républicain",
        optional=True,
        condition="présent seulement si un employeur est une association",
    ),
    Article("financement", "Financement"),
    Article("versement", "Modalités de versement"),
    Article("duree", "Durée"),
    Article("suivi", "Suivi et évaluation"),
    Article("secret", "Secret professionnel et partage d’informations"),
    Article("communication", "Communication"),
    Article("modification", "Modification"),
    Article("resiliation", "Résiliation"),
    Article("litiges", "Litiges"),
)


class Numbered(NamedTuple):
    """An article as one convention has it.

    Attributes:
        present: whether the convention has it.
        number: its heading, "Article 1er", "Article 4"; empty when absent.
        ref: a cross-reference to it, "l'article 4"; empty when absent.
    """

    present: bool
    number: str = ""
    ref: str = ""


def _present(framework: Framework, convention: Convention) -> set[str]:
    present = {a.key for a in ARTICLES if not a.optional}
    if convention.cosignatories:
        present.add("cosignataires")
    if any(framework.party(p.employer).kind is PartyKind.ASSOCIATION for p in convention.posts):
        present.add("engagement_republicain")
    return present


def number_articles(framework: Framework, convention: Convention) -> dict[str, Numbered]:
    """Every article of :data:`ARTICLES`, numbered 1..n in order if present.

    Args:
        framework: the framework, whose parties tell the employers' kinds.
        convention: the convention.

    Returns:
        Article key → its number and reference; an absent article is kept, empty, so
        the template can test ``present`` before printing anything.
    """
    present = _present(framework, convention)
    out: dict[str, Numbered] = {}
    n = 0
    for article in ARTICLES:
        if article.key in present:
            n += 1
            number = article_number(n)
            ref = with_article(number[:1].lower() + number[1:], Gender.MASCULINE)
            out[article.key] = Numbered(True, number, ref)
        else:
            out[article.key] = Numbered(False)
    return out


def _variables(article: Article) -> Node:
    when = f" ; {article.condition}" if article.optional else ""
    return group(
        article.key,
        f"l'article « {article.title} »{when}",
        (
            flag(
                "present",
                f"vrai si l'article « {article.title} » figure dans la convention",
                lambda a: a.present,
            ),
            text(
                "number",
                "son intitulé numéroté (french.article_number) : « Article 1er », « Article 4 » ; vide s'il est absent",
                lambda a: a.number,
            ),
            text(
                "ref",
                "renvoi à l'article : « l'article 4 » ; vide s'il est absent",
                lambda a: a.ref,
            ),
        ),
        itemgetter(article.key),
    )


#: One variable per article, read from :func:`number_articles`.
ARTICLE_VARIABLES: tuple[Node, ...] = tuple(_variables(a) for a in ARTICLES)
