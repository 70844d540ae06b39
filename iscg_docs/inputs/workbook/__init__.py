"""Read and write a framework as an Excel workbook: one sheet per kind of record, in French.

Legal and finance services keep their figures in spreadsheets. This package reads a workbook
(``.xlsx``, through openpyxl) into the same plain data the TOML loader produces, so that
:func:`~iscg_docs.inputs.structure.structure` and the validation apply unchanged, and gives the
bytes of documented workbooks (drop-down lists, a « Notice » sheet) to be filled in.

Layout (headers on row 1, one record per row, empty rows ignored):

==============  ============================================================================
« Cadre »       the framework, one field per row: columns « Champ » and « Valeur »
« Parties »     one party per row, its signatory and deliberation on the same row
« Conventions » one convention per row; parties and co-signatories separated by « ; »
« Postes »      one post per row, joined to its convention by « Convention » (reference)
« Financement » one year per row (« Année n° » 1, 2, 3…) of a convention
« Répartition » one paying collectivity per row of a convention
« Avenants »    one avenant per row (optional sheet); rows of « Postes », « Financement »
                and « Répartition » whose « Avenant n° » is set form its replaced sections
« Notice »      what each column means, its format, an example (not read back)
==============  ============================================================================

Modules: ``schema`` (the sheets and columns above, as data), ``cells`` (one cell to a
plain value), ``opening`` (openpyxl, after the checks a hostile file needs), ``reader``
and ``writer``. openpyxl is imported inside the functions that
need it, so importing this package (or the command line) does not pay for it.
"""

from __future__ import annotations

from iscg_docs.inputs.workbook.reader import (
    WorkbookReading,
    locate,
    read_workbook,
    scan_workbook,
)
from iscg_docs.inputs.workbook.schema import LABELS, SHEETS, Column, Sheet
from iscg_docs.inputs.workbook.writer import (
    workbook_bytes,
    workbook_template_bytes,
)

__all__ = [
    "LABELS",
    "SHEETS",
    "Column",
    "Sheet",
    "WorkbookReading",
    "locate",
    "read_workbook",
    "scan_workbook",
    "workbook_bytes",
    "workbook_template_bytes",
]
