"""The template context: every variable the convention template prints, already in French.

This is the only module that knows the template's variable names. :func:`build_context`
turns records into plain data (str, bool, lists, dicts): the template only prints strings
and tests booleans, and the result pickles. :data:`CATALOGUE` describes every entry, in
French, for the jurist who edits the template (``iscg-docs variables``).

Articles are numbered here, not in the template: an optional article that does not apply
is left out, the others are renumbered, and every cross-reference (``articles.x.ref``)
follows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from attrs import frozen

from iscg_docs import french
from iscg_docs.model.financing import ROUNDING_RULE, Financing, compute_financing
from iscg_docs.model.records import (
    Convention,
    Force,
    Framework,
    Gender,
    Party,
    PartyKind,
    Post,
    SplitMethod,
)

__all__ = [
    "ARTICLES",
    "CATALOGUE",
    "Article",
    "Variable",
    "build_context",
    "document_properties",
    "example_values",
    "file_stem",
]

#: What the signature date reads in a draft: dotted leaders to fill in by hand.
BLANK_DATE = "……………"


# --------------------------------------------------------------------------- articles


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
    Article("missions", "Missions de l'intervenant social"),
    Article("postes", "Postes, lieux d'exercice et employeur"),
    Article(
        "cosignataires",
        "Engagements des co-signataires",
        optional=True,
        condition="présent seulement si la convention a des co-signataires non financeurs",
    ),
    Article(
        "engagement_republicain",
        "Contrat d'engagement républicain",
        optional=True,
        condition="présent seulement si un employeur est une association",
    ),
    Article("financement", "Financement"),
    Article("versement", "Modalités de versement"),
    Article("duree", "Durée"),
    Article("suivi", "Suivi et évaluation"),
    Article("secret", "Secret professionnel et partage d'informations"),
    Article("communication", "Communication"),
    Article("modification", "Modification"),
    Article("resiliation", "Résiliation"),
    Article("litiges", "Litiges"),
)


def _present_articles(framework: Framework, convention: Convention) -> set[str]:
    present = {a.key for a in ARTICLES if not a.optional}
    if convention.cosignatories:
        present.add("cosignataires")
    if any(framework.party(p.employer).kind is PartyKind.ASSOCIATION for p in convention.posts):
        present.add("engagement_republicain")
    return present


def _articles(framework: Framework, convention: Convention) -> dict[str, dict[str, Any]]:
    present = _present_articles(framework, convention)
    out: dict[str, dict[str, Any]] = {}
    n = 0
    for article in ARTICLES:
        if article.key in present:
            n += 1
            number = french.article_number(n)
            out[article.key] = {
                "present": True,
                "number": number,
                "ref": "l'" + number[:1].lower() + number[1:],
            }
        else:
            # Empty, not missing: the template tests ``present`` before printing anything.
            out[article.key] = {"present": False, "number": "", "ref": ""}
    return out


# --------------------------------------------------------------------------- catalogue


@frozen
class Variable:
    """One entry of the template context.

    Attributes:
        name: its path: ``reference``, ``parties[].designation``, ``articles.objet.ref``.
        description: what it holds and how it is derived, in French.
        type: "texte", "booléen", "liste" or "dictionnaire".
    """

    name: str
    description: str
    type: str


TEXT = "texte"
BOOL = "booléen"
LIST = "liste"
DICT = "dictionnaire"

_PARTY_FIELDS = (
    (
        "designation",
        TEXT,
        "désignation avec article (french.designation) : « la commune de Blanzy »",
    ),
    (
        "designation_capitalized",
        TEXT,
        "la même, avec une majuscule initiale : « La commune de Blanzy »",
    ),
    (
        "represented_by",
        TEXT,
        "représentation (french.represented_by) : « représentée par Mme Claire Exemple, Maire »",
    ),
    (
        "authorisation",
        TEXT,
        "habilitation par délibération, accordée au signataire : « dûment habilitée par délibération du conseil municipal du 28 janvier 2021 (n° 2021-07) » ; vide sans délibération",
    ),
    (
        "clause",
        TEXT,
        "la ligne complète de comparution : désignation, représentation et habilitation",
    ),
    ("punctuation", TEXT, "ponctuation de fin de ligne : « ; » sauf après la dernière (« , »)"),
)

_SIGNER_FIELDS = (
    (
        "party",
        TEXT,
        "« Pour la commune de Blanzy » (french.designation) ; vide pour une case sans signataire",
    ),
    (
        "title",
        TEXT,
        "titre accordé du signataire, avec la délégation éventuelle (french.signatory_block)",
    ),
    ("name", TEXT, "nom du signataire, tel qu'il signe"),
)


def _catalogue() -> tuple[Variable, ...]:
    v: list[Variable] = [
        Variable(
            "draft",
            "vrai pour un projet : « PROJET » en en-tête, filigrane, date de signature laissée en blanc",
            BOOL,
        ),
        Variable(
            "reference",
            "référence de la convention (Convention.reference), en en-tête : « CD71-ISCG-2021-01 »",
            TEXT,
        ),
        Variable(
            "territory", "territoire couvert (Convention.territory) : « Bassin minier »", TEXT
        ),
        Variable(
            "title",
            "intitulé de la convention : « triennale » seulement pour trois ans, « un poste » ou « des postes » selon le nombre de postes (un même intervenant = un poste)",
            TEXT,
        ),
        Variable("framework", "la convention cadre", DICT),
        Variable("framework.title", "intitulé de la convention cadre (Framework.title)", TEXT),
        Variable(
            "framework.approved_on",
            "date d'approbation de la convention cadre : « 17 décembre 2020 » (french.long_date)",
            TEXT,
        ),
        Variable(
            "framework.approved_by",
            "organe qui l'a approuvée, avec article : « l'Assemblée départementale »",
            TEXT,
        ),
        Variable(
            "framework.approved_by_of",
            "le même après « de » : « de l'Assemblée départementale »",
            TEXT,
        ),
        Variable(
            "framework.etp_authorised",
            "ETP autorisés par la convention cadre (french.fte) : « six équivalents temps plein (6 ETP) »",
            TEXT,
        ),
        Variable(
            "framework.departement_rate",
            "taux de prise en charge par le Département de la part restant à la charge des collectivités, fixé par la convention cadre : « 50 % »",
            TEXT,
        ),
        Variable("state", "l'État, partie à la convention", DICT),
        Variable("state.designation", "« l'État » (french.designation)", TEXT),
        Variable("state.of", "« de l'État » (french.of)", TEXT),
        Variable("departement", "le Département, partie à la convention", DICT),
        Variable(
            "departement.designation",
            "« le Département de Saône-et-Loire » (french.designation)",
            TEXT,
        ),
        Variable("departement.of", "« du Département de Saône-et-Loire » (french.of)", TEXT),
        Variable(
            "collectivities",
            "les autres parties (Convention.parties), groupées : « les communes de Montceau-les-Mines, Blanzy, Saint-Vallier et Sanvignes-les-Mines » (french.designation_all)",
            TEXT,
        ),
        Variable(
            "parties",
            "les parties qui comparaissent, dans l'ordre : l'État, le Département, puis Convention.parties",
            LIST,
        ),
        *(Variable(f"parties[].{n}", d, t) for n, t, d in _PARTY_FIELDS),
        Variable(
            "has_cosignatories",
            "vrai si la convention a des co-signataires non financeurs (Convention.cosignatories)",
            BOOL,
        ),
        Variable(
            "cosignatories",
            "les co-signataires non financeurs (procureur, police, gendarmerie), « en présence de »",
            LIST,
        ),
        *(Variable(f"cosignatories[].{n}", d, t) for n, t, d in _PARTY_FIELDS),
        Variable(
            "cosignatories_designation",
            "les co-signataires groupés (french.designation_all) ; vide sans co-signataire",
            TEXT,
        ),
        Variable(
            "deliberations",
            "une citation « Vu la délibération … » par partie qui signe sous délibération, sans le « Vu »",
            LIST,
        ),
        Variable(
            "deliberations[]",
            "« la délibération du conseil municipal de la commune de Blanzy du 1er février 2021 (n° 2021-011) »",
            TEXT,
        ),
        Variable(
            "worker",
            "l'intervenant social ou les intervenants sociaux, selon le nombre de postes",
            DICT,
        ),
        Variable(
            "worker.subject", "« l'intervenant social » ou « les intervenants sociaux »", TEXT
        ),
        Variable("worker.of", "« de l'intervenant social » ou « des intervenants sociaux »", TEXT),
        Variable("worker.plural", "vrai s'il y a plusieurs postes", BOOL),
        Variable(
            "jobs",
            "un texte par poste (les lieux d'exercice d'un même intervenant, Post.job, forment un poste), pour l'article sur les postes",
            LIST,
        ),
        Variable(
            "jobs[]",
            "« un poste mixte d'intervenant social, mutualisé entre les communes de …, réparti entre le commissariat et la gendarmerie : un mi-temps (0,5 ETP) en commissariat et un mi-temps (0,5 ETP) en gendarmerie. » ; chaque texte finit par « ; », le dernier par un point",
            TEXT,
        ),
        Variable(
            "posts",
            "une ligne par lieu d'exercice (Convention.posts), pour le tableau des postes",
            LIST,
        ),
        Variable("posts[].force", "« Police nationale » ou « Gendarmerie nationale »", TEXT),
        Variable("posts[].site", "lieu d'exercice (Post.site)", TEXT),
        Variable("posts[].commune", "commune du lieu d'exercice (Post.commune)", TEXT),
        Variable("posts[].quotite", "quotité (french.fte) : « un mi-temps (0,5 ETP) »", TEXT),
        Variable(
            "posts[].employer",
            "employeur, avec une majuscule : « La commune de Montceau-les-Mines »",
            TEXT,
        ),
        Variable("posts_total", "quotité totale de la convention (french.fte) : « 1,5 ETP »", TEXT),
        Variable("employer", "le ou les employeurs", DICT),
        Variable(
            "employer.designation",
            "« la commune de Montceau-les-Mines » (french.designation_all)",
            TEXT,
        ),
        Variable("employer.of", "« de la commune de Montceau-les-Mines » (french.of_all)", TEXT),
        Variable("employer.to", "« à la commune de Montceau-les-Mines » (french.to_all)", TEXT),
        Variable("duration", "la durée de la convention", DICT),
        Variable("duration.words", "« trois (3) ans » (french.in_words_and_figures)", TEXT),
        Variable(
            "duration.period", "« du 1er janvier 2021 au 31 décembre 2023 » (french.period)", TEXT
        ),
        Variable("duration.start", "premier jour : « 1er janvier 2021 »", TEXT),
        Variable(
            "duration.end",
            "dernier jour, veille du dernier anniversaire : « 31 décembre 2023 »",
            TEXT,
        ),
        Variable("financing", "le plan de financement calculé (financing.compute_financing)", DICT),
        Variable(
            "financing.funders",
            "en-têtes des colonnes du tableau : l'État, le Département, puis les collectivités dans l'ordre de la clé",
            LIST,
        ),
        Variable(
            "financing.funders[].name",
            "« État », « Département de Saône-et-Loire », « Commune de Blanzy » (désignation sans article, majuscule initiale)",
            TEXT,
        ),
        Variable("financing.years", "une ligne du tableau par année de la convention", LIST),
        Variable("financing.years[].label", "« 1re année »", TEXT),
        Variable("financing.years[].period", "« du 1er janvier 2021 au 31 décembre 2021 »", TEXT),
        Variable(
            "financing.years[].cost", "coût de l'année, total de la ligne : « 44 000,00 € »", TEXT
        ),
        Variable(
            "financing.years[].cells",
            "une case par financeur, dans l'ordre de financing.funders",
            LIST,
        ),
        Variable(
            "financing.years[].cells[].amount",
            "participation de l'année (french.money) : « 20 000,00 € »",
            TEXT,
        ),
        Variable(
            "financing.years[].cells[].share",
            "part du coût de l'année (french.percent) : « 45,46 % »",
            TEXT,
        ),
        Variable(
            "financing.totals",
            "ligne des totaux : l'engagement de chaque financeur sur la période, dans l'ordre de financing.funders",
            LIST,
        ),
        Variable("financing.totals[].designation", "« le Département de Saône-et-Loire »", TEXT),
        Variable(
            "financing.totals[].designation_capitalized",
            "« Le Département de Saône-et-Loire »",
            TEXT,
        ),
        Variable(
            "financing.totals[].amount",
            "total sur la période (french.money) : « 36 000,00 € »",
            TEXT,
        ),
        Variable(
            "financing.totals[].amount_full",
            "le même en lettres et en chiffres (french.money_full)",
            TEXT,
        ),
        Variable(
            "financing.totals[].share", "part du coût total de la période (french.percent)", TEXT
        ),
        Variable(
            "financing.total_cost",
            "coût total de la période, total du tableau (french.money)",
            TEXT,
        ),
        Variable(
            "financing.total_cost_full",
            "le même en lettres et en chiffres (french.money_full)",
            TEXT,
        ),
        Variable(
            "financing.departement_rate",
            "taux du Département sur la part restant après l'État, pour cette convention : « 50 % »",
            TEXT,
        ),
        Variable(
            "financing.split",
            "répartition du reste entre les collectivités, en une proposition : « est réparti entre … selon la clé suivante : … »",
            TEXT,
        ),
        Variable(
            "financing.has_state_absent", "vrai si l'État ne participe pas une année au moins", BOOL
        ),
        Variable(
            "financing.state_absent",
            "« Pour la troisième année, l'État ne participe pas au financement. » ; vide sinon",
            TEXT,
        ),
        Variable("financing.rounding_rule", "la règle d'arrondi (financing.ROUNDING_RULE)", TEXT),
        Variable("signature", "la page des signatures", DICT),
        Variable("signature.place", "lieu de signature (Convention.signed_at) : « Mâcon »", TEXT),
        Variable(
            "signature.date",
            f"date de signature (french.long_date) ; « {BLANK_DATE} » pour un projet ou si elle n'est pas connue",
            TEXT,
        ),
        Variable("signature.copies", "« six (6) exemplaires originaux » : un par signataire", TEXT),
        Variable("signature.rows", "les blocs de signature, deux par ligne de tableau", LIST),
        Variable("signature.rows[].left", "bloc de gauche", DICT),
        *(Variable(f"signature.rows[].left.{n}", d, t) for n, t, d in _SIGNER_FIELDS),
        Variable(
            "signature.rows[].right",
            "bloc de droite (vide si le nombre de signataires est impair)",
            DICT,
        ),
        *(Variable(f"signature.rows[].right.{n}", d, t) for n, t, d in _SIGNER_FIELDS),
        Variable(
            "articles",
            "les articles, numérotés ici ; un article optionnel absent décale les suivants",
            DICT,
        ),
    ]
    for a in ARTICLES:
        when = f" ; {a.condition}" if a.optional else ""
        v += [
            Variable(f"articles.{a.key}", f"l'article « {a.title} »{when}", DICT),
            Variable(
                f"articles.{a.key}.present",
                f"vrai si l'article « {a.title} » figure dans la convention",
                BOOL,
            ),
            Variable(
                f"articles.{a.key}.number",
                "son intitulé numéroté (french.article_number) : « Article 1er », « Article 4 » ; vide s'il est absent",
                TEXT,
            ),
            Variable(
                f"articles.{a.key}.ref",
                "renvoi à l'article : « l'article 4 » ; vide s'il est absent",
                TEXT,
            ),
        ]
    return tuple(v)


#: Every entry of the context, nested ones included, described in French.
CATALOGUE: tuple[Variable, ...] = _catalogue()


def paths(context: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every entry of ``context`` as (catalogue name, value), containers included.

    The fields of list items are named ``name[].field`` (a text item is ``name[]``); every
    item is visited, so a key present in any item is seen.
    """
    yield from _paths(context, "")


def _paths(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            yield name, item
            yield from _paths(item, name)
    elif isinstance(value, list):
        for item in value:
            # A list of records is described by its fields; a list of texts by ``name[]``.
            if not isinstance(item, Mapping):
                yield f"{prefix}[]", item
            yield from _paths(item, f"{prefix}[]")


def example_values(context: Mapping[str, Any]) -> dict[str, Any]:
    """The first value of each catalogue entry in ``context``, leaves only.

    Args:
        context: a context from :func:`build_context`.

    Returns:
        Catalogue name → example value, for entries that are text or booleans.
    """
    out: dict[str, Any] = {}
    for name, value in paths(context):
        if isinstance(value, str | bool) and name not in out:
            out[name] = value
    return out


# --------------------------------------------------------------------------- helpers


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_MASCULINE_BODIES = ("conseil", "bureau", "comité", "comite")


def _body(body: str, *, of: bool = False) -> str:
    """A deliberating body with its article: "le conseil municipal", "de la Commission permanente".

    french has no helper for a bare noun phrase (its functions take a Party); the gender
    of the usual bodies is known from their first word.
    """
    first = body.split()[0].lower()
    stripped = unicodedata.normalize("NFD", first)[:1]
    if stripped in "aeiouyh":
        return ("de l'" if of else "l'") + body
    if first in _MASCULINE_BODIES:
        return ("du " if of else "le ") + body
    return ("de la " if of else "la ") + body


def _bare(party: Party) -> str:
    """The designation without its article, capitalised: "Commune de Blanzy", "État"."""
    text = french.designation(party)
    for article in ("l'", "le ", "la "):
        if text.startswith(article):
            text = text[len(article) :]
            break
    return _cap(text)


def _party_entry(party: Party, last: bool) -> dict[str, Any]:
    designation = french.designation(party)
    authorisation = ""
    if party.deliberation is not None and party.signatory is not None:
        agreed = "habilitée" if party.signatory.gender is Gender.FEMININE else "habilité"
        d = party.deliberation
        authorisation = (
            f"dûment {agreed} par délibération {_body(d.body, of=True)} du "
            f"{french.long_date(d.date)} (n°{french.NBSP}{d.number})"
        )
    clause = f"{_cap(designation)}, {french.represented_by(party)}"
    if authorisation:
        clause += f", {authorisation}"
    return {
        "designation": designation,
        "designation_capitalized": _cap(designation),
        "represented_by": french.represented_by(party),
        "authorisation": authorisation,
        "clause": clause,
        "punctuation": "," if last else f"{french.NNBSP};",
    }


def _party_list(parties: Sequence[Party]) -> list[dict[str, Any]]:
    return [_party_entry(p, i == len(parties) - 1) for i, p in enumerate(parties)]


def _deliberation(party: Party) -> str | None:
    d = party.deliberation
    if d is None:
        return None
    return (
        f"la délibération {_body(d.body, of=True)} {french.of(party)} du "
        f"{french.long_date(d.date)} (n°{french.NBSP}{d.number})"
    )


_FORCE_NAME = {Force.POLICE: "Police nationale", Force.GENDARMERIE: "Gendarmerie nationale"}
_FORCE_PLACE = {Force.POLICE: "en commissariat", Force.GENDARMERIE: "en gendarmerie"}


def _jobs(convention: Convention) -> list[list[Post]]:
    """Posts grouped by worker: the placements sharing a ``job``, in order of appearance."""
    groups: dict[str, list[Post]] = {}
    for post in convention.posts:
        groups.setdefault(post.job or f"\0{post.id}", []).append(post)
    return list(groups.values())


def _job_text(posts: Sequence[Post], shared_by: str | None) -> str:
    forces = {p.force for p in posts}
    mixed = len(forces) > 1
    text = "un poste mixte d'intervenant social" if mixed else "un poste d'intervenant social"
    if shared_by:
        text += f", mutualisé entre {shared_by},"
    if len(posts) == 1:
        post = posts[0]
        return f"{text} {_FORCE_PLACE[post.force]} pour {french.fte(post.quotite)}"
    parts = [f"{french.fte(p.quotite)} {_FORCE_PLACE[p.force]}" for p in posts]
    if mixed:
        return f"{text} réparti entre le commissariat et la gendarmerie : {french.join(parts)}"
    return f"{text} réparti entre plusieurs lieux d'exercice : {french.join(parts)}"


def _split_text(framework: Framework, convention: Convention) -> str:
    plan = convention.funding
    parties = [framework.party(s.party) for s in plan.split]
    if not parties:
        return "est nul, aucune autre collectivité ne participant au financement"
    if len(parties) == 1:
        return f"est pris en charge par {french.designation(parties[0])}"
    group = french.designation_all(parties)
    if plan.split_method is SplitMethod.EQUAL:
        return f"est réparti à parts égales entre {group}"
    if plan.split_method is SplitMethod.POPULATION:
        return f"est réparti entre {group} au prorata de leur population"
    key = [
        f"{french.designation(p)} pour {french.percent(s.percent or 0)}"
        for p, s in zip(parties, plan.split, strict=True)
    ]
    return f"est réparti entre {group} selon la clé suivante : {french.join(key)}"


def _state_absent(financing: Financing, state_id: str, state: Party) -> str:
    years = [y.index for y in financing.years if y.amount_of(state_id) == 0]
    if not years:
        return ""
    words = [french.ordinal(i, words=True, feminine=True) for i in years]
    if len(words) == 1:
        which = f"Pour la {words[0]} année"
    else:
        which = f"Pour les {french.join(words)} années"
    if len(years) == len(financing.years):
        which = "Pendant toute la durée de la convention"
    return (
        f"{which}, {french.designation(state)} ne participe pas au financement ; "
        "la part restant à la charge des collectivités est alors calculée sur le coût total "
        "de l'année."
    )


def _signer(party: Party | None) -> dict[str, str]:
    if party is None or party.signatory is None:
        return {"party": "", "title": "", "name": ""}
    title, name = french.signatory_block(party.signatory)
    return {"party": f"Pour {french.designation(party)}", "title": title, "name": name}


def _title(convention: Convention) -> str:
    """ "Convention triennale de financement d'un poste …", adapted to posts and years."""
    several = len(_jobs(convention)) > 1
    years = convention.period.years
    subject = "de postes d'intervenants sociaux" if several else "d'un poste d'intervenant social"
    scheme = f"{subject} en commissariat et en gendarmerie (ISCG)"
    if years == 3:
        return f"Convention triennale de financement {scheme}"
    duration = french.in_words_and_figures(years, "an")
    # "de" elides before "un (1) an" only.
    linked = "d'" if duration.startswith("un ") else "de "
    return f"Convention de financement {scheme} pour une durée {linked}{duration}"


# --------------------------------------------------------------------------- the context


def build_context(
    framework: Framework,
    convention: Convention,
    *,
    financing: Financing | None = None,
    draft: bool = False,
) -> dict[str, Any]:
    """Everything the template prints for ``convention``, formatted in French.

    Args:
        framework: the framework the convention falls under (parties, rate, approval).
        convention: the convention to draft; assumed valid.
        financing: its financing table; computed when omitted.
        draft: a draft: "PROJET" in the header, a watermark, and no signature date.

    Returns:
        Plain data only (str, bool, lists, dicts), described by :data:`CATALOGUE`.

    Raises:
        ValueError: a party cannot be designated (see :mod:`iscg_docs.french`) or the
            plan cannot be split.
    """
    if financing is None:
        financing = compute_financing(convention, framework)
    state = framework.party(framework.state)
    departement = framework.party(framework.departement)
    others = [framework.party(pid) for pid in convention.parties]
    cosignatories = [framework.party(pid) for pid in convention.cosignatories]
    signers = [state, departement, *others]

    jobs = _jobs(convention)
    several = len(jobs) > 1
    split_parties = [framework.party(s.party) for s in convention.funding.split]
    shared_by = french.designation_all(split_parties) if len(split_parties) > 1 else None
    employers = list(dict.fromkeys(p.employer for p in convention.posts))
    employer_parties = [framework.party(e) for e in employers]

    duration = french.in_words_and_figures(convention.period.years, "an")

    dep_rate = convention.funding.departement_rate
    if dep_rate is None:
        dep_rate = framework.departement_rate

    funders = [framework.party(t.party) for t in financing.totals]
    all_signers = [*signers, *cosignatories]
    blocks = [_signer(p) for p in all_signers]
    if len(blocks) % 2:
        blocks.append(_signer(None))
    rows = [{"left": blocks[i], "right": blocks[i + 1]} for i in range(0, len(blocks), 2)]

    signed_on = (
        "" if draft or convention.signed_on is None else french.long_date(convention.signed_on)
    )

    return {
        "draft": draft,
        "reference": convention.reference,
        "territory": convention.territory,
        "title": _title(convention),
        "framework": {
            "title": framework.title,
            "approved_on": french.long_date(framework.approved_on),
            "approved_by": _body(framework.approved_by),
            "approved_by_of": _body(framework.approved_by, of=True),
            "etp_authorised": french.fte(framework.etp_authorised),
            "departement_rate": french.percent(framework.departement_rate),
        },
        "state": {"designation": french.designation(state), "of": french.of(state)},
        "departement": {
            "designation": french.designation(departement),
            "of": french.of(departement),
        },
        "collectivities": french.designation_all(others) if others else "",
        "parties": _party_list(signers),
        "has_cosignatories": bool(cosignatories),
        "cosignatories": _party_list(cosignatories),
        "cosignatories_designation": (
            french.designation_all(cosignatories) if cosignatories else ""
        ),
        "deliberations": [d for p in signers if (d := _deliberation(p)) is not None],
        "worker": {
            "subject": "les intervenants sociaux" if several else "l'intervenant social",
            "of": "des intervenants sociaux" if several else "de l'intervenant social",
            "plural": several,
        },
        "jobs": [
            _job_text(group, shared_by) + (f"{french.NNBSP};" if i < len(jobs) - 1 else ".")
            for i, group in enumerate(jobs)
        ],
        "posts": [
            {
                "force": _FORCE_NAME[p.force],
                "site": p.site,
                "commune": p.commune,
                "quotite": french.fte(p.quotite),
                "employer": _cap(french.designation(framework.party(p.employer))),
            }
            for p in convention.posts
        ],
        "posts_total": french.fte(convention.etp),
        "employer": {
            "designation": french.designation_all(employer_parties),
            "of": french.of_all(employer_parties),
            "to": french.to_all(employer_parties),
        },
        "duration": {
            "words": duration,
            "period": french.period(convention.period.start, convention.period.end),
            "start": french.long_date(convention.period.start),
            "end": french.long_date(convention.period.end),
        },
        "financing": {
            "funders": [{"name": _bare(p)} for p in funders],
            "years": [
                {
                    "label": f"{french.ordinal(y.index, feminine=True)} année",
                    "period": french.period(y.start, y.end),
                    "cost": french.money(y.cost),
                    "cells": [
                        {"amount": french.money(c.amount), "share": french.percent(c.share)}
                        for c in y.contributions
                    ],
                }
                for y in financing.years
            ],
            "totals": [
                {
                    "designation": french.designation(p),
                    "designation_capitalized": _cap(french.designation(p)),
                    "amount": french.money(t.amount),
                    "amount_full": french.money_full(t.amount),
                    "share": french.percent(t.share),
                }
                for p, t in zip(funders, financing.totals, strict=True)
            ],
            "total_cost": french.money(financing.total_cost),
            "total_cost_full": french.money_full(financing.total_cost),
            "departement_rate": french.percent(dep_rate),
            "split": _split_text(framework, convention),
            "has_state_absent": bool(_state_absent(financing, framework.state, state)),
            "state_absent": _state_absent(financing, framework.state, state),
            "rounding_rule": ROUNDING_RULE,
        },
        "signature": {
            "place": convention.signed_at,
            "date": signed_on or BLANK_DATE,
            "copies": french.in_words_and_figures(
                len(all_signers), ("exemplaire original", "exemplaires originaux")
            ),
            "rows": rows,
        },
        "articles": _articles(framework, convention),
    }


# --------------------------------------------------------------------------- rendering aids


def document_properties(framework: Framework, convention: Convention) -> dict[str, str]:
    """The core properties of the rendered document (title, subject, author…).

    Args:
        framework: the framework, whose Département is the author.
        convention: the convention.

    Returns:
        Plain-text values for :meth:`iscg_docs.docx.renderer.Renderer.render` ``properties``.
    """
    departement = framework.party(framework.departement)
    return {
        "title": _title(convention),
        "subject": f"Convention {convention.reference} ({convention.territory}), "
        f"sous la convention cadre approuvée le {french.long_date(framework.approved_on)}",
        "author": _bare(departement),
        "keywords": "; ".join(
            (
                "ISCG",
                "intervenant social",
                "commissariat",
                "gendarmerie",
                "violences intrafamiliales",
                convention.reference,
                convention.territory,
            )
        ),
        "language": "fr-FR",
    }


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def file_stem(convention: Convention) -> str:
    """A safe file name (without extension) for the convention: "CD71-ISCG-2021-01".

    Accents are dropped, anything but ASCII letters, digits, "-" and "_" becomes "-";
    an empty result falls back to the territory, then to "convention".

    Args:
        convention: the convention.

    Returns:
        At most 100 characters from ``[A-Za-z0-9_-]``, never empty.
    """
    for source in (convention.reference, convention.territory):
        ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode("ascii")
        stem = _UNSAFE.sub("-", ascii_text).strip("-_")[:100].strip("-_")
        if stem:
            return stem
    return "convention"
