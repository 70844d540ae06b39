"""Write a documented workbook to fill in (drop-down lists, a « Notice » sheet), as bytes.

:func:`workbook_bytes` and :func:`workbook_template_bytes` give the bytes for a caller to
write (the command line writes them as it writes every file). The same data always gives
the same bytes: the document's creation and modification dates and every zip member's
date are one fixed date, so a regenerated example is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from iscg_docs.docx.package import ZIP_EPOCH, normalize_package
from iscg_docs.errors import OutputError
from iscg_docs.inputs.workbook.schema import (
    AVENANT_KEY,
    AVENANTS,
    CADRE,
    CONVENTION_KEY,
    CONVENTIONS,
    FIELD,
    FINANCEMENT,
    HELP,
    LABELS,
    NOTICE,
    PARTIES,
    POSTES,
    REPARTITION,
    RULES,
    SHEETS,
    SIGNATAIRES_AVENANTS,
    VALUE,
    YEAR_KEY,
    Column,
    Sheet,
)

__all__ = [
    "workbook_bytes",
    "workbook_template_bytes",
]


def workbook_bytes(data: Mapping[str, Any] | None = None, *, note: str | None = None) -> bytes:
    """A documented workbook, filled with ``data`` if given, as the bytes of an ``.xlsx``.

    Args:
        data: plain data shaped like the TOML loader's (a framework, its parties and
            conventions); ``None`` gives an empty workbook to fill in.
        note: a warning shown on the Notice and Cadre sheets (e.g. that figures are
            illustrative).

    Returns:
        The same bytes for the same arguments.

    Raises:
        OutputError: the temporary files openpyxl writes cannot be written.
    """
    from lxml.etree import SerialisationError
    from openpyxl.writer.excel import ExcelWriter

    workbook = _build(data or {}, note)
    buffer = io.BytesIO()
    # openpyxl writes each sheet to a temporary file first: a full or read-only temporary
    # folder fails there, and the sheet writers it abandons complain when collected.
    hook, failed = sys.unraisablehook, False
    sys.unraisablehook = lambda _: None
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            ExcelWriter(workbook, archive).save()
    except (OSError, SerialisationError):
        failed = True
    finally:
        if failed:
            gc.collect()
        sys.unraisablehook = hook
    if failed:
        raise OutputError(
            "le classeur n'a pas pu être assemblé : le dossier temporaire "
            f"« {tempfile.gettempdir()} » n'accepte plus d'écriture (plein ou protégé ?)."
        )
    # An .xlsx is an Open XML package like a .docx: the same writer dates every member
    # alike, where openpyxl copies each worksheet from a temporary file with its date.
    return normalize_package(buffer.getvalue())


def workbook_template_bytes() -> bytes:
    """The empty, documented workbook ``iscg-docs workbook-template`` writes."""
    return workbook_bytes(None)


def _build(data: Mapping[str, Any], note: str | None) -> Any:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    workbook.properties.creator = "iscg-docs"
    # The same data must give the same bytes: the dates are the zip members' fixed one.
    workbook.properties.created = workbook.properties.modified = dt.datetime(*ZIP_EPOCH)
    notice = workbook.active
    notice.title = NOTICE
    _notice(notice, note, Font, Alignment)

    cadre = workbook.create_sheet(CADRE.name)
    for n, (header, width) in enumerate(((FIELD, 30), (VALUE, 60), (HELP, 60)), start=1):
        cadre.cell(1, n, header).font = Font(bold=True)
        cadre.column_dimensions[_letter(n)].width = width
    cadre.freeze_panes = "A2"
    for r, column in enumerate(CADRE.columns, start=2):
        cadre.cell(r, 1, column.header)
        cell = cadre.cell(r, 2, _to_cell(column, _get(data, column.key)))
        _style_value(cell, column)
        cadre.cell(r, 3, f"{column.meaning} — {column.fmt}")
    if note:
        cadre.column_dimensions["E"].width = 70
        warning = cadre.cell(1, 5, note)
        warning.font = Font(bold=True, color="C00000")
        warning.alignment = Alignment(wrap_text=True, vertical="top")

    conventions = list(data.get("conventions") or [])
    rows: dict[str, list[dict[tuple[str, ...], Any]]] = {
        PARTIES.name: [_flat(p) for p in data.get("parties") or []],
        CONVENTIONS.name: [_flat(c) for c in conventions],
        POSTES.name: [],
        FINANCEMENT.name: [],
        REPARTITION.name: [],
        AVENANTS.name: [],
        SIGNATAIRES_AVENANTS.name: [],
    }
    for conv in conventions:
        ref = conv.get("reference")
        _section_rows(rows, {(CONVENTION_KEY,): ref}, conv)
        for avenant in conv.get("avenants") or []:
            avenant = dict(avenant)
            signatories = avenant.pop("signatories", None) or []
            rows[AVENANTS.name].append({(CONVENTION_KEY,): ref, **_flat(avenant)})
            tag: dict[tuple[str, ...], Any] = {
                (CONVENTION_KEY,): ref,
                (AVENANT_KEY,): avenant.get("number"),
            }
            _section_rows(rows, tag, avenant)
            for signatory in signatories:
                rows[SIGNATAIRES_AVENANTS.name].append({**tag, **_flat(signatory)})

    for sheet in SHEETS[1:]:
        ws = workbook.create_sheet(sheet.name)
        _table(ws, sheet, rows[sheet.name], Font)
    workbook.active = 0
    return workbook


def _section_rows(
    rows: dict[str, list[dict[tuple[str, ...], Any]]],
    tag: dict[tuple[str, ...], Any],
    record: Mapping[str, Any],
) -> None:
    """The rows of the posts, years and shares of a convention or avenant, each tagged."""
    funding = record.get("funding") or {}
    for post in record.get("posts") or []:
        rows[POSTES.name].append({**tag, **_flat(post)})
    for n, year in enumerate(funding.get("years") or [], start=1):
        rows[FINANCEMENT.name].append({**tag, (YEAR_KEY,): n, **_flat(year)})
    for share in funding.get("split") or []:
        rows[REPARTITION.name].append({**tag, **_flat(share)})


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def _get(data: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    value: Any = data
    for part in key:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _flat(record: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, (*prefix, key)))
        else:
            out[(*prefix, key)] = value
    return out


_ROWS_WITH_LISTS = 1000  # drop-down lists cover this many rows of each sheet


def _table(ws: Any, sheet: Sheet, rows: list[dict[tuple[str, ...], Any]], font: Any) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    last = max(_ROWS_WITH_LISTS, len(rows) + 100)
    for n, column in enumerate(sheet.columns, start=1):
        letter = _letter(n)
        ws.cell(1, n, column.header).font = font(bold=True)
        ws.column_dimensions[letter].width = max(column.width, len(column.header) + 2)
        for r, row in enumerate(rows, start=2):
            cell = ws.cell(r, n, _to_cell(column, row.get(column.key)))
            _style_value(cell, column)
        validation = None
        if column.enum is not None:
            choices = ",".join(LABELS[column.enum])
            validation = DataValidation(
                type="list",
                formula1=f'"{choices}"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Valeur non prévue",
                error="Choisissez une valeur de la liste (voir la feuille « Notice »).",
            )
        elif column.key in {(CONVENTION_KEY,), ("employer",), ("party",)}:
            source = CONVENTIONS if column.key == (CONVENTION_KEY,) else PARTIES
            # A warning only: the user may type an identifier before declaring it.
            validation = DataValidation(
                type="list",
                formula1=f"{source.name}!$A$2:$A${last}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="Identifiant inconnu",
                error=f"Cet identifiant n'est pas (encore) dans la feuille « {source.name} ».",
            )
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"


def _style_value(cell: Any, column: Column) -> None:
    if column.kind == "date":
        cell.number_format = "DD/MM/YYYY"
    elif column.kind == "money":
        cell.number_format = "#,##0.00"
    elif column.kind in ("text", "id", "ids"):
        cell.number_format = "@"  # keep "2021" or "0042" as typed


def _to_cell(column: Column, value: Any) -> Any:
    """A plain-data value as the cell should hold it (labels for choices, numbers…)."""
    if value is None:
        return None
    kind = column.kind
    if kind == "yesno":
        return "oui" if value is True else None
    if kind == "ids" and isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if kind == "enum" and column.enum is not None and isinstance(value, str):
        labels = {v: label for label, v in LABELS[column.enum].items()}
        return labels.get(value, value)
    if kind in ("money", "number", "percent") and isinstance(value, str | int | Decimal):
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            return str(value)
        # Written as a number only if the binary double gives back exactly the same value.
        if number.is_finite() and Decimal(repr(float(number))) == number:
            return number
        return str(value)
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _notice(ws: Any, note: str | None, font: Any, alignment: Any) -> None:
    ws.cell(1, 1, "Notice — classeur de saisie iscg-docs").font = font(bold=True, size=14)
    r = 2
    if note:
        ws.cell(r, 1, note).font = font(bold=True, color="C00000")
        r += 1
    for rule in RULES:
        ws.cell(r, 1, rule)
        r += 1
    r += 1
    headers = (
        "Feuille",
        "Colonne",
        "Signification",
        "Format attendu",
        "Exemple",
        "Valeurs possibles (libellé → valeur)",
    )
    widths = (14, 34, 60, 40, 28, 60)
    for n, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        ws.cell(r, n, header).font = font(bold=True)
        ws.column_dimensions[_letter(n)].width = width
    ws.freeze_panes = ws.cell(r + 1, 1)
    for sheet in SHEETS:
        r += 1
        ws.cell(r, 1, sheet.name).font = font(bold=True)
        ws.cell(r, 3, sheet.meaning[:1].upper() + sheet.meaning[1:] + ".")
        for column in sheet.columns:
            r += 1
            values = ""
            if column.enum is not None:
                values = " ; ".join(f"« {k} » → {v}" for k, v in LABELS[column.enum].items())
            what = column.meaning + (" (obligatoire)" if column.required else "")
            for n, text in enumerate(
                (sheet.name, column.header, what, column.fmt, column.example, values), start=1
            ):
                cell = ws.cell(r, n, text)
                cell.alignment = alignment(wrap_text=True, vertical="top")
                cell.number_format = "@"
