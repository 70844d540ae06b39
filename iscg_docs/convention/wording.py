"""The convention's own sentences: its title, posts, split of the remainder, signature blocks.

The grammar (articles, elision, agreement, numbers, dates) is :mod:`iscg_docs.french`'s;
this module only says what a funding convention writes with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from iscg_docs.french.numbers import fte, in_words_and_figures, number, ordinal, percent
from iscg_docs.french.parties import (
    authorisation,
    designation,
    designation_all,
    represented_by,
    signatory_block,
)
from iscg_docs.french.text import NBSP, NNBSP, capitalize, join
from iscg_docs.model.financing import Financing
from iscg_docs.model.places import split_populations
from iscg_docs.model.records import (
    Convention,
    Force,
    Framework,
    Party,
    Post,
    SplitMethod,
)

__all__ = [
    "FORCE_NAME",
    "Appearance",
    "SignatureBlock",
    "appearances",
    "consolidated_label",
    "convention_title",
    "job_texts",
    "jobs",
    "signature_block",
    "split_text",
    "state_absent",
]

#: The force a post serves, as the table of posts names it.
FORCE_NAME = {Force.POLICE: "Police nationale", Force.GENDARMERIE: "Gendarmerie nationale"}

#: Where a post is served, as a sentence says it.
_FORCE_PLACE = {Force.POLICE: "en commissariat", Force.GENDARMERIE: "en gendarmerie"}


def jobs(convention: Convention) -> list[list[Post]]:
    """Posts grouped by worker: the placements sharing a ``job``, in order of appearance."""
    groups: dict[str, list[Post]] = {}
    for post in convention.posts:
        groups.setdefault(post.job or f"\0{post.id}", []).append(post)
    return list(groups.values())


def convention_title(convention: Convention) -> str:
    """ "Convention triennale de financement d'un poste …", adapted to posts and years."""
    several = len(jobs(convention)) > 1
    years = convention.period.years
    subject = "de postes d'intervenants sociaux" if several else "d'un poste d'intervenant social"
    scheme = f"{subject} en commissariat et en gendarmerie (ISCG)"
    if years == 3:
        return f"Convention triennale de financement {scheme}"
    duration = in_words_and_figures(years, "an")
    # "de" elides before "un (1) an" only: "huit" and "onze" take "de" as well.
    linked = "d'" if duration.startswith("un ") else "de "
    return f"Convention de financement {scheme} pour une durée {linked}{duration}"


class Appearance(NamedTuple):
    """A party as it appears at the head of the convention.

    Attributes:
        designation: "la commune de Blanzy".
        represented_by: "représentée par Mme Claire Exemple, Maire".
        authorisation: "dûment habilitée par délibération …", or empty.
        last: whether it is the last of its list (its line ends with "," not ";").
    """

    designation: str
    represented_by: str
    authorisation: str
    last: bool

    @property
    def clause(self) -> str:
        """The whole line: "La commune de Blanzy, représentée par …, dûment habilitée …"."""
        clause = f"{capitalize(self.designation)}, {self.represented_by}"
        return f"{clause}, {self.authorisation}" if self.authorisation else clause


def appearances(parties: Sequence[Party]) -> list[Appearance]:
    """How each of ``parties`` appears, in order."""
    return [
        Appearance(designation(p), represented_by(p), authorisation(p), i == len(parties) - 1)
        for i, p in enumerate(parties)
    ]


def _job_text(posts: Sequence[Post], shared_by: str | None) -> str:
    forces = {p.force for p in posts}
    mixed = len(forces) > 1
    text = "un poste mixte d'intervenant social" if mixed else "un poste d'intervenant social"
    if shared_by:
        text += f", mutualisé entre {shared_by},"
    if len(posts) == 1:
        post = posts[0]
        return f"{text} {_FORCE_PLACE[post.force]} pour {fte(post.quotite)}"
    parts = [f"{fte(p.quotite)} {_FORCE_PLACE[p.force]}" for p in posts]
    if mixed:
        return f"{text} réparti entre le commissariat et la gendarmerie : {join(parts)}"
    return f"{text} réparti entre plusieurs lieux d'exercice : {join(parts)}"


def job_texts(framework: Framework, convention: Convention) -> list[str]:
    """One text per worker for the article on posts, each ending in "; ", the last in ".".

    A post shared by several collectivities says so ("mutualisé entre les communes …").
    """
    split_parties = [framework.party(s.party) for s in convention.funding.split]
    shared_by = designation_all(split_parties) if len(split_parties) > 1 else None
    groups = jobs(convention)
    return [
        _job_text(group, shared_by) + (f"{NNBSP};" if i < len(groups) - 1 else ".")
        for i, group in enumerate(groups)
    ]


def split_text(framework: Framework, convention: Convention) -> str:
    """How the remainder is split among the collectivities, as a predicate.

    "est réparti entre … selon la clé suivante : …", "est pris en charge par …".
    """
    plan = convention.funding
    parties = [framework.party(s.party) for s in plan.split]
    if not parties:
        return "est nul, aucune autre collectivité ne participant au financement"
    if len(parties) == 1:
        return f"est pris en charge par {designation(parties[0])}"
    group = designation_all(parties)
    if plan.split_method is SplitMethod.EQUAL:
        return f"est réparti à parts égales entre {group}"
    if plan.split_method is SplitMethod.POPULATION:
        return f"est réparti entre {group} au prorata de leur population" + _populations(
            framework, convention
        )
    key = [
        f"{designation(p)} pour {percent(s.percent or 0)}"
        for p, s in zip(parties, plan.split, strict=True)
    ]
    return f"est réparti entre {group} selon la clé suivante : {join(key)}"


def _populations(framework: Framework, convention: Convention) -> str:
    """What follows « au prorata de leur population » when the split takes INSEE's figures.

    « municipale (INSEE, millésime 2023) : la commune d'Hirson pour 8 796 habitants, … »
    when every figure is INSEE's of one vintage; else each official figure cites its own.
    Nothing when the convention gives every figure: they are its own.
    """
    figures = [f for f in split_populations(framework, convention) if f is not None]
    vintages = {f.millesime for f in figures}
    if not any(f.official for f in figures):
        return ""
    head, each = " :", True
    if None not in vintages and len(vintages) == 1:
        head, each = f" municipale (INSEE, millésime {vintages.pop()}) :", False
    items = []
    for share, figure in zip(convention.funding.split, figures, strict=True):
        item = f"{designation(framework.party(share.party))} pour {number(figure.count)} habitants"
        if each and figure.official:
            item += f" (population municipale, INSEE, millésime {figure.millesime})"
        items.append(item)
    return f"{head} {join(items)}"


def state_absent(financing: Financing, framework: Framework) -> str:
    """The sentence saying in which years the State pays nothing; empty if it pays every year."""
    years = [y.index for y in financing.years if y.amount_of(framework.state) == 0]
    if not years:
        return ""
    if len(years) == len(financing.years):
        which = "Pendant toute la durée de la convention"
    elif len(years) == 1:
        which = f"Pour la {ordinal(years[0], words=True, feminine=True)} année"
    else:
        which = f"Pour les {join(ordinal(i, words=True, feminine=True) for i in years)} années"
    return (
        f"{which}, {designation(framework.party(framework.state))} ne participe pas au "
        "financement ; la part restant à la charge des collectivités est alors calculée sur "
        "le coût total de l'année."
    )


class SignatureBlock(NamedTuple):
    """What is written above one signature; all empty for a box without signatory."""

    party: str = ""
    title: str = ""
    name: str = ""


def signature_block(party: Party | None) -> SignatureBlock:
    """ "Pour la commune de Blanzy", the signatory's agreed title, and the name."""
    if party is None or party.signatory is None:
        return SignatureBlock()
    title, name = signatory_block(party.signatory)
    return SignatureBlock(f"Pour {designation(party)}", title, name)


def consolidated_label(number: int) -> str:
    """The header line of the version consolidated after avenant ``number``; "" for 0."""
    return f"Version consolidée après l'avenant n°{NBSP}{number}" if number else ""
