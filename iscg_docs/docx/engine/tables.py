"""docxtpl's ``fix_tables`` done on a rendered body's text, for the tables it may change."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

__all__ = ["Grid", "regrid", "write_grid"]

_SPAN = re.compile(rb'<w:gridSpan w:val="(\d+)"/>')


class Grid(NamedTuple):
    """A table ``fix_tables`` may change, as :func:`regrid` finds and fixes it.

    ``following`` is the text that always follows the grid in this table (it tells the
    table apart from others with the same grid); ``widths`` are its column widths; if
    ``rows_only``, every row fills the grid and only a table left without rows changes.
    """

    following: bytes
    widths: tuple[str, ...]
    rows_only: bool


def write_grid(widths: Iterable[str]) -> str:
    """A grid of columns of ``widths``, as lxml writes it."""
    columns = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    return f"<w:tblGrid>{columns}</w:tblGrid>" if columns else "<w:tblGrid/>"


def regrid(xml: bytes, grids: Mapping[bytes, tuple[Grid, ...]], cells: tuple[bytes, ...]) -> bytes:
    """Apply ``fix_tables`` to the tables of a rendered body whose grid may change.

    The tables are found by their grid's text (:func:`~iscg_docs.docx.engine.direct.analyse` made sure any table with
    such a grid can be read so) and read as lxml writes them: no value can hold a ``<``.
    """
    edits: list[tuple[int, int, bytes]] = []
    position = xml.find(b"<w:tblGrid>")
    while position != -1:
        rows = xml.find(b"</w:tblGrid>", position) + len(b"</w:tblGrid>")
        for grid in grids.get(xml[position:rows], ()):
            if xml.startswith(grid.following, rows):
                end = xml.find(b"</w:tbl>", rows)
                if not grid.rows_only:
                    fixed = _fix_tables(grid.widths, *_widest(xml[rows:end], cells))
                elif xml.find(b"<w:tr", rows, end) == -1:
                    fixed = _fix_tables(grid.widths, 0, 0)
                else:
                    fixed = grid.widths
                if fixed != grid.widths:
                    edits.append((position, rows, write_grid(fixed).encode("utf-8")))
                rows = end
                break
        position = xml.find(b"<w:tblGrid>", rows)
    if not edits:
        return xml
    pieces = []
    last = 0
    for start, stop, new in edits:
        pieces += [xml[last:start], new]
        last = stop
    pieces.append(xml[last:])
    return b"".join(pieces)


def _widest(rows: bytes, tags: tuple[bytes, ...]) -> tuple[int, int]:
    """The most cells in a row, and the most grid columns a row spans, in a table's rows.

    ``rows`` is what follows a rendered table's grid; a row ends with ``</w:tr>``, as
    lxml writes it (a row left empty holds no cell); ``tags`` are the forms a cell's
    start tag takes.
    """
    pieces = rows.split(b"</w:tr>")
    if len(tags) == 1:
        tag = tags[0]
        cells = [piece.count(tag) for piece in pieces]
    else:
        cells = [sum(piece.count(tag) for tag in tags) for piece in pieces]
    most = max(cells, default=0)
    if b"<w:gridSpan " not in rows:
        return most, most
    spanned = (
        count + sum(int(span) - 1 for span in _SPAN.findall(piece))
        for count, piece in zip(cells, pieces, strict=True)
    )
    return most, max(spanned, default=0)


def _fix_tables(widths: tuple[str, ...], cells: int, spanned: int) -> tuple[str, ...]:
    """docxtpl 0.20.2's ``fix_tables`` on one table: its new grid column widths.

    Args:
        widths: The grid's ``w:w`` values.
        cells: The most cells in a row.
        spanned: The most grid columns spanned by the cells of a row.
    """
    columns = list(widths)
    to_add = cells - len(columns)
    if to_add > 0:
        width = sum(float(column) for column in columns)
        if width > 0:
            old_average = width / len(columns)
            new_average = width / (len(columns) + to_add)
            columns = [str(int(float(column) * new_average / old_average)) for column in columns]
            columns += [str(int(new_average))] * to_add
    to_remove = len(columns) - spanned
    if to_remove > 0:
        removed_width = sum(float(column) for column in columns[-to_remove:])
        columns = columns[:-to_remove]
        extra_space = int(removed_width / len(columns)) if columns else 0
        columns = [str(int(float(column) + extra_space)) for column in columns]
    return tuple(columns)
