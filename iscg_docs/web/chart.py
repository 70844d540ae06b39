"""A small SVG chart of who pays what each year, drawn on the server (no script, no library)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

from iscg_docs import french
from iscg_docs.model.financing import Financing

__all__ = ["PALETTE", "financing_chart"]

#: One colour per funder, in the order of the financing table; distinguishable in grey too.
PALETTE = ("#1f4e79", "#c55a11", "#548235", "#bf9000", "#7030a0", "#00827f", "#b4005a", "#595959")

_WIDTH = 560
_BAR_AREA = 180  # height of the tallest bar
_TOP = 16
_LEFT = 16
_BAR = 64
_GAP = 40
_LEGEND_X = _LEFT + 3 * (_BAR + _GAP) + 8
_TENTH = Decimal("0.1")


def _px(value: Decimal) -> str:
    """A coordinate: pixels only, never an amount, to a tenth."""
    return str(value.quantize(_TENTH, rounding=ROUND_HALF_UP))


def financing_chart(financing: Financing, label: Callable[[str], str]) -> Markup:
    """Stacked bars, one per year, one colour per funder, with a legend.

    Args:
        financing: a convention's financing.
        label: the name to show for a funder's party id.

    Returns:
        The ``<svg>`` element, safe to put in a page as it is.
    """
    funders = financing.funders
    colour = {f: PALETTE[i % len(PALETTE)] for i, f in enumerate(funders)}
    tallest = max((y.cost for y in financing.years), default=Decimal(0)) or Decimal(1)
    bars_width = len(financing.years) * (_BAR + _GAP)
    legend_x = max(_LEGEND_X, _LEFT + bars_width + 8)
    height = _TOP + _BAR_AREA + 40
    parts: list[str] = []
    for n, year in enumerate(financing.years):
        x = Decimal(_LEFT + n * (_BAR + _GAP))
        bottom = Decimal(_TOP + _BAR_AREA)
        for funder in funders:
            amount = year.amount_of(funder)
            if not amount:
                continue
            h = amount * _BAR_AREA / tallest
            bottom -= h
            tip = f"{label(funder)}, année {year.index} : {french.money(amount)}"
            parts.append(
                f'<rect x="{_px(x)}" y="{_px(bottom)}" width="{_BAR}" height="{_px(h)}" '
                f'fill="{colour[funder]}"><title>{escape(tip)}</title></rect>'
            )
        parts.append(
            f'<text x="{_px(x + _BAR // 2)}" y="{_TOP + _BAR_AREA + 16}" '
            f'text-anchor="middle">Année {year.index}</text>'
            f'<text x="{_px(x + _BAR // 2)}" y="{_TOP + _BAR_AREA + 32}" text-anchor="middle" '
            f'class="petit">{escape(french.money(year.cost))}</text>'
        )
    for i, funder in enumerate(funders):
        y = _TOP + i * 22
        parts.append(
            f'<rect x="{legend_x}" y="{y}" width="14" height="14" fill="{colour[funder]}"/>'
            f'<text x="{legend_x + 20}" y="{y + 12}">{escape(label(funder))}</text>'
        )
    # No font metrics on the server: 7 px a character is wide enough for 12 px text.
    longest = max((len(label(f)) for f in funders), default=0)
    width = max(_WIDTH, legend_x + 20 + 7 * longest + 8)
    height = max(height, _TOP + len(funders) * 22 + 8)
    title = "Qui paie quoi chaque année"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{title}"><title>{title}</title>{"".join(parts)}</svg>'
    )
