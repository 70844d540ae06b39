"""Tests for iscg_docs.model.places: parties and posts checked against the COG."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest

from iscg_docs.convention.render import render_convention
from iscg_docs.convention.wording import split_text
from iscg_docs.errors import Problem
from iscg_docs.inputs.loading import load
from iscg_docs.inputs.structure import structure
from iscg_docs.model import places
from iscg_docs.model.cog import ReferentielError
from iscg_docs.model.financing import compute_financing
from iscg_docs.model.records import Framework
from iscg_docs.model.rules import problems, warnings

ROOT = Path(__file__).resolve().parent.parent


def build(data: dict[str, Any]) -> Framework:
    """Records from data, before the cross-record rules."""
    return structure(Framework, data)


def party(data: dict[str, Any], pid: str) -> dict[str, Any]:
    """The party ``pid`` of the example's data, to change in place."""
    found: dict[str, Any] = next(p for p in data["parties"] if p["id"] == pid)
    return found


def _text(document: bytes) -> str:
    """A .docx's paragraphs, one per line."""
    return "\n".join(p.text for p in docx.Document(io.BytesIO(document)).paragraphs)


def found(items: list[Problem], code: str) -> list[Problem]:
    return [p for p in items if p.code == code]


class TestExamples:
    def test_saone_et_loire_has_no_warning(self, framework: Framework) -> None:
        """The Saône-et-Loire example agrees with the data: no error, no warning."""
        assert problems(framework) == []
        assert warnings(framework) == []

    def test_ain_has_no_warning(self) -> None:
        """The Ain example agrees with the data: no error, no warning."""
        fw = load(ROOT / "examples" / "ain.toml")
        assert warnings(fw) == []

    def test_ain_documents_read_right(self) -> None:
        """The Ain conventions name their parties as the TNCC says and cite INSEE."""
        fw = load(ROOT / "examples" / "ain.toml")
        first = _text(render_convention(fw, fw.conventions[0]))
        assert "Le Département de l’Ain, représenté par" in first
        assert "La commune d’Ambérieu-en-Bugey, représentée par" in first
        assert "du Département de l’Ain du 13" in first
        assert "au prorata de leur population municipale (INSEE, millésime 2023)" in first
        second = _text(render_convention(fw, fw.conventions[1]))
        assert "la communauté d’agglomération Haut-Bugey Agglomération" in second


class TestNames:
    def test_typo_with_suggestion(self, example_data: dict[str, Any]) -> None:
        """A misspelt commune is an error offering the official name."""
        party(example_data, "montceau")["name"] = "Montceau-les-Mine"
        (problem,) = found(problems(build(example_data)), "unknown-place")
        assert problem.path == "parties[2].name"
        assert problem.message.startswith(
            "« Montceau-les-Mine » n'est pas une commune de Saône-et-Loire ; vouliez-vous dire "
            "« Montceau-les-Mines » ?"
        )
        assert "hors_referentiel = true" in problem.message

    def test_hors_referentiel_makes_it_a_warning(self, example_data: dict[str, Any]) -> None:
        """``hors_referentiel = true`` turns the error into a warning, same code and path."""
        p = party(example_data, "montceau")
        p["name"], p["hors_referentiel"] = "Montceau-Nouvelle", True
        fw = build(example_data)
        assert found(problems(fw), "unknown-place") == []
        (warning,) = found(warnings(fw), "unknown-place")
        assert warning.is_warning
        assert warning.path == "parties[2].name"

    def test_commune_of_another_departement(self, example_data: dict[str, Any]) -> None:
        """A commune found only outside the framework's département: a warning."""
        party(example_data, "blanzy")["name"] = "Hirson"
        fw = build(example_data)
        assert problems(fw) == []
        (warning,) = found(warnings(fw), "commune-outside-departement")
        assert "« Hirson » (02381) n'appartient pas au département de Saône-et-Loire" in (
            warning.message
        )

    def test_homonym_outside_the_departement(self, example_data: dict[str, Any]) -> None:
        """A homonym absent from the département is an error naming the candidates…"""
        party(example_data, "blanzy")["name"] = "La Haye"
        (problem,) = found(problems(build(example_data)), "unknown-place")
        assert "La Haye (Manche, 50)" in problem.message
        assert "La Haye (Vosges, 88)" in problem.message

    def test_homonym_settled_by_insee(self, example_data: dict[str, Any]) -> None:
        """…that its INSEE code settles (then a warning: outside the département)."""
        p = party(example_data, "blanzy")
        p["name"], p["insee"] = "La Haye", "50236"
        fw = build(example_data)
        assert problems(fw) == []
        assert [w.code for w in warnings(fw)] == ["commune-outside-departement"]

    def test_homonym_resolved_by_the_departement(self, example_data: dict[str, Any]) -> None:
        """Saint-Vallier (Saône-et-Loire and Drôme) is the framework's one."""
        fw = build(example_data)
        commune = places.locate(fw.party("saint-vallier"), places.framework_departement(fw))
        assert getattr(commune, "insee", None) == "71486"

    def test_unknown_insee(self, example_data: dict[str, Any]) -> None:
        """An INSEE code no current commune has is an error."""
        party(example_data, "blanzy")["insee"] = "71999"
        (problem,) = found(problems(build(example_data)), "unknown-place")
        assert problem.message.startswith("« 71999 » n'est le code INSEE d'aucune commune")

    def test_insee_of_another_commune(self, example_data: dict[str, Any]) -> None:
        """An INSEE code that names another commune than the name is an error."""
        party(example_data, "blanzy")["insee"] = "71306"
        (problem,) = found(problems(build(example_data)), "insee-mismatch")
        assert "« Montceau-les-Mines », pas de « Blanzy »" in problem.message

    def test_epci_given_as_commune(self, example_data: dict[str, Any]) -> None:
        """An EPCI's name given to a commune party says it is an EPCI."""
        party(example_data, "blanzy")["name"] = "Mâconnais Beaujolais Agglomération"
        (problem,) = found(problems(build(example_data)), "unknown-place")
        assert "n'est pas une commune mais un EPCI (communauté d'agglomération" in (problem.message)

    def test_unknown_departement(self, example_data: dict[str, Any]) -> None:
        """A Département party the data do not know is an error with suggestions."""
        party(example_data, "cd71")["name"] = "Saone-et-Loir"
        messages = [p.message for p in found(problems(build(example_data)), "unknown-place")]
        assert messages[0].startswith("« Saone-et-Loir » n'est pas un département")
        assert "« Saône-et-Loire »" in messages[0]

    def test_corrupt_data_file(
        self, example_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Validation that needs an unreadable data file stops with its clear error."""

        def broken() -> None:
            raise ReferentielError("illisible ; régénérez-le avec tools/update_referentiel.py", "x")

        monkeypatch.setattr(places, "referentiel", broken)
        party(example_data, "blanzy")["name"] = "Commune-Jamais-Vue-Ailleurs"
        with pytest.raises(ReferentielError, match=r"tools/update_referentiel\.py"):
            problems(build(example_data))


class TestRecords:
    def test_official_record(self, framework: Framework) -> None:
        """A party found in the data has its INSEE code and SIREN there."""
        dep = places.framework_departement(framework)
        commune = places.locate(framework.party("montceau"), dep)
        assert (getattr(commune, "insee", None), getattr(commune, "siren", None)) == (
            "71306",
            "217103068",
        )

    def test_siren_mismatch(self, example_data: dict[str, Any]) -> None:
        """A SIREN the data contradict is an error."""
        party(example_data, "mba")["siren"] = "217100403"  # Blanzy's
        (problem,) = found(problems(build(example_data)), "siren-mismatch")
        assert problem.path == "parties[6].siren"
        assert "200070308" in problem.message

    def test_epci_kind_contradicted(self, example_data: dict[str, Any]) -> None:
        """An ``epci_kind`` the data contradict is an error."""
        party(example_data, "mba")["epci_kind"] = "communaute_de_communes"
        (problem,) = found(problems(build(example_data)), "epci-kind")
        assert "est une communauté d'agglomération" in problem.message

    def test_epci_kind_from_data(self, example_data: dict[str, Any]) -> None:
        """An EPCI found in the data needs no ``epci_kind``."""
        del party(example_data, "mba")["epci_kind"]
        fw = build(example_data)
        assert problems(fw) == []
        assert places.epci_kind(fw.party("mba")) is not None


class TestPosts:
    def test_post_commune_typo(self, example_data: dict[str, Any]) -> None:
        """A post's commune not found is an error with suggestions."""
        example_data["conventions"][2]["posts"][0]["commune"] = "Louhans"
        (problem,) = found(problems(build(example_data)), "unknown-place")
        assert problem.path == "conventions[2].posts[0].commune"
        assert "vouliez-vous dire « Louhans-Châteaurenaud »" in problem.message

    def test_post_hors_referentiel(self, example_data: dict[str, Any]) -> None:
        """A post may say its commune is knowingly absent: a warning."""
        post = example_data["conventions"][2]["posts"][0]
        post["commune"], post["hors_referentiel"] = "Louhans", True
        fw = build(example_data)
        assert problems(fw) == []
        assert [w.code for w in warnings(fw)] == ["unknown-place"]

    def test_post_outside_the_epci(self, example_data: dict[str, Any]) -> None:
        """An EPCI's convention with a post in a commune outside it: a warning."""
        example_data["conventions"][1]["posts"][1]["commune"] = "Blanzy"
        fw = build(example_data)
        assert problems(fw) == []
        (warning,) = warnings(fw)
        assert (warning.code, warning.path) == (
            "post-outside-epci",
            "conventions[1].posts[1].commune",
        )
        assert "Blanzy, commune qui n'est pas membre de « CA Mâconnais" in warning.message


class TestPopulation:
    @staticmethod
    def _population_split(data: dict[str, Any], given: dict[str, int]) -> Framework:
        funding = data["conventions"][0]["funding"]
        funding["split_method"] = "population"
        for share in funding["split"]:
            del share["percent"]
            if share["party"] in given:
                share["population"] = given[share["party"]]
        return build(data)

    def test_official_figures(self, example_data: dict[str, Any]) -> None:
        """Without figures, the split takes INSEE's and the document cites them."""
        fw = self._population_split(example_data, {})
        assert problems(fw) == []
        assert warnings(fw) == []
        c = fw.conventions[0]
        counts = [p.count for p in places.split_populations(fw, c) if p is not None]
        assert counts == [17064, 5955, 8508, 4235]
        financing = compute_financing(c, fw)
        rest = [financing.years[0].amount_of(pid) for pid in c.parties]
        assert sum(rest, Decimal(0)) == Decimal("12000.00")
        assert rest[0] == Decimal("5725.86")  # 12 000 × 17 064 / 35 762, rounded half up
        text = split_text(fw, c)
        assert "au prorata de leur population municipale (INSEE, millésime 2023)\u00a0:" in text
        assert "la commune de Montceau-les-Mines pour 17\u202f064\u00a0habitants" in text

    def test_given_figure_differs(self, example_data: dict[str, Any]) -> None:
        """A figure the convention gives is kept, and warned if INSEE's differs."""
        fw = self._population_split(example_data, {"blanzy": 6000})
        assert problems(fw) == []
        (warning,) = warnings(fw)
        assert (warning.code, warning.path) == (
            "population-differs",
            "conventions[0].funding.split[1].population",
        )
        assert "(6000 habitants)" in warning.message
        assert "5955 habitants" in warning.message
        figures = places.split_populations(fw, fw.conventions[0])
        assert [(f.count, f.official) for f in figures if f is not None][1] == (6000, False)
        text = split_text(fw, fw.conventions[0])
        assert "la commune de Blanzy pour 6\u202f000\u00a0habitants, " in text
        assert (
            "pour 17\u202f064\u00a0habitants (population municipale, INSEE, millésime 2023)" in text
        )

    def test_unknown_party_needs_a_figure(self, example_data: dict[str, Any]) -> None:
        """A collectivity outside the data still needs its population."""
        p = party(example_data, "blanzy")
        p["name"], p["hors_referentiel"] = "Blanzy-Nouvelle", True
        fw = self._population_split(example_data, {})
        assert [(p.code, p.path) for p in problems(fw)] == [
            ("split-key", "conventions[0].funding.split[1].population")
        ]


class TestHorsReferentiel:
    def test_plain_message_without_suggestions(self, example_data: dict[str, Any]) -> None:
        """A name marked absent is looked up exactly: its warning offers no suggestion."""
        p = party(example_data, "mba")
        p["name"], p["hors_referentiel"] = "Syndicat intercommunal du Val", True
        (warning,) = warnings(build(example_data))
        assert warning.message == (
            "« Syndicat intercommunal du Val » ne figure pas au Code officiel géographique "
            "(hors référentiel)."
        )
