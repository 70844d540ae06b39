"""The avenant template's context: every variable it prints, declared once.

An avenant is drafted from two renderings of its convention (the state before it and the
state after it, see :mod:`iscg_docs.convention.avenant`); the articles whose text
changes arrive here as :class:`Change` records, already compared. The parties, visas
and signature blocks come from the amended state, through the same declarations as the
convention's (:mod:`iscg_docs.convention.context`), so a party reads the same in both
documents.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from attrs import frozen

from iscg_docs.convention.context import (
    BLANK_DATE,
    FRAMEWORK_VARIABLE,
    PARTY_VARIABLES,
    SIGNATURE_SIDES,
    Source,
)
from iscg_docs.convention.variables import (
    Node,
    Variable,
    catalogue,
    compile_nodes,
    flag,
    group,
    text,
    texts,
)
from iscg_docs.convention.variables import records as record_list
from iscg_docs.convention.wording import NBHY, convention_title
from iscg_docs.french.dates import long_date
from iscg_docs.french.numbers import article_number, in_words_and_figures
from iscg_docs.french.text import NBSP, join, typography
from iscg_docs.model.financing import compute_financing
from iscg_docs.model.records import Avenant, Convention, Framework

__all__ = [
    "AVENANT_CATALOGUE",
    "AVENANT_VARIABLES",
    "Change",
    "ChangeKind",
    "build_avenant_context",
]


class ChangeKind(enum.Enum):
    """What an avenant does to one article of the convention."""

    REWRITTEN = "rewritten"  # its text changes (and perhaps its number)
    RENUMBERED = "renumbered"  # only its number changes
    INSERTED = "inserted"  # a new article (an optional clause that now applies)
    REMOVED = "removed"  # an article that no longer applies
    RETITLED = "retitled"  # the convention's title (« triennale » no more after an extension)


@frozen
class Change:
    """One article of the convention the avenant changes.

    Attributes:
        kind: what happens to it.
        title: its title, as the rendered convention heads it ("Financement"); for
            :attr:`ChangeKind.RETITLED`, the convention's new title as rendered.
        old_ref: "l'article 4" in the convention before the avenant; "" if inserted.
        new_ref: "l'article 5" after it; "" if removed.
        after_ref: for an inserted article, the article it follows before the
            avenant ("l'article 3"); "" otherwise.
        marker: the text of the paragraph that the article's new text replaces in the
            rendered avenant; "" when there is no new text.
        annex: the text changed is the convention's annex (the financing plan): the
            avenant replaces it by its own annex, after its signatures.
    """

    kind: ChangeKind
    title: str
    old_ref: str = ""
    new_ref: str = ""
    after_ref: str = ""
    marker: str = ""
    annex: bool = False

    @property
    def cited(self) -> str:
        """How Article 1er names it: « l'article 4 « Financement » »."""
        if self.kind is ChangeKind.RETITLED:
            return "l’intitulé"
        return f"{self.old_ref or self.new_ref} « {self.title} »"

    def heading(self) -> str:
        """The title of the avenant's article that makes this change."""
        if self.kind is ChangeKind.RETITLED:
            return "Modification de l’intitulé"
        number = (self.old_ref or self.new_ref).removeprefix("l’")
        return {
            ChangeKind.REWRITTEN: f"Modification de l’{number}",
            ChangeKind.RENUMBERED: f"Renumérotation de l’{number}",
            ChangeKind.INSERTED: f"Insertion d’un {number}",
            ChangeKind.REMOVED: f"Suppression de l’{number}",
        }[self.kind]

    def intro(self) -> str:
        """The sentence that makes the change, before the article's new text if any."""
        old, new = f"{self.old_ref} « {self.title} »", self.new_ref.removeprefix("l’")
        if self.kind is ChangeKind.RETITLED:
            sentence = f"L’intitulé de la convention est ainsi rédigé : « {self.title} »."
        elif self.kind is ChangeKind.INSERTED:
            after = f", après {self.after_ref}," if self.after_ref else ""
            sentence = (
                f"Il est inséré dans la convention{after} un {new} « {self.title} » ainsi rédigé :"
            )
        elif self.kind is ChangeKind.REMOVED:
            sentence = f"{old} de la convention est supprimé."
        elif self.kind is ChangeKind.RENUMBERED:
            sentence = f"{old} de la convention devient l’{new}."
        elif self.old_ref != self.new_ref:
            sentence = f"{old} de la convention devient l’{new} et est ainsi rédigé :"
        elif self.annex:
            sentence = f"{old} de la convention est remplacée par l’annexe au présent avenant."
        else:
            sentence = f"{old} de la convention est ainsi rédigé :"
        return typography(sentence[0].upper() + sentence[1:])


class AvenantSource(Source):
    """The amended state's source, with the avenant and the changes it makes."""

    def __init__(
        self,
        framework: Framework,
        state: Convention,
        avenant: Avenant,
        changes: Sequence[Change],
        draft: bool,
        previous: Convention | None = None,
    ) -> None:
        super().__init__(framework, state, compute_financing(state, framework), draft)
        if previous is not None:
            # An amendment needs the consent of every party to the contract: a collectivity
            # that leaves is a party to the avenant and signs it, beside those that stay.
            ids = dict.fromkeys((*previous.parties, *state.parties))
            self.others = [framework.party(pid) for pid in ids]
            self.parties = [self.state, self.departement, *self.others]
            self.signers = [*self.parties, *self.cosignatories]
        self.avenant = avenant
        self.changes = list(changes)
        self.earlier = [a for a in state.avenants if a.number < avenant.number]


def _dated(day: dt.date | None) -> str:
    return f" le {long_date(day)}" if day is not None else ""


def _title(s: AvenantSource) -> str:
    reference = s.convention.reference.replace("-", NBHY)
    return f"Avenant n°{NBSP}{s.avenant.number} à la convention n°{NBSP}{reference}"


def _convention_visa(s: AvenantSource) -> str:
    c = s.convention
    return typography(
        f"la convention n°{NBSP}{c.reference.replace('-', NBHY)} ({c.territory}) signée à {c.signed_at}{_dated(c.signed_on)}"
    )


def _earlier_visa(a: Avenant) -> str:
    return typography(
        f"l’avenant n°{NBSP}{a.number} à cette convention, signé à {a.signed_at}{_dated(a.signed_on)}, "
        f"relatif à : {a.object}"
    )


def _summary(s: AvenantSource) -> str:
    if not s.changes:
        return "Il ne modifie le texte d’aucun article de la convention."
    cited = join(c.cited for c in s.changes)
    return typography(f"Il porte sur {cited} de la convention.")


def _numbers(s: AvenantSource) -> dict[str, str]:
    """The avenant's own articles: 1er the object, one per change, then the last two."""
    n = len(s.changes)
    return {"others": article_number(n + 2), "effect": article_number(n + 3)}


def _signature_date(s: AvenantSource) -> str:
    if s.draft or s.avenant.signed_on is None:
        return BLANK_DATE
    return long_date(s.avenant.signed_on)


_CHANGES = record_list(
    "changes",
    "un article de l'avenant par article de la convention dont le texte change, trouvé en comparant les deux rendus de la convention (avant et après l'avenant)",
    lambda s: list(enumerate(s.changes, start=2)),
    (
        text(
            "number",
            "« Article 2 » : numéro de l'article de l'avenant",
            lambda ic: article_number(ic[0]),
        ),
        text("title", "« Modification de l'article 4 »", lambda ic: ic[1].heading()),
        text(
            "intro",
            "« L'article 4 « Financement » de la convention est ainsi rédigé : »",
            lambda ic: ic[1].intro(),
        ),
        text(
            "marker",
            "paragraphe remplacé par le texte nouveau de l'article, copié de la convention consolidée ; vide sans texte nouveau (article supprimé ou seulement renuméroté, annexe remplacée par celle de l'avenant)",
            lambda ic: "" if ic[1].annex else ic[1].marker,
        ),
    ),
)


def _annex(s: AvenantSource) -> dict[str, Any]:
    change = next((c for c in s.changes if c.annex), None)
    if change is None:
        return {"present": False, "title": "", "marker": ""}
    return {"present": True, "title": change.title, "marker": change.marker}


_ANNEX = group(
    "annexe",
    "l'annexe de l'avenant, après les signatures sur une page paysage : la nouvelle annexe de la convention (le plan de financement) quand elle change ; la page est retirée sinon",
    (
        flag(
            "present", "vrai si l'avenant remplace l'annexe de la convention", itemgetter("present")
        ),
        text("title", "son intitulé : « Plan de financement » ; vide sinon", itemgetter("title")),
        text(
            "marker",
            "paragraphe remplacé par le texte de l'annexe, copié de la convention consolidée ; vide sinon",
            itemgetter("marker"),
        ),
    ),
    _annex,
)

_SIGNATURE = group(
    "signature",
    "la page des signatures de l'avenant",
    (
        text(
            "place",
            "lieu de signature de l'avenant (Avenant.signed_at)",
            lambda s: s.avenant.signed_at,
        ),
        text(
            "date",
            f"date de signature de l'avenant ; « {BLANK_DATE} » pour un projet ou si elle n'est pas connue",
            _signature_date,
        ),
        text(
            "copies",
            "« trois (3) exemplaires originaux » : un par signataire",
            lambda s: in_words_and_figures(
                len(s.signers), ("exemplaire original", "exemplaires originaux")
            ),
        ),
        record_list(
            "rows",
            "les blocs de signature des parties, deux par ligne de tableau ; les signataires de l'avenant remplacent ceux de la convention",
            lambda s: s.signature_rows(s.parties),
            SIGNATURE_SIDES,
        ),
        record_list(
            "cosignatory_rows",
            "les blocs de signature des cosignataires, deux par ligne, sous leur intertitre ; vide sans cosignataire",
            lambda s: s.signature_rows(s.cosignatories),
            SIGNATURE_SIDES,
        ),
    ),
)

#: Every variable of the avenant's context, in the order the catalogue lists them.
AVENANT_VARIABLES: tuple[Node, ...] = (
    flag(
        "draft",
        "vrai pour un projet : « PROJET » en en-tête, date de signature laissée en blanc",
        lambda s: s.draft,
    ),
    text(
        "reference",
        "référence de la convention modifiée, ses tirets insécables : « CD71‑ISCG‑2021‑03 »",
        lambda s: s.convention.reference.replace("-", NBHY),
    ),
    text(
        "territory",
        "territoire de la convention : « Bresse bourguignonne »",
        lambda s: s.convention.territory,
    ),
    text(
        "convention_title",
        "intitulé de la convention modifiée",
        lambda s: convention_title(s.convention),
    ),
    group(
        "avenant",
        "l'avenant",
        (
            text("number", "son numéro : « 1 »", lambda s: str(s.avenant.number)),
            text("title", "« Avenant n° 1 à la convention n° CD71‑ISCG‑2021‑03 »", _title),
            text(
                "object",
                "son objet (Avenant.object) : « participation de l'État (FIPD) pour 2023 »",
                lambda s: typography(s.avenant.object),
            ),
            text(
                "summary",
                "« Il porte sur l'article 4 « Financement » de la convention. »",
                _summary,
            ),
        ),
    ),
    FRAMEWORK_VARIABLE,
    *PARTY_VARIABLES,
    text(
        "convention_visa",
        "« la convention n° CD71-ISCG-2021-03 (Bresse bourguignonne) signée à Mâcon le 8 mars 2021 », sans le « Vu »",
        _convention_visa,
    ),
    texts(
        "earlier",
        "une citation par avenant antérieur, sans le « Vu »",
        "« l'avenant n° 1 à cette convention, signé à Mâcon le 12 avril 2023, relatif à : … »",
        lambda s: [_earlier_visa(a) for a in s.earlier],
    ),
    _CHANGES,
    group(
        "articles",
        "les articles de l'avenant qui suivent les modifications",
        (
            text(
                "others",
                "« Article 3 » : les autres stipulations demeurent inchangées",
                lambda n: n["others"],
            ),
            text("effect", "« Article 4 » : entrée en vigueur", lambda n: n["effect"]),
        ),
        _numbers,
    ),
    _SIGNATURE,
    _ANNEX,
)

#: Every entry of the avenant's context, nested ones included, described in French.
AVENANT_CATALOGUE: tuple[Variable, ...] = tuple(catalogue(AVENANT_VARIABLES))

_BUILD = compile_nodes(AVENANT_VARIABLES)


def build_avenant_context(
    framework: Framework,
    state: Convention,
    avenant: Avenant,
    changes: Sequence[Change],
    *,
    draft: bool = False,
    previous: Convention | None = None,
) -> dict[str, Any]:
    """Everything the avenant template prints, formatted in French.

    Args:
        framework: the framework, its parties signing as they sign the avenant.
        state: the convention as the avenant leaves it.
        avenant: the avenant.
        changes: the articles it changes, in the convention's order.
        draft: a draft: "PROJET" in the header and no signature date.
        previous: the convention as the avenant finds it; a collectivity it leaves is a
            party to the avenant and signs it.

    Returns:
        Plain data only, described by :data:`AVENANT_CATALOGUE`.
    """
    return _BUILD(AvenantSource(framework, state, avenant, changes, draft, previous))
