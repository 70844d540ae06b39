"""Tests for iscg_docs.model.jurisdictions: the tribunal administratif of a département."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest

from iscg_docs.convention.render import render_convention
from iscg_docs.inputs.loading import load
from iscg_docs.inputs.structure import structure
from iscg_docs.model.jurisdictions import (
    RESSORTS,
    problems,
    tribunal_administratif,
    warnings,
)
from iscg_docs.model.places import referentiel
from iscg_docs.model.records import Framework
from iscg_docs.model.rules import problems as all_problems
from iscg_docs.model.rules import warnings as all_warnings

ROOT = Path(__file__).resolve().parent.parent


def _departement(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in data["parties"] if p["id"] == data["departement"])
    return found


def _text(document: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(document)).paragraphs)


class TestTable:
    def test_every_metropolitan_departement_once(self) -> None:
        """The table names each of the 96 metropolitan départements once, by its COG name."""
        names = [name for names in RESSORTS.values() for name in names]
        codes = [referentiel().departement(name).code for name in names]
        assert len(codes) == len(set(codes)) == 96
        metropolitan = {d.code for d in referentiel().departements if len(d.code) == 2}
        assert set(codes) == metropolitan

    @pytest.mark.parametrize(
        ("departement", "tribunal"),
        [
            ("Saône-et-Loire", "tribunal administratif de Dijon"),
            ("Ain", "tribunal administratif de Lyon"),
            ("Rhône", "tribunal administratif de Lyon"),
            ("Seine-Saint-Denis", "tribunal administratif de Montreuil"),
            ("Hauts-de-Seine", "tribunal administratif de Cergy-Pontoise"),
            ("Vaucluse", "tribunal administratif de Nîmes"),
            ("Var", "tribunal administratif de Toulon"),
            ("Somme", "tribunal administratif d’Amiens"),
            ("Loiret", "tribunal administratif d’Orléans"),
            ("Corse-du-Sud", "tribunal administratif de Bastia"),
            ("Paris", "tribunal administratif de Paris"),
        ],
        ids=lambda v: str(v),
    )
    def test_departement_gives_its_tribunal(
        self, example_data: dict[str, Any], departement: str, tribunal: str
    ) -> None:
        """A framework's Département party gives the tribunal of article R. 221-3."""
        _departement(example_data)["name"] = departement
        fw = structure(Framework, example_data)
        assert tribunal_administratif(fw) == tribunal


class TestFramework:
    def test_examples(self, framework: Framework) -> None:
        """Saône-et-Loire goes to Dijon, the Ain to Lyon."""
        assert tribunal_administratif(framework) == "tribunal administratif de Dijon"
        ain = load(ROOT / "examples" / "ain.toml")
        assert tribunal_administratif(ain) == "tribunal administratif de Lyon"

    def test_the_data_override_the_table(self, example_data: dict[str, Any]) -> None:
        """A tribunal named by the framework is the one printed."""
        example_data["tribunal_administratif"] = "tribunal administratif de Lyon"
        fw = structure(Framework, example_data)
        assert tribunal_administratif(fw) == "tribunal administratif de Lyon"
        assert list(problems(fw)) == []

    def test_a_tribunal_other_than_the_tables_is_a_warning(
        self, example_data: dict[str, Any]
    ) -> None:
        """Naming Lyon for Saône-et-Loire is allowed, with a warning that cites Dijon."""
        example_data["tribunal_administratif"] = "tribunal administratif de Lyon"
        found = [
            w
            for w in all_warnings(structure(Framework, example_data))
            if w.code == "tribunal-administratif"
        ]
        assert len(found) == 1
        assert found[0].path == "tribunal_administratif"
        assert "« tribunal administratif de Dijon »" in found[0].message
        example_data["tribunal_administratif"] = "Tribunal administratif de Dijon"
        assert list(warnings(structure(Framework, example_data))) == []
        _departement(example_data)["name"] = "Somme"
        example_data["tribunal_administratif"] = "tribunal administratif d'Amiens"
        assert list(warnings(structure(Framework, example_data))) == []

    def test_overseas_needs_the_field(self, example_data: dict[str, Any]) -> None:
        """Outside the table (La Réunion), the framework must name its tribunal."""
        _departement(example_data)["name"] = "La Réunion"
        fw = structure(Framework, example_data)
        assert tribunal_administratif(fw) is None
        found = [p for p in all_problems(fw) if p.code == "tribunal-administratif"]
        assert len(found) == 1
        assert found[0].path == "tribunal_administratif"
        assert "de La Réunion" in found[0].message
        assert "R. 221-3" in found[0].message
        example_data["tribunal_administratif"] = "tribunal administratif de La Réunion"
        assert list(problems(structure(Framework, example_data))) == []

    def test_hors_referentiel_needs_the_field(self, example_data: dict[str, Any]) -> None:
        """A Département outside the COG has no entry: the field is asked for."""
        dep = _departement(example_data)
        dep["name"] = "Nouveau-Département"
        dep["hors_referentiel"] = True
        found = list(problems(structure(Framework, example_data)))
        assert [p.code for p in found] == ["tribunal-administratif"]


class TestDocument:
    def test_unvalidated_unknown_departement(self, example_data: dict[str, Any]) -> None:
        """Rendered without validation, an unknown département gives a true clause."""
        _departement(example_data)["name"] = "Nulle-Part"
        fw = structure(Framework, example_data)
        text = _text(render_convention(fw, fw.conventions[0]))
        assert "devant le tribunal administratif territorialement compétent." in text

    def test_ain_litigation_clause(self) -> None:
        """The Ain's conventions send disputes to Lyon, not to Dijon."""
        fw = load(ROOT / "examples" / "ain.toml")
        text = _text(render_convention(fw, fw.conventions[0]))
        assert "devant le tribunal administratif de Lyon." in text
        assert "Dijon" not in text
