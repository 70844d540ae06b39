"""Open a workbook with openpyxl, once a hostile file can no longer hang or exhaust it.

Before openpyxl sees the bytes, the zip is checked (:func:`~iscg_docs.docx.package.check_zip`:
sizes, ratio, encryption, method, DTD) and its cells are counted; once opened, a sheet
with a value far beyond any real table is refused. Every failure of openpyxl itself is an
:class:`~iscg_docs.errors.InputError` in French.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from typing import Any

from iscg_docs._files import Refused
from iscg_docs.errors import InputError

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_ROWS", "open_workbook", "used"]

#: The most cells (filled or formatted) a workbook may hold: openpyxl builds an object
#: for each, twice when the workbook has formulas. 300 conventions take about 20 000.
MAX_CELLS = 300_000
#: The most rows and columns a sheet may use: a framework of 300 conventions needs
#: about 1 000 rows and 40 columns.
MAX_ROWS = 10_000
MAX_COLUMNS = 100
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_UNREADABLE = (
    "ce fichier n'est pas un classeur Excel (.xlsx) lisible ({}) ; "
    "enregistrez-le au format « Classeur Excel (.xlsx) »."
)


def open_workbook(name: str, content: bytes) -> tuple[Any, Any]:
    """The workbook with its cached values, and with its formulas.

    openpyxl keeps one or the other, so that an empty value is told apart from a formula
    never computed; without any formula, both are the same load.

    Args:
        name: the file, named in errors.
        content: its bytes.

    Raises:
        InputError: the file is not a workbook openpyxl can read, or is refused.
    """
    has_formulas = _check_package(name, content)
    values = _open(name, content, data_only=True)
    _check_extent(name, values)
    if not has_formulas:
        return values, values
    formulas = _open(name, content, data_only=False)
    _check_extent(name, formulas)
    return values, formulas


def _open(name: str, content: bytes, *, data_only: bool) -> Any:
    import openpyxl  # lazily: the CLI must not pay for it at start-up

    try:
        with warnings.catch_warnings():
            # Excel's extended data validation and conditional formatting are dropped on
            # reading; only cell values matter here.
            warnings.filterwarnings(
                "ignore",
                message=r".* extension is not supported and will be removed",
                category=UserWarning,
            )
            # A date no calendar holds becomes an error cell, reported in French later.
            warnings.filterwarnings(
                "ignore", message=r"Cell .* is marked as a date", category=UserWarning
            )
            return openpyxl.load_workbook(io.BytesIO(content), data_only=data_only)
    except MemoryError:
        raise InputError(_UNREADABLE.format("trop grand pour être lu"), name) from None
    # openpyxl fails on a damaged part with whatever its parser raises (XML syntax,
    # KeyError, AttributeError, TypeError…): each means the same to the user.
    except Exception as e:
        reason = f"une partie est endommagée ou manque : {type(e).__name__}"
        raise InputError(_UNREADABLE.format(reason), name) from None


def _check_package(name: str, content: bytes) -> bool:
    """Refuse a zip bomb, an encrypted or damaged member, a DTD or too many cells before
    openpyxl reads the workbook.

    Returns:
        Whether a sheet holds a formula.
    """
    from iscg_docs.docx.package import check_zip

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise InputError(_UNREADABLE.format("pas une archive zip"), name)
    try:
        check_zip(content)
    except Refused as e:
        raise InputError(
            f"ce classeur est refusé : {e.reason} ; enregistrez-le à nouveau depuis Excel ou "
            "LibreOffice.",
            name,
        ) from None
    cells = 0
    formulas = False
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.namelist():
            # Every part, not only xl/worksheets/: the workbook's relationships may
            # place a sheet anywhere.
            if member.endswith(".xml"):
                xml = archive.read(member)
                cells += len(_CELL.findall(xml))
                formulas = formulas or _FORMULA.search(xml) is not None
    if cells > MAX_CELLS:
        raise InputError(
            f"le classeur a {cells} cellules remplies ou mises en forme ; un classeur en a au "
            f"plus {MAX_CELLS} : effacez les cellules au-delà des tableaux.",
            name,
        )
    return formulas


def _check_extent(name: str, workbook: Any) -> None:
    """Refuse a sheet with a value far beyond any real table (A1048576, XFD1), whose
    rows and columns every later step would walk cell by cell."""
    from openpyxl.utils import get_column_letter

    for ws in workbook.worksheets:
        rows, columns = used(ws)
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            raise InputError(
                f"la feuille « {ws.title} » a une valeur jusqu'en ligne {rows}, colonne "
                f"{get_column_letter(columns)} ; une feuille a au plus {MAX_ROWS} lignes et "
                f"{MAX_COLUMNS} colonnes : effacez les cellules au-delà du tableau.",
                name,
            )


def used(ws: Any) -> tuple[int, int]:
    """The last row and column holding a value, from the cells openpyxl stored."""
    rows = columns = 0
    # openpyxl's own bounds count formatted empty cells; its cell store is the one view
    # of only the cells it read.
    for (row, column), cell in ws._cells.items():
        if cell.value is not None:
            rows, columns = max(rows, row), max(columns, column)
    return rows, columns
