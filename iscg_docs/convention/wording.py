"""The convention's own sentences: its title, posts, split of the remainder, signature blocks.

The grammar (articles, elision, agreement, numbers, dates) is :mod:`iscg_docs.french`'s;
this module only says what a funding convention writes with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from iscg_docs.french.numbers import (
    fte,
    in_words_and_figures,
    money_full,
    number,
    ordinal,
    percent,
)
from iscg_docs.french.parties import (
    authorisation,
    designation,
    designation_all,
    named_by_office,
    of,
    represented_by,
    signatory_block,
)
from iscg_docs.french.text import NBSP, NNBSP, capitalize, join
from iscg_docs.model.financing import Financing, departement_ceiling
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
    "Forces",
    "SignatureBlock",
    "appearances",
    "consolidated_label",
    "convention_title",
    "departement_ceiling_text",
    "employer_funds",
    "forces",
    "forecast",
    "job_texts",
    "jobs",
    "payers",
    "signature_block",
    "split_text",
    "state_absent",
    "state_provisional",
]

#: The force a post serves, as the table of posts names it.
FORCE_NAME = {Force.POLICE: "Police nationale", Force.GENDARMERIE: "Gendarmerie nationale"}

#: Non-breaking hyphen, for place names in table cells.
NBHY = "\u2011"

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
    subject = "de postes d’intervenants sociaux" if several else "d’un poste d’intervenant social"
    # No-break spaces keep "(ISCG)" with the words before it on the title's last line.
    where = forces(convention).where
    if " et " in where:
        scheme = f"{subject} en commissariat et en{NBSP}gendarmerie{NBSP}(ISCG)"
    else:
        # A single force: the title says where the worker is, and names the scheme.
        scheme = f"{subject} {where.replace(' ', NBSP)}{NBSP}(dispositif{NBSP}ISCG)"
    if years == 3:
        return f"Convention triennale de financement {scheme}"
    duration = in_words_and_figures(years, "an")
    # "de" elides before "un (1) an" only: "huit" and "onze" take "de" as well.
    linked = "d’" if duration.startswith("un ") else "de "
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
    text = "un poste mixte d’intervenant social" if mixed else "un poste d’intervenant social"
    if shared_by:
        text += f", mutualisé entre {shared_by},"
    if len(posts) == 1:
        post = posts[0]
        return f"{text} {_FORCE_PLACE[post.force]} pour {fte(post.quotite)}"
    parts = [f"{fte(p.quotite)} {_FORCE_PLACE[p.force]}" for p in posts]
    if mixed:
        return f"{text} réparti entre le commissariat et la gendarmerie{NBSP}: {join(parts)}"
    return f"{text} réparti entre plusieurs lieux d’exercice{NBSP}: {join(parts)}"


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
    return f"est réparti entre {group} selon la clé suivante{NBSP}: {join(key)}"


def _which_years(years: Sequence[int], count: int) -> str:
    """ "Pour la troisième année", "Pour les deuxième et troisième années", "Pendant toute …"."""
    if len(years) == count:
        return "Pendant toute la durée de la convention"
    if len(years) == 1:
        return f"Pour la {ordinal(years[0], words=True, feminine=True)} année"
    return f"Pour les {join(ordinal(i, words=True, feminine=True) for i in years)} années"


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
    head, each = f"{NBSP}:", True
    if None not in vintages and len(vintages) == 1:
        head, each = f" municipale (INSEE, millésime {vintages.pop()}){NBSP}:", False
    items = []
    for share, figure in zip(convention.funding.split, figures, strict=True):
        item = f"{designation(framework.party(share.party))} pour {number(figure.count)}{NBSP}habitants"
        if each and figure.official:
            item += f" (population municipale, INSEE, millésime {figure.millesime})"
        items.append(item)
    return f"{head} {join(items)}"


def state_absent(financing: Financing, framework: Framework) -> str:
    """The sentence saying in which years the State pays nothing; empty if it pays every year.

    A year whose State share is provisional is left to :func:`state_provisional`: a
    forecast of zero does not mean the State will not pay.
    """
    years = [
        y.index
        for y in financing.years
        if y.amount_of(framework.state) == 0 and not y.state_provisional
    ]
    if not years:
        return ""
    which = _which_years(years, len(financing.years))
    return (
        f"{which}, {designation(framework.party(framework.state))} ne participe pas au "
        f"financement{NNBSP}; la part restant à la charge des collectivités est alors calculée sur "
        "le coût total de l’année."
    )


def state_provisional(financing: Financing, framework: Framework) -> str:
    """The sentence on the years whose State share is a forecast; empty if there is none."""
    years = [y for y in financing.years if y.state_provisional]
    if not years:
        return ""
    which = _which_years([y.index for y in years], len(financing.years))
    amounts = join(money_full(y.amount_of(framework.state)) for y in years)
    state = designation(framework.party(framework.state))
    several = len(years) > 1
    return (
        f"{which}, la participation {of(framework.party(framework.state))} n’est pas encore "
        f"fixée{NBSP}: le plan de financement retient "
        + ("les montants prévisionnels" if several else "le montant prévisionnel")
        + f" de {amounts}. Le montant définitif est fixé lorsque {state} attribue sa "
        "participation de l’année, et les autres participations sont alors ajustées par "
        "avenant."
    )


def forecast(financing: Financing) -> str:
    """The sentence marking the amounts beyond the first year as forecasts; empty for one year."""
    later = [y.index for y in financing.years if y.index > 1]
    if not later:
        return ""
    if len(later) == 1:
        return "Les montants de la deuxième année sont prévisionnels."
    ordinals = join(ordinal(i, words=True, feminine=True) for i in later)
    return f"Les montants des {ordinals} années sont prévisionnels."


def departement_ceiling_text(
    financing: Financing, framework: Framework, convention: Convention
) -> str:
    """The sentence on the Département's ceiling; empty when the framework sets none."""
    per_etp = framework.departement_ceiling_per_etp
    if per_etp is None:
        return ""
    departement = framework.party(framework.departement)
    text = (
        f"La participation {of(departement)} est plafonnée, par la convention cadre, à "
        f"{money_full(per_etp)} par équivalent temps plein et par an, soit "
        f"{money_full(_ceiling(framework, convention))} par an pour la présente convention "
        f"({fte(convention.etp)}){NNBSP}; au-delà, le solde est à la charge des collectivités."
    )
    capped = [y.index for y in financing.years if y.departement_capped]
    if capped:
        which = _which_years(capped, len(financing.years))
        text += f" {which}, ce plafond est atteint."
    return text


def _ceiling(framework: Framework, convention: Convention) -> Decimal:
    cents = departement_ceiling(convention, framework) or 0
    return Decimal(cents).scaleb(-2)


def payers(financing: Financing, framework: Framework, convention: Convention) -> list[Party]:
    """The funders that pay the employer: every funder with a non-zero total but the employers."""
    employers = {p.employer for p in convention.posts}
    return [
        framework.party(t.party)
        for t in financing.totals
        if t.party not in employers and t.amount > 0
    ]


def employer_funds(financing: Financing, convention: Convention) -> bool:
    """Whether an employer is also a funder (it then bears its own share directly)."""
    employers = {p.employer for p in convention.posts}
    return any(t.party in employers and t.amount > 0 for t in financing.totals)


class Forces(NamedTuple):
    """How the text names the police and gendarmerie units, agreed with the posts.

    A convention whose posts are all in gendarmerie never speaks of police services, and
    the reverse. Each field is one phrase of the template.
    """

    where: str
    of_or: str
    of_and: str
    head: str
    host: str
    all: str


def forces(convention: Convention) -> Forces:
    """The phrases for the forces the posts serve: police, gendarmerie or both."""
    served = {p.force for p in convention.posts}
    police, gendarmerie = Force.POLICE in served, Force.GENDARMERIE in served
    if police and not gendarmerie:
        return Forces(
            "en commissariat",
            "des services de police",
            "des services de police",
            "le chef du service de police d’accueil",
            "Le service de police d’accueil",
            "Les services de police",
        )
    if gendarmerie and not police:
        return Forces(
            "en gendarmerie",
            "des unités de gendarmerie",
            "des unités de gendarmerie",
            "le commandant de l’unité de gendarmerie d’accueil",
            "L’unité de gendarmerie d’accueil",
            "Les unités de gendarmerie",
        )
    return Forces(
        "en commissariat et en gendarmerie",
        "des services de police ou des unités de gendarmerie",
        "des services de police et des unités de gendarmerie",
        "le chef du service de police ou le commandant de l’unité de gendarmerie d’accueil",
        "Le service de police ou l’unité de gendarmerie d’accueil",
        "Les services de police et les unités de gendarmerie",
    )


class SignatureBlock(NamedTuple):
    """What is written above one signature; all empty for a box without signatory."""

    party: str = ""
    title: str = ""
    name: str = ""


def signature_block(party: Party | None) -> SignatureBlock:
    """ "Pour la commune de Blanzy", the signatory's agreed title, and the name.

    A party named by its office has no « Pour … » line: its title is the office in full
    (« La Procureure de la République près le tribunal judiciaire de Mâcon »).
    """
    if party is None or party.signatory is None:
        return SignatureBlock()
    title, name = signatory_block(party.signatory)
    # An office signs in its own name: its full title is the block's head, no « Pour ».
    head = "" if named_by_office(party) else f"Pour {designation(party)}"
    # Non-breaking hyphens: « Saône-et-Loire » is not cut at the edge of a narrow block.
    return SignatureBlock(head.replace("-", NBHY), title.replace("-", NBHY), name)


def consolidated_label(number: int) -> str:
    """The header line of the version consolidated after avenant ``number``; "" for 0."""
    return f"Version consolidée après l’avenant n°{NBSP}{number}" if number else ""
