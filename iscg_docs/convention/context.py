"""The template context: every variable the convention template prints, already in French.

This module (with :mod:`iscg_docs.convention.articles` for the articles) is the only one
that knows the template's variable names. Each variable is declared once in
:data:`VARIABLES`, with its meaning and how it is computed:
:func:`build_context` evaluates the declaration for one convention into plain data (str,
bool, lists, dicts) that the template prints and tests and that pickles, and
:data:`CATALOGUE` lists the same declaration, in French, for the jurist who edits the
template (``iscg-docs variables``) and for the lint.
"""

from __future__ import annotations

from typing import Any

from iscg_docs.convention.articles import ARTICLE_VARIABLES, number_articles
from iscg_docs.convention.financing_variables import FINANCING
from iscg_docs.convention.variables import (
    Node,
    Variable,
    catalogue,
    compile_nodes,
    flag,
    group,
    records,
    text,
    texts,
)
from iscg_docs.convention.wording import (
    FORCE_NAME,
    NBHY,
    appearances,
    consolidated_label,
    convention_title,
    forces,
    job_texts,
    jobs,
    payers,
    signature_block,
    state_absent,
    state_provisional,
)
from iscg_docs.french.dates import long_date, period
from iscg_docs.french.numbers import fte, in_words_and_figures, percent
from iscg_docs.french.parties import (
    deliberating_body,
    deliberation_citation,
    designation,
    designation_all,
    of,
    of_all,
    to_all,
)
from iscg_docs.french.text import NBSP, NNBSP, capitalize
from iscg_docs.model.financing import (
    Financing,
    compute_financing,
)
from iscg_docs.model.jurisdictions import tribunal_administratif
from iscg_docs.model.records import Convention, Framework, Party

__all__ = [
    "BLANK_DATE",
    "CATALOGUE",
    "FRAMEWORK_VARIABLE",
    "PARTY_VARIABLES",
    "SIGNATURE_SIDES",
    "SIGNER_VARIABLES",
    "UNKNOWN_TRIBUNAL",
    "VARIABLES",
    "Source",
    "build_context",
]


#: What the signature date reads in a draft: dotted leaders to fill in by hand.
BLANK_DATE = "……………"


class Source:
    """What the variables are computed from: the records, and what several of them share."""

    def __init__(
        self,
        framework: Framework,
        convention: Convention,
        financing: Financing,
        draft: bool,
        consolidated: int = 0,
    ) -> None:
        self.framework = framework
        self.convention = convention
        self.financing = financing
        self.draft = draft
        self.consolidated = consolidated
        self.state = framework.party(framework.state)
        self.departement = framework.party(framework.departement)
        self.others = [framework.party(pid) for pid in convention.parties]
        self.cosignatories = [framework.party(pid) for pid in convention.cosignatories]
        #: The parties that appear and sign, in order; co-signatories sign after them.
        self.parties = [self.state, self.departement, *self.others]
        self.signers = [*self.parties, *self.cosignatories]
        self.several = len(jobs(convention)) > 1
        employers = dict.fromkeys(p.employer for p in convention.posts)
        self.employers = [framework.party(e) for e in employers]
        self.funders = [framework.party(t.party) for t in financing.totals]
        self.state_absent = state_absent(financing, framework)
        self.state_provisional = state_provisional(financing, framework)
        self.payers = payers(financing, framework, convention)

    @staticmethod
    def signature_rows(signers: list[Party]) -> list[tuple[Party | None, Party | None]]:
        """``signers`` two by two; an odd last one is beside an empty box."""
        boxes: list[Party | None] = list(signers)
        if len(boxes) % 2:
            boxes.append(None)
        return [(boxes[i], boxes[i + 1]) for i in range(0, len(boxes), 2)]


#: The litigation clause's court when neither the data nor the table name it: validation
#: reports it (code « tribunal-administratif »), and a document rendered without
#: validation still says something true.
UNKNOWN_TRIBUNAL = "tribunal administratif territorialement compétent"


def _tribunal(framework: Framework) -> str:
    return tribunal_administratif(framework) or UNKNOWN_TRIBUNAL


def _designation_all(parties: list[Party]) -> str:
    return designation_all(parties) if parties else ""


#: The fields of a party that appears (``parties[]``, ``cosignatories[]``); the item is
#: an :class:`~iscg_docs.convention.wording.Appearance`.
_APPEARANCE = (
    text(
        "designation",
        "désignation avec article (french.designation) : « la commune de Blanzy »",
        lambda a: a.designation,
    ),
    text(
        "designation_capitalized",
        "la même, avec une majuscule initiale : « La commune de Blanzy »",
        lambda a: capitalize(a.designation),
    ),
    text(
        "represented_by",
        "représentation (french.represented_by) : « représentée par Mme Claire Exemple, Maire » ; pour un cosignataire nommé par sa fonction, la personne seule : « Mme Sophie Exemple »",
        lambda a: a.represented_by,
    ),
    text(
        "authorisation",
        "habilitation par délibération, accordée au signataire : « dûment habilitée par délibération du conseil municipal du 28 janvier 2021 (n° 2021-07) » ; vide sans délibération",
        lambda a: a.authorisation,
    ),
    text(
        "clause",
        "la ligne complète de comparution : désignation, représentation et habilitation",
        lambda a: a.clause,
    ),
    text(
        "punctuation",
        "ponctuation de fin de ligne : « ; » sauf après la dernière (« , »)",
        lambda a: "," if a.last else f"{NNBSP};",
    ),
)

#: The fields of a signature box; the item is a :class:`~iscg_docs.convention.wording.SignatureBlock`.
SIGNER_VARIABLES = (
    text(
        "party",
        "« Pour la commune de Blanzy » (french.designation) ; vide pour une case sans signataire ou pour un cosignataire nommé par sa fonction (son titre suffit)",
        lambda b: b.party,
    ),
    text(
        "title",
        "titre accordé du signataire, avec la délégation éventuelle (french.signatory_block)",
        lambda b: b.title,
    ),
    text("name", "nom du signataire, tel qu'il signe", lambda b: b.name),
)

#: The two blocks of a row of signatures (the convention's, and the avenant's).
SIGNATURE_SIDES = (
    group("left", "bloc de gauche", SIGNER_VARIABLES, lambda r: signature_block(r[0])),
    group(
        "right",
        "bloc de droite (vide si le nombre de signataires est impair)",
        SIGNER_VARIABLES,
        lambda r: signature_block(r[1]),
    ),
)

FRAMEWORK_VARIABLE = group(
    "framework",
    "la convention cadre",
    (
        text("title", "intitulé de la convention cadre (Framework.title)", lambda f: f.title),
        text(
            "approved_on",
            "date d'approbation de la convention cadre : « 17 décembre 2020 » (french.long_date)",
            lambda f: long_date(f.approved_on),
        ),
        text(
            "approved_by",
            "organe qui l'a approuvée, avec article : « l'Assemblée départementale »",
            lambda f: deliberating_body(f.approved_by),
        ),
        text(
            "approved_by_of",
            "le même après « de » : « de l'Assemblée départementale »",
            lambda f: deliberating_body(f.approved_by, "de"),
        ),
        text(
            "etp_authorised",
            "ETP autorisés par la convention cadre (french.fte) : « six équivalents temps plein (6 ETP) »",
            lambda f: fte(f.etp_authorised),
        ),
        text(
            "approved_number",
            "numéro de la délibération approuvant la convention cadre (Framework.approved_number), avec « n° » : « n° 2020-123 » ; vide s'il n'est pas connu",
            lambda f: (
                f"n°{NBSP}{f.approved_number.replace('-', NBHY)}" if f.approved_number else ""
            ),
        ),
        text(
            "tribunal_administratif",
            "le tribunal administratif compétent, sans article : « tribunal administratif de Dijon » (Framework.tribunal_administratif, sinon la table des ressorts du code de justice administrative, art. R. 221-3, selon le département ; à défaut « tribunal administratif territorialement compétent »)",
            _tribunal,
        ),
        text(
            "departement_rate",
            "taux de prise en charge par le Département de la part restant à la charge des collectivités, fixé par la convention cadre : « 50 % »",
            lambda f: percent(f.departement_rate),
        ),
    ),
    lambda s: s.framework,
)

PARTY_VARIABLES = (
    group(
        "state",
        "l'État, partie à la convention",
        (
            text("designation", "« l'État » (french.designation)", designation),
            text("of", "« de l'État » (french.of)", of),
        ),
        lambda s: s.state,
    ),
    group(
        "departement",
        "le Département, partie à la convention",
        (
            text(
                "designation",
                "« le Département de Saône-et-Loire » (french.designation)",
                designation,
            ),
            text("of", "« du Département de Saône-et-Loire » (french.of)", of),
        ),
        lambda s: s.departement,
    ),
    text(
        "collectivities",
        "les autres parties (Convention.parties), groupées : « les communes de Montceau-les-Mines, Blanzy, Saint-Vallier et Sanvignes-les-Mines » (french.designation_all)",
        lambda s: _designation_all(s.others),
    ),
    records(
        "parties",
        "les parties qui comparaissent, dans l'ordre : l'État, le Département, puis Convention.parties",
        lambda s: appearances(s.parties),
        _APPEARANCE,
    ),
    flag(
        "has_cosignatories",
        "vrai si la convention a des cosignataires non financeurs (Convention.cosignatories)",
        lambda s: bool(s.cosignatories),
    ),
    records(
        "cosignatories",
        "les cosignataires non financeurs (procureur, police, gendarmerie), « en présence de »",
        lambda s: appearances(s.cosignatories),
        _APPEARANCE,
    ),
    text(
        "cosignatories_designation",
        "les cosignataires groupés (french.designation_all) ; vide sans cosignataire",
        lambda s: _designation_all(s.cosignatories),
    ),
    texts(
        "deliberations",
        "une citation « Vu la délibération … » par partie qui signe sous délibération, sans le « Vu »",
        "« la délibération du conseil municipal de la commune de Blanzy du 1er février 2021 (n° 2021-011) »",
        lambda s: [c for p in s.parties if (c := deliberation_citation(p)) is not None],
    ),
)

#: The longest word a cell of the posts table holds on one line at 9 pt.
_CELL_WORD = 19


def _unbroken(text: str) -> str:
    """``text`` for a table cell: the hyphens of each word that fits a line unbreakable.

    « Ambérieu‑en‑Bugey » is then never cut at its hyphens; a longer compound name keeps
    breakable hyphens, since a cut there reads better than one inside a word.
    """
    return " ".join(w.replace("-", NBHY) if len(w) <= _CELL_WORD else w for w in text.split(" "))


_POSTS = (
    group(
        "worker",
        "l'intervenant social ou les intervenants sociaux, selon le nombre de postes",
        (
            text(
                "subject",
                "« l'intervenant social » ou « les intervenants sociaux »",
                lambda s: "les intervenants sociaux" if s.several else "l’intervenant social",
            ),
            text(
                "of",
                "« de l'intervenant social » ou « des intervenants sociaux »",
                lambda s: "des intervenants sociaux" if s.several else "de l’intervenant social",
            ),
            flag("plural", "vrai s'il y a plusieurs postes", lambda s: s.several),
        ),
    ),
    texts(
        "jobs",
        "un texte par poste (les lieux d'exercice d'un même intervenant, Post.job, forment un poste), pour l'article sur les postes",
        "« un poste mixte d'intervenant social, mutualisé entre les communes de …, réparti entre le commissariat et la gendarmerie : un mi-temps (0,5 ETP) en commissariat et un mi-temps (0,5 ETP) en gendarmerie. » ; chaque texte finit par « ; », le dernier par un point",
        lambda s: job_texts(s.framework, s.convention),
    ),
    records(
        "posts",
        "une ligne par lieu d'exercice (Convention.posts), pour le tableau des postes",
        lambda s: [(p, s.framework.party(p.employer)) for p in s.convention.posts],
        (
            text(
                "force",
                "« Police nationale » ou « Gendarmerie nationale »",
                lambda pe: FORCE_NAME[pe[0].force],
            ),
            text(
                "site",
                "lieu d'exercice (Post.site), traits d'union insécables",
                lambda pe: _unbroken(pe[0].site),
            ),
            text(
                "commune",
                "commune du lieu d'exercice (Post.commune), traits d'union insécables",
                lambda pe: _unbroken(pe[0].commune),
            ),
            text(
                "quotite",
                "quotité (french.fte) : « un mi-temps (0,5 ETP) »",
                lambda pe: fte(pe[0].quotite),
            ),
            text(
                "employer",
                "employeur, avec une majuscule et des traits d'union insécables : « La commune de Montceau‑les‑Mines »",
                lambda pe: _unbroken(capitalize(designation(pe[1]))),
            ),
        ),
    ),
    text(
        "posts_total",
        "quotité totale de la convention (french.fte) : « 1,5 ETP »",
        lambda s: fte(s.convention.etp),
    ),
    group(
        "employer",
        "le ou les employeurs",
        (
            text(
                "designation",
                "« la commune de Montceau-les-Mines » (french.designation_all)",
                designation_all,
            ),
            text("of", "« de la commune de Montceau-les-Mines » (french.of_all)", of_all),
            text("to", "« à la commune de Montceau-les-Mines » (french.to_all)", to_all),
        ),
        lambda s: s.employers,
    ),
    group(
        "duration",
        "la durée de la convention",
        (
            text(
                "words",
                "« trois (3) ans » (french.in_words_and_figures)",
                lambda p: in_words_and_figures(p.years, "an"),
            ),
            text(
                "period",
                "« du 1er janvier 2021 au 31 décembre 2023 » (french.period)",
                lambda p: period(p.start, p.end),
            ),
            text("start", "premier jour : « 1er janvier 2021 »", lambda p: long_date(p.start)),
            text(
                "end",
                "dernier jour, veille du dernier anniversaire : « 31 décembre 2023 »",
                lambda p: long_date(p.end),
            ),
        ),
        lambda s: s.convention.period,
    ),
)


def _signature_date(source: Source) -> str:
    signed_on = source.convention.signed_on
    if source.draft or signed_on is None:
        return BLANK_DATE
    return long_date(signed_on)


_FORCES = group(
    "forces",
    "la police, la gendarmerie ou les deux, selon les postes : une convention « gendarmerie » ne parle pas de police",
    (
        text(
            "where",
            "« en commissariat et en gendarmerie », « en commissariat » ou « en gendarmerie »",
            lambda f: f.where,
        ),
        text("of_or", "« des services de police ou des unités de gendarmerie »", lambda f: f.of_or),
        text(
            "of_and", "« des services de police et des unités de gendarmerie »", lambda f: f.of_and
        ),
        text(
            "head",
            "« le chef du service de police ou le commandant de l'unité de gendarmerie d'accueil »",
            lambda f: f.head,
        ),
        text(
            "host", "« Le service de police ou l'unité de gendarmerie d'accueil »", lambda f: f.host
        ),
        text("all", "« Les services de police et les unités de gendarmerie »", lambda f: f.all),
    ),
    lambda s: forces(s.convention),
)


def _retroactive(source: Source) -> bool:
    signed_on = source.convention.signed_on
    return signed_on is not None and signed_on > source.convention.period.start


_SIGNATURE = group(
    "signature",
    "la page des signatures",
    (
        text(
            "place",
            "lieu de signature (Convention.signed_at) : « Mâcon »",
            lambda s: s.convention.signed_at,
        ),
        text(
            "date",
            f"date de signature (french.long_date) ; « {BLANK_DATE} » pour un projet ou si elle n'est pas connue",
            _signature_date,
        ),
        flag(
            "retroactive",
            "vrai si la convention est signée après sa date de prise d'effet (effet rétroactif)",
            _retroactive,
        ),
        text(
            "copies",
            "« six (6) exemplaires originaux » : un par signataire",
            lambda s: in_words_and_figures(
                len(s.signers), ("exemplaire original", "exemplaires originaux")
            ),
        ),
        records(
            "rows",
            "les blocs de signature des parties, deux par ligne de tableau",
            lambda s: s.signature_rows(s.parties),
            SIGNATURE_SIDES,
        ),
        records(
            "cosignatory_rows",
            "les blocs de signature des cosignataires, deux par ligne, sous leur intertitre ; vide sans cosignataire",
            lambda s: s.signature_rows(s.cosignatories),
            SIGNATURE_SIDES,
        ),
    ),
)

#: Every variable of the context, in the order the catalogue lists them.
VARIABLES: tuple[Node, ...] = (
    flag(
        "draft",
        "vrai pour un projet : « PROJET » en en-tête, filigrane, date de signature laissée en blanc",
        lambda s: s.draft,
    ),
    text(
        "consolidated",
        "en en-tête d'une version consolidée : « Version consolidée après l'avenant n° 1 » ; vide pour la convention telle que signée",
        lambda s: consolidated_label(s.consolidated),
    ),
    text(
        "reference",
        "référence de la convention (Convention.reference), en en-tête, ses tirets insécables : « CD71‑ISCG‑2021‑01 »",
        lambda s: s.convention.reference.replace("-", NBHY),
    ),
    text(
        "territory",
        "territoire couvert (Convention.territory) : « Bassin minier »",
        lambda s: s.convention.territory,
    ),
    text(
        "title",
        "intitulé de la convention : « triennale » seulement pour trois ans, « un poste » ou « des postes » selon le nombre de postes (un même intervenant = un poste)",
        lambda s: convention_title(s.convention),
    ),
    FRAMEWORK_VARIABLE,
    *PARTY_VARIABLES,
    *_POSTS,
    _FORCES,
    FINANCING,
    _SIGNATURE,
    group(
        "articles",
        "les articles, numérotés ici ; un article optionnel absent décale les suivants",
        ARTICLE_VARIABLES,
        lambda s: number_articles(s.framework, s.convention),
    ),
)

#: Every entry of the context, nested ones included, described in French.
CATALOGUE: tuple[Variable, ...] = tuple(catalogue(VARIABLES))

#: :data:`VARIABLES` made one function, once.
_BUILD = compile_nodes(VARIABLES)


def build_context(
    framework: Framework,
    convention: Convention,
    *,
    financing: Financing | None = None,
    draft: bool = False,
    consolidated: int = 0,
) -> dict[str, Any]:
    """Everything the template prints for ``convention``, formatted in French.

    Args:
        framework: the framework the convention falls under (parties, rate, approval).
        convention: the convention to draft; assumed valid.
        financing: its financing table; computed when omitted.
        draft: a draft: "PROJET" in the header, a watermark, and no signature date.
        consolidated: for the convention as amended by its avenants 1 to n
            (:meth:`~iscg_docs.model.records.Convention.state_after`), n: the header
            says which consolidated version it is; 0 for the convention as signed.

    Returns:
        Plain data only (str, bool, lists, dicts), described by :data:`CATALOGUE`.

    Raises:
        ValueError: a party cannot be designated (see :mod:`iscg_docs.french`) or the
            plan cannot be split.
    """
    if financing is None:
        financing = compute_financing(convention, framework)
    return _BUILD(Source(framework, convention, financing, draft, consolidated))
