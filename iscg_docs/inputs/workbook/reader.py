"""Read a workbook into the plain data the TOML loader gives, every problem located.

The reader walks the sheets of :mod:`~iscg_docs.inputs.workbook.schema`, turns each cell
into a plain value (:mod:`~iscg_docs.inputs.workbook.cells`), and remembers, for every data
path, where it stands in the workbook, so a later problem of the records names its sheet,
row and column.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from attrs import frozen

from iscg_docs.errors import PathPart, Problem, ValidationError, format_path
from iscg_docs.inputs.workbook.cells import cell_text, convert, is_formula, norm
from iscg_docs.inputs.workbook.opening import open_workbook, used
from iscg_docs.inputs.workbook.schema import (
    AVENANT_KEY,
    AVENANTS,
    CADRE,
    CONVENTIONS,
    FIELD,
    FINANCEMENT,
    GROUPS,
    OPTIONAL_SHEETS,
    PARTIES,
    POSTES,
    REPARTITION,
    SIGNATAIRES_AVENANTS,
    VALUE,
    Column,
    Sheet,
)
from iscg_docs.model.coerce import CoercionError

__all__ = ["WorkbookReading", "locate", "read_workbook", "scan_workbook"]


@frozen
class WorkbookReading:
    """What :func:`scan_workbook` found in a workbook.

    Attributes:
        data: the plain data, shaped like the TOML loader's.
        locations: data path (``conventions[0].posts[1].quotite``) → French location
            (« Feuille « Postes », ligne 4, colonne « Quotité (ETP) » »).
        problems: what the workbook itself gets wrong (missing sheet or column, unknown
            convention, unreadable cell), each with its location.
        covered: data paths whose cell was refused; later problems under them repeat it.
    """

    data: dict[str, Any]
    locations: dict[str, str]
    problems: tuple[Problem, ...]
    covered: frozenset[str]

    def covers(self, path: str) -> bool:
        """True if ``path`` is, or lies under, a cell that was already reported."""
        return any(prefix in self.covered for prefix in _prefixes(path))


def read_workbook(path: str | os.PathLike[str], content: bytes | None = None) -> dict[str, Any]:
    """Read a workbook into plain data, as :func:`iscg_docs.inputs.loading.read_data` does.

    Args:
        path: the ``.xlsx`` file (named in errors).
        content: its bytes, when already read; otherwise the file is read.

    Returns:
        The plain data, shaped like the TOML loader's.

    Raises:
        InputError: the file is missing or is not a readable workbook.
        ValidationError: the workbook's layout or cells are wrong, every problem located.
    """
    reading = scan_workbook(path, content)
    if reading.problems:
        raise ValidationError.of(reading.problems, path)
    return reading.data


def scan_workbook(path: str | os.PathLike[str], content: bytes | None = None) -> WorkbookReading:
    """Read a workbook, collecting its problems instead of raising them.

    :func:`iscg_docs.inputs.loading.load` uses it to report the workbook's problems together
    with those the records and the validation find.

    Args:
        path: the ``.xlsx`` file (named in errors).
        content: its bytes, when already read; otherwise the file is read.

    Raises:
        InputError: the file is missing or is not a readable workbook.
    """
    from iscg_docs.inputs.loading import read_file

    name = os.fspath(path)
    if content is None:
        content = read_file(path)
    values, formulas = open_workbook(name, content)
    return _Reader(values, formulas).read()


def locate(problems: Iterable[Problem], locations: Mapping[str, str]) -> list[Problem]:
    """Give each problem the location of the longest known prefix of its path.

    Problems that already have a location keep it.
    """
    out = []
    for p in problems:
        where = p.location
        if where is None:
            where = next((locations[k] for k in _prefixes(p.path) if k in locations), None)
        out.append(Problem(p.code, p.path, p.message, where))
    return out


def _prefixes(path: str) -> Iterator[str]:
    """``a.b[1].c``, then ``a.b[1]``, ``a.b``, ``a``: the path and its ancestors."""
    yield path
    for i in range(len(path) - 1, 0, -1):
        if path[i] in ".[":
            yield path[:i]


@frozen
class _Row:
    sheet: Sheet
    number: int
    cells: dict[Column, Any]  # column → openpyxl cell
    headers: dict[Column, str]  # column → header as written in the file

    def where(self, column: Column | None = None) -> str:
        here = f"Feuille « {self.sheet.name} », ligne {self.number}"
        return f"{here}, colonne « {self.headers[column]} »" if column else here


class _Reader:
    def __init__(self, values: Any, formulas: Any) -> None:
        self.values = values
        self.formulas = formulas
        self.problems: list[Problem] = []
        self.locations: dict[str, str] = {}
        self.covered: set[str] = set()
        self.formula_sheets: dict[str, Any] = {}

    def read(self) -> WorkbookReading:
        data: dict[str, Any] = {}
        self._cadre(data)
        self.locations["parties"] = f"Feuille « {PARTIES.name} »"
        self.locations["conventions"] = f"Feuille « {CONVENTIONS.name} »"
        parties = self._rows(PARTIES)
        if parties is None:
            self.covered.add("parties")
        else:
            data["parties"] = [self._fill(row, ("parties", i)) for i, row in enumerate(parties)]
        conventions = self._rows(CONVENTIONS)
        index: dict[str, int] = {}
        if conventions is None:
            self.covered.add("conventions")
        else:
            data["conventions"] = []
            for i, row in enumerate(conventions):
                conv = self._fill(row, ("conventions", i))
                conv.setdefault("funding", {})
                data["conventions"].append(conv)
                ref = conv.get("reference")
                if isinstance(ref, str):
                    index.setdefault(ref, i)
                    for what, sheet in (
                        ("posts", POSTES),
                        ("funding.years", FINANCEMENT),
                        ("funding.split", REPARTITION),
                    ):
                        self.locations[f"conventions[{i}].{what}"] = (
                            f"Feuille « {sheet.name} », lignes de la convention « {ref} »"
                        )
        convs: list[dict[str, Any]] = data.get("conventions", [])
        for conv in convs:
            conv["posts"] = []
            conv["funding"]["years"] = []
            conv["funding"]["split"] = []
        avenants = self._avenants(convs, index)
        self._sections(convs, index, avenants)
        self._signatories(convs, index, avenants)
        return WorkbookReading(data, self.locations, tuple(self.problems), frozenset(self.covered))

    def _bounds(self, ws: Any) -> tuple[int, int]:
        """The last row and column of ``ws`` holding a value or a formula.

        Only those are walked: a cell formatted at XFD1048576 makes openpyxl's own
        bounds a billion cells wide.
        """
        values = used(ws)
        formulas = used(self.formulas[ws.title])
        return max(values[0], formulas[0], 1), max(values[1], formulas[1], 1)

    def _avenants(
        self, convs: list[dict[str, Any]], index: Mapping[str, int]
    ) -> dict[tuple[int, int], tuple[int, dict[str, Any]]]:
        """The avenants of each convention: (convention, number) → (position, record)."""
        found: dict[tuple[int, int], tuple[int, dict[str, Any]]] = {}
        for i, rows in self._joined(AVENANTS, index, len(convs), "avenants").items():
            convs[i]["avenants"] = []
            for k, row in enumerate(rows):
                avenant = self._fill(row, ("conventions", i, "avenants", k))
                convs[i]["avenants"].append(avenant)
                if isinstance(avenant.get("number"), int):
                    found.setdefault((i, avenant["number"]), (k, avenant))
        return found

    def _sections(
        self,
        convs: list[dict[str, Any]],
        index: Mapping[str, int],
        avenants: Mapping[tuple[int, int], tuple[int, dict[str, Any]]],
    ) -> None:
        """Attach posts, years and shares to their convention, or to the avenant they name."""
        for sheet, what in ((POSTES, "posts"), (REPARTITION, "split"), (FINANCEMENT, "years")):
            joined = self._joined(
                sheet, index, len(convs), "posts" if what == "posts" else f"funding.{what}"
            )
            for i, rows in joined.items():
                for number, group in self._by_avenant(rows, avenants, i).items():
                    prefix: tuple[PathPart, ...]
                    if number is None:
                        record, prefix = convs[i], ("conventions", i)
                    else:
                        k, record = avenants[(i, number)]
                        prefix = ("conventions", i, "avenants", k)
                    ref = convs[i].get("reference")
                    if what == "posts":
                        record["posts"] = [
                            self._fill(row, (*prefix, "posts", n)) for n, row in enumerate(group)
                        ]
                    elif what == "split":
                        record.setdefault("funding", {})["split"] = [
                            self._fill(row, (*prefix, "funding", "split", n))
                            for n, row in enumerate(group)
                        ]
                    else:
                        record.setdefault("funding", {})["years"] = self._years(group, prefix, ref)

    def _signatories(
        self,
        convs: list[dict[str, Any]],
        index: Mapping[str, int],
        avenants: Mapping[tuple[int, int], tuple[int, dict[str, Any]]],
    ) -> None:
        """Attach each « Signataires des avenants » row to the avenant it names."""
        joined = self._joined(SIGNATAIRES_AVENANTS, index, len(convs), "signatories")
        for i, rows in joined.items():
            for number, group in self._by_avenant(rows, avenants, i).items():
                if number is None:
                    for row in group:
                        self._problem(
                            "missing-avenant",
                            "$",
                            "indiquez le numéro de l'avenant que cette personne signe.",
                            row.where(),
                        )
                    continue
                k, avenant = avenants[(i, number)]
                prefix = ("conventions", i, "avenants", k, "signatories")
                avenant["signatories"] = [
                    self._fill(row, (*prefix, n)) for n, row in enumerate(group)
                ]

    def _by_avenant(
        self,
        rows: list[_Row],
        avenants: Mapping[tuple[int, int], object],
        i: int,
    ) -> dict[int | None, list[_Row]]:
        """Rows grouped by the avenant they belong to (None: the convention as signed)."""
        column = next(c for c in rows[0].sheet.columns if c.key == (AVENANT_KEY,))
        groups: dict[int | None, list[_Row]] = {}
        for row in rows:
            try:
                number = self._value(row, column)
            except CoercionError as bad:
                self._problem(bad.code, "$", bad.message, row.where(column))
                continue
            if number is not None and (i, number) not in avenants:
                self._problem(
                    "unknown-avenant",
                    "$",
                    f"cette convention n'a pas d'avenant n° {number} dans la feuille "
                    f"« {AVENANTS.name} » ; cette ligne est ignorée.",
                    row.where(column),
                )
                continue
            groups.setdefault(number, []).append(row)
        return groups

    # ------------------------------------------------------------------ problems

    def _problem(self, code: str, path: str, message: str, location: str) -> None:
        self.problems.append(Problem(code, path, message, location))

    # ------------------------------------------------------------------ sheets

    def _sheet(self, sheet: Sheet) -> tuple[Any, Any] | None:
        names = {norm(n): n for n in self.values.sheetnames}
        name = names.get(norm(sheet.name))
        if name is None and sheet in OPTIONAL_SHEETS:
            return None
        if name is None:
            self._problem(
                "missing-sheet",
                "$",
                f"la feuille « {sheet.name} » ({sheet.meaning}) est absente du classeur ; "
                "partez du modèle (iscg-docs workbook-template) pour avoir toutes les feuilles.",
                f"Feuille « {sheet.name} »",
            )
            return None
        return self.values[name], self.formulas[name]

    def _header(self, sheet: Sheet, ws: Any, columns: Sequence[Column]) -> dict[int, Column]:
        """Map column numbers to the columns they hold, reporting unknown or missing ones."""
        by_name = {norm(c.header): c for c in columns}
        found: dict[int, Column] = {}
        seen: set[Column] = set()
        _, last_column = self._bounds(ws)
        for cell in next(ws.iter_rows(min_row=1, max_row=1, max_col=last_column), ()):
            header = cell_text(cell.value)
            if not header or norm(header).startswith(("commentaire", "remarque")):
                continue
            where = f"Feuille « {sheet.name} », ligne 1, colonne {cell.column_letter}"
            column = by_name.get(norm(header))
            if column is None:
                known = ", ".join(f"« {c.header} »" for c in columns)
                self._problem(
                    "unknown-column",
                    "$",
                    f"colonne inconnue « {header} » ; colonnes possibles : {known} (une colonne "
                    "de notes doit commencer par « Commentaire »).",
                    where,
                )
            elif column in seen:
                self._problem(
                    "duplicate-column", "$", f"la colonne « {header} » figure deux fois.", where
                )
            else:
                seen.add(column)
                found[cell.column] = column
        for column in columns:
            if column.required and column not in seen:
                self._problem(
                    "missing-column",
                    "$",
                    f"la colonne obligatoire « {column.header} » est absente ({column.meaning}).",
                    f"Feuille « {sheet.name} », ligne 1",
                )
        return found

    def _rows(self, sheet: Sheet) -> list[_Row] | None:
        """The non-empty rows of a table sheet, or ``None`` if the sheet is missing."""
        pair = self._sheet(sheet)
        if pair is None:
            return None
        ws, wf = pair
        columns = self._header(sheet, ws, sheet.columns)
        headers = {c: cell_text(ws.cell(1, n).value) for n, c in columns.items()}
        rows = []
        last_row, last_column = self._bounds(ws)
        cells_by_row = ws.iter_rows(min_row=2, max_row=last_row, max_col=last_column)
        for r, cells in enumerate(cells_by_row, start=2):
            mine = {columns[c.column]: c for c in cells if c.column in columns}
            if all(self._empty(c, wf) for c in mine.values()):
                continue
            rows.append(_Row(sheet, r, mine, headers))
        self.formula_sheets[sheet.name] = wf
        return rows

    @staticmethod
    def _empty(cell: Any, wf: Any) -> bool:
        value = cell.value
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return False
        return not is_formula(wf[cell.coordinate].value)

    def _joined(
        self, sheet: Sheet, index: Mapping[str, int], count: int, what: str
    ) -> dict[int, list[_Row]]:
        """The rows of ``sheet`` grouped by the index of the convention they refer to.

        If the sheet is missing, that is the problem: the conventions' empty ``what``
        lists are not reported once more.
        """
        rows = self._rows(sheet)
        groups: dict[int, list[_Row]] = {}
        join = sheet.columns[0]
        if rows is None or any(join not in row.cells for row in rows):
            # No sheet, or no « Convention » column (already reported): nothing to attach.
            self.covered.update(f"conventions[{i}].{what}" for i in range(count))
            return groups
        for row in rows:
            try:
                ref = self._value(row, join)
            except CoercionError as bad:
                self._problem(bad.code, "$", bad.message, row.where(join))
                continue
            if ref is None:
                self._problem(
                    "missing-convention",
                    "$",
                    "indiquez la référence de la convention à laquelle cette ligne se rattache.",
                    row.where(join) if join in row.cells else row.where(),
                )
            elif ref not in index:
                self._problem(
                    "unknown-convention",
                    "$",
                    f"aucune convention n'a la référence « {ref} » dans la feuille "
                    f"« {CONVENTIONS.name} » ; cette ligne est ignorée.",
                    row.where(join),
                )
            else:
                groups.setdefault(index[ref], []).append(row)
        return groups

    def _years(
        self, rows: list[_Row], prefix: tuple[PathPart, ...], ref: object
    ) -> list[dict[str, Any]]:
        """The funding years of a convention or avenant at ``prefix``, ordered by their
        number, without gaps."""
        year_col = FINANCEMENT.columns[1]
        numbered: dict[int, _Row] = {}
        path = format_path((*prefix, "funding", "years"))
        if any(year_col not in row.cells for row in rows):
            self.covered.add(path)  # missing column reported
            if "avenants" in prefix:
                # An avenant whose funding cannot be read is not reported as empty too.
                self.covered.add(format_path(prefix))
            return []
        for row in rows:
            try:
                number = self._value(row, year_col)
            except CoercionError as bad:
                self._problem(bad.code, "$", bad.message, row.where(year_col))
                continue
            if not isinstance(number, int) or number < 1:
                self._problem(
                    "year-number",
                    "$",
                    f"le numéro d'année est un nombre entier à partir de 1 ({number!r} donné) ; "
                    "cette ligne est ignorée.",
                    row.where(year_col) if year_col in row.cells else row.where(),
                )
            elif number in numbered:
                self._problem(
                    "duplicate-year",
                    "$",
                    f"l'année n° {number} de la convention « {ref} » figure déjà ligne "
                    f"{numbered[number].number} ; cette ligne est ignorée.",
                    row.where(year_col),
                )
            else:
                numbered[number] = row
        for missing in sorted(set(range(1, max(numbered, default=0) + 1)) - set(numbered)):
            self._problem(
                "missing-year",
                path,
                f"l'année n° {missing} de la convention « {ref} » n'a pas de ligne ; "
                "numérotez les années 1, 2, 3… sans en sauter.",
                f"Feuille « {FINANCEMENT.name} »",
            )
        return [
            self._fill(numbered[n], (*prefix, "funding", "years", j))
            for j, n in enumerate(sorted(numbered))
        ]

    def _cadre(self, data: dict[str, Any]) -> None:
        pair = self._sheet(CADRE)
        if pair is None:
            self.covered.update(format_path(c.key) for c in CADRE.columns)
            return
        ws, wf = pair
        self.formula_sheets[CADRE.name] = wf
        field_col, value_col = self._cadre_columns(ws)
        if field_col is None or value_col is None:
            self.covered.update(format_path(c.key) for c in CADRE.columns)
            return
        by_label = {norm(c.header): c for c in CADRE.columns}
        seen: dict[Column, int] = {}
        for r in range(2, self._bounds(ws)[0] + 1):
            label = cell_text(ws.cell(r, field_col).value)
            value_cell = ws.cell(r, value_col)
            if not label:
                if not self._empty(value_cell, wf):
                    self._problem(
                        "unknown-field",
                        "$",
                        f"une valeur sans nom de champ ; indiquez le champ dans « {FIELD} ».",
                        f"Feuille « {CADRE.name} », ligne {r}, colonne « {FIELD} »",
                    )
                continue
            column = by_label.get(norm(label))
            if column is None:
                known = ", ".join(f"« {c.header} »" for c in CADRE.columns)
                self._problem(
                    "unknown-field",
                    "$",
                    f"champ inconnu « {label} » ; champs possibles : {known}.",
                    f"Feuille « {CADRE.name} », ligne {r}, colonne « {FIELD} »",
                )
                continue
            if column in seen:
                self._problem(
                    "duplicate-field",
                    "$",
                    f"le champ « {column.header} » figure déjà ligne {seen[column]}.",
                    f"Feuille « {CADRE.name} », ligne {r}, colonne « {FIELD} »",
                )
                continue
            seen[column] = r
            row = _Row(CADRE, r, {column: value_cell}, {column: VALUE})
            data.update(self._fill(row, ()))
        for column in CADRE.columns:
            if column not in seen:
                self.locations[format_path(column.key)] = (
                    f"Feuille « {CADRE.name} », champ « {column.header} » (ligne absente)"
                )

    def _cadre_columns(self, ws: Any) -> tuple[int | None, int | None]:
        """The numbers of the « Champ » and « Valeur » columns, reporting a missing one."""
        field_col = value_col = None
        _, last_column = self._bounds(ws)
        for cell in next(ws.iter_rows(min_row=1, max_row=1, max_col=last_column), ()):
            header = norm(cell_text(cell.value))
            if header == norm(FIELD) and field_col is None:
                field_col = cell.column
            elif header == norm(VALUE) and value_col is None:
                value_col = cell.column
        for name, col in ((FIELD, field_col), (VALUE, value_col)):
            if col is None:
                self._problem(
                    "missing-column",
                    "$",
                    f"la colonne « {name} » est absente : la feuille « {CADRE.name} » a deux "
                    f"colonnes, « {FIELD} » (le nom du champ) et « {VALUE} ».",
                    f"Feuille « {CADRE.name} », ligne 1",
                )
        return field_col, value_col

    # ------------------------------------------------------------------ cells

    def _fill(self, row: _Row, prefix: tuple[PathPart, ...]) -> dict[str, Any]:
        """The record of one row, with every cell's location registered under ``prefix``."""
        if prefix:
            self.locations[format_path(prefix)] = row.where()
        record: dict[str, Any] = {}
        for column in row.sheet.columns:
            if column.key[0].startswith("#"):
                continue
            path = format_path((*prefix, *column.key))
            if column not in row.cells:
                if column.required and row.sheet is not CADRE:
                    self.covered.add(path)  # the missing column is reported once
                continue
            self.locations[path] = row.where(column)
            if len(column.key) > 1 and column.key[0] in GROUPS:
                group = format_path((*prefix, column.key[0]))
                self.locations[group] = f"{row.where()}, colonnes « {GROUPS[column.key[0]]} »"
            try:
                value = self._value(row, column)
            except CoercionError as bad:
                self._problem(bad.code, path, bad.message, row.where(column))
                self.covered.add(path)
                continue
            if value is None:
                continue
            target = record
            for part in column.key[:-1]:
                target = target.setdefault(part, {})
            target[column.key[-1]] = value
        return record

    def _value(self, row: _Row, column: Column) -> Any:
        cell = row.cells.get(column)
        if cell is None:
            return None
        value = cell.value
        if cell.data_type == "e":
            formula = self.formula_sheets[row.sheet.name][cell.coordinate].value
            if not is_formula(formula):
                # openpyxl marks so a number formatted as a date that no date matches.
                raise CoercionError(
                    "bad-cell",
                    "cette cellule est au format date mais son nombre ne correspond à aucune "
                    f"date (années 1900 à 9999), ou elle contient un code d'erreur ({value}) ; "
                    "saisissez la valeur attendue.",
                )
            raise CoercionError(
                "formula-error",
                f"la formule de cette cellule donne une erreur ({value}) ; corrigez-la.",
            )
        if value is None or (isinstance(value, str) and not value.strip()):
            formula = self.formula_sheets[row.sheet.name][cell.coordinate].value
            if is_formula(formula):
                raise CoercionError(
                    "formula-not-computed",
                    "cette cellule contient une formule dont le résultat n'est pas enregistré "
                    "dans le fichier : ouvrez le classeur dans Excel ou LibreOffice et "
                    "enregistrez-le pour qu'il soit recalculé.",
                )
            return None
        return convert(column, value, cell.number_format or "")
