"""The variables of the financing plan: the table, the totals and the sentences around them.

Part of the template context (:mod:`iscg_docs.convention.context`): each variable is
computed from the context's source (the records, the computed financing and what several
variables share), named ``s`` in the lambdas below.
"""

from __future__ import annotations

from iscg_docs.convention.variables import flag, group, records, text
from iscg_docs.convention.wording import (
    NBHY,
    departement_ceiling_text,
    employer_funds,
    forecast,
    split_text,
)
from iscg_docs.french.dates import period
from iscg_docs.french.numbers import money, money_full, ordinal, percent
from iscg_docs.french.parties import designation, designation_all, noun_phrase
from iscg_docs.french.text import NBSP, capitalize
from iscg_docs.model.financing import ROUNDING_RULE, departement_rate
from iscg_docs.model.records import Party

__all__ = ["FINANCING"]


def _designation_all(parties: list[Party]) -> str:
    return designation_all(parties) if parties else ""


def _unbreakable_hyphens(text: str) -> str:
    """``text`` with non-breaking hyphens: « Saône‑et‑Loire » is never cut in a table cell."""
    return text.replace("-", NBHY)


_YEARS = records(
    "years",
    "une ligne du tableau par année de la convention",
    lambda s: s.financing.years,
    (
        text("label", "« 1re année »", lambda y: f"{ordinal(y.index, feminine=True)} année"),
        text(
            "period",
            "« du 1er janvier 2021 au 31 décembre 2021 »",
            lambda y: period(y.start, y.end),
        ),
        text(
            "from",
            "début de l'année en chiffres, sur une ligne du tableau qui ne se coupe pas : « du 01/01/2021 »",
            lambda y: f"du{NBSP}{y.start:%d/%m/%Y}",
        ),
        text(
            "to",
            "fin de l'année, de même : « au 31/12/2021 »",
            lambda y: f"au{NBSP}{y.end:%d/%m/%Y}",
        ),
        text(
            "cost",
            "coût de l'année, total de la ligne : « 44 000,00 € »",
            lambda y: money(y.cost),
        ),
        records(
            "cells",
            "une case par financeur, dans l'ordre de financing.funders",
            lambda y: y.contributions,
            (
                text(
                    "amount",
                    "participation de l'année (french.money) : « 20 000,00 € »",
                    lambda c: money(c.amount),
                ),
                text(
                    "share",
                    "part du coût de l'année, toujours avec deux décimales (french.percent) : « 45,46 % », « 50,00 % »",
                    lambda c: percent(c.share, 2),
                ),
            ),
        ),
    ),
)

_TOTALS = records(
    "totals",
    "ligne des totaux : l'engagement de chaque financeur sur la période, dans l'ordre de financing.funders",
    lambda s: list(zip(s.funders, s.financing.totals, strict=True)),
    (
        text(
            "designation",
            "« le Département de Saône-et-Loire »",
            lambda pt: designation(pt[0]),
        ),
        text(
            "designation_capitalized",
            "« Le Département de Saône-et-Loire »",
            lambda pt: capitalize(designation(pt[0])),
        ),
        text(
            "amount",
            "total sur la période (french.money) : « 36 000,00 € »",
            lambda pt: money(pt[1].amount),
        ),
        text(
            "amount_full",
            "le même en lettres et en chiffres (french.money_full)",
            lambda pt: money_full(pt[1].amount),
        ),
        text(
            "share",
            "part du coût total de la période, avec deux décimales (french.percent)",
            lambda pt: percent(pt[1].share, 2),
        ),
    ),
)

FINANCING = group(
    "financing",
    "le plan de financement calculé (financing.compute_financing)",
    (
        records(
            "funders",
            "en-têtes des colonnes du tableau : l'État, le Département, puis les collectivités dans l'ordre de la clé",
            lambda s: s.funders,
            (
                text(
                    "name",
                    "« État », « Département de Saône-et-Loire », « Commune de Blanzy » (désignation sans article, majuscule initiale)",
                    lambda p: _unbreakable_hyphens(capitalize(noun_phrase(p))),
                ),
            ),
        ),
        _YEARS,
        _TOTALS,
        text(
            "total_cost",
            "coût total de la période, total du tableau (french.money)",
            lambda s: money(s.financing.total_cost),
        ),
        text(
            "total_cost_full",
            "le même en lettres et en chiffres (french.money_full)",
            lambda s: money_full(s.financing.total_cost),
        ),
        text(
            "departement_rate",
            "taux du Département sur la part restant après l'État, pour cette convention : « 50 % »",
            lambda s: percent(departement_rate(s.convention, s.framework)),
        ),
        text(
            "split",
            "répartition du reste entre les collectivités, en une proposition : « est réparti entre … selon la clé suivante : … »",
            lambda s: split_text(s.framework, s.convention),
        ),
        flag(
            "has_state_absent",
            "vrai si l'État ne participe pas une année au moins",
            lambda s: bool(s.state_absent),
        ),
        text(
            "state_absent",
            "« Pour la troisième année, l'État ne participe pas au financement. » ; vide sinon",
            lambda s: s.state_absent,
        ),
        flag(
            "has_state_provisional",
            "vrai si la participation de l'État est prévisionnelle une année au moins (StateShare.provisional)",
            lambda s: bool(s.state_provisional),
        ),
        text(
            "state_provisional",
            "« Pour la troisième année, la participation de l'État n'est pas encore fixée : le plan de financement retient le montant prévisionnel de … » ; vide sinon",
            lambda s: s.state_provisional,
        ),
        text(
            "forecast",
            "« Les montants des deuxième et troisième années sont prévisionnels. » ; vide pour une convention d'un an",
            lambda s: forecast(s.financing),
        ),
        text(
            "departement_ceiling",
            "la phrase sur le plafond de la participation du Département par ETP et par an (Framework.departement_ceiling_per_etp) ; vide sans plafond",
            lambda s: departement_ceiling_text(s.financing, s.framework, s.convention),
        ),
        flag(
            "has_payers",
            "vrai si au moins un financeur autre que l'employeur verse une participation à l'employeur",
            lambda s: bool(s.payers),
        ),
        text(
            "payers",
            "les financeurs autres que l'employeur, qui lui versent leur participation (french.designation_all) : « l'État, le Département de Saône-et-Loire et les communes de Blanzy, … »",
            lambda s: _designation_all(s.payers),
        ),
        flag(
            "employer_funds",
            "vrai si l'employeur participe lui-même au financement (il supporte directement sa part)",
            lambda s: employer_funds(s.financing, s.convention),
        ),
        text(
            "rounding_rule",
            "la règle d'arrondi (financing.ROUNDING_RULE)",
            lambda s: ROUNDING_RULE,
        ),
    ),
)
