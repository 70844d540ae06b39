"""Tests for avenants in the workbook: the « Avenants » sheet and the « Avenant n° » column."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from iscg_docs.errors import ValidationError
from iscg_docs.inputs.loading import load, load_data
from iscg_docs.inputs.workbook import workbook_bytes
from iscg_docs.model.records import Framework

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_XLSX = ROOT / "examples" / "saone-et-loire.xlsx"
BRESSE = 2


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    target = tmp_path / "exemple.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, target)
    return target


class TestExample:
    def test_avenant_read_from_the_workbook(self) -> None:
        """The example workbook's Bresse convention has avenant n° 1 with its funding."""
        convention = load(EXAMPLE_XLSX).conventions[BRESSE]
        (avenant,) = convention.avenants
        assert (avenant.number, avenant.signed_at, avenant.signed_on) == (
            1,
            "Mâcon",
            dt.date(2023, 4, 12),
        )
        assert avenant.funding is not None
        assert avenant.funding.years[2].state.amount == Decimal("17400.00")
        assert convention.funding.years[2].state.amount == Decimal(0)

    def test_rows_tagged_with_the_avenant(self) -> None:
        """The avenant's years and share are rows carrying its number."""
        wb = openpyxl.load_workbook(EXAMPLE_XLSX)
        for sheet, count in (("Financement", 3), ("Répartition", 1)):
            rows = list(wb[sheet].iter_rows(values_only=True))
            column = rows[0].index("Avenant n°")
            assert sum(r[column] == 1 for r in rows[1:]) == count, sheet
        assert [c.value for c in wb["Avenants"][1]][:5] == [
            "Convention",
            "Numéro",
            "Objet",
            "Lieu de signature",
            "Date de signature",
        ]

    def test_json_same_as_toml(self, example_data: dict[str, Any], tmp_path: Path) -> None:
        """A JSON file with the same structure gives the same avenants."""
        path = tmp_path / "cadre.json"
        path.write_text(json.dumps(example_data, default=str), "utf-8")
        assert load(path) == load_data(example_data)


class TestRoundTrip:
    def test_every_section_survives(self, example_data: dict[str, Any], tmp_path: Path) -> None:
        """Posts, period, parties and funding replaced by an avenant come back from the workbook."""
        data = copy.deepcopy(example_data)
        avenant = data["conventions"][BRESSE]["avenants"][0]
        avenant["period"] = {"start": dt.date(2021, 1, 1), "years": 4}
        avenant["funding"]["years"].append({"cost": "46000.00", "state": {"amount": "17400.00"}})
        posts = copy.deepcopy(data["conventions"][BRESSE]["posts"])
        posts[0]["quotite"] = "0.8"
        avenant["posts"] = posts
        path = tmp_path / "cadre.xlsx"
        path.write_bytes(workbook_bytes(data))
        assert load(path) == load_data(data)

    def test_avenant_signatories(self, example_data: dict[str, Any], tmp_path: Path) -> None:
        """An avenant signed for a party by someone new (after an election) is a row of
        « Signataires des avenants », read back to the same framework."""
        data = copy.deepcopy(example_data)
        avenant = data["conventions"][BRESSE]["avenants"][0]
        avenant["signatories"] = [
            {
                "party": "bli",
                "signatory": {"role": "president", "full_name": "Louise Durand", "gender": "f"},
            }
        ]
        path = tmp_path / "cadre.xlsx"
        path.write_bytes(workbook_bytes(data))
        wb = openpyxl.load_workbook(path)
        rows = list(wb["Signataires des avenants"].iter_rows(values_only=True))
        assert rows[0][:5] == (
            "Convention",
            "Avenant n°",
            "Partie",
            "Signataire : fonction",
            "Signataire : nom",
        )
        assert rows[1][:3] == ("CD71-ISCG-2021-03", 1, "bli")
        framework = load(path)
        (signatory,) = framework.conventions[BRESSE].avenants[0].signatories
        assert signatory.signatory.full_name == "Louise Durand"
        assert framework == load_data(data)

    def test_workbook_without_avenants_sheet(self, workbook: Path) -> None:
        """A workbook made before avenants (no such sheet, no such rows) still reads."""
        wb = openpyxl.load_workbook(workbook)
        del wb["Avenants"]
        for sheet in ("Financement", "Répartition"):
            ws = wb[sheet]
            column = [c.value for c in ws[1]].index("Avenant n°") + 1
            for row in range(ws.max_row, 1, -1):
                if ws.cell(row, column).value is not None:
                    ws.delete_rows(row)
            ws.delete_cols(column)
        wb.save(workbook)
        framework: Framework = load(workbook)
        assert framework.conventions[BRESSE].avenants == ()


class TestProblems:
    def test_avenant_signatory_without_number(self, workbook: Path) -> None:
        """A « Signataires des avenants » row must name its avenant: said at the row."""
        wb = openpyxl.load_workbook(workbook)
        ws = wb["Signataires des avenants"]
        ws.append(["CD71-ISCG-2021-03", None, "bli", "Président", "Louise Durand"])
        wb.save(workbook)
        with pytest.raises(ValidationError) as caught:
            load(workbook)
        (problem,) = caught.value.problems
        assert problem.code == "missing-avenant"
        assert problem.location == "Feuille « Signataires des avenants », ligne 2"

    def test_unknown_avenant_number(self, workbook: Path) -> None:
        """A row naming an avenant the convention does not have is reported at its cell."""
        wb = openpyxl.load_workbook(workbook)
        ws = wb["Répartition"]
        column = [c.value for c in ws[1]].index("Avenant n°") + 1
        ws.cell(2, column, 7)
        wb.save(workbook)
        with pytest.raises(ValidationError) as caught:
            load(workbook)
        found = {(p.code, p.location) for p in caught.value.problems}
        assert (
            "unknown-avenant",
            "Feuille « Répartition », ligne 2, colonne « Avenant n° »",
        ) in found
