"""Tests for iscg_docs.inputs.workbook and the ``.xlsx`` path of iscg_docs.inputs.loading."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iscg_docs.errors import Problem, ValidationError
from iscg_docs.inputs.loading import load, load_data, load_each, load_file, read_data
from iscg_docs.inputs.workbook import (
    LABELS,
    SHEETS,
    locate,
    read_workbook,
    scan_workbook,
    workbook_bytes,
    workbook_template_bytes,
)
from iscg_docs.model.records import EpciKind, Force, Framework, Gender, PartyKind, Role, SplitMethod
from iscg_docs.model.rules import warnings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TOML = ROOT / "examples" / "saone-et-loire.toml"
EXAMPLE_XLSX = ROOT / "examples" / "saone-et-loire.xlsx"


@pytest.fixture(scope="module")
def toml_framework() -> Framework:
    """The example, loaded from its TOML."""
    return load(EXAMPLE_TOML)


@pytest.fixture
def toml_data() -> dict[str, Any]:
    """The example's plain data, as the TOML loader gives it (a fresh copy)."""
    return read_data(EXAMPLE_TOML)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A copy of the example workbook that a test may change."""
    target = tmp_path / "exemple.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, target)
    return target


def edit(path: Path, sheet: str, row: int, header: str, value: object, fmt: str = "") -> None:
    """Set the cell under ``header`` on ``row`` of ``sheet`` and save the workbook."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    (column,) = [c.column for c in ws[1] if c.value == header]
    cell = ws.cell(row, column, value)
    if fmt:
        cell.number_format = fmt
    wb.save(path)


def problems_of(path: Path) -> list[Problem]:
    """The problems ``load`` reports for ``path``."""
    with pytest.raises(ValidationError) as info:
        load(path)
    return list(info.value.problems)


class TestExample:
    """The bundled example workbook."""

    def test_loads_equal_to_the_toml(self, toml_framework: Framework) -> None:
        """The example workbook gives records equal to the example TOML's."""
        assert load(EXAMPLE_XLSX) == toml_framework

    def test_says_the_figures_are_illustrative(self) -> None:
        """Like the TOML's comments, the Notice and Cadre sheets warn the data is fictitious."""
        wb = openpyxl.load_workbook(EXAMPLE_XLSX)
        for name in ("Notice", "Cadre"):
            texts = [c for row in wb[name].iter_rows(values_only=True) for c in row]
            assert any(isinstance(t, str) and "DONNÉES ILLUSTRATIVES" in t for t in texts), name

    def test_read_data_accepts_xlsx(self) -> None:
        """``read_data`` gives the same plain data for a workbook as ``read_workbook``."""
        assert read_data(EXAMPLE_XLSX) == read_workbook(EXAMPLE_XLSX)

    def test_regenerated_byte_identical(self) -> None:
        """tools/make_example_workbook.py gives back the committed example, byte for byte."""
        spec = importlib.util.spec_from_file_location(
            "make_example_workbook", ROOT / "tools" / "make_example_workbook.py"
        )
        assert spec is not None
        assert spec.loader is not None
        tool = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tool)
        assert tool.example_bytes() == EXAMPLE_XLSX.read_bytes()

    def test_locations_name_sheet_row_and_column(self) -> None:
        """Every cell read is mapped from its data path to its sheet, row and column."""
        locations = scan_workbook(EXAMPLE_XLSX).locations
        assert (
            locations["conventions[0].posts[1].quotite"]
            == "Feuille « Postes », ligne 3, colonne « Quotité (ETP) »"
        )
        assert locations["title"] == "Feuille « Cadre », ligne 2, colonne « Valeur »"
        assert (
            locations["parties[2].deliberation.date"]
            == "Feuille « Parties », ligne 4, colonne « Délibération : date »"
        )


def template() -> Any:
    """The empty template, opened with openpyxl."""
    return openpyxl.load_workbook(io.BytesIO(workbook_template_bytes()))


class TestWorkbookBytes:
    """workbook_bytes and workbook_template_bytes."""

    def test_same_data_same_bytes(self, toml_data: dict[str, Any]) -> None:
        """The bytes depend on the data only: every date is one fixed date."""
        first = workbook_bytes(toml_data, note="Attention")
        assert workbook_bytes(toml_data, note="Attention") == first
        with zipfile.ZipFile(io.BytesIO(first)) as archive:
            assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            core = archive.read("docProps/core.xml")
        assert b">1980-01-01T00:00:00Z</dcterms:created>" in core

    def test_round_trip(self, tmp_path: Path, toml_data: dict[str, Any]) -> None:
        """Data written to a workbook loads back to the same framework."""
        path = tmp_path / "aller-retour.xlsx"
        path.write_bytes(workbook_bytes(toml_data))
        assert load(path) == load_data(read_data(EXAMPLE_TOML))

    def test_insee_code_column(self, tmp_path: Path, toml_data: dict[str, Any]) -> None:
        """The Parties sheet carries an INSEE code, as text, and it is checked with the name."""
        toml_data["parties"][3]["insee"] = "71040"  # Blanzy
        path = tmp_path / "insee.xlsx"
        path.write_bytes(workbook_bytes(toml_data))
        assert load(path).party("blanzy").insee == "71040"
        toml_data["parties"][3]["insee"] = "71306"  # Montceau-les-Mines
        path.write_bytes(workbook_bytes(toml_data))
        with pytest.raises(ValidationError) as caught:
            load(path)
        assert [p.code for p in caught.value.problems] == ["insee-mismatch"]

    def test_hors_referentiel_columns(self, tmp_path: Path, toml_data: dict[str, Any]) -> None:
        """« Hors référentiel » (Parties) and « Commune hors référentiel » (Postes) carry the
        flag: a name missing from the COG is then a warning, not an error."""
        toml_data["parties"][3]["name"] = "Blanzy-Nouvelle"
        post = toml_data["conventions"][0]["posts"][0]
        post["commune"] = "Montceau-Nouvelle"
        path = tmp_path / "hors.xlsx"
        path.write_bytes(workbook_bytes(toml_data))
        with pytest.raises(ValidationError) as caught:
            load(path)
        assert {p.code for p in caught.value.problems} == {"unknown-place"}
        toml_data["parties"][3]["hors_referentiel"] = True
        post["hors_referentiel"] = True
        path.write_bytes(workbook_bytes(toml_data))
        framework = load(path)
        assert framework.party("blanzy").hors_referentiel
        assert framework.conventions[0].posts[0].hors_referentiel
        assert {w.code for w in warnings(framework)} >= {"unknown-place"}
        assert framework == load_data(toml_data)

    @settings(
        max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(cost=st.decimals(min_value=Decimal("20000"), max_value=Decimal("9999999.99"), places=2))
    def test_amounts_survive_the_binary_double(
        self, tmp_path: Path, toml_data: dict[str, Any], cost: Decimal
    ) -> None:
        """Any amount to the cent is written as a number and read back exactly."""
        path = tmp_path / "montant.xlsx"
        toml_data["conventions"][0]["funding"]["years"][0]["cost"] = str(cost)
        path.write_bytes(workbook_bytes(toml_data))
        assert load(path).conventions[0].funding.years[0].cost == cost

    def test_template_has_the_drop_down_lists(self) -> None:
        """Every enumerated column of the template offers its French labels in a list."""
        wb = template()
        for sheet in SHEETS[1:]:
            ws = wb[sheet.name]
            headers = {c.value: c.column_letter for c in ws[1]}
            lists = {
                str(rng): dv.formula1
                for dv in ws.data_validations.dataValidation
                for rng in dv.sqref.ranges
            }
            for column in sheet.columns:
                if column.enum is None:
                    continue
                letter = headers[column.header]
                formula = lists[f"{letter}2:{letter}1000"]
                assert formula == '"' + ",".join(LABELS[column.enum]) + '"', column.header

    def test_template_has_headers_frozen_and_bold(self) -> None:
        """Each sheet's first row holds the French headers, bold and frozen."""
        wb = template()
        for sheet in SHEETS[1:]:
            ws = wb[sheet.name]
            assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
            assert all(c.font.b for c in ws[1])
            assert ws.freeze_panes == "A2"

    def test_template_has_the_notice(self) -> None:
        """The Notice explains every column and shows the label → value mapping."""
        ws = template()["Notice"]
        documented = {(row[0], row[1]) for row in ws.iter_rows(values_only=True)}
        for sheet in SHEETS:
            for column in sheet.columns:
                assert (sheet.name, column.header) in documented
        texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
        assert any(
            "« Communauté d'agglomération » → communaute_d_agglomeration" in t for t in texts
        )


class TestLocatedProblems:
    """Problems of a workbook carry the sheet, row and column they come from."""

    def test_three_errors_three_located_messages(self, workbook: Path) -> None:
        """A quotité of 1.5, a sub-cent cost and an impossible date: three located messages."""
        edit(workbook, "Postes", 3, "Quotité (ETP)", "1.5")
        # What "=C3*1.02" gives for a +2 % yearly rise: not a whole number of cents.
        edit(workbook, "Financement", 2, "Coût annuel (€)", 45777.6 * 1.02)
        edit(workbook, "Parties", 5, "Délibération : date", "31/02/2021")
        found = problems_of(workbook)
        assert [(p.code, p.path, p.location) for p in found] == [
            (
                "date",
                "parties[3].deliberation.date",
                "Feuille « Parties », ligne 5, colonne « Délibération : date »",
            ),
            (
                "quotite-range",
                "conventions[0].posts[1].quotite",
                "Feuille « Postes », ligne 3, colonne « Quotité (ETP) »",
            ),
            (
                "sub-cent-amount",
                "conventions[0].funding.years[0].cost",
                "Feuille « Financement », ligne 2, colonne « Coût annuel (€) »",
            ),
        ]
        assert str(found[1]).startswith(
            "Feuille « Postes », ligne 3, colonne « Quotité (ETP) » — la quotité"
        )
        assert str(found[1]).endswith("@ conventions[0].posts[1].quotite")

    def test_unknown_party_in_split(self, workbook: Path) -> None:
        """A cross-record problem (unknown party) is located at its Répartition cell."""
        edit(workbook, "Répartition", 3, "Partie", "inconnue")
        (problem,) = problems_of(workbook)
        assert problem.code == "unknown-party"
        assert problem.location == "Feuille « Répartition », ligne 3, colonne « Partie »"

    def test_missing_sheet(self, workbook: Path) -> None:
        """A missing sheet is one problem, not one per convention left without posts."""
        wb = openpyxl.load_workbook(workbook)
        del wb["Postes"]
        wb.save(workbook)
        (problem,) = problems_of(workbook)
        assert (problem.code, problem.location) == ("missing-sheet", "Feuille « Postes »")

    def test_missing_column(self, workbook: Path) -> None:
        """A missing required column is one problem, not one per row."""
        wb = openpyxl.load_workbook(workbook)
        wb["Postes"].delete_cols(6)  # Quotité (ETP)
        wb.save(workbook)
        (problem,) = problems_of(workbook)
        assert problem.code == "missing-column"
        assert "Quotité (ETP)" in problem.message
        assert problem.location == "Feuille « Postes », ligne 1"

    @pytest.mark.parametrize(
        ("sheet", "column"),
        [("Postes", 1), ("Financement", 2)],
        ids=["postes-convention", "financement-annee"],
    )
    def test_missing_join_column(self, workbook: Path, sheet: str, column: int) -> None:
        """Without its « Convention » or « Année n° » column, a sheet gives one problem."""
        wb = openpyxl.load_workbook(workbook)
        wb[sheet].delete_cols(column)
        wb.save(workbook)
        (problem,) = problems_of(workbook)
        assert (problem.code, problem.location) == (
            "missing-column",
            f"Feuille « {sheet} », ligne 1",
        )

    def test_unknown_column(self, workbook: Path) -> None:
        """A misspelt header is reported; a « Commentaire » column is ignored."""
        edit(workbook, "Parties", 1, "Adresse", "Adrese")
        wb = openpyxl.load_workbook(workbook)
        wb["Postes"].cell(1, 20, "Commentaire du service")
        wb["Postes"].cell(2, 20, "à revoir")
        wb.save(workbook)
        (problem,) = problems_of(workbook)
        assert (problem.code, problem.location) == (
            "unknown-column",
            "Feuille « Parties », ligne 1, colonne G",
        )

    def test_unknown_convention_in_posts(self, workbook: Path) -> None:
        """A post whose convention reference is unknown is reported and left out."""
        edit(workbook, "Postes", 3, "Convention", "CD71-ISCG-2099-09")
        (problem,) = problems_of(workbook)
        assert problem.code == "unknown-convention"
        assert "CD71-ISCG-2099-09" in problem.message
        assert problem.location == "Feuille « Postes », ligne 3, colonne « Convention »"

    def test_formula_without_cached_value(self, workbook: Path) -> None:
        """A formula saved without its result asks for the workbook to be recalculated."""
        edit(workbook, "Financement", 2, "Coût annuel (€)", "=44000+0")
        (problem,) = problems_of(workbook)
        assert problem.code == "formula-not-computed"
        assert "LibreOffice" in problem.message
        assert problem.path == "conventions[0].funding.years[0].cost"
        assert problem.location == "Feuille « Financement », ligne 2, colonne « Coût annuel (€) »"

    def test_duplicate_year_number(self, workbook: Path) -> None:
        """Two rows with the same year number for a convention: the second is reported."""
        edit(workbook, "Financement", 3, "Année n°", 1)
        found = problems_of(workbook)
        assert found[0].code == "duplicate-year"
        assert found[0].location == "Feuille « Financement », ligne 3, colonne « Année n° »"
        assert "ligne 2" in found[0].message

    def test_unknown_label(self, workbook: Path) -> None:
        """A value outside a drop-down list is refused, naming the French labels."""
        edit(workbook, "Postes", 2, "Force", "Douane")
        (problem,) = problems_of(workbook)
        assert problem.code == "choice"
        assert "« Police nationale (commissariat) », « Gendarmerie »" in problem.message

    def test_empty_rows_are_skipped(self, workbook: Path, toml_framework: Framework) -> None:
        """Blank rows between records change nothing."""
        wb = openpyxl.load_workbook(workbook)
        for name in ("Parties", "Postes", "Financement"):
            wb[name].insert_rows(3)
        wb.save(workbook)
        assert load(workbook) == toml_framework


class TestCellValues:
    """How cells are read: labels, numbers, dates."""

    @pytest.mark.parametrize(
        ("sheet", "row", "header", "value", "expected"),
        [
            ("Parties", 8, "Nature", "EPCI", PartyKind.EPCI),
            ("Parties", 8, "Nature", "epci", PartyKind.EPCI),
            ("Parties", 4, "Nature", "Commune", PartyKind.COMMUNE),
            ("Parties", 2, "Nature", "Etat", PartyKind.ETAT),
            (
                "Parties",
                8,
                "Catégorie d'EPCI",
                "Communauté d’agglomération",
                EpciKind.COMMUNAUTE_D_AGGLOMERATION,
            ),
            ("Parties", 4, "Signataire : genre", "Féminin", Gender.FEMININE),
            ("Parties", 2, "Signataire : fonction", "prefet", Role.PREFET),
            ("Postes", 2, "Force", "Police nationale (commissariat)", Force.POLICE),
            ("Postes", 3, "Force", "gendarmerie", Force.GENDARMERIE),
            ("Conventions", 2, "Méthode de répartition", "Pourcentages", SplitMethod.PERCENT),
        ],
        ids=[
            "nature-EPCI",
            "nature-value-epci",
            "nature-capitalised",
            "nature-without-accent",
            "epci-typographic-apostrophe",
            "genre-capitalised",
            "fonction-value",
            "force-police-label",
            "force-lowercase",
            "methode-capitalised",
        ],
    )
    def test_french_labels_accepted(
        self,
        workbook: Path,
        toml_framework: Framework,
        sheet: str,
        row: int,
        header: str,
        value: str,
        expected: object,
    ) -> None:
        """Drop-down labels, their variants and the record values all read the same."""
        edit(workbook, sheet, row, header, value)
        framework = load(workbook)
        assert framework == toml_framework
        assert expected in {
            framework.parties[row - 2].kind if header == "Nature" else None,
            framework.parties[row - 2].epci_kind if sheet == "Parties" else None,
            framework.parties[row - 2].signatory.gender  # type: ignore[union-attr]
            if header == "Signataire : genre"
            else None,
            framework.parties[row - 2].signatory.role  # type: ignore[union-attr]
            if header == "Signataire : fonction"
            else None,
            framework.conventions[0].posts[row - 2].force if sheet == "Postes" else None,
            framework.conventions[0].funding.split_method if sheet == "Conventions" else None,
        }

    @pytest.mark.parametrize(
        "value",
        ["44 000,00", "44000.00", "44\u202f000,00", 44000, 44000.0],
        ids=["text-french", "text-point", "text-narrow-space", "integer", "float"],
    )
    def test_money_forms(self, workbook: Path, value: object) -> None:
        """An amount can be a number or a text with spaces and a decimal comma."""
        edit(workbook, "Financement", 2, "Coût annuel (€)", value)
        assert load(workbook).conventions[0].funding.years[0].cost == Decimal("44000.00")

    def test_percent_formatted_cell(self, workbook: Path) -> None:
        """A cell formatted as a percentage (0.45 shown as 45 %) is read in points."""
        edit(workbook, "Répartition", 2, "Pourcentage (%)", 0.45, fmt="0%")
        assert load(workbook).conventions[0].funding.split[0].percent == Decimal(45)

    @pytest.mark.parametrize(
        "value",
        ["08/03/2021", "2021-03-08", dt.datetime(2021, 3, 8)],
        ids=["text-french", "text-iso", "date-cell"],
    )
    def test_date_forms(self, workbook: Path, value: object) -> None:
        """A date can be a date cell or a text JJ/MM/AAAA or AAAA-MM-JJ."""
        edit(workbook, "Conventions", 2, "Date de signature", value)
        assert load(workbook).conventions[0].signed_on == dt.date(2021, 3, 8)

    def test_number_in_text_column(self, workbook: Path) -> None:
        """A deliberation number typed as a number reads as its text."""
        edit(workbook, "Parties", 4, "Délibération : numéro", 2021)
        deliberation = load(workbook).parties[2].deliberation
        assert deliberation is not None
        assert deliberation.number == "2021"

    def test_whole_float_for_years(self, workbook: Path) -> None:
        """A duration of 3.0 is the integer 3; 2.5 is refused by name."""
        edit(workbook, "Conventions", 2, "Durée (années)", 3.0)
        assert load(workbook).conventions[0].period.years == 3
        edit(workbook, "Conventions", 2, "Durée (années)", 2.5)
        (problem,) = problems_of(workbook)
        assert (problem.code, problem.path) == ("integer", "conventions[0].period.years")


class TestLocate:
    """locate: the longest known prefix of a problem's path gives its location."""

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ("conventions[1].posts[0].quotite", "cellule"),
            ("conventions[1].posts[0]", "ligne"),
            ("conventions[1].posts[3].site", "feuille postes"),
            ("conventions[10].posts[0].quotite", "conventions"),
            ("title", None),
        ],
        ids=["exact", "row", "parent", "index-boundary", "unknown"],
    )
    def test_longest_prefix(self, path: str, expected: str | None) -> None:
        """The deepest registered ancestor wins; ``[1]`` is no prefix of ``[10]``."""
        locations = {
            "conventions": "conventions",
            "conventions[1].posts": "feuille postes",
            "conventions[1].posts[0]": "ligne",
            "conventions[1].posts[0].quotite": "cellule",
        }
        (problem,) = locate([Problem("x", path, "m")], locations)
        assert problem.location == expected

    def test_keeps_an_existing_location(self) -> None:
        """A problem already located keeps its location."""
        (problem,) = locate([Problem("x", "title", "m", "ici")], {"title": "ailleurs"})
        assert problem.location == "ici"


class TestLoading:
    """The ``.xlsx`` path of iscg_docs.inputs.loading."""

    def test_keep_going_reads_once(self, workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A workbook with a bad convention is read once and opened once: without formulas,
        the cached values are all there is to read.

        The hash ``load_file`` gives is that of the bytes read.
        """
        edit(workbook, "Postes", 2, "Quotité (ETP)", "beaucoup")
        opened: list[object] = []
        real = openpyxl.load_workbook

        def counting(*args: Any, **kwargs: Any) -> Any:
            opened.append(args[0])
            return real(*args, **kwargs)

        monkeypatch.setattr(openpyxl, "load_workbook", counting)
        loaded = load_file(workbook, keep_going=True)
        assert len(opened) == 1
        assert loaded.sha256 == hashlib.sha256(workbook.read_bytes()).hexdigest()
        ((rejected,),) = [loaded.rejected]
        assert (rejected.index, rejected.reference) == (0, "CD71-ISCG-2021-01")
        assert [p.location for p in rejected.problems] == [
            "Feuille « Postes », ligne 2, colonne « Quotité (ETP) »"
        ]
        assert (loaded.framework, loaded.rejected) == load_each(workbook)

    def test_openpyxl_is_imported_lazily(self) -> None:
        """Importing the loader (as the command line does) does not import openpyxl."""
        code = "import sys, iscg_docs.inputs.loading, iscg_docs.inputs.workbook; print('openpyxl' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert out.stdout.strip() == "False"

    def test_empty_template_points_at_the_cells_to_fill(self, tmp_path: Path) -> None:
        """Loading the empty template names the Cadre cells that need a value."""
        path = tmp_path / "modele.xlsx"
        path.write_bytes(workbook_template_bytes())
        found = {p.path: p.location for p in problems_of(path)}
        assert found["title"] == "Feuille « Cadre », ligne 2, colonne « Valeur »"
        assert found["approved_on"] == "Feuille « Cadre », ligne 7, colonne « Valeur »"


def zip_bomb(source: Path, padding: int) -> bytes:
    """The workbook with ``padding`` spaces in its first sheet: small zipped, huge unzipped."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                at = data.index(b"<sheetData>")
                data = data[:at] + b" " * padding + data[at:]
            dst.writestr(info.filename, data)
    return out.getvalue()


class TestZipBomb:
    def test_refused_before_unzipping(self, tmp_path: Path) -> None:
        """A workbook that would unzip past the bound is refused, in French, by its size."""
        from iscg_docs.docx.package import TOTAL_LIMIT
        from iscg_docs.errors import InputError

        bomb = tmp_path / "bombe.xlsx"
        bomb.write_bytes(zip_bomb(ROOT / "examples" / "saone-et-loire.xlsx", TOTAL_LIMIT))
        assert bomb.stat().st_size < TOTAL_LIMIT // 100
        with pytest.raises(InputError, match="se décompresse en 100 Mo"):
            load(bomb)
