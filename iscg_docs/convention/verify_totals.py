"""The financing figures of a generated convention read back and added up.

The plan's table (years down, funders across, then the totals row) must add up: each
year's contributions to its cost, each funder's column to its total, the costs to the
total cost; the commitments the text lists (« L'État : … (55 000,00 €), soit … ») must be
the table's totals, in the same order; and, when the computed plan is given, the table
must be that plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from iscg_docs.model.financing import Financing

__all__ = ["Plan", "check_totals", "read_plan"]

#: An amount in figures as a table cell or a sentence prints it: "25 000,00 €".
_MONEY = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d{2})[ \u00a0\u202f]?€")
#: A commitment line of the text: « L'État : … (55 000,00 €), soit 40,84 % du coût total ».
_COMMITMENT = re.compile(r"\((\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d{2})[ \u00a0\u202f]?€\), soit ")
#: The closing line of the list: « soit un coût total de … (134 657,60 €). »
_TOTAL_COST = re.compile(r"^soit un coût total de .*\((\d{1,3}(?:[ \u00a0\u202f]\d{3})*,\d{2})")

Plan = tuple[tuple[str, ...], ...]
"""The plan's table as read: one tuple of cell texts per row, header first."""


def _amount(text: str) -> Decimal | None:
    m = _MONEY.search(text)
    if m is None:
        return None
    return Decimal(re.sub(r"[ \u00a0\u202f]", "", m.group(1)).replace(",", "."))


def read_plan(rows: Sequence[Sequence[str]]) -> Plan | None:
    """``rows`` as a plan if they are the financing table (first header cell « Année »)."""
    if not rows or not rows[0] or rows[0][0].strip() != "Année":
        return None
    return tuple(tuple(row) for row in rows)


def _finding(where: str, message: str, excerpt: str = "") -> tuple[str, str, str, str]:
    return ("total-incoherent", where, message, excerpt)


def _rows(plan: Plan) -> list[tuple[int, list[Decimal]]] | None:
    """Each row's amounts, after the header; None if a cell has no amount."""
    rows = []
    for number, row in enumerate(plan[1:], 2):
        read = [_amount(cell) for cell in row[1:]]
        amounts = [a for a in read if a is not None]
        if len(amounts) != len(read) or not amounts:
            return None  # not a plan this check can read
        rows.append((number, amounts))
    return rows if len(rows) >= 2 else None


def _table(plan: Plan) -> Iterator[tuple[str, str, str, str]]:
    body = _rows(plan)
    if body is None:
        return
    years, (total_row, totals) = body[:-1], body[-1]
    for number, (*parts, cost) in years:
        paid = sum(parts, Decimal(0))
        if paid != cost:
            yield _finding(
                f"tableau du plan de financement, ligne {number}",
                f"les participations de l'année totalisent {paid} € mais le coût de l'année "
                f"est {cost} €.",
            )
    for column, total in enumerate(totals):
        column_sum = sum((amounts[column] for _, amounts in years), Decimal(0))
        if column_sum != total:
            yield _finding(
                f"tableau du plan de financement, ligne {total_row}, cellule {column + 2}",
                f"le total de la colonne est {total} € mais ses années totalisent {column_sum} €.",
            )


def _totals(plan: Plan) -> list[Decimal]:
    row = plan[-1]
    return [a for a in (_amount(cell) for cell in row[1:]) if a is not None]


def check_totals(
    plan: Plan | None, paragraphs: Sequence[tuple[str, str]], financing: Financing | None = None
) -> Iterator[tuple[str, str, str, str]]:
    """Check the plan's table, the commitments of the text and, if given, the computed plan.

    Args:
        plan: the financing table as read, or None if the document has none.
        paragraphs: (where, text) of every body paragraph, in order.
        financing: the plan the document was generated from, if known.

    Yields:
        (code, where, message, excerpt) of each finding.
    """
    if plan is None:
        return
    yield from _table(plan)
    totals = _totals(plan)
    if not totals:
        return  # a table headed « Année » with no totals row: not a plan to compare
    *funders, total_cost = totals
    said = [
        (where, text, _amount(m.group(0)))
        for where, text in paragraphs
        for m in [_COMMITMENT.search(text)]
        if m is not None and " du coût total" in text
    ]
    if said and [a for _, _, a in said] != funders:
        where, text, _ = said[0]
        yield _finding(
            where,
            "les engagements listés dans le texte ne sont pas les totaux du plan de "
            "financement (même ordre, mêmes montants).",
            text[:80],
        )
    for where, text in paragraphs:
        m = _TOTAL_COST.match(text)
        if m and _amount(m.group(1) + " €") != total_cost:
            yield _finding(where, "le coût total du texte n'est pas celui du tableau.", text[:80])
    if financing is not None:
        expected = [t.amount for t in financing.totals]
        if funders != expected or total_cost != financing.total_cost:
            yield _finding(
                "tableau du plan de financement",
                "les totaux du tableau ne sont pas ceux du plan de financement calculé.",
            )
