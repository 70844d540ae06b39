"""Helpers shared by several test modules."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import attrs

from iscg_docs.cli import main
from iscg_docs.model.records import Framework, FundingYear, Period


def run(*args: str) -> tuple[int, str]:
    """Run the command line in process; return its exit code and everything it printed."""
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def with_years(fw: Framework, ref: str, years: int, step: Decimal = Decimal(100)) -> Framework:
    """The framework with convention ``ref`` lasting ``years`` years, costs rising by ``step``."""
    c = fw.convention(ref)
    first = c.funding.years[0]
    funding = attrs.evolve(
        c.funding,
        years=tuple(
            FundingYear(cost=first.cost + step * i, state=first.state) for i in range(years)
        ),
    )
    c2 = attrs.evolve(c, period=Period(start=c.period.start, years=years), funding=funding)
    return attrs.evolve(
        fw, conventions=tuple(c2 if x.reference == ref else x for x in fw.conventions)
    )


def edited_example(example: Path, folder: Path, old: str, new: str) -> Path:
    """A copy of the example file in ``folder`` with ``old`` replaced by ``new`` once.

    Raises:
        AssertionError: ``old`` is not in the example, so the test would check nothing.
    """
    text = example.read_text("utf-8")
    assert old in text, f"{old!r} is not in {example.name}"
    path = folder / f"edited{example.suffix}"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path
