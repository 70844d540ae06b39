"""A plain-text summary of a framework, for ``iscg-docs check``: parties, posts, money."""

from __future__ import annotations

from decimal import Decimal

from iscg_docs.french import (
    designation,
    designation_all,
    join,
    long_date,
    money,
    number,
    period,
)
from iscg_docs.model.financing import compute_financing
from iscg_docs.model.records import Framework

__all__ = ["summarize"]


def summarize(framework: Framework) -> str:
    """Describe each convention: its parties, posts and ETP, and each party's yearly amounts.

    Args:
        framework: a validated framework.

    Returns:
        Several lines of text, ending with a newline.
    """
    lines = [
        framework.title,
        f"Approuvée le {long_date(framework.approved_on)} : "
        f"{number(framework.etp_authorised)} ETP autorisés, "
        f"{number(framework.etp)} ETP engagés par {len(framework.conventions)} "
        f"convention{'s' if len(framework.conventions) > 1 else ''}.",
    ]
    for convention in framework.conventions:
        financing = compute_financing(convention, framework)
        party = framework.party
        lines += [
            "",
            f"{convention.reference} — {convention.territory} "
            f"({period(convention.period.start, convention.period.end)})",
            "  Parties : "
            + join(
                [
                    designation(party(framework.state)),
                    designation(party(framework.departement)),
                    designation_all(party(pid) for pid in convention.parties),
                ]
            ),
        ]
        if convention.cosignatories:
            lines.append(
                "  Cosignataires : "
                + join(designation(party(pid)) for pid in convention.cosignatories)
            )
        lines.append(f"  Postes ({number(convention.etp)} ETP) :")
        for post in convention.posts:
            lines.append(f"    - {post.site} ({post.commune}) : {number(post.quotite)} ETP")
        width = max(len("Financement"), *(len(pid) for pid in financing.funders))
        header = "".join(f"{f'Année {y.index}':>16}" for y in financing.years)
        lines.append(f"  {'Financement':<{width + 2}}{header}{'Total':>16}")
        for total in financing.totals:
            cells = "".join(f"{_amount(y.amount_of(total.party)):>16}" for y in financing.years)
            lines.append(f"    {total.party:<{width}}{cells}{_amount(total.amount):>16}")
        cells = "".join(f"{_amount(y.cost):>16}" for y in financing.years)
        lines.append(f"    {'Coût':<{width}}{cells}{_amount(financing.total_cost):>16}")
    return "\n".join(lines) + "\n"


def _amount(value: Decimal) -> str:
    # Terminal columns: ordinary spaces so the alignment holds in any font.
    return money(value).replace("\u202f", " ").replace("\u00a0", " ")
