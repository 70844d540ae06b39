"""What the check page shows, prepared from the library's records for the templates."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import frozen
from markupsafe import Markup

from iscg_docs import french
from iscg_docs.model.financing import compute_financing
from iscg_docs.model.records import Convention, Framework
from iscg_docs.web.chart import financing_chart
from iscg_docs.web.work import Examination, pdf_available, preview_available

__all__ = ["NO_PREVIEW", "ConventionView", "check_context"]

NO_PREVIEW = (
    "L'aperçu de la première page demande LibreOffice et poppler sur la machine qui fait "
    "tourner la page : installez les paquets Debian libreoffice-writer-nogui et "
    "poppler-utils, puis relancez iscg-docs serve. Les documents Word restent "
    "téléchargeables."
)

_FORCES = {"police": "police nationale", "gendarmerie": "gendarmerie nationale"}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@frozen
class Row:
    """One funder's line of the financing table."""

    label: str
    amounts: tuple[str, ...]
    total: str
    share: str


@frozen
class ConventionView:
    """A valid convention as the check page shows it: parties, posts, money, chart."""

    reference: str
    territory: str
    period: str
    parties: tuple[str, ...]
    cosignatories: tuple[str, ...]
    posts: tuple[tuple[str, str, str, str], ...]
    etp: str
    years: tuple[tuple[str, str], ...]
    rows: tuple[Row, ...]
    costs: tuple[str, ...]
    total_cost: str
    chart: Markup


def convention_view(framework: Framework, convention: Convention) -> ConventionView:
    """Everything the page shows of one convention, formatted as the documents do."""
    party = framework.party
    financing = compute_financing(convention, framework)

    def label(pid: str) -> str:
        return _capital(french.designation(party(pid)))

    funders = (framework.state, framework.departement, *convention.parties)
    return ConventionView(
        reference=convention.reference,
        territory=convention.territory,
        period=french.period(convention.period.start, convention.period.end),
        parties=tuple(label(pid) for pid in dict.fromkeys(funders)),
        cosignatories=tuple(label(pid) for pid in convention.cosignatories),
        posts=tuple(
            (
                p.site,
                p.commune,
                _FORCES.get(str(p.force.value), str(p.force.value)),
                french.number(p.quotite),
            )
            for p in convention.posts
        ),
        etp=french.number(convention.etp),
        years=tuple((f"Année {y.index}", french.period(y.start, y.end)) for y in financing.years),
        rows=tuple(
            Row(
                label(t.party),
                tuple(french.money(y.amount_of(t.party)) for y in financing.years),
                french.money(t.amount),
                french.percent(t.share),
            )
            for t in financing.totals
        ),
        costs=tuple(french.money(y.cost) for y in financing.years),
        total_cost=french.money(financing.total_cost),
        chart=financing_chart(financing, label),
    )


def _usage(framework: Framework) -> dict[str, Any]:
    """The framework's ETP engaged against authorised, for the gauge."""
    used, authorised = framework.etp, framework.etp_authorised
    percent = min(Decimal(100), used * 100 / authorised) if authorised else Decimal(0)
    return {
        "title": framework.title,
        "approved": french.long_date(framework.approved_on),
        "used": french.number(used),
        "authorised": french.number(authorised),
        "percent": int(percent),
        "over": used > authorised,
    }


def check_context(
    found: Examination, content: bytes, fields: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The check page's variables: problems, plans, and the form to generate."""
    from iscg_docs.cli.summary import summarize

    framework = found.framework
    conventions = (
        [convention_view(framework, c) for c in framework.conventions] if framework else []
    )
    fields = fields or {}
    return {
        "found": found,
        "conventions": conventions,
        "framework": _usage(framework) if framework else None,
        "summary": summarize(framework) if framework and framework.conventions else None,
        "content": base64.b64encode(content).decode("ascii"),
        "pdf_available": pdf_available(),
        "preview_available": preview_available(),
        "no_preview": NO_PREVIEW,
        "draft": fields.get("projet") == "oui",
    }
